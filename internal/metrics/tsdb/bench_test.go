package tsdb

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/metrics/sketch"
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

// latencyDay fills a series with a day of 10-second datums, each carrying the
// distribution of 20 request latencies in microseconds (2 ms plus a tail), as the
// serving runtime publishes ModelLatency.
func latencyDay(b *testing.B) (*DB, metrics.MetricID) {
	clk := clock.NewFake(at(86400))
	db := New(Options{Clock: clk})
	m := mid("ModelLatency", "InferenceComponentName", "ic")
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 6))
	for s := 0; s < 86400; s += 10 {
		d := sketch.New()
		var sum, lo, hi float64 = 0, math.Inf(1), math.Inf(-1)
		for range 20 {
			v := math.Round(2000 + 800*rng.ExpFloat64())
			d.Add(v, 1)
			sum, lo, hi = sum+v, min(lo, v), max(hi, v)
		}
		if err := db.Put(ctx, []metrics.Datum{{Metric: m, Time: at(s), SampleCount: 20, Sum: sum, Min: lo, Max: hi, Dist: d}}); err != nil {
			b.Fatal(err)
		}
	}
	return db, m
}

// BenchmarkPutDistribution stores one datum carrying a 20-value distribution into a
// series holding a day of them.
func BenchmarkPutDistribution(b *testing.B) {
	db, m := latencyDay(b)
	d := sketch.New()
	for i := range 20 {
		d.Add(float64(2000+100*i), 1)
	}
	datum := []metrics.Datum{{Metric: m, Time: at(86390), SampleCount: 20, Sum: 59000, Min: 2000, Max: 3900, Dist: d}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := db.Put(ctx, datum); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQueryP99 asks for 3 minutes of p99 at 60 s (a target-tracking alarm on a
// latency percentile) from a day of latency distributions.
func BenchmarkQueryP99(b *testing.B) {
	db, m := latencyDay(b)
	q := metrics.Query{Metric: m, Statistic: "p99", Start: at(86400 - 180), End: at(86400), Period: time.Minute}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.Query(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	st := db.Stats()
	b.ReportMetric(float64(st.Buckets*56+st.Sketches*72+st.SketchBins*8)/float64(st.Buckets), "bytes/bucket")
}

// BenchmarkQueryP99Day aggregates a day of latency distributions into 288 five-minute p99s.
func BenchmarkQueryP99Day(b *testing.B) {
	db, m := latencyDay(b)
	q := metrics.Query{Metric: m, Statistic: "p99", Start: at(0), End: at(86400), Period: 5 * time.Minute}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.Query(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}

// extendedStats are the statistics of the extended-statistic query benchmarks.
var extendedStats = []string{"p99", "tm90", "IQM", "wm99", "TC(10%:90%)", "PR(:3000)", "TM(2500:5000)"}

// BenchmarkQueryExtended asks for 3 minutes of each extended statistic at 60 s (a
// target-tracking alarm) from a day of latency distributions.
func BenchmarkQueryExtended(b *testing.B) {
	db, m := latencyDay(b)
	ctx := context.Background()
	for _, stat := range extendedStats {
		b.Run(stat, func(b *testing.B) {
			q := metrics.Query{Metric: m, Statistic: stat, Start: at(86400 - 180), End: at(86400), Period: time.Minute}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := db.Query(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkQueryExtendedDay aggregates a day of latency distributions into 288
// five-minute values of each extended statistic.
func BenchmarkQueryExtendedDay(b *testing.B) {
	db, m := latencyDay(b)
	ctx := context.Background()
	for _, stat := range extendedStats {
		b.Run(stat, func(b *testing.B) {
			q := metrics.Query{Metric: m, Statistic: stat, Start: at(0), End: at(86400), Period: 5 * time.Minute}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := db.Query(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
