package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"time"
)

// Scenario is one simulation input: the scalable target and policies exactly as the API
// takes them, and the model of the fleet behind the target.
type Scenario struct {
	// Name labels the scenario in reports (default: the file name).
	Name        string `json:"Name,omitempty"`
	Description string `json:"Description,omitempty"`
	// RegisterScalableTarget is the request body of RegisterScalableTarget.
	RegisterScalableTarget json.RawMessage `json:"RegisterScalableTarget"`
	// PutScalingPolicy holds PutScalingPolicy request bodies, applied in order.
	PutScalingPolicy []json.RawMessage `json:"PutScalingPolicy,omitempty"`
	// PutScheduledAction holds PutScheduledAction request bodies, applied in order.
	PutScheduledAction []json.RawMessage `json:"PutScheduledAction,omitempty"`
	// PutMetricAlarm holds CloudWatch PutMetricAlarm request bodies (JSON protocol member
	// names) for step-scaling policies; "AlarmActions" may name a policy by
	// "policy:<PolicyName>", replaced by the policy's ARN.
	PutMetricAlarm []json.RawMessage `json:"PutMetricAlarm,omitempty"`
	// Fleet is the model of the copies behind the target.
	Fleet Fleet `json:"Fleet"`
}

// Fleet models the inference component being scaled.
type Fleet struct {
	// ServiceTime is the time one copy spends on one request.
	ServiceTime ServiceTime `json:"ServiceTime"`
	// Concurrency is how many requests one copy serves at once (default 1).
	Concurrency int `json:"Concurrency,omitempty"`
	// Throughput, if set instead of ServiceTime.Mean, is the requests per second one copy
	// sustains with all its slots busy; the mean service time is then Concurrency /
	// Throughput (with Batching, the mean solo service time is Concurrency / (Throughput ×
	// (1 + Slowdown × (Concurrency − 1)))). Not with the tokens distribution.
	Throughput float64 `json:"Throughput,omitempty"`
	// StartupTime is how long a new copy takes before it serves (default 0).
	StartupTime Duration `json:"StartupTime,omitempty"`
	// StartupFailureProbability is the chance that a starting copy fails and is replaced by a
	// new start (billed all the same).
	StartupFailureProbability float64 `json:"StartupFailureProbability,omitempty"`
	// InitialCopies are in service at the start.
	InitialCopies int `json:"InitialCopies,omitempty"`
	// QueueLimit bounds the requests waiting for a free copy (default 1000; 0 means no
	// waiting: a request that finds every copy busy fails). Null takes the default.
	QueueLimit *int `json:"QueueLimit,omitempty"`
	// SLO is the longest acceptable wait before service starts (default 1 s). A served
	// request that waited longer counts as violated.
	SLO Duration `json:"SLO,omitempty"`
	// Timeout is the longest a request waits in the queue before it fails (default 60 s, the
	// SageMaker invocation limit).
	Timeout Duration `json:"Timeout,omitempty"`
	// EvaluationInterval is how often the control loop ticks (default 60 s; use 10 s with
	// the high-resolution ConcurrentRequestsPerCopy metric).
	EvaluationInterval Duration `json:"EvaluationInterval,omitempty"`
	// MetricDelay makes the control loop evaluate alarms only over periods that ended at
	// least this long ago (control.Options.MetricDelay; default 0: the simulator stores every
	// complete bucket before the tick that follows it). `scaled serve` uses two metric bucket
	// widths (20 s) because its runtime publishes asynchronously.
	MetricDelay Duration `json:"MetricDelay,omitempty"`
	// Seed seeds service times and start-up failures (the CLI's --seed overrides it).
	Seed uint64 `json:"Seed,omitempty"`
	// Batching, if set with a positive Slowdown, makes the requests a copy serves at once
	// slow each other down, as in an LLM server that batches its decode steps (continuous
	// batching). Absent or 0: every request takes its service time however busy the copy.
	Batching *Batching `json:"Batching,omitempty"`
}

// Batching is the continuous-batching model of a copy: while it serves n requests, each
// progresses at 1 / (1 + Slowdown × (n − 1)) of the speed it has alone, so its service time
// is the drawn one when it is alone and stretches while others share the copy. A full batch
// of Concurrency requests then completes Concurrency / (1 + Slowdown × (Concurrency − 1))
// times the work of a lone request.
type Batching struct {
	// Slowdown is the fraction of its solo speed every request loses per other request in
	// the batch, in [0, 1]: 0.1 makes a batch of 8 run each request 1.7 times slower, for
	// 8 / 1.7 = 4.7 times the throughput of one request. 1 gives no gain from batching
	// (the copy shares one request's speed among its batch).
	Slowdown float64 `json:"Slowdown"`
}

// MaxBatchingSlowdown bounds Batching.Slowdown: above 1 a larger batch would complete less
// work per second than a smaller one, which no batching server is run for.
const MaxBatchingSlowdown = 1.0

// Defaults.
const (
	DefaultQueueLimit         = 1000
	DefaultSLO                = time.Second
	DefaultTimeout            = 60 * time.Second
	DefaultEvaluationInterval = time.Minute
)

// LoadScenario reads and checks a scenario file.
func LoadScenario(path string) (Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Scenario{}, fmt.Errorf("reading scenario: %w", err)
	}
	s, err := ParseScenario(b)
	if err != nil {
		return Scenario{}, fmt.Errorf("scenario %s: %w", path, err)
	}
	if s.Name == "" {
		s.Name = baseName(path)
	}
	return s, nil
}

// ParseScenario decodes a scenario (unknown members are errors) and checks it.
func ParseScenario(b []byte) (Scenario, error) {
	var s Scenario
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Scenario{}, fmt.Errorf("decoding JSON: %w", err)
	}
	if err := s.Validate(); err != nil {
		return Scenario{}, err
	}
	return s, nil
}

// Validate checks the fields the simulator itself interprets; the API bodies are checked by
// the API when the simulation starts.
func (s *Scenario) Validate() error {
	if len(bytes.TrimSpace(s.RegisterScalableTarget)) == 0 || string(bytes.TrimSpace(s.RegisterScalableTarget)) == "null" {
		return fmt.Errorf("RegisterScalableTarget is required (the request body of RegisterScalableTarget)")
	}
	f := &s.Fleet
	if f.Concurrency < 0 || f.Concurrency > 1_000_000 {
		return fmt.Errorf("Fleet.Concurrency %d must be between 1 and 1000000", f.Concurrency)
	}
	if f.Throughput < 0 || math.IsNaN(f.Throughput) || math.IsInf(f.Throughput, 0) {
		return fmt.Errorf("Fleet.Throughput %v must be a positive number of requests per second", f.Throughput)
	}
	if f.Throughput > 0 && f.ServiceTime.Mean > 0 {
		return fmt.Errorf("Fleet: give either ServiceTime.Mean or Throughput, not both")
	}
	if f.Throughput > 0 && f.ServiceTime.tokenBased() {
		return fmt.Errorf("Fleet.Throughput %v cannot be combined with ServiceTime.Distribution %q: the token costs set the service time", f.Throughput, DistTokens)
	}
	if f.Throughput == 0 {
		if err := f.ServiceTime.validate(); err != nil {
			return err
		}
	} else {
		probe := f.ServiceTime
		probe.Mean = 1
		if err := probe.validate(); err != nil {
			return err
		}
	}
	if f.StartupTime < 0 {
		return fmt.Errorf("Fleet.StartupTime %s must not be negative", f.StartupTime.D())
	}
	if f.StartupFailureProbability < 0 || f.StartupFailureProbability >= 1 || math.IsNaN(f.StartupFailureProbability) {
		return fmt.Errorf("Fleet.StartupFailureProbability %v must be in [0, 1)", f.StartupFailureProbability)
	}
	if f.InitialCopies < 0 || f.InitialCopies > 100000 {
		return fmt.Errorf("Fleet.InitialCopies %d must be between 0 and 100000", f.InitialCopies)
	}
	if f.QueueLimit != nil && (*f.QueueLimit < 0 || *f.QueueLimit > 100_000_000) {
		return fmt.Errorf("Fleet.QueueLimit %d must be between 0 and 100000000", *f.QueueLimit)
	}
	if f.SLO < 0 {
		return fmt.Errorf("Fleet.SLO %s must not be negative", f.SLO.D())
	}
	if f.Timeout < 0 {
		return fmt.Errorf("Fleet.Timeout %s must not be negative", f.Timeout.D())
	}
	if f.MetricDelay < 0 || f.MetricDelay.D() > time.Hour {
		return fmt.Errorf("Fleet.MetricDelay %s must be between 0 and 1h", f.MetricDelay.D())
	}
	if b := f.Batching; b != nil && (b.Slowdown < 0 || b.Slowdown > MaxBatchingSlowdown || math.IsNaN(b.Slowdown)) {
		return fmt.Errorf("Fleet.Batching.Slowdown %v must be between 0 and %g (the speed lost per other request in a copy's batch)", b.Slowdown, MaxBatchingSlowdown)
	}
	if f.EvaluationInterval < 0 || (f.EvaluationInterval > 0 && (f.EvaluationInterval.D() < time.Second || f.EvaluationInterval.D()%time.Second != 0)) {
		return fmt.Errorf("Fleet.EvaluationInterval %s must be a whole number of seconds, at least 1 s", f.EvaluationInterval.D())
	}
	return nil
}

// resolve fills the defaults in.
func (f Fleet) resolve() fleetConfig {
	c := fleetConfig{
		service:     f.ServiceTime,
		concurrency: f.Concurrency,
		startup:     int64(f.StartupTime),
		failProb:    f.StartupFailureProbability,
		initial:     f.InitialCopies,
		queueLimit:  DefaultQueueLimit,
		slo:         int64(DefaultSLO),
		timeout:     int64(DefaultTimeout),
	}
	if c.concurrency == 0 {
		c.concurrency = 1
	}
	if f.Batching != nil {
		c.slowdown = f.Batching.Slowdown
	}
	if f.Throughput > 0 {
		// Throughput is what a copy sustains with all its slots busy; with batching each
		// request of a full batch runs batchFactor times slower than alone.
		c.service.Mean = Duration(float64(c.concurrency) / f.Throughput / c.batchFactor(c.concurrency) * float64(time.Second))
	}
	if f.QueueLimit != nil {
		c.queueLimit = *f.QueueLimit
	}
	if f.SLO > 0 {
		c.slo = int64(f.SLO)
	}
	if f.Timeout > 0 {
		c.timeout = int64(f.Timeout)
	}
	return c
}

// perCopyThroughput is the requests per second one copy sustains with all its slots busy.
func (c fleetConfig) perCopyThroughput() float64 {
	return c.batchSlots() / (float64(c.service.Mean) / 1e9)
}

// batchFactor is how many times slower than alone each of n requests a copy serves at once
// progresses: 1 + slowdown × (n − 1) (1 without batching).
func (c fleetConfig) batchFactor(n int) float64 {
	return 1 + c.slowdown*float64(n-1)
}

// batchSlots is the solo work one copy completes per unit of time at its best, in requests
// served alone: Concurrency without batching, Concurrency / batchFactor(Concurrency) with
// it. n / (1 + s(n − 1)) grows with n for s ≤ 1, so a full batch is a copy's best.
func (c fleetConfig) batchSlots() float64 {
	return BatchCapacity(c.concurrency, c.slowdown)
}

func (f Fleet) interval() time.Duration {
	if f.EvaluationInterval > 0 {
		return f.EvaluationInterval.D()
	}
	return DefaultEvaluationInterval
}
