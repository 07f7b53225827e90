package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// Duration is a time.Duration that reads from JSON as a Go duration string ("90s", "500ms")
// or a number of seconds, and writes as a string.
type Duration time.Duration

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// MarshalJSON writes the Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON accepts "1m30s" or 90 (seconds).
func (d *Duration) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("duration %q: want a Go duration such as \"90s\" or a number of seconds", s)
		}
		*d = Duration(v)
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e9 {
		return fmt.Errorf("duration %s: want a Go duration such as \"90s\" or a number of seconds", b)
	}
	*d = Duration(f * float64(time.Second))
	return nil
}

// Distribution kinds of the per-request service time.
const (
	DistConstant    = "constant"
	DistExponential = "exponential"
	DistLognormal   = "lognormal"
)

// ServiceTime is the distribution of the time one copy takes to serve one request.
type ServiceTime struct {
	// Distribution is constant (default), exponential or lognormal.
	Distribution string `json:"Distribution,omitempty"`
	// Mean is the mean service time.
	Mean Duration `json:"Mean"`
	// CV is the coefficient of variation (standard deviation / mean) of the lognormal
	// distribution; exponential has CV 1 and constant 0.
	CV float64 `json:"CV,omitempty"`
}

func (s ServiceTime) validate() error {
	switch s.Distribution {
	case "", DistConstant, DistExponential:
	case DistLognormal:
		if s.CV <= 0 || math.IsNaN(s.CV) || s.CV > 100 {
			return fmt.Errorf("Fleet.ServiceTime.CV %v: lognormal needs a coefficient of variation in (0, 100]", s.CV)
		}
	default:
		return fmt.Errorf("Fleet.ServiceTime.Distribution %q: want constant, exponential or lognormal", s.Distribution)
	}
	if s.Mean <= 0 {
		return fmt.Errorf("Fleet.ServiceTime.Mean %s must be positive", s.Mean.D())
	}
	return nil
}

// sampler draws service times in nanoseconds.
type sampler struct {
	kind      string
	mean      float64
	mu, sigma float64
	rng       *rand.Rand
}

func newSampler(s ServiceTime, rng *rand.Rand) *sampler {
	sm := &sampler{kind: s.Distribution, mean: float64(s.Mean), rng: rng}
	if sm.kind == DistLognormal {
		v := math.Log(1 + s.CV*s.CV)
		sm.sigma = math.Sqrt(v)
		sm.mu = math.Log(sm.mean) - v/2
	}
	return sm
}

func (s *sampler) draw() int64 {
	var v float64
	switch s.kind {
	case DistExponential:
		v = s.rng.ExpFloat64() * s.mean
	case DistLognormal:
		v = math.Exp(s.mu + s.sigma*s.rng.NormFloat64())
	default:
		v = s.mean
	}
	if v < 1 {
		v = 1
	}
	return int64(v)
}
