package control

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"reflect"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
	"github.com/scaled-dev/scaled/internal/scaling"
	"github.com/scaled-dev/scaled/internal/store"
)

// Problem keys kept in model.TargetState.Problem.
const (
	problemNoActuator  = "no-actuator"
	problemNotScalable = "not-scalable"
	problemState       = "state-unreadable"
)

// targetEval is one evaluation of one target at one instant.
type targetEval struct {
	e    *Evaluator
	snap *snapshot
	t    model.ScalableTarget
	now  time.Time
	lg   *slog.Logger // see log

	st    model.TargetState
	dirty bool
	// seq orders the activities this evaluation starts (1 ms apart) so that listings,
	// newest first, show them in the order they happened.
	seq int
}

func (te *targetEval) key() model.TargetKey { return te.t.TargetKey }

// log returns the logger with the target's attributes, built on first use.
func (te *targetEval) log() *slog.Logger {
	if te.lg == nil {
		te.lg = te.e.log.With(targetAttrs(te.key()))
	}
	return te.lg
}

func (te *targetEval) run(ctx context.Context) error {
	e := te.e
	st, err := e.store.GetTargetState(ctx, te.key())
	switch {
	case errors.Is(err, store.ErrNotFound):
		st = model.TargetState{TargetKey: te.key()}
	case err != nil:
		return fmt.Errorf("get target state: %w", err)
	}
	te.st = st

	// 1. The resource's state.
	act, hasActuator := e.resources.Lookup(resource.Kind{Namespace: te.t.Namespace, Dimension: te.t.Dimension})
	var cur resource.State
	haveCur := false
	if !hasActuator {
		if err := te.problem(ctx, problemNoActuator, "no actuator is registered for "+te.t.Namespace+" "+te.t.Dimension, noActuatorMessage(te.key())); err != nil {
			return err
		}
	} else {
		actx, cancel := context.WithTimeout(ctx, e.actuatorTimeout)
		cur, err = act.State(actx, te.key())
		cancel()
		switch {
		case err == nil:
			haveCur = true
			te.st.Problem, te.dirty = "", te.dirty || te.st.Problem != ""
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, resource.ErrNotScalable):
			if err := te.problem(ctx, problemNotScalable, "the target service reports the resource as not scalable", plainReason(err)); err != nil {
				return err
			}
		default:
			if err := te.problem(ctx, problemState, "reading the current capacity failed", "Unable to read the current capacity: "+plainReason(err)); err != nil {
				return err
			}
		}
	}

	// 2. Scheduled actions.
	if err := te.runSchedules(ctx, cur, haveCur); err != nil {
		return err
	}

	// 3. Alarms of the target's policies.
	inputs := te.policyInputs(ctx)

	if !haveCur {
		return te.save(ctx)
	}

	// 4. The change requested on an earlier tick.
	if err := te.confirm(ctx, cur); err != nil {
		return err
	}

	// 5. Capacity outside [Min, Max]. A clamp the resource refused is retried with backoff
	// (policy-driven changes are paced by their alarms instead).
	if n, cause, changed := scaling.Clamp(cur.Desired, te.t.MinCapacity, te.t.MaxCapacity); changed {
		if !e.clampAllowed(te.key(), te.now) {
			return te.save(ctx)
		}
		if err := te.change(ctx, act, cur, change{desired: n, cause: cause}); err != nil {
			return err
		}
		e.clampDone(te.key(), te.now, te.st.InFlightActivityID != "")
		return te.save(ctx)
	}
	e.clampDone(te.key(), te.now, true)

	// 6. Policies.
	in := scaling.Input{
		Now:      te.now,
		Target:   te.t,
		Current:  cur.Desired,
		Policies: inputs,
		State:    te.st,
	}
	if te.st.InFlightActivityID != "" {
		in.InFlight = &scaling.InFlight{
			Direction: direction(te.st.InFlightFrom, te.st.InFlightDesired),
			Policy:    te.st.InFlightPolicy,
			Desired:   te.st.InFlightDesired,
			Base:      te.st.InFlightBase,
		}
	}
	d := scaling.Decide(in)
	if !reflect.DeepEqual(d.NewState, te.st) {
		te.st, te.dirty = d.NewState, true
	}
	switch {
	case d.Change:
		if err := te.change(ctx, act, cur, change{desired: d.Desired, policy: d.Policy, base: d.Base, cause: d.Cause}); err != nil {
			return err
		}
	case d.RecordNotScaled:
		a := te.newActivity(d.Description, d.Cause)
		a.StatusCode = model.StatusFailed
		a.NotScaledReasons = d.NotScaled
		if err := te.putActivity(ctx, a); err != nil {
			return err
		}
	}
	return te.save(ctx)
}

// save writes the target state if it changed.
func (te *targetEval) save(ctx context.Context) error {
	if !te.dirty {
		return nil
	}
	st, err := te.e.store.PutTargetState(ctx, te.st)
	if err != nil {
		return fmt.Errorf("put target state: %w", err)
	}
	te.st, te.dirty = st, false
	return nil
}

func (te *targetEval) newActivity(description, cause string) model.ScalingActivity {
	start := te.now.Add(time.Duration(te.seq) * time.Millisecond)
	te.seq++
	return model.ScalingActivity{
		ActivityID:  uuid.NewString(),
		TargetKey:   te.key(),
		Description: description,
		Cause:       cause,
		StartTime:   start,
	}
}

func (te *targetEval) putActivity(ctx context.Context, a model.ScalingActivity) error {
	if err := te.e.store.PutActivity(ctx, a); err != nil {
		return fmt.Errorf("put activity %s (%s): %w", a.ActivityID, a.StatusCode, err)
	}
	te.e.observer.ObserveActivity(a.StatusCode, a.NotScaled())
	return nil
}

func (te *targetEval) endTime() *time.Time {
	t := te.now
	return &t
}

// problem records a Failed activity when a new problem episode starts.
func (te *targetEval) problem(ctx context.Context, key, cause, message string) error {
	if te.st.Problem == key {
		return nil
	}
	a := te.newActivity("Unable to scale "+te.t.ResourceID+".", cause)
	a.StatusCode = model.StatusFailed
	a.StatusMessage = message
	a.EndTime = te.endTime()
	if err := te.putActivity(ctx, a); err != nil {
		return err
	}
	te.st.Problem, te.dirty = key, true
	te.log().WarnContext(ctx, "target cannot be scaled", "reason", message)
	return nil
}

// noActuatorMessage explains that no actuator serves a target's kind.
func noActuatorMessage(k model.TargetKey) string {
	switch k.Dimension {
	case "sagemaker:inference-component:DesiredCopyCount":
		return "No runtime is attached for sagemaker inference components; start scaled with the local runtime to scale " + k.ResourceID + "."
	case "custom-resource:ResourceType:Property":
		return "No actuator is attached for custom resources; start scaled with the custom-resource actuator enabled to scale " + k.ResourceID + "."
	}
	return "No actuator is attached for " + k.Namespace + " (" + k.Dimension + "); scaled cannot change the capacity of " + k.ResourceID + "."
}

// runSchedules applies the scheduled actions that are due: new bounds, with one Successful
// (or Failed) activity per action. The clamp that may follow is step 5.
func (te *targetEval) runSchedules(ctx context.Context, cur resource.State, haveCur bool) error {
	e := te.e
	k := te.key()
	e.mu.Lock()
	last := e.schedEval[k]
	e.mu.Unlock()
	markEvaluated := func() {
		e.mu.Lock()
		e.schedEval[k] = te.now
		e.mu.Unlock()
	}
	actions := te.snap.schedules[k]
	if len(actions) == 0 || te.t.SuspendedState.ScheduledScalingSuspended {
		markEvaluated()
		return nil
	}
	due := scaling.DueScheduledActions(te.now, last, actions, te.st.ScheduledRuns)
	for _, d := range due {
		if d.Err != nil {
			te.badSchedule(ctx, d)
			continue
		}
		current := te.t.MinCapacity // without a state there is nothing to clamp
		if haveCur {
			current = cur.Desired
		}
		o := scaling.ApplyScheduled(te.t, d.Action, current)
		if !o.Failed && (o.Min != te.t.MinCapacity || o.Max != te.t.MaxCapacity) {
			if err := te.setBounds(ctx, d.Action, current, &o); err != nil {
				return err
			}
		}
		a := te.newActivity(o.Description, o.Cause)
		a.StatusCode = model.StatusSuccessful
		if o.Failed {
			a.StatusCode = model.StatusFailed
		}
		a.StatusMessage = o.StatusMessage
		if err := te.putActivity(ctx, a); err != nil {
			return err
		}
		runs := make(map[string]time.Time, len(te.st.ScheduledRuns)+1)
		maps.Copy(runs, te.st.ScheduledRuns)
		runs[d.Action.Name] = d.At
		te.st.ScheduledRuns, te.dirty = runs, true
	}
	markEvaluated()
	return nil
}

// setBounds writes the new bounds with compare-and-swap, re-reading the target once on a
// conflict (an API call changed it meanwhile) and applying the action to the fresh copy.
func (te *targetEval) setBounds(ctx context.Context, a model.ScheduledAction, current int32, o *scaling.ScheduledOutcome) error {
	for attempt := 0; ; attempt++ {
		t := te.t
		t.MinCapacity, t.MaxCapacity = o.Min, o.Max
		stored, err := te.e.store.PutTarget(ctx, t)
		if err == nil {
			te.t = stored
			return nil
		}
		if !errors.Is(err, store.ErrConflict) || attempt > 0 {
			return fmt.Errorf("scheduled action %s: set bounds: %w", a.Name, err)
		}
		fresh, gerr := te.e.store.GetTarget(ctx, te.key())
		if gerr != nil {
			return fmt.Errorf("scheduled action %s: reload target: %w", a.Name, gerr)
		}
		te.t = fresh
		*o = scaling.ApplyScheduled(te.t, a, current)
		if o.Failed || (o.Min == te.t.MinCapacity && o.Max == te.t.MaxCapacity) {
			return nil
		}
	}
}

func (te *targetEval) badSchedule(ctx context.Context, d scaling.Due) {
	e := te.e
	msg := d.Err.Error()
	e.mu.Lock()
	seen := e.badSchedules[d.Action.ScheduledActionKey] == msg
	e.badSchedules[d.Action.ScheduledActionKey] = msg
	e.mu.Unlock()
	if !seen {
		te.log().WarnContext(ctx, "scheduled action has an invalid schedule; skipped", "action", d.Action.Name, "schedule", d.Action.Schedule, "err", d.Err)
	}
}

// policyInputs evaluates the alarms of every policy of the target.
func (te *targetEval) policyInputs(ctx context.Context) []scaling.PolicyInput {
	policies := te.snap.policies[te.key()]
	if len(policies) == 0 {
		return nil
	}
	out := make([]scaling.PolicyInput, 0, len(policies))
	for _, p := range policies {
		if p.TargetTracking == nil && p.StepScaling == nil {
			continue // predictive policies are stored, not acted on
		}
		pi := scaling.PolicyInput{Policy: p}
		for _, en := range te.snap.alarmsOf(p) {
			en.evaluate(ctx, te.e, te.now)
			if en.alarm.ManagedBy == "" && !en.alarm.ActionsEnabled {
				continue // a user alarm with actions disabled invokes nothing
			}
			pi.Alarms = append(pi.Alarms, scaling.AlarmInput{Alarm: en.alarm, Result: en.result})
		}
		out = append(out, pi)
	}
	return out
}

// plainReason is an actuator error as a sentence for an activity: without the
// resource.ErrNotScalable sentinel's own text, which only classifies the error.
func plainReason(err error) string {
	s := err.Error()
	p := resource.ErrNotScalable.Error()
	s = strings.Replace(s, p+": ", "", 1)
	s = strings.TrimSuffix(s, ": "+p)
	return s
}

func direction(from, to int32) scaling.Direction {
	switch {
	case to > from:
		return scaling.ScaleOut
	case to < from:
		return scaling.ScaleIn
	}
	return 0
}

// confirm settles the change requested on an earlier tick, if any.
func (te *targetEval) confirm(ctx context.Context, cur resource.State) error {
	st := &te.st
	if st.InFlightActivityID == "" {
		return nil
	}
	a, err := te.e.store.GetActivity(ctx, te.t.Account, st.InFlightActivityID)
	if errors.Is(err, store.ErrNotFound) {
		te.clearInFlight()
		return nil
	}
	if err != nil {
		return fmt.Errorf("get in-flight activity: %w", err)
	}
	n := st.InFlightDesired
	dim := te.t.Dimension
	switch {
	case a.StatusCode != model.StatusPending && a.StatusCode != model.StatusInProgress:
		// Already settled (for example by an evaluator that stopped before clearing it).
		te.clearInFlight()
		return nil
	case cur.Desired != n && a.StatusCode == model.StatusPending:
		a.StatusCode = model.StatusFailed
		a.StatusMessage = scaling.FailedMessage(dim, n, fmt.Sprintf("the request was not applied: %s reports a %s of %d.", te.t.Namespace, scaling.CapacityNoun(dim), cur.Desired))
	case cur.Desired != n:
		a.StatusCode = model.StatusOverridden
		a.StatusMessage = fmt.Sprintf("The %s was changed to %d outside scaled before the change was fulfilled.", scaling.CapacityNoun(dim), cur.Desired)
	case cur.Status == resource.StatusFailed:
		reason := cur.Message
		if reason == "" {
			reason = te.t.Namespace + " reported the change as failed."
		}
		a.StatusCode = model.StatusFailed
		a.StatusMessage = scaling.FailedMessage(dim, n, reason)
	case cur.Status == resource.StatusSuccessful && cur.Actual == n:
		a.StatusCode = model.StatusSuccessful
		a.StatusMessage = scaling.SuccessMessage(dim, n)
		if st.InFlightPolicy != "" {
			*st = scaling.CompleteActivity(*st, direction(st.InFlightFrom, n), st.InFlightPolicy, te.now, st.InFlightBase)
		}
	case st.InFlightSince != nil && te.now.Sub(*st.InFlightSince) >= te.e.inFlightTimeout:
		a.StatusCode = model.StatusUnfulfilled
		a.StatusMessage = withDetail(fmt.Sprintf("The change to %s %d was not fulfilled within %s; actual capacity is %d.", scaling.CapacityNoun(dim), n, te.e.inFlightTimeout, cur.Actual), cur.Message)
	default:
		// Still converging. A request whose answer was lost (timeout or restart) was
		// accepted after all; and what the resource says about its progress (for example
		// copies that do not fit on the host) is shown on the activity as it changes.
		msg := withDetail(scaling.InProgressMessage(dim, n), cur.Message)
		if a.StatusCode == model.StatusInProgress && a.StatusMessage == msg {
			return nil
		}
		a.StatusCode, a.StatusMessage = model.StatusInProgress, msg
		return te.putActivity(ctx, a)
	}
	a.EndTime = te.endTime()
	if err := te.putActivity(ctx, a); err != nil {
		return err
	}
	te.clearInFlight()
	return nil
}

func (te *targetEval) clearInFlight() {
	st := &te.st
	st.InFlightActivityID, st.InFlightDesired, st.InFlightSince = "", 0, nil
	st.InFlightPolicy, st.InFlightFrom, st.InFlightBase = "", 0, 0
	te.dirty = true
}

// change is a capacity change to request.
type change struct {
	desired int32
	policy  string // "" for a min/max clamp
	base    int32
	cause   string
}

// change records the activity and the in-flight state, then calls the actuator. A change
// still in flight is marked Overridden first.
func (te *targetEval) change(ctx context.Context, act resource.Actuator, cur resource.State, c change) error {
	dim := te.t.Dimension
	if te.st.InFlightActivityID != "" {
		if err := te.override(ctx, c.desired); err != nil {
			return err
		}
	}
	a := te.newActivity(scaling.DescribeSetCapacity(dim, c.desired), c.cause)
	a.StatusCode = model.StatusPending
	// The in-flight record first, then the activity, then the request: a crash between any
	// two steps leaves nothing to repeat and no activity that is never settled (an in-flight
	// record whose activity is missing is dropped on the next tick).
	since := te.now
	desired := c.desired
	st := &te.st
	st.InFlightActivityID, st.InFlightDesired, st.InFlightSince = a.ActivityID, c.desired, &since
	st.InFlightPolicy, st.InFlightFrom, st.InFlightBase = c.policy, cur.Desired, c.base
	st.LastDesired = &desired
	te.dirty = true
	if err := te.save(ctx); err != nil {
		return err
	}
	if err := te.putActivity(ctx, a); err != nil {
		te.clearInFlight()
		if serr := te.save(ctx); serr != nil {
			te.log().ErrorContext(ctx, "clear in-flight record", "err", serr)
		}
		return err
	}

	actx, cancel := context.WithTimeout(ctx, te.e.actuatorTimeout)
	err := act.SetDesired(actx, te.key(), c.desired)
	timedOut := actx.Err() != nil || errors.Is(err, context.DeadlineExceeded)
	cancel()
	switch {
	case err == nil:
		a.StatusCode = model.StatusInProgress
		a.StatusMessage = scaling.InProgressMessage(dim, c.desired)
		te.log().InfoContext(ctx, "capacity change requested", "from", cur.Desired, "to", c.desired, "cause", c.cause)
		return te.putActivity(ctx, a)
	case timedOut || ctx.Err() != nil:
		// The request may have reached the resource: a later tick confirms or fails it.
		te.log().WarnContext(ctx, "capacity change request timed out; will confirm on a later tick", "to", c.desired, "err", err)
		return nil
	default:
		a.StatusCode = model.StatusFailed
		a.StatusMessage = scaling.FailedMessage(dim, c.desired, plainReason(err))
		a.EndTime = te.endTime()
		te.clearInFlight()
		te.log().WarnContext(ctx, "capacity change refused", "to", c.desired, "err", err)
		return te.putActivity(ctx, a)
	}
}

// override marks the in-flight activity Overridden by a newer change to n.
func (te *targetEval) override(ctx context.Context, n int32) error {
	a, err := te.e.store.GetActivity(ctx, te.t.Account, te.st.InFlightActivityID)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return fmt.Errorf("get in-flight activity: %w", err)
	case a.StatusCode == model.StatusPending || a.StatusCode == model.StatusInProgress:
		a.StatusCode = model.StatusOverridden
		a.StatusMessage = fmt.Sprintf("Overridden by a newer scaling activity that sets the %s to %d.", scaling.CapacityNoun(te.t.Dimension), n)
		a.EndTime = te.endTime()
		if err := te.putActivity(ctx, a); err != nil {
			return err
		}
	}
	te.clearInFlight()
	return nil
}

// withDetail appends what the resource reported to an activity message.
func withDetail(msg, detail string) string {
	if detail == "" {
		return msg
	}
	detail = strings.TrimSuffix(detail, ".")
	return msg + " " + strings.ToUpper(detail[:1]) + detail[1:] + "."
}
