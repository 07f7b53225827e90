package sketch

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// latencies returns n request latencies in microseconds (2 ms plus an exponential tail).
func latencies(n int) []float64 {
	rng := rand.New(rand.NewPCG(3, 4))
	out := make([]float64, n)
	for i := range out {
		out[i] = 2000 + 800*rng.ExpFloat64()
	}
	return out
}

func BenchmarkAdd(b *testing.B) {
	vals := latencies(4096)
	s := New()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Add(vals[i%len(vals)], 1)
	}
}

func BenchmarkQuantile(b *testing.B) {
	s := New()
	for _, v := range latencies(10_000) {
		s.Add(v, 1)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := s.Quantile(0.99); !ok {
			b.Fatal("no quantile")
		}
	}
}

// BenchmarkMerge merges a sketch of 1 000 latencies into an accumulator, as a query
// merging per-minute buckets does.
func BenchmarkMerge(b *testing.B) {
	part := New()
	for _, v := range latencies(1000) {
		part.Add(v, 1)
	}
	acc := New()
	b.ReportAllocs()
	for b.Loop() {
		acc.Merge(part)
	}
}

// BenchmarkSize reports the memory and encoded size of a sketch of n latencies.
func BenchmarkSize(b *testing.B) {
	for _, n := range []int{1, 100, 10_000} {
		s := New()
		for _, v := range latencies(n) {
			s.Add(v, 1)
		}
		enc, _ := s.AppendBinary(nil)
		b.Run(fmt.Sprintf("values=%d", n), func(b *testing.B) {
			for b.Loop() {
				_ = s.Clone()
			}
			b.ReportMetric(float64(72+8*cap(s.bins)), "mem-bytes")
			b.ReportMetric(float64(len(enc)), "encoded-bytes")
			b.ReportMetric(float64(s.Bins()), "bins")
		})
	}
}

// BenchmarkExtended computes each extended statistic from a sketch of 10 000 latencies.
func BenchmarkExtended(b *testing.B) {
	s := New()
	for _, v := range latencies(10_000) {
		s.Add(v, 1)
	}
	inf := math.Inf(1)
	benches := []struct {
		name string
		f    func() bool
	}{
		{"Quantile/p99", func() bool { _, ok := s.Quantile(0.99); return ok }},
		{"TrimmedByRank/tm90", func() bool { _, _, ok := s.TrimmedByRank(0, 0.9); return ok }},
		{"TrimmedByRank/IQM", func() bool { _, _, ok := s.TrimmedByRank(0.25, 0.75); return ok }},
		{"WinsorizedByRank/wm99", func() bool { _, ok := s.WinsorizedByRank(0, 0.99); return ok }},
		{"TrimmedByValue/TM(2500:5000)", func() bool { _, _, ok := s.TrimmedByValue(2500, 5000); return ok }},
		{"WinsorizedByValue/WM(2500:5000)", func() bool { _, ok := s.WinsorizedByValue(2500, 5000); return ok }},
		{"RankOf/PR(:3000)", func() bool { _, ok := s.RankOf(math.Inf(-1), 3000); return ok }},
		{"RankOf/PR(3000:)", func() bool { _, ok := s.RankOf(3000, inf); return ok }},
	}
	for _, bb := range benches {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !bb.f() {
					b.Fatal("no value")
				}
			}
		})
	}
}
