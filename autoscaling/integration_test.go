package autoscaling_test

import (
	"context"
	"errors"
	"testing"

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
