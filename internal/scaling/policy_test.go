package scaling

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/scaled-dev/scaled/internal/model"
)

// TV-17: the PercentChangeInCapacity worked example of the step scaling guide.
func TestStepTV17(t *testing.T) {
	out := model.StepScalingPolicyConfiguration{
		AdjustmentType: PercentChangeInCapacity,
		StepAdjustments: []model.StepAdjustment{
			step(f64(0), f64(10), 0), step(f64(10), f64(20), 10), step(f64(20), nil, 30),
		},
	}
	in := model.StepScalingPolicyConfiguration{
		AdjustmentType: PercentChangeInCapacity,
		StepAdjustments: []model.StepAdjustment{
			step(f64(-10), f64(0), 0), step(f64(-20), f64(-10), -10), step(nil, f64(-20), -30),
		},
	}
	type res struct {
		Proposed int32
		OK       bool
	}
	tests := []struct {
		name    string
		current int32
		cfg     model.StepScalingPolicyConfiguration
		metric  float64
		want    res
	}{
		{"TV-17 metric 60 adds 10% of 10", 10, out, 60, res{11, true}},
		{"TV-17 metric 70 adds 30% of 11", 11, out, 70, res{14, true}},
		{"TV-17 metric 40 removes 10% of 14", 14, in, 40, res{13, true}},
		{"TV-17 metric 30 removes 30% of 13", 13, in, 30, res{10, true}},
		{"TV-17 metric 45 changes nothing", 10, in, 45, res{10, true}},
		{"threshold itself is in the upper step (lower bound inclusive above)", 10, out, 50, res{10, true}},
		{"metric 60 exactly at a boundary above picks the higher step", 10, out, 60, res{11, true}},
		{"metric 40 exactly at a boundary below picks the smaller step (upper inclusive)", 14, in, 40, res{13, true}},
		{"metric 30 (delta -20) falls in the unbounded step, upper bound inclusive below", 13, in, 30, res{10, true}},
		{"scale-out config below threshold matches nothing", 10, out, 49, res{10, false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := Step(StepInput{Current: tc.current, Config: tc.cfg, Threshold: 50, Value: tc.metric})
			if diff := cmp.Diff(tc.want, res{p, ok}); diff != "" {
				t.Errorf("Step (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStepAdjustmentTypes(t *testing.T) {
	tests := []struct {
		name    string
		current int32
		cfg     model.StepScalingPolicyConfiguration
		value   float64
		want    int32
	}{
		{"ChangeInCapacity", 5, model.StepScalingPolicyConfiguration{AdjustmentType: ChangeInCapacity,
			StepAdjustments: []model.StepAdjustment{step(f64(0), nil, 2)}}, 51, 7},
		{"ChangeInCapacity never below zero", 1, model.StepScalingPolicyConfiguration{AdjustmentType: ChangeInCapacity,
			StepAdjustments: []model.StepAdjustment{step(nil, f64(0), -5)}}, 40, 0},
		{"ExactCapacity", 5, model.StepScalingPolicyConfiguration{AdjustmentType: ExactCapacity,
			StepAdjustments: []model.StepAdjustment{step(f64(0), nil, 9)}}, 60, 9},
		{"default adjustment type is a change", 5, model.StepScalingPolicyConfiguration{
			StepAdjustments: []model.StepAdjustment{step(f64(0), nil, 1)}}, 60, 6},
		{"TV-18 capacity 4 +25% with MinAdjustmentMagnitude 2", 4, model.StepScalingPolicyConfiguration{AdjustmentType: PercentChangeInCapacity,
			MinAdjustmentMagnitude: i32(2), StepAdjustments: []model.StepAdjustment{step(f64(0), nil, 25)}}, 60, 6},
		{"TV-18 capacity 4 +25% without MinAdjustmentMagnitude", 4, model.StepScalingPolicyConfiguration{AdjustmentType: PercentChangeInCapacity,
			StepAdjustments: []model.StepAdjustment{step(f64(0), nil, 25)}}, 60, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Step(StepInput{Current: tc.current, Config: tc.cfg, Threshold: 50, Value: tc.value})
			if !ok {
				t.Fatalf("Step matched no step")
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Step (-want +got):\n%s", diff)
			}
		})
	}
}

// TV-18: PercentChangeInCapacity rounding.
func TestPercentChangeTV18(t *testing.T) {
	tests := []struct {
		name                  string
		current, percent, mag int32
		want                  int32
	}{
		{"12.7 rounds down to 12", 127, 10, 0, 12},
		{"0.67 becomes 1", 67, 1, 0, 1},
		{"-0.58 becomes -1", 58, -1, 0, -1},
		{"-6.67 rounds toward zero to -6", 667, -1, 0, -6},
		{"exact integers stay", 10, 30, 0, 3},
		{"zero stays zero", 0, 50, 2, 0},
		{"25% of 4 with magnitude 2 is 2", 4, 25, 2, 2},
		{"-25% of 4 with magnitude 2 is -2", 4, -25, 2, -2},
		{"magnitude does not shrink larger moves", 100, 10, 2, 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, PercentChange(tc.current, tc.percent, tc.mag)); diff != "" {
				t.Errorf("PercentChange (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAggregate(t *testing.T) {
	type res struct {
		V  float64
		OK bool
	}
	vals := []float64{3, 9, 6}
	tests := []struct {
		kind string
		in   []float64
		want res
	}{
		{AggregateAverage, vals, res{6, true}},
		{"", vals, res{6, true}},
		{AggregateMinimum, vals, res{3, true}},
		{AggregateMaximum, vals, res{9, true}},
		{AggregateMaximum, nil, res{0, false}},
	}
	for _, tc := range tests {
		t.Run(tc.kind, func(t *testing.T) {
			v, ok := Aggregate(tc.kind, tc.in)
			if diff := cmp.Diff(tc.want, res{v, ok}); diff != "" {
				t.Errorf("Aggregate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTargetTracking(t *testing.T) {
	tests := []struct {
		name string
		in   TTInput
		want TTResult
	}{
		{"scale out rounds up (1.5 more -> 2)", TTInput{Current: 3, TargetValue: 60, Metric: 90, Alarm: AlarmHigh},
			TTResult{Desired: 5, Direction: ScaleOut}},
		{"scale out proportional", TTInput{Current: 10, TargetValue: 70, Metric: 91, Alarm: AlarmHigh},
			TTResult{Desired: 13, Direction: ScaleOut}},
		{"no floating-point overshoot", TTInput{Current: 10, TargetValue: 0.7, Metric: 0.7 * 1.3, Alarm: AlarmHigh},
			TTResult{Desired: 13, Direction: ScaleOut}},
		{"cannot scale out from zero", TTInput{Current: 0, TargetValue: 1, Metric: 5, Alarm: AlarmHigh},
			TTResult{Desired: 0}},
		{"scale in", TTInput{Current: 10, TargetValue: 70, Metric: 50, Alarm: AlarmLow},
			TTResult{Desired: 8, Direction: ScaleIn}},
		{"scale in to zero on a zero metric", TTInput{Current: 3, TargetValue: 1, Metric: 0, Alarm: AlarmLow},
			TTResult{Desired: 0, Direction: ScaleIn}},
		{"scale in that would flap", TTInput{Current: 5, TargetValue: 70, Metric: 60, Alarm: AlarmLow},
			TTResult{Desired: 5, NotScaled: ReasonAnticipatedFlapping}},
		{"scale in disabled", TTInput{Current: 10, TargetValue: 70, Metric: 10, Alarm: AlarmLow, DisableScaleIn: true},
			TTResult{Desired: 10}},
		{"invalid target value", TTInput{Current: 10, TargetValue: 0, Metric: 10, Alarm: AlarmHigh},
			TTResult{Desired: 10}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, TargetTracking(tc.in)); diff != "" {
				t.Errorf("TargetTracking (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTTAlarmKind(t *testing.T) {
	tests := []struct {
		a    model.MetricAlarm
		want AlarmKind
	}{
		{model.MetricAlarm{AlarmName: "TargetTracking-table/t-AlarmHigh-0b1c"}, AlarmHigh},
		{model.MetricAlarm{AlarmName: "TargetTracking-table/t-AlarmLow-0b1c"}, AlarmLow},
		{model.MetricAlarm{AlarmName: "x", ComparisonOperator: GreaterThanOrEqualToThreshold}, AlarmHigh},
		{model.MetricAlarm{AlarmName: "x", ComparisonOperator: LessThanOrEqualToThreshold}, AlarmLow},
		{model.MetricAlarm{AlarmName: "x"}, 0},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, TTAlarmKind(tc.a)); diff != "" {
			t.Errorf("TTAlarmKind(%s) (-want +got):\n%s", tc.a.AlarmName, diff)
		}
	}
}

func TestCooldowns(t *testing.T) {
	type cd struct{ Out, In int }
	tests := []struct {
		name string
		ns   string
		p    model.ScalingPolicy
		want cd
	}{
		{"ecs default", "ecs", model.ScalingPolicy{TargetTracking: &model.TargetTrackingScalingPolicyConfiguration{}}, cd{300, 300}},
		{"dynamodb default", "dynamodb", model.ScalingPolicy{TargetTracking: &model.TargetTrackingScalingPolicyConfiguration{}}, cd{0, 0}},
		{"elasticache default", "elasticache", model.ScalingPolicy{TargetTracking: &model.TargetTrackingScalingPolicyConfiguration{}}, cd{600, 600}},
		{"sagemaker explicit", "sagemaker", ttPolicy("p", 1, 60, 120), cd{60, 120}},
		{"step default", "ecs", model.ScalingPolicy{StepScaling: &model.StepScalingPolicyConfiguration{}}, cd{300, 300}},
		{"step explicit", "sagemaker", stepPolicy("s", ChangeInCapacity, 60, ""), cd{60, 60}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, i := Cooldowns(tc.ns, tc.p)
			if diff := cmp.Diff(tc.want, cd{int(o.Seconds()), int(i.Seconds())}); diff != "" {
				t.Errorf("Cooldowns (-want +got):\n%s", diff)
			}
		})
	}
}
