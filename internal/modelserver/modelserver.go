// Package modelserver is a synthetic model server that speaks the SageMaker hosting
// container contract: GET /ping answers 200 once the (simulated) model has loaded, and
// POST /invocations answers after a service time drawn from a configurable distribution.
// Each process is one inference-component copy; requests beyond its concurrency wait in a
// queue inside the copy, as they do in a real model server.
//
// It is configured from the environment, so a container definition's Environment can shape
// it (see ConfigFromEnv for the variables).
package modelserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scaled-dev/scaled/internal/clock"
)

// Service-time distributions.
const (
	Constant    = "constant"
	Exponential = "exponential"
	Lognormal   = "lognormal"
)

// Environment variables read by ConfigFromEnv.
const (
	EnvPort         = "SAGEMAKER_BIND_TO_PORT"
	EnvHost         = "SAGEMAKER_BIND_TO_HOST"
	EnvDistribution = "SCALED_MODEL_SERVICE_TIME"       // constant | exponential | lognormal
	EnvMean         = "SCALED_MODEL_SERVICE_TIME_MEAN"  // Go duration, e.g. 50ms
	EnvSigma        = "SCALED_MODEL_SERVICE_TIME_SIGMA" // lognormal shape (σ of the underlying normal)
	EnvConcurrency  = "SCALED_MODEL_CONCURRENCY"        // requests served at once per copy
	EnvStartupDelay = "SCALED_MODEL_STARTUP_DELAY"      // Go duration before /ping answers 200
	EnvFailureRate  = "SCALED_MODEL_FAILURE_RATE"       // fraction of requests answered 500, 0..1
	EnvSeed         = "SCALED_MODEL_SEED"               // random seed (integer)
)

// Config shapes the server.
type Config struct {
	Host         string // listen address host; "" means all interfaces
	Port         int    // default 8080
	Distribution string // Constant (default), Exponential or Lognormal
	Mean         time.Duration
	Sigma        float64
	Concurrency  int // default 1
	StartupDelay time.Duration
	FailureRate  float64
	Seed         uint64

	// Listener, when set, is used instead of listening on Host:Port.
	Listener net.Listener
	// Clock defaults to clock.Real.
	Clock clock.Clock
	// Logger defaults to a discarding logger.
	Logger *slog.Logger
	// ShutdownGrace bounds how long in-flight requests may take after ctx ends; default 30 s.
	ShutdownGrace time.Duration
}

// DefaultConfig returns the configuration used when no variable is set.
func DefaultConfig() Config {
	return Config{Port: 8080, Distribution: Constant, Mean: 50 * time.Millisecond, Sigma: 0.5, Concurrency: 1, Seed: 1}
}

// ConfigFromEnv reads the configuration from environment variables (see the Env constants);
// unset variables keep their DefaultConfig values.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := DefaultConfig()
	var errs []error
	if v := getenv(EnvPort); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			errs = append(errs, fmt.Errorf("%s=%q: want a port number 1..65535", EnvPort, v))
		}
		c.Port = p
	}
	c.Host = getenv(EnvHost)
	if v := getenv(EnvDistribution); v != "" {
		c.Distribution = strings.ToLower(v)
	}
	dur := func(name string, dst *time.Duration) {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				errs = append(errs, fmt.Errorf("%s=%q: want a non-negative Go duration such as 50ms", name, v))
				return
			}
			*dst = d
		}
	}
	dur(EnvMean, &c.Mean)
	dur(EnvStartupDelay, &c.StartupDelay)
	if v := getenv(EnvSigma); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: want a number", EnvSigma, v))
		}
		c.Sigma = f
	}
	if v := getenv(EnvConcurrency); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: want an integer", EnvConcurrency, v))
		}
		c.Concurrency = n
	}
	if v := getenv(EnvFailureRate); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: want a number between 0 and 1", EnvFailureRate, v))
		}
		c.FailureRate = f
	}
	if v := getenv(EnvSeed); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: want a non-negative integer", EnvSeed, v))
		}
		c.Seed = n
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, err
	}
	return c, c.Validate()
}

// Validate checks the configuration, naming the offending setting.
func (c Config) Validate() error {
	var errs []error
	switch c.Distribution {
	case Constant, Exponential, Lognormal:
	default:
		errs = append(errs, fmt.Errorf("service-time distribution %q: want constant, exponential or lognormal", c.Distribution))
	}
	if c.Mean < 0 {
		errs = append(errs, fmt.Errorf("service-time mean %v: must not be negative", c.Mean))
	}
	if c.Sigma < 0 || math.IsNaN(c.Sigma) || c.Sigma > 10 {
		errs = append(errs, fmt.Errorf("service-time sigma %v: want 0..10", c.Sigma))
	}
	if c.Concurrency < 1 {
		errs = append(errs, fmt.Errorf("concurrency %d: want at least 1", c.Concurrency))
	}
	if c.StartupDelay < 0 {
		errs = append(errs, fmt.Errorf("start-up delay %v: must not be negative", c.StartupDelay))
	}
	if !(c.FailureRate >= 0 && c.FailureRate <= 1) {
		errs = append(errs, fmt.Errorf("failure rate %v: want 0..1", c.FailureRate))
	}
	if c.Listener == nil && (c.Port < 1 || c.Port > 65535) {
		errs = append(errs, fmt.Errorf("port %d: want 1..65535", c.Port))
	}
	return errors.Join(errs...)
}

// Response is the JSON body of a successful invocation.
type Response struct {
	// ServiceTimeMs is the simulated model time of this request.
	ServiceTimeMs float64 `json:"serviceTimeMs"`
	// QueueTimeMs is how long the request waited for a free slot in the copy.
	QueueTimeMs float64 `json:"queueTimeMs"`
	// InputBytes is the size of the request payload.
	InputBytes int `json:"inputBytes"`
}

type server struct {
	cfg   Config
	clk   clock.Clock
	log   *slog.Logger
	slots chan struct{}
	ready atomic.Bool

	mu  sync.Mutex
	rnd *rand.Rand
}

// Run serves until ctx ends, then lets in-flight requests finish (up to ShutdownGrace).
func Run(ctx context.Context, cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("model server: %w", err)
	}
	s := &server{
		cfg:   cfg,
		clk:   cfg.Clock,
		log:   cfg.Logger,
		slots: make(chan struct{}, cfg.Concurrency),
		rnd:   rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
	}
	if s.clk == nil {
		s.clk = clock.Real{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	ln := cfg.Listener
	if ln == nil {
		var err error
		ln, err = net.Listen("tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)))
		if err != nil {
			return fmt.Errorf("model server: listen: %w", err)
		}
	}
	srv := &http.Server{Handler: s.handler()}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("model server listening", "addr", ln.Addr().String(), "distribution", cfg.Distribution,
		"mean", cfg.Mean, "concurrency", cfg.Concurrency, "startup_delay", cfg.StartupDelay)

	if cfg.StartupDelay > 0 {
		select {
		case <-s.clk.After(cfg.StartupDelay):
		case <-ctx.Done():
		}
	}
	s.ready.Store(true)

	select {
	case err := <-errc:
		return fmt.Errorf("model server: %w", err)
	case <-ctx.Done():
	}
	grace := cfg.ShutdownGrace
	if grace <= 0 {
		grace = 30 * time.Second
	}
	sctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.clk.After(grace):
			cancel()
		case <-sctx.Done():
		}
	}()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("model server: shutdown: %w", err)
	}
	return nil
}

func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ping", func(w http.ResponseWriter, r *http.Request) {
		if !s.ready.Load() {
			http.Error(w, "model is loading", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("POST /invocations", s.invoke)
	return mux
}

func (s *server) sample() (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fail := s.cfg.FailureRate > 0 && s.rnd.Float64() < s.cfg.FailureRate
	m := float64(s.cfg.Mean)
	var d float64
	switch s.cfg.Distribution {
	case Exponential:
		d = s.rnd.ExpFloat64() * m
	case Lognormal:
		if m > 0 {
			sg := s.cfg.Sigma
			mu := math.Log(m) - sg*sg/2
			d = math.Exp(mu + sg*s.rnd.NormFloat64())
		}
	default:
		d = m
	}
	return time.Duration(d), fail
}

func (s *server) invoke(w http.ResponseWriter, r *http.Request) {
	if !s.ready.Load() {
		http.Error(w, "model is loading", http.StatusServiceUnavailable)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "reading request: "+err.Error(), http.StatusBadRequest)
		return
	}
	queued := s.clk.Now()
	select {
	case s.slots <- struct{}{}:
	case <-r.Context().Done():
		return
	}
	defer func() { <-s.slots }()
	wait := s.clk.Now().Sub(queued)
	d, fail := s.sample()
	if d > 0 {
		select {
		case <-s.clk.After(d):
		case <-r.Context().Done():
			return
		}
	}
	if fail {
		http.Error(w, "synthetic model failure", http.StatusInternalServerError)
		return
	}
	out, _ := json.Marshal(Response{
		ServiceTimeMs: float64(d) / float64(time.Millisecond),
		QueueTimeMs:   float64(wait) / float64(time.Millisecond),
		InputBytes:    len(body),
	})
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}
