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

func sketchOfLatencies(n int) *Sketch {
	s := New()
	for _, v := range latencies(n) {
		s.Add(v, 1)
	}
	return s
}

// BenchmarkAdd adds latencies to a sketch past MaxExact distinct values: the steady state
// of binned mode.
func BenchmarkAdd(b *testing.B) {
	vals := latencies(4096)
	s := New()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Add(vals[i%len(vals)], 1)
	}
}

// BenchmarkAddExact fills an exact sketch with n distinct latencies, over and over (Reset
// keeps the storage): the cost of one Add averaged over the filling.
func BenchmarkAddExact(b *testing.B) {
	for _, n := range []int{10, MaxExact} {
		b.Run(fmt.Sprintf("values=%d", n), func(b *testing.B) {
			vals := latencies(n)
			s := New()
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if i%n == 0 {
					s.Reset()
				}
				s.Add(vals[i%n], 1)
			}
			if !s.Exact() {
				b.Fatal("not exact")
			}
		})
	}
}

func BenchmarkQuantile(b *testing.B) {
	for _, n := range []int{10, MaxExact, 10_000} {
		s := sketchOfLatencies(n)
		b.Run(fmt.Sprintf("values=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := s.Quantile(0.99); !ok {
					b.Fatal("no quantile")
				}
			}
		})
	}
}

// BenchmarkMerge merges a sketch into an accumulator, as a query merging per-minute
// buckets does: binned into binned (1 000 latencies), exact into exact (the same values,
// so the accumulator stays exact), and exact into binned.
func BenchmarkMerge(b *testing.B) {
	benches := []struct {
		name      string
		part, acc *Sketch
	}{
		{"binned-1000", sketchOfLatencies(1000), sketchOfLatencies(1000)},
		{"exact-10-into-exact", sketchOfLatencies(10), sketchOfLatencies(10)},
		{"exact-64-into-exact", sketchOfLatencies(MaxExact), sketchOfLatencies(MaxExact)},
		{"exact-20-into-binned", sketchOfLatencies(20), sketchOfLatencies(1000)},
	}
	for _, bb := range benches {
		b.Run(bb.name, func(b *testing.B) {
			exact := bb.acc.Exact()
			b.ReportAllocs()
			for b.Loop() {
				bb.acc.Merge(bb.part)
			}
			if bb.acc.Exact() != exact {
				b.Fatal("accumulator changed mode")
			}
		})
	}
}

// BenchmarkSize reports the memory and encoded size of a sketch of n latencies.
func BenchmarkSize(b *testing.B) {
	for _, n := range []int{1, 10, 100, 10_000} {
		s := sketchOfLatencies(n)
		enc, _ := s.AppendBinary(nil)
		b.Run(fmt.Sprintf("values=%d", n), func(b *testing.B) {
			for b.Loop() {
				_ = s.Clone()
			}
			exact := 0.0
			if s.Exact() {
				exact = 1
			}
			b.ReportMetric(float64(72+8*cap(s.bins)), "mem-bytes")
			b.ReportMetric(float64(len(enc)), "encoded-bytes")
			b.ReportMetric(float64(s.Bins()), "slots")
			b.ReportMetric(exact, "exact")
		})
	}
}

// BenchmarkExtended computes each extended statistic from a sketch of 10 000 latencies
// (binned) and from one of 50 (exact).
func BenchmarkExtended(b *testing.B) {
	for _, n := range []int{50, 10_000} {
		s := sketchOfLatencies(n)
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
			b.Run(fmt.Sprintf("values=%d/%s", n, bb.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if !bb.f() {
						b.Fatal("no value")
					}
				}
			})
		}
	}
}
