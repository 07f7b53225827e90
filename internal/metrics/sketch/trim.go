package sketch

import "math"

// Trimmed and winsorized statistics.
//
// The methods below compute CloudWatch's trimmed mean, trimmed count, trimmed sum,
// winsorized mean and percentile rank. They see the data as a sorted sequence of atoms:
// the zeros, then, in exact mode, each distinct value with its count, or, in binned mode,
// each non-empty bin, whose values lie in the bin's range (γ^(i-1), γ^i] narrowed to
// [Min, Max]. A bin stands for its count of values, all taken as the harmonic midpoint
// 2ab/(a+b) of its range [a, b], which is within RelativeAccuracy of every value in the
// range. In exact mode every statistic below is exact (up to float64 rounding).
//
// Rank bounds (fractions of the count) cut the sequence at positions lo·n and hi·n; an
// atom that a position cuts counts in proportion (a single value cut at 0.7 counts as 0.7
// of a value). Counts are then exact and sums and means are within RelativeAccuracy (exact
// in exact mode).
//
// Value bounds keep the values in (lo, hi]. Exact values are compared with the bounds. In
// binned mode the values are classified by bin: the bin holding a bound is put wholly on
// the bound's side (inclusive for the upper bound, excluded for the lower), so values
// equal to a bound and values outside the bound's bin are classified exactly, and only
// values less than 2·RelativeAccuracy (one bin) from a bound, on its other side, can be
// counted as if they equalled it. Min and Max narrow the bins at the ends: a bin whose
// values all lie on one side of a bound is never misplaced.

// usable reports whether trimmed statistics can be computed: the sketch has data and no
// negative value (CloudWatch computes none of these statistics then).
func (s *Sketch) usable() bool { return s.count > 0 && s.neg == 0 }

// narrow returns the range [lo, hi] of a bin's values narrowed to [Min, Max].
func (s *Sketch) narrow(lo, hi float64) (a, b float64) {
	a, b = math.Max(lo, s.min), math.Min(hi, s.max)
	if a > b { // rounding at a bin edge: the bin holds one value
		a = b
	}
	return a, b
}

// mid is the representative value of the range [a, b] (0 < a ≤ b).
func mid(a, b float64) float64 {
	if a == b {
		return a
	}
	return 2 * a * b / (a + b)
}

// atom is a run of equal-looking values: count c with values in [a, b], represented by v.
// i is the bin index of a binned atom; an exact atom (exact) is one value, a = b = v.
type atom struct {
	zero, exact bool
	i           int
	a, b, v, c  float64
}

// forAtoms calls f with the atoms in increasing order until f returns false.
func (s *Sketch) forAtoms(f func(at atom) bool) {
	if s.zero > 0 && !f(atom{zero: true, c: s.zero}) {
		return
	}
	if s.exact {
		n := s.nExact()
		for j, v := range s.bins[:n] {
			if !f(atom{exact: true, a: v, b: v, v: v, c: float64(s.countAt(n, j))}) {
				return
			}
		}
		return
	}
	// Bin edges by multiplication: the rounding error after MaxBins bins is below 1e-12.
	edge := math.Exp(float64(int(s.offset)-1) * logGamma)
	for j, c := range s.bins {
		lo := edge
		edge *= gamma
		if c == 0 {
			continue
		}
		a, b := s.narrow(lo, edge)
		if !f(atom{i: int(s.offset) + j, a: a, b: b, v: mid(a, b), c: c}) {
			return
		}
	}
}

func validRanks(lo, hi float64) bool { return 0 <= lo && lo <= hi && hi <= 1 }

// position returns the position f·n, taking a product within rounding error of a whole
// number as that number (0.3·10 computes as 3.0000000000000004), so that TC(30%:70%) of
// ten values is 4, not 3.9999999999999996.
func position(f, n float64) float64 {
	p := f * n
	if r := math.Round(p); math.Abs(r-p) <= 1e-9*math.Max(1, p) {
		return r
	}
	return p
}

// TrimmedByRank returns the count and the sum of the values between the rank positions
// lo·n and hi·n of the sorted data (0 ≤ lo ≤ hi ≤ 1, n = Count): the data without the
// lowest lo and the highest 1-hi fractions of the values. A value that straddles a cut
// position counts in proportion, so count is exactly (hi-lo)·n. ok is false when the
// sketch is empty, has a negative value, or the bounds are invalid.
func (s *Sketch) TrimmedByRank(lo, hi float64) (count, sum float64, ok bool) {
	if !s.usable() || !validRanks(lo, hi) {
		return 0, 0, false
	}
	l, u := position(lo, s.count), position(hi, s.count)
	var cum float64
	s.forAtoms(func(at atom) bool {
		if x, y := math.Max(cum, l), math.Min(cum+at.c, u); y > x {
			sum += (y - x) * at.v
		}
		cum += at.c
		return cum < u
	})
	return u - l, sum, true
}

// WinsorizedByRank returns the mean of the data after the values below rank position
// lo·n are raised to the value at that position and the values above hi·n are lowered to
// the value at that position (0 ≤ lo ≤ hi ≤ 1).
func (s *Sketch) WinsorizedByRank(lo, hi float64) (float64, bool) {
	_, sum, ok := s.TrimmedByRank(lo, hi)
	if !ok {
		return 0, false
	}
	l, u := position(lo, s.count), position(hi, s.count)
	var cum, low, high float64
	lowSet, highSet := false, false
	var last atom
	s.forAtoms(func(at atom) bool {
		end := cum + at.c
		if !lowSet && end > l {
			low, lowSet = at.v, true
		}
		if !highSet && end >= u && (u > 0 || cum == 0) {
			high, highSet = at.v, true
		}
		cum, last = end, at
		return !lowSet || !highSet
	})
	if !lowSet { // lo = 1: the position is the end of the data
		low = last.v
	}
	if !highSet {
		high = last.v
	}
	return (l*low + sum + (s.count-u)*high) / s.count, true
}

// valueBounds are the bounds (lo, hi] of TrimmedByValue with the bins holding them.
type valueBounds struct {
	lo, hi   float64
	ilo, ihi int // bins of lo and hi, when positive and finite
}

func newValueBounds(lo, hi float64) valueBounds {
	vb := valueBounds{lo: lo, hi: hi, ilo: math.MinInt, ihi: math.MaxInt}
	if lo > 0 && !math.IsInf(lo, 1) {
		vb.ilo = index(lo)
	}
	if hi > 0 && !math.IsInf(hi, 1) {
		vb.ihi = index(hi)
	}
	return vb
}

// side tells where the values of an atom lie relative to the bounds: below (at most lo,
// -1), within (0), or above (more than hi, 1). A bound falling in the atom's bin puts the
// whole bin on the bound's side: values equal to a bound land in the bound's bin, so they
// are always classified right, and so are values outside that bin.
func (at atom) side(vb *valueBounds) int {
	switch {
	case at.zero:
		if vb.lo >= 0 {
			return -1
		}
		if vb.hi < 0 {
			return 1
		}
		return 0
	case at.exact:
		switch {
		case at.v <= vb.lo:
			return -1
		case at.v > vb.hi:
			return 1
		}
		return 0
	case vb.hi <= 0 || at.a > vb.hi || at.i > vb.ihi:
		return 1
	case vb.lo > 0 && (at.b <= vb.lo || at.i <= vb.ilo && at.a <= vb.lo):
		return -1
	}
	return 0
}

// within returns the representative of the atom's values assumed to lie in (lo, hi].
func (at atom) within(lo, hi float64) float64 {
	if at.zero {
		return 0
	}
	p, q := math.Max(at.a, lo), math.Min(at.b, hi)
	if p > q {
		return q
	}
	if p == at.a && q == at.b {
		return at.v
	}
	return mid(p, q)
}

// TrimmedByValue returns the count and the sum of the values v with lo < v ≤ hi (0 ≤ lo;
// lo may be -Inf and hi +Inf for no bound). In binned mode a value less than
// 2·RelativeAccuracy from a bound and on the other side of it may be counted as equal to
// the bound. ok is false when
// the sketch is empty, has a negative value, or lo > hi.
func (s *Sketch) TrimmedByValue(lo, hi float64) (count, sum float64, ok bool) {
	if !s.usable() || !(lo <= hi) {
		return 0, 0, false
	}
	vb := newValueBounds(lo, hi)
	s.forAtoms(func(at atom) bool {
		switch at.side(&vb) {
		case 1:
			return false
		case 0:
			count += at.c
			sum += at.c * at.within(lo, hi)
		}
		return true
	})
	return count, sum, true
}

// WinsorizedByValue returns the mean of the values after each is clamped to [lo, hi]
// (0 ≤ lo ≤ hi; lo may be -Inf and hi +Inf for no bound), classifying values as
// TrimmedByValue does.
func (s *Sketch) WinsorizedByValue(lo, hi float64) (float64, bool) {
	if !s.usable() || !(lo <= hi) {
		return 0, false
	}
	var sum float64
	vb := newValueBounds(lo, hi)
	s.forAtoms(func(at atom) bool {
		switch at.side(&vb) {
		case -1:
			sum += at.c * lo
		case 1:
			sum += at.c * hi
		default:
			sum += at.c * at.within(lo, hi)
		}
		return true
	})
	return sum / s.count, true
}

// RankOf returns the percentage (0 to 100) of the values v with lo < v ≤ hi: CloudWatch's
// percentile rank. lo may be -Inf and hi +Inf for no bound.
func (s *Sketch) RankOf(lo, hi float64) (float64, bool) {
	count, _, ok := s.TrimmedByValue(lo, hi)
	if !ok {
		return 0, false
	}
	return 100 * count / s.count, true
}
