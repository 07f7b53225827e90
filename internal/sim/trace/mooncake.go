package trace

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Mooncake is the Mooncake (FAST'25) trace format: JSON Lines with "timestamp" in
// milliseconds since the trace start, one request per line.
func Mooncake() Format {
	return Format{
		Name:        "mooncake",
		Description: `Mooncake JSON Lines ({"timestamp": ms since start, ...}), one line per request`,
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
	Timestamp *int64 `json:"timestamp"`
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
		return Event{Time: m.base.Add(time.Duration(*l.Timestamp) * time.Millisecond), Count: 1}, nil
	}
	if err := m.sc.Err(); err != nil {
		return Event{}, fmt.Errorf("mooncake: line %d: %w", m.line+1, err)
	}
	return Event{}, io.EOF
}
