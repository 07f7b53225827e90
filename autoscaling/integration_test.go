package autoscaling_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/autoscaling"
)

// TestSetupUndoAgainstServer: the real server rejects the policy (TargetValue below the API's
// range), so Setup must leave no target behind.
func TestSetupUndoAgainstServer(t *testing.T) {
	ctx := context.Background()
	client := newClient()
	ic := autoscaling.InferenceComponent{ComponentName: "undo-me", MinCopies: 1, MaxCopies: 2, TargetInvocationsPerCopy: 1e-200}
	err := ic.Setup(ctx, client)
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "ValidationException" {
		t.Fatalf("Setup = %v, want a ValidationException", err)
	}
	if _, registered, err := ic.Target().Describe(ctx, client); err != nil || registered {
		t.Errorf("after failed Setup: registered = %v, err = %v; want false, nil", registered, err)
	}
}

// TestSetupAndCleanupAgainstServer runs the whole life cycle twice over.
func TestSetupAndCleanupAgainstServer(t *testing.T) {
	ctx := context.Background()
	client := newClient()
	ic := autoscaling.InferenceComponent{ComponentName: "life-cycle", MinCopies: 0, MaxCopies: 3, TargetInvocationsPerCopy: 2}
	for round := range 2 {
		for range 2 {
			if err := ic.Setup(ctx, client); err != nil {
				t.Fatalf("round %d: Setup: %v", round, err)
			}
		}
		reg, registered, err := ic.Target().Describe(ctx, client)
		if err != nil || !registered {
			t.Fatalf("round %d: Describe = %v, %v", round, registered, err)
		}
		if diff := cmp.Diff([2]int32{0, 3}, [2]int32{reg.Min, reg.Max}); diff != "" {
			t.Errorf("round %d: capacity bounds (-want +got):\n%s", round, diff)
		}
		ps, err := ic.Target().Policies(ctx, client)
		if err != nil || len(ps) != 1 {
			t.Fatalf("round %d: Policies = %d policies, %v; want 1", round, len(ps), err)
		}
		for range 2 {
			if err := ic.Cleanup(ctx, client); err != nil {
				t.Fatalf("round %d: Cleanup: %v", round, err)
			}
		}
		if _, registered, err := ic.Target().Describe(ctx, client); err != nil || registered {
			t.Fatalf("round %d: after Cleanup registered = %v, err = %v", round, registered, err)
		}
	}
}

// TestSetupUndoKeepsExistingTarget: on a target that was already registered, a failed Setup
// restores the previous bounds instead of deregistering.
func TestSetupUndoKeepsExistingTarget(t *testing.T) {
	ctx := context.Background()
	client := newClient()
	ic := autoscaling.InferenceComponent{ComponentName: "keep-me", MinCopies: 1, MaxCopies: 4, TargetInvocationsPerCopy: 1e-200}
	before := ic.Target()
	before.Min, before.Max = 2, 3
	if _, err := before.Register(ctx, client); err != nil {
		t.Fatal(err)
	}
	if err := ic.Setup(ctx, client); err == nil {
		t.Fatal("Setup succeeded, want a ValidationException")
	}
	reg, registered, err := ic.Target().Describe(ctx, client)
	if err != nil || !registered {
		t.Fatalf("Describe = %v, %v; want registered", registered, err)
	}
	if diff := cmp.Diff([2]int32{2, 3}, [2]int32{reg.Min, reg.Max}); diff != "" {
		t.Errorf("bounds after failed Setup (-want +got):\n%s", diff)
	}
}

// failingAlarms refuses every alarm call.
type failingAlarms struct{}

func (failingAlarms) PutMetricAlarm(context.Context, *cloudwatch.PutMetricAlarmInput, ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricAlarmOutput, error) {
	return nil, errors.New("alarms unavailable")
}

func (failingAlarms) DeleteAlarms(context.Context, *cloudwatch.DeleteAlarmsInput, ...func(*cloudwatch.Options)) (*cloudwatch.DeleteAlarmsOutput, error) {
	return nil, errors.New("alarms unavailable")
}

// TestWakeFromZeroAgainstServer: with Wake, Setup puts the target-tracking policy, the
// wake-from-zero step policy and the NoCapacityInvocationFailures alarm whose action is the
// step policy (DescribeScalingPolicies lists it); Cleanup removes all of it, twice over; a
// failing alarm call leaves nothing behind.
func TestWakeFromZeroAgainstServer(t *testing.T) {
	ctx := context.Background()
	client, alarms := newClient(), newAlarmsClient()
	ic := autoscaling.InferenceComponent{ComponentName: "wakes", MinCopies: 0, MaxCopies: 2, TargetInvocationsPerCopy: 1,
		Wake: &autoscaling.WakeFromZero{Alarms: alarms}}
	for range 2 {
		if err := ic.Setup(ctx, client); err != nil {
			t.Fatalf("Setup: %v", err)
		}
	}
	ps, err := ic.Target().Policies(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, p := range ps {
		var names []string
		for _, a := range p.Alarms {
			names = append(names, aws.ToString(a.AlarmName))
		}
		if p.PolicyType == types.PolicyTypeStepScaling {
			got[aws.ToString(p.PolicyName)] = names
		} else {
			got[aws.ToString(p.PolicyName)] = []string{string(p.PolicyType)}
		}
	}
	want := map[string][]string{"wakes-invocations-per-copy": {"TargetTrackingScaling"}, "wakes-wake-from-zero": {"wakes-no-capacity"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("policies and the alarms that invoke them (-want +got):\n%s", diff)
	}
	da, err := alarms.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"wakes-no-capacity"}})
	if err != nil || len(da.MetricAlarms) != 1 {
		t.Fatalf("DescribeAlarms: %v %+v", err, da)
	}
	if a := da.MetricAlarms[0]; aws.ToString(a.MetricName) != "NoCapacityInvocationFailures" || aws.ToFloat64(a.Threshold) != 1 {
		t.Errorf("alarm %+v", a)
	}
	for range 2 {
		if err := ic.Cleanup(ctx, client); err != nil {
			t.Fatalf("Cleanup: %v", err)
		}
	}
	if da, err = alarms.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"wakes-no-capacity"}}); err != nil || len(da.MetricAlarms) != 0 {
		t.Errorf("after Cleanup: alarms %+v, %v", da, err)
	}
	if _, registered, err := ic.Target().Describe(ctx, client); err != nil || registered {
		t.Errorf("after Cleanup: registered %v, %v", registered, err)
	}

	broken := ic
	broken.ComponentName = "wakes-broken"
	broken.Wake = &autoscaling.WakeFromZero{Alarms: failingAlarms{}}
	if err := broken.Setup(ctx, client); err == nil || !strings.Contains(err.Error(), "alarms unavailable") {
		t.Fatalf("Setup with failing alarms = %v", err)
	}
	if _, registered, err := broken.Target().Describe(ctx, client); err != nil || registered {
		t.Errorf("after a failed Setup: registered %v, %v; want nothing left", registered, err)
	}

	// Wake needs MinCopies 0 and an alarms client.
	bad := autoscaling.InferenceComponent{ComponentName: "x", MinCopies: 1, MaxCopies: 2, TargetInvocationsPerCopy: 1, Wake: &autoscaling.WakeFromZero{}}
	err = bad.Setup(ctx, client)
	if err == nil || !strings.Contains(err.Error(), "Wake.Alarms is nil") || !strings.Contains(err.Error(), "needs MinCopies 0") {
		t.Errorf("Setup with a bad Wake = %v", err)
	}
}
