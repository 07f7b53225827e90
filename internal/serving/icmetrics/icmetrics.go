// Package icmetrics computes the CloudWatch metrics SageMaker publishes for one inference
// component (namespace AWS/SageMaker, dimension InferenceComponentName) from request events.
// It is shared by the local serving runtime and the simulator, so the control loop sees the
// same numbers from both.
//
// A Recorder is driven by the caller's clock: every method takes the event time, and Flush
// returns the datums of every complete 10-second bucket. It starts no goroutines and is safe
// for concurrent use.
//
// Per 10-second bucket (aligned to the Unix epoch) a Recorder publishes statistic sets that
// can be aggregated at any period that is a multiple of 10 s:
//
//   - Invocations: one observation of 1 per request started.
//   - InvocationsPerCopy: one observation of 1/copies per request, with copies taken at the
//     moment the request started, so Sum per minute is requests per minute per copy.
//   - ConcurrentRequestsPerCopy (high resolution): in-flight requests (including those queued
//     inside a copy) divided by copies. The set has SampleCount 1, Min and Max the extremes
//     over the bucket and Sum the time-weighted mean, so Maximum never misses a burst and
//     Average is the mean load.
//   - ModelLatency, OverheadLatency: per finished request, in microseconds. The statistic
//     set carries the distribution of the individual latencies (metrics.Datum.Dist), so
//     percentiles such as p99 can be read and alarmed on at any period.
//   - Invocation4XXErrors, Invocation5XXErrors, InvocationModelErrors: per bucket with traffic,
//     the count of finished requests whose model status was 4xx, 5xx, or not 2xx.
//   - NoCapacityInvocationFailures: requests that arrived while the component had no copy.
//
// Idle buckets: while the component has at least one copy, a bucket without requests still
// gets Invocations and InvocationsPerCopy datums of value 0 (SampleCount 1, Sum 0). Real
// SageMaker publishes nothing then; publishing zeros is how scaled settles the question of
// scaling an idle component in to zero with a target-tracking policy (the low alarm sees 0
// instead of missing data). With zero copies nothing but NoCapacityInvocationFailures is
// published, as on AWS.
package icmetrics

import (
	"sync"
	"time"

	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/metrics/sketch"
	"github.com/scaled-dev/scaled/internal/model"
)

// Names of the metrics and their namespace and dimension.
const (
	Namespace = "AWS/SageMaker"
	Dimension = "InferenceComponentName"

	Invocations                  = "Invocations"
	InvocationsPerCopy           = "InvocationsPerCopy"
	ConcurrentRequestsPerCopy    = "ConcurrentRequestsPerCopy"
	ModelLatency                 = "ModelLatency"
	OverheadLatency              = "OverheadLatency"
	Invocation4XXErrors          = "Invocation4XXErrors"
	Invocation5XXErrors          = "Invocation5XXErrors"
	InvocationModelErrors        = "InvocationModelErrors"
	NoCapacityInvocationFailures = "NoCapacityInvocationFailures"
)

// Units.
const (
	UnitNone         = "None"
	UnitMicroseconds = "Microseconds"
)

// Resolution is the bucket width: the high-resolution emission interval of SageMaker.
const Resolution = 10 * time.Second

// stat accumulates a statistic set.
type stat struct {
	n, sum, min, max float64
}

func (s *stat) add(v float64) {
	if s.n == 0 || v < s.min {
		s.min = v
	}
	if s.n == 0 || v > s.max {
		s.max = v
	}
	s.n++
	s.sum += v
}

type bucket struct {
	invocations stat // value 1 per request
	perCopy     stat // value 1/copies per request
	modelLat    stat
	overLat     stat
	modelDist   *sketch.Sketch // distribution of the model latencies, with modelLat
	overDist    *sketch.Sketch
	err4xx      float64
	err5xx      float64
	errModel    float64
	noCapacity  float64
	finished    float64

	// concurrency per copy while copies > 0
	concSeen     bool
	concMin      float64
	concMax      float64
	concIntegral float64 // ratio × seconds
	concCovered  float64 // seconds with copies > 0
	hadCopies    bool
}

func (b *bucket) noteConc(r float64) {
	if !b.concSeen || r < b.concMin {
		b.concMin = r
	}
	if !b.concSeen || r > b.concMax {
		b.concMax = r
	}
	b.concSeen = true
}

// Recorder computes the metrics of one inference component.
type Recorder struct {
	mu        sync.Mutex
	component string
	account   string

	started  bool
	last     time.Time // integration cursor
	cursor   int64     // index of the first bucket not yet flushed
	inflight int
	copies   int
	buckets  map[int64]*bucket
	res      time.Duration // bucket width
}

// New returns a Recorder for the component owned by account, with SageMaker's 10-second
// resolution.
func New(component string, account string) *Recorder {
	return NewWithResolution(component, account, Resolution)
}

// NewWithResolution returns a Recorder whose buckets are res wide (a whole number of
// seconds, at least one). Shorter buckets than SageMaker's are an extension for demos and
// tests that also shorten the alarm periods.
func NewWithResolution(component, account string, res time.Duration) *Recorder {
	if res < time.Second {
		res = time.Second
	}
	res = res.Truncate(time.Second)
	return &Recorder{component: component, account: account, buckets: map[int64]*bucket{}, res: res}
}

// Component returns the inference component name.
func (r *Recorder) Component() string { return r.component }

func (r *Recorder) index(t time.Time) int64 {
	return floorDiv(t.UnixNano(), int64(r.res))
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func (r *Recorder) bucketStart(i int64) time.Time { return time.Unix(0, i*int64(r.res)).UTC() }

func (r *Recorder) bucket(i int64) *bucket {
	b := r.buckets[i]
	if b == nil {
		b = &bucket{}
		r.buckets[i] = b
	}
	return b
}

// advance integrates the concurrency ratio from r.last up to t and returns the (clamped)
// event time.
func (r *Recorder) advance(t time.Time) time.Time {
	if !r.started {
		r.started = true
		r.last = t
		r.cursor = r.index(t)
		return t
	}
	if !t.After(r.last) {
		return r.last
	}
	for r.last.Before(t) {
		i := r.index(r.last)
		end := r.bucketStart(i + 1)
		if end.After(t) {
			end = t
		}
		if r.copies > 0 {
			b := r.bucket(i)
			ratio := float64(r.inflight) / float64(r.copies)
			d := end.Sub(r.last).Seconds()
			b.concIntegral += ratio * d
			b.concCovered += d
			b.noteConc(ratio)
			b.hadCopies = true
		}
		r.last = end
	}
	return t
}

// current notes the present ratio in the bucket of t.
func (r *Recorder) noteNow(t time.Time) {
	if r.copies > 0 {
		b := r.bucket(r.index(t))
		b.noteConc(float64(r.inflight) / float64(r.copies))
		b.hadCopies = true
	}
}

// RequestStarted records a request reaching the component (routed to, or queued for, a
// copy). It counts one invocation and 1/copies towards InvocationsPerCopy.
func (r *Recorder) RequestStarted(t time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t = r.advance(t)
	b := r.bucket(r.index(t))
	b.invocations.add(1)
	if r.copies > 0 {
		b.perCopy.add(1 / float64(r.copies))
	}
	r.inflight++
	r.noteNow(t)
}

// RequestFinished records the end of a request started with RequestStarted: the model's
// latency, the overhead added by the router, and the HTTP status the model returned.
func (r *Recorder) RequestFinished(t time.Time, modelLatency, overheadLatency time.Duration, status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t = r.advance(t)
	b := r.bucket(r.index(t))
	b.finished++
	ml, ol := float64(modelLatency.Microseconds()), float64(overheadLatency.Microseconds())
	b.modelLat.add(ml)
	b.overLat.add(ol)
	if b.modelDist == nil {
		b.modelDist, b.overDist = sketch.New(), sketch.New()
	}
	b.modelDist.Add(ml, 1)
	b.overDist.Add(ol, 1)
	switch {
	case status >= 400 && status < 500:
		b.err4xx++
	case status >= 500:
		b.err5xx++
	}
	if status < 200 || status > 299 {
		b.errModel++
	}
	if r.inflight > 0 {
		r.inflight--
	}
	r.noteNow(t)
}

// NoCapacity records an invocation that found no copy to serve it.
func (r *Recorder) NoCapacity(t time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t = r.advance(t)
	r.bucket(r.index(t)).noCapacity++
}

// SetCopies records the number of copies in service from t on.
func (r *Recorder) SetCopies(t time.Time, n int) {
	if n < 0 {
		n = 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	t = r.advance(t)
	r.copies = n
	r.noteNow(t)
}

// Copies returns the number of copies last set.
func (r *Recorder) Copies() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.copies
}

// InFlight returns the number of requests started and not finished.
func (r *Recorder) InFlight() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.inflight
}

// Flush returns the datums of every bucket that ended at or before now and was not flushed
// before, oldest first. Events recorded later with a time inside a flushed bucket count
// towards the first open bucket.
func (r *Recorder) Flush(now time.Time) []metrics.Datum {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.started {
		r.advance(now)
		return nil
	}
	end := r.index(now) // buckets < end are complete
	if end <= r.cursor {
		return nil
	}
	r.advance(r.bucketStart(end))
	var out []metrics.Datum
	for i := r.cursor; i < end; i++ {
		b := r.buckets[i]
		delete(r.buckets, i)
		if b == nil {
			continue // no copies and no events
		}
		out = r.emit(out, r.bucketStart(i), b)
	}
	r.cursor = end
	return out
}

func (r *Recorder) id(name string) metrics.MetricID {
	return metrics.MetricID{
		Account:    r.account,
		Namespace:  Namespace,
		Name:       name,
		Dimensions: []model.MetricDimension{{Name: Dimension, Value: r.component}},
	}
}

func (r *Recorder) set(name, unit string, t time.Time, s stat) metrics.Datum {
	return metrics.Datum{Metric: r.id(name), Time: t, Unit: unit, SampleCount: s.n, Sum: s.sum, Min: s.min, Max: s.max, HighResolution: r.fine()}
}

// fine reports whether the recorder runs finer than SageMaker's resolution; its standard
// metrics are then stored at high resolution so that the shortened alarm periods see them.
func (r *Recorder) fine() bool { return r.res < Resolution }

func (r *Recorder) count(name string, t time.Time, v float64) metrics.Datum {
	d := metrics.Value(r.id(name), t, v)
	d.Unit = UnitNone
	d.HighResolution = r.fine()
	return d
}

func (r *Recorder) emit(out []metrics.Datum, t time.Time, b *bucket) []metrics.Datum {
	zero := stat{n: 1}
	switch {
	case b.invocations.n > 0:
		out = append(out, r.set(Invocations, UnitNone, t, b.invocations))
		if b.perCopy.n > 0 {
			out = append(out, r.set(InvocationsPerCopy, UnitNone, t, b.perCopy))
		} else if b.hadCopies {
			out = append(out, r.set(InvocationsPerCopy, UnitNone, t, zero))
		}
	case b.hadCopies:
		out = append(out, r.set(Invocations, UnitNone, t, zero), r.set(InvocationsPerCopy, UnitNone, t, zero))
	}
	if b.concSeen {
		mean := b.concMax
		if b.concCovered > 0 {
			mean = b.concIntegral / b.concCovered
		}
		out = append(out, metrics.Datum{
			Metric: r.id(ConcurrentRequestsPerCopy), Time: t, Unit: UnitNone,
			SampleCount: 1, Sum: mean, Min: b.concMin, Max: b.concMax, HighResolution: true,
		})
	}
	if b.finished > 0 {
		ml := r.set(ModelLatency, UnitMicroseconds, t, b.modelLat)
		ml.Dist = b.modelDist
		ol := r.set(OverheadLatency, UnitMicroseconds, t, b.overLat)
		ol.Dist = b.overDist
		out = append(out, ml, ol)
	}
	if b.invocations.n > 0 || b.finished > 0 {
		out = append(out,
			r.count(Invocation4XXErrors, t, b.err4xx),
			r.count(Invocation5XXErrors, t, b.err5xx),
			r.count(InvocationModelErrors, t, b.errModel),
		)
	}
	if b.noCapacity > 0 || b.invocations.n > 0 {
		out = append(out, r.count(NoCapacityInvocationFailures, t, b.noCapacity))
	}
	return out
}
