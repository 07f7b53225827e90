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
	idx := make([]int, len(want))
	for i, w := range want {
		idx[i] = -1
		for j, h := range rec {
			if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), w) {
				idx[i] = j
			}
		}
		if idx[i] < 0 {
			return nil, fmt.Errorf("%s: header %q has no column %q", c.name, strings.Join(rec, ","), w)
		}
	}
	return idx, nil
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
