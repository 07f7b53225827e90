// Package sketch is a mergeable quantile sketch with bounded relative error, used by the
// built-in time-series store to answer CloudWatch percentile statistics (p50, p99, ...) and
// the other extended statistics: trimmed means, counts and sums, winsorized means and
// percentile ranks (see TrimmedByRank, TrimmedByValue, WinsorizedByRank,
// WinsorizedByValue and RankOf for their accuracy).
//
// # Accuracy
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
// Merging is exact: merging sketches gives the same bins as adding all their values to one
// sketch, in any order.
package sketch

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

// RelativeAccuracy is α: the relative error bound of Quantile.
const RelativeAccuracy = 0.01

// MaxBins bounds the number of bins of a sketch.
const MaxBins = 2048

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
	offset   int       // bin index of bins[0]
	bins     []float64 // counts of bins offset .. offset+len(bins)-1
}

// New returns an empty sketch.
func New() *Sketch { return &Sketch{min: math.Inf(1), max: math.Inf(-1)} }

// index returns the bin of a positive value.
func index(v float64) int {
	return int(math.Ceil(math.Log(v) / logGamma))
}

// binValue is the representative value of bin i.
func binValue(i int) float64 {
	return math.Exp(float64(i)*logGamma) * binValMult
}

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
	default:
		s.addBin(index(v), count)
	}
}

// addBin adds count to bin i, growing the dense range and collapsing the lowest bins when
// the range would exceed MaxBins.
func (s *Sketch) addBin(i int, count float64) {
	if len(s.bins) == 0 {
		s.offset = i
		s.bins = append(s.bins[:0], count)
		return
	}
	hi := s.offset + len(s.bins) - 1
	switch {
	case i >= s.offset && i <= hi:
		s.bins[i-s.offset] += count
	case i > hi:
		newLo := max(s.offset, i-MaxBins+1)
		if newLo > s.offset {
			s.collapseTo(newLo)
		}
		n := len(s.bins)
		s.bins = slices.Grow(s.bins, i-s.offset+1-n)[:i-s.offset+1]
		clear(s.bins[n:])
		s.bins[i-s.offset] += count
	default: // i < s.offset
		hi = s.offset + len(s.bins) - 1
		newLo := max(i, hi-MaxBins+1)
		if newLo < s.offset {
			grow, n := s.offset-newLo, len(s.bins)
			s.bins = slices.Grow(s.bins, grow)[:n+grow]
			copy(s.bins[grow:], s.bins[:n])
			clear(s.bins[:grow])
			s.offset = newLo
		}
		s.bins[max(i, s.offset)-s.offset] += count
	}
}

// collapseTo folds every bin below lo into bin lo (lo > s.offset).
func (s *Sketch) collapseTo(lo int) {
	n := lo - s.offset
	if n >= len(s.bins) {
		var sum float64
		for _, c := range s.bins {
			sum += c
		}
		s.bins = append(s.bins[:0], sum)
		s.offset = lo
		return
	}
	var sum float64
	for _, c := range s.bins[:n] {
		sum += c
	}
	s.bins[n] += sum
	s.bins = append(s.bins[:0], s.bins[n:]...)
	s.offset = lo
}

// Merge adds every value counted by o to s. o is not modified.
func (s *Sketch) Merge(o *Sketch) {
	if o == nil || o.count == 0 {
		return
	}
	s.count += o.count
	s.zero += o.zero
	s.neg += o.neg
	s.min = math.Min(s.min, o.min)
	s.max = math.Max(s.max, o.max)
	if len(o.bins) == 0 {
		return
	}
	// Make room for o's range first (collapsing as Add would), then add bin by bin.
	s.addBin(o.offset+len(o.bins)-1, 0)
	s.addBin(o.offset, 0)
	for j, c := range o.bins {
		if c != 0 {
			s.addBin(o.offset+j, c)
		}
	}
}

// Count returns the total count of values added, including zeros and negative values.
func (s *Sketch) Count() float64 { return s.count }

// Min returns the smallest value added (+Inf when empty).
func (s *Sketch) Min() float64 { return s.min }

// Max returns the largest value added (-Inf when empty).
func (s *Sketch) Max() float64 { return s.max }

// HasNegative reports whether a negative value was added.
func (s *Sketch) HasNegative() bool { return s.neg > 0 }

// Bins returns the number of bins allocated (for memory accounting).
func (s *Sketch) Bins() int { return len(s.bins) }

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of the values added, within
// RelativeAccuracy of the exact value of rank ⌊q·(n-1)⌋. It reports false when the sketch
// is empty, q is out of range, or a negative value was added (CloudWatch semantics).
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
	rank := q * (s.count - 1)
	cum := s.zero
	if cum > rank {
		return 0, true
	}
	for j, c := range s.bins {
		cum += c
		if cum > rank {
			v := binValue(s.offset + j)
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

// Reset empties s, keeping its allocated bins.
func (s *Sketch) Reset() {
	*s = Sketch{min: math.Inf(1), max: math.Inf(-1), bins: s.bins[:0]}
}

// Binary encoding, version 1:
//
//	version byte (1) | count f64 | zero f64 | neg f64 | min f64 | max f64 |
//	offset (signed varint) | nbins (uvarint) | per bin a count
//
// A count that is a whole number below 2^52 is written as the uvarint 2·c, any other as
// the uvarint 1 followed by the float64 (little-endian). Empty bins take one byte.
const (
	encVersion   = 1
	maxWholeBin  = 1 << 52
	floatBinFlag = 1
)

// ErrCorrupt is returned by Decode for malformed input.
var ErrCorrupt = errors.New("sketch: corrupt encoding")

// AppendBinary appends the encoding of s to b.
func (s *Sketch) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, encVersion)
	for _, f := range [...]float64{s.count, s.zero, s.neg, s.min, s.max} {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
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
	if b[0] != encVersion {
		return nil, 0, fmt.Errorf("%w: unknown version %d", ErrCorrupt, b[0])
	}
	p := 1
	var f [5]float64
	for i := range f {
		f[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[p:]))
		p += 8
	}
	s := &Sketch{count: f[0], zero: f[1], neg: f[2], min: f[3], max: f[4]}
	off, n := binary.Varint(b[p:])
	if n <= 0 || off < math.MinInt32 || off > math.MaxInt32 {
		return nil, 0, fmt.Errorf("%w: bad bin offset", ErrCorrupt)
	}
	p += n
	s.offset = int(off)
	nb, n := binary.Uvarint(b[p:])
	if n <= 0 || nb > MaxBins {
		return nil, 0, fmt.Errorf("%w: bad bin count", ErrCorrupt)
	}
	p += n
	if nb > 0 {
		s.bins = make([]float64, nb)
	}
	sum := s.zero + s.neg
	for i := range s.bins {
		v, n := binary.Uvarint(b[p:])
		if n <= 0 {
			return nil, 0, fmt.Errorf("%w: truncated bins", ErrCorrupt)
		}
		p += n
		if v == floatBinFlag {
			if len(b)-p < 8 {
				return nil, 0, fmt.Errorf("%w: truncated bins", ErrCorrupt)
			}
			s.bins[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[p:]))
			p += 8
		} else {
			s.bins[i] = float64(v / 2)
		}
		if !(s.bins[i] >= 0) || math.IsInf(s.bins[i], 0) {
			return nil, 0, fmt.Errorf("%w: bad bin count", ErrCorrupt)
		}
		sum += s.bins[i]
	}
	for _, x := range f[:3] {
		if !(x >= 0) || math.IsInf(x, 0) {
			return nil, 0, fmt.Errorf("%w: bad count", ErrCorrupt)
		}
	}
	if s.count > 0 && (math.IsNaN(s.min) || math.IsNaN(s.max) || s.min > s.max) {
		return nil, 0, fmt.Errorf("%w: bad min/max", ErrCorrupt)
	}
	if s.count == 0 {
		s.min, s.max = math.Inf(1), math.Inf(-1)
	}
	if math.Abs(sum-s.count) > 1e-9*math.Max(1, s.count) {
		return nil, 0, fmt.Errorf("%w: counts do not add up", ErrCorrupt)
	}
	return s, p, nil
}
