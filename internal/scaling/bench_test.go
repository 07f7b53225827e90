package scaling

import (
	"testing"
	"time"

	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/model"
)

// BenchmarkDecide measures one target with two policies: a target-tracking policy (high alarm
// in ALARM, low alarm OK) and a step policy whose alarm is in ALARM, with persisted state.
func BenchmarkDecide(b *testing.B) {
	now := at(0)
	tt := ttPolicy("tt", 70, 300, 300)
	st := stepPolicy("wake", ChangeInCapacity, 60, AggregateMaximum, step(f64(0), nil, 1))
	high, low := ttHigh("tt", 70), ttLowAlarm("tt", 70)
	wake := metricAlarm("no-capacity", GreaterThanThreshold, 1, 60, 1)
	in := Input{
		Now: now, Target: icTarget(0, 20), Current: 4,
		State: states("tt", model.PolicyState{}, "wake", model.PolicyState{}),
		Policies: []PolicyInput{
			{Policy: tt, Alarms: []AlarmInput{firing(high, now, 80, 85, 90), quiet(low, now, 90)}},
			{Policy: st, Alarms: []AlarmInput{firing(wake, now, 3)}},
		},
	}
	b.ReportAllocs()
	for b.Loop() {
		d := Decide(in)
		if !d.Change {
			b.Fatal("no change")
		}
	}
}

// BenchmarkEvaluateAlarm measures a 3-period alarm evaluation.
func BenchmarkEvaluateAlarm(b *testing.B) {
	now := at(0)
	a := ttHigh("tt", 70)
	samples := []metrics.Sample{
		{Time: now.Add(-3 * time.Minute), Value: 80},
		{Time: now.Add(-2 * time.Minute), Value: 85},
		{Time: now.Add(-time.Minute), Value: 90},
	}
	b.ReportAllocs()
	for b.Loop() {
		EvaluateAlarm(a, samples, now)
	}
}

// BenchmarkCronNext measures the next fire time of a weekday schedule in a DST zone.
func BenchmarkCronNext(b *testing.B) {
	s, err := ParseSchedule("cron(0/5 8-17 ? * MON-FRI *)", "America/New_York")
	if err != nil {
		b.Fatal(err)
	}
	after := utc(2026, 11, 27, 23, 0)
	b.ReportAllocs()
	for b.Loop() {
		s.Next(after)
	}
}

// BenchmarkDecideQuiet measures the common case: the same target with every alarm OK.
func BenchmarkDecideQuiet(b *testing.B) {
	now := at(0)
	tt := ttPolicy("tt", 70, 300, 300)
	st := stepPolicy("wake", ChangeInCapacity, 60, AggregateMaximum, step(f64(0), nil, 1))
	high, low := ttHigh("tt", 70), ttLowAlarm("tt", 70)
	wake := metricAlarm("no-capacity", GreaterThanThreshold, 1, 60, 1)
	in := Input{
		Now: now, Target: icTarget(0, 20), Current: 4,
		State: states("tt", model.PolicyState{}, "wake", model.PolicyState{}),
		Policies: []PolicyInput{
			{Policy: tt, Alarms: []AlarmInput{quiet(high, now, 65), quiet(low, now, 65)}},
			{Policy: st, Alarms: []AlarmInput{quiet(wake, now, 0)}},
		},
	}
	b.ReportAllocs()
	for b.Loop() {
		if d := Decide(in); d.Change {
			b.Fatal("change")
		}
	}
}
