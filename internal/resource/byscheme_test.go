package resource

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/model"
)

// recorder is an Actuator that records its calls as "<name> <op> <id>".
type recorder struct {
	name  string
	calls *[]string
	err   error
}

func (r recorder) State(_ context.Context, k model.TargetKey) (State, error) {
	*r.calls = append(*r.calls, r.name+" State "+k.ResourceID)
	return State{Desired: 2, Actual: 1, Status: StatusInProgress, Message: r.name}, r.err
}

func (r recorder) SetDesired(_ context.Context, k model.TargetKey, n int32) error {
	*r.calls = append(*r.calls, fmt.Sprintf("%s SetDesired %s %d", r.name, k.ResourceID, n))
	return r.err
}

// validatingRecorder is a recorder that is also an IDValidator.
type validatingRecorder struct{ recorder }

func (r validatingRecorder) ValidateResourceID(_ context.Context, k model.TargetKey) error {
	*r.calls = append(*r.calls, r.name+" Validate "+k.ResourceID)
	return r.err
}

const expect = "an http(s) URL (AWS custom-resource protocol) or kubernetes:///<namespace>/<resource>/<name>"

func TestByScheme(t *testing.T) {
	tests := []struct {
		id        string
		wantCalls []string
		wantErr   string
	}{
		{id: "http://backend:8080/dims/1",
			wantCalls: []string{"cr Validate http://backend:8080/dims/1", "cr State http://backend:8080/dims/1", "cr SetDesired http://backend:8080/dims/1 4"}},
		{id: "HTTPS://backend/dims/1",
			wantCalls: []string{"cr Validate HTTPS://backend/dims/1", "cr State HTTPS://backend/dims/1", "cr SetDesired HTTPS://backend/dims/1 4"}},
		// The kubernetes actuator here is no IDValidator: validation passes without a call.
		{id: "kubernetes:///default/deployments/web",
			wantCalls: []string{"k8s State kubernetes:///default/deployments/web", "k8s SetDesired kubernetes:///default/deployments/web 4"}},
		{id: "ftp://backend/dims/1",
			wantErr: `URL scheme "ftp" is not supported; ResourceId must be ` + expect},
		{id: "default/deployments/web",
			wantErr: "ResourceId has no URL scheme; ResourceId must be " + expect},
		{id: "://x",
			wantErr: "ResourceId has no URL scheme; ResourceId must be " + expect},
		{id: "1-23456789",
			wantErr: "ResourceId has no URL scheme; ResourceId must be " + expect},
		{id: "",
			wantErr: "ResourceId has no URL scheme; ResourceId must be " + expect},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			var calls []string
			cr := validatingRecorder{recorder{name: "cr", calls: &calls}}
			b := NewByScheme(expect, map[string]Actuator{"http": cr, "HTTPS": cr, "kubernetes": recorder{name: "k8s", calls: &calls}})
			ctx := context.Background()
			k := model.TargetKey{Account: "123456789012", Namespace: "custom-resource", ResourceID: tt.id, Dimension: "custom-resource:ResourceType:Property"}
			var errs []string
			note := func(err error) {
				if err != nil {
					errs = append(errs, err.Error())
				}
			}
			note(b.ValidateResourceID(ctx, k))
			st, err := b.State(ctx, k)
			note(err)
			note(b.SetDesired(ctx, k, 4))
			if tt.wantErr != "" {
				want := []string{tt.wantErr, tt.wantErr, tt.wantErr}
				if diff := cmp.Diff(want, errs); diff != "" {
					t.Errorf("errors (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(State{}, st); diff != "" {
					t.Errorf("state on error (-want +got):\n%s", diff)
				}
			} else if len(errs) > 0 {
				t.Errorf("unexpected errors: %q", errs)
			}
			if diff := cmp.Diff(tt.wantCalls, calls); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBySchemePassesResultsAndErrorsThrough(t *testing.T) {
	var calls []string
	boom := errors.New("backend down")
	b := NewByScheme("", map[string]Actuator{"https": validatingRecorder{recorder{name: "cr", calls: &calls, err: boom}}})
	k := model.TargetKey{ResourceID: "https://backend/x"}
	st, err := b.State(context.Background(), k)
	if !errors.Is(err, boom) {
		t.Errorf("State error = %v, want %v", err, boom)
	}
	if diff := cmp.Diff(State{Desired: 2, Actual: 1, Status: StatusInProgress, Message: "cr"}, st); diff != "" {
		t.Errorf("state (-want +got):\n%s", diff)
	}
	if err := b.SetDesired(context.Background(), k, 1); !errors.Is(err, boom) {
		t.Errorf("SetDesired error = %v, want %v", err, boom)
	}
	if err := b.ValidateResourceID(context.Background(), k); !errors.Is(err, boom) {
		t.Errorf("ValidateResourceID error = %v, want %v", err, boom)
	}
	// Without an expectation text the schemes are listed.
	_, err = b.Route("s3://bucket/key")
	if diff := cmp.Diff(`URL scheme "s3" is not supported; ResourceId must be a URL with scheme https`, fmt.Sprint(err)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestNewBySchemeWiringBugsPanic(t *testing.T) {
	var calls []string
	a := recorder{name: "a", calls: &calls}
	for name, routes := range map[string]map[string]Actuator{
		"empty":       {},
		"nil":         {"http": nil},
		"bad scheme":  {"http://": a},
		"digit first": {"1http": a},
		"no scheme":   {"": a},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("NewByScheme did not panic")
				}
			}()
			NewByScheme("", routes)
		})
	}
}
