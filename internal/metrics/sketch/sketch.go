// Package sketch is a mergeable quantile sketch used by the built-in time-series store to
// answer CloudWatch percentile statistics (p50, p99, ...) and the other extended
// statistics: trimmed means, counts and sums, winsorized means and percentile ranks (see
// TrimmedByRank, TrimmedByValue, WinsorizedByRank, WinsorizedByValue and RankOf).
//
// # Definitions
//
// With n = Count values sorted ascending (x₀ ≤ … ≤ xₙ₋₁, a value added with count c
// standing for c equal values), Quantile(q) is the value of rank ⌊q·(n−1)⌋ (Quantile(0) is
// Min and Quantile(1) is Max). The rank-bounded statistics use the positions lo·n and hi·n:
// value xᵢ occupies [i, i+1), and a value that a position cuts counts in proportion (see
// TrimmedByRank). The value-bounded statistics keep the values v with lo < v ≤ hi. A rank
// or position that float64 arithmetic puts within rounding error of a whole number is that
// number (0.29·100 computes as 28.999999999999996 and is taken as rank 29).
//
// # Exact mode
//
// A new sketch keeps its positive values exactly, as a sorted list of distinct values and
// their whole counts, while it holds at most MaxExact distinct positive values (zeros and
// negative values are counted apart and do not take a place). Every statistic is then
// exact: the definitions above are applied to the values themselves. The sketch converts
// to the binned form below, for good, when a further distinct value arrives, when a count
// is not a whole number, or when one value's count would reach 2^30. Merging two exact
// sketches stays exact when the union fits; otherwise the result is binned. Exact reports
// the mode.
//
// Each distinct value takes 12 bytes (the value and a 32-bit count), so an exact sketch at
// the limit takes 72 + 96·8 = 840 bytes: the same as a binned sketch of request latencies
// (50 to 90 bins, 96 allocated), and the conversion reuses that storage for the bins.
//
// # Binned mode accuracy
//
// Positive values are counted in logarithmically spaced bins: bin i holds the values in
// (γ^(i-1), γ^i] with γ = (1+α)/(1-α) and α = RelativeAccuracy (1 %). A quantile is reported
// as the bin's representative value 2γ^i/(γ+1), which is within α of every value in the bin,
// so Quantile(q) is within 1 % (relative) of the exact value of rank ⌊q·(n-1)⌋ in the sorted
// data, and always within [Min, Max]. Zero is counted separately and reported exactly.
//
// # Bounded memory
//
// At most MaxBins contiguous bins are kept. When a value would widen the range beyond that,
// the lowest bins are collapsed into one: the upper quantiles (which is what latency
// percentiles ask for) keep their accuracy and only quantiles that fall in the collapsed
// bins lose it. With α = 1 %, MaxBins = 2048 spans a ratio of about 6·10^17 (e^41) between the largest
// and smallest value before any collapsing happens. Bins are a dense slice of float64 counts
// over [lowest, highest] index, so a sketch costs 72 bytes plus 8 bytes per bin between the
// smallest and the largest value (about 230 bins for data spread over a factor of 100).
//
// # Negative values
//
// CloudWatch does not compute percentiles for a period in which any value is negative. A
// sketch counts negative values without storing them, and Quantile and the trimmed and
// winsorized statistics report no value while the count is non-zero.
//
// Merging is exact: merging sketches gives the same sketch (mode, values or bins) as adding
// all their values to one sketch, in any order.
package sketch

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

// RelativeAccuracy is α: the relative error bound of Quantile in binned mode.
const RelativeAccuracy = 0.01

// MaxBins bounds the number of bins of a sketch.
const MaxBins = 2048

// MaxExact is the largest number of distinct positive values an exact-mode sketch holds.
const MaxExact = 64

const (
	// maxExactCount bounds one value's count in exact mode. Counts are stored as 32-bit
	// words, two to a float64 slot; below 2^30 the high word keeps the slot's exponent
	// below all ones, so a slot is never a NaN or an infinity (and compares equal to a copy
	// of itself).
	maxExactCount = 1 << 30
	// maxExactSlots is the storage of an exact sketch at the limit.
	maxExactSlots = MaxExact + MaxExact/2
)

var (
	gamma      = (1 + RelativeAccuracy) / (1 - RelativeAccuracy)
	logGamma   = math.Log(gamma)
	binValMult = 2 / (gamma + 1)
)

// Sketch is a quantile sketch. The zero value is not ready for use; call New. A Sketch is
// not safe for concurrent use.
type Sketch struct {
	count    float64 // total count, including zeros and negatives
	zero     float64 // count of values equal to zero
	neg      float64 // count of negative values
	min, max float64
	offset   int32 // bin index of bins[0] (binned mode)
	exact    bool
	// bins holds, in binned mode, the counts of bins offset .. offset+len(bins)-1. In
	// exact mode it holds the n distinct positive values ascending in bins[:n], then their
	// counts as 32-bit words, two per slot (the low half first), in bins[n:]; see
	// exactSlots.
	bins []float64
}

// New returns an empty sketch, in exact mode.
func New() *Sketch { return &Sketch{min: math.Inf(1), max: math.Inf(-1), exact: true} }

// index returns the bin of a positive value.
func index(v float64) int {
	return int(math.Ceil(math.Log(v) / logGamma))
}

// binValue is the representative value of bin i.
func binValue(i int) float64 {
	return math.Exp(float64(i)*logGamma) * binValMult
}

// Exact reports whether s holds its values exactly (see the package documentation).
func (s *Sketch) Exact() bool { return s.exact }

// Add counts value v count times. Values that are not finite and non-positive or
// non-finite counts are ignored (callers validate their input).
func (s *Sketch) Add(v, count float64) {
	if !(count > 0) || math.IsInf(count, 0) || math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	s.count += count
	s.min = math.Min(s.min, v)
	s.max = math.Max(s.max, v)
	switch {
	case v < 0:
		s.neg += count
	case v == 0:
		s.zero += count
	case s.exact && s.addExact(v, count):
	default:
		s.addBin(index(v), count)
	}
}

// exactSlots is the length of the storage of n exact values.
func exactSlots(n int) int { return n + (n+1)/2 }

// nExact is the number of distinct values of an exact sketch.
func (s *Sketch) nExact() int { return 2 * len(s.bins) / 3 }

// countAt returns the count of exact value i of n.
func (s *Sketch) countAt(n, i int) uint32 {
	return uint32(math.Float64bits(s.bins[n+i/2]) >> (32 * (i & 1)))
}

// putCounts writes the counts of n exact values (len(cs) ≥ n, len(s.bins) = exactSlots(n)).
func (s *Sketch) putCounts(n int, cs []uint32) {
	for k := 0; 2*k < n; k++ {
		w := uint64(cs[2*k])
		if 2*k+1 < n {
			w |= uint64(cs[2*k+1]) << 32
		}
		s.bins[n+k] = math.Float64frombits(w)
	}
}

// wholeCount reports whether c can be an exact-mode count.
func wholeCount(c float64) bool { return c >= 1 && c < maxExactCount && c == math.Trunc(c) }

// addExact adds v (> 0) count times to an exact sketch. When v cannot be kept exactly it
// converts s to bins and reports false; the caller then adds v to the bins.
func (s *Sketch) addExact(v, count float64) bool {
	n := s.nExact()
	i, found := slices.BinarySearch(s.bins[:n], v)
	switch {
	case found:
		if c := float64(s.countAt(n, i)) + count; wholeCount(c) {
			w := math.Float64bits(s.bins[n+i/2])
			sh := 32 * (i & 1)
			w = w&^(0xFFFFFFFF<<sh) | uint64(c)<<sh
			s.bins[n+i/2] = math.Float64frombits(w)
			return true
		}
	case n < MaxExact && wholeCount(count):
		var cs [MaxExact]uint32
		for j := range n {
			cs[j] = s.countAt(n, j)
		}
		copy(cs[i+1:n+1], cs[i:n])
		cs[i] = uint32(count)
		s.growExact(exactSlots(n + 1))
		copy(s.bins[i+1:n+1], s.bins[i:n])
		s.bins[i] = v
		s.putCounts(n+1, cs[:n+1])
		return true
	}
	s.toBins()
	return false
}

// growExact sets len(s.bins) to need, keeping its contents; the capacity doubles up to
// that of a full exact sketch.
func (s *Sketch) growExact(need int) {
	if need <= cap(s.bins) {
		s.bins = s.bins[:need]
		return
	}
	c := max(need, min(2*cap(s.bins), maxExactSlots))
	b := make([]float64, need, c)
	copy(b, s.bins)
	s.bins = b
}

// unpackExact copies the values and counts of an exact sketch to vs and cs and returns
// their number.
func (s *Sketch) unpackExact(vs *[MaxExact]float64, cs *[MaxExact]uint32) int {
	n := s.nExact()
	copy(vs[:], s.bins[:n])
	for j := range n {
		cs[j] = s.countAt(n, j)
	}
	return n
}

// toBins converts an exact sketch to binned mode, reusing its storage.
func (s *Sketch) toBins() {
	if !s.exact {
		return
	}
	var vs [MaxExact]float64
	var cs [MaxExact]uint32
	n := s.unpackExact(&vs, &cs)
	s.exact = false
	s.bins, s.offset = s.bins[:0], 0
	for j := range n {
		s.addBin(index(vs[j]), float64(cs[j]))
	}
}

// addBin adds count to bin i, growing the dense range and collapsing the lowest bins when
// the range would exceed MaxBins.
func (s *Sketch) addBin(i int, count float64) {
	if len(s.bins) == 0 {
		s.offset = int32(i)
		s.bins = append(s.bins[:0], count)
		return
	}
	off := int(s.offset)
	hi := off + len(s.bins) - 1
	switch {
	case i >= off && i <= hi:
		s.bins[i-off] += count
	case i > hi:
		newLo := max(off, i-MaxBins+1)
		if newLo > off {
			s.collapseTo(newLo)
			off = newLo
		}
		n := len(s.bins)
		s.bins = slices.Grow(s.bins, i-off+1-n)[:i-off+1]
		clear(s.bins[n:])
		s.bins[i-off] += count
	default: // i < off
		newLo := max(i, hi-MaxBins+1)
		if newLo < off {
			grow, n := off-newLo, len(s.bins)
			s.bins = slices.Grow(s.bins, grow)[:n+grow]
			copy(s.bins[grow:], s.bins[:n])
			clear(s.bins[:grow])
			off = newLo
			s.offset = int32(newLo)
		}
		s.bins[max(i, off)-off] += count
	}
}

// collapseTo folds every bin below lo into bin lo (lo > s.offset).
func (s *Sketch) collapseTo(lo int) {
	n := lo - int(s.offset)
	if n >= len(s.bins) {
		var sum float64
		for _, c := range s.bins {
			sum += c
		}
		s.bins = append(s.bins[:0], sum)
		s.offset = int32(lo)
		return
	}
	var sum float64
	for _, c := range s.bins[:n] {
		sum += c
	}
	s.bins[n] += sum
	s.bins = append(s.bins[:0], s.bins[n:]...)
	s.offset = int32(lo)
}

// Merge adds every value counted by o to s. o is not modified.
func (s *Sketch) Merge(o *Sketch) {
	if o == nil || o.count == 0 {
		return
	}
	if o == s {
		o = s.Clone()
	}
	s.count += o.count
	s.zero += o.zero
	s.neg += o.neg
	s.min = math.Min(s.min, o.min)
	s.max = math.Max(s.max, o.max)
	if o.exact {
		n := o.nExact()
		if n == 0 || s.exact && s.mergeExact(o) {
			return
		}
		s.toBins()
		// Make room for o's range first (collapsing as Add would), then add value by value.
		lo, hi := index(o.bins[0]), index(o.bins[n-1])
		s.addBin(hi, 0)
		s.addBin(lo, 0)
		s.addBin(lo, float64(o.countAt(n, 0)))
		for j := 1; j < n; j++ {
			i := hi
			if j < n-1 {
				i = index(o.bins[j])
			}
			s.addBin(i, float64(o.countAt(n, j)))
		}
		return
	}
	if len(o.bins) == 0 { // only zeros or negative values
		return
	}
	if s.exact {
		s.toBins()
	}
	off := int(o.offset)
	s.addBin(off+len(o.bins)-1, 0)
	s.addBin(off, 0)
	for j, c := range o.bins {
		if c != 0 {
			s.addBin(off+j, c)
		}
	}
}

// mergeExact merges the values of the exact sketch o into the exact sketch s when the
// union can stay exact, and reports whether it did (s is unchanged otherwise).
func (s *Sketch) mergeExact(o *Sketch) bool {
	var mv [MaxExact]float64
	var mc [MaxExact]uint32
	na, nb := s.nExact(), o.nExact()
	av, bv := s.bins[:na], o.bins[:nb]
	i, j, n := 0, 0, 0
	for i < na || j < nb {
		if n == MaxExact {
			return false
		}
		switch {
		case j == nb || i < na && av[i] < bv[j]:
			mv[n], mc[n] = av[i], s.countAt(na, i)
			i++
		case i == na || bv[j] < av[i]:
			mv[n], mc[n] = bv[j], o.countAt(nb, j)
			j++
		default:
			c := uint64(s.countAt(na, i)) + uint64(o.countAt(nb, j))
			if c >= maxExactCount {
				return false
			}
			mv[n], mc[n] = av[i], uint32(c)
			i++
			j++
		}
		n++
	}
	s.growExact(exactSlots(n))
	copy(s.bins, mv[:n])
	s.putCounts(n, mc[:n])
	return true
}

// Count returns the total count of values added, including zeros and negative values.
func (s *Sketch) Count() float64 { return s.count }

// Min returns the smallest value added (+Inf when empty).
func (s *Sketch) Min() float64 { return s.min }

// Max returns the largest value added (-Inf when empty).
func (s *Sketch) Max() float64 { return s.max }

// HasNegative reports whether a negative value was added.
func (s *Sketch) HasNegative() bool { return s.neg > 0 }

// Bins returns the number of 8-byte slots of storage in use (for memory accounting): the
// bins in binned mode, 1.5 per distinct value in exact mode. A sketch takes 72 bytes plus
// 8 bytes per slot (plus slice slack).
func (s *Sketch) Bins() int { return len(s.bins) }

// rankOf returns ⌊q·(n-1)⌋ for 0 < q < 1, taking a product within rounding error below a
// whole number as that number (0.29·100 computes as 28.999999999999996).
func rankOf(q, count float64) float64 {
	r := q * (count - 1)
	if !(r < 1<<53) { // a whole number already
		return r
	}
	f := float64(int64(r)) // r ≥ 0: truncation is the floor
	if f+1-r <= 1e-9*max(1, r) {
		return f + 1
	}
	return f
}

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of the values added: the value of rank
// ⌊q·(n-1)⌋, exactly in exact mode and within RelativeAccuracy in binned mode. It reports
// false when the sketch is empty, q is out of range, or a negative value was added
// (CloudWatch semantics).
func (s *Sketch) Quantile(q float64) (float64, bool) {
	if s.count <= 0 || s.neg > 0 || !(q >= 0 && q <= 1) {
		return 0, false
	}
	if q == 0 {
		return s.min, true
	}
	if q == 1 {
		return s.max, true
	}
	rank := rankOf(q, s.count)
	cum := s.zero
	if cum > rank {
		return 0, true
	}
	if s.exact {
		n := s.nExact()
		if rank >= (s.count+s.zero)/2 {
			// Upper quantiles (the common case): walk down from the top. Value j occupies
			// the positions [above, above+c) where above counts the values below it.
			above := s.count
			for j := n - 1; j >= 0; j-- {
				above -= float64(s.countAt(n, j))
				if above <= rank {
					return s.bins[j], true
				}
			}
			return s.min, true
		}
		for j := range n {
			cum += float64(s.countAt(n, j))
			if cum > rank {
				return s.bins[j], true
			}
		}
		return s.max, true
	}
	for j, c := range s.bins {
		cum += c
		if cum > rank {
			v := binValue(int(s.offset) + j)
			return math.Min(math.Max(v, s.min), s.max), true
		}
	}
	return s.max, true
}

// Clone returns an independent copy of s.
func (s *Sketch) Clone() *Sketch {
	c := *s
	if s.bins != nil {
		c.bins = append(make([]float64, 0, len(s.bins)), s.bins...)
	}
	return &c
}

// Reset empties s, back in exact mode, keeping its allocated storage.
func (s *Sketch) Reset() {
	*s = Sketch{min: math.Inf(1), max: math.Inf(-1), exact: true, bins: s.bins[:0]}
}

// Binary encoding. Both versions start with
//
//	version byte | count f64 | zero f64 | neg f64 | min f64 | max f64
//
// (float64s little-endian). Version 1, a binned sketch, continues with
//
//	offset (signed varint) | nbins (uvarint) | per bin a count
//
// where a count that is a whole number below 2^52 is written as the uvarint 2·c, any other
// as the uvarint 1 followed by the float64. Empty bins take one byte. Version 2, an exact
// sketch, continues with
//
//	n (uvarint) | n values f64, ascending | n counts (uvarint)
//
// Decode reads both; a version-1 encoding without bins (no positive value) decodes as an
// exact sketch.
const (
	encBinned    = 1
	encExact     = 2
	maxWholeBin  = 1 << 52
	floatBinFlag = 1
)

// ErrCorrupt is returned by Decode for malformed input.
var ErrCorrupt = errors.New("sketch: corrupt encoding")

// AppendBinary appends the encoding of s to b.
func (s *Sketch) AppendBinary(b []byte) ([]byte, error) {
	version := byte(encBinned)
	if s.exact {
		version = encExact
	}
	b = append(b, version)
	for _, f := range [...]float64{s.count, s.zero, s.neg, s.min, s.max} {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
	}
	if s.exact {
		n := s.nExact()
		b = binary.AppendUvarint(b, uint64(n))
		for _, v := range s.bins[:n] {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
		for j := range n {
			b = binary.AppendUvarint(b, uint64(s.countAt(n, j)))
		}
		return b, nil
	}
	b = binary.AppendVarint(b, int64(s.offset))
	b = binary.AppendUvarint(b, uint64(len(s.bins)))
	for _, c := range s.bins {
		if c >= 0 && c < maxWholeBin && c == math.Trunc(c) {
			b = binary.AppendUvarint(b, uint64(c)*2)
			continue
		}
		b = binary.AppendUvarint(b, floatBinFlag)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(c))
	}
	return b, nil
}

// MarshalBinary implements encoding.BinaryMarshaler.
func (s *Sketch) MarshalBinary() ([]byte, error) { return s.AppendBinary(nil) }

// UnmarshalBinary implements encoding.BinaryUnmarshaler; the whole of data must be one
// sketch.
func (s *Sketch) UnmarshalBinary(data []byte) error {
	d, n, err := Decode(data)
	if err != nil {
		return err
	}
	if n != len(data) {
		return fmt.Errorf("%w: %d trailing bytes", ErrCorrupt, len(data)-n)
	}
	*s = *d
	return nil
}

// Decode reads one sketch from the start of b and returns it with the number of bytes it
// took.
func Decode(b []byte) (*Sketch, int, error) {
	if len(b) < 1+5*8 {
		return nil, 0, fmt.Errorf("%w: %d bytes is too short", ErrCorrupt, len(b))
	}
	if b[0] != encBinned && b[0] != encExact {
		return nil, 0, fmt.Errorf("%w: unknown version %d", ErrCorrupt, b[0])
	}
	p := 1
	var f [5]float64
	for i := range f {
		f[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[p:]))
		p += 8
	}
	for _, x := range f[:3] {
		if !(x >= 0) || math.IsInf(x, 0) {
			return nil, 0, fmt.Errorf("%w: bad count", ErrCorrupt)
		}
	}
	s := &Sketch{count: f[0], zero: f[1], neg: f[2], min: f[3], max: f[4]}
	if s.count > 0 && (math.IsNaN(s.min) || math.IsNaN(s.max) || s.min > s.max) {
		return nil, 0, fmt.Errorf("%w: bad min/max", ErrCorrupt)
	}
	if s.count == 0 {
		s.min, s.max = math.Inf(1), math.Inf(-1)
	}
	var sum float64
	var n int
	var err error
	if b[0] == encExact {
		sum, n, err = s.decodeExact(b[p:])
	} else {
		sum, n, err = s.decodeBins(b[p:])
	}
	if err != nil {
		return nil, 0, err
	}
	p += n
	if math.Abs(sum+s.zero+s.neg-s.count) > 1e-9*math.Max(1, s.count) {
		return nil, 0, fmt.Errorf("%w: counts do not add up", ErrCorrupt)
	}
	return s, p, nil
}

// decodeBins reads the bins of a version-1 encoding into s and returns their total count
// and the bytes they took.
func (s *Sketch) decodeBins(b []byte) (sum float64, p int, err error) {
	off, n := binary.Varint(b)
	if n <= 0 || off < math.MinInt32 || off > math.MaxInt32 {
		return 0, 0, fmt.Errorf("%w: bad bin offset", ErrCorrupt)
	}
	p += n
	nb, n := binary.Uvarint(b[p:])
	if n <= 0 || nb > MaxBins {
		return 0, 0, fmt.Errorf("%w: bad bin count", ErrCorrupt)
	}
	p += n
	if nb == 0 {
		s.exact = true // no positive value: exactly an exact sketch
		return 0, p, nil
	}
	s.offset = int32(off)
	s.bins = make([]float64, nb)
	for i := range s.bins {
		v, n := binary.Uvarint(b[p:])
		if n <= 0 {
			return 0, 0, fmt.Errorf("%w: truncated bins", ErrCorrupt)
		}
		p += n
		if v == floatBinFlag {
			if len(b)-p < 8 {
				return 0, 0, fmt.Errorf("%w: truncated bins", ErrCorrupt)
			}
			s.bins[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[p:]))
			p += 8
		} else {
			s.bins[i] = float64(v / 2)
		}
		if !(s.bins[i] >= 0) || math.IsInf(s.bins[i], 0) {
			return 0, 0, fmt.Errorf("%w: bad bin count", ErrCorrupt)
		}
		sum += s.bins[i]
	}
	return sum, p, nil
}

// decodeExact reads the values of a version-2 encoding into s and returns their total
// count and the bytes they took.
func (s *Sketch) decodeExact(b []byte) (sum float64, p int, err error) {
	s.exact = true
	nv, n := binary.Uvarint(b)
	if n <= 0 || nv > MaxExact {
		return 0, 0, fmt.Errorf("%w: bad number of values", ErrCorrupt)
	}
	p += n
	k := int(nv)
	if len(b)-p < 8*k {
		return 0, 0, fmt.Errorf("%w: truncated values", ErrCorrupt)
	}
	if k == 0 {
		return 0, p, nil
	}
	s.bins = make([]float64, exactSlots(k))
	for i := range k {
		v := math.Float64frombits(binary.LittleEndian.Uint64(b[p:]))
		p += 8
		if !(v > 0) || math.IsInf(v, 0) || i > 0 && !(v > s.bins[i-1]) || v < s.min || v > s.max {
			return 0, 0, fmt.Errorf("%w: bad value %v", ErrCorrupt, v)
		}
		s.bins[i] = v
	}
	var cs [MaxExact]uint32
	for i := range k {
		c, n := binary.Uvarint(b[p:])
		if n <= 0 {
			return 0, 0, fmt.Errorf("%w: truncated counts", ErrCorrupt)
		}
		p += n
		if c < 1 || c >= maxExactCount {
			return 0, 0, fmt.Errorf("%w: bad count %d", ErrCorrupt, c)
		}
		cs[i] = uint32(c)
		sum += float64(c)
	}
	s.putCounts(k, cs[:k])
	return sum, p, nil
}
