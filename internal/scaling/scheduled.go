package scaling

import (
	"sort"
	"time"

	"github.com/scaled-dev/scaled/internal/model"
)

// Due is a scheduled action to run now.
type Due struct {
	Action model.ScheduledAction
	// At is the fire time being honoured (the latest one in the evaluated window).
	At time.Time
	// Err is set when the action's schedule could not be parsed; At is zero then and the
	// action must not run.
	Err error
}

// DueScheduledActions returns the actions that fire in the window (from, now], where from is
// the latest of lastEvaluated, the action's last run (lastRuns, keyed by action name) and just
// before the action's CreationTime. Missed fire times before from are skipped (that is how
// scheduled scaling resumes after suspension or downtime); several fire times in the window
// run once. For rate() the recurrence is anchored at StartTime, or else at CreationTime, and
// the first run is at the anchor; cron() and rate() fire only within [StartTime, EndTime];
// at() ignores StartTime and EndTime. The result is ordered by fire time, then name; the
// inputs are not modified.
func DueScheduledActions(now, lastEvaluated time.Time, actions []model.ScheduledAction, lastRuns map[string]time.Time) []Due {
	var out []Due
	for _, a := range actions {
		s, err := ParseSchedule(a.Schedule, a.Timezone)
		if err != nil {
			out = append(out, Due{Action: a, Err: err})
			continue
		}
		from := lastEvaluated
		if r, ok := lastRuns[a.Name]; ok && r.After(from) {
			from = r
		}
		if !a.CreationTime.IsZero() {
			if c := a.CreationTime.Add(-time.Nanosecond); c.After(from) {
				from = c
			}
		}
		if s.kind != kindAt {
			if s.kind == kindRate {
				anchor := a.CreationTime
				if a.StartTime != nil {
					anchor = *a.StartTime
				}
				s = s.WithAnchor(anchor)
			}
			if a.StartTime != nil {
				if st := a.StartTime.Add(-time.Nanosecond); st.After(from) {
					from = st
				}
			}
		}
		limit := now
		if s.kind != kindAt && a.EndTime != nil && a.EndTime.Before(limit) {
			limit = *a.EndTime
		}
		if !limit.After(from) {
			continue
		}
		at, ok := s.Last(from, limit)
		if !ok {
			continue
		}
		out = append(out, Due{Action: a, At: at})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return out[i].Action.Name < out[j].Action.Name
	})
	return out
}

// ScheduledOutcome is what running one scheduled action does to a target.
type ScheduledOutcome struct {
	// Min and Max are the target's bounds after the action (unchanged when Failed).
	Min, Max int32
	// The min/max activity: Description "Setting min capacity to 15 and max capacity to 20",
	// Cause "scheduled action name X was triggered", StatusMessage
	// "Successfully set min capacity to 15 and max capacity to 20" (status Successful, no
	// EndTime) or, when Failed, a message saying why (status Failed).
	Description   string
	Cause         string
	StatusMessage string
	Failed        bool
	// The clamp that follows when the current capacity is outside the new bounds: Change,
	// the capacity to set, its direction and the activity texts ("Setting write capacity
	// units to 15.", "minimum capacity was set to 15").
	Change           bool
	Desired          int32
	Direction        Direction
	ClampDescription string
	ClampCause       string
}

// ApplyScheduled runs a scheduled action against a target whose capacity is current
// (AWS-SPEC §7.3): it sets the given bounds, and scales out to the new minimum or in to the
// new maximum when current lies outside them. Cooldowns do not apply. A single bound that
// would cross the existing other bound (or two crossing bounds) fails the action and leaves
// the target unchanged.
func ApplyScheduled(t model.ScalableTarget, a model.ScheduledAction, current int32) ScheduledOutcome {
	mn, mx := a.ScalableTargetAction.MinCapacity, a.ScalableTargetAction.MaxCapacity
	o := ScheduledOutcome{
		Min:         t.MinCapacity,
		Max:         t.MaxCapacity,
		Description: DescribeSetMinMax(mn, mx),
		Cause:       ScheduledCause(a.Name),
	}
	newMin, newMax := t.MinCapacity, t.MaxCapacity
	if mn != nil {
		newMin = *mn
	}
	if mx != nil {
		newMax = *mx
	}
	if newMin > newMax {
		o.Failed = true
		o.StatusMessage = "Failed to set " + minMaxPhrase(mn, mx) + ". Minimum capacity " + itoa(newMin) +
			" cannot be greater than maximum capacity " + itoa(newMax) + "."
		return o
	}
	if newMin < 0 || newMax < 0 {
		o.Failed = true
		o.StatusMessage = "Failed to set " + minMaxPhrase(mn, mx) + ". Capacity cannot be negative."
		return o
	}
	o.Min, o.Max = newMin, newMax
	o.StatusMessage = SetMinMaxMessage(mn, mx)
	if n, cause, changed := Clamp(current, newMin, newMax); changed {
		o.Change, o.Desired, o.ClampCause = true, n, cause
		o.ClampDescription = DescribeSetCapacity(t.Dimension, n)
		if n > current {
			o.Direction = ScaleOut
		} else {
			o.Direction = ScaleIn
		}
	} else {
		o.Desired = current
	}
	return o
}

// Clamp brings current into [min, max]: below min it returns min with cause "minimum capacity
// was set to <min>", above max it returns max with "maximum capacity was set to <max>".
// changed is false (and cause empty) when current is already within the bounds.
func Clamp(current, min, max int32) (n int32, cause string, changed bool) {
	switch {
	case current < min:
		return min, MinCapacityCause(min), true
	case current > max:
		return max, MaxCapacityCause(max), true
	}
	return current, "", false
}
