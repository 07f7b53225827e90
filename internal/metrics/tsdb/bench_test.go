package tsdb

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/metrics"
)

// benchIDs returns n series IDs shaped like the per-inference-component metrics.
func benchIDs(n int) []metrics.MetricID {
	ids := make([]metrics.MetricID, n)
	for i := range ids {
		ids[i] = mid("InvocationsPerCopy", "InferenceComponentName", fmt.Sprintf("ic-%05d", i))
	}
	return ids
}

// BenchmarkPut stores one datum per call into 10 000 series, one second apart.
func BenchmarkPut(b *testing.B) {
	clk := clock.NewFake(at(0))
	db := New(Options{Clock: clk})
	ids := benchIDs(10_000)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		d := metrics.Value(ids[i%len(ids)], at(i/len(ids)), 1)
		if err := db.Put(ctx, []metrics.Datum{d}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPutParallel is BenchmarkPut from GOMAXPROCS goroutines.
func BenchmarkPutParallel(b *testing.B) {
	clk := clock.NewFake(at(0))
	db := New(Options{Clock: clk})
	ids := benchIDs(10_000)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			d := metrics.Value(ids[i%len(ids)], at(i/len(ids)), 1)
			if err := db.Put(ctx, []metrics.Datum{d}); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkQuery asks for 3 minutes of Sum at 60 s (what a target-tracking alarm reads)
// from a series holding 24 hours of 10-second data.
func BenchmarkQuery(b *testing.B) {
	clk := clock.NewFake(at(86400))
	db := New(Options{Clock: clk})
	m := mid("InvocationsPerCopy", "InferenceComponentName", "ic")
	ctx := context.Background()
	for s := 0; s < 86400; s += 10 {
		_ = db.Put(ctx, []metrics.Datum{metrics.Value(m, at(s), 1)})
	}
	q := metrics.Query{Metric: m, Statistic: "Sum", Start: at(86400 - 180), End: at(86400), Period: time.Minute}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.Query(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQueryDay aggregates a whole day of 60 s buckets into 5-minute periods.
func BenchmarkQueryDay(b *testing.B) {
	clk := clock.NewFake(at(86400))
	db := New(Options{Clock: clk})
	m := mid("InvocationsPerCopy", "InferenceComponentName", "ic")
	ctx := context.Background()
	for s := 0; s < 86400; s += 60 {
		_ = db.Put(ctx, []metrics.Datum{metrics.Value(m, at(s), 1)})
	}
	q := metrics.Query{Metric: m, Statistic: "Average", Start: at(0), End: at(86400), Period: 5 * time.Minute}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.Query(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}
