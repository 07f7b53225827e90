package scaling

import (
	"strings"
	"time"

	"github.com/scaled-dev/scaled/internal/model"
)

// notScaledKeySep separates the alarm name from the reason code in PolicyState.LastNotScaledKey.
const notScaledKeySep = "\x1f"

// candidate is one policy invocation's proposal (or not-scaled reason).
type candidate struct {
	dir     Direction
	desired int32 // unclamped proposal
	base    int32
	policy  string
	alarm   string
	reason  string // not-scaled code when the invocation proposes nothing
}

// ttLow gathers the low-alarm view of one target-tracking policy with scale-in enabled.
type ttLow struct {
	ready  bool // low alarm in ALARM, metric known, not in scale-in cooldown
	due    bool // the low alarm invokes the policy now
	policy string
	alarm  string
	result TTResult
}

// Decide combines all policies of one target at in.Now (AWS-SPEC §5, §6, §8, §9):
//   - An alarm in ALARM invokes its policy when it enters ALARM and then once per alarm
//     period while it stays there (PolicyState.LastInvokedAt keeps the episode).
//   - Target tracking scales out if any policy's high alarm invokes it; it scales in only if
//     all target-tracking policies with scale-in enabled are in their low alarm and ready.
//   - Step policies act on their own (not coordinated with target tracking).
//   - Proposals are clamped to [MinCapacity, MaxCapacity]; among the remaining changes the
//     largest resulting capacity wins (so any scale-out beats any scale-in).
//   - Suspended directions are dropped without a trace.
//   - During a policy's scale-out cooldown (or while its own scale-out is in flight) it
//     computes from the cooldown base and only a larger scale-out proceeds; during its
//     scale-in cooldown (or while any scale-in is in flight) its scale-ins are blocked.
//   - If nothing changes, the first not-scaled reason is reported, with RecordNotScaled set
//     once per alarm episode and reason.
func Decide(in Input) Decision {
	d := Decision{Desired: in.Current}
	st := in.State
	st.Policies = make(map[string]model.PolicyState, len(in.State.Policies)+len(in.Policies))
	for k, v := range in.State.Policies {
		st.Policies[k] = v
	}
	ns := in.Target.Namespace
	now := in.Now

	var cands []candidate
	var lows []ttLow
	lowTriggered := false

	for _, pi := range in.Policies {
		p := pi.Policy
		if p.TargetTracking == nil && p.StepScaling == nil {
			continue
		}
		name := p.Name
		ps := st.Policies[name]
		// invoked is copied on first write so the input state is never modified.
		invoked, copied := ps.LastInvokedAt, false
		own := func() {
			if !copied {
				m := make(map[string]time.Time, len(invoked)+1)
				for k, v := range invoked {
					m[k] = v
				}
				invoked, copied = m, true
			}
		}
		outCD, inCD := Cooldowns(ns, p)
		var disableIn bool
		if tt := p.TargetTracking; tt != nil && tt.DisableScaleIn != nil {
			disableIn = *tt.DisableScaleIn
		}
		low := ttLow{policy: name}
		hasLow := false

		for _, ai := range pi.Alarms {
			a := ai.Alarm
			state := ai.Result.State
			if state == "" {
				state = a.StateValue
			}
			if state != model.AlarmAlarm {
				if _, ok := invoked[a.AlarmName]; ok {
					own()
					delete(invoked, a.AlarmName)
				}
				if strings.HasPrefix(ps.LastNotScaledKey, a.AlarmName+notScaledKeySep) {
					ps.LastNotScaledKey = ""
				}
				continue
			}
			period := alarmPeriod(a)
			due := false
			last, seen := invoked[a.AlarmName]
			if !seen || !now.Before(last.Add(period)) {
				due = true
				own()
				invoked[a.AlarmName] = now
				last = now
			}
			if next := last.Add(period); d.NextDue.IsZero() || next.Before(d.NextDue) {
				d.NextDue = next
			}

			if tt := p.TargetTracking; tt != nil {
				kind := TTAlarmKind(a)
				m, haveMetric := metricValue(ai)
				switch kind {
				case AlarmHigh:
					if !due || !haveMetric {
						continue
					}
					base, cooling := inScaleOutCooldown(ps, outCD, now)
					if f := in.InFlight; f != nil && f.Direction == ScaleOut && f.Policy == name {
						base, cooling = f.Base, true
					}
					if !cooling {
						base = in.Current
					}
					r := TargetTracking(TTInput{Current: base, TargetValue: tt.TargetValue, Metric: m, Alarm: AlarmHigh})
					switch {
					case r.Direction == ScaleOut:
						cands = append(cands, candidate{dir: ScaleOut, desired: r.Desired, base: base, policy: name, alarm: a.AlarmName})
					case !cooling && base > 0:
						cands = append(cands, candidate{dir: ScaleOut, desired: in.Current, policy: name, alarm: a.AlarmName, reason: ReasonAlreadyAtDesiredCapacity})
					}
				case AlarmLow:
					if disableIn {
						continue
					}
					hasLow = true
					low.alarm = a.AlarmName
					low.due = due
					if due {
						lowTriggered = true
					}
					if !haveMetric || inScaleInCooldown(ps, inCD, now) || (in.InFlight != nil && in.InFlight.Direction == ScaleIn) ||
						staleForScaleIn(ai.Result, period, in.State.LastChangeAt) {
						continue
					}
					low.ready = true
					low.result = TargetTracking(TTInput{Current: in.Current, TargetValue: tt.TargetValue, Metric: m, Alarm: AlarmLow})
				}
				continue
			}

			// Step scaling.
			if !due {
				continue
			}
			sc := p.StepScaling
			value, ok := aggregateSamples(sc.MetricAggregationType, ai)
			if !ok {
				continue
			}
			step := StepInput{Current: in.Current, Config: *sc, Threshold: a.Threshold, Value: value}
			prop, ok := Step(step)
			if !ok {
				continue
			}
			switch {
			case prop > in.Current:
				base, cooling := inScaleOutCooldown(ps, outCD, now)
				if f := in.InFlight; f != nil && f.Direction == ScaleOut && f.Policy == name {
					base, cooling = f.Base, true
				}
				if cooling {
					step.Current = base
					prop, _ = Step(step)
					if prop <= in.Current {
						continue // the earlier scale-out already covers this one
					}
				} else {
					base = in.Current
				}
				cands = append(cands, candidate{dir: ScaleOut, desired: prop, base: base, policy: name, alarm: a.AlarmName})
			case prop < in.Current:
				if inScaleInCooldown(ps, inCD, now) || (in.InFlight != nil && in.InFlight.Direction == ScaleIn) {
					continue
				}
				cands = append(cands, candidate{dir: ScaleIn, desired: prop, base: in.Current, policy: name, alarm: a.AlarmName})
			default:
				dir := ScaleOut
				if value < a.Threshold {
					dir = ScaleIn
				}
				cands = append(cands, candidate{dir: dir, desired: prop, policy: name, alarm: a.AlarmName, reason: ReasonAlreadyAtDesiredCapacity})
			}
		}
		if p.TargetTracking != nil && !disableIn {
			if !hasLow {
				low.ready = false
			}
			lows = append(lows, low)
		}
		if len(invoked) == 0 {
			invoked = nil
		}
		ps.LastInvokedAt = invoked
		st.Policies[name] = ps
	}

	// Target-tracking scale-in: every participant must be ready and propose a scale-in.
	if lowTriggered {
		all := true
		var best *ttLow
		var flapping *ttLow
		for i := range lows {
			l := &lows[i]
			if !l.ready {
				all = false
				break
			}
			if l.result.Direction != ScaleIn {
				if flapping == nil && l.due && l.result.NotScaled != "" {
					flapping = l
				}
				all = false
				continue
			}
			if best == nil || l.result.Desired > best.result.Desired {
				best = l
			}
		}
		switch {
		case all && best != nil:
			cands = append(cands, candidate{dir: ScaleIn, desired: best.result.Desired, base: in.Current, policy: best.policy, alarm: best.alarm})
		case flapping != nil:
			cands = append(cands, candidate{dir: ScaleIn, desired: in.Current, policy: flapping.policy, alarm: flapping.alarm, reason: flapping.result.NotScaled})
		}
	}

	// Suspension, clamping and arbitration.
	susp := in.Target.SuspendedState
	var win *candidate
	winDesired := int32(0)
	var ns0 *candidate
	var nsReason model.NotScaledReason
	for i := range cands {
		c := &cands[i]
		if (c.dir == ScaleOut && susp.DynamicScalingOutSuspended) || (c.dir == ScaleIn && susp.DynamicScalingInSuspended) {
			continue
		}
		if c.reason != "" {
			if ns0 == nil {
				ns0 = c
				nsReason = notScaledReason(c.reason, in)
			}
			continue
		}
		if (c.dir == ScaleOut && c.desired <= in.Current) || (c.dir == ScaleIn && c.desired >= in.Current) {
			continue // covered by a scale-out that is cooling down or in flight
		}
		n := clampTo(c.desired, in.Target.MinCapacity, in.Target.MaxCapacity)
		if (c.dir == ScaleOut && n <= in.Current) || (c.dir == ScaleIn && n >= in.Current) {
			if ns0 == nil {
				ns0 = c
				if c.dir == ScaleOut {
					nsReason = notScaledReason(ReasonAlreadyAtMaxCapacity, in)
				} else {
					nsReason = notScaledReason(ReasonAlreadyAtMinCapacity, in)
				}
			}
			continue
		}
		if win == nil || n > winDesired {
			win, winDesired = c, n
		}
	}

	switch {
	case win != nil:
		d.Desired = winDesired
		d.Change = true
		d.Direction = win.dir
		d.Policy, d.Alarm = win.policy, win.alarm
		d.Cause = AlarmCause(win.alarm, win.policy)
		d.Description = DescribeSetCapacity(in.Target.Dimension, winDesired)
		d.Base = win.base
		if win.dir == ScaleIn {
			d.Base = in.Current
		}
		ps := st.Policies[win.policy]
		ps.LastNotScaledKey = ""
		st.Policies[win.policy] = ps
	case ns0 != nil:
		d.Policy, d.Alarm = ns0.policy, ns0.alarm
		d.Cause = AlarmCause(ns0.alarm, ns0.policy)
		d.Description = NotScaledDescription
		d.NotScaled = []model.NotScaledReason{nsReason}
		key := ns0.alarm + notScaledKeySep + nsReason.Code
		ps := st.Policies[ns0.policy]
		if ps.LastNotScaledKey != key {
			d.RecordNotScaled = true
			ps.LastNotScaledKey = key
			st.Policies[ns0.policy] = ps
		}
	}
	if len(st.Policies) == 0 {
		st.Policies = nil
	}
	d.NewState = st
	return d
}

func notScaledReason(code string, in Input) model.NotScaledReason {
	r := model.NotScaledReason{Code: code}
	switch code {
	case ReasonAlreadyAtMaxCapacity:
		v := in.Target.MaxCapacity
		r.MaxCapacity = &v
	case ReasonAlreadyAtMinCapacity:
		v := in.Target.MinCapacity
		r.MinCapacity = &v
	case ReasonAlreadyAtDesiredCapacity:
		v := in.Current
		r.CurrentCapacity = &v
	}
	return r
}

func clampTo(n, min, max int32) int32 {
	if n > max {
		n = max
	}
	if n < min {
		n = min
	}
	return n
}

// alarmPeriod is how often an alarm in ALARM re-invokes its policy: its period.
func alarmPeriod(a model.MetricAlarm) time.Duration {
	if a.Period <= 0 {
		return time.Minute
	}
	return time.Duration(a.Period) * time.Second
}

// metricValue is the tracked metric's value for a target-tracking alarm.
func metricValue(ai AlarmInput) (float64, bool) {
	if ai.MetricValue != nil {
		return *ai.MetricValue, true
	}
	if len(ai.Result.Datapoints) > 0 {
		return ai.Result.LastValue, true
	}
	return 0, false
}

// aggregateSamples aggregates the alarm's evaluation datapoints for a step policy.
func aggregateSamples(kind string, ai AlarmInput) (float64, bool) {
	dp := ai.Result.Datapoints
	if len(dp) == 0 {
		return 0, false
	}
	var buf [16]float64
	vals := buf[:0]
	for _, s := range dp {
		vals = append(vals, s.Value)
	}
	return Aggregate(kind, vals)
}

// staleForScaleIn reports whether the newest datapoint behind a low alarm covers a period
// that ended before the last capacity change completed: a per-unit metric measured wholly
// before the change says nothing about the new capacity (after a wake from zero, the zeros
// from before would otherwise scale the component straight back to zero).
func staleForScaleIn(r AlarmResult, period time.Duration, lastChange *time.Time) bool {
	if lastChange == nil || len(r.Datapoints) == 0 {
		return false
	}
	return !r.Datapoints[0].Time.Add(period).After(*lastChange)
}
