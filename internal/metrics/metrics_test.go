package metrics

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePercentile(t *testing.T) {
	type res struct {
		Q   float64
		Err error
	}
	tests := []struct {
		in   string
		want res
	}{
		{"p99", res{Q: 0.99}},
		{"p0", res{Q: 0}},
		{"p100", res{Q: 1}},
		{"p99.9", res{Q: 0.999}},
		{"p95.45", res{Q: 0.9545}},
		{"p5", res{Q: 0.05}},
		{"p100.1", res{Err: ErrInvalidStatistic}},
		{"p101", res{Err: ErrInvalidStatistic}},
		{"p099", res{Err: ErrInvalidStatistic}},
		{"p99.", res{Err: ErrInvalidStatistic}},
		{"p", res{Err: ErrInvalidStatistic}},
		{"P99", res{Err: ErrInvalidStatistic}},
		{"p-1", res{Err: ErrInvalidStatistic}},
		{"p9x", res{Err: ErrInvalidStatistic}},
		{"Average", res{Err: ErrInvalidStatistic}},
		{"tm90", res{Err: ErrUnsupportedExtendedStatistic}},
		{"wm98", res{Err: ErrUnsupportedExtendedStatistic}},
		{"TC(10%:90%)", res{Err: ErrUnsupportedExtendedStatistic}},
		{"PR(:300)", res{Err: ErrUnsupportedExtendedStatistic}},
		{"IQM", res{Err: ErrUnsupportedExtendedStatistic}},
	}
	for _, tt := range tests {
		q, err := ParsePercentile(tt.in)
		got := res{Q: q}
		for _, e := range []error{ErrInvalidStatistic, ErrUnsupportedExtendedStatistic} {
			if errors.Is(err, e) {
				got.Err = e
			}
		}
		if err != nil && got.Err == nil {
			t.Errorf("ParsePercentile(%q) = unexpected error %v", tt.in, err)
		}
		if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
			t.Errorf("ParsePercentile(%q) (-want +got)\n%s", tt.in, diff)
		}
	}
}
