package tsdb

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/metrics"
)

// TestExtendedStatisticQuery queries every extended statistic over percentileData, whose
// minutes hold: 0 the values 1..100; 1 ten 1000s, 1500 and ten 2000s; 2 a statistic set of
// different values; 3 three 7s (a statistic set with Min == Max); 4 a negative value.
func TestExtendedStatisticQuery(t *testing.T) {
	m := mid("ModelLatency", "InferenceComponentName", "ic-1")
	minute := func(stat string, min int) metrics.Query {
		return metrics.Query{Statistic: stat, Start: at(60 * min), End: at(60*min + 60), Period: time.Minute}
	}
	tests := []struct {
		name string
		q    metrics.Query
		want []metrics.Sample
		err  error
	}{
		{"tm90: mean of 1..90", minute("tm90", 0), []metrics.Sample{smp(0, 45.5)}, nil},
		{"IQM: mean of 26..75", minute("IQM", 0), []metrics.Sample{smp(0, 50.5)}, nil},
		{"TM(10%:90%): mean of 11..90", minute("TM(10%:90%)", 0), []metrics.Sample{smp(0, 50.5)}, nil},
		{"TM(:50): mean of 1..50", minute("TM(:50)", 0), []metrics.Sample{smp(0, 25.5)}, nil},
		{"TM(:0.5): nothing", minute("TM(:0.5)", 0), nil, metrics.ErrNoData},
		// 1..90 and ten 90s
		{"wm90", minute("wm90", 0), []metrics.Sample{smp(0, 49.95)}, nil},
		// ten 10s, 11..90, ten 90s
		{"WM(10:90)", minute("WM(10:90)", 0), []metrics.Sample{smp(0, 50.4)}, nil},
		{"tc90", minute("tc90", 0), []metrics.Sample{smp(0, 90)}, nil},
		{"TC(10%:90%)", minute("TC(10%:90%)", 0), []metrics.Sample{smp(0, 80)}, nil},
		{"TC(:50)", minute("TC(:50)", 0), []metrics.Sample{smp(0, 50)}, nil},
		{"TC(:0.5): zero", minute("TC(:0.5)", 0), []metrics.Sample{smp(0, 0)}, nil},
		{"ts90: sum of 1..90", minute("ts90", 0), []metrics.Sample{smp(0, 4095)}, nil},
		{"TS(10%:90%): sum of 11..90", minute("TS(10%:90%)", 0), []metrics.Sample{smp(0, 4040)}, nil},
		{"TS(90:): sum of 91..100", minute("TS(90:)", 0), []metrics.Sample{smp(0, 955)}, nil},
		{"PR(:30)", minute("PR(:30)", 0), []metrics.Sample{smp(0, 30)}, nil},
		{"PR(25:75)", minute("PR(25:75)", 0), []metrics.Sample{smp(0, 50)}, nil},
		// minute 1: 21 values
		{"PR(:1500) of a distribution and a value", minute("PR(:1500)", 1), []metrics.Sample{smp(60, 1100.0/21)}, nil},
		// 10.5 positions: ten 1000s and half of 1500
		{"tm50", minute("tm50", 1), []metrics.Sample{smp(60, 10750/10.5)}, nil},
		{"TC(1000:)", minute("TC(1000:)", 1), []metrics.Sample{smp(60, 11)}, nil},
		// minute 3: three 7s without a sketch
		{"IQM of equal values", minute("IQM", 3), []metrics.Sample{smp(180, 7)}, nil},
		{"tc90 of equal values", minute("tc90", 3), []metrics.Sample{smp(180, 2.7)}, nil},
		{"TC(:7) of equal values", minute("TC(:7)", 3), []metrics.Sample{smp(180, 3)}, nil},
		{"PR(7:) of equal values", minute("PR(7:)", 3), []metrics.Sample{smp(180, 0)}, nil},
		{"WM(8:9) of equal values", minute("WM(8:9)", 3), []metrics.Sample{smp(180, 8)}, nil},
		// no distribution, negative values
		{"statistic set: no datapoint", minute("tm90", 2), nil, metrics.ErrNoData},
		{"negative value: no trimmed mean", minute("TM(10%:90%)", 4), nil, metrics.ErrNoData},
		{"negative value: no percentile rank", minute("PR(:300)", 4), nil, metrics.ErrNoData},
		{"negative value: no trimmed count", minute("tc90", 4), nil, metrics.ErrNoData},
		{"merged over two minutes", metrics.Query{Statistic: "PR(:100)", Start: at(0), End: at(120), Period: 2 * time.Minute},
			[]metrics.Sample{smp(0, 100*100.0/121)}, nil},
		{"invalid spelling", minute("tm(10%:90%)", 0), nil, ErrUnsupportedStatistic},
	}
	db := New(Options{Clock: clock.NewFake(at(600))})
	if err := db.Put(context.Background(), percentileData(m)); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.Metric = m
			got, err := db.Query(context.Background(), q)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got, approx); diff != "" {
				t.Errorf("samples (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := db.Query(context.Background(), metrics.Query{Metric: m, Statistic: "TM(90%:10%)", Start: at(0), End: at(60), Period: time.Minute}); !errors.Is(err, metrics.ErrInvalidStatistic) {
		t.Errorf("TM(90%%:10%%): err = %v, want one wrapping metrics.ErrInvalidStatistic", err)
	}
}
