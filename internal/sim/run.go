package sim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/metrics/tsdb"
	"github.com/scaled-dev/scaled/internal/serving/icmetrics"
	"github.com/scaled-dev/scaled/internal/sim/trace"
)

// DefaultAccount owns the simulated target.
const DefaultAccount = "000000000000"

// Config is one simulation run.
type Config struct {
	Scenario Scenario
	// Events is the trace as read (before compression and scaling).
	Events []trace.Event
	// Trace describes the trace for the report (file, format).
	TraceFile   string
	TraceFormat string
	// Transform compresses and scales the trace and spreads counted requests.
	Transform trace.Options
	// Seed, if non-zero, overrides the scenario's Fleet.Seed and Transform.Seed.
	Seed uint64
	// Timeline keeps the per-minute timeline in the report.
	Timeline bool
	// Account owns the target (default DefaultAccount).
	Account string
	// Progress, if set, is called now and then with the fraction of simulated time done.
	Progress func(done float64)
	Logger   *slog.Logger

	// observe, if set, sees the metric data stored before each control-loop tick (tests).
	observe func(t time.Time, data []metrics.Datum)
}

// Run replays the trace through the control loop against the simulated fleet and returns
// the report. It never sleeps: a fake clock is stepped from tick to tick.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.Scenario.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.Transform.Validate(); err != nil {
		return nil, err
	}
	if len(cfg.Events) == 0 {
		return nil, errors.New("the trace has no events")
	}
	if cfg.Account == "" {
		cfg.Account = DefaultAccount
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	seed := cfg.Scenario.Fleet.Seed
	if cfg.Seed != 0 {
		seed = cfg.Seed
		cfg.Transform.Seed = cfg.Seed
	}
	if cfg.Transform.Seed == 0 {
		cfg.Transform.Seed = seed
	}
	spread := cfg.Transform.Spread
	if spread == "" {
		spread = trace.SpreadEven
	}

	events := trace.Transform(cfg.Events, cfg.Transform)
	first, last := trace.Span(events)
	interval := cfg.Scenario.Fleet.interval()
	start := first.Truncate(time.Minute)
	end := last
	if r := end.Sub(start) % interval; r != 0 {
		end = end.Add(interval - r)
	}
	if !end.After(start) {
		end = start.Add(interval)
	}

	fc := cfg.Scenario.Fleet.resolve()
	var tokens tokenStats
	if fc.service.tokenBased() {
		tokens.meanIn, tokens.meanOut, tokens.requests = trace.MeanTokens(cfg.Events)
		var err error
		if fc.defIn, fc.defOut, err = fc.service.tokenDefaults(tokens.meanIn, tokens.meanOut, tokens.requests); err != nil {
			return nil, err
		}
	}
	clk := clock.NewFake(start)
	acc := newAccounting(start.UnixNano(), int32(fc.initial))

	key, err := targetKey(cfg.Scenario.RegisterScalableTarget, cfg.Account)
	if err != nil {
		return nil, err
	}
	component := key.ResourceID
	if i := strings.LastIndexByte(component, '/'); i >= 0 {
		component = component[i+1:]
	}
	rec := icmetrics.New(component, cfg.Account)
	fl := newFleet(fc, rec, seed, start.UnixNano(), acc)

	db := tsdb.New(tsdb.Options{
		Clock:                   clk,
		Retention:               3 * time.Hour,
		HighResolution:          icmetrics.Resolution,
		HighResolutionRetention: time.Hour,
		Logger:                  log,
	})
	defer db.Close()

	loop, err := newLoop(ctx, loopOptions{
		Clock: clk, Metrics: db, Fleet: fl, Key: key, Scenario: cfg.Scenario, Logger: log,
	})
	if err != nil {
		return nil, err
	}

	arr := &arrivalQueue{a: trace.NewArrivals(events, spread, cfg.Transform.Seed)}
	total := float64(end.Sub(start))
	lastPrune := start
	nextProgress := 0.0
	for t := start.Add(interval); !t.After(end); t = t.Add(interval) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fl.runUntil(t.UnixNano(), arr)
		clk.Set(t)
		data := loop.keep(rec.Flush(t))
		if cfg.observe != nil {
			cfg.observe(t, append([]metrics.Datum(nil), data...))
		}
		if len(data) > 0 {
			if err := db.Put(ctx, data); err != nil {
				return nil, fmt.Errorf("storing metrics at %s: %w", t.Format(time.RFC3339), err)
			}
		}
		if err := loop.tick(ctx); err != nil {
			return nil, fmt.Errorf("control loop tick at %s: %w", t.Format(time.RFC3339), err)
		}
		if t.Sub(lastPrune) >= time.Hour {
			db.Prune()
			lastPrune = t
		}
		if cfg.Progress != nil {
			if done := float64(t.Sub(start)) / total; done >= nextProgress {
				cfg.Progress(done)
				nextProgress = done + 0.002
			}
		}
	}
	acc.finish(end.UnixNano())
	// Let the requests still queued or in service finish (or time out) so that every
	// arrival has an outcome; billing stopped at end.
	fl.runUntil(end.Add(time.Duration(fc.timeout)+time.Hour).UnixNano(), arr)
	if cfg.Progress != nil {
		cfg.Progress(1)
	}

	rep := buildReport(cfg, fc, acc, start, end, interval, spread, loop.activities(), tokens)
	rep.activities = loop.store.activities()
	return rep, nil
}

// tokenStats describes the trace's token counts for the report (tokens distribution).
type tokenStats struct {
	meanIn, meanOut float64
	requests        float64 // requests with counts, before scaling
}

func buildReport(cfg Config, fc fleetConfig, acc *accounting, start, end time.Time, interval time.Duration, spread trace.Spread, acts ActivityCounts, tokens tokenStats) *Report {
	tokenBased := fc.service.tokenBased()
	var thr, meanService float64
	var oracle []int
	need := make([]float64, len(acc.minutes))
	if tokenBased {
		// The service time differs per request: the oracle and the load in copies come
		// from the service seconds that arrived in each minute, and the throughput and
		// mean service time printed are the trace's averages.
		// With batching a copy completes at most batchSlots seconds of solo work per
		// second (a full batch), not Concurrency.
		slots := fc.batchSlots()
		work := make([]float64, len(acc.minutes))
		for i, m := range acc.minutes {
			work[i] = m.Work
			need[i] = round4(m.Work / (60 * slots))
		}
		oracle = OracleCopiesFromWorkBatching(work, fc.concurrency, fc.slowdown)
		if acc.total.Arrivals > 0 && acc.total.Work > 0 {
			meanService = acc.total.Work / acc.total.Arrivals
			thr = slots / meanService
		}
	} else {
		thr = fc.perCopyThroughput()
		meanService = float64(fc.service.Mean) / 1e9
		arrivals := make([]float64, len(acc.minutes))
		for i, m := range acc.minutes {
			arrivals[i] = m.Arrivals
			need[i] = round4(m.Arrivals / (60 * thr))
		}
		oracle = OracleCopies(arrivals, thr)
	}
	rep := &Report{
		Scenario: cfg.Scenario.Name,
		Trace: TraceInfo{
			File: cfg.TraceFile, Format: cfg.TraceFormat, Requests: acc.total.Arrivals,
			Compress: orOne(cfg.Transform.Compress), Scale: orOne(cfg.Transform.Scale),
			Arrivals: string(spread), Seed: cfg.Transform.Seed,
		},
		Fleet: FleetInfo{
			PerCopyThroughput: round4(thr), Concurrency: fc.concurrency,
			MeanServiceTime: round4(meanService), StartupSeconds: float64(fc.startup) / 1e9,
			SLOSeconds: float64(fc.slo) / 1e9, IntervalSeconds: interval.Seconds(),
		},
		Start: start, End: end,
		CopyMinutes: round4(acc.total.BilledSec / 60),
		Requests: Requests{
			Arrived: acc.total.Arrivals, Served: acc.total.Served, Violated: acc.total.Violated, Failed: acc.total.Failed,
			NoCapacity: acc.failures[reasonNoCapacity], QueueFull: acc.failures[reasonQueueFull], TimedOut: acc.failures[reasonTimeout],
		},
		Latency:         percentiles(acc.latency),
		Wait:            percentiles(acc.wait),
		Activities:      acts,
		StartupFailures: acc.startFailures,
	}
	if fc.slowdown > 0 {
		rep.Fleet.Batching = &BatchingModel{
			Slowdown: fc.slowdown, FullBatchFactor: round4(fc.batchFactor(fc.concurrency)),
			FullBatchGain: round4(fc.batchSlots()),
		}
	}
	if tokenBased {
		st := fc.service
		rep.Fleet.Tokens = &TokenModel{
			BaseSeconds: st.Base.D().Seconds(), PerInputTokenSeconds: st.PerInputToken.D().Seconds(),
			PerOutputTokenSeconds: st.PerOutputToken.D().Seconds(), CV: st.CV,
			RequestsWithTokens: tokens.requests, MeanInputTokens: round4(tokens.meanIn), MeanOutputTokens: round4(tokens.meanOut),
			DefaultInputTokens: round4(fc.defIn), DefaultOutputTokens: round4(fc.defOut),
			WorkSeconds: round4(acc.total.Work),
		}
	}
	if rep.Requests.Arrived > 0 {
		rep.Requests.GoodFraction = round4((rep.Requests.Served - rep.Requests.Violated) / rep.Requests.Arrived)
	}
	var oracleMin float64
	for _, o := range oracle {
		oracleMin += float64(o)
	}
	rep.OracleCopyMinutes = oracleMin
	if oracleMin > 0 {
		rep.CostRatio = round4(rep.CopyMinutes / oracleMin)
	}
	for _, m := range acc.minutes {
		rep.PeakCopies = max(rep.PeakCopies, m.MaxServe)
	}
	rep.Steps = summarizeSteps(DetectSteps(start, oracle, fc.initial, acc.changes))
	rep.timeline = make([]Point, len(acc.minutes))
	for i, m := range acc.minutes {
		rep.timeline[i] = Point{
			Time: start.Add(time.Duration(i) * time.Minute), Arrivals: m.Arrivals, Served: m.Served,
			Violated: m.Violated, Failed: m.Failed, Copies: round4(m.ServeSec / 60), Billed: round4(m.BilledSec / 60),
			Desired: m.Desired, Oracle: oracle[i], Need: need[i],
		}
	}
	if cfg.Timeline {
		rep.Timeline = rep.timeline
	}
	return rep
}

func orOne(v float64) float64 {
	if v == 0 {
		return 1
	}
	return v
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }
