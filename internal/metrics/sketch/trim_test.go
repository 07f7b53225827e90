package sketch

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var inf = math.Inf(1)

// sketchOf returns a sketch of vals, in exact mode while they fit.
func sketchOf(vals ...float64) *Sketch {
	s := New()
	for _, v := range vals {
		s.Add(v, 1)
	}
	return s
}

// newBinned returns an empty sketch in binned mode.
func newBinned() *Sketch {
	s := New()
	s.toBins()
	return s
}

// binnedOf returns a binned-mode sketch of vals.
func binnedOf(vals ...float64) *Sketch {
	s := newBinned()
	for _, v := range vals {
		s.Add(v, 1)
	}
	return s
}

// bothModes runs f with the exact-mode and the binned-mode sketch of vals.
func bothModes(t *testing.T, vals []float64, f func(t *testing.T, s *Sketch)) {
	t.Helper()
	t.Run("exact", func(t *testing.T) { f(t, sketchOf(vals...)) })
	t.Run("binned", func(t *testing.T) { f(t, binnedOf(vals...)) })
}

func seq(lo, hi int) []float64 {
	var out []float64
	for v := lo; v <= hi; v++ {
		out = append(out, float64(v))
	}
	return out
}

type trimRes struct {
	Count, Sum float64
	OK         bool
}

// approxTrim compares sums and means with the sketch's accuracy (counts are whole or
// exact fractions, well within it).
var approxTrim = cmpopts.EquateApprox(RelativeAccuracy, 1e-9)

func TestTrimmedByRank(t *testing.T) {
	tests := []struct {
		name   string
		data   []float64
		lo, hi float64
		want   trimRes
	}{
		// 1..10: tm90 keeps 1..9.
		{"tm90 of 1..10", seq(1, 10), 0, 0.9, trimRes{9, 45, true}},
		{"TM(10%:90%) of 1..10", seq(1, 10), 0.1, 0.9, trimRes{8, 44, true}},
		// IQM: positions 2.5..7.5 are half of 3, 4..7 and half of 8.
		{"IQM of 1..10", seq(1, 10), 0.25, 0.75, trimRes{5, 27.5, true}},
		// tm95: 9.5 positions, half of the 10.
		{"tm95 of 1..10", seq(1, 10), 0, 0.95, trimRes{9.5, 50, true}},
		{"tm100 is everything", seq(1, 10), 0, 1, trimRes{10, 55, true}},
		{"empty range", seq(1, 10), 0.5, 0.5, trimRes{0, 0, true}},
		{"TM(80%:)", seq(1, 10), 0.8, 1, trimRes{2, 19, true}},
		// IQM of four values is the mean of the middle two.
		{"IQM of 4 values", []float64{1, 2, 4, 100}, 0.25, 0.75, trimRes{2, 6, true}},
		// tm90 of three values: 2.7 positions, 0.7 of the largest.
		{"tm90 of 3 values", []float64{10, 20, 30}, 0, 0.9, trimRes{2.7, 51, true}},
		{"zeros come first", []float64{0, 0, 5, 5, 5, 100}, 0, 0.5, trimRes{3, 5, true}},
		{"one repeated value", []float64{7, 7, 7}, 0.1, 0.9, trimRes{2.4, 16.8, true}},
		{"negative value", []float64{-1, 5}, 0, 0.9, trimRes{}},
		{"empty sketch", nil, 0, 0.9, trimRes{}},
		{"bad bounds", seq(1, 10), 0.9, 0.1, trimRes{}},
		{"bound above 1", seq(1, 10), 0, 1.5, trimRes{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bothModes(t, tt.data, func(t *testing.T, s *Sketch) {
				var got trimRes
				got.Count, got.Sum, got.OK = s.TrimmedByRank(tt.lo, tt.hi)
				if diff := cmp.Diff(tt.want, got, approxTrim); diff != "" {
					t.Errorf("TrimmedByRank(%v, %v) (-want +got)\n%s", tt.lo, tt.hi, diff)
				}
			})
		})
	}
}

func TestWinsorized(t *testing.T) {
	type res struct {
		Mean float64
		OK   bool
	}
	tests := []struct {
		name    string
		data    []float64
		percent bool
		lo, hi  float64
		want    res
	}{
		// 1 is raised to 2 and 10 lowered to 9: (2+2..9+9)/10.
		{"WM(10%:90%) of 1..10", seq(1, 10), true, 0.1, 0.9, res{5.5, true}},
		// wm80: 9 and 10 become 8: (36+16)/10.
		{"wm80 of 1..10", seq(1, 10), true, 0, 0.8, res{5.2, true}},
		// positions 2.5 and 7.5: 2.5 values at 3, 27.5 between, 2.5 values at 8.
		{"WM(25%:75%) of 1..10", seq(1, 10), true, 0.25, 0.75, res{5.5, true}},
		{"wm100 is the mean", seq(1, 10), true, 0, 1, res{5.5, true}},
		{"wm0 is the minimum", seq(1, 10), true, 0, 0, res{1, true}},
		// 3,3,3,4,5,6,7,7,7,7
		{"WM(3:7) of 1..10", seq(1, 10), false, 3, 7, res{5.2, true}},
		// 1,1,5,5,5,50
		{"WM(1:50) with zeros", []float64{0, 0, 5, 5, 5, 100}, false, 1, 50, res{67.0 / 6, true}},
		{"WM(:4)", seq(1, 10), false, math.Inf(-1), 4, res{3.4, true}},
		{"negative value", []float64{-1, 5}, true, 0, 0.9, res{}},
		{"negative value by value", []float64{-1, 5}, false, 0, 9, res{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bothModes(t, tt.data, func(t *testing.T, s *Sketch) {
				var got res
				if tt.percent {
					got.Mean, got.OK = s.WinsorizedByRank(tt.lo, tt.hi)
				} else {
					got.Mean, got.OK = s.WinsorizedByValue(tt.lo, tt.hi)
				}
				if diff := cmp.Diff(tt.want, got, approxTrim); diff != "" {
					t.Errorf("(-want +got)\n%s", diff)
				}
			})
		})
	}
}

func TestTrimmedByValue(t *testing.T) {
	ninf := math.Inf(-1)
	tests := []struct {
		name   string
		data   []float64
		lo, hi float64
		want   trimRes
	}{
		// lower bound exclusive, upper inclusive: 4, 5, 6, 7
		{"TM(3:7) of 1..10", seq(1, 10), 3, 7, trimRes{4, 22, true}},
		{"TC(:5) of 1..10", seq(1, 10), ninf, 5, trimRes{5, 15, true}},
		{"TS(8:) of 1..10", seq(1, 10), 8, inf, trimRes{2, 19, true}},
		{"between values", seq(1, 10), 0, 2.5, trimRes{2, 3, true}},
		{"nothing in range", seq(1, 10), 10, inf, trimRes{0, 0, true}},
		{"equal bounds", seq(1, 10), 5, 5, trimRes{0, 0, true}},
		{"zeros without a lower bound", []float64{0, 0, 5, 5, 5, 100}, ninf, 10, trimRes{5, 15, true}},
		{"zeros are not above 0", []float64{0, 0, 5, 5, 5, 100}, 0, 10, trimRes{3, 15, true}},
		{"thresholds on data", []float64{100, 200, 300, 400}, 200, 300, trimRes{1, 300, true}},
		{"PR(:300) data", []float64{100, 250, 300, 310, 500}, ninf, 300, trimRes{3, 650, true}},
		{"one repeated value at the lower bound", []float64{7, 7, 7}, 7, inf, trimRes{0, 0, true}},
		{"one repeated value at the upper bound", []float64{7, 7, 7}, ninf, 7, trimRes{3, 21, true}},
		{"just below the minimum", []float64{7, 7, 7}, 6.99, 7, trimRes{3, 21, true}},
		{"negative value", []float64{-1, 5}, ninf, 10, trimRes{}},
		{"bad bounds", seq(1, 10), 5, 4, trimRes{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bothModes(t, tt.data, func(t *testing.T, s *Sketch) {
				var got trimRes
				got.Count, got.Sum, got.OK = s.TrimmedByValue(tt.lo, tt.hi)
				if diff := cmp.Diff(tt.want, got, approxTrim); diff != "" {
					t.Errorf("TrimmedByValue(%v, %v) (-want +got)\n%s", tt.lo, tt.hi, diff)
				}
			})
		})
	}
}

func TestTrimmedByValueNearBound(t *testing.T) {
	data := []float64{100, 250, 300, 301, 500}
	var got [2]trimRes
	// Binned: 301 is in the bin of 300 (less than 2 % apart) and counts as if it were 300.
	got[0].Count, got[0].Sum, got[0].OK = binnedOf(data...).TrimmedByValue(math.Inf(-1), 300)
	// Exact: 301 is above the bound.
	got[1].Count, got[1].Sum, got[1].OK = sketchOf(data...).TrimmedByValue(math.Inf(-1), 300)
	want := [2]trimRes{{4, 950, true}, {3, 650, true}}
	if diff := cmp.Diff(want, got, approxTrim); diff != "" {
		t.Errorf("binned, exact (-want +got)\n%s", diff)
	}
}

func TestRankOf(t *testing.T) {
	bothModes(t, seq(1, 10), testRankOf)
}

func testRankOf(t *testing.T, s *Sketch) {
	got := [][2]float64{}
	for _, b := range [][2]float64{{math.Inf(-1), 3}, {5, inf}, {2, 4}, {0, inf}, {10, inf}} {
		v, ok := s.RankOf(b[0], b[1])
		if !ok {
			t.Fatalf("RankOf(%v) not ok", b)
		}
		got = append(got, [2]float64{b[1], v})
	}
	want := [][2]float64{{3, 30}, {inf, 50}, {4, 20}, {inf, 100}, {inf, 0}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RankOf (-want +got)\n%s", diff)
	}
	if _, ok := sketchOf(-1, 5).RankOf(0, 10); ok {
		t.Error("RankOf with a negative value is ok")
	}
}

// exactRank computes count and sum between positions lo·n and hi·n of sorted, each value
// weighing 1.
func exactRank(sorted []float64, lo, hi float64) (float64, float64) {
	n := float64(len(sorted))
	l, u := lo*n, hi*n
	var c, s float64
	for i, v := range sorted {
		if x, y := math.Max(float64(i), l), math.Min(float64(i+1), u); y > x {
			c += y - x
			s += (y - x) * v
		}
	}
	return c, s
}

func TestTrimAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	// Values 5 % apart (more than a bin), so value bounds taken from the same grid
	// classify every value exactly.
	grid := func() float64 { return math.Pow(1.05, float64(rng.IntN(200))) }
	data := make([]float64, 5000)
	for i := range data {
		data[i] = grid()
	}
	sorted := slices.Sorted(slices.Values(data))
	s := binnedOf(data...)
	for _, b := range [][2]float64{{0, 0.99}, {0.1, 0.9}, {0.25, 0.75}, {0.013, 0.577}, {0.5, 1}} {
		c, sum, _ := s.TrimmedByRank(b[0], b[1])
		wc, wsum := exactRank(sorted, b[0], b[1])
		if math.Abs(c-wc) > 1e-6 || !within(sum, wsum) {
			t.Errorf("TrimmedByRank%v = %v, %v; want %v, %v", b, c, sum, wc, wsum)
		}
	}
	for range 50 {
		lo, hi := grid(), grid()
		if lo > hi {
			lo, hi = hi, lo
		}
		var wc, wsum, wwin float64
		for _, v := range data {
			if v > lo && v <= hi {
				wc++
				wsum += v
			}
			wwin += min(max(v, lo), hi)
		}
		c, sum, _ := s.TrimmedByValue(lo, hi)
		if c != wc || !within(sum, wsum) {
			t.Errorf("TrimmedByValue(%v, %v) = %v, %v; want %v, %v", lo, hi, c, sum, wc, wsum)
		}
		win, _ := s.WinsorizedByValue(lo, hi)
		if !within(win, wwin/float64(len(data))) {
			t.Errorf("WinsorizedByValue(%v, %v) = %v; want %v", lo, hi, win, wwin/float64(len(data)))
		}
	}
}

// TestTrimIdentities checks identities that hold whatever the data: complementary value
// ranges count every value once, rank ranges add up, and means stay within [Min, Max].
func TestTrimIdentities(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 200 {
		s := New()
		n := 1 + rng.IntN(300)
		for range n {
			switch rng.IntN(10) {
			case 0:
				s.Add(0, 1)
			default:
				s.Add(math.Exp(rng.NormFloat64()*3), float64(1+rng.IntN(3)))
			}
		}
		x := math.Exp(rng.NormFloat64() * 3)
		below, bsum, _ := s.TrimmedByValue(math.Inf(-1), x)
		above, asum, _ := s.TrimmedByValue(x, inf)
		all, sum, _ := s.TrimmedByValue(math.Inf(-1), inf)
		if below+above != s.Count() || all != s.Count() || !within(bsum+asum, sum) {
			t.Fatalf("value ranges around %v: %v + %v (sums %v + %v) of %v (sum %v)", x, below, above, bsum, asum, s.Count(), sum)
		}
		pb, _ := s.RankOf(math.Inf(-1), x)
		pa, _ := s.RankOf(x, inf)
		if math.Abs(pb+pa-100) > 1e-9 {
			t.Fatalf("PR(:%v) + PR(%v:) = %v", x, x, pb+pa)
		}
		q := rng.Float64()
		c1, s1, _ := s.TrimmedByRank(0, q)
		c2, s2, _ := s.TrimmedByRank(q, 1)
		if math.Abs(c1+c2-s.Count()) > 1e-9*s.Count() || math.Abs(s1+s2-sum) > 1e-9*sum {
			t.Fatalf("rank ranges at %v: %v + %v of %v, sums %v + %v of %v", q, c1, c2, s.Count(), s1, s2, sum)
		}
		lo := rng.Float64() * q
		clamp := func(v float64) float64 { return min(max(v, x/2), x) }
		wr, _ := s.WinsorizedByRank(lo, q)
		wv, _ := s.WinsorizedByValue(x/2, x)
		tc, ts, _ := s.TrimmedByRank(lo, q)
		for _, c := range []struct {
			name         string
			v, low, high float64
		}{
			{"WinsorizedByRank", wr, s.Min(), s.Max()},
			{"WinsorizedByValue", wv, clamp(s.Min()), clamp(s.Max())},
			{"trimmed mean", ts / max(tc, 1e-300), s.Min(), s.Max()},
		} {
			if tc == 0 && c.name == "trimmed mean" {
				continue
			}
			if c.v < c.low*(1-RelativeAccuracy)-1e-12 || c.v > c.high*(1+RelativeAccuracy) {
				t.Fatalf("%s = %v outside [%v, %v]", c.name, c.v, c.low, c.high)
			}
		}
	}
}
