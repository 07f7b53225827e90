package scaling

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/model"
)

// step runs one Decide and compares the whole decision.
func checkDecide(t *testing.T, label string, in Input, want Decision) Decision {
	t.Helper()
	got := Decide(in)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("%s: Decide (-want +got):\n%s", label, diff)
	}
	return got
}

// TV-19: a larger step during the scale-out cooldown adds only the difference; after the
// cooldown the step applies to the current capacity.
func TestDecideTV19StepScaleOutDuringCooldown(t *testing.T) {
	target := ecsTarget(1, 20)
	pol := stepPolicy("step-out", ChangeInCapacity, 300, AggregateAverage,
		step(f64(0), f64(10), 2), step(f64(10), nil, 3))
	al := metricAlarm("cpu-gt-50", GreaterThanThreshold, 50, 60, 1)
	cause := AlarmCause("cpu-gt-50", "step-out")

	// +2 at capacity 5.
	d := checkDecide(t, "first alarm", Input{Now: at(0), Target: target, Current: 5,
		Policies: []PolicyInput{{Policy: pol, Alarms: []AlarmInput{firing(al, at(0), 55)}}}},
		Decision{Desired: 7, Change: true, Direction: ScaleOut, Policy: "step-out", Alarm: "cpu-gt-50",
			Cause: cause, Description: "Setting desired count to 7.", Base: 5,
			NewState: states("step-out", model.PolicyState{LastInvokedAt: invoked("cpu-gt-50", at(0))}),
			NextDue:  at(60)})
	st := CompleteActivity(d.NewState, ScaleOut, "step-out", at(10), d.Base)

	// 60 s after the activity, the +3 step: only +1 more (computed from the base 5).
	d = checkDecide(t, "during cooldown", Input{Now: at(70), Target: target, Current: 7, State: st,
		Policies: []PolicyInput{{Policy: pol, Alarms: []AlarmInput{firing(al, at(70), 65)}}}},
		Decision{Desired: 8, Change: true, Direction: ScaleOut, Policy: "step-out", Alarm: "cpu-gt-50",
			Cause: cause, Description: "Setting desired count to 8.", Base: 5,
			NewState: changed(states("step-out", model.PolicyState{LastScaleOutAt: tp(at(10)), ScaleOutBase: i32(5),
				LastInvokedAt: invoked("cpu-gt-50", at(70))}), at(10)),
			NextDue: at(130)})
	st = CompleteActivity(d.NewState, ScaleOut, "step-out", at(80), d.Base)

	// The alarm recovers.
	d = checkDecide(t, "quiet", Input{Now: at(100), Target: target, Current: 8, State: st,
		Policies: []PolicyInput{{Policy: pol, Alarms: []AlarmInput{quiet(al, at(100), 45)}}}},
		Decision{Desired: 8, NewState: changed(states("step-out", model.PolicyState{LastScaleOutAt: tp(at(80)), ScaleOutBase: i32(5)}), at(80))})

	// After 300 s of quiet, +3 applies to the current 8.
	checkDecide(t, "after cooldown", Input{Now: at(400), Target: target, Current: 8, State: d.NewState,
		Policies: []PolicyInput{{Policy: pol, Alarms: []AlarmInput{firing(al, at(400), 65)}}}},
		Decision{Desired: 11, Change: true, Direction: ScaleOut, Policy: "step-out", Alarm: "cpu-gt-50",
			Cause: cause, Description: "Setting desired count to 11.", Base: 8,
			NewState: changed(states("step-out", model.PolicyState{LastScaleOutAt: tp(at(80)), ScaleOutBase: i32(5),
				LastInvokedAt: invoked("cpu-gt-50", at(400))}), at(80)),
			NextDue: at(460)})
}

// TV-20: the scale-in cooldown blocks a second scale-in; a scale-out happens at once and ends
// the scale-in cooldown.
func TestDecideTV20ScaleInCooldownAndScaleOutOverride(t *testing.T) {
	target := ecsTarget(1, 20)
	pol := ttPolicy("tt", 70, 300, 300)
	high, low := ttHigh("tt", 70), ttLowAlarm("tt", 70)
	in := func(now time.Time, current int32, st model.TargetState, alarms ...AlarmInput) Input {
		return Input{Now: now, Target: target, Current: current, State: st, Policies: []PolicyInput{{Policy: pol, Alarms: alarms}}}
	}

	d := checkDecide(t, "scale in", in(at(0), 10, model.TargetState{}, quiet(high, at(0), 50), firing(low, at(0), 50)),
		Decision{Desired: 8, Change: true, Direction: ScaleIn, Policy: "tt", Alarm: low.AlarmName,
			Cause: AlarmCause(low.AlarmName, "tt"), Description: "Setting desired count to 8.", Base: 10,
			NewState: states("tt", model.PolicyState{LastInvokedAt: invoked(low.AlarmName, at(0))}),
			NextDue:  at(60)})
	st := CompleteActivity(d.NewState, ScaleIn, "tt", at(10), d.Base)

	// +100 s: blocked, no activity.
	d = checkDecide(t, "blocked scale in", in(at(110), 8, st, quiet(high, at(110), 50), firing(low, at(110), 50)),
		Decision{Desired: 8,
			NewState: changed(states("tt", model.PolicyState{LastScaleInAt: tp(at(10)), LastInvokedAt: invoked(low.AlarmName, at(110))}), at(10)),
			NextDue:  at(170)})

	// +120 s: high alarm, immediate scale-out.
	d = checkDecide(t, "scale out", in(at(130), 8, d.NewState, firing(high, at(130), 80), quiet(low, at(130), 80)),
		Decision{Desired: 10, Change: true, Direction: ScaleOut, Policy: "tt", Alarm: high.AlarmName,
			Cause: AlarmCause(high.AlarmName, "tt"), Description: "Setting desired count to 10.", Base: 8,
			NewState: changed(states("tt", model.PolicyState{LastScaleInAt: tp(at(10)), LastInvokedAt: invoked(high.AlarmName, at(130))}), at(10)),
			NextDue:  at(190)})
	st = CompleteActivity(d.NewState, ScaleOut, "tt", at(135), d.Base)

	// +130 s: low alarm evaluated normally.
	checkDecide(t, "scale in again", in(at(140), 10, st, quiet(high, at(140), 50), firing(low, at(140), 50)),
		Decision{Desired: 8, Change: true, Direction: ScaleIn, Policy: "tt", Alarm: low.AlarmName,
			Cause: AlarmCause(low.AlarmName, "tt"), Description: "Setting desired count to 8.", Base: 10,
			NewState: changed(states("tt", model.PolicyState{LastScaleOutAt: tp(at(135)), ScaleOutBase: i32(8),
				LastInvokedAt: invoked(low.AlarmName, at(140))}), at(135)),
			NextDue: at(200)})
}

// TV-23: at MaxCapacity an alarm produces a not-scaled record, once per alarm episode.
func TestDecideTV23NotScaledOncePerEpisode(t *testing.T) {
	target := ecsTarget(1, 4)
	pol := stepPolicy("web-app-cpu-gt-75", ChangeInCapacity, 300, "", step(f64(0), nil, 1))
	al := metricAlarm("web-app-cpu-gt-75", GreaterThanThreshold, 75, 60, 1)
	key := "web-app-cpu-gt-75" + notScaledKeySep + ReasonAlreadyAtMaxCapacity
	reasons := []model.NotScaledReason{{Code: ReasonAlreadyAtMaxCapacity, MaxCapacity: i32(4)}}
	notScaled := func(now time.Time, record bool) Decision {
		return Decision{Desired: 4, Policy: "web-app-cpu-gt-75", Alarm: "web-app-cpu-gt-75",
			Cause:       "monitor alarm web-app-cpu-gt-75 in state ALARM triggered policy web-app-cpu-gt-75",
			Description: "Attempting to scale due to alarm triggered",
			NotScaled:   reasons, RecordNotScaled: record,
			NewState: states("web-app-cpu-gt-75", model.PolicyState{LastNotScaledKey: key,
				LastInvokedAt: invoked("web-app-cpu-gt-75", now)}),
			NextDue: now.Add(time.Minute)}
	}
	in := func(now time.Time, st model.TargetState, a AlarmInput) Input {
		return Input{Now: now, Target: target, Current: 4, State: st, Policies: []PolicyInput{{Policy: pol, Alarms: []AlarmInput{a}}}}
	}
	d := checkDecide(t, "first", in(at(0), model.TargetState{}, firing(al, at(0), 80)), notScaled(at(0), true))
	d = checkDecide(t, "re-invoked", in(at(60), d.NewState, firing(al, at(60), 80)), notScaled(at(60), false))
	d = checkDecide(t, "episode ends", in(at(90), d.NewState, quiet(al, at(90), 70)),
		Decision{Desired: 4, NewState: states("web-app-cpu-gt-75", model.PolicyState{})})
	checkDecide(t, "new episode", in(at(120), d.NewState, firing(al, at(120), 80)), notScaled(at(120), true))
}

func TestDecideReinvocationCadence(t *testing.T) {
	target := ecsTarget(1, 50)
	pol := stepPolicy("s", ChangeInCapacity, 0, "", step(f64(0), nil, 1))
	al := metricAlarm("a", GreaterThanThreshold, 75, 60, 1)
	st := model.TargetState{}
	var got []int32
	current := int32(2)
	for sec := 0; sec <= 180; sec += 10 {
		d := Decide(Input{Now: at(sec), Target: target, Current: current, State: st,
			Policies: []PolicyInput{{Policy: pol, Alarms: []AlarmInput{firing(al, at(sec), 80)}}}})
		st = d.NewState
		if d.Change {
			got = append(got, int32(sec))
			current = d.Desired
			st = CompleteActivity(st, d.Direction, d.Policy, at(sec), d.Base)
		}
	}
	if diff := cmp.Diff([]int32{0, 60, 120, 180}, got); diff != "" {
		t.Errorf("invocation times (-want +got):\n%s", diff)
	}
}

func TestDecide(t *testing.T) {
	cpu, mem := ttPolicy("cpu", 70, 300, 300), ttPolicy("mem", 60, 300, 300)
	cpuHigh, cpuLow := ttHigh("cpu", 70), ttLowAlarm("cpu", 70)
	memHigh, memLow := ttHigh("mem", 60), ttLowAlarm("mem", 60)
	memNoIn := ttPolicy("mem", 60, 300, 300)
	memNoIn.TargetTracking.DisableScaleIn = bptr(true)
	stepIn := stepPolicy("step-in", ChangeInCapacity, 300, "", step(nil, f64(0), -1))
	stepInAlarm := metricAlarm("cpu-lt-30", LessThanThreshold, 30, 60, 1)
	exact := stepPolicy("exact", ExactCapacity, 300, "", step(f64(0), nil, 10))
	exactAlarm := metricAlarm("queue-high", GreaterThanThreshold, 100, 60, 1)
	now := at(0)
	cpuState := func(alarm string) model.TargetState {
		return states("cpu", model.PolicyState{LastInvokedAt: invoked(alarm, now)})
	}
	scale := func(desired int32, dir Direction, policy, alarm string, base int32, st model.TargetState) Decision {
		return Decision{Desired: desired, Change: true, Direction: dir, Policy: policy, Alarm: alarm,
			Cause: AlarmCause(alarm, policy), Description: DescribeSetCapacity(ecsDim, desired), Base: base,
			NewState: st, NextDue: now.Add(time.Minute)}
	}
	notScaled := func(current int32, policy, alarm string, r model.NotScaledReason, st model.TargetState) Decision {
		p := st.Policies[policy]
		p.LastNotScaledKey = alarm + notScaledKeySep + r.Code
		st.Policies[policy] = p
		return Decision{Desired: current, Policy: policy, Alarm: alarm, Cause: AlarmCause(alarm, policy),
			Description: NotScaledDescription, NotScaled: []model.NotScaledReason{r}, RecordNotScaled: true,
			NewState: st, NextDue: now.Add(time.Minute)}
	}
	suspended := func(out, in bool) model.ScalableTarget {
		tg := ecsTarget(1, 20)
		tg.SuspendedState = model.SuspendedState{DynamicScalingOutSuspended: out, DynamicScalingInSuspended: in}
		return tg
	}

	tests := []struct {
		name string
		in   Input
		want Decision
	}{
		{
			name: "target tracking scale out",
			in: Input{Now: now, Target: ecsTarget(1, 20), Current: 10, Policies: []PolicyInput{
				{Policy: cpu, Alarms: []AlarmInput{firing(cpuHigh, now, 91), quiet(cpuLow, now, 91)}}}},
			want: scale(13, ScaleOut, "cpu", cpuHigh.AlarmName, 10, cpuState(cpuHigh.AlarmName)),
		},
		{
			name: "any target-tracking policy scales out; the largest capacity wins",
			in: Input{Now: now, Target: ecsTarget(1, 20), Current: 10, Policies: []PolicyInput{
				{Policy: cpu, Alarms: []AlarmInput{firing(cpuHigh, now, 91), quiet(cpuLow, now, 91)}},
				{Policy: mem, Alarms: []AlarmInput{firing(memHigh, now, 90), quiet(memLow, now, 90)}}}},
			want: scale(15, ScaleOut, "mem", memHigh.AlarmName, 10, states(
				"cpu", model.PolicyState{LastInvokedAt: invoked(cpuHigh.AlarmName, now)},
				"mem", model.PolicyState{LastInvokedAt: invoked(memHigh.AlarmName, now)})),
		},
		{
			name: "scale in needs every target-tracking policy",
			in: Input{Now: now, Target: ecsTarget(1, 20), Current: 10, Policies: []PolicyInput{
				{Policy: cpu, Alarms: []AlarmInput{quiet(cpuHigh, now, 50), firing(cpuLow, now, 50)}},
				{Policy: mem, Alarms: []AlarmInput{quiet(memHigh, now, 58), quiet(memLow, now, 58)}}}},
			want: Decision{Desired: 10, NextDue: now.Add(time.Minute), NewState: states(
				"cpu", model.PolicyState{LastInvokedAt: invoked(cpuLow.AlarmName, now)},
				"mem", model.PolicyState{})},
		},
		{
			name: "scale in when all agree, to the largest proposal",
			in: Input{Now: now, Target: ecsTarget(1, 20), Current: 10, Policies: []PolicyInput{
				{Policy: cpu, Alarms: []AlarmInput{quiet(cpuHigh, now, 50), firing(cpuLow, now, 50)}},
				{Policy: mem, Alarms: []AlarmInput{quiet(memHigh, now, 30), firing(memLow, now, 30)}}}},
			want: scale(8, ScaleIn, "cpu", cpuLow.AlarmName, 10, states(
				"cpu", model.PolicyState{LastInvokedAt: invoked(cpuLow.AlarmName, now)},
				"mem", model.PolicyState{LastInvokedAt: invoked(memLow.AlarmName, now)})),
		},
		{
			name: "a policy with scale-in disabled does not vote",
			in: Input{Now: now, Target: ecsTarget(1, 20), Current: 10, Policies: []PolicyInput{
				{Policy: cpu, Alarms: []AlarmInput{quiet(cpuHigh, now, 50), firing(cpuLow, now, 50)}},
				{Policy: memNoIn, Alarms: []AlarmInput{quiet(memHigh, now, 58)}}}},
			want: scale(8, ScaleIn, "cpu", cpuLow.AlarmName, 10, states(
				"cpu", model.PolicyState{LastInvokedAt: invoked(cpuLow.AlarmName, now)},
				"mem", model.PolicyState{})),
		},
		{
			name: "step and target tracking are not coordinated: the larger capacity wins",
			in: Input{Now: now, Target: ecsTarget(1, 20), Current: 10, Policies: []PolicyInput{
				{Policy: cpu, Alarms: []AlarmInput{firing(cpuHigh, now, 91), quiet(cpuLow, now, 91)}},
				{Policy: stepIn, Alarms: []AlarmInput{firing(stepInAlarm, now, 20)}}}},
			want: scale(13, ScaleOut, "cpu", cpuHigh.AlarmName, 10, states(
				"cpu", model.PolicyState{LastInvokedAt: invoked(cpuHigh.AlarmName, now)},
				"step-in", model.PolicyState{LastInvokedAt: invoked("cpu-lt-30", now)})),
		},
		{
			name: "a step scale-in is not blocked by target tracking",
			in: Input{Now: now, Target: ecsTarget(1, 20), Current: 10, Policies: []PolicyInput{
				{Policy: cpu, Alarms: []AlarmInput{quiet(cpuHigh, now, 65), quiet(cpuLow, now, 65)}},
				{Policy: stepIn, Alarms: []AlarmInput{firing(stepInAlarm, now, 20)}}}},
			want: scale(9, ScaleIn, "step-in", "cpu-lt-30", 10, states(
				"cpu", model.PolicyState{},
				"step-in", model.PolicyState{LastInvokedAt: invoked("cpu-lt-30", now)})),
		},
		{
			name: "clamped to MaxCapacity",
			in: Input{Now: now, Target: ecsTarget(1, 15), Current: 10, Policies: []PolicyInput{
				{Policy: cpu, Alarms: []AlarmInput{firing(cpuHigh, now, 140)}}}},
			want: scale(15, ScaleOut, "cpu", cpuHigh.AlarmName, 10, cpuState(cpuHigh.AlarmName)),
		},
		{
			name: "clamped to MinCapacity",
			in: Input{Now: now, Target: ecsTarget(3, 15), Current: 10, Policies: []PolicyInput{
				{Policy: cpu, Alarms: []AlarmInput{firing(cpuLow, now, 7)}}}},
			want: scale(3, ScaleIn, "cpu", cpuLow.AlarmName, 10, cpuState(cpuLow.AlarmName)),
		},
		{
			name: "already at MinCapacity",
			in: Input{Now: now, Target: ecsTarget(3, 15), Current: 3, Policies: []PolicyInput{
				{Policy: cpu, Alarms: []AlarmInput{firing(cpuLow, now, 7)}}}},
			want: notScaled(3, "cpu", cpuLow.AlarmName, model.NotScaledReason{Code: ReasonAlreadyAtMinCapacity, MinCapacity: i32(3)}, cpuState(cpuLow.AlarmName)),
		},
		{
			name: "already at MaxCapacity",
			in: Input{Now: now, Target: ecsTarget(3, 15), Current: 15, Policies: []PolicyInput{
				{Policy: cpu, Alarms: []AlarmInput{firing(cpuHigh, now, 90)}}}},
			want: notScaled(15, "cpu", cpuHigh.AlarmName, model.NotScaledReason{Code: ReasonAlreadyAtMaxCapacity, MaxCapacity: i32(15)}, cpuState(cpuHigh.AlarmName)),
		},
		{
			name: "scale in that would flap",
			in: Input{Now: now, Target: ecsTarget(1, 15), Current: 5, Policies: []PolicyInput{
				{Policy: cpu, Alarms: []AlarmInput{firing(cpuLow, now, 60)}}}},
			want: notScaled(5, "cpu", cpuLow.AlarmName, model.NotScaledReason{Code: ReasonAnticipatedFlapping}, cpuState(cpuLow.AlarmName)),
		},
		{
			name: "step ExactCapacity equal to the current capacity",
			in: Input{Now: now, Target: ecsTarget(1, 15), Current: 10, Policies: []PolicyInput{
				{Policy: exact, Alarms: []AlarmInput{firing(exactAlarm, now, 150)}}}},
			want: notScaled(10, "exact", "queue-high", model.NotScaledReason{Code: ReasonAlreadyAtDesiredCapacity, CurrentCapacity: i32(10)},
				states("exact", model.PolicyState{LastInvokedAt: invoked("queue-high", now)})),
		},
		{
			name: "scale out suspended: nothing, not even a not-scaled record",
			in: Input{Now: now, Target: suspended(true, false), Current: 20, Policies: []PolicyInput{
				{Policy: cpu, Alarms: []AlarmInput{firing(cpuHigh, now, 91)}}}},
			want: Decision{Desired: 20, NewState: cpuState(cpuHigh.AlarmName), NextDue: now.Add(time.Minute)},
		},
		{
			name: "scale in suspended",
			in: Input{Now: now, Target: suspended(false, true), Current: 10, Policies: []PolicyInput{
				{Policy: cpu, Alarms: []AlarmInput{firing(cpuLow, now, 50)}}}},
			want: Decision{Desired: 10, NewState: cpuState(cpuLow.AlarmName), NextDue: now.Add(time.Minute)},
		},
		{
			name: "scale in suspended does not stop a scale out",
			in: Input{Now: now, Target: suspended(false, true), Current: 10, Policies: []PolicyInput{
				{Policy: cpu, Alarms: []AlarmInput{firing(cpuHigh, now, 91)}}}},
			want: scale(13, ScaleOut, "cpu", cpuHigh.AlarmName, 10, cpuState(cpuHigh.AlarmName)),
		},
		{
			name: "TV-22 everything suspended: alarms change nothing",
			in: Input{Now: now, Target: suspended(true, true), Current: 10, Policies: []PolicyInput{
				{Policy: cpu, Alarms: []AlarmInput{firing(cpuHigh, now, 91)}},
				{Policy: stepIn, Alarms: []AlarmInput{firing(stepInAlarm, now, 20)}}}},
			want: Decision{Desired: 10, NextDue: now.Add(time.Minute), NewState: states(
				"cpu", model.PolicyState{LastInvokedAt: invoked(cpuHigh.AlarmName, now)},
				"step-in", model.PolicyState{LastInvokedAt: invoked("cpu-lt-30", now)})},
		},
		{
			name: "a scale-in in flight holds further scale-ins",
			in: Input{Now: now, Target: ecsTarget(1, 20), Current: 8, InFlight: &InFlight{Direction: ScaleIn, Policy: "cpu", Desired: 8, Base: 10},
				Policies: []PolicyInput{{Policy: cpu, Alarms: []AlarmInput{firing(cpuLow, now, 30)}}}},
			want: Decision{Desired: 8, NewState: cpuState(cpuLow.AlarmName), NextDue: now.Add(time.Minute)},
		},
		{
			name: "a scale-out in flight is the base of the next one",
			in: Input{Now: now, Target: ecsTarget(1, 20), Current: 13, InFlight: &InFlight{Direction: ScaleOut, Policy: "cpu", Desired: 13, Base: 10},
				Policies: []PolicyInput{{Policy: cpu, Alarms: []AlarmInput{firing(cpuHigh, now, 91)}}}},
			want: Decision{Desired: 13, NewState: cpuState(cpuHigh.AlarmName), NextDue: now.Add(time.Minute)},
		},
		{
			name: "a larger scale-out during the cooldown is computed from the base",
			in: Input{Now: now, Target: ecsTarget(1, 20), Current: 13,
				State:    states("cpu", model.PolicyState{LastScaleOutAt: tp(at(-60)), ScaleOutBase: i32(10)}),
				Policies: []PolicyInput{{Policy: cpu, Alarms: []AlarmInput{firing(cpuHigh, now, 100)}}}},
			want: scale(15, ScaleOut, "cpu", cpuHigh.AlarmName, 10,
				states("cpu", model.PolicyState{LastScaleOutAt: tp(at(-60)), ScaleOutBase: i32(10), LastInvokedAt: invoked(cpuHigh.AlarmName, now)})),
		},
		{
			name: "after the scale-out cooldown the current capacity is the base",
			in: Input{Now: now, Target: ecsTarget(1, 20), Current: 13,
				State:    states("cpu", model.PolicyState{LastScaleOutAt: tp(at(-300)), ScaleOutBase: i32(10)}),
				Policies: []PolicyInput{{Policy: cpu, Alarms: []AlarmInput{firing(cpuHigh, now, 100)}}}},
			want: scale(19, ScaleOut, "cpu", cpuHigh.AlarmName, 13,
				states("cpu", model.PolicyState{LastScaleOutAt: tp(at(-300)), ScaleOutBase: i32(10), LastInvokedAt: invoked(cpuHigh.AlarmName, now)})),
		},
		{
			name: "a scale-in during a scale-out cooldown is allowed",
			in: Input{Now: now, Target: ecsTarget(1, 20), Current: 10,
				State:    states("cpu", model.PolicyState{LastScaleOutAt: tp(at(-60)), ScaleOutBase: i32(8)}),
				Policies: []PolicyInput{{Policy: cpu, Alarms: []AlarmInput{firing(cpuLow, now, 50)}}}},
			want: scale(8, ScaleIn, "cpu", cpuLow.AlarmName, 10,
				states("cpu", model.PolicyState{LastScaleOutAt: tp(at(-60)), ScaleOutBase: i32(8), LastInvokedAt: invoked(cpuLow.AlarmName, now)})),
		},
		{
			name: "not yet due again within the alarm period",
			in: Input{Now: now, Target: ecsTarget(1, 20), Current: 10,
				State:    states("cpu", model.PolicyState{LastInvokedAt: invoked(cpuHigh.AlarmName, at(-30))}),
				Policies: []PolicyInput{{Policy: cpu, Alarms: []AlarmInput{firing(cpuHigh, now, 91)}}}},
			want: Decision{Desired: 10, NextDue: at(30),
				NewState: states("cpu", model.PolicyState{LastInvokedAt: invoked(cpuHigh.AlarmName, at(-30))})},
		},
		{
			name: "a stored ALARM state without datapoints gives target tracking no metric",
			in: Input{Now: now, Target: ecsTarget(1, 20), Current: 10, Policies: []PolicyInput{
				{Policy: cpu, Alarms: []AlarmInput{{Alarm: func() model.MetricAlarm { a := cpuHigh; a.StateValue = model.AlarmAlarm; return a }()}}}}},
			want: Decision{Desired: 10, NewState: cpuState(cpuHigh.AlarmName), NextDue: now.Add(time.Minute)},
		},
		{
			name: "MetricValue overrides the alarm value (DynamoDB utilisation)",
			in: Input{Now: now, Target: ecsTarget(1, 20), Current: 10, Policies: []PolicyInput{
				{Policy: cpu, Alarms: []AlarmInput{func() AlarmInput { a := firing(cpuHigh, now, 4200); a.MetricValue = f64(84); return a }()}}}},
			want: scale(12, ScaleOut, "cpu", cpuHigh.AlarmName, 10, cpuState(cpuHigh.AlarmName)),
		},
		{
			name: "predictive and empty policies are ignored",
			in: Input{Now: now, Target: ecsTarget(1, 20), Current: 10, Policies: []PolicyInput{
				{Policy: model.ScalingPolicy{PolicyKey: model.PolicyKey{Name: "pred"}, PolicyType: model.PolicyTypePredictiveScaling}}}},
			want: Decision{Desired: 10},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Decide(tc.in)); diff != "" {
				t.Errorf("Decide (-want +got):\n%s", diff)
			}
		})
	}
}

// TV-26 (d): an inference component at zero copies wakes up through the step policy on
// NoCapacityInvocationFailures; target tracking alone cannot leave zero.
func TestDecideTV26WakeFromZero(t *testing.T) {
	now := at(0)
	target := icTarget(0, 4)
	tt := ttPolicy("ic-tt", 1, 300, 300)
	tt.TargetTracking.PredefinedMetricSpecification = &model.PredefinedMetricSpecification{PredefinedMetricType: "SageMakerInferenceComponentInvocationsPerCopy"}
	wake := stepPolicy("ic-wake", ChangeInCapacity, 60, AggregateMaximum, step(f64(0), nil, 1))
	noCap := model.MetricAlarm{AlarmName: "ic-no-capacity", Namespace: "AWS/SageMaker", MetricName: "NoCapacityInvocationFailures",
		Statistic: "Sum", Period: 60, EvaluationPeriods: 1, DatapointsToAlarm: 1, Threshold: 1, ComparisonOperator: GreaterThanThreshold}
	res := EvaluateAlarm(noCap, []metrics.Sample{{Time: now.Add(-time.Minute), Value: 3}}, now)
	high := metricAlarm("TargetTracking-inference-component/my-ic-AlarmHigh-u", GreaterThanThreshold, 1, 60, 3)
	low := metricAlarm("TargetTracking-inference-component/my-ic-AlarmLow-u", LessThanThreshold, 0.9, 60, 15)
	nodata := AlarmResult{State: model.AlarmInsufficientData}

	in := Input{Now: now, Target: target, Current: 0, Policies: []PolicyInput{
		{Policy: tt, Alarms: []AlarmInput{{Alarm: high, Result: nodata}, {Alarm: low, Result: nodata}}},
		{Policy: wake, Alarms: []AlarmInput{{Alarm: noCap, Result: res}}},
	}}
	want := Decision{Desired: 1, Change: true, Direction: ScaleOut, Policy: "ic-wake", Alarm: "ic-no-capacity",
		Cause:       "monitor alarm ic-no-capacity in state ALARM triggered policy ic-wake",
		Description: "Setting desired copy count to 1.", Base: 0,
		NewState: states("ic-tt", model.PolicyState{}, "ic-wake", model.PolicyState{LastInvokedAt: invoked("ic-no-capacity", now)}),
		NextDue:  at(60)}
	if diff := cmp.Diff(want, Decide(in)); diff != "" {
		t.Errorf("Decide (-want +got):\n%s", diff)
	}

	// Target tracking scales an idle component to zero (metric 0, MinCapacity 0).
	in = Input{Now: now, Target: target, Current: 2, Policies: []PolicyInput{
		{Policy: tt, Alarms: []AlarmInput{quiet(high, now, 0), firing(low, now, 0)}}}}
	want = Decision{Desired: 0, Change: true, Direction: ScaleIn, Policy: "ic-tt", Alarm: low.AlarmName,
		Cause: AlarmCause(low.AlarmName, "ic-tt"), Description: "Setting desired copy count to 0.", Base: 2,
		NewState: states("ic-tt", model.PolicyState{LastInvokedAt: invoked(low.AlarmName, now)}), NextDue: at(60)}
	if diff := cmp.Diff(want, Decide(in)); diff != "" {
		t.Errorf("Decide scale to zero (-want +got):\n%s", diff)
	}
}

func TestDecideDoesNotModifyInput(t *testing.T) {
	st := states("cpu", model.PolicyState{LastInvokedAt: invoked("x", at(-600))})
	before := states("cpu", model.PolicyState{LastInvokedAt: invoked("x", at(-600))})
	pol := ttPolicy("cpu", 70, 300, 300)
	Decide(Input{Now: at(0), Target: ecsTarget(1, 20), Current: 10, State: st,
		Policies: []PolicyInput{{Policy: pol, Alarms: []AlarmInput{firing(ttHigh("cpu", 70), at(0), 91)}}}})
	CompleteActivity(st, ScaleOut, "cpu", at(0), 10)
	if diff := cmp.Diff(before, st); diff != "" {
		t.Errorf("input state changed (-before +after):\n%s", diff)
	}
}

func TestCompleteActivity(t *testing.T) {
	st := states(
		"a", model.PolicyState{LastScaleInAt: tp(at(-10))},
		"b", model.PolicyState{LastScaleInAt: tp(at(-20)), LastNotScaledKey: "k"})
	got := CompleteActivity(st, ScaleOut, "a", at(0), 4)
	want := changed(states(
		"a", model.PolicyState{LastScaleOutAt: tp(at(0)), ScaleOutBase: i32(4)},
		"b", model.PolicyState{LastNotScaledKey: "k"}), at(0))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scale-out (-want +got):\n%s", diff)
	}
	got = CompleteActivity(got, ScaleIn, "b", at(5), 0)
	want = changed(states(
		"a", model.PolicyState{LastScaleOutAt: tp(at(0)), ScaleOutBase: i32(4)},
		"b", model.PolicyState{LastScaleInAt: tp(at(5)), LastNotScaledKey: "k"}), at(5))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scale-in (-want +got):\n%s", diff)
	}
}

// changed returns st with the time of the last completed capacity change set.
func changed(st model.TargetState, t time.Time) model.TargetState {
	st.LastChangeAt = &t
	return st
}

// A target-tracking scale-in waits for a datapoint measured after the last capacity change:
// right after a wake from zero, the zeros from before must not take the copy away again.
func TestDecideTargetTrackingScaleInIgnoresStaleDatapoints(t *testing.T) {
	target := ecsTarget(0, 4)
	pol := ttPolicy("tt", 1, 0, 0)
	high, low := ttHigh("tt", 1), ttLowAlarm("tt", 1)
	stale := firing(low, at(0), 0)
	st := changed(model.TargetState{}, at(120)) // the wake-up completed after the zeros' period
	checkDecide(t, "stale zeros", Input{Now: at(130), Target: target, Current: 1, State: st,
		Policies: []PolicyInput{{Policy: pol, Alarms: []AlarmInput{quiet(high, at(0), 0), stale}}}},
		Decision{Desired: 1, NewState: changed(states("tt", model.PolicyState{LastInvokedAt: invoked(low.AlarmName, at(130))}), at(120)),
			NextDue: at(190)})
}
