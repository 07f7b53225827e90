package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/scaled-dev/scaled/internal/sim/trace"
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
	// DistTokens makes the service time a function of the request's token counts:
	// Base + input tokens × PerInputToken + output tokens × PerOutputToken, times optional
	// noise.
	DistTokens = "tokens"
)

// maxDefaultTokens bounds DefaultInputTokens and DefaultOutputTokens.
const maxDefaultTokens = 1 << 30

// ServiceTime is the distribution of the time one copy takes to serve one request.
type ServiceTime struct {
	// Distribution is constant (default), exponential, lognormal or tokens.
	Distribution string `json:"Distribution,omitempty"`
	// Mean is the mean service time (not used by tokens).
	Mean Duration `json:"Mean"`
	// CV is the coefficient of variation (standard deviation / mean) of the lognormal
	// distribution; exponential has CV 1 and constant 0. With tokens it is the CV of a
	// lognormal noise factor of mean 1 that multiplies each request's service time
	// (0: none).
	CV float64 `json:"CV,omitempty"`

	// The members below belong to the tokens distribution.

	// Base is the fixed time of every request (scheduling, the first forward pass, response).
	Base Duration `json:"Base,omitempty"`
	// PerInputToken is the prefill time per prompt token.
	PerInputToken Duration `json:"PerInputToken,omitempty"`
	// PerOutputToken is the decode time per generated token (the inter-token latency).
	PerOutputToken Duration `json:"PerOutputToken,omitempty"`
	// DefaultInputTokens and DefaultOutputTokens are the counts used for a request whose
	// trace gives none. Absent, such a request gets the mean of the trace's requests that
	// have counts; a trace without any counts then needs them.
	DefaultInputTokens  *int `json:"DefaultInputTokens,omitempty"`
	DefaultOutputTokens *int `json:"DefaultOutputTokens,omitempty"`
}

// tokenBased reports whether the service time depends on the request's tokens.
func (s ServiceTime) tokenBased() bool { return s.Distribution == DistTokens }

func (s ServiceTime) validate() error {
	if s.tokenBased() {
		return s.validateTokens()
	}
	switch s.Distribution {
	case "", DistConstant, DistExponential:
	case DistLognormal:
		if s.CV <= 0 || math.IsNaN(s.CV) || s.CV > 100 {
			return fmt.Errorf("Fleet.ServiceTime.CV %v: lognormal needs a coefficient of variation in (0, 100]", s.CV)
		}
	default:
		return fmt.Errorf("Fleet.ServiceTime.Distribution %q: want constant, exponential, lognormal or tokens", s.Distribution)
	}
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"Base", s.Base != 0}, {"PerInputToken", s.PerInputToken != 0}, {"PerOutputToken", s.PerOutputToken != 0},
		{"DefaultInputTokens", s.DefaultInputTokens != nil}, {"DefaultOutputTokens", s.DefaultOutputTokens != nil},
	} {
		if f.set {
			return fmt.Errorf("Fleet.ServiceTime.%s is only used with Distribution %q (Distribution is %q)", f.name, DistTokens, s.Distribution)
		}
	}
	if s.Mean <= 0 {
		return fmt.Errorf("Fleet.ServiceTime.Mean %s must be positive", s.Mean.D())
	}
	return nil
}

func (s ServiceTime) validateTokens() error {
	if s.Mean != 0 {
		return fmt.Errorf("Fleet.ServiceTime.Mean %s is not used with Distribution %q: give Base, PerInputToken and PerOutputToken", s.Mean.D(), DistTokens)
	}
	for _, f := range []struct {
		name string
		d    Duration
	}{{"Base", s.Base}, {"PerInputToken", s.PerInputToken}, {"PerOutputToken", s.PerOutputToken}} {
		if f.d < 0 || f.d.D() > time.Hour {
			return fmt.Errorf("Fleet.ServiceTime.%s %s must be between 0 and 1h", f.name, f.d.D())
		}
	}
	if s.Base == 0 && s.PerInputToken == 0 && s.PerOutputToken == 0 {
		return fmt.Errorf("Fleet.ServiceTime: Distribution %q needs a positive Base, PerInputToken or PerOutputToken", DistTokens)
	}
	if s.CV < 0 || math.IsNaN(s.CV) || s.CV > 100 {
		return fmt.Errorf("Fleet.ServiceTime.CV %v: the noise of the tokens distribution needs a coefficient of variation in [0, 100]", s.CV)
	}
	for _, f := range []struct {
		name string
		v    *int
	}{{"DefaultInputTokens", s.DefaultInputTokens}, {"DefaultOutputTokens", s.DefaultOutputTokens}} {
		if f.v != nil && (*f.v < 0 || *f.v > maxDefaultTokens) {
			return fmt.Errorf("Fleet.ServiceTime.%s %d must be between 0 and %d", f.name, *f.v, maxDefaultTokens)
		}
	}
	return nil
}

// tokenDefaults returns the token counts used for requests without counts: the scenario's
// defaults, else the trace's means (meanIn, meanOut over withTokens requests). It fails when
// a count with a non-zero cost has neither.
func (s ServiceTime) tokenDefaults(meanIn, meanOut, withTokens float64) (in, out float64, err error) {
	pick := func(name string, def *int, mean float64, cost Duration) (float64, error) {
		switch {
		case def != nil:
			return float64(*def), nil
		case withTokens > 0:
			return mean, nil
		case cost == 0:
			return 0, nil
		}
		return 0, fmt.Errorf("Fleet.ServiceTime.%s is required: the trace gives no token counts, and Distribution %q needs a count for every request", name, DistTokens)
	}
	if in, err = pick("DefaultInputTokens", s.DefaultInputTokens, meanIn, s.PerInputToken); err != nil {
		return 0, 0, err
	}
	if out, err = pick("DefaultOutputTokens", s.DefaultOutputTokens, meanOut, s.PerOutputToken); err != nil {
		return 0, 0, err
	}
	return in, out, nil
}

// sampler draws service times in nanoseconds.
type sampler struct {
	kind      string
	mean      float64
	mu, sigma float64
	rng       *rand.Rand

	// tokens distribution, in nanoseconds
	base, perIn, perOut float64
	defIn, defOut       float64 // counts of requests without any
}

// newSampler prepares draws from s; defIn and defOut are the token counts of requests
// without counts (tokens distribution only).
func newSampler(s ServiceTime, defIn, defOut float64, rng *rand.Rand) *sampler {
	sm := &sampler{kind: s.Distribution, mean: float64(s.Mean), rng: rng}
	switch sm.kind {
	case DistLognormal:
		v := math.Log(1 + s.CV*s.CV)
		sm.sigma = math.Sqrt(v)
		sm.mu = math.Log(sm.mean) - v/2
	case DistTokens:
		sm.base, sm.perIn, sm.perOut = float64(s.Base), float64(s.PerInputToken), float64(s.PerOutputToken)
		sm.defIn, sm.defOut = defIn, defOut
		if s.CV > 0 {
			// Lognormal factor with mean 1: E[exp(mu + sigma N)] = exp(mu + sigma²/2) = 1.
			v := math.Log(1 + s.CV*s.CV)
			sm.sigma = math.Sqrt(v)
			sm.mu = -v / 2
		}
	}
	return sm
}

// drawTokens draws the service time of a request with the given token counts (tokens
// distribution): base + in × perIn + out × perOut, times the noise factor.
func (s *sampler) drawTokens(tok trace.Tokens) int64 {
	in, out := s.defIn, s.defOut
	if tok.Known {
		in, out = float64(tok.Input), float64(tok.Output)
	}
	v := s.base + in*s.perIn + out*s.perOut
	if s.sigma > 0 {
		v *= math.Exp(s.mu + s.sigma*s.rng.NormFloat64())
	}
	return clampNanos(v)
}

// maxServiceNanos caps a drawn service time so that arithmetic on instants cannot overflow.
const maxServiceNanos = 1e18

func clampNanos(v float64) int64 {
	if v < 1 {
		return 1
	}
	if v > maxServiceNanos || math.IsNaN(v) {
		return maxServiceNanos
	}
	return int64(v)
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
