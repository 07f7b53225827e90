package sagemaker

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
	smapi "github.com/scaled-dev/scaled/internal/sagemaker"
	"github.com/scaled-dev/scaled/internal/serving"
)

// The SageMaker API is the backend the server wires in.
var _ Backend = (*smapi.API)(nil)

type fakeBackend struct {
	states map[string]serving.ComponentState
	set    map[string]int32
}

func (f *fakeBackend) ComponentState(_ context.Context, account, name string) (serving.ComponentState, error) {
	st, ok := f.states[account+"/"+name]
	if !ok {
		return serving.ComponentState{}, fmt.Errorf("%w: %s", serving.ErrNotFound, name)
	}
	return st, nil
}

func (f *fakeBackend) SetCopyCount(_ context.Context, account, name string, n int32) error {
	f.set[account+"/"+name] = n
	return nil
}

func key(id string) model.TargetKey {
	return model.TargetKey{Account: "a", Namespace: Namespace, ResourceID: id, Dimension: Dimension}
}

func TestState(t *testing.T) {
	f := &fakeBackend{states: map[string]serving.ComponentState{
		"a/done":    {Status: serving.StatusInService, Desired: 2, Current: 2},
		"a/growing": {Status: serving.StatusUpdating, Desired: 4, Current: 2, Pending: 2, Message: "2 of 4 copies are pending: ..."},
		"a/broken":  {Status: serving.StatusFailed, Desired: 1, FailureReason: "copy 3 failed to start"},
	}, set: map[string]int32{}}
	a := New(Options{Backend: f})
	tests := []struct {
		id      string
		want    resource.State
		wantErr error
	}{
		{"inference-component/done", resource.State{Desired: 2, Actual: 2, Status: resource.StatusSuccessful}, nil},
		{"inference-component/growing", resource.State{Desired: 4, Actual: 2, Status: resource.StatusInProgress, Message: "2 of 4 copies are pending: ..."}, nil},
		{"inference-component/broken", resource.State{Desired: 1, Status: resource.StatusFailed, Message: "copy 3 failed to start"}, nil},
		{"inference-component/missing", resource.State{}, resource.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			got, err := a.State(context.Background(), key(tc.id))
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("State (-want +got):\n%s", diff)
			}
		})
	}
	if err := a.SetDesired(context.Background(), key("inference-component/done"), 5); err != nil {
		t.Fatal(err)
	}
	if err := a.SetDesired(context.Background(), key("inference-component/broken"), 5); !errors.Is(err, resource.ErrNotScalable) {
		t.Errorf("SetDesired on a failed component: %v, want ErrNotScalable", err)
	}
	if diff := cmp.Diff(map[string]int32{"a/done": 5}, f.set); diff != "" {
		t.Errorf("copy counts set (-want +got):\n%s", diff)
	}
	if err := a.ValidateResourceID(context.Background(), key("inference-component/missing")); !errors.Is(err, resource.ErrNotFound) {
		t.Errorf("ValidateResourceID(missing) = %v, want ErrNotFound", err)
	}
	if err := a.ValidateResourceID(context.Background(), key("endpoint/x")); err == nil {
		t.Errorf("ValidateResourceID accepted a malformed id")
	}
}

func TestNoRuntime(t *testing.T) {
	var nilAPI *fakeBackend
	for _, a := range []*Actuator{New(Options{}), New(Options{Backend: nilAPI})} {
		_, err := a.State(context.Background(), key("inference-component/x"))
		if !errors.Is(err, resource.ErrNotScalable) || err.Error() != "resource is not scalable: "+NoRuntimeMessage {
			t.Errorf("State = %v", err)
		}
		if err := a.SetDesired(context.Background(), key("inference-component/x"), 1); !errors.Is(err, resource.ErrNotScalable) {
			t.Errorf("SetDesired = %v", err)
		}
		if err := a.ValidateResourceID(context.Background(), key("inference-component/x")); err != nil {
			t.Errorf("ValidateResourceID = %v, want accepted", err)
		}
	}
}
