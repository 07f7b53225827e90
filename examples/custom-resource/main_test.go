package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
	"github.com/scaled-dev/scaled/internal/resource/customresource"
)

// The example backend speaks the protocol scaled's custom-resource actuator expects.
func TestBackendWithTheActuator(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	b := &backend{clk: clk, delay: 5 * time.Second, log: slog.New(slog.DiscardHandler), dims: map[string]*dimension{}}
	srv := httptest.NewServer(b)
	defer srv.Close()
	act, err := customresource.New(customresource.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	key := model.TargetKey{Namespace: "custom-resource", ResourceID: srv.URL + "/scalableTargetDimensions/workers", Dimension: "custom-resource:ResourceType:Property"}
	state := func() resource.State {
		t.Helper()
		st, err := act.State(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		st.Message = ""
		return st
	}
	if err := act.ValidateResourceID(ctx, key); err != nil {
		t.Fatalf("ValidateResourceID: %v", err)
	}
	for _, step := range []struct {
		name    string
		advance time.Duration
		set     int32
		want    resource.State
	}{
		{"new dimension", 0, -1, resource.State{Desired: 1, Actual: 1, Status: resource.StatusSuccessful}},
		{"change requested", 0, 3, resource.State{Desired: 3, Actual: 1, Status: resource.StatusInProgress}},
		{"not yet", 4 * time.Second, -1, resource.State{Desired: 3, Actual: 1, Status: resource.StatusInProgress}},
		{"fulfilled", time.Second, -1, resource.State{Desired: 3, Actual: 3, Status: resource.StatusSuccessful}},
	} {
		clk.Advance(step.advance)
		if step.set >= 0 {
			if err := act.SetDesired(ctx, key, step.set); err != nil {
				t.Fatalf("%s: SetDesired: %v", step.name, err)
			}
		}
		if d := cmp.Diff(step.want, state()); d != "" {
			t.Errorf("%s: state (-want +got):\n%s", step.name, d)
		}
	}
}

func TestBackendRefusesBadRequests(t *testing.T) {
	b := &backend{clk: clock.NewFake(time.Unix(0, 0)), log: slog.New(slog.DiscardHandler), dims: map[string]*dimension{}}
	srv := httptest.NewServer(b)
	defer srv.Close()
	for _, tc := range []struct {
		method, path, body string
		want               int
	}{
		{http.MethodPatch, "/scalableTargetDimensions/w", `{"desiredCapacity": -1}`, http.StatusBadRequest},
		{http.MethodPatch, "/scalableTargetDimensions/w", `{}`, http.StatusBadRequest},
		{http.MethodGet, "/elsewhere/w", ``, http.StatusNotFound},
		{http.MethodDelete, "/scalableTargetDimensions/w", ``, http.StatusMethodNotAllowed},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s %s %s: %d, want %d", tc.method, tc.path, tc.body, resp.StatusCode, tc.want)
		}
	}
}
