package icmetrics

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/metrics/tsdb"
	"github.com/scaled-dev/scaled/internal/model"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func at(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }

func id(name string) metrics.MetricID {
	return metrics.MetricID{Account: "111122223333", Namespace: Namespace, Name: name,
		Dimensions: []model.MetricDimension{{Name: Dimension, Value: "ic"}}}
}

func d(name, unit string, sec float64, n, sum, min, max float64) metrics.Datum {
	return metrics.Datum{Metric: id(name), Time: at(sec), Unit: unit, SampleCount: n, Sum: sum, Min: min, Max: max}
}

func conc(sec float64, mean, min, max float64) metrics.Datum {
	x := d(ConcurrentRequestsPerCopy, UnitNone, sec, 1, mean, min, max)
	x.HighResolution = true
	return x
}

func TestRecorder(t *testing.T) {
	type ev func(r *Recorder)
	copies := func(s float64, n int) ev { return func(r *Recorder) { r.SetCopies(at(s), n) } }
	start := func(s float64) ev { return func(r *Recorder) { r.RequestStarted(at(s)) } }
	finish := func(s float64, model, over time.Duration, status int) ev {
		return func(r *Recorder) { r.RequestFinished(at(s), model, over, status) }
	}
	nocap := func(s float64) ev { return func(r *Recorder) { r.NoCapacity(at(s)) } }

	tests := []struct {
		name   string
		events []ev
		flush  float64
		want   []metrics.Datum
	}{
		{
			name:   "nothing recorded",
			events: nil,
			flush:  30,
			want:   nil,
		},
		{
			name:   "idle with copies publishes zero invocations",
			events: []ev{copies(0, 2)},
			flush:  20,
			want: []metrics.Datum{
				d(Invocations, UnitNone, 0, 1, 0, 0, 0),
				d(InvocationsPerCopy, UnitNone, 0, 1, 0, 0, 0),
				conc(0, 0, 0, 0),
				d(Invocations, UnitNone, 10, 1, 0, 0, 0),
				d(InvocationsPerCopy, UnitNone, 10, 1, 0, 0, 0),
				conc(10, 0, 0, 0),
			},
		},
		{
			name:   "idle with zero copies publishes nothing",
			events: []ev{copies(0, 0)},
			flush:  30,
			want:   nil,
		},
		{
			name: "requests split per copy and latency in microseconds",
			events: []ev{
				copies(0, 2),
				start(1), start(1),
				finish(6, 40*time.Millisecond, 2*time.Millisecond, 200),
				finish(6, 60*time.Millisecond, 4*time.Millisecond, 500),
			},
			flush: 10,
			want: []metrics.Datum{
				d(Invocations, UnitNone, 0, 2, 2, 1, 1),
				d(InvocationsPerCopy, UnitNone, 0, 2, 1, 0.5, 0.5),
				// 0 for 1 s, 0.5 and then 1 for 5 s, 0 for 4 s: mean 0.5.
				conc(0, 0.5, 0, 1),
				d(ModelLatency, UnitMicroseconds, 0, 2, 100000, 40000, 60000),
				d(OverheadLatency, UnitMicroseconds, 0, 2, 6000, 2000, 4000),
				d(Invocation4XXErrors, UnitNone, 0, 1, 0, 0, 0),
				d(Invocation5XXErrors, UnitNone, 0, 1, 1, 1, 1),
				d(InvocationModelErrors, UnitNone, 0, 1, 1, 1, 1),
				d(NoCapacityInvocationFailures, UnitNone, 0, 1, 0, 0, 0),
			},
		},
		{
			name: "copies at request time decide the per-copy share",
			events: []ev{
				copies(0, 1), start(1), copies(2, 4), start(3),
				finish(4, time.Millisecond, 0, 404), finish(5, time.Millisecond, 0, 200),
			},
			flush: 10,
			want: []metrics.Datum{
				d(Invocations, UnitNone, 0, 2, 2, 1, 1),
				d(InvocationsPerCopy, UnitNone, 0, 2, 1.25, 0.25, 1),
				// 0 (1 s), 1 (1 s), 0.25 (1 s), 0.5 (1 s), 0.25 (1 s), 0 (5 s) = 2.0/10
				conc(0, 0.2, 0, 1),
				d(ModelLatency, UnitMicroseconds, 0, 2, 2000, 1000, 1000),
				d(OverheadLatency, UnitMicroseconds, 0, 2, 0, 0, 0),
				d(Invocation4XXErrors, UnitNone, 0, 1, 1, 1, 1),
				d(Invocation5XXErrors, UnitNone, 0, 1, 0, 0, 0),
				d(InvocationModelErrors, UnitNone, 0, 1, 1, 1, 1),
				d(NoCapacityInvocationFailures, UnitNone, 0, 1, 0, 0, 0),
			},
		},
		{
			name:   "no capacity at zero copies",
			events: []ev{copies(0, 0), nocap(3), nocap(4), nocap(12)},
			flush:  25,
			want: []metrics.Datum{
				d(NoCapacityInvocationFailures, UnitNone, 0, 1, 2, 2, 2),
				d(NoCapacityInvocationFailures, UnitNone, 10, 1, 1, 1, 1),
			},
		},
		{
			name:   "a long request spans buckets",
			events: []ev{copies(0, 1), start(5), finish(25, time.Second, 0, 200)},
			flush:  30,
			want: []metrics.Datum{
				d(Invocations, UnitNone, 0, 1, 1, 1, 1),
				d(InvocationsPerCopy, UnitNone, 0, 1, 1, 1, 1),
				conc(0, 0.5, 0, 1),
				d(Invocation4XXErrors, UnitNone, 0, 1, 0, 0, 0),
				d(Invocation5XXErrors, UnitNone, 0, 1, 0, 0, 0),
				d(InvocationModelErrors, UnitNone, 0, 1, 0, 0, 0),
				d(NoCapacityInvocationFailures, UnitNone, 0, 1, 0, 0, 0),
				d(Invocations, UnitNone, 10, 1, 0, 0, 0),
				d(InvocationsPerCopy, UnitNone, 10, 1, 0, 0, 0),
				conc(10, 1, 1, 1),
				d(Invocations, UnitNone, 20, 1, 0, 0, 0),
				d(InvocationsPerCopy, UnitNone, 20, 1, 0, 0, 0),
				conc(20, 0.5, 0, 1),
				d(ModelLatency, UnitMicroseconds, 20, 1, 1e6, 1e6, 1e6),
				d(OverheadLatency, UnitMicroseconds, 20, 1, 0, 0, 0),
				d(Invocation4XXErrors, UnitNone, 20, 1, 0, 0, 0),
				d(Invocation5XXErrors, UnitNone, 20, 1, 0, 0, 0),
				d(InvocationModelErrors, UnitNone, 20, 1, 0, 0, 0),
			},
		},
		{
			name:   "open bucket is not flushed",
			events: []ev{copies(0, 1), start(12)},
			flush:  19.9,
			want: []metrics.Datum{
				d(Invocations, UnitNone, 0, 1, 0, 0, 0),
				d(InvocationsPerCopy, UnitNone, 0, 1, 0, 0, 0),
				conc(0, 0, 0, 0),
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := New("ic", "111122223333")
			for _, e := range tc.events {
				e(r)
			}
			got := r.Flush(at(tc.flush))
			// Distributions are checked for consistency here and for their values in
			// TestLatencyPercentiles.
			if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreFields(metrics.Datum{}, "Dist")); diff != "" {
				t.Errorf("Flush (-want +got):\n%s", diff)
			}
			for _, x := range got {
				isLatency := x.Metric.Name == ModelLatency || x.Metric.Name == OverheadLatency
				switch {
				case isLatency && x.Dist == nil:
					t.Errorf("%s datum has no distribution", x.Metric.Name)
				case isLatency && (x.Dist.Count() != x.SampleCount || x.Dist.Min() != x.Min || x.Dist.Max() != x.Max):
					t.Errorf("%s distribution (count %v, min %v, max %v) does not match the statistic set %+v",
						x.Metric.Name, x.Dist.Count(), x.Dist.Min(), x.Dist.Max(), x)
				case !isLatency && x.Dist != nil:
					t.Errorf("%s datum has a distribution", x.Metric.Name)
				}
			}
		})
	}
}

func TestFlushIsIncrementalAndLateEventsMoveForward(t *testing.T) {
	r := New("ic", "111122223333")
	r.SetCopies(at(0), 1)
	if got := len(r.Flush(at(10))); got != 3 {
		t.Fatalf("first flush: %d datums, want 3", got)
	}
	if got := r.Flush(at(10)); got != nil {
		t.Fatalf("second flush at the same time: %v, want nil", got)
	}
	// An event stamped inside the flushed bucket counts in the next one.
	r.RequestStarted(at(5))
	got := r.Flush(at(20))
	want := []metrics.Datum{
		d(Invocations, UnitNone, 10, 1, 1, 1, 1),
		d(InvocationsPerCopy, UnitNone, 10, 1, 1, 1, 1),
		conc(10, 1, 1, 1),
		d(Invocation4XXErrors, UnitNone, 10, 1, 0, 0, 0),
		d(Invocation5XXErrors, UnitNone, 10, 1, 0, 0, 0),
		d(InvocationModelErrors, UnitNone, 10, 1, 0, 0, 0),
		d(NoCapacityInvocationFailures, UnitNone, 10, 1, 0, 0, 0),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Flush (-want +got):\n%s", diff)
	}
	if r.InFlight() != 1 || r.Copies() != 1 {
		t.Errorf("InFlight, Copies = %d, %d; want 1, 1", r.InFlight(), r.Copies())
	}
}

func TestSumPerMinuteIsRequestsPerCopy(t *testing.T) {
	r := New("ic", "a")
	r.SetCopies(at(0), 3)
	for i := 0; i < 90; i++ {
		s := float64(i) * 60 / 90
		r.RequestStarted(at(s))
		r.RequestFinished(at(s), time.Millisecond, 0, 200)
	}
	var sum float64
	for _, x := range r.Flush(at(60)) {
		if x.Metric.Name == InvocationsPerCopy {
			sum += x.Sum
		}
	}
	if diff := cmp.Diff(30.0, sum, cmp.Comparer(func(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 })); diff != "" {
		t.Errorf("InvocationsPerCopy Sum over a minute (-want +got):\n%s", diff)
	}
}

// TestLatencyPercentiles stores a minute of requests, with model latencies of 1 to 100 ms
// and a constant 2 ms overhead, in the built-in store and reads percentiles of the minute
// back, as a target-tracking policy on p99 of ModelLatency does.
func TestLatencyPercentiles(t *testing.T) {
	r := New("ic", "111122223333")
	r.SetCopies(at(0), 1)
	for i := range 600 {
		s := float64(i) / 10
		r.RequestStarted(at(s))
		r.RequestFinished(at(s), time.Duration(i%100+1)*time.Millisecond, 2*time.Millisecond, 200)
	}
	db := tsdb.New(tsdb.Options{Clock: clock.NewFake(at(60))})
	ctx := context.Background()
	if err := db.Put(ctx, r.Flush(at(60))); err != nil {
		t.Fatal(err)
	}
	type res struct {
		Name, Stat string
		Samples    []metrics.Sample
	}
	var got, want []res
	for _, q := range []struct {
		name, stat string
		want       float64
	}{
		{ModelLatency, "p50", 50_000},
		{ModelLatency, "p99", 99_000},
		{ModelLatency, "p100", 100_000},
		{ModelLatency, "Average", 50_500},
		{OverheadLatency, "p99", 2_000},
	} {
		samples, err := db.Query(ctx, metrics.Query{Metric: id(q.name), Statistic: q.stat, Start: at(0), End: at(60), Period: time.Minute})
		if err != nil {
			t.Fatalf("%s %s: %v", q.name, q.stat, err)
		}
		got = append(got, res{q.name, q.stat, samples})
		want = append(want, res{q.name, q.stat, []metrics.Sample{{Time: at(0), Value: q.want}}})
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0.01, 0)); diff != "" {
		t.Errorf("percentiles of the minute (-want +got):\n%s", diff)
	}
}
