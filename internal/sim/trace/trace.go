package trace

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Event is one entry of a trace: Count requests at Time (Width 0) or spread over
// [Time, Time+Width).
type Event struct {
	Time  time.Time
	Width time.Duration
	Count float64
	// Tokens are the token counts of the request(s), for formats that record them (LLM
	// request traces); every request drawn from the event carries them.
	Tokens Tokens
}

// Tokens are the token counts of one LLM request. Known is false when the trace does not
// record them (count formats, World Cup 98).
type Tokens struct {
	// Input is the prompt (context) length: the tokens the prefill processes.
	Input int32
	// Output is the generated length: the tokens the decode produces one by one.
	Output int32
	Known  bool
}

// MaxTokens bounds the token counts a trace may give for one request.
const MaxTokens = 1 << 30

// Reader yields the events of a trace in non-decreasing time order; it returns io.EOF after
// the last one.
type Reader interface {
	Next() (Event, error)
}

// OpenOptions carries what a format may need besides the bytes.
type OpenOptions struct {
	// Base is the wall-clock time of offset 0 for formats whose timestamps are relative
	// (Mooncake, offset-based count files). The zero value means DefaultBase.
	Base time.Time
}

// DefaultBase is the start time given to traces whose timestamps are relative offsets.
var DefaultBase = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// Format is one supported trace file format.
type Format struct {
	// Name is what --format takes.
	Name string
	// Description is one line for --help.
	Description string
	// Open starts reading a trace from r.
	Open func(r io.Reader, o OpenOptions) (Reader, error)
}

// Registry holds the known formats by name.
type Registry struct {
	m map[string]Format
}

// NewRegistry returns a registry of the given formats. A duplicate or empty name is a wiring
// bug and returns an error.
func NewRegistry(formats ...Format) (*Registry, error) {
	r := &Registry{m: make(map[string]Format, len(formats))}
	for _, f := range formats {
		if f.Name == "" || f.Open == nil {
			return nil, errors.New("trace: format without name or Open")
		}
		if _, dup := r.m[f.Name]; dup {
			return nil, fmt.Errorf("trace: duplicate format %q", f.Name)
		}
		r.m[f.Name] = f
	}
	return r, nil
}

// Builtin returns the registry of the formats scaled ships. Add new formats here.
func Builtin() *Registry {
	r, err := NewRegistry(
		AzureLLM(),
		Mooncake(),
		WorldCup98(),
		CountsPerSecond(),
		CountsPerMinute(),
		Requests(),
		CloudWatchJSON(),
	)
	if err != nil {
		panic(err) // the list above is fixed; a duplicate is a programming error caught by tests
	}
	return r
}

// Lookup finds a format by name.
func (r *Registry) Lookup(name string) (Format, bool) {
	f, ok := r.m[name]
	return f, ok
}

// Names lists the format names in order.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.m))
	for n := range r.m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Open opens a trace of the named format, with an error naming the known formats when the
// name is unknown.
func (r *Registry) Open(name string, rd io.Reader, o OpenOptions) (Reader, error) {
	f, ok := r.m[name]
	if !ok {
		return nil, fmt.Errorf("unknown trace format %q (known: %s)", name, strings.Join(r.Names(), ", "))
	}
	if o.Base.IsZero() {
		o.Base = DefaultBase
	}
	return f.Open(rd, o)
}

// ReadAll reads every event of a trace, checking the order.
func ReadAll(r Reader) ([]Event, error) {
	var out []Event
	for {
		e, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if e.Count < 0 {
			return nil, fmt.Errorf("event %d at %s: negative count %v", len(out)+1, e.Time.Format(time.RFC3339Nano), e.Count)
		}
		if n := len(out); n > 0 && e.Time.Before(out[n-1].Time) {
			return nil, fmt.Errorf("event %d at %s is earlier than the previous one at %s: traces must be sorted by time",
				n+1, e.Time.Format(time.RFC3339Nano), out[n-1].Time.Format(time.RFC3339Nano))
		}
		out = append(out, e)
	}
}

// sliceReader replays a slice of events.
type sliceReader struct {
	ev []Event
	i  int
}

// FromEvents returns a Reader over events (used by tests and synthetic traces).
func FromEvents(ev []Event) Reader { return &sliceReader{ev: ev} }

func (s *sliceReader) Next() (Event, error) {
	if s.i >= len(s.ev) {
		return Event{}, io.EOF
	}
	s.i++
	return s.ev[s.i-1], nil
}

// MeanTokens returns the mean input and output token counts of the requests with known
// counts (events weighted by Count) and how many such requests there are.
func MeanTokens(ev []Event) (input, output, requests float64) {
	var in, out float64
	for _, e := range ev {
		if !e.Tokens.Known || e.Count <= 0 {
			continue
		}
		in += float64(e.Tokens.Input) * e.Count
		out += float64(e.Tokens.Output) * e.Count
		requests += e.Count
	}
	if requests == 0 {
		return 0, 0, 0
	}
	return in / requests, out / requests, requests
}

// Total is the number of requests in events.
func Total(ev []Event) float64 {
	var n float64
	for _, e := range ev {
		n += e.Count
	}
	return n
}

// Span returns the first instant and the end of the last event (its time plus width).
func Span(ev []Event) (start, end time.Time) {
	if len(ev) == 0 {
		return time.Time{}, time.Time{}
	}
	start = ev[0].Time
	for _, e := range ev {
		if t := e.Time.Add(e.Width); t.After(end) {
			end = t
		}
	}
	return start, end
}
