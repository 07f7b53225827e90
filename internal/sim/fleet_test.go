package sim

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
	"github.com/scaled-dev/scaled/internal/sim/trace"
)

// callLog is a hand-written recorder that logs the calls the fleet makes.
type callLog struct {
	calls []string
}

func (c *callLog) at(t time.Time) string { return t.Sub(t0).String() }

var t0 = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

func (c *callLog) RequestStarted(t time.Time) { c.calls = append(c.calls, c.at(t)+" started") }
func (c *callLog) RequestFinished(t time.Time, m, o time.Duration, status int) {
	c.calls = append(c.calls, c.at(t)+" finished "+m.String()+" "+o.String()+" "+itoa(status))
}
func (c *callLog) NoCapacity(t time.Time) { c.calls = append(c.calls, c.at(t)+" no-capacity") }
func (c *callLog) SetCopies(t time.Time, n int) {
	c.calls = append(c.calls, c.at(t)+" copies "+itoa(n))
}

func itoa(i int) string { return strconv.Itoa(i) }

func arrivalsAt(offsets ...time.Duration) *arrivalQueue {
	var ev []trace.Event
	for _, o := range offsets {
		ev = append(ev, trace.Event{Time: t0.Add(o), Count: 1})
	}
	return &arrivalQueue{a: trace.NewArrivals(ev, trace.SpreadEven, 1)}
}

func constFleet(initial, queue int) fleetConfig {
	return fleetConfig{
		service: ServiceTime{Mean: Duration(time.Second)}, concurrency: 1, startup: int64(5 * time.Second),
		initial: initial, queueLimit: queue, slo: int64(500 * time.Millisecond), timeout: int64(10 * time.Second),
	}
}

func TestFleetQueueSLOAndFailures(t *testing.T) {
	log := &callLog{}
	acc := newAccounting(t0.UnixNano(), 1)
	f := newFleet(constFleet(1, 1), log, 1, t0.UnixNano(), acc)
	arr := arrivalsAt(0, 200*time.Millisecond, 400*time.Millisecond, 3*time.Second)
	f.runUntil(t0.Add(time.Minute).UnixNano(), arr)
	acc.finish(t0.Add(time.Minute).UnixNano())

	want := []string{
		"0s copies 1",
		"0s started",
		"200ms started",
		"400ms started", "400ms finished 0s 0s 503", // queue full
		"1s finished 1s 0s 200",
		"2s finished 1s 800ms 200", // waited 800ms > SLO: violated
		"3s started",
		"4s finished 1s 0s 200",
	}
	if diff := cmp.Diff(want, log.calls); diff != "" {
		t.Errorf("recorder calls (-want +got):\n%s", diff)
	}
	gotTotals := acc.total
	wantTotals := minute{Arrivals: 4, Served: 3, Violated: 1, Failed: 1, BilledSec: 60, ServeSec: 60}
	if diff := cmp.Diff(wantTotals, gotTotals); diff != "" {
		t.Errorf("totals (-want +got):\n%s", diff)
	}
	if acc.failures[reasonQueueFull] != 1 {
		t.Errorf("queue-full failures = %v, want 1", acc.failures[reasonQueueFull])
	}
	if got := acc.latency.max; got != 1.8 {
		t.Errorf("max latency = %v, want 1.8", got)
	}
}

func TestFleetZeroCopiesAndTimeout(t *testing.T) {
	log := &callLog{}
	acc := newAccounting(t0.UnixNano(), 0)
	cfg := constFleet(0, 10)
	f := newFleet(cfg, log, 1, t0.UnixNano(), acc)
	ctx := context.Background()
	key := model.TargetKey{}
	arr := arrivalsAt(time.Second, 6*time.Second, 6*time.Second, 6*time.Second)
	f.runUntil(t0.Add(2*time.Second).UnixNano(), arr) // first request: no copy
	if err := f.SetDesired(ctx, key, 1); err != nil {
		t.Fatal(err)
	}
	st, _ := f.State(ctx, key)
	if diff := cmp.Diff(resource.State{Desired: 1, Actual: 0, Status: resource.StatusInProgress, Message: "0 of 1 copies in service, 1 starting"}, st); diff != "" {
		t.Errorf("state while starting (-want +got):\n%s", diff)
	}
	// The copy is ready at 7s; the three requests of 6s fail (no copy in service yet).
	f.runUntil(t0.Add(8*time.Second).UnixNano(), arr)
	st, _ = f.State(ctx, key)
	if diff := cmp.Diff(resource.State{Desired: 1, Actual: 1, Status: resource.StatusSuccessful}, st); diff != "" {
		t.Errorf("state after start-up (-want +got):\n%s", diff)
	}
	want := []string{"0s copies 0", "1s no-capacity", "6s no-capacity", "6s no-capacity", "6s no-capacity", "7s copies 1"}
	if diff := cmp.Diff(want, log.calls); diff != "" {
		t.Errorf("recorder calls (-want +got):\n%s", diff)
	}
	if acc.failures[reasonNoCapacity] != 4 {
		t.Errorf("no-capacity failures = %v, want 4", acc.failures[reasonNoCapacity])
	}
	// Billed from 2s (requested) to 8s.
	acc.finish(t0.Add(8 * time.Second).UnixNano())
	if acc.total.BilledSec != 6 || acc.total.ServeSec != 1 {
		t.Errorf("billed %v s, serving %v s; want 6 and 1", acc.total.BilledSec, acc.total.ServeSec)
	}
}

func TestFleetTimeoutAndDrain(t *testing.T) {
	log := &callLog{}
	acc := newAccounting(t0.UnixNano(), 2)
	cfg := constFleet(2, 10)
	cfg.service.Mean = Duration(30 * time.Second)
	f := newFleet(cfg, log, 1, t0.UnixNano(), acc)
	ctx := context.Background()
	arr := arrivalsAt(0, 0, time.Second)
	f.runUntil(t0.Add(2*time.Second).UnixNano(), arr)
	// Scale in to 1: one busy copy drains; the queued request still waits.
	if err := f.SetDesired(ctx, model.TargetKey{}, 1); err != nil {
		t.Fatal(err)
	}
	f.runUntil(t0.Add(40*time.Second).UnixNano(), arr)
	want := []string{
		"0s copies 2", "0s started", "0s started", "1s started",
		"2s copies 1",
		"11s finished 0s 10s 504", // queued request timed out after 10s
		"30s finished 30s 0s 200", "30s finished 30s 0s 200",
	}
	if diff := cmp.Diff(want, log.calls); diff != "" {
		t.Errorf("recorder calls (-want +got):\n%s", diff)
	}
	acc.finish(t0.Add(40 * time.Second).UnixNano())
	// Two copies billed until 30s (one draining), then one.
	if acc.total.BilledSec != 70 {
		t.Errorf("billed %v copy-seconds, want 70", acc.total.BilledSec)
	}
}

func TestOracleAndSteps(t *testing.T) {
	need := OracleCopies([]float64{0, 59, 60, 61, 600, 600, 120}, 1)
	if diff := cmp.Diff([]int{0, 1, 1, 2, 10, 10, 2}, need); diff != "" {
		t.Fatalf("oracle (-want +got):\n%s", diff)
	}
	start := t0
	changes := []capChange{
		{at: t0.Add(4*time.Minute + 90*time.Second).UnixNano(), copies: 5},
		{at: t0.Add(6 * time.Minute).UnixNano(), copies: 10},
	}
	got := DetectSteps(start, need, 1, changes)
	want := []Step{
		{At: t0.Add(time.Minute), From: 0, To: 1, Covered: true},
		{At: t0.Add(3 * time.Minute), From: 1, To: 2, Covered: true, ReactSeconds: 150},
		{At: t0.Add(4 * time.Minute), From: 2, To: 10, Covered: true, ReactSeconds: 120},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
	s := summarizeSteps(got)
	if s.Count != 3 || s.Covered != 3 || s.MedianReact != 120 || s.MaxReact != 150 {
		t.Errorf("summary = %+v", s)
	}
}

func TestHistogramQuantiles(t *testing.T) {
	h := newHistogram()
	for i := 1; i <= 1000; i++ {
		h.add(float64(i) / 1000)
	}
	for _, q := range []float64{0.5, 0.9, 0.99} {
		got := h.quantile(q)
		if d := got/q - 1; d > 0.011 || d < -0.011 {
			t.Errorf("quantile(%v) = %v, want within 1.1%% of %v", q, got, q)
		}
	}
	if h.quantile(1) != 1 {
		t.Errorf("quantile(1) = %v, want the maximum 1", h.quantile(1))
	}
}

func TestPoolFindsTheLeastLoadedCopy(t *testing.T) {
	var p pool
	copies := make([]*simCopy, 50)
	for i := range copies {
		copies[i] = &simCopy{}
		p.add(copies[i])
	}
	in := map[*simCopy]bool{}
	for _, c := range copies {
		in[c] = true
	}
	// A deterministic walk of starts, finishes and removals.
	for step := range 5000 {
		c := copies[(step*7919)%len(copies)]
		switch {
		case !in[c]:
			c.inflight = step % 3
			p.add(c)
			in[c] = true
		case step%11 == 0:
			p.remove(c)
			in[c] = false
		case step%3 == 0 && c.inflight > 0:
			p.set(c, c.inflight-1)
		default:
			p.set(c, c.inflight+1)
		}
		want := -1
		for x := range in {
			if in[x] && (want < 0 || x.inflight < want) {
				want = x.inflight
			}
		}
		got := p.least()
		if (want < 0) != (got == nil) || (got != nil && (got.inflight != want || !in[got])) {
			t.Fatalf("step %d: least() = %+v, want a copy with %d in flight", step, got, want)
		}
	}
}
