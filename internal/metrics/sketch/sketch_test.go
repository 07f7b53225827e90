package sketch

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// exact returns the value of rank ⌊q·(n-1)⌋ of the sorted data.
func exact(sorted []float64, q float64) float64 {
	return sorted[int(math.Floor(q*float64(len(sorted)-1)))]
}

func within(got, want float64) bool {
	return math.Abs(got-want) <= RelativeAccuracy*math.Abs(want)*(1+1e-9)
}

func TestQuantileAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	gen := func(n int, f func(i int) float64) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	tests := []struct {
		name string
		data []float64
	}{
		{"one value", []float64{42}},
		{"two values", []float64{1, 1000}},
		{"1..1000", gen(1000, func(i int) float64 { return float64(i + 1) })},
		{"uniform 0..1", gen(5000, func(int) float64 { return rng.Float64() })},
		{"exponential latency µs", gen(10000, func(int) float64 { return 2000 + 500*rng.ExpFloat64() })},
		{"lognormal wide", gen(10000, func(int) float64 { return math.Exp(rng.NormFloat64() * 4) })},
		{"with zeros", gen(1000, func(i int) float64 { return float64(i % 3) })},
		{"wide range", []float64{1e-6, 1e-3, 1, 1e6, 1e9}},
		{"constant", gen(100, func(int) float64 { return 7.5 })},
	}
	qs := []float64{0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := binnedOf(tt.data...)
			sorted := slices.Sorted(slices.Values(tt.data))
			for _, q := range qs {
				got, ok := s.Quantile(q)
				want := exact(sorted, q)
				if !ok || !within(got, want) {
					t.Errorf("Quantile(%v) = %v, %v; want %v within %v", q, got, ok, want, RelativeAccuracy)
				}
			}
			if s.Count() != float64(len(tt.data)) {
				t.Errorf("Count() = %v, want %d", s.Count(), len(tt.data))
			}
		})
	}
}

func TestQuantileCases(t *testing.T) {
	type res struct {
		V  float64
		OK bool
	}
	weighted := newBinned()
	weighted.Add(10, 99)
	weighted.Add(1000, 1)
	weightedExact := New()
	weightedExact.Add(10, 99)
	weightedExact.Add(1000, 1)
	neg := New()
	neg.Add(5, 1)
	neg.Add(-1, 1)
	tests := []struct {
		name string
		s    *Sketch
		q    float64
		want res
	}{
		{"empty", New(), 0.5, res{}},
		{"negative value disables percentiles", neg, 0.5, res{}},
		{"q below range", weighted, -0.1, res{}},
		{"q above range", weighted, 1.1, res{}},
		{"q NaN", weighted, math.NaN(), res{}},
		{"weighted p50", weighted, 0.5, res{binValue(index(10)), true}},
		{"weighted p100 is max", weighted, 1, res{1000, true}},
		{"weighted p0 is min", weighted, 0, res{10, true}},
		{"exact weighted p50", weightedExact, 0.5, res{10, true}},
		{"exact weighted p99", weightedExact, 0.99, res{10, true}},
		// rank ⌊0.995·99⌋ = 98: only p100 reaches the one 1000.
		{"exact weighted p99.5", weightedExact, 0.995, res{10, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := tt.s.Quantile(tt.q)
			if diff := cmp.Diff(tt.want, res{v, ok}); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestAddIgnoresInvalid(t *testing.T) {
	s := New()
	s.Add(math.NaN(), 1)
	s.Add(math.Inf(1), 1)
	s.Add(1, 0)
	s.Add(1, -1)
	s.Add(1, math.NaN())
	if s.Count() != 0 {
		t.Fatalf("Count() = %v, want 0", s.Count())
	}
}

func TestCollapseKeepsUpperQuantiles(t *testing.T) {
	s := newBinned()
	// A range far wider than MaxBins bins: the lowest values collapse.
	var data []float64
	for e := -200.0; e <= 200; e += 0.5 {
		data = append(data, math.Pow(10, e))
	}
	for _, v := range data {
		s.Add(v, 1)
	}
	if s.Bins() > MaxBins {
		t.Fatalf("Bins() = %d, want at most %d", s.Bins(), MaxBins)
	}
	sorted := slices.Sorted(slices.Values(data))
	for _, q := range []float64{0.98, 0.99, 1} {
		got, _ := s.Quantile(q)
		if want := exact(sorted, q); !within(got, want) {
			t.Errorf("Quantile(%v) = %v, want %v", q, got, want)
		}
	}
	if got, _ := s.Quantile(0); got != sorted[0] {
		t.Errorf("Quantile(0) = %v, want the exact minimum %v", got, sorted[0])
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	s := New()
	s.Add(0, 3)
	s.Add(1.5, 2.25)
	for i := range 500 {
		s.Add(float64(i*i+1), 1)
	}
	b, err := s.AppendBinary([]byte("prefix"))
	if err != nil {
		t.Fatal(err)
	}
	got, n, err := Decode(b[len("prefix"):])
	if err != nil {
		t.Fatal(err)
	}
	if n != len(b)-len("prefix") {
		t.Errorf("Decode took %d bytes, want %d", n, len(b)-len("prefix"))
	}
	if diff := cmp.Diff(s, got, cmp.AllowUnexported(Sketch{})); diff != "" {
		t.Errorf("round trip (-want +got)\n%s", diff)
	}
	empty, _ := New().MarshalBinary()
	var e Sketch
	if err := e.UnmarshalBinary(empty); err != nil || e.Count() != 0 {
		t.Errorf("empty round trip: %v, count %v", err, e.Count())
	}
	for i := range len(b) - len("prefix") {
		if _, _, err := Decode(b[len("prefix") : len("prefix")+i]); err == nil {
			t.Fatalf("Decode of %d-byte prefix succeeded", i)
		}
	}
}

func TestCloneIsIndependent(t *testing.T) {
	s := New()
	s.Add(10, 1)
	c := s.Clone()
	c.Add(20, 5)
	if s.Count() != 1 || c.Count() != 6 {
		t.Errorf("counts %v, %v; want 1, 6", s.Count(), c.Count())
	}
}

// build adds vals (as value, count pairs from the fuzzer's bytes) to a new sketch.
func fromBytes(b []byte) (*Sketch, [][2]float64) {
	s := New()
	var added [][2]float64
	for i := 0; i+2 < len(b); i += 3 {
		// value spread over ~40 orders of magnitude, zero included, small whole counts
		e := float64(int(b[i])-128) / 3
		v := math.Pow(10, e) * (1 + float64(b[i+1])/256)
		if b[i+1] == 0 {
			v = 0
		}
		c := float64(b[i+2]%7 + 1)
		s.Add(v, c)
		added = append(added, [2]float64{v, c})
	}
	return s, added
}

func FuzzMergeEqualsAddAll(f *testing.F) {
	f.Add([]byte{1, 2, 3, 200, 100, 4}, []byte{128, 0, 1, 0, 5, 6})
	f.Add([]byte{0, 1, 1, 255, 1, 1}, []byte{128, 3, 3})
	f.Fuzz(func(t *testing.T, a, b []byte) {
		sa, addedA := fromBytes(a)
		sb, addedB := fromBytes(b)
		all := New()
		for _, x := range append(addedA, addedB...) {
			all.Add(x[0], x[1])
		}
		// Binned from the start, merging exact or binned parts.
		ball, bsa := newBinned(), newBinned()
		for _, x := range addedA {
			bsa.Add(x[0], x[1])
		}
		for _, x := range append(addedA, addedB...) {
			ball.Add(x[0], x[1])
		}
		bsa.Merge(sb)
		sa.Merge(sb)
		if diff := cmp.Diff(norm(all), norm(sa), cmp.AllowUnexported(Sketch{})); diff != "" {
			t.Fatalf("Merge differs from adding all (-all +merged)\n%s", diff)
		}
		if diff := cmp.Diff(norm(ball), norm(bsa), cmp.AllowUnexported(Sketch{})); diff != "" {
			t.Fatalf("binned Merge differs from adding all (-all +merged)\n%s", diff)
		}
		if sa.Exact() {
			return
		}
		if diff := cmp.Diff(norm(ball), norm(sa), cmp.AllowUnexported(Sketch{})); diff != "" {
			t.Fatalf("converted sketch differs from a binned one (-binned +converted)\n%s", diff)
		}
	})
}

// norm trims empty bins at both ends, which a merge may leave.
func norm(s *Sketch) *Sketch {
	c := s.Clone()
	if c.exact {
		return c
	}
	for len(c.bins) > 0 && c.bins[0] == 0 {
		c.bins = c.bins[1:]
		c.offset++
	}
	for len(c.bins) > 0 && c.bins[len(c.bins)-1] == 0 {
		c.bins = c.bins[:len(c.bins)-1]
	}
	if len(c.bins) == 0 {
		c.bins, c.offset = nil, 0
	}
	return c
}

func TestMergeProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 200 {
		parts := make([]*Sketch, 1+rng.IntN(5))
		all := New()
		for i := range parts {
			parts[i] = New()
			for range rng.IntN(300) {
				v := math.Exp(rng.NormFloat64() * 30)
				if rng.IntN(20) == 0 {
					v = 0
				}
				c := float64(1 + rng.IntN(3))
				parts[i].Add(v, c)
				all.Add(v, c)
			}
		}
		m := New()
		for _, p := range parts {
			m.Merge(p)
		}
		if diff := cmp.Diff(norm(all), norm(m), cmp.AllowUnexported(Sketch{})); diff != "" {
			t.Fatalf("Merge differs from adding all (-all +merged)\n%s", diff)
		}
	}
}
