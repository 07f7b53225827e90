package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/metrics/mathexpr"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/scaling"
	"github.com/scaled-dev/scaled/internal/store"
)

// snapshot is what one tick reads up front: every target with its policies and scheduled
// actions, and every alarm indexed by the policy that it invokes. Listing each kind once
// per tick keeps the store work linear in the number of records.
type snapshot struct {
	targets   []model.ScalableTarget
	policies  map[model.TargetKey][]model.ScalingPolicy
	schedules map[model.TargetKey][]model.ScheduledAction
	// managed maps a policy to the managed alarms of a target-tracking policy; byAction
	// maps an ARN to the alarms whose actions name it.
	managed  map[arnKey][]*alarmEntry
	byAction map[arnKey][]*alarmEntry
}

// arnKey is an ARN within an account.
type arnKey struct{ account, arn string }

// alarmKey names an alarm.
type alarmKey struct{ account, name string }

// cachedEval is an alarm evaluation, valid for one alarm revision and one evaluation
// instant (the start of the current period): the result only changes when a period ends.
type cachedEval struct {
	at       time.Time
	revision int64
	result   scaling.AlarmResult
	err      error
}

// alarmEntry is one alarm, evaluated at most once per tick however many policies use it.
type alarmEntry struct {
	once   sync.Once
	alarm  model.MetricAlarm
	result scaling.AlarmResult
	err    error
}

// pageAll collects every page of a listing.
func pageAll[T any](list func(after string) ([]T, string, error)) ([]T, error) {
	var out []T
	after := ""
	for {
		items, next, err := list(after)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" || next == after {
			return out, nil
		}
		after = next
	}
}

func (e *Evaluator) loadSnapshot(ctx context.Context) (*snapshot, error) {
	targets, err := pageAll(func(after string) ([]model.ScalableTarget, string, error) {
		return e.store.ListTargets(ctx, store.TargetFilter{Page: store.Page{After: after}})
	})
	if err != nil {
		return nil, fmt.Errorf("list targets: %w", err)
	}
	policies, err := pageAll(func(after string) ([]model.ScalingPolicy, string, error) {
		return e.store.ListPolicies(ctx, store.PolicyFilter{Page: store.Page{After: after}})
	})
	if err != nil {
		return nil, fmt.Errorf("list policies: %w", err)
	}
	schedules, err := pageAll(func(after string) ([]model.ScheduledAction, string, error) {
		return e.store.ListScheduledActions(ctx, store.ScheduleFilter{Page: store.Page{After: after}})
	})
	if err != nil {
		return nil, fmt.Errorf("list scheduled actions: %w", err)
	}
	alarms, err := pageAll(func(after string) ([]model.MetricAlarm, string, error) {
		return e.store.ListAlarms(ctx, store.AlarmFilter{Page: store.Page{After: after}})
	})
	if err != nil {
		return nil, fmt.Errorf("list alarms: %w", err)
	}

	s := &snapshot{
		targets:   targets,
		policies:  make(map[model.TargetKey][]model.ScalingPolicy, len(targets)),
		schedules: map[model.TargetKey][]model.ScheduledAction{},
		managed:   make(map[arnKey][]*alarmEntry, len(policies)),
		byAction:  map[arnKey][]*alarmEntry{},
	}
	for _, p := range policies {
		s.policies[p.TargetKey] = append(s.policies[p.TargetKey], p)
	}
	for _, a := range schedules {
		s.schedules[a.TargetKey] = append(s.schedules[a.TargetKey], a)
	}
	for i := range alarms {
		en := &alarmEntry{alarm: alarms[i]}
		if en.alarm.ManagedBy != "" {
			k := arnKey{en.alarm.Account, en.alarm.ManagedBy}
			s.managed[k] = append(s.managed[k], en)
		}
		for i, act := range en.alarm.AlarmActions {
			// Managed alarms may name "<policy ARN>:createdBy/<uuid>"; index the policy ARN.
			if j := strings.Index(act, ":createdBy/"); j > 0 {
				act = act[:j]
			}
			if slices.Contains(en.alarm.AlarmActions[:i], act) {
				continue
			}
			k := arnKey{en.alarm.Account, act}
			s.byAction[k] = append(s.byAction[k], en)
		}
	}
	e.forgetAlarms(s, len(alarms))
	return s, nil
}

// alarmsOf returns the alarms that invoke policy p.
func (s *snapshot) alarmsOf(p model.ScalingPolicy) []*alarmEntry {
	if p.TargetTracking != nil {
		if m := s.managed[arnKey{p.Account, p.ARN}]; len(m) > 0 {
			return m
		}
	}
	return s.byAction[arnKey{p.Account, p.ARN}]
}

// evaluate evaluates the alarm at now (once per tick, and once per period unless the alarm
// changed) and records a state change.
func (en *alarmEntry) evaluate(ctx context.Context, e *Evaluator, now time.Time) {
	en.once.Do(func() {
		key := alarmKey{en.alarm.Account, en.alarm.AlarmName}
		at := e.evaluationEnd(now, alarmPeriod(en.alarm))
		if c, ok := e.alarmCache.Load(key); ok {
			if c := c.(cachedEval); c.at.Equal(at) && c.revision == en.alarm.Revision {
				en.result, en.err = c.result, c.err
				return
			}
		}
		res, err := e.evaluateAlarm(ctx, en.alarm, now)
		if err != nil {
			// Logged once per period; the policy then acts on the alarm's stored state.
			en.err = err
			e.log.WarnContext(ctx, "evaluate alarm", "account", en.alarm.Account, "alarm", en.alarm.AlarmName, "err", err)
			if ctx.Err() == nil {
				e.alarmCache.Store(key, cachedEval{at: at, revision: en.alarm.Revision, err: err})
			}
			return
		}
		en.result = res
		defer func() {
			e.alarmCache.Store(key, cachedEval{at: at, revision: en.alarm.Revision, result: res})
		}()
		if res.State == en.alarm.StateValue {
			return
		}
		a := en.alarm
		a.StateValue, a.StateReason, a.StateUpdatedAt = res.State, res.Reason, now
		a.StateReasonData = reasonData(a, res, now)
		stored, err := e.store.PutAlarm(ctx, a)
		if err != nil {
			// A concurrent PutMetricAlarm changed it: the next tick evaluates the new one.
			e.log.WarnContext(ctx, "record alarm state", "account", a.Account, "alarm", a.AlarmName, "state", a.StateValue, "err", err)
			return
		}
		en.alarm = stored
	})
}

// evaluateAlarm queries the alarm's metric over its evaluation window, aligned to whole
// periods so that each datapoint covers a complete period, and evaluates it.
func (e *Evaluator) evaluateAlarm(ctx context.Context, a model.MetricAlarm, now time.Time) (scaling.AlarmResult, error) {
	period := alarmPeriod(a)
	n := max(int(a.EvaluationPeriods), 1)
	at := e.evaluationEnd(now, period)
	start := at.Add(-time.Duration(n) * period)
	var samples []metrics.Sample
	if len(a.Metrics) > 0 {
		series, err := mathexpr.Evaluate(ctx, e.metrics, a.Account, a.Metrics, start, at, period)
		if err != nil {
			return scaling.AlarmResult{}, fmt.Errorf("metric math: %w", err)
		}
		if len(series) != 1 {
			return scaling.AlarmResult{}, fmt.Errorf("metric math returns %d time series, want exactly one", len(series))
		}
		for _, s := range series {
			samples = s
		}
	} else {
		stat := a.Statistic
		if stat == "" {
			stat = a.ExtendedStatistic
		}
		q := metrics.Query{
			Metric:    metrics.MetricID{Account: a.Account, Namespace: a.Namespace, Name: a.MetricName, Dimensions: a.Dimensions},
			Statistic: stat,
			Unit:      a.Unit,
			Start:     start,
			End:       at,
			Period:    period,
		}
		var err error
		samples, err = e.metrics.Query(ctx, q)
		if err != nil && !errors.Is(err, metrics.ErrNoData) {
			return scaling.AlarmResult{}, fmt.Errorf("query %s/%s: %w", a.Namespace, a.MetricName, err)
		}
		if a.EvaluateLowSampleCountPercentile == "ignore" && len(samples) > 0 {
			kept, err := e.significant(ctx, q, a.ExtendedStatistic, samples)
			if err != nil {
				return scaling.AlarmResult{}, err
			}
			if len(kept) == 0 && a.StateValue != "" {
				// Every period had too few samples: the state does not change.
				return scaling.AlarmResult{State: a.StateValue, Reason: a.StateReason}, nil
			}
			samples = kept
		}
	}
	return scaling.EvaluateAlarm(a, samples, at), nil
}

// significant drops the datapoints of a percentile alarm whose period holds fewer samples
// than CloudWatch deems statistically significant (scaling.LowSampleCount), for alarms with
// EvaluateLowSampleCountPercentile "ignore". Other statistics keep every datapoint.
func (e *Evaluator) significant(ctx context.Context, q metrics.Query, stat string, samples []metrics.Sample) ([]metrics.Sample, error) {
	p, err := metrics.ParsePercentile(stat)
	if err != nil {
		return samples, nil
	}
	need := scaling.LowSampleCount(p)
	if need == 0 {
		return samples, nil
	}
	q.Statistic = metrics.StatSampleCount
	counts, err := e.metrics.Query(ctx, q)
	if err != nil && !errors.Is(err, metrics.ErrNoData) {
		return nil, fmt.Errorf("query %s/%s sample counts: %w", q.Metric.Namespace, q.Metric.Name, err)
	}
	n := make(map[int64]float64, len(counts))
	for _, c := range counts {
		n[c.Time.UnixNano()] = c.Value
	}
	kept := samples[:0:0]
	for _, s := range samples {
		if n[s.Time.UnixNano()] >= need {
			kept = append(kept, s)
		}
	}
	return kept, nil
}

// evaluationEnd is the end of the last period whose datapoints have all arrived at now.
func (e *Evaluator) evaluationEnd(now time.Time, period time.Duration) time.Time {
	return now.Add(-e.metricDelay).Truncate(period)
}

func alarmPeriod(a model.MetricAlarm) time.Duration {
	if a.Period <= 0 {
		return time.Minute
	}
	return time.Duration(a.Period) * time.Second
}

// forgetAlarms drops cached evaluations of alarms that no longer exist.
func (e *Evaluator) forgetAlarms(s *snapshot, alarms int) {
	n := 0
	e.alarmCache.Range(func(any, any) bool { n++; return n <= alarms })
	if n <= alarms {
		return
	}
	live := make(map[alarmKey]bool, alarms)
	for _, list := range s.managed {
		for _, en := range list {
			live[alarmKey{en.alarm.Account, en.alarm.AlarmName}] = true
		}
	}
	for _, list := range s.byAction {
		for _, en := range list {
			live[alarmKey{en.alarm.Account, en.alarm.AlarmName}] = true
		}
	}
	e.alarmCache.Range(func(k, _ any) bool {
		if !live[k.(alarmKey)] {
			e.alarmCache.Delete(k)
		}
		return true
	})
}

// reasonData is the CloudWatch StateReasonData document of an evaluation: the query window,
// statistic, period, threshold and the datapoints used (oldest first).
func reasonData(a model.MetricAlarm, res scaling.AlarmResult, now time.Time) string {
	const layout = "2006-01-02T15:04:05.000-0700"
	period := alarmPeriod(a)
	at := now.Truncate(period)
	type point struct {
		Timestamp string  `json:"timestamp"`
		Value     float64 `json:"value"`
	}
	doc := struct {
		Version             string    `json:"version"`
		QueryDate           string    `json:"queryDate"`
		StartDate           string    `json:"startDate"`
		Statistic           string    `json:"statistic,omitempty"`
		Period              int       `json:"period"`
		RecentDatapoints    []float64 `json:"recentDatapoints"`
		Threshold           float64   `json:"threshold"`
		EvaluatedDatapoints []point   `json:"evaluatedDatapoints,omitempty"`
	}{
		Version:          "1.0",
		QueryDate:        now.UTC().Format(layout),
		StartDate:        at.Add(-time.Duration(max(a.EvaluationPeriods, 1)) * period).UTC().Format(layout),
		Statistic:        a.Statistic,
		Period:           int(period / time.Second),
		RecentDatapoints: []float64{},
		Threshold:        a.Threshold,
	}
	for i := len(res.Datapoints) - 1; i >= 0; i-- {
		d := res.Datapoints[i]
		doc.RecentDatapoints = append(doc.RecentDatapoints, d.Value)
		doc.EvaluatedDatapoints = append(doc.EvaluatedDatapoints, point{Timestamp: d.Time.UTC().Format(layout), Value: d.Value})
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return ""
	}
	return string(b)
}
