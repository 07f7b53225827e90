package sketch

import (
	"bufio"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// exactly compares results that are exact up to float64 rounding of the bounds' positions
// (0.3·10 is 3.0000000000000004).
var exactly = cmpopts.EquateApprox(1e-12, 1e-12)

// TestExactSmallSet checks the statistics of 10, 20, …, 100 against the definitions:
// Quantile(q) is the value of rank ⌊q·(n−1)⌋, and rank bounds cut at lo·n and hi·n with
// cut values counting in proportion.
func TestExactSmallSet(t *testing.T) {
	s := New()
	for v := 10; v <= 100; v += 10 {
		s.Add(float64(v), 1)
	}
	if !s.Exact() {
		t.Fatal("sketch of 10 values is not exact")
	}
	ninf := math.Inf(-1)
	q := func(p float64) float64 { v, _ := s.Quantile(p); return v }
	tm := func(lo, hi float64) float64 { c, sum, _ := s.TrimmedByRank(lo, hi); return sum / c }
	tc := func(lo, hi float64) float64 { c, _, _ := s.TrimmedByRank(lo, hi); return c }
	ts := func(lo, hi float64) float64 { _, sum, _ := s.TrimmedByRank(lo, hi); return sum }
	tcv := func(lo, hi float64) float64 { c, _, _ := s.TrimmedByValue(lo, hi); return c }
	tsv := func(lo, hi float64) float64 { _, sum, _ := s.TrimmedByValue(lo, hi); return sum }
	pr := func(lo, hi float64) float64 { v, _ := s.RankOf(lo, hi); return v }
	wm := func(lo, hi float64) float64 { v, _ := s.WinsorizedByRank(lo, hi); return v }
	wmv := func(lo, hi float64) float64 { v, _ := s.WinsorizedByValue(lo, hi); return v }
	got := map[string]float64{
		"p0": q(0), "p10": q(0.1), "p25": q(0.25), "p50": q(0.5), "p90": q(0.9),
		"p95": q(0.95), "p99": q(0.99), "p100": q(1),
		"IQM": tm(0.25, 0.75), "tm80": tm(0, 0.8), "tm90": tm(0, 0.9), "TM(10%:90%)": tm(0.1, 0.9),
		"tc90": tc(0, 0.9), "ts90": ts(0, 0.9), "TC(25%:75%)": tc(0.25, 0.75), "TS(25%:75%)": ts(0.25, 0.75),
		"TC(20:60)": tcv(20, 60), "TS(20:60)": tsv(20, 60), "TC(:55)": tcv(ninf, 55),
		"PR(:50)": pr(ninf, 50), "PR(:55)": pr(ninf, 55), "PR(50:)": pr(50, math.Inf(1)), "PR(20:60)": pr(20, 60),
		"wm80": wm(0, 0.8), "WM(25%:75%)": wm(0.25, 0.75), "WM(25:75)": wmv(25, 75),
		"Count": s.Count(), "Min": s.Min(), "Max": s.Max(),
	}
	want := map[string]float64{
		// ranks ⌊q·9⌋: 0, 0, 2, 4, 8, 8, 8; p0 and p100 are Min and Max.
		"p0": 10, "p10": 10, "p25": 30, "p50": 50, "p90": 90, "p95": 90, "p99": 90, "p100": 100,
		// positions 2.5 … 7.5: (0.5·30 + 40 + 50 + 60 + 70 + 0.5·80) / 5
		"IQM": 55,
		// positions 0 … 8: 10 … 80
		"tm80": 45, "tm90": 50, "TM(10%:90%)": 55,
		"tc90": 9, "ts90": 450, "TC(25%:75%)": 5, "TS(25%:75%)": 275,
		// 20 < v ≤ 60: 30, 40, 50, 60
		"TC(20:60)": 4, "TS(20:60)": 180, "TC(:55)": 5,
		"PR(:50)": 50, "PR(:55)": 50, "PR(50:)": 50, "PR(20:60)": 40,
		// 90 and 100 lowered to the value at position 8 (80): (360 + 160) / 10
		"wm80": 52,
		// 2.5 values at 30, 275 between, 2.5 values at 80: (75 + 275 + 200) / 10
		"WM(25%:75%)": 55,
		// 25, 25, 30, …, 70, 75, 75, 75: (50 + 250 + 225) / 10
		"WM(25:75)": 52.5,
		"Count":     10, "Min": 10, "Max": 100,
	}
	if diff := cmp.Diff(want, got, exactly); diff != "" {
		t.Errorf("statistics of 10..100 (-want +got)\n%s", diff)
	}
	// What a user checks, to the last bit: no 3.9999999999999996 for a count of 4.
	bits := map[string]float64{
		"p50": q(0.5), "p90": q(0.9), "IQM": tm(0.25, 0.75), "tm80": tm(0, 0.8),
		"TC(30%:70%)": tc(0.3, 0.7), "TS(30%:70%)": ts(0.3, 0.7), "PR(:50)": pr(ninf, 50),
	}
	wantBits := map[string]float64{
		"p50": 50, "p90": 90, "IQM": 55, "tm80": 45, "TC(30%:70%)": 4, "TS(30%:70%)": 220, "PR(:50)": 50,
	}
	if diff := cmp.Diff(wantBits, bits); diff != "" {
		t.Errorf("statistics of 10..100, compared exactly (-want +got)\n%s", diff)
	}
}

func TestExactCases(t *testing.T) {
	type res struct {
		V  float64
		OK bool
	}
	tests := []struct {
		name string
		add  [][2]float64 // value, count
		f    func(s *Sketch) (float64, bool)
		want res
	}{
		{"p50 of one value", [][2]float64{{42.5, 1}}, func(s *Sketch) (float64, bool) { return s.Quantile(0.5) }, res{42.5, true}},
		{"p99 of 100 equal values", [][2]float64{{3.25, 100}}, func(s *Sketch) (float64, bool) { return s.Quantile(0.99) }, res{3.25, true}},
		// 29 zeros then 72 fives: rank 29 is the first 5, though 0.29·100 computes as 28.999….
		{"p29 of 101 values is rank 29", [][2]float64{{0, 29}, {5, 72}}, func(s *Sketch) (float64, bool) { return s.Quantile(0.29) }, res{5, true}},
		{"zeros come first", [][2]float64{{0, 3}, {5, 1}, {7, 1}}, func(s *Sketch) (float64, bool) { return s.Quantile(0.5) }, res{0, true}},
		{"p75 after zeros", [][2]float64{{0, 3}, {5, 1}, {7, 1}}, func(s *Sketch) (float64, bool) { return s.Quantile(0.75) }, res{5, true}},
		{"negative disables", [][2]float64{{-1, 1}, {5, 1}}, func(s *Sketch) (float64, bool) { return s.Quantile(0.5) }, res{}},
		{"weighted tm90 cuts a count", [][2]float64{{10, 2}, {20, 2}}, func(s *Sketch) (float64, bool) {
			c, sum, ok := s.TrimmedByRank(0, 0.9)
			return sum / c, ok // (10 + 10 + 1.6·20) / 3.6
		}, res{(20 + 1.6*20) / 3.6, true}},
		{"PR(:0.5) counts zeros", [][2]float64{{0, 1}, {0.5, 1}, {0.51, 2}}, func(s *Sketch) (float64, bool) { return s.RankOf(math.Inf(-1), 0.5) }, res{50, true}},
		{"PR(0.5:) is exact next to the bound", [][2]float64{{0.5, 1}, {0.501, 1}}, func(s *Sketch) (float64, bool) { return s.RankOf(0.5, math.Inf(1)) }, res{50, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New()
			for _, a := range tt.add {
				s.Add(a[0], a[1])
			}
			if !s.Exact() {
				t.Fatal("not exact")
			}
			var got res
			got.V, got.OK = tt.f(s)
			if diff := cmp.Diff(tt.want, got, exactly); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// TestExactConversion checks when a sketch leaves exact mode, and that afterwards it equals
// a sketch that was binned from the start.
func TestExactConversion(t *testing.T) {
	tests := []struct {
		name      string
		add       [][2]float64
		wantExact bool
	}{
		{"MaxExact distinct values", pairs(MaxExact, 1), true},
		{"one more", pairs(MaxExact+1, 1), false},
		{"repeats do not count", append(pairs(MaxExact, 1), pairs(MaxExact, 5)...), true},
		{"zeros and negatives take no place", append(pairs(MaxExact, 1), [2]float64{0, 3}, [2]float64{-2, 1}), true},
		{"fractional count", [][2]float64{{1, 0.5}}, false},
		{"counts adding to a whole number", [][2]float64{{1, 0.5}, {1, 0.5}}, false},
		{"large count", [][2]float64{{1, 1 << 30}}, false},
		{"counts reaching 2^30", [][2]float64{{1, 1 << 29}, {1, 1 << 29}}, false},
		{"largest count", [][2]float64{{1, 1<<30 - 1}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, b := New(), newBinned()
			for _, a := range tt.add {
				s.Add(a[0], a[1])
				b.Add(a[0], a[1])
			}
			if s.Exact() != tt.wantExact {
				t.Fatalf("Exact() = %v, want %v", s.Exact(), tt.wantExact)
			}
			if !tt.wantExact {
				if diff := cmp.Diff(norm(b), norm(s), cmp.AllowUnexported(Sketch{})); diff != "" {
					t.Errorf("converted sketch differs from a binned one (-binned +converted)\n%s", diff)
				}
			}
			if s.Bins() > maxExactSlots && tt.wantExact {
				t.Errorf("Bins() = %d, more than %d", s.Bins(), maxExactSlots)
			}
		})
	}
}

// pairs returns the values 1.5^1 … 1.5^n, each count times.
func pairs(n int, count float64) [][2]float64 {
	out := make([][2]float64, n)
	for i := range out {
		out[i] = [2]float64{math.Pow(1.5, float64(i+1)), count}
	}
	return out
}

func TestExactMerge(t *testing.T) {
	half := MaxExact / 2
	tests := []struct {
		name      string
		a, b      [][2]float64
		binnedA   bool
		wantExact bool
	}{
		{"disjoint, fits", pairs(half, 1), shift(pairs(half, 1), 1000), false, true},
		{"overlapping, fits", pairs(MaxExact, 1), pairs(MaxExact, 2), false, true},
		{"union one too many", pairs(MaxExact, 1), [][2]float64{{1e9, 1}}, false, false},
		{"union far too many", pairs(MaxExact, 1), shift(pairs(MaxExact, 1), 1e6), false, false},
		{"counts overflow", [][2]float64{{1, 1 << 29}}, [][2]float64{{1, 1 << 29}}, false, false},
		{"empty into exact", pairs(3, 1), nil, false, true},
		{"zeros only into exact", pairs(3, 1), [][2]float64{{0, 5}}, false, true},
		{"exact into binned", pairs(3, 1), pairs(5, 1), true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b, all := New(), New(), New()
			if tt.binnedA {
				a, all = newBinned(), newBinned()
			}
			for _, x := range tt.a {
				a.Add(x[0], x[1])
				all.Add(x[0], x[1])
			}
			for _, x := range tt.b {
				b.Add(x[0], x[1])
				all.Add(x[0], x[1])
			}
			bBefore := b.Clone()
			a.Merge(b)
			if a.Exact() != tt.wantExact {
				t.Errorf("Exact() = %v, want %v", a.Exact(), tt.wantExact)
			}
			if diff := cmp.Diff(norm(all), norm(a), cmp.AllowUnexported(Sketch{})); diff != "" {
				t.Errorf("Merge differs from adding all (-all +merged)\n%s", diff)
			}
			if diff := cmp.Diff(bBefore, b, cmp.AllowUnexported(Sketch{})); diff != "" {
				t.Errorf("Merge changed its argument (-before +after)\n%s", diff)
			}
		})
	}
	t.Run("binned into exact", func(t *testing.T) {
		a, b := New(), newBinned()
		a.Add(10, 1)
		b.Add(20, 1)
		a.Merge(b)
		want := binnedOf(10, 20)
		if diff := cmp.Diff(norm(want), norm(a), cmp.AllowUnexported(Sketch{})); diff != "" {
			t.Errorf("(-want +got)\n%s", diff)
		}
	})
	t.Run("self", func(t *testing.T) {
		a := sketchOf(1, 2, 3)
		a.Merge(a)
		want := sketchOf(1, 1, 2, 2, 3, 3)
		if diff := cmp.Diff(want, a, cmp.AllowUnexported(Sketch{})); diff != "" {
			t.Errorf("(-want +got)\n%s", diff)
		}
	})
}

func shift(p [][2]float64, by float64) [][2]float64 {
	out := make([][2]float64, len(p))
	for i, x := range p {
		out[i] = [2]float64{x[0] + by, x[1]}
	}
	return out
}

func TestExactResetAndClone(t *testing.T) {
	s := sketchOf(seq(1, 100)...)
	if s.Exact() {
		t.Fatal("100 values exact")
	}
	s.Reset()
	if !s.Exact() || s.Count() != 0 {
		t.Fatalf("after Reset: Exact %v, Count %v", s.Exact(), s.Count())
	}
	s.Add(5, 1)
	c := s.Clone()
	c.Add(6, 1)
	if v, _ := s.Quantile(1); v != 5 || s.Count() != 1 {
		t.Errorf("clone shares storage: p100 %v, count %v", v, s.Count())
	}
}

func TestEncodeRoundTripModes(t *testing.T) {
	tests := []struct {
		name string
		s    *Sketch
	}{
		{"empty exact", New()},
		{"exact one value", sketchOf(42)},
		{"exact 10..100", sketchOf(10, 20, 30, 40, 50, 60, 70, 80, 90, 100)},
		{"exact with zeros, negatives and large counts", func() *Sketch {
			s := sketchOf(0, 0, -3, 7.25, 1e-300, 1e300)
			s.Add(7.25, 1<<30-2)
			return s
		}()},
		{"exact at the limit", func() *Sketch {
			s := New()
			for _, p := range pairs(MaxExact, 3) {
				s.Add(p[0], p[1])
			}
			return s
		}()},
		{"binned after conversion", sketchOf(seq(1, 200)...)},
		{"binned with a zero", func() *Sketch { s := binnedOf(0, 3); return s }()},
		{"binned with fractional counts", func() *Sketch { s := New(); s.Add(3, 0.25); s.Add(0, 1.5); return s }()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.s.AppendBinary([]byte("prefix"))
			if err != nil {
				t.Fatal(err)
			}
			enc := b[len("prefix"):]
			got, n, err := Decode(enc)
			if err != nil {
				t.Fatal(err)
			}
			if n != len(enc) {
				t.Errorf("Decode took %d bytes, want %d", n, len(enc))
			}
			if diff := cmp.Diff(norm(tt.s), got, cmp.AllowUnexported(Sketch{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("round trip (-want +got)\n%s", diff)
			}
			for i := range len(enc) {
				if _, _, err := Decode(enc[:i]); err == nil {
					t.Fatalf("Decode of %d-byte prefix succeeded", i)
				}
			}
		})
	}
}

func TestDecodeExactRejects(t *testing.T) {
	good, _ := sketchOf(1, 2, 3).AppendBinary(nil)
	head := 1 + 5*8
	mutate := func(f func(b []byte)) []byte {
		b := append([]byte(nil), good...)
		f(b)
		return b
	}
	tests := map[string][]byte{
		"too many values":        mutate(func(b []byte) { b[head] = MaxExact + 1 }),
		"values not ascending":   mutate(func(b []byte) { copy(b[head+1:], good[head+9:head+17]) }),
		"zero count":             mutate(func(b []byte) { b[len(b)-1] = 0 }),
		"counts do not add up":   mutate(func(b []byte) { b[len(b)-1] = 2 }),
		"value above the max":    mutate(func(b []byte) { b[head-1] = 0 }), // max's top byte: tiny max
		"unknown version":        mutate(func(b []byte) { b[0] = 3 }),
		"value not positive NaN": mutate(func(b []byte) { copy(b[head+1:], []byte{1, 0, 0, 0, 0, 0, 0xf8, 0x7f}) }),
	}
	for name, b := range tests {
		t.Run(name, func(t *testing.T) {
			if _, _, err := Decode(b); err == nil {
				t.Error("Decode succeeded")
			}
		})
	}
}

// TestDecodeVersion1 decodes encodings written by the version-1 encoder (every sketch was
// binned then), kept in testdata/v1-encodings.txt, and compares them with the same data
// added to a binned sketch now. Tsdb snapshots on disk hold such encodings.
func TestDecodeVersion1(t *testing.T) {
	f, err := os.Open("testdata/v1-encodings.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	encs := map[string][]byte{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		name, h, _ := strings.Cut(sc.Text(), " ")
		b, err := hex.DecodeString(h)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		encs[name] = b
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	vecs := v1Vectors()
	if len(encs) != len(vecs) {
		t.Fatalf("%d encodings, %d vectors", len(encs), len(vecs))
	}
	for _, v := range vecs {
		t.Run(v.name, func(t *testing.T) {
			got, n, err := Decode(encs[v.name])
			if err != nil {
				t.Fatal(err)
			}
			if n != len(encs[v.name]) {
				t.Errorf("Decode took %d of %d bytes", n, len(encs[v.name]))
			}
			want := newBinned()
			v.build(want)
			if len(want.bins) == 0 { // no positive value: decodes as an exact sketch
				want = New()
				v.build(want)
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(Sketch{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			// A binned sketch is re-encoded as version 1, byte for byte.
			if !got.Exact() {
				again, _ := got.AppendBinary(nil)
				if diff := cmp.Diff(encs[v.name], again); diff != "" {
					t.Errorf("re-encoding differs (-old +new)\n%s", diff)
				}
			}
		})
	}
}

// TestMergePropertySmall merges small sketches drawn from a small set of values, so that
// unions sometimes fit in exact mode and sometimes convert.
func TestMergePropertySmall(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	var exactSeen, binnedSeen int
	for range 500 {
		parts := make([]*Sketch, 1+rng.IntN(6))
		all := New()
		for i := range parts {
			parts[i] = New()
			for range rng.IntN(30) {
				v := float64(rng.IntN(120))
				c := float64(1 + rng.IntN(3))
				parts[i].Add(v, c)
				all.Add(v, c)
			}
		}
		m := New()
		for _, p := range parts {
			m.Merge(p)
		}
		if m.Exact() {
			exactSeen++
		} else {
			binnedSeen++
		}
		if diff := cmp.Diff(norm(all), norm(m), cmp.AllowUnexported(Sketch{})); diff != "" {
			t.Fatalf("Merge differs from adding all (-all +merged)\n%s", diff)
		}
	}
	if exactSeen == 0 || binnedSeen == 0 {
		t.Errorf("exact results %d, binned %d: want both", exactSeen, binnedSeen)
	}
}

// TestExactAgreesWithSorted compares every statistic of exact sketches with a direct
// computation on the sorted values.
func TestExactAgreesWithSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for range 300 {
		n := 1 + rng.IntN(MaxExact)
		data := make([]float64, n)
		for i := range data {
			data[i] = float64(rng.IntN(50)) * 1.25
		}
		s := sketchOf(data...)
		if !s.Exact() {
			t.Fatal("not exact")
		}
		sorted := append([]float64(nil), data...)
		sortFloats(sorted)
		for _, q := range []float64{0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1} {
			got, _ := s.Quantile(q)
			if want := exact(sorted, q); got != want {
				t.Fatalf("Quantile(%v) of %v = %v, want %v", q, sorted, got, want)
			}
		}
		lo := rng.Float64()
		hi := lo + rng.Float64()*(1-lo)
		c, sum, _ := s.TrimmedByRank(lo, hi)
		wc, wsum := exactRank(sorted, lo, hi)
		if math.Abs(c-wc) > 1e-9 || math.Abs(sum-wsum) > 1e-9*math.Max(1, wsum) {
			t.Fatalf("TrimmedByRank(%v, %v) = %v, %v; want %v, %v", lo, hi, c, sum, wc, wsum)
		}
		x, y := float64(rng.IntN(50))*1.25, float64(rng.IntN(50))*1.25
		x, y = min(x, y), max(x, y)
		var vc, vsum, win float64
		for _, v := range data {
			if v > x && v <= y {
				vc++
				vsum += v
			}
			win += min(max(v, x), y)
		}
		c, sum, _ = s.TrimmedByValue(x, y)
		w, _ := s.WinsorizedByValue(x, y)
		if c != vc || math.Abs(sum-vsum) > 1e-9*math.Max(1, vsum) || math.Abs(w-win/float64(n)) > 1e-9*math.Max(1, w) {
			t.Fatalf("by value (%v, %v]: %v, %v, wm %v; want %v, %v, %v", x, y, c, sum, w, vc, vsum, win/float64(n))
		}
	}
}

func sortFloats(x []float64) {
	for i := 1; i < len(x); i++ {
		for j := i; j > 0 && x[j] < x[j-1]; j-- {
			x[j], x[j-1] = x[j-1], x[j]
		}
	}
}
