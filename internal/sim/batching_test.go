package sim

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/sim/trace"
)

// batchConfig is a fleet whose requests take as many seconds alone as they have output
// tokens, with the given slots and slowdown.
func batchConfig(concurrency int, slowdown float64) fleetConfig {
	return fleetConfig{
		service:     ServiceTime{Distribution: DistTokens, PerOutputToken: Duration(time.Second)},
		concurrency: concurrency, initial: 1, queueLimit: 10,
		slo: int64(time.Second), timeout: int64(100 * time.Second), slowdown: slowdown,
	}
}

// req is a request arriving at at that takes solo seconds alone.
type req struct {
	at   time.Duration
	solo int32
}

func requestArrivals(reqs []req) *arrivalQueue {
	ev := make([]trace.Event, len(reqs))
	for i, r := range reqs {
		ev[i] = trace.Event{Time: t0.Add(r.at), Count: 1, Tokens: trace.Tokens{Output: r.solo, Known: true}}
	}
	return &arrivalQueue{a: trace.NewArrivals(ev, trace.SpreadEven, 1)}
}

// finishedCalls runs the requests through one copy and returns the RequestFinished calls:
// "<time> finished <model latency> <overhead latency> <status>".
func finishedCalls(t *testing.T, cfg fleetConfig, reqs []req) []string {
	t.Helper()
	log := &callLog{}
	acc := newAccounting(t0.UnixNano(), int32(cfg.initial))
	f := newFleet(cfg, log, 1, t0.UnixNano(), acc)
	f.runUntil(t0.Add(time.Hour).UnixNano(), requestArrivals(reqs))
	var out []string
	for _, c := range log.calls {
		if strings.Contains(c, "finished") {
			out = append(out, c)
		}
	}
	if len(f.batchDone) != 0 || len(f.done) != 0 {
		t.Errorf("completions left after the run: %d batching copies, %d requests", len(f.batchDone), len(f.done))
	}
	return out
}

func TestBatchingProcessorSharing(t *testing.T) {
	tests := []struct {
		name        string
		concurrency int
		slowdown    float64
		reqs        []req
		want        []string
	}{{
		name: "alone a request takes its solo time", concurrency: 4, slowdown: 0.5,
		reqs: []req{{0, 2}},
		want: []string{"2s finished 2s 0s 200"},
	}, {
		// Factor 1 + 0.5 = 1.5 for both from start to end.
		name: "two requests arriving together with s=0.5 take 1.5 times as long", concurrency: 2, slowdown: 0.5,
		reqs: []req{{0, 1}, {0, 1}},
		want: []string{"1.5s finished 1.5s 0s 200", "1.5s finished 1.5s 0s 200"},
	}, {
		// A alone until 0.5 s (0.5 s of work left), then both at 1/1.5: A ends at
		// 0.5 + 1.5 × 0.5 = 1.25 s, when B has 1 − 0.75/1.5 = 0.5 s left, which it does
		// alone by 1.75 s.
		name: "a request joining mid-way slows the first and is sped up when it leaves", concurrency: 2, slowdown: 0.5,
		reqs: []req{{0, 1}, {500 * time.Millisecond, 1}},
		want: []string{"1.25s finished 1.25s 0s 200", "1.75s finished 1.25s 0s 200"},
	}, {
		// s = 1 is plain processor sharing: three at 1/3 until A's 1 s is done at 3 s; B
		// (1 s left) and C (2 s left) at 1/2 until B ends at 5 s; C alone ends at 6 s.
		name: "departures speed the others up", concurrency: 3, slowdown: 1,
		reqs: []req{{0, 1}, {0, 2}, {0, 3}},
		want: []string{"3s finished 3s 0s 200", "5s finished 5s 0s 200", "6s finished 6s 0s 200"},
	}, {
		// Two slots: the third waits for the first pair (1.25 s each at factor 1.25), then
		// runs alone.
		name: "a queued request starts when a slot frees and runs at the new batch's speed", concurrency: 2, slowdown: 0.25,
		reqs: []req{{0, 1}, {0, 1}, {0, 1}},
		want: []string{"1.25s finished 1.25s 0s 200", "1.25s finished 1.25s 0s 200", "2.25s finished 1s 1.25s 200"},
	}, {
		// Factor 1.2 for all three; 1.2 is not a binary fraction, the completions are
		// still the same nanosecond.
		name: "equal requests finish together", concurrency: 3, slowdown: 0.1,
		reqs: []req{{0, 1}, {0, 1}, {0, 1}},
		want: []string{"1.2s finished 1.2s 0s 200", "1.2s finished 1.2s 0s 200", "1.2s finished 1.2s 0s 200"},
	}, {
		// 0 to 1 s: A and B at 1/1.5 (2/3 s of work each, A has 1/3 s left). 1 to 2 s: C
		// joins, factor 2 (A 1/3 − 1/2 < 0: A ends at 1 + 2/3 s = 1.666666667 s). B then has
		// 3 − 2/3 − 1/3 = 2 s, C 1 − 1/3 = 2/3 s; factor 1.5: C ends 1 s later at
		// 2.666666667 s, B has 2 − 2/3 = 4/3 s left, alone: 4 s.
		name: "a batch that changes three times", concurrency: 3, slowdown: 0.5,
		reqs: []req{{0, 1}, {0, 3}, {time.Second, 1}},
		want: []string{"1.666666667s finished 1.666666667s 0s 200", "2.666666667s finished 1.666666667s 0s 200", "4s finished 4s 0s 200"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := finishedCalls(t, batchConfig(tc.concurrency, tc.slowdown), tc.reqs)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("RequestFinished calls (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBatchingWithoutSlowdownIsTheFixedModel runs the processor-sharing code with slowdown 0
// (which Fleet never selects: 0 keeps the per-request completions) against the fixed
// service-time model on a loaded fleet: every recorder call must be the same.
func TestBatchingWithoutSlowdownIsTheFixedModel(t *testing.T) {
	cfg := fleetConfig{
		service: ServiceTime{Distribution: DistExponential, Mean: Duration(2 * time.Second)}, concurrency: 3,
		startup: int64(30 * time.Second), initial: 2, queueLimit: 20, slo: int64(time.Second), timeout: int64(20 * time.Second),
	}
	var offsets []time.Duration
	at := time.Duration(0)
	for i := range 600 {
		at += time.Duration((i*7919)%700) * time.Millisecond
		offsets = append(offsets, at)
	}
	run := func(batching bool) []string {
		log := &callLog{}
		acc := newAccounting(t0.UnixNano(), 2)
		f := newFleet(cfg, log, 7, t0.UnixNano(), acc)
		f.batching = batching
		arr := arrivalsAt(offsets...)
		ctx := context.Background()
		for i, n := range []int32{2, 4, 1, 3} {
			f.runUntil(t0.Add(time.Duration(i+1)*time.Minute).UnixNano(), arr)
			if err := f.SetDesired(ctx, model.TargetKey{}, n); err != nil {
				t.Fatal(err)
			}
		}
		f.runUntil(t0.Add(time.Hour).UnixNano(), arr)
		return log.calls
	}
	fixed, shared := run(false), run(true)
	if len(fixed) < 1000 {
		t.Fatalf("only %d recorder calls: the workload is too small", len(fixed))
	}
	if diff := cmp.Diff(fixed, shared); diff != "" {
		t.Errorf("recorder calls (-fixed +processor sharing at slowdown 0):\n%s", diff)
	}
}

func TestBatchingDrainAndAccounting(t *testing.T) {
	log := &callLog{}
	acc := newAccounting(t0.UnixNano(), 2)
	cfg := batchConfig(2, 0.5)
	cfg.initial = 2
	f := newFleet(cfg, log, 1, t0.UnixNano(), acc)
	// Three requests of 4 s: one copy takes two (6 s each at factor 1.5), the other one (4 s).
	arr := requestArrivals([]req{{0, 4}, {0, 4}, {0, 4}})
	f.runUntil(t0.Add(time.Second).UnixNano(), arr)
	// Scale in to 1: the copy with one request drains and leaves at 4 s.
	if err := f.SetDesired(context.Background(), model.TargetKey{}, 1); err != nil {
		t.Fatal(err)
	}
	f.runUntil(t0.Add(10*time.Second).UnixNano(), arr)
	acc.finish(t0.Add(10 * time.Second).UnixNano())
	want := []string{
		"0s copies 2", "0s started", "0s started", "0s started",
		"1s copies 1",
		"4s finished 4s 0s 200",
		"6s finished 6s 0s 200", "6s finished 6s 0s 200",
	}
	if diff := cmp.Diff(want, log.calls); diff != "" {
		t.Errorf("recorder calls (-want +got):\n%s", diff)
	}
	// Billed: two copies until 4 s, then one until 10 s.
	if acc.total.BilledSec != 14 || acc.total.Served != 3 {
		t.Errorf("billed %v copy-seconds and served %v; want 14 and 3", acc.total.BilledSec, acc.total.Served)
	}
	if got := acc.latency.max; got != 6 {
		t.Errorf("max latency = %v s, want 6", got)
	}
}

func TestBatchCapacity(t *testing.T) {
	tests := []struct {
		concurrency int
		slowdown    float64
		want        float64
	}{
		{1, 0.5, 1},
		{8, 0, 8},
		{2, 0.5, 2 / 1.5},
		{3, 0.5, 1.5},
		{16, 0.08, 16 / 2.2},
		{10, 1, 1},
	}
	for _, tc := range tests {
		if got := BatchCapacity(tc.concurrency, tc.slowdown); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("BatchCapacity(%d, %g) = %v, want %v", tc.concurrency, tc.slowdown, got, tc.want)
		}
	}
	// A full batch is a copy's best for every slowdown allowed: no smaller batch completes
	// more solo work per second, so the oracle that assumes full batches stays a lower bound.
	for _, s := range []float64{0, 0.01, 0.08, 0.1, 0.3, 0.5, 0.9, 1} {
		for c := 1; c <= 64; c++ {
			best := BatchCapacity(c, s)
			for n := 1; n < c; n++ {
				if v := BatchCapacity(n, s); v > best*(1+1e-12) {
					t.Errorf("slowdown %g: a batch of %d completes %v solo requests per unit of time, more than a full batch of %d (%v)", s, n, v, c, best)
				}
			}
		}
	}
}

func TestOracleCopiesFromWorkBatching(t *testing.T) {
	tests := []struct {
		name        string
		work        []float64
		concurrency int
		slowdown    float64
		want        []int
	}{
		// A copy of 3 slots at slowdown 0.5 completes 1.5 solo seconds per second, 90 a minute.
		{"per minute", []float64{0, 1, 90, 90.5, 180, 181}, 3, 0.5, []int{0, 1, 1, 2, 2, 3}},
		// 16 slots at 0.08: 16 / 2.2 × 60 = 436.36 solo seconds a minute (960 without batching).
		{"the token example", []float64{436, 437, 960}, 16, 0.08, []int{1, 2, 3}},
		{"slowdown 1: one request's worth", []float64{60, 61}, 8, 1, []int{1, 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, OracleCopiesFromWorkBatching(tc.work, tc.concurrency, tc.slowdown)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	work := []float64{0, 0.5, 480, 480.5, 1e4}
	if diff := cmp.Diff(OracleCopiesFromWork(work, 8), OracleCopiesFromWorkBatching(work, 8, 0)); diff != "" {
		t.Errorf("slowdown 0 differs from OracleCopiesFromWork (-without +with):\n%s", diff)
	}
}

// TestBatchingOracleIsALowerBound saturates one copy with work: what it completes in a
// minute never exceeds the 60 × BatchCapacity solo seconds the oracle credits it with.
func TestBatchingOracleIsALowerBound(t *testing.T) {
	for _, s := range []float64{0.05, 0.3, 1} {
		cfg := batchConfig(4, s)
		cfg.queueLimit = 1000
		var reqs []req
		for i := range 400 {
			reqs = append(reqs, req{time.Duration(i) * 100 * time.Millisecond, int32(1 + i%3)})
		}
		acc := newAccounting(t0.UnixNano(), 1)
		f := newFleet(cfg, &callLog{}, 1, t0.UnixNano(), acc)
		end := t0.Add(time.Minute).UnixNano()
		f.runUntil(end, requestArrivals(reqs))
		// The queue is FIFO and nothing failed, so the requests that started are the first
		// len(reqs) − queued; the solo work done is theirs less what those in service have
		// left.
		if acc.total.Failed != 0 {
			t.Fatalf("slowdown %g: %v requests failed", s, acc.total.Failed)
		}
		var done float64
		for _, r := range reqs[:len(reqs)-f.queued()] {
			done += float64(r.solo)
		}
		for _, level := range f.copies.levels {
			for _, c := range level {
				f.advance(c, end)
				for _, r := range c.batch {
					done -= r.rem / 1e9
				}
			}
		}
		limit := 60 * BatchCapacity(4, s)
		if done > limit*(1+1e-9) {
			t.Errorf("slowdown %g: one copy completed %.6g solo seconds in a minute, more than the oracle's %.6g", s, done, limit)
		}
		if done < limit*0.99 {
			t.Errorf("slowdown %g: a saturated copy completed only %.6g solo seconds of %.6g", s, done, limit)
		}
	}
}

func TestBatchingScenario(t *testing.T) {
	base := `"RegisterScalableTarget": {"ServiceNamespace": "sagemaker", "ResourceId": "inference-component/x", "ScalableDimension": "sagemaker:inference-component:DesiredCopyCount", "MinCapacity": 1, "MaxCapacity": 2}`
	scen := func(fleet string) string { return `{` + base + `, "Fleet": ` + fleet + `}` }
	for _, tc := range []struct{ fleet, want string }{
		{`{"ServiceTime": {"Mean": "1s"}, "Batching": {"Slowdown": -0.1}}`, "Fleet.Batching.Slowdown -0.1 must be between 0 and 1"},
		{`{"ServiceTime": {"Mean": "1s"}, "Batching": {"Slowdown": 1.5}}`, "Fleet.Batching.Slowdown 1.5 must be between 0 and 1"},
		{`{"ServiceTime": {"Mean": "1s"}, "Batching": {"Slowdown": 0.1, "Speedup": 2}}`, `unknown field "Speedup"`},
	} {
		if _, err := ParseScenario([]byte(scen(tc.fleet))); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseScenario(Fleet %s) error = %v, want it to contain %q", tc.fleet, err, tc.want)
		}
	}
	// Throughput is a full batch's: 1.5 requests per second on 3 slots at slowdown 0.5
	// (factor 2) is a solo service time of 3 / 1.5 / 2 = 1 s.
	sc, err := ParseScenario([]byte(scen(`{"Throughput": 1.5, "Concurrency": 3, "Batching": {"Slowdown": 0.5}}`)))
	if err != nil {
		t.Fatal(err)
	}
	fc := sc.Fleet.resolve()
	if got := []float64{fc.service.Mean.D().Seconds(), fc.perCopyThroughput(), fc.slowdown}; !cmp.Equal([]float64{1, 1.5, 0.5}, got) {
		t.Errorf("resolved [mean service s, throughput, slowdown] = %v, want [1 1.5 0.5]", got)
	}
	// Absent and 0 are the same fleet as before.
	for _, fl := range []string{`{"ServiceTime": {"Mean": "1s"}}`, `{"ServiceTime": {"Mean": "1s"}, "Batching": {"Slowdown": 0}}`} {
		sc, err := ParseScenario([]byte(scen(fl)))
		if err != nil {
			t.Fatal(err)
		}
		if fc := sc.Fleet.resolve(); fc.slowdown != 0 || fc.perCopyThroughput() != 1 {
			t.Errorf("Fleet %s: slowdown %v, throughput %v; want 0 and 1", fl, fc.slowdown, fc.perCopyThroughput())
		}
	}
}

func TestBatchingRunIsDeterministic(t *testing.T) {
	sc, ev, format := loadCase(t, filepath.Join("testdata", "step-up"))
	sc.Fleet.ServiceTime = ServiceTime{Distribution: DistExponential, Mean: Duration(time.Second)}
	sc.Fleet.Concurrency = 4
	sc.Fleet.Batching = &Batching{Slowdown: 0.3}
	var out [2]string
	for i := range out {
		rep, err := Run(context.Background(), Config{Scenario: sc, Events: ev, TraceFormat: format, Transform: trace.Options{Spread: trace.SpreadPoisson}, Seed: 42})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Requests.Served == 0 || rep.Fleet.Batching == nil {
			t.Fatalf("served %v, batching %+v", rep.Requests.Served, rep.Fleet.Batching)
		}
		out[i] = renderGolden(rep)
	}
	if out[0] != out[1] {
		t.Error("two runs with the same seed differ")
	}
}
