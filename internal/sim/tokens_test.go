package sim

import (
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scaled-dev/scaled/internal/sim/trace"
)

func TestOracleCopiesFromWork(t *testing.T) {
	tests := []struct {
		name        string
		work        []float64 // service seconds arriving per minute
		concurrency int
		want        []int
	}{
		{"empty", nil, 1, []int{}},
		{"idle minutes need nothing", []float64{0, 0}, 4, []int{0, 0}},
		{"a little work needs a whole copy", []float64{0.001}, 8, []int{1}},
		{"exactly one copy's worth", []float64{480}, 8, []int{1}},
		{"just over one copy", []float64{480.5}, 8, []int{2}},
		{"float noise does not add a copy", []float64{60 * 0.1 * 30}, 3, []int{1}},
		{"per minute", []float64{6.6, 145.2, 50.6}, 2, []int{1, 2, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, OracleCopiesFromWork(tc.work, tc.concurrency)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// With equal service times it is the request-count oracle.
	arrivals := []float64{0, 7, 120, 121, 600}
	work := make([]float64, len(arrivals))
	for i, a := range arrivals {
		work[i] = a * 2 // 2 s each
	}
	if diff := cmp.Diff(OracleCopies(arrivals, 4.0/2), OracleCopiesFromWork(work, 4)); diff != "" {
		t.Errorf("equal service times: OracleCopies vs OracleCopiesFromWork (-count +work):\n%s", diff)
	}
}

func intp(v int) *int { return &v }

func TestTokenServiceTimes(t *testing.T) {
	st := ServiceTime{Distribution: DistTokens, Base: Duration(50 * time.Millisecond),
		PerInputToken: Duration(150 * time.Microsecond), PerOutputToken: Duration(20 * time.Millisecond)}
	s := newSampler(st, 1000, 10, rand.New(rand.NewPCG(1, 2)))
	tests := []struct {
		tok  trace.Tokens
		want time.Duration
	}{
		{trace.Tokens{Input: 2000, Output: 100, Known: true}, 50*time.Millisecond + 300*time.Millisecond + 2*time.Second},
		{trace.Tokens{Known: true}, 50 * time.Millisecond},
		{trace.Tokens{Input: 3, Output: 6, Known: true}, 50*time.Millisecond + 450*time.Microsecond + 120*time.Millisecond},
		// No counts: the defaults, 1000 in and 10 out.
		{trace.Tokens{}, 50*time.Millisecond + 150*time.Millisecond + 200*time.Millisecond},
	}
	for _, tc := range tests {
		if got := time.Duration(s.drawTokens(tc.tok)); got != tc.want {
			t.Errorf("drawTokens(%+v) = %s, want %s", tc.tok, got, tc.want)
		}
	}
	// Zero cost: at least a nanosecond, so a request always occupies its slot.
	zero := newSampler(ServiceTime{Distribution: DistTokens, PerOutputToken: Duration(time.Millisecond)}, 0, 0, rand.New(rand.NewPCG(1, 2)))
	if got := zero.drawTokens(trace.Tokens{Input: 5, Known: true}); got != 1 {
		t.Errorf("zero-cost request takes %d ns, want 1", got)
	}
}

func TestTokenNoiseKeepsTheMean(t *testing.T) {
	st := ServiceTime{Distribution: DistTokens, Base: Duration(time.Second), CV: 0.5}
	s := newSampler(st, 0, 0, rand.New(rand.NewPCG(7, 8)))
	const n = 200000
	var sum, sq float64
	for range n {
		v := float64(s.drawTokens(trace.Tokens{Known: true})) / 1e9
		sum += v
		sq += v * v
	}
	mean := sum / n
	cv := math.Sqrt(sq/n-mean*mean) / mean
	if diff := cmp.Diff([]float64{1, 0.5}, []float64{mean, cv}, cmpopts.EquateApprox(0.02, 0)); diff != "" {
		t.Errorf("noisy service time [mean s, CV] (-want +got):\n%s", diff)
	}
}

func TestTokenScenarioValidation(t *testing.T) {
	base := `"RegisterScalableTarget": {"ServiceNamespace": "sagemaker", "ResourceId": "inference-component/x", "ScalableDimension": "sagemaker:inference-component:DesiredCopyCount", "MinCapacity": 1, "MaxCapacity": 2}`
	scen := func(fleet string) string { return `{` + base + `, "Fleet": ` + fleet + `}` }
	tests := []struct {
		fleet, want string
	}{
		{`{"ServiceTime": {"Distribution": "tokens"}}`, `Distribution "tokens" needs a positive Base, PerInputToken or PerOutputToken`},
		{`{"ServiceTime": {"Distribution": "tokens", "Base": "50ms", "Mean": "1s"}}`, `Fleet.ServiceTime.Mean 1s is not used with Distribution "tokens"`},
		{`{"ServiceTime": {"Distribution": "tokens", "Base": "-5ms"}}`, "Fleet.ServiceTime.Base -5ms must be between 0 and 1h"},
		{`{"ServiceTime": {"Distribution": "tokens", "Base": "1ms", "PerInputToken": "2h"}}`, "Fleet.ServiceTime.PerInputToken 2h0m0s must be between 0 and 1h"},
		{`{"ServiceTime": {"Distribution": "tokens", "Base": "1ms", "PerOutputToken": "-1ms"}}`, "Fleet.ServiceTime.PerOutputToken -1ms"},
		{`{"ServiceTime": {"Distribution": "tokens", "Base": "1ms", "CV": -0.1}}`, "Fleet.ServiceTime.CV -0.1"},
		{`{"ServiceTime": {"Distribution": "tokens", "Base": "1ms", "DefaultInputTokens": -1}}`, "Fleet.ServiceTime.DefaultInputTokens -1 must be between 0 and"},
		{`{"ServiceTime": {"Distribution": "tokens", "Base": "1ms", "DefaultOutputTokens": 2000000000}}`, "Fleet.ServiceTime.DefaultOutputTokens 2000000000"},
		{`{"ServiceTime": {"Distribution": "tokens", "Base": "1ms"}, "Throughput": 3}`, `Fleet.Throughput 3 cannot be combined with ServiceTime.Distribution "tokens"`},
		{`{"ServiceTime": {"Mean": "1s", "PerOutputToken": "20ms"}}`, `Fleet.ServiceTime.PerOutputToken is only used with Distribution "tokens"`},
		{`{"ServiceTime": {"Distribution": "lognormal", "Mean": "1s", "CV": 1, "DefaultInputTokens": 5}}`, `Fleet.ServiceTime.DefaultInputTokens is only used with Distribution "tokens"`},
		{`{"Throughput": 2, "ServiceTime": {"Base": "1s"}}`, `Fleet.ServiceTime.Base is only used with Distribution "tokens"`},
		{`{"ServiceTime": {"Distribution": "tokens", "Base": "1ms", "PerInputToken": "fast"}}`, `duration "fast"`},
		{`{"ServiceTime": {"Distribution": "token", "Base": "1ms"}}`, `Distribution "token": want constant, exponential, lognormal or tokens`},
	}
	for _, tc := range tests {
		_, err := ParseScenario([]byte(scen(tc.fleet)))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseScenario(Fleet %s) error = %v, want it to contain %q", tc.fleet, err, tc.want)
		}
	}
	if _, err := ParseScenario([]byte(scen(`{"ServiceTime": {"Distribution": "tokens", "Base": "50ms", "PerInputToken": "0.15ms", "PerOutputToken": "20ms", "CV": 0.1, "DefaultInputTokens": 0, "DefaultOutputTokens": 128}, "Concurrency": 8}`))); err != nil {
		t.Errorf("valid tokens fleet rejected: %v", err)
	}
}

func TestTokenDefaults(t *testing.T) {
	st := ServiceTime{Distribution: DistTokens, Base: Duration(time.Millisecond), PerInputToken: Duration(time.Millisecond), PerOutputToken: Duration(time.Millisecond)}
	withDefaults := st
	withDefaults.DefaultInputTokens, withDefaults.DefaultOutputTokens = intp(7), intp(0)
	noInputCost := st
	noInputCost.PerInputToken = 0
	noInputCost.DefaultOutputTokens = intp(3)
	tests := []struct {
		name                  string
		st                    ServiceTime
		meanIn, meanOut, with float64
		want                  [2]float64
		err                   string
	}{
		{"trace means", st, 100.5, 9.25, 10, [2]float64{100.5, 9.25}, ""},
		{"scenario defaults win", withDefaults, 100.5, 9.25, 10, [2]float64{7, 0}, ""},
		{"no counts in the trace", st, 0, 0, 0, [2]float64{}, "Fleet.ServiceTime.DefaultInputTokens is required: the trace gives no token counts"},
		{"a count without cost needs no default", noInputCost, 0, 0, 0, [2]float64{0, 3}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, out, err := tc.st.tokenDefaults(tc.meanIn, tc.meanOut, tc.with)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, [2]float64{in, out}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestTokenFleetQueuesWithTheirServiceTimes checks that a queued request keeps the service
// time drawn for its tokens at arrival, and that the work of a request that times out still
// counts for the oracle.
func TestTokenFleetQueuesWithTheirServiceTimes(t *testing.T) {
	log := &callLog{}
	acc := newAccounting(t0.UnixNano(), 1)
	cfg := constFleet(1, 10)
	cfg.service = ServiceTime{Distribution: DistTokens, Base: Duration(100 * time.Millisecond), PerInputToken: Duration(time.Millisecond), PerOutputToken: Duration(100 * time.Millisecond)}
	cfg.defIn, cfg.defOut = 400, 5
	f := newFleet(cfg, log, 1, t0.UnixNano(), acc)
	ev := []trace.Event{
		{Time: t0, Count: 1, Tokens: trace.Tokens{Input: 900, Output: 10, Known: true}},                       // 2s
		{Time: t0.Add(time.Second), Count: 1, Tokens: trace.Tokens{Input: 0, Output: 2, Known: true}},         // 300ms, waits 1s
		{Time: t0.Add(time.Second), Count: 1},                                                                 // defaults: 1s, waits 1.3s
		{Time: t0.Add(2 * time.Second), Count: 1, Tokens: trace.Tokens{Input: 100, Output: 200, Known: true}}, // 20.2s, waits 1.3s
		{Time: t0.Add(3 * time.Second), Count: 1, Tokens: trace.Tokens{Input: 1, Output: 1, Known: true}},     // 201ms, times out
	}
	arr := &arrivalQueue{a: trace.NewArrivals(ev, trace.SpreadEven, 1)}
	f.runUntil(t0.Add(time.Minute).UnixNano(), arr)
	acc.finish(t0.Add(time.Minute).UnixNano())
	want := []string{
		"0s copies 1",
		"0s started", "1s started", "1s started",
		"2s finished 2s 0s 200",
		"2s started",
		"2.3s finished 300ms 1s 200",
		"3s started",
		"3.3s finished 1s 1.3s 200",
		"13s finished 0s 10s 504",
		"23.5s finished 20.2s 1.3s 200",
	}
	if diff := cmp.Diff(want, log.calls); diff != "" {
		t.Errorf("recorder calls (-want +got):\n%s", diff)
	}
	if got, want := acc.total.Work, 2+0.3+1+20.2+0.201; math.Abs(got-want) > 1e-9 {
		t.Errorf("work = %v s, want %v (every arrival, the timed-out one included)", got, want)
	}
}

// TestTokenRunNeedsCountsOrDefaults runs the token model on a trace without counts.
func TestTokenRunNeedsCountsOrDefaults(t *testing.T) {
	sc, ev, format := loadCase(t, filepath.Join("testdata", "step-up"))
	sc.Fleet.ServiceTime = ServiceTime{Distribution: DistTokens, Base: Duration(100 * time.Millisecond), PerOutputToken: Duration(50 * time.Millisecond)}
	_, err := Run(context.Background(), Config{Scenario: sc, Events: ev, TraceFormat: format})
	if err == nil || !strings.Contains(err.Error(), "Fleet.ServiceTime.DefaultOutputTokens is required") {
		t.Fatalf("error = %v, want DefaultOutputTokens to be asked for", err)
	}
	// 100ms + 18 × 50ms = 1s: the step-up scenario's constant 1 s service time, so the
	// oracle and the load are those of the count oracle.
	sc.Fleet.ServiceTime.DefaultOutputTokens = intp(18)
	rep, err := Run(context.Background(), Config{Scenario: sc, Events: ev, TraceFormat: format})
	if err != nil {
		t.Fatal(err)
	}
	ref, _, _ := loadCase(t, filepath.Join("testdata", "step-up"))
	want, err := Run(context.Background(), Config{Scenario: ref, Events: ev, TraceFormat: format})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OracleCopyMinutes != want.OracleCopyMinutes || rep.Fleet.MeanServiceTime != 1 || rep.Fleet.PerCopyThroughput != 1 {
		t.Errorf("oracle %v, mean service %v s, throughput %v; want %v, 1 and 1", rep.OracleCopyMinutes, rep.Fleet.MeanServiceTime, rep.Fleet.PerCopyThroughput, want.OracleCopyMinutes)
	}
}

// TestTokenGoldenWork checks the load in copies of the tokens golden scenario against the
// numbers worked out by hand in its description.
func TestTokenGoldenWork(t *testing.T) {
	sc, ev, format := loadCase(t, filepath.Join("testdata", "tokens"))
	rep, err := Run(context.Background(), Config{Scenario: sc, Events: ev, TraceFormat: format})
	if err != nil {
		t.Fatal(err)
	}
	var need []float64
	for _, p := range rep.timeline {
		need = append(need, p.Need)
	}
	a, b, c := 6*1.1/120, 12*12.1/120, 6*(0.1+1466.6667e-3+137.3333*0.05)/120
	want := []float64{a, a, a, a, a, b, b, b, b, b, c, c, c, c, c}
	if diff := cmp.Diff(want, need, cmpopts.EquateApprox(0, 1e-4)); diff != "" {
		t.Errorf("load in copies per minute (-want +got):\n%s", diff)
	}
	wantTokens := &TokenModel{
		BaseSeconds: 0.1, PerInputTokenSeconds: 0.001, PerOutputTokenSeconds: 0.05,
		RequestsWithTokens: 90, MeanInputTokens: 1466.6667, MeanOutputTokens: 137.3333,
		DefaultInputTokens: 1466.6667, DefaultOutputTokens: 137.3333,
		WorkSeconds: 30*1.1 + 60*12.1 + 30*8.433333,
	}
	if diff := cmp.Diff(wantTokens, rep.Fleet.Tokens, cmpopts.EquateApprox(0, 1e-3)); diff != "" {
		t.Errorf("token model in the report (-want +got):\n%s", diff)
	}
}

// TestTokenWorkIsTheSameForEveryScenario checks that noisy token service times depend on the
// trace and the seed only, not on what the scenario's scaling does, so that scenarios
// compared on one trace share the oracle; and that runs are reproducible.
func TestTokenWorkIsTheSameForEveryScenario(t *testing.T) {
	sc, ev, format := loadCase(t, filepath.Join("testdata", "tokens"))
	sc.Fleet.ServiceTime.CV = 0.3
	// Start-up failures draw from the fleet's random stream when a copy starts.
	other := sc
	other.Fleet.StartupFailureProbability = 0.99
	var reps []*Report
	for _, s := range []Scenario{sc, other, sc} {
		rep, err := Run(context.Background(), Config{Scenario: s, Events: ev, TraceFormat: format, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		reps = append(reps, rep)
	}
	if reps[0].Fleet.Tokens.WorkSeconds != reps[1].Fleet.Tokens.WorkSeconds || reps[0].OracleCopyMinutes != reps[1].OracleCopyMinutes {
		t.Errorf("work %v vs %v s, oracle %v vs %v: want the same for both scenarios",
			reps[0].Fleet.Tokens.WorkSeconds, reps[1].Fleet.Tokens.WorkSeconds, reps[0].OracleCopyMinutes, reps[1].OracleCopyMinutes)
	}
	if reps[1].StartupFailures == 0 {
		t.Error("no start-up failed; the test needs the second scenario to draw from the fleet's stream")
	}
	if a, b := renderGolden(reps[0]), renderGolden(reps[2]); a != b {
		t.Error("two runs with the same seed differ")
	}
	if w := reps[0].Fleet.Tokens.WorkSeconds; w == 30*1.1+60*12.1+30*8.433333 {
		t.Errorf("work %v s: the noise did not change anything", w)
	}
}
