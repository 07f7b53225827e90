package autoscaling_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/autoscaling"
)

const (
	icKey     = "sagemaker|inference-component/my-ic|sagemaker:inference-component:DesiredCopyCount"
	icPolicy  = icKey + "|my-ic-invocations-per-copy"
	icDescrib = "DescribeScalableTargets sagemaker [inference-component/my-ic] sagemaker:inference-component:DesiredCopyCount"
)

var errBoom = errors.New("boom")

func myIC() autoscaling.InferenceComponent {
	return autoscaling.InferenceComponent{
		ComponentName:            "my-ic",
		MinCopies:                1,
		MaxCopies:                4,
		TargetInvocationsPerCopy: 10,
		ScaleInCooldown:          5 * time.Minute,
		ScaleOutCooldown:         time.Minute,
	}
}

func TestInferenceComponentSetup(t *testing.T) {
	tests := []struct {
		name string
		// prepare runs against the fake before failures are injected.
		prepare   func(t *testing.T, f *fakeClient)
		fail      map[string]error
		ic        autoscaling.InferenceComponent
		wantCalls []string
		wantState []string
		wantErrIs error
		wantErr   string
	}{
		{
			name:      "fresh",
			ic:        myIC(),
			wantCalls: []string{icDescrib, "RegisterScalableTarget " + icKey, "PutScalingPolicy " + icKey + " my-ic-invocations-per-copy"},
			wantState: []string{"policy " + icPolicy + " type=TargetTrackingScaling", "target " + icKey + " min=1 max=4"},
		},
		{
			name:      "second run changes nothing",
			prepare:   func(t *testing.T, f *fakeClient) { mustSetup(t, f, myIC()) },
			ic:        myIC(),
			wantCalls: []string{icDescrib, "RegisterScalableTarget " + icKey, "PutScalingPolicy " + icKey + " my-ic-invocations-per-copy"},
			wantState: []string{"policy " + icPolicy + " type=TargetTrackingScaling", "target " + icKey + " min=1 max=4"},
		},
		{
			name:    "rerun with new bounds updates the target",
			prepare: func(t *testing.T, f *fakeClient) { mustSetup(t, f, myIC()) },
			ic: func() autoscaling.InferenceComponent {
				ic := myIC()
				ic.MinCopies, ic.MaxCopies = 0, 8
				return ic
			}(),
			wantCalls: []string{icDescrib, "RegisterScalableTarget " + icKey, "PutScalingPolicy " + icKey + " my-ic-invocations-per-copy"},
			wantState: []string{"policy " + icPolicy + " type=TargetTrackingScaling", "target " + icKey + " min=0 max=8"},
		},
		{
			name:      "policy failure undoes a new registration",
			fail:      map[string]error{"PutScalingPolicy": errBoom},
			ic:        myIC(),
			wantCalls: []string{icDescrib, "RegisterScalableTarget " + icKey, "PutScalingPolicy " + icKey + " my-ic-invocations-per-copy", "DeregisterScalableTarget " + icKey},
			wantState: nil,
			wantErrIs: errBoom,
			wantErr:   "set up inference component my-ic: put scaling policy my-ic-invocations-per-copy on sagemaker inference-component/my-ic sagemaker:inference-component:DesiredCopyCount: boom",
		},
		{
			name:      "policy failure keeps a target that existed before",
			prepare:   func(t *testing.T, f *fakeClient) { mustRegister(t, f, myIC().Target()) },
			fail:      map[string]error{"PutScalingPolicy": errBoom},
			ic:        myIC(),
			wantCalls: []string{icDescrib, "RegisterScalableTarget " + icKey, "PutScalingPolicy " + icKey + " my-ic-invocations-per-copy"},
			wantState: []string{"target " + icKey + " min=1 max=4"},
			wantErrIs: errBoom,
			wantErr:   "set up inference component my-ic: put scaling policy my-ic-invocations-per-copy on sagemaker inference-component/my-ic sagemaker:inference-component:DesiredCopyCount: boom",
		},
		{
			name: "policy failure restores the bounds of a target that existed before",
			prepare: func(t *testing.T, f *fakeClient) {
				st := myIC().Target()
				st.Min, st.Max = 2, 3
				mustRegister(t, f, st)
			},
			fail: map[string]error{"PutScalingPolicy": errBoom},
			ic:   myIC(),
			wantCalls: []string{icDescrib, "RegisterScalableTarget " + icKey, "PutScalingPolicy " + icKey + " my-ic-invocations-per-copy",
				"RegisterScalableTarget " + icKey},
			wantState: []string{"target " + icKey + " min=2 max=3"},
			wantErrIs: errBoom,
			wantErr:   "set up inference component my-ic: put scaling policy my-ic-invocations-per-copy on sagemaker inference-component/my-ic sagemaker:inference-component:DesiredCopyCount: boom",
		},
		{
			name:      "failed undo is reported too",
			fail:      map[string]error{"PutScalingPolicy": errBoom, "DeregisterScalableTarget": errors.New("deregister down")},
			ic:        myIC(),
			wantCalls: []string{icDescrib, "RegisterScalableTarget " + icKey, "PutScalingPolicy " + icKey + " my-ic-invocations-per-copy", "DeregisterScalableTarget " + icKey},
			wantState: []string{"target " + icKey + " min=1 max=4"},
			wantErrIs: errBoom,
			wantErr: "set up inference component my-ic: put scaling policy my-ic-invocations-per-copy on sagemaker inference-component/my-ic sagemaker:inference-component:DesiredCopyCount: boom\n" +
				"undo registration: deregister scalable target sagemaker inference-component/my-ic sagemaker:inference-component:DesiredCopyCount: deregister down",
		},
		{
			name:      "register failure stops before the policy",
			fail:      map[string]error{"RegisterScalableTarget": errBoom},
			ic:        myIC(),
			wantCalls: []string{icDescrib, "RegisterScalableTarget " + icKey},
			wantErrIs: errBoom,
			wantErr:   "set up inference component my-ic: register scalable target sagemaker inference-component/my-ic sagemaker:inference-component:DesiredCopyCount: boom",
		},
		{
			name:      "describe failure stops everything",
			fail:      map[string]error{"DescribeScalableTargets": errBoom},
			ic:        myIC(),
			wantCalls: []string{icDescrib},
			wantErrIs: errBoom,
			wantErr:   "set up inference component my-ic: describe scalable target sagemaker inference-component/my-ic sagemaker:inference-component:DesiredCopyCount: boom",
		},
		{
			name: "custom policy name",
			ic: func() autoscaling.InferenceComponent {
				ic := myIC()
				ic.PolicyName = "ipc"
				return ic
			}(),
			wantCalls: []string{icDescrib, "RegisterScalableTarget " + icKey, "PutScalingPolicy " + icKey + " ipc"},
			wantState: []string{"policy " + icKey + "|ipc type=TargetTrackingScaling", "target " + icKey + " min=1 max=4"},
		},
		{
			name: "bad input makes no calls",
			ic: autoscaling.InferenceComponent{
				ComponentName:            "-bad_name",
				MinCopies:                3,
				MaxCopies:                2,
				TargetInvocationsPerCopy: math.NaN(),
				ScaleInCooldown:          1500 * time.Millisecond,
			},
			wantErr: "set up inference component: InferenceComponent.ComponentName \"-bad_name\" must be 1 to 63 letters, digits or inner hyphens\n" +
				"InferenceComponent.MaxCopies is 2; it must be at least 1 and at least MinCopies (3)\n" +
				"InferenceComponent.TargetInvocationsPerCopy is NaN; it must be a positive number\n" +
				"InferenceComponent.ScaleInCooldown is 1.5s; it must be a whole number of seconds",
		},
		{
			name:    "empty name",
			ic:      autoscaling.InferenceComponent{MaxCopies: 1, TargetInvocationsPerCopy: 1},
			wantErr: "set up inference component: InferenceComponent.ComponentName is empty",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			if tt.prepare != nil {
				tt.prepare(t, f)
			}
			f.calls = nil
			f.fail = tt.fail
			err := tt.ic.Setup(context.Background(), f)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("Setup: %v", err)
			}
			if tt.wantErr != "" {
				if err == nil {
					t.Fatal("Setup succeeded, want an error")
				}
				if diff := cmp.Diff(tt.wantErr, err.Error()); diff != "" {
					t.Errorf("error mismatch (-want +got):\n%s", diff)
				}
			}
			if tt.wantErrIs != nil && !errors.Is(err, tt.wantErrIs) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.wantErrIs)
			}
			if diff := cmp.Diff(tt.wantCalls, f.calls); diff != "" {
				t.Errorf("calls mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantState, f.state()); diff != "" {
				t.Errorf("state mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func mustSetup(t *testing.T, f *fakeClient, ic autoscaling.InferenceComponent) {
	t.Helper()
	if err := ic.Setup(context.Background(), f); err != nil {
		t.Fatal(err)
	}
}

func mustRegister(t *testing.T, f *fakeClient, st autoscaling.ScalableTarget) {
	t.Helper()
	if _, err := st.Register(context.Background(), f); err != nil {
		t.Fatal(err)
	}
}

func TestInferenceComponentInputs(t *testing.T) {
	f := newFake()
	mustSetup(t, f, myIC())
	wantTarget := &applicationautoscaling.RegisterScalableTargetInput{
		ServiceNamespace:  types.ServiceNamespaceSagemaker,
		ResourceId:        aws.String("inference-component/my-ic"),
		ScalableDimension: types.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount,
		MinCapacity:       aws.Int32(1),
		MaxCapacity:       aws.Int32(4),
		// No SuspendedState: Setup leaves suspension alone.
	}
	if diff := cmp.Diff(wantTarget, f.targets[icKey], ignoreUnexported); diff != "" {
		t.Errorf("RegisterScalableTarget input mismatch (-want +got):\n%s", diff)
	}
	got := f.policies[icPolicy]
	want := &applicationautoscaling.PutScalingPolicyInput{
		PolicyName:        aws.String("my-ic-invocations-per-copy"),
		ServiceNamespace:  types.ServiceNamespaceSagemaker,
		ResourceId:        aws.String("inference-component/my-ic"),
		ScalableDimension: types.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount,
		PolicyType:        types.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{
			TargetValue:                   aws.Float64(10),
			PredefinedMetricSpecification: &types.PredefinedMetricSpecification{PredefinedMetricType: types.MetricTypeSageMakerInferenceComponentInvocationsPerCopy},
			ScaleInCooldown:               aws.Int32(300),
			ScaleOutCooldown:              aws.Int32(60),
		},
	}
	if diff := cmp.Diff(want, got, ignoreUnexported); diff != "" {
		t.Errorf("PutScalingPolicy input mismatch (-want +got):\n%s", diff)
	}
}

func TestInferenceComponentCleanup(t *testing.T) {
	apiNotFound := &smithy.GenericAPIError{Code: "ObjectNotFoundException", Message: "gone"}
	tests := []struct {
		name      string
		setup     bool
		fail      map[string]error
		wantCalls []string
		wantState []string
		wantErr   string
	}{
		{
			name:      "after setup",
			setup:     true,
			wantCalls: []string{"DeleteScalingPolicy " + icPolicy, "DeregisterScalableTarget " + icKey},
		},
		{
			name:      "nothing there is fine",
			wantCalls: []string{"DeleteScalingPolicy " + icPolicy, "DeregisterScalableTarget " + icKey},
		},
		{
			name:      "not-found as a generic API error is fine",
			fail:      map[string]error{"DeleteScalingPolicy": apiNotFound, "DeregisterScalableTarget": apiNotFound},
			wantCalls: []string{"DeleteScalingPolicy " + icPolicy, "DeregisterScalableTarget " + icKey},
		},
		{
			name:      "other errors are returned",
			setup:     true,
			fail:      map[string]error{"DeleteScalingPolicy": errBoom},
			wantCalls: []string{"DeleteScalingPolicy " + icPolicy},
			wantState: []string{"policy " + icPolicy + " type=TargetTrackingScaling", "target " + icKey + " min=1 max=4"},
			wantErr:   "clean up inference component my-ic: delete scaling policy my-ic-invocations-per-copy of sagemaker inference-component/my-ic sagemaker:inference-component:DesiredCopyCount: boom",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			if tt.setup {
				mustSetup(t, f, myIC())
			}
			f.calls = nil
			f.fail = tt.fail
			err := myIC().Cleanup(context.Background(), f)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if diff := cmp.Diff(tt.wantErr, gotErr); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantCalls, f.calls); diff != "" {
				t.Errorf("calls mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantState, f.state()); diff != "" {
				t.Errorf("state mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPolicyInputs(t *testing.T) {
	target := autoscaling.ScalableTarget{
		Namespace:  types.ServiceNamespaceEcs,
		ResourceID: "service/default/web-app",
		Dimension:  types.ScalableDimensionECSServiceDesiredCount,
		Min:        1,
		Max:        10,
	}
	custom := &types.CustomizedMetricSpecification{MetricName: aws.String("QueueDepth"), Namespace: aws.String("MyApp"), Statistic: types.MetricStatisticAverage}
	tests := []struct {
		name   string
		policy autoscaling.Policy
		want   *applicationautoscaling.PutScalingPolicyInput
	}{
		{
			name: "target tracking, custom metric, explicit zero cooldown, no scale-in",
			policy: autoscaling.TargetTracking{
				PolicyName:       "queue",
				CustomMetric:     custom,
				TargetValue:      100,
				ScaleInCooldown:  autoscaling.ZeroCooldown,
				DisableScaleIn:   true,
				ScaleOutCooldown: 0,
			},
			want: &applicationautoscaling.PutScalingPolicyInput{
				PolicyType: types.PolicyTypeTargetTrackingScaling,
				TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{
					TargetValue:                   aws.Float64(100),
					CustomizedMetricSpecification: custom,
					ScaleInCooldown:               aws.Int32(0),
					DisableScaleIn:                aws.Bool(true),
				},
			},
		},
		{
			name: "target tracking with resource label",
			policy: autoscaling.TargetTracking{
				PolicyName:       "alb",
				PredefinedMetric: types.MetricTypeALBRequestCountPerTarget,
				ResourceLabel:    "app/my-alb/778d41231b141a0f/targetgroup/my-tg/943f017f100becff",
				TargetValue:      1000,
			},
			want: &applicationautoscaling.PutScalingPolicyInput{
				PolicyType: types.PolicyTypeTargetTrackingScaling,
				TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{
					TargetValue: aws.Float64(1000),
					PredefinedMetricSpecification: &types.PredefinedMetricSpecification{
						PredefinedMetricType: types.MetricTypeALBRequestCountPerTarget,
						ResourceLabel:        aws.String("app/my-alb/778d41231b141a0f/targetgroup/my-tg/943f017f100becff"),
					},
				},
			},
		},
		{
			name: "step scaling",
			policy: autoscaling.StepScaling{
				PolicyName:     "wake-from-zero",
				AdjustmentType: types.AdjustmentTypeChangeInCapacity,
				Steps: []autoscaling.Step{
					{Lower: aws.Float64(0), Upper: aws.Float64(10), Adjustment: 1},
					{Lower: aws.Float64(10), Adjustment: 3},
				},
				Cooldown:               time.Minute,
				MetricAggregation:      types.MetricAggregationTypeMaximum,
				MinAdjustmentMagnitude: 2,
			},
			want: &applicationautoscaling.PutScalingPolicyInput{
				PolicyType: types.PolicyTypeStepScaling,
				StepScalingPolicyConfiguration: &types.StepScalingPolicyConfiguration{
					AdjustmentType: types.AdjustmentTypeChangeInCapacity,
					StepAdjustments: []types.StepAdjustment{
						{MetricIntervalLowerBound: aws.Float64(0), MetricIntervalUpperBound: aws.Float64(10), ScalingAdjustment: aws.Int32(1)},
						{MetricIntervalLowerBound: aws.Float64(10), ScalingAdjustment: aws.Int32(3)},
					},
					Cooldown:               aws.Int32(60),
					MetricAggregationType:  types.MetricAggregationTypeMaximum,
					MinAdjustmentMagnitude: aws.Int32(2),
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			mustRegister(t, f, target)
			arn, err := tt.policy.Apply(context.Background(), f, target)
			if err != nil {
				t.Fatal(err)
			}
			key := "ecs|service/default/web-app|ecs:service:DesiredCount|" + tt.policy.Name()
			if arn != "arn:fake:policy/"+key {
				t.Errorf("ARN = %q", arn)
			}
			tt.want.PolicyName = aws.String(tt.policy.Name())
			tt.want.ServiceNamespace = target.Namespace
			tt.want.ResourceId = aws.String(target.ResourceID)
			tt.want.ScalableDimension = target.Dimension
			if diff := cmp.Diff(tt.want, f.policies[key], ignoreUnexported); diff != "" {
				t.Errorf("PutScalingPolicy input mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPolicyValidation(t *testing.T) {
	target := myIC().Target()
	tests := []struct {
		name   string
		policy autoscaling.Policy
		want   string
	}{
		{"target tracking without metric", autoscaling.TargetTracking{PolicyName: "p", TargetValue: 1},
			"put target-tracking policy: TargetTracking needs PredefinedMetric or CustomMetric; both are empty"},
		{"target tracking with both metrics", autoscaling.TargetTracking{PolicyName: "p", PredefinedMetric: types.MetricTypeECSServiceAverageCPUUtilization, CustomMetric: &types.CustomizedMetricSpecification{}, TargetValue: 1},
			"put target-tracking policy: TargetTracking sets both PredefinedMetric \"ECSServiceAverageCPUUtilization\" and CustomMetric; set one"},
		{"target tracking bad values", autoscaling.TargetTracking{PredefinedMetric: types.MetricTypeECSServiceAverageCPUUtilization, TargetValue: -1, ScaleOutCooldown: -5 * time.Second},
			"put target-tracking policy: TargetTracking.PolicyName is empty\n" +
				"TargetTracking.TargetValue is -1; it must be a positive number\n" +
				"TargetTracking.ScaleOutCooldown is -5s; it must not be negative (use ZeroCooldown for an explicit 0)"},
		{"step scaling empty", autoscaling.StepScaling{PolicyName: "s"},
			"put step-scaling policy: StepScaling.AdjustmentType is empty\nStepScaling.Steps is empty; give at least one step"},
		{"step scaling bad steps", autoscaling.StepScaling{PolicyName: "s", AdjustmentType: types.AdjustmentTypeExactCapacity,
			Steps: []autoscaling.Step{{Adjustment: 1}, {Lower: aws.Float64(5), Upper: aws.Float64(5)}}, Cooldown: 48 * time.Hour},
			"put step-scaling policy: StepScaling.Steps[0] has neither a lower nor an upper bound\n" +
				"StepScaling.Steps[1] upper bound 5 is not above its lower bound 5\n" +
				"StepScaling.Cooldown is 48h0m0s; it must be at most 24h0m0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			_, err := tt.policy.Apply(context.Background(), f, target)
			if err == nil {
				t.Fatal("Apply succeeded, want an error")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
			if len(f.calls) != 0 {
				t.Errorf("Apply made calls %v on bad input", f.calls)
			}
		})
	}
}

func TestScalableTarget(t *testing.T) {
	ctx := context.Background()
	f := newFake()
	st := autoscaling.ScalableTarget{
		Namespace:  types.ServiceNamespaceSagemaker,
		ResourceID: "inference-component/my-ic",
		Dimension:  types.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount,
		Min:        0,
		Max:        3,
		Suspended:  &autoscaling.Suspended{ScheduledScaling: true},
		Tags:       map[string]string{"team": "ml"},
	}
	if _, ok, err := st.Describe(ctx, f); err != nil || ok {
		t.Fatalf("Describe before Register = %v, %v; want not found", ok, err)
	}
	arn, err := st.Register(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if arn != "arn:fake:scalable-target/"+icKey {
		t.Errorf("Register ARN = %q", arn)
	}
	want := &applicationautoscaling.RegisterScalableTargetInput{
		ServiceNamespace:  types.ServiceNamespaceSagemaker,
		ResourceId:        aws.String("inference-component/my-ic"),
		ScalableDimension: types.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount,
		MinCapacity:       aws.Int32(0),
		MaxCapacity:       aws.Int32(3),
		SuspendedState: &types.SuspendedState{
			DynamicScalingInSuspended:  aws.Bool(false),
			DynamicScalingOutSuspended: aws.Bool(false),
			ScheduledScalingSuspended:  aws.Bool(true),
		},
		Tags: map[string]string{"team": "ml"},
	}
	if diff := cmp.Diff(want, f.targets[icKey], ignoreUnexported); diff != "" {
		t.Errorf("RegisterScalableTarget input mismatch (-want +got):\n%s", diff)
	}
	reg, ok, err := st.Describe(ctx, f)
	if err != nil || !ok {
		t.Fatalf("Describe = %v, %v", ok, err)
	}
	wantReg := autoscaling.Registration{ARN: arn, Min: 0, Max: 3, Suspended: autoscaling.Suspended{ScheduledScaling: true}}
	if diff := cmp.Diff(wantReg, reg); diff != "" {
		t.Errorf("Describe mismatch (-want +got):\n%s", diff)
	}

	// Policies follows pages (the fake returns one policy per page).
	for _, name := range []string{"a", "b", "c"} {
		p := autoscaling.TargetTracking{PolicyName: name, PredefinedMetric: types.MetricTypeSageMakerInferenceComponentInvocationsPerCopy, TargetValue: 1}
		if _, err := p.Apply(ctx, f, st); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := st.Policies(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range ps {
		names = append(names, aws.ToString(p.PolicyName))
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, names); diff != "" {
		t.Errorf("Policies mismatch (-want +got):\n%s", diff)
	}

	if err := st.DeletePolicy(ctx, f, "b"); err != nil {
		t.Fatal(err)
	}
	if err := st.DeletePolicy(ctx, f, "b"); !autoscaling.IsNotFound(err) {
		t.Errorf("second DeletePolicy = %v, want not found", err)
	}
	if err := st.Deregister(ctx, f); err != nil {
		t.Fatal(err)
	}
	if err := st.Deregister(ctx, f); !autoscaling.IsNotFound(err) {
		t.Errorf("second Deregister = %v, want not found", err)
	}
	if diff := cmp.Diff([]string(nil), f.state()); diff != "" {
		t.Errorf("state after Deregister (-want +got):\n%s", diff)
	}
}

func TestScalableTargetValidation(t *testing.T) {
	f := newFake()
	_, err := autoscaling.ScalableTarget{Min: 5, Max: 2}.Register(context.Background(), f)
	want := "register scalable target: ScalableTarget.Namespace is empty\n" +
		"ScalableTarget.ResourceID is empty\n" +
		"ScalableTarget.Dimension is empty\n" +
		"ScalableTarget.Max 2 is less than Min 5"
	if err == nil || err.Error() != want {
		t.Errorf("Register error = %v, want %q", err, want)
	}
	if len(f.calls) != 0 {
		t.Errorf("Register made calls %v on bad input", f.calls)
	}
}
