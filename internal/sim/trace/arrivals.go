package trace

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// Spread says how the requests of a count bucket are placed inside it.
type Spread string

// Spreads.
const (
	// SpreadEven places n requests evenly, at the middle of n equal slices of the bucket; a
	// fractional expected count is carried over to the next bucket so totals are exact.
	SpreadEven Spread = "even"
	// SpreadUniform draws round(expected) requests (the fraction by a coin) at independent
	// uniformly random times: a Poisson process conditioned on the count.
	SpreadUniform Spread = "uniform"
	// SpreadPoisson draws the count from a Poisson distribution with the expected count as
	// mean, at uniformly random times: a Poisson process with the bucket's rate.
	SpreadPoisson Spread = "poisson"
)

// ParseSpread checks a spread name.
func ParseSpread(s string) (Spread, error) {
	switch Spread(s) {
	case SpreadEven, SpreadUniform, SpreadPoisson:
		return Spread(s), nil
	case "":
		return SpreadEven, nil
	}
	return "", fmt.Errorf("arrivals %q: want even, uniform or poisson", s)
}

// Options transform a trace before replay.
type Options struct {
	// Compress divides every offset from the trace start (2 = twice as fast). 0 means 1.
	Compress float64
	// Scale multiplies the request rate (0.001 = divide by 1000). 0 means 1.
	Scale float64
	// Spread places counted requests inside their bucket; it also decides how fractional
	// request counts of single-request events are rounded (even: carried, otherwise random).
	Spread Spread
	// Seed seeds the random source.
	Seed uint64
}

// Validate checks the options.
func (o Options) Validate() error {
	if o.Compress < 0 || math.IsNaN(o.Compress) || math.IsInf(o.Compress, 0) {
		return fmt.Errorf("time compression %v must be a positive number", o.Compress)
	}
	if o.Scale < 0 || math.IsNaN(o.Scale) || math.IsInf(o.Scale, 0) {
		return fmt.Errorf("rate scale %v must be a positive number", o.Scale)
	}
	_, err := ParseSpread(string(o.Spread))
	return err
}

// Transform applies compression and rate scaling: offsets from the first event are divided
// by Compress (widths too) and counts multiplied by Scale. The result still holds expected
// counts; Arrivals draws whole requests from it.
func Transform(ev []Event, o Options) []Event {
	c, s := o.Compress, o.Scale
	if c == 0 {
		c = 1
	}
	if s == 0 {
		s = 1
	}
	if c == 1 && s == 1 {
		return ev
	}
	out := make([]Event, len(ev))
	if len(ev) == 0 {
		return out
	}
	start := ev[0].Time
	for i, e := range ev {
		out[i] = Event{
			Time:   start.Add(time.Duration(float64(e.Time.Sub(start)) / c)),
			Width:  time.Duration(float64(e.Width) / c),
			Count:  e.Count * s,
			Tokens: e.Tokens,
		}
	}
	return out
}

// Arrivals yields individual request arrival times, in order, from transformed events.
type Arrivals struct {
	ev     []Event
	i      int
	spread Spread
	rng    *rand.Rand
	carry  float64
	buf    []time.Time
	tok    Tokens // token counts of every request in buf
	j      int
}

// NewArrivals draws arrivals from events (already transformed) with the given spread and
// seed.
func NewArrivals(ev []Event, spread Spread, seed uint64) *Arrivals {
	if spread == "" {
		spread = SpreadEven
	}
	return &Arrivals{ev: ev, spread: spread, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Next returns the next arrival time; ok is false at the end. Requests of one event are
// returned in time order; events must not overlap (true of every supported format).
func (a *Arrivals) Next() (t time.Time, ok bool) {
	for a.j >= len(a.buf) {
		if a.i >= len(a.ev) {
			return time.Time{}, false
		}
		a.fill(a.ev[a.i])
		a.i++
	}
	a.j++
	return a.buf[a.j-1], true
}

// PeekTokens returns the token counts of the next arrival, the one Peek returns; it is
// valid only after Peek reported an arrival.
func (a *Arrivals) PeekTokens() Tokens { return a.tok }

// Peek returns the next arrival time without consuming it.
func (a *Arrivals) Peek() (time.Time, bool) {
	for a.j >= len(a.buf) {
		if a.i >= len(a.ev) {
			return time.Time{}, false
		}
		a.fill(a.ev[a.i])
		a.i++
	}
	return a.buf[a.j], true
}

func (a *Arrivals) count(expected float64) int {
	switch a.spread {
	case SpreadPoisson:
		return poisson(a.rng, expected)
	case SpreadUniform:
		n := math.Floor(expected)
		if a.rng.Float64() < expected-n {
			n++
		}
		return int(n)
	default:
		x := expected + a.carry
		n := math.Floor(x + 1e-9)
		a.carry = x - n
		return int(n)
	}
}

func (a *Arrivals) fill(e Event) {
	a.buf = a.buf[:0]
	a.j = 0
	a.tok = e.Tokens
	n := a.count(e.Count)
	if n <= 0 {
		return
	}
	if e.Width <= 0 {
		for range n {
			a.buf = append(a.buf, e.Time)
		}
		return
	}
	w := float64(e.Width)
	if a.spread == SpreadEven {
		for k := range n {
			a.buf = append(a.buf, e.Time.Add(time.Duration(w*(float64(k)+0.5)/float64(n))))
		}
		return
	}
	// Sorted uniform points from normalised exponential spacings: O(n), no sort.
	sum := 0.0
	sp := make([]float64, n+1)
	for k := range sp {
		sp[k] = a.rng.ExpFloat64()
		sum += sp[k]
	}
	acc := 0.0
	for k := range n {
		acc += sp[k]
		a.buf = append(a.buf, e.Time.Add(time.Duration(w*acc/sum)))
	}
}

// poisson draws from a Poisson distribution with mean mu: multiplication of uniforms for
// small means, Hörmann's transformed rejection (PTRS) for large ones.
func poisson(r *rand.Rand, mu float64) int {
	if mu <= 0 {
		return 0
	}
	if mu < 10 {
		l := math.Exp(-mu)
		k, p := 0, r.Float64()
		for p > l {
			k++
			p *= r.Float64()
		}
		return k
	}
	slam := math.Sqrt(mu)
	loglam := math.Log(mu)
	b := 0.931 + 2.53*slam
	aa := -0.059 + 0.02483*b
	invalpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	for {
		u := r.Float64() - 0.5
		v := r.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*aa/us+b)*u + mu + 0.43)
		if us >= 0.07 && v <= vr {
			return int(k)
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v)+math.Log(invalpha)-math.Log(aa/(us*us)+b) <= -mu+k*loglam-lg {
			return int(k)
		}
	}
}
