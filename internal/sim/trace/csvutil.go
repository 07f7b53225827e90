package trace

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// csvRows reads CSV records with line numbers, skipping blank lines.
type csvRows struct {
	r    *csv.Reader
	name string
	head []string // the header record, once read
}

func newCSVRows(r io.Reader, name string) *csvRows {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	return &csvRows{r: cr, name: name}
}

// next returns the next record and its line number; io.EOF at the end.
func (c *csvRows) next() ([]string, int, error) {
	rec, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return nil, 0, io.EOF
	}
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", c.name, err)
	}
	line, _ := c.r.FieldPos(0)
	return rec, line, nil
}

// header reads the first record and checks it names the wanted columns (case-insensitive),
// returning their indices.
func (c *csvRows) header(want ...string) ([]int, error) {
	rec, _, err := c.next()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty file (want a header %s)", c.name, strings.Join(want, ","))
	}
	if err != nil {
		return nil, err
	}
	c.head = append([]string(nil), rec...)
	idx := make([]int, len(want))
	for i, w := range want {
		idx[i] = c.column(w)
		if idx[i] < 0 {
			return nil, fmt.Errorf("%s: header %q has no column %q", c.name, strings.Join(rec, ","), w)
		}
	}
	return idx, nil
}

// column returns the index of a header column (case-insensitive), or -1.
func (c *csvRows) column(name string) int {
	idx := -1
	for j, h := range c.head {
		if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), name) {
			idx = j
		}
	}
	return idx
}

// tokenColumns finds the optional input and output token columns of a header; ok is false
// when the header has neither, and an error names the column that is missing when it has
// only one of them.
func (c *csvRows) tokenColumns(input, output string) (in, out int, ok bool, err error) {
	in, out = c.column(input), c.column(output)
	switch {
	case in < 0 && out < 0:
		return -1, -1, false, nil
	case in < 0:
		return -1, -1, false, fmt.Errorf("%s: header %q has a %q column but no %q column", c.name, strings.Join(c.head, ","), output, input)
	case out < 0:
		return -1, -1, false, fmt.Errorf("%s: header %q has a %q column but no %q column", c.name, strings.Join(c.head, ","), input, output)
	}
	return in, out, true, nil
}

// parseTokens parses the token counts of one request: both empty means the request has no
// counts; otherwise both must be whole numbers in [0, MaxTokens].
func parseTokens(inName, in, outName, out string) (Tokens, error) {
	if in == "" && out == "" {
		return Tokens{}, nil
	}
	i, err := parseTokenCount(inName, in)
	if err != nil {
		return Tokens{}, err
	}
	o, err := parseTokenCount(outName, out)
	if err != nil {
		return Tokens{}, err
	}
	return Tokens{Input: i, Output: o, Known: true}, nil
}

func parseTokenCount(name, s string) (int32, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 || v > MaxTokens {
		return 0, fmt.Errorf("%s %q is not a whole number of tokens between 0 and %d", name, s, MaxTokens)
	}
	return int32(v), nil
}

func field(rec []string, i int) string {
	if i < len(rec) {
		return strings.TrimSpace(rec[i])
	}
	return ""
}

// parseCount parses a non-negative request count.
func parseCount(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || v != v {
		return 0, fmt.Errorf("count %q is not a non-negative number", s)
	}
	return v, nil
}

// timeLayouts are the absolute time forms the generic formats accept.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04",
}

// parseTimeOrOffset parses an absolute time (UTC when no zone is given) or a number of
// seconds after base.
func parseTimeOrOffset(s string, base time.Time) (time.Time, error) {
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		if v < 0 || v != v || v > 1e10 {
			return time.Time{}, fmt.Errorf("time offset %q must be a non-negative number of seconds", s)
		}
		return base.Add(time.Duration(v * float64(time.Second))), nil
	}
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q is neither seconds since the start nor a timestamp like 2006-01-02 15:04:05", s)
}
