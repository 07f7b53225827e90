package trace

import (
	"fmt"
	"io"
	"time"
)

// WorldCup98 is the per-minute request count of the 1998 World Cup web site:
// CSV with header period,count; period is the start of the minute in GMT.
func WorldCup98() Format {
	return Format{
		Name:        "worldcup98",
		Description: "World Cup 98 requests per minute CSV (period,count)",
		Open: func(r io.Reader, o OpenOptions) (Reader, error) {
			return openCounts(r, o, "worldcup98", "period", "count", time.Minute)
		},
	}
}

// CountsPerSecond is a generic CSV of request counts per second: header time,count; time is
// a timestamp (RFC 3339 or 2006-01-02 15:04:05, UTC when no zone is given) or seconds since
// the start.
func CountsPerSecond() Format {
	return Format{
		Name:        "counts-per-second",
		Description: "CSV time,count with the requests in each second (time: timestamp or seconds offset)",
		Open: func(r io.Reader, o OpenOptions) (Reader, error) {
			return openCounts(r, o, "counts-per-second", "time", "count", time.Second)
		},
	}
}

// CountsPerMinute is CountsPerSecond with one-minute buckets.
func CountsPerMinute() Format {
	return Format{
		Name:        "counts-per-minute",
		Description: "CSV time,count with the requests in each minute (time: timestamp or seconds offset)",
		Open: func(r io.Reader, o OpenOptions) (Reader, error) {
			return openCounts(r, o, "counts-per-minute", "time", "count", time.Minute)
		},
	}
}

// Requests is a generic CSV with one request per row: header time; time is a timestamp or
// seconds since the start. Optional input_tokens and output_tokens columns give each
// request's token counts (both cells empty: no counts for that request).
func Requests() Format {
	return Format{
		Name:        "requests",
		Description: "CSV with a time column, one row per request (time: timestamp or seconds offset; optional input_tokens,output_tokens columns)",
		Open: func(r io.Reader, o OpenOptions) (Reader, error) {
			rows := newCSVRows(r, "requests")
			idx, err := rows.header("time")
			if err != nil {
				return nil, err
			}
			in, out, tokens, err := rows.tokenColumns("input_tokens", "output_tokens")
			if err != nil {
				return nil, err
			}
			return &countReader{rows: rows, tcol: idx[0], ccol: -1, base: o.Base, name: "requests", in: in, out: out, tokens: tokens}, nil
		},
	}
}

func openCounts(r io.Reader, o OpenOptions, name, tcol, ccol string, width time.Duration) (Reader, error) {
	rows := newCSVRows(r, name)
	idx, err := rows.header(tcol, ccol)
	if err != nil {
		return nil, err
	}
	return &countReader{rows: rows, tcol: idx[0], ccol: idx[1], width: width, base: o.Base, name: name}, nil
}

type countReader struct {
	rows       *csvRows
	tcol, ccol int // ccol < 0: one request per row
	width      time.Duration
	base       time.Time
	name       string
	in, out    int // token columns of one-request rows, when tokens
	tokens     bool
}

func (c *countReader) Next() (Event, error) {
	rec, line, err := c.rows.next()
	if err != nil {
		return Event{}, err
	}
	t, err := parseTimeOrOffset(field(rec, c.tcol), c.base)
	if err != nil {
		return Event{}, fmt.Errorf("%s: line %d: %w", c.name, line, err)
	}
	if c.ccol < 0 {
		e := Event{Time: t, Count: 1}
		if c.tokens {
			if e.Tokens, err = parseTokens("input_tokens", field(rec, c.in), "output_tokens", field(rec, c.out)); err != nil {
				return Event{}, fmt.Errorf("%s: line %d: %w", c.name, line, err)
			}
		}
		return e, nil
	}
	n, err := parseCount(field(rec, c.ccol))
	if err != nil {
		return Event{}, fmt.Errorf("%s: line %d: %w", c.name, line, err)
	}
	return Event{Time: t, Width: c.width, Count: n}, nil
}
