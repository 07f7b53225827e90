package trace

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Mooncake is the Mooncake (FAST'25) trace format: JSON Lines with "timestamp" in
// milliseconds since the trace start, one request per line. "input_length" and
// "output_length", when a line has them, are the request's input and output tokens.
func Mooncake() Format {
	return Format{
		Name:        "mooncake",
		Description: `Mooncake JSON Lines ({"timestamp": ms since start, "input_length", "output_length", ...}), one line per request, with token counts`,
		Open: func(r io.Reader, o OpenOptions) (Reader, error) {
			sc := bufio.NewScanner(r)
			sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
			return &mooncakeReader{sc: sc, base: o.Base}, nil
		},
	}
}

type mooncakeReader struct {
	sc   *bufio.Scanner
	base time.Time
	line int
}

type mooncakeLine struct {
	Timestamp    *int64 `json:"timestamp"`
	InputLength  *int64 `json:"input_length"`
	OutputLength *int64 `json:"output_length"`
}

func (m *mooncakeReader) Next() (Event, error) {
	for m.sc.Scan() {
		m.line++
		b := m.sc.Bytes()
		if len(b) == 0 {
			continue
		}
		var l mooncakeLine
		if err := json.Unmarshal(b, &l); err != nil {
			return Event{}, fmt.Errorf("mooncake: line %d: %w", m.line, err)
		}
		if l.Timestamp == nil || *l.Timestamp < 0 {
			return Event{}, fmt.Errorf("mooncake: line %d: missing or negative \"timestamp\"", m.line)
		}
		e := Event{Time: m.base.Add(time.Duration(*l.Timestamp) * time.Millisecond), Count: 1}
		switch in, out := l.InputLength, l.OutputLength; {
		case in == nil && out == nil:
		case in == nil || out == nil:
			return Event{}, fmt.Errorf("mooncake: line %d: give both \"input_length\" and \"output_length\" or neither", m.line)
		case *in < 0 || *in > MaxTokens || *out < 0 || *out > MaxTokens:
			return Event{}, fmt.Errorf("mooncake: line %d: token counts input_length %d, output_length %d must be between 0 and %d", m.line, *in, *out, MaxTokens)
		default:
			e.Tokens = Tokens{Input: int32(*in), Output: int32(*out), Known: true}
		}
		return e, nil
	}
	if err := m.sc.Err(); err != nil {
		return Event{}, fmt.Errorf("mooncake: line %d: %w", m.line+1, err)
	}
	return Event{}, io.EOF
}
