package control

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
	"github.com/scaled-dev/scaled/internal/store"
)

// Defaults for Options fields left zero.
const (
	DefaultInterval          = 10 * time.Second
	DefaultWorkers           = 8
	DefaultActuatorTimeout   = 10 * time.Second
	DefaultActivityRetention = 6 * 7 * 24 * time.Hour
	DefaultInFlightTimeout   = 30 * time.Minute
	DefaultPruneInterval     = time.Hour
)

// ElectionName is the name the evaluator campaigns for through Options.Elector.
const ElectionName = "control"

// Store is what the evaluator needs from the store (store.Store satisfies it).
type Store interface {
	ListTargets(ctx context.Context, f store.TargetFilter) ([]model.ScalableTarget, string, error)
	GetTarget(ctx context.Context, k model.TargetKey) (model.ScalableTarget, error)
	PutTarget(ctx context.Context, t model.ScalableTarget) (model.ScalableTarget, error)
	ListPolicies(ctx context.Context, f store.PolicyFilter) ([]model.ScalingPolicy, string, error)
	ListScheduledActions(ctx context.Context, f store.ScheduleFilter) ([]model.ScheduledAction, string, error)
	PutActivity(ctx context.Context, a model.ScalingActivity) error
	GetActivity(ctx context.Context, account, id string) (model.ScalingActivity, error)
	PruneActivities(ctx context.Context, before time.Time) (int, error)
	ListAlarms(ctx context.Context, f store.AlarmFilter) ([]model.MetricAlarm, string, error)
	PutAlarm(ctx context.Context, a model.MetricAlarm) (model.MetricAlarm, error)
	GetTargetState(ctx context.Context, k model.TargetKey) (model.TargetState, error)
	PutTargetState(ctx context.Context, s model.TargetState) (model.TargetState, error)
}

// Options configures an Evaluator. Store, Metrics, Resources and Clock are required.
type Options struct {
	Store     Store
	Metrics   metrics.Source
	Resources *resource.Registry
	Clock     clock.Clock
	// Logger receives per-target errors and notices; nil discards them.
	Logger *slog.Logger
	// Interval is Run's tick period (default 10 s; `scaled serve --eval-interval`).
	Interval time.Duration
	// Workers bounds how many targets are evaluated at once (default 8).
	Workers int
	// ActuatorTimeout bounds each actuator call (default 10 s). A change whose request
	// times out stays in flight and is confirmed or failed on a later tick.
	ActuatorTimeout time.Duration
	// Elector, when set, makes Run evaluate only while this replica leads ElectionName.
	Elector store.Elector
	// ActivityRetention is how long activities are kept (default six weeks).
	ActivityRetention time.Duration
	// InFlightTimeout is how long a requested change may stay unfulfilled before its
	// activity ends Unfulfilled (default 30 min).
	InFlightTimeout time.Duration
	// PruneInterval is how often old activities are pruned (default 1 h).
	PruneInterval time.Duration
	// Region is the AWS region the service presents; it only labels log records.
	Region string
	// Observer receives the loop's own measurements (the server exports them to
	// Prometheus); nil ignores them.
	Observer Observer
	// MetricDelay is how long after a period ends its datapoints may still arrive (the
	// local runtime publishes each metric bucket when it completes, users publish late);
	// alarms are evaluated over the periods that ended at least MetricDelay ago. Default 0.
	MetricDelay time.Duration
}

// Evaluator is the control loop. It is safe for concurrent use; concurrent Ticks never
// evaluate the same target at the same time.
type Evaluator struct {
	store           Store
	metrics         metrics.Source
	resources       *resource.Registry
	clock           clock.Clock
	log             *slog.Logger
	interval        time.Duration
	metricDelay     time.Duration
	observer        Observer
	workers         int
	actuatorTimeout time.Duration
	elector         store.Elector
	retention       time.Duration
	inFlightTimeout time.Duration
	pruneInterval   time.Duration

	busy sync.Map // model.TargetKey → struct{}: targets being evaluated
	// alarmCache holds the last evaluation of each alarm (alarmKey → cachedEval).
	alarmCache sync.Map

	mu        sync.Mutex
	lastPrune time.Time
	// schedEval is when each target's scheduled actions were last evaluated (so that
	// actions missed while suspended are skipped on resume).
	schedEval map[model.TargetKey]time.Time
	// badSchedules remembers unparseable schedules already logged.
	badSchedules map[model.ScheduledActionKey]string
	// clampRetry delays the next attempt of a clamp the resource refused.
	clampRetry map[model.TargetKey]retry
}

// retry is a backoff: the next attempt may start at next; wait doubles per failure.
type retry struct {
	next time.Time
	wait time.Duration
}

// Clamp retry backoff bounds.
const (
	clampRetryMin = time.Minute
	clampRetryMax = 15 * time.Minute
)

// New checks the options and returns an Evaluator.
func New(o Options) (*Evaluator, error) {
	switch {
	case o.Store == nil:
		return nil, errors.New("control: Options.Store is required")
	case o.Metrics == nil:
		return nil, errors.New("control: Options.Metrics is required")
	case o.Resources == nil:
		return nil, errors.New("control: Options.Resources is required")
	case o.Clock == nil:
		return nil, errors.New("control: Options.Clock is required")
	}
	e := &Evaluator{
		store:           o.Store,
		metrics:         o.Metrics,
		resources:       o.Resources,
		clock:           o.Clock,
		log:             o.Logger,
		interval:        o.Interval,
		metricDelay:     max(o.MetricDelay, 0),
		observer:        o.Observer,
		workers:         o.Workers,
		actuatorTimeout: o.ActuatorTimeout,
		elector:         o.Elector,
		retention:       o.ActivityRetention,
		inFlightTimeout: o.InFlightTimeout,
		pruneInterval:   o.PruneInterval,
		schedEval:       map[model.TargetKey]time.Time{},
		badSchedules:    map[model.ScheduledActionKey]string{},
		clampRetry:      map[model.TargetKey]retry{},
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if o.Region != "" {
		e.log = e.log.With("region", o.Region)
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"Interval", &e.interval, DefaultInterval},
		{"ActuatorTimeout", &e.actuatorTimeout, DefaultActuatorTimeout},
		{"ActivityRetention", &e.retention, DefaultActivityRetention},
		{"InFlightTimeout", &e.inFlightTimeout, DefaultInFlightTimeout},
		{"PruneInterval", &e.pruneInterval, DefaultPruneInterval},
	} {
		switch {
		case *d.v < 0:
			return nil, fmt.Errorf("control: Options.%s must be positive, was %s", d.name, *d.v)
		case *d.v == 0:
			*d.v = d.def
		}
	}
	switch {
	case e.workers < 0:
		return nil, fmt.Errorf("control: Options.Workers must be positive, was %d", e.workers)
	case e.workers == 0:
		e.workers = DefaultWorkers
	}
	if e.observer == nil {
		e.observer = nopObserver{}
	}
	return e, nil
}

// Observer receives measurements of the control loop.
type Observer interface {
	// ObserveTick reports one pass: how long it took, how many targets it evaluated and
	// how many of them failed.
	ObserveTick(d time.Duration, targets, failed int)
	// ObserveActivity reports an activity written with the given status (a not-scaled
	// record has notScaled set).
	ObserveActivity(status string, notScaled bool)
}

type nopObserver struct{}

func (nopObserver) ObserveTick(time.Duration, int, int) {}
func (nopObserver) ObserveActivity(string, bool)        {}

// Interval is the tick period Run uses.
func (e *Evaluator) Interval() time.Duration { return e.interval }

// Tick runs one synchronous pass over every target at clock.Now(). It returns an error
// when the targets could not be listed, or a summary of the targets whose evaluation
// failed (the others were evaluated all the same).
func (e *Evaluator) Tick(ctx context.Context) error {
	now := e.clock.Now()
	e.maybePrune(ctx, now)

	snap, err := e.loadSnapshot(ctx)
	if err != nil {
		return fmt.Errorf("control: tick at %s: %w", now.UTC().Format(time.RFC3339), err)
	}
	e.forgetSchedules(snap.targets)

	work := make(chan model.ScalableTarget)
	var (
		wg       sync.WaitGroup
		errMu    sync.Mutex
		failed   int
		firstErr error
	)
	workers := min(e.workers, len(snap.targets))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range work {
				if err := e.evaluateOne(ctx, snap, t, now); err != nil {
					e.log.ErrorContext(ctx, "evaluate target", targetAttrs(t.TargetKey), "err", err)
					errMu.Lock()
					failed++
					if firstErr == nil {
						firstErr = err
					}
					errMu.Unlock()
				}
			}
		}()
	}
	for _, t := range snap.targets {
		if ctx.Err() != nil {
			break
		}
		work <- t
	}
	close(work)
	wg.Wait()
	e.observer.ObserveTick(e.clock.Now().Sub(now), len(snap.targets), failed)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("control: tick: %w", err)
	}
	if failed > 0 {
		return fmt.Errorf("control: %d of %d targets failed; first: %w", failed, len(snap.targets), firstErr)
	}
	return nil
}

// evaluateOne evaluates t unless another Tick is evaluating it right now.
func (e *Evaluator) evaluateOne(ctx context.Context, snap *snapshot, t model.ScalableTarget, now time.Time) (err error) {
	if _, running := e.busy.LoadOrStore(t.TargetKey, struct{}{}); running {
		return nil
	}
	defer e.busy.Delete(t.TargetKey)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("target %s %s: evaluation panicked: %v", t.Namespace, t.ResourceID, r)
		}
	}()
	te := &targetEval{e: e, snap: snap, t: t, now: now}
	if err := te.run(ctx); err != nil {
		return fmt.Errorf("target %s %s: %w", t.Namespace, t.ResourceID, err)
	}
	return nil
}

// Run ticks every Interval until ctx ends, first at once. With an Elector it evaluates only
// while leading and campaigns again after losing leadership. It returns ctx.Err().
func (e *Evaluator) Run(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		lctx, release := ctx, func() {}
		if e.elector != nil {
			l, r, err := e.elector.Campaign(ctx, ElectionName)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				e.log.ErrorContext(ctx, "campaign for leadership", "err", err)
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-e.clock.After(e.interval):
				}
				continue
			}
			lctx, release = l, r
			e.log.InfoContext(ctx, "leading the control loop")
		}
		e.loop(lctx)
		release()
	}
}

func (e *Evaluator) loop(ctx context.Context) {
	e.tickLogged(ctx)
	clock.Every(ctx, e.clock, e.interval, e.tickLogged)
}

func (e *Evaluator) tickLogged(ctx context.Context) {
	if err := e.Tick(ctx); err != nil && ctx.Err() == nil {
		e.log.ErrorContext(ctx, "control tick", "err", err)
	}
}

// maybePrune deletes activities older than the retention, at most once per PruneInterval.
func (e *Evaluator) maybePrune(ctx context.Context, now time.Time) {
	e.mu.Lock()
	due := e.lastPrune.IsZero() || now.Sub(e.lastPrune) >= e.pruneInterval
	if due {
		e.lastPrune = now
	}
	e.mu.Unlock()
	if !due {
		return
	}
	n, err := e.store.PruneActivities(ctx, now.Add(-e.retention))
	if err != nil {
		e.log.ErrorContext(ctx, "prune activities", "err", err)
		return
	}
	if n > 0 {
		e.log.InfoContext(ctx, "pruned old scaling activities", "count", n)
	}
}

// clampAllowed reports whether a clamp of k may be attempted at now.
func (e *Evaluator) clampAllowed(k model.TargetKey, now time.Time) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.clampRetry[k]
	return !ok || !now.Before(r.next)
}

// clampDone records the outcome of a clamp attempt (ok: accepted or not needed).
func (e *Evaluator) clampDone(k model.TargetKey, now time.Time, ok bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ok {
		delete(e.clampRetry, k)
		return
	}
	r := e.clampRetry[k]
	r.wait = min(max(2*r.wait, clampRetryMin), clampRetryMax)
	r.next = now.Add(r.wait)
	e.clampRetry[k] = r
}

// forgetSchedules drops the schedule memory of targets that no longer exist.
func (e *Evaluator) forgetSchedules(targets []model.ScalableTarget) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.schedEval) <= len(targets) {
		return
	}
	live := make(map[model.TargetKey]bool, len(targets))
	for _, t := range targets {
		live[t.TargetKey] = true
	}
	for k := range e.schedEval {
		if !live[k] {
			delete(e.schedEval, k)
			delete(e.clampRetry, k)
		}
	}
}

func targetAttrs(k model.TargetKey) slog.Attr {
	return slog.Group("target",
		slog.String("account", k.Account),
		slog.String("namespace", k.Namespace),
		slog.String("resource", k.ResourceID),
		slog.String("dimension", k.Dimension))
}
