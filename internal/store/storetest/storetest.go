// Package storetest is the conformance suite of the store contract. Every backend runs it:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return open(t) })
//	}
//
// open must return a new, empty store for each call and arrange its cleanup with t.Cleanup;
// the tests run in parallel, each with its own store.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/store"
)

// Opener returns a new, empty store for one test.
type Opener func(t *testing.T) store.Store

// Run runs the whole conformance suite against the backend open returns.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"TargetCRUD", testTargetCRUD},
		{"PolicyCRUD", testPolicyCRUD},
		{"ScheduleCRUD", testScheduleCRUD},
		{"ActivityCRUD", testActivityCRUD},
		{"AlarmCRUD", testAlarmCRUD},
		{"TargetState", testTargetState},
		{"DeleteTargetCascade", testDeleteTargetCascade},
		{"DeletePolicyAlarms", testDeletePolicyAlarms},
		{"PutPolicyAlarms", testPutPolicyAlarms},
		{"AccountIsolation", testAccountIsolation},
		{"TargetFilters", testTargetFilters},
		{"PolicyFilters", testPolicyFilters},
		{"ScheduleFilters", testScheduleFilters},
		{"ActivityFilters", testActivityFilters},
		{"AlarmFilters", testAlarmFilters},
		{"Pagination", testPagination},
		{"PaginationWhileAdding", testPaginationWhileAdding},
		{"InvalidCursor", testInvalidCursor},
		{"Ordering", testOrdering},
		{"PruneActivities", testPruneActivities},
		{"ConcurrentCAS", testConcurrentCAS},
		{"ConcurrentWriters", testConcurrentWriters},
		{"DeepCopy", testDeepCopy},
		{"Elector", testElector},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // every test opens its own store
			tc.fn(t, open)
		})
	}
}

// diff compares times by instant (the SQL backends return UTC or a fixed zone).
func diff(want, got any) string {
	return cmp.Diff(want, got, cmpopts.EquateApproxTime(0))
}

func ctxFor(t *testing.T) context.Context { return t.Context() }

type result[T any] struct {
	v   T
	err error
}

func ok[T any](v T, err error) result[T] { return result[T]{v, err} }

func (r result[T]) must(t *testing.T) T {
	t.Helper()
	if r.err != nil {
		t.Fatalf("unexpected error: %v", r.err)
	}
	return r.v
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got error %v, want %v", what, err, want)
	}
}

func withRev[T any](v T, set func(*T)) T { set(&v); return v }

func putTarget(t *testing.T, s store.Store, k model.TargetKey) model.ScalableTarget {
	t.Helper()
	return ok(s.PutTarget(ctxFor(t), newTarget(k))).must(t)
}

func testTargetCRUD(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	k := tkey(acct1, "a")
	in := newTarget(k)

	_, err := s.GetTarget(ctx, k)
	wantErr(t, "get missing", err, store.ErrNotFound)

	got := ok(s.PutTarget(ctx, in)).must(t)
	want := withRev(in, func(v *model.ScalableTarget) { v.Revision = 1 })
	if d := diff(want, got); d != "" {
		t.Fatalf("create returned (-want +got):\n%s", d)
	}
	if d := diff(want, ok(s.GetTarget(ctx, k)).must(t)); d != "" {
		t.Fatalf("get after create (-want +got):\n%s", d)
	}
	if d := diff(want, ok(s.GetTargetByARN(ctx, acct1, in.ARN)).must(t)); d != "" {
		t.Fatalf("get by ARN (-want +got):\n%s", d)
	}
	_, err = s.GetTargetByARN(ctx, acct2, in.ARN)
	wantErr(t, "get by ARN of another account", err, store.ErrNotFound)
	_, err = s.GetTargetByARN(ctx, acct1, in.ARN+"x")
	wantErr(t, "get by unknown ARN", err, store.ErrNotFound)

	_, err = s.PutTarget(ctx, in)
	wantErr(t, "duplicate create", err, store.ErrConflict)

	upd := got
	upd.MaxCapacity = 20
	upd.Tags = nil
	upd.PredictedCapacity = nil
	upd.SuspendedState = model.SuspendedState{}
	got2 := ok(s.PutTarget(ctx, upd)).must(t)
	want2 := withRev(upd, func(v *model.ScalableTarget) { v.Revision = 2 })
	if d := diff(want2, got2); d != "" {
		t.Fatalf("update returned (-want +got):\n%s", d)
	}
	if d := diff(want2, ok(s.GetTarget(ctx, k)).must(t)); d != "" {
		t.Fatalf("get after update (-want +got):\n%s", d)
	}

	_, err = s.PutTarget(ctx, upd) // upd still has Revision 1
	wantErr(t, "stale update", err, store.ErrConflict)
	_, err = s.PutTarget(ctx, withRev(newTarget(tkey(acct1, "missing")), func(v *model.ScalableTarget) { v.Revision = 3 }))
	wantErr(t, "update of missing target", err, store.ErrNotFound)

	if err := s.DeleteTarget(ctx, k); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetTarget(ctx, k)
	wantErr(t, "get after delete", err, store.ErrNotFound)
	_, err = s.GetTargetByARN(ctx, acct1, in.ARN)
	wantErr(t, "get by ARN after delete", err, store.ErrNotFound)
	wantErr(t, "delete twice", s.DeleteTarget(ctx, k), store.ErrNotFound)

	// Re-creating after delete starts at revision 1 again.
	again := ok(s.PutTarget(ctx, in)).must(t)
	if again.Revision != 1 {
		t.Fatalf("re-create revision = %d, want 1", again.Revision)
	}
}

func testPolicyCRUD(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	tk := tkey(acct1, "a")
	k := pkey(tk, "tt")

	_, err := s.PutPolicy(ctx, newTTPolicy(k))
	wantErr(t, "put policy without target", err, store.ErrNotFound)
	putTarget(t, s, tk)

	for _, in := range []model.ScalingPolicy{newTTPolicy(k), newStepPolicy(pkey(tk, "step"))} {
		_, err = s.GetPolicy(ctx, in.PolicyKey)
		wantErr(t, "get missing", err, store.ErrNotFound)
		got := ok(s.PutPolicy(ctx, in)).must(t)
		want := withRev(in, func(v *model.ScalingPolicy) { v.Revision = 1 })
		if d := diff(want, got); d != "" {
			t.Fatalf("create returned (-want +got):\n%s", d)
		}
		if d := diff(want, ok(s.GetPolicy(ctx, in.PolicyKey)).must(t)); d != "" {
			t.Fatalf("get (-want +got):\n%s", d)
		}
		_, err = s.PutPolicy(ctx, in)
		wantErr(t, "duplicate create", err, store.ErrConflict)

		upd := got
		upd.Alarms = nil
		upd.Predictive = nil
		got2 := ok(s.PutPolicy(ctx, upd)).must(t)
		want2 := withRev(upd, func(v *model.ScalingPolicy) { v.Revision = 2 })
		if d := diff(want2, got2); d != "" {
			t.Fatalf("update returned (-want +got):\n%s", d)
		}
		if d := diff(want2, ok(s.GetPolicy(ctx, in.PolicyKey)).must(t)); d != "" {
			t.Fatalf("get after update (-want +got):\n%s", d)
		}
		_, err = s.PutPolicy(ctx, upd)
		wantErr(t, "stale update", err, store.ErrConflict)
	}
	_, err = s.PutPolicy(ctx, withRev(newTTPolicy(pkey(tk, "nope")), func(v *model.ScalingPolicy) { v.Revision = 1 }))
	wantErr(t, "update of missing policy", err, store.ErrNotFound)

	if err := s.DeletePolicy(ctx, k); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetPolicy(ctx, k)
	wantErr(t, "get after delete", err, store.ErrNotFound)
	wantErr(t, "delete twice", s.DeletePolicy(ctx, k), store.ErrNotFound)
	wantErr(t, "delete of policy of another account", s.DeletePolicy(ctx, pkey(tkey(acct2, "a"), "step")), store.ErrNotFound)
}

func testScheduleCRUD(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	tk := tkey(acct1, "a")
	k := skey(tk, "morning")
	in := newSchedule(k)

	_, err := s.PutScheduledAction(ctx, in)
	wantErr(t, "put without target", err, store.ErrNotFound)
	putTarget(t, s, tk)
	_, err = s.GetScheduledAction(ctx, k)
	wantErr(t, "get missing", err, store.ErrNotFound)

	got := ok(s.PutScheduledAction(ctx, in)).must(t)
	want := withRev(in, func(v *model.ScheduledAction) { v.Revision = 1 })
	if d := diff(want, got); d != "" {
		t.Fatalf("create returned (-want +got):\n%s", d)
	}
	if d := diff(want, ok(s.GetScheduledAction(ctx, k)).must(t)); d != "" {
		t.Fatalf("get (-want +got):\n%s", d)
	}
	_, err = s.PutScheduledAction(ctx, in)
	wantErr(t, "duplicate create", err, store.ErrConflict)

	upd := got
	upd.StartTime, upd.EndTime = nil, nil
	upd.ScalableTargetAction = model.ScalableTargetAction{MaxCapacity: i32(5)}
	upd.Timezone = ""
	got2 := ok(s.PutScheduledAction(ctx, upd)).must(t)
	want2 := withRev(upd, func(v *model.ScheduledAction) { v.Revision = 2 })
	if d := diff(want2, got2); d != "" {
		t.Fatalf("update returned (-want +got):\n%s", d)
	}
	if d := diff(want2, ok(s.GetScheduledAction(ctx, k)).must(t)); d != "" {
		t.Fatalf("get after update (-want +got):\n%s", d)
	}
	_, err = s.PutScheduledAction(ctx, upd)
	wantErr(t, "stale update", err, store.ErrConflict)
	_, err = s.PutScheduledAction(ctx, withRev(newSchedule(skey(tk, "x")), func(v *model.ScheduledAction) { v.Revision = 1 }))
	wantErr(t, "update of missing", err, store.ErrNotFound)

	if err := s.DeleteScheduledAction(ctx, k); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetScheduledAction(ctx, k)
	wantErr(t, "get after delete", err, store.ErrNotFound)
	wantErr(t, "delete twice", s.DeleteScheduledAction(ctx, k), store.ErrNotFound)
}

func testActivityCRUD(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	tk := tkey(acct1, "a")
	in := newActivity("6f1c2d3e-0000-4000-8000-000000000001", tk, at(10))

	_, err := s.GetActivity(ctx, acct1, in.ActivityID)
	wantErr(t, "get missing", err, store.ErrNotFound)
	// Activities do not need a registered target (they outlive it).
	if err := s.PutActivity(ctx, in); err != nil {
		t.Fatal(err)
	}
	if d := diff(in, ok(s.GetActivity(ctx, acct1, in.ActivityID)).must(t)); d != "" {
		t.Fatalf("get (-want +got):\n%s", d)
	}
	_, err = s.GetActivity(ctx, acct2, in.ActivityID)
	wantErr(t, "get from another account", err, store.ErrNotFound)

	// Replace: InProgress -> Successful, and a not-scaled record with every field.
	upd := in
	upd.StatusCode = model.StatusInProgress
	upd.EndTime = nil
	upd.Details = ""
	if err := s.PutActivity(ctx, upd); err != nil {
		t.Fatal(err)
	}
	if d := diff(upd, ok(s.GetActivity(ctx, acct1, in.ActivityID)).must(t)); d != "" {
		t.Fatalf("get after replace (-want +got):\n%s", d)
	}
	ns := notScaled(newActivity("id-2", tk, at(11)))
	if err := s.PutActivity(ctx, ns); err != nil {
		t.Fatal(err)
	}
	if d := diff(ns, ok(s.GetActivity(ctx, acct1, ns.ActivityID)).must(t)); d != "" {
		t.Fatalf("get not-scaled (-want +got):\n%s", d)
	}
	// Replacing with a new StartTime moves it in the listing.
	moved := upd
	moved.StartTime = at(12)
	if err := s.PutActivity(ctx, moved); err != nil {
		t.Fatal(err)
	}
	items, _ := must2[model.ScalingActivity](t)(s.ListActivities(ctx, store.ActivityFilter{IncludeNotScaled: true}))
	if d := diff([]model.ScalingActivity{moved, ns}, items); d != "" {
		t.Fatalf("list after replace (-want +got):\n%s", d)
	}
}

func testAlarmCRUD(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	in := newAlarm(acct1, "cpu-high")

	_, err := s.GetAlarm(ctx, acct1, in.AlarmName)
	wantErr(t, "get missing", err, store.ErrNotFound)
	got := ok(s.PutAlarm(ctx, in)).must(t)
	want := withRev(in, func(v *model.MetricAlarm) { v.Revision = 1 })
	if d := diff(want, got); d != "" {
		t.Fatalf("create returned (-want +got):\n%s", d)
	}
	if d := diff(want, ok(s.GetAlarm(ctx, acct1, in.AlarmName)).must(t)); d != "" {
		t.Fatalf("get (-want +got):\n%s", d)
	}
	_, err = s.GetAlarm(ctx, acct2, in.AlarmName)
	wantErr(t, "get from another account", err, store.ErrNotFound)

	// Revision 0 replaces (PutMetricAlarm semantics).
	repl := in
	repl.Threshold = 9
	repl.Metrics = nil
	repl.AlarmActions = []string{}
	got = ok(s.PutAlarm(ctx, repl)).must(t)
	want = withRev(repl, func(v *model.MetricAlarm) { v.Revision = 2 })
	if d := diff(want, got); d != "" {
		t.Fatalf("replace returned (-want +got):\n%s", d)
	}
	if d := diff(want, ok(s.GetAlarm(ctx, acct1, in.AlarmName)).must(t)); d != "" {
		t.Fatalf("get after replace (-want +got):\n%s", d)
	}
	// Non-zero revision is compare-and-swap.
	st := got
	st.StateValue = model.AlarmAlarm
	got = ok(s.PutAlarm(ctx, st)).must(t)
	if got.Revision != 3 {
		t.Fatalf("CAS update revision = %d, want 3", got.Revision)
	}
	_, err = s.PutAlarm(ctx, st)
	wantErr(t, "stale CAS", err, store.ErrConflict)
	_, err = s.PutAlarm(ctx, withRev(newAlarm(acct1, "other"), func(v *model.MetricAlarm) { v.Revision = 1 }))
	wantErr(t, "CAS on missing", err, store.ErrNotFound)

	wantErr(t, "delete from another account", s.DeleteAlarm(ctx, acct2, in.AlarmName), store.ErrNotFound)
	if err := s.DeleteAlarm(ctx, acct1, in.AlarmName); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetAlarm(ctx, acct1, in.AlarmName)
	wantErr(t, "get after delete", err, store.ErrNotFound)
	wantErr(t, "delete twice", s.DeleteAlarm(ctx, acct1, in.AlarmName), store.ErrNotFound)
}

func testTargetState(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	tk := tkey(acct1, "a")
	in := newState(tk)

	_, err := s.GetTargetState(ctx, tk)
	wantErr(t, "get missing", err, store.ErrNotFound)
	_, err = s.PutTargetState(ctx, in)
	wantErr(t, "put without target", err, store.ErrNotFound)
	putTarget(t, s, tk)

	got := ok(s.PutTargetState(ctx, in)).must(t)
	want := withRev(in, func(v *model.TargetState) { v.Revision = 1 })
	if d := diff(want, got); d != "" {
		t.Fatalf("create returned (-want +got):\n%s", d)
	}
	if d := diff(want, ok(s.GetTargetState(ctx, tk)).must(t)); d != "" {
		t.Fatalf("get (-want +got):\n%s", d)
	}
	_, err = s.PutTargetState(ctx, in)
	wantErr(t, "duplicate create", err, store.ErrConflict)

	upd := got
	upd.Extra = nil
	upd.Policies = map[string]model.PolicyState{"p9": {LastNotScaledKey: "z"}}
	upd.InFlightActivityID, upd.InFlightSince = "", nil
	got2 := ok(s.PutTargetState(ctx, upd)).must(t)
	want2 := withRev(upd, func(v *model.TargetState) { v.Revision = 2 })
	if d := diff(want2, got2); d != "" {
		t.Fatalf("update returned (-want +got):\n%s", d)
	}
	if d := diff(want2, ok(s.GetTargetState(ctx, tk)).must(t)); d != "" {
		t.Fatalf("get after update (-want +got):\n%s", d)
	}
	_, err = s.PutTargetState(ctx, upd)
	wantErr(t, "stale update", err, store.ErrConflict)
	_, err = s.GetTargetState(ctx, tkey(acct2, "a"))
	wantErr(t, "get from another account", err, store.ErrNotFound)
}

func must2[T any](t *testing.T) func([]T, string, error) ([]T, string) {
	return func(items []T, next string, err error) ([]T, string) {
		t.Helper()
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		return items, next
	}
}

func alarmNames(as []model.MetricAlarm) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Account+"/"+a.AlarmName)
	}
	return out
}

func testDeleteTargetCascade(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	a, b := tkey(acct1, "a"), tkey(acct1, "b")
	for _, k := range []model.TargetKey{a, b} {
		putTarget(t, s, k)
		tt := ok(s.PutPolicy(ctx, newTTPolicy(pkey(k, "tt")))).must(t)
		step := ok(s.PutPolicy(ctx, newStepPolicy(pkey(k, "step")))).must(t)
		ok(s.PutScheduledAction(ctx, newSchedule(skey(k, "s1")))).must(t)
		ok(s.PutScheduledAction(ctx, newSchedule(skey(k, "s2")))).must(t)
		for _, n := range []string{"high", "low"} {
			al := newAlarm(acct1, k.ResourceID+"-"+n)
			al.ManagedBy = tt.ARN
			ok(s.PutAlarm(ctx, al)).must(t)
		}
		user := newAlarm(acct1, k.ResourceID+"-user")
		user.AlarmActions = []string{step.ARN}
		ok(s.PutAlarm(ctx, user)).must(t)
		ok(s.PutTargetState(ctx, newState(k))).must(t)
		if err := s.PutActivity(ctx, newActivity("act-"+k.ResourceID, k, at(20))); err != nil {
			t.Fatal(err)
		}
	}
	// A managed alarm of another account that names the same policy ARN stays.
	foreign := newAlarm(acct2, "foreign")
	foreign.ManagedBy = policyARN(pkey(a, "tt"))
	ok(s.PutAlarm(ctx, foreign)).must(t)

	if err := s.DeleteTarget(ctx, a); err != nil {
		t.Fatal(err)
	}
	pols, _ := must2[model.ScalingPolicy](t)(s.ListPolicies(ctx, store.PolicyFilter{}))
	var pnames []string
	for _, p := range pols {
		pnames = append(pnames, p.ResourceID+"/"+p.Name)
	}
	if d := cmp.Diff([]string{b.ResourceID + "/tt", b.ResourceID + "/step"}, pnames); d != "" {
		t.Errorf("policies after delete (-want +got):\n%s", d)
	}
	scheds, _ := must2[model.ScheduledAction](t)(s.ListScheduledActions(ctx, store.ScheduleFilter{}))
	var snames []string
	for _, x := range scheds {
		snames = append(snames, x.ResourceID+"/"+x.Name)
	}
	if d := cmp.Diff([]string{b.ResourceID + "/s1", b.ResourceID + "/s2"}, snames); d != "" {
		t.Errorf("scheduled actions after delete (-want +got):\n%s", d)
	}
	alarms, _ := must2[model.MetricAlarm](t)(s.ListAlarms(ctx, store.AlarmFilter{}))
	wantAlarms := []string{
		acct2 + "/foreign",
		acct1 + "/" + a.ResourceID + "-user",
		acct1 + "/" + b.ResourceID + "-high",
		acct1 + "/" + b.ResourceID + "-low",
		acct1 + "/" + b.ResourceID + "-user",
	}
	if d := cmp.Diff(wantAlarms, alarmNames(alarms)); d != "" {
		t.Errorf("alarms after delete (-want +got):\n%s", d)
	}
	_, err := s.GetTargetState(ctx, a)
	wantErr(t, "state after delete", err, store.ErrNotFound)
	ok(s.GetTargetState(ctx, b)).must(t)
	acts, _ := must2[model.ScalingActivity](t)(s.ListActivities(ctx, store.ActivityFilter{}))
	if len(acts) != 2 {
		t.Errorf("activities after delete: got %d, want 2 (activities outlive targets)", len(acts))
	}
	// Re-registering starts clean.
	putTarget(t, s, a)
	pols, _ = must2[model.ScalingPolicy](t)(s.ListPolicies(ctx, store.PolicyFilter{ResourceID: a.ResourceID}))
	if len(pols) != 0 {
		t.Errorf("re-registered target has %d policies, want 0", len(pols))
	}
	_, err = s.GetTargetState(ctx, a)
	wantErr(t, "state of re-registered target", err, store.ErrNotFound)
}

func testDeletePolicyAlarms(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	k := tkey(acct1, "a")
	putTarget(t, s, k)
	p1 := ok(s.PutPolicy(ctx, newTTPolicy(pkey(k, "p1")))).must(t)
	p2 := ok(s.PutPolicy(ctx, newTTPolicy(pkey(k, "p2")))).must(t)
	for _, p := range []model.ScalingPolicy{p1, p2} {
		for _, n := range []string{"high", "low"} {
			al := newAlarm(acct1, p.Name+"-"+n)
			al.ManagedBy = p.ARN
			ok(s.PutAlarm(ctx, al)).must(t)
		}
	}
	user := newAlarm(acct1, "user")
	user.AlarmActions = []string{p1.ARN}
	ok(s.PutAlarm(ctx, user)).must(t)
	if err := s.DeletePolicy(ctx, p1.PolicyKey); err != nil {
		t.Fatal(err)
	}
	alarms, _ := must2[model.MetricAlarm](t)(s.ListAlarms(ctx, store.AlarmFilter{Account: acct1}))
	if d := cmp.Diff([]string{acct1 + "/p2-high", acct1 + "/p2-low", acct1 + "/user"}, alarmNames(alarms)); d != "" {
		t.Errorf("alarms after DeletePolicy (-want +got):\n%s", d)
	}
}

// testPutPolicyAlarms: the policy and its managed alarms are written together; rewriting
// keeps the state of alarms that stay, deletes managed alarms that go, and leaves other
// policies' and users' alarms alone; a failed compare-and-swap or a missing target writes
// nothing.
func testPutPolicyAlarms(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	k := tkey(acct1, "a")
	putTarget(t, s, k)
	managed := func(p model.ScalingPolicy, names ...string) []model.MetricAlarm {
		var out []model.MetricAlarm
		for _, n := range names {
			a := newAlarm(acct1, n)
			a.ManagedBy = p.ARN
			a.AlarmActions = []string{p.ARN}
			a.StateValue = "INSUFFICIENT_DATA"
			out = append(out, a)
		}
		return out
	}
	p := newTTPolicy(pkey(k, "p1"))
	p1 := ok(s.PutPolicyAlarms(ctx, p, managed(p, "p1-high", "p1-low"))).must(t)
	other := ok(s.PutPolicy(ctx, newTTPolicy(pkey(k, "p2")))).must(t)
	oa := newAlarm(acct1, "p2-high")
	oa.ManagedBy = other.ARN
	ok(s.PutAlarm(ctx, oa)).must(t)
	ok(s.PutAlarm(ctx, newAlarm(acct1, "user"))).must(t)

	// The control loop records a state on the high alarm.
	high := ok(s.GetAlarm(ctx, acct1, "p1-high")).must(t)
	high.StateValue, high.StateReason = "ALARM", "Threshold Crossed"
	ok(s.PutAlarm(ctx, high)).must(t)

	// Rewrite: the high alarm stays (new threshold, old state), the low one goes, a new one comes.
	next := managed(p1, "p1-high", "p1-extra")
	next[0].Threshold = 42
	p1 = ok(s.PutPolicyAlarms(ctx, p1, next)).must(t)
	alarms, _ := must2[model.MetricAlarm](t)(s.ListAlarms(ctx, store.AlarmFilter{Account: acct1}))
	if d := cmp.Diff([]string{acct1 + "/p1-extra", acct1 + "/p1-high", acct1 + "/p2-high", acct1 + "/user"}, alarmNames(alarms)); d != "" {
		t.Errorf("alarms after rewriting the policy (-want +got):\n%s", d)
	}
	got := ok(s.GetAlarm(ctx, acct1, "p1-high")).must(t)
	if got.Threshold != 42 || got.StateValue != "ALARM" || got.StateReason != "Threshold Crossed" {
		t.Errorf("rewritten alarm: threshold %v, state %q (%q); want 42, ALARM kept", got.Threshold, got.StateValue, got.StateReason)
	}
	byAction, _ := must2[model.MetricAlarm](t)(s.ListAlarms(ctx, store.AlarmFilter{Account: acct1, ActionARN: p1.ARN}))
	if d := cmp.Diff([]string{acct1 + "/p1-extra", acct1 + "/p1-high"}, alarmNames(byAction)); d != "" {
		t.Errorf("alarms by action (-want +got):\n%s", d)
	}

	// A stale revision writes nothing: neither the policy nor the alarms.
	stale := p1
	stale.Revision--
	_, err := s.PutPolicyAlarms(ctx, stale, managed(p1, "p1-stale"))
	wantErr(t, "PutPolicyAlarms with a stale revision", err, store.ErrConflict)
	if _, err := s.GetAlarm(ctx, acct1, "p1-stale"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("alarm of a refused write exists (err %v)", err)
	}
	if _, err := s.GetAlarm(ctx, acct1, "p1-extra"); err != nil {
		t.Errorf("alarm deleted by a refused write: %v", err)
	}
	// No target, nothing written.
	gone := newTTPolicy(pkey(tkey(acct1, "gone"), "p"))
	_, err = s.PutPolicyAlarms(ctx, gone, managed(gone, "gone-high"))
	wantErr(t, "PutPolicyAlarms without a target", err, store.ErrNotFound)
	if _, err := s.GetAlarm(ctx, acct1, "gone-high"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("alarm of a policy without target exists (err %v)", err)
	}
	// An empty set deletes every managed alarm of the policy.
	ok(s.PutPolicyAlarms(ctx, p1, nil)).must(t)
	alarms, _ = must2[model.MetricAlarm](t)(s.ListAlarms(ctx, store.AlarmFilter{Account: acct1}))
	if d := cmp.Diff([]string{acct1 + "/p2-high", acct1 + "/user"}, alarmNames(alarms)); d != "" {
		t.Errorf("alarms after an empty set (-want +got):\n%s", d)
	}
}

func testAccountIsolation(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	k1, k2 := tkey(acct1, "same"), tkey(acct2, "same")
	t1, t2 := newTarget(k1), newTarget(k2)
	t2.MaxCapacity = 99
	ok(s.PutTarget(ctx, t1)).must(t)
	ok(s.PutTarget(ctx, t2)).must(t)
	if got := ok(s.GetTarget(ctx, k2)).must(t); got.MaxCapacity != 99 || got.Account != acct2 {
		t.Fatalf("account 2 target = %+v", got)
	}
	if got := ok(s.GetTarget(ctx, k1)).must(t); got.MaxCapacity != 8 || got.Account != acct1 {
		t.Fatalf("account 1 target = %+v", got)
	}
	for _, k := range []model.TargetKey{k1, k2} {
		ok(s.PutPolicy(ctx, newTTPolicy(pkey(k, "p")))).must(t)
		ok(s.PutScheduledAction(ctx, newSchedule(skey(k, "s")))).must(t)
		ok(s.PutTargetState(ctx, newState(k))).must(t)
		ok(s.PutAlarm(ctx, newAlarm(k.Account, "same-name"))).must(t)
		if err := s.PutActivity(ctx, newActivity("act-"+k.Account, k, at(1))); err != nil {
			t.Fatal(err)
		}
	}
	accounts := func(n int, f func(i int) string) []string {
		var out []string
		for i := range n {
			out = append(out, f(i))
		}
		return out
	}
	for _, acct := range []string{acct1, acct2, ""} {
		want := []string{acct1, acct2}
		if acct != "" {
			want = []string{acct}
		}
		ts, _ := must2[model.ScalableTarget](t)(s.ListTargets(ctx, store.TargetFilter{Account: acct}))
		ps, _ := must2[model.ScalingPolicy](t)(s.ListPolicies(ctx, store.PolicyFilter{Account: acct}))
		ss, _ := must2[model.ScheduledAction](t)(s.ListScheduledActions(ctx, store.ScheduleFilter{Account: acct}))
		as, _ := must2[model.MetricAlarm](t)(s.ListAlarms(ctx, store.AlarmFilter{Account: acct}))
		acts, _ := must2[model.ScalingActivity](t)(s.ListActivities(ctx, store.ActivityFilter{Account: acct}))
		got := map[string][]string{
			"targets":    accounts(len(ts), func(i int) string { return ts[i].Account }),
			"policies":   accounts(len(ps), func(i int) string { return ps[i].Account }),
			"schedules":  accounts(len(ss), func(i int) string { return ss[i].Account }),
			"alarms":     accounts(len(as), func(i int) string { return as[i].Account }),
			"activities": accounts(len(acts), func(i int) string { return acts[i].Account }),
		}
		// Activities list newest first; both started at the same time, so ties break by
		// descending ID: act-222... before act-111....
		wantActs := want
		if acct == "" {
			wantActs = []string{acct2, acct1}
		}
		wantAll := map[string][]string{"targets": want, "policies": want, "schedules": want, "alarms": want, "activities": wantActs}
		if d := cmp.Diff(wantAll, got); d != "" {
			t.Errorf("account filter %q (-want +got):\n%s", acct, d)
		}
	}
	if err := s.DeleteTarget(ctx, k1); err != nil {
		t.Fatal(err)
	}
	ok(s.GetTarget(ctx, k2)).must(t)
	ok(s.GetPolicy(ctx, pkey(k2, "p"))).must(t)
	ok(s.GetScheduledAction(ctx, skey(k2, "s"))).must(t)
	ok(s.GetTargetState(ctx, k2)).must(t)
	ok(s.GetAlarm(ctx, acct2, "same-name")).must(t)
}

// filterFixture registers targets over two namespaces, dimensions and accounts.
func filterTargets() []model.TargetKey {
	return []model.TargetKey{
		{Account: acct1, Namespace: nsSM, ResourceID: "inference-component/a", Dimension: dimIC},
		{Account: acct1, Namespace: nsECS, ResourceID: "service/c/a", Dimension: dimEC},
		{Account: acct1, Namespace: nsSM, ResourceID: "inference-component/b", Dimension: dimIC},
		{Account: acct1, Namespace: nsSM, ResourceID: "endpoint/e/variant/v", Dimension: "sagemaker:variant:DesiredInstanceCount"},
		{Account: acct2, Namespace: nsSM, ResourceID: "inference-component/a", Dimension: dimIC},
	}
}

func keyString(k model.TargetKey) string { return k.Account + "|" + k.ResourceID }

func testTargetFilters(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	for _, k := range filterTargets() {
		putTarget(t, s, k)
	}
	tests := []struct {
		name string
		f    store.TargetFilter
		want []string
	}{
		{"all", store.TargetFilter{}, []string{acct1 + "|inference-component/a", acct1 + "|service/c/a", acct1 + "|inference-component/b", acct1 + "|endpoint/e/variant/v", acct2 + "|inference-component/a"}},
		{"account", store.TargetFilter{Account: acct2}, []string{acct2 + "|inference-component/a"}},
		{"namespace", store.TargetFilter{Account: acct1, Namespace: nsECS}, []string{acct1 + "|service/c/a"}},
		{"dimension", store.TargetFilter{Account: acct1, Namespace: nsSM, Dimension: dimIC}, []string{acct1 + "|inference-component/a", acct1 + "|inference-component/b"}},
		{"resource ids", store.TargetFilter{Namespace: nsSM, ResourceIDs: []string{"inference-component/b", "inference-component/a", "nope"}}, []string{acct1 + "|inference-component/a", acct1 + "|inference-component/b", acct2 + "|inference-component/a"}},
		{"resource ids and dimension", store.TargetFilter{Account: acct1, ResourceIDs: []string{"endpoint/e/variant/v"}, Dimension: dimIC}, nil},
		{"no match", store.TargetFilter{Namespace: "dynamodb"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			items, next := must2[model.ScalableTarget](t)(s.ListTargets(ctx, tc.f))
			var got []string
			for _, x := range items {
				got = append(got, keyString(x.TargetKey))
			}
			if d := cmp.Diff(tc.want, got); d != "" || next != "" {
				t.Errorf("(-want +got):\n%s next=%q", d, next)
			}
		})
	}
}

func testPolicyFilters(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	for _, k := range filterTargets() {
		putTarget(t, s, k)
		ok(s.PutPolicy(ctx, newTTPolicy(pkey(k, "p1")))).must(t)
		ok(s.PutPolicy(ctx, newStepPolicy(pkey(k, "p2")))).must(t)
	}
	tests := []struct {
		name string
		f    store.PolicyFilter
		want []string
	}{
		{"account", store.PolicyFilter{Account: acct2}, []string{acct2 + "|inference-component/a|p1", acct2 + "|inference-component/a|p2"}},
		{"namespace", store.PolicyFilter{Account: acct1, Namespace: nsECS}, []string{acct1 + "|service/c/a|p1", acct1 + "|service/c/a|p2"}},
		{"resource", store.PolicyFilter{Namespace: nsSM, ResourceID: "inference-component/b"}, []string{acct1 + "|inference-component/b|p1", acct1 + "|inference-component/b|p2"}},
		{"dimension and names", store.PolicyFilter{Account: acct1, Dimension: dimIC, Names: []string{"p2", "zz"}}, []string{acct1 + "|inference-component/a|p2", acct1 + "|inference-component/b|p2"}},
		{"all fields", store.PolicyFilter{Account: acct1, Namespace: nsSM, ResourceID: "inference-component/a", Dimension: dimIC, Names: []string{"p1"}}, []string{acct1 + "|inference-component/a|p1"}},
		{"no match", store.PolicyFilter{Names: []string{"nope"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			items, next := must2[model.ScalingPolicy](t)(s.ListPolicies(ctx, tc.f))
			var got []string
			for _, x := range items {
				got = append(got, keyString(x.TargetKey)+"|"+x.Name)
			}
			if d := cmp.Diff(tc.want, got); d != "" || next != "" {
				t.Errorf("(-want +got):\n%s next=%q", d, next)
			}
		})
	}
}

func testScheduleFilters(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	for _, k := range filterTargets() {
		putTarget(t, s, k)
		ok(s.PutScheduledAction(ctx, newSchedule(skey(k, "s1")))).must(t)
		ok(s.PutScheduledAction(ctx, newSchedule(skey(k, "s2")))).must(t)
	}
	tests := []struct {
		name string
		f    store.ScheduleFilter
		want []string
	}{
		{"account", store.ScheduleFilter{Account: acct2}, []string{acct2 + "|inference-component/a|s1", acct2 + "|inference-component/a|s2"}},
		{"namespace", store.ScheduleFilter{Account: acct1, Namespace: nsECS}, []string{acct1 + "|service/c/a|s1", acct1 + "|service/c/a|s2"}},
		{"resource", store.ScheduleFilter{ResourceID: "inference-component/b"}, []string{acct1 + "|inference-component/b|s1", acct1 + "|inference-component/b|s2"}},
		{"dimension and names", store.ScheduleFilter{Account: acct1, Dimension: dimIC, Names: []string{"s2"}}, []string{acct1 + "|inference-component/a|s2", acct1 + "|inference-component/b|s2"}},
		{"all fields", store.ScheduleFilter{Account: acct1, Namespace: nsSM, ResourceID: "inference-component/a", Dimension: dimIC, Names: []string{"s1", "s2"}}, []string{acct1 + "|inference-component/a|s1", acct1 + "|inference-component/a|s2"}},
		{"no match", store.ScheduleFilter{Dimension: "nope"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			items, next := must2[model.ScheduledAction](t)(s.ListScheduledActions(ctx, tc.f))
			var got []string
			for _, x := range items {
				got = append(got, keyString(x.TargetKey)+"|"+x.Name)
			}
			if d := cmp.Diff(tc.want, got); d != "" || next != "" {
				t.Errorf("(-want +got):\n%s next=%q", d, next)
			}
		})
	}
}

func testActivityFilters(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	// Activity i of target k starts at second 10*i + position of k.
	for i, k := range filterTargets() {
		if err := s.PutActivity(ctx, newActivity(fmt.Sprintf("a%d", i), k, at(10+i))); err != nil {
			t.Fatal(err)
		}
		if err := s.PutActivity(ctx, notScaled(newActivity(fmt.Sprintf("n%d", i), k, at(20+i)))); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		f    store.ActivityFilter
		want []string
	}{
		{"all scaled", store.ActivityFilter{}, []string{"a4", "a3", "a2", "a1", "a0"}},
		{"include not scaled", store.ActivityFilter{IncludeNotScaled: true}, []string{"n4", "n3", "n2", "n1", "n0", "a4", "a3", "a2", "a1", "a0"}},
		{"account", store.ActivityFilter{Account: acct2, IncludeNotScaled: true}, []string{"n4", "a4"}},
		{"namespace", store.ActivityFilter{Account: acct1, Namespace: nsECS}, []string{"a1"}},
		{"resource", store.ActivityFilter{Account: acct1, Namespace: nsSM, ResourceID: "inference-component/a"}, []string{"a0"}},
		{"dimension", store.ActivityFilter{Account: acct1, Dimension: dimIC, IncludeNotScaled: true}, []string{"n2", "n0", "a2", "a0"}},
		{"since", store.ActivityFilter{Since: at(12), IncludeNotScaled: true}, []string{"n4", "n3", "n2", "n1", "n0", "a4", "a3", "a2"}},
		{"since excludes all", store.ActivityFilter{Since: at(25)}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			items, next := must2[model.ScalingActivity](t)(s.ListActivities(ctx, tc.f))
			var got []string
			for _, x := range items {
				got = append(got, x.ActivityID)
			}
			if d := cmp.Diff(tc.want, got); d != "" || next != "" {
				t.Errorf("(-want +got):\n%s next=%q", d, next)
			}
		})
	}
}

func testAlarmFilters(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	add := func(account, name string, actions []string, managedBy string) {
		a := newAlarm(account, name)
		a.AlarmActions = actions
		a.ManagedBy = managedBy
		ok(s.PutAlarm(ctx, a)).must(t)
	}
	add(acct1, "TargetTracking-x-AlarmLow", []string{"arn:p1"}, "arn:p1")
	add(acct1, "TargetTracking-x-AlarmHigh", []string{"arn:p1"}, "arn:p1")
	add(acct1, "b-user", []string{"arn:sns", "arn:p2"}, "")
	add(acct1, "a-user", nil, "")
	add(acct2, "b-user", []string{"arn:p2"}, "")
	add(acct1, "TargetTracking-y-AlarmHigh", []string{"arn:p3"}, "arn:p3")
	add(acct1, "100%_weird name", []string{"arn:p2x"}, "")

	tests := []struct {
		name string
		f    store.AlarmFilter
		want []string
	}{
		{"all, by name then account", store.AlarmFilter{}, []string{
			acct1 + "/100%_weird name", acct1 + "/TargetTracking-x-AlarmHigh", acct1 + "/TargetTracking-x-AlarmLow",
			acct1 + "/TargetTracking-y-AlarmHigh", acct1 + "/a-user", acct1 + "/b-user", acct2 + "/b-user"}},
		{"account", store.AlarmFilter{Account: acct2}, []string{acct2 + "/b-user"}},
		{"names", store.AlarmFilter{Account: acct1, Names: []string{"a-user", "b-user", "zzz"}}, []string{acct1 + "/a-user", acct1 + "/b-user"}},
		{"prefix", store.AlarmFilter{Account: acct1, NamePrefix: "TargetTracking-x-"}, []string{acct1 + "/TargetTracking-x-AlarmHigh", acct1 + "/TargetTracking-x-AlarmLow"}},
		{"prefix with LIKE metacharacters", store.AlarmFilter{NamePrefix: "100%_"}, []string{acct1 + "/100%_weird name"}},
		{"prefix is literal", store.AlarmFilter{NamePrefix: "1_0"}, nil},
		{"action arn", store.AlarmFilter{ActionARN: "arn:p2"}, []string{acct1 + "/b-user", acct2 + "/b-user"}},
		{"action arn and account", store.AlarmFilter{Account: acct1, ActionARN: "arn:p1"}, []string{acct1 + "/TargetTracking-x-AlarmHigh", acct1 + "/TargetTracking-x-AlarmLow"}},
		{"managed by", store.AlarmFilter{ManagedBy: "arn:p3"}, []string{acct1 + "/TargetTracking-y-AlarmHigh"}},
		{"managed by and prefix", store.AlarmFilter{ManagedBy: "arn:p1", NamePrefix: "TargetTracking-x-AlarmL"}, []string{acct1 + "/TargetTracking-x-AlarmLow"}},
		{"names and action", store.AlarmFilter{Names: []string{"a-user", "b-user"}, ActionARN: "arn:sns"}, []string{acct1 + "/b-user"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			items, next := must2[model.MetricAlarm](t)(s.ListAlarms(ctx, tc.f))
			if d := cmp.Diff(tc.want, alarmNames(items)); d != "" || next != "" {
				t.Errorf("(-want +got):\n%s next=%q", d, next)
			}
		})
	}
	// Actions replaced on update are re-indexed.
	a := ok(s.GetAlarm(ctx, acct1, "b-user")).must(t)
	a.AlarmActions = []string{"arn:new"}
	ok(s.PutAlarm(ctx, a)).must(t)
	items, _ := must2[model.MetricAlarm](t)(s.ListAlarms(ctx, store.AlarmFilter{ActionARN: "arn:p2"}))
	if d := cmp.Diff([]string{acct2 + "/b-user"}, alarmNames(items)); d != "" {
		t.Errorf("after action update (-want +got):\n%s", d)
	}
	items, _ = must2[model.MetricAlarm](t)(s.ListAlarms(ctx, store.AlarmFilter{ActionARN: "arn:new"}))
	if d := cmp.Diff([]string{acct1 + "/b-user"}, alarmNames(items)); d != "" {
		t.Errorf("new action (-want +got):\n%s", d)
	}
}

// pager lists everything page by page, calling between(i) after page i.
func pageAll[T any](t *testing.T, limit int, list func(after string, limit int) ([]T, string, error), between func(int)) (all []T, pages int) {
	t.Helper()
	after := ""
	for {
		items, next, err := list(after, limit)
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		if len(items) > limit {
			t.Fatalf("page %d has %d items, limit %d", pages, len(items), limit)
		}
		all = append(all, items...)
		pages++
		if next == "" {
			return all, pages
		}
		if len(items) == 0 {
			t.Fatalf("page %d is empty but has a next cursor", pages)
		}
		if pages > 1000 {
			t.Fatal("pagination does not end")
		}
		if between != nil {
			between(pages)
		}
		after = next
	}
}

func testPagination(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	const n = 7
	for i := range n {
		k := tkey(acct1, fmt.Sprintf("t%d", i))
		putTarget(t, s, k)
		ok(s.PutPolicy(ctx, newTTPolicy(pkey(k, "p")))).must(t)
		ok(s.PutScheduledAction(ctx, newSchedule(skey(k, "s")))).must(t)
		if err := s.PutActivity(ctx, newActivity(fmt.Sprintf("a%d", i), k, at(i))); err != nil {
			t.Fatal(err)
		}
		ok(s.PutAlarm(ctx, newAlarm(acct1, fmt.Sprintf("al%d", i)))).must(t)
	}
	for _, limit := range []int{1, 3, 7, 10} {
		t.Run(fmt.Sprint("limit ", limit), func(t *testing.T) {
			wantPages := (n + limit - 1) / limit
			check := func(what string, got []string, pages int, want []string) {
				t.Helper()
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("%s pages (-want +got):\n%s", what, d)
				}
				if pages != wantPages {
					t.Errorf("%s: %d pages, want %d", what, pages, wantPages)
				}
			}
			var wantT, wantA, wantAl []string
			for i := range n {
				wantT = append(wantT, fmt.Sprintf("inference-component/t%d", i))
				wantA = append(wantA, fmt.Sprintf("a%d", n-1-i))
				wantAl = append(wantAl, fmt.Sprintf("al%d", i))
			}
			ts, pages := pageAll(t, limit, func(after string, l int) ([]model.ScalableTarget, string, error) {
				return s.ListTargets(ctx, store.TargetFilter{Account: acct1, Page: store.Page{After: after, Limit: l}})
			}, nil)
			var got []string
			for _, x := range ts {
				got = append(got, x.ResourceID)
			}
			check("targets", got, pages, wantT)

			ps, pages := pageAll(t, limit, func(after string, l int) ([]model.ScalingPolicy, string, error) {
				return s.ListPolicies(ctx, store.PolicyFilter{Namespace: nsSM, Page: store.Page{After: after, Limit: l}})
			}, nil)
			got = nil
			for _, x := range ps {
				got = append(got, x.ResourceID)
			}
			check("policies", got, pages, wantT)

			ss, pages := pageAll(t, limit, func(after string, l int) ([]model.ScheduledAction, string, error) {
				return s.ListScheduledActions(ctx, store.ScheduleFilter{Names: []string{"s"}, Page: store.Page{After: after, Limit: l}})
			}, nil)
			got = nil
			for _, x := range ss {
				got = append(got, x.ResourceID)
			}
			check("schedules", got, pages, wantT)

			as, pages := pageAll(t, limit, func(after string, l int) ([]model.ScalingActivity, string, error) {
				return s.ListActivities(ctx, store.ActivityFilter{Account: acct1, Page: store.Page{After: after, Limit: l}})
			}, nil)
			got = nil
			for _, x := range as {
				got = append(got, x.ActivityID)
			}
			check("activities", got, pages, wantA)

			als, pages := pageAll(t, limit, func(after string, l int) ([]model.MetricAlarm, string, error) {
				return s.ListAlarms(ctx, store.AlarmFilter{NamePrefix: "al", Page: store.Page{After: after, Limit: l}})
			}, nil)
			got = nil
			for _, x := range als {
				got = append(got, x.AlarmName)
			}
			check("alarms", got, pages, wantAl)
		})
	}
}

func testPaginationWhileAdding(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	var want []string
	for i := range 6 {
		k := tkey(acct1, fmt.Sprintf("t%02d", i))
		putTarget(t, s, k)
		want = append(want, k.ResourceID)
		if err := s.PutActivity(ctx, newActivity(fmt.Sprintf("a%02d", i), k, at(100+i))); err != nil {
			t.Fatal(err)
		}
		ok(s.PutAlarm(ctx, newAlarm(acct1, fmt.Sprintf("m%02d", 2*i)))).must(t)
	}
	added := 0
	ts, _ := pageAll(t, 2, func(after string, l int) ([]model.ScalableTarget, string, error) {
		return s.ListTargets(ctx, store.TargetFilter{Page: store.Page{After: after, Limit: l}})
	}, func(int) {
		// New targets, an update of a listed one and a delete+re-create of a listed one.
		added++
		putTarget(t, s, tkey(acct1, fmt.Sprintf("new%d", added)))
	})
	var got []string
	seen := map[string]bool{}
	for _, x := range ts {
		if seen[x.ResourceID] {
			t.Errorf("target %s listed twice", x.ResourceID)
		}
		seen[x.ResourceID] = true
		got = append(got, x.ResourceID)
	}
	for _, w := range want {
		if !seen[w] {
			t.Errorf("target %s lost while paging; got %v", w, got)
		}
	}

	// Activities: new (newer) ones appear at the front and must not disturb the pages.
	actsAdded := 0
	as, _ := pageAll(t, 2, func(after string, l int) ([]model.ScalingActivity, string, error) {
		return s.ListActivities(ctx, store.ActivityFilter{Page: store.Page{After: after, Limit: l}})
	}, func(int) {
		actsAdded++
		if err := s.PutActivity(ctx, newActivity(fmt.Sprintf("b%02d", actsAdded), tkey(acct1, "t00"), at(200+actsAdded))); err != nil {
			t.Fatal(err)
		}
	})
	var gotActs []string
	for _, a := range as {
		gotActs = append(gotActs, a.ActivityID)
	}
	if d := cmp.Diff([]string{"a05", "a04", "a03", "a02", "a01", "a00"}, gotActs); d != "" {
		t.Errorf("activities while adding newer ones (-want +got):\n%s", d)
	}

	// Alarms: names inserted behind and ahead of the cursor.
	mAdded := 0
	ms, _ := pageAll(t, 2, func(after string, l int) ([]model.MetricAlarm, string, error) {
		return s.ListAlarms(ctx, store.AlarmFilter{Page: store.Page{After: after, Limit: l}})
	}, func(int) {
		mAdded++
		ok(s.PutAlarm(ctx, newAlarm(acct1, fmt.Sprintf("m%02d", 2*mAdded-1)))).must(t) // odd names interleave
	})
	seenM := map[string]bool{}
	for _, a := range ms {
		if seenM[a.AlarmName] {
			t.Errorf("alarm %s listed twice", a.AlarmName)
		}
		seenM[a.AlarmName] = true
	}
	for i := range 6 {
		if n := fmt.Sprintf("m%02d", 2*i); !seenM[n] {
			t.Errorf("alarm %s lost while paging", n)
		}
	}
}

func testInvalidCursor(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	for i := range 3 {
		k := tkey(acct1, fmt.Sprint(i))
		putTarget(t, s, k)
		ok(s.PutPolicy(ctx, newTTPolicy(pkey(k, "p")))).must(t)
	}
	_, next, err := s.ListTargets(ctx, store.TargetFilter{Page: store.Page{Limit: 1}})
	if err != nil || next == "" {
		t.Fatalf("first page: next=%q err=%v", next, err)
	}
	_, _, err = s.ListPolicies(ctx, store.PolicyFilter{Page: store.Page{After: next}})
	wantErr(t, "target cursor used for policies", err, store.ErrInvalidCursor)
	for _, bad := range []string{"garbage", "!!!", "eyJrIjoidCJ9x"} {
		_, _, err = s.ListTargets(ctx, store.TargetFilter{Page: store.Page{After: bad}})
		wantErr(t, "targets with cursor "+bad, err, store.ErrInvalidCursor)
		_, _, err = s.ListScheduledActions(ctx, store.ScheduleFilter{Page: store.Page{After: bad}})
		wantErr(t, "schedules with cursor "+bad, err, store.ErrInvalidCursor)
		_, _, err = s.ListActivities(ctx, store.ActivityFilter{Page: store.Page{After: bad}})
		wantErr(t, "activities with cursor "+bad, err, store.ErrInvalidCursor)
		_, _, err = s.ListAlarms(ctx, store.AlarmFilter{Page: store.Page{After: bad}})
		wantErr(t, "alarms with cursor "+bad, err, store.ErrInvalidCursor)
	}
}

func testOrdering(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	names := []string{"m", "c", "x", "a"}
	for _, n := range names {
		putTarget(t, s, tkey(acct1, n))
		ok(s.PutPolicy(ctx, newTTPolicy(pkey(tkey(acct1, "m"), "p-"+n)))).must(t)
	}
	// An update keeps the position; delete and re-create moves to the end.
	tg := ok(s.GetTarget(ctx, tkey(acct1, "c"))).must(t)
	tg.MaxCapacity = 30
	ok(s.PutTarget(ctx, tg)).must(t)
	if err := s.DeleteTarget(ctx, tkey(acct1, "x")); err != nil {
		t.Fatal(err)
	}
	putTarget(t, s, tkey(acct1, "x"))
	ts, _ := must2[model.ScalableTarget](t)(s.ListTargets(ctx, store.TargetFilter{}))
	var got []string
	for _, x := range ts {
		got = append(got, x.ResourceID)
	}
	want := []string{"inference-component/m", "inference-component/c", "inference-component/a", "inference-component/x"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("targets (-want +got):\n%s", d)
	}
	ps, _ := must2[model.ScalingPolicy](t)(s.ListPolicies(ctx, store.PolicyFilter{}))
	got = nil
	for _, x := range ps {
		got = append(got, x.Name)
	}
	if d := cmp.Diff([]string{"p-m", "p-c", "p-x", "p-a"}, got); d != "" {
		t.Errorf("policies (-want +got):\n%s", d)
	}

	// Activities: newest StartTime first, ties by descending ID; insertion order irrelevant.
	k := tkey(acct1, "m")
	for _, a := range []struct {
		id  string
		sec int
	}{{"b", 5}, {"z", 1}, {"a", 5}, {"c", 5}, {"y", 9}, {"x", 0}} {
		if err := s.PutActivity(ctx, newActivity(a.id, k, at(a.sec).Add(250*time.Millisecond))); err != nil {
			t.Fatal(err)
		}
	}
	acts, _ := must2[model.ScalingActivity](t)(s.ListActivities(ctx, store.ActivityFilter{}))
	got = nil
	for _, a := range acts {
		got = append(got, a.ActivityID)
	}
	if d := cmp.Diff([]string{"y", "c", "b", "a", "z", "x"}, got); d != "" {
		t.Errorf("activities (-want +got):\n%s", d)
	}
	// Pages split inside a run of equal start times.
	paged, _ := pageAll(t, 2, func(after string, l int) ([]model.ScalingActivity, string, error) {
		return s.ListActivities(ctx, store.ActivityFilter{Page: store.Page{After: after, Limit: l}})
	}, nil)
	got = nil
	for _, a := range paged {
		got = append(got, a.ActivityID)
	}
	if d := cmp.Diff([]string{"y", "c", "b", "a", "z", "x"}, got); d != "" {
		t.Errorf("paged activities (-want +got):\n%s", d)
	}
}

func testPruneActivities(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	k := tkey(acct1, "a")
	for i := range 10 {
		a := newActivity(fmt.Sprintf("a%d", i), k, at(i*60))
		if i%3 == 0 {
			a = notScaled(a)
		}
		if err := s.PutActivity(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.PruneActivities(ctx, at(4*60))
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("pruned %d, want 4", n)
	}
	acts, _ := must2[model.ScalingActivity](t)(s.ListActivities(ctx, store.ActivityFilter{IncludeNotScaled: true}))
	var got []string
	for _, a := range acts {
		got = append(got, a.ActivityID)
	}
	if d := cmp.Diff([]string{"a9", "a8", "a7", "a6", "a5", "a4"}, got); d != "" {
		t.Errorf("after prune (-want +got):\n%s", d)
	}
	_, err = s.GetActivity(ctx, acct1, "a0")
	wantErr(t, "get pruned", err, store.ErrNotFound)
	if n, err := s.PruneActivities(ctx, at(4*60)); err != nil || n != 0 {
		t.Errorf("second prune = %d, %v; want 0", n, err)
	}
	// A pruned ID can be reused.
	if err := s.PutActivity(ctx, newActivity("a0", k, at(1000))); err != nil {
		t.Fatal(err)
	}
	ok(s.GetActivity(ctx, acct1, "a0")).must(t)
}

func testConcurrentCAS(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	const workers, rounds = 8, 10

	// Concurrent creates of one key: exactly one wins.
	k := tkey(acct1, "hot")
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			tg := newTarget(k)
			tg.MaxCapacity = int32(w + 1)
			_, errs[w] = s.PutTarget(ctx, tg)
		})
	}
	wg.Wait()
	checkOneWinner(t, "create", errs)

	for round := range rounds {
		cur := ok(s.GetTarget(ctx, k)).must(t)
		stCur, stErr := s.GetTargetState(ctx, k)
		if round == 0 {
			wantErr(t, "state before first round", stErr, store.ErrNotFound)
		}
		tErrs := make([]error, workers)
		sErrs := make([]error, workers)
		for w := range workers {
			wg.Go(func() {
				tg := cur
				tg.MinCapacity = int32(w)
				_, tErrs[w] = s.PutTarget(ctx, tg)
				st := stCur
				st.TargetKey = k
				st.InFlightDesired = int32(w)
				_, sErrs[w] = s.PutTargetState(ctx, st)
			})
		}
		wg.Wait()
		checkOneWinner(t, fmt.Sprint("target round ", round), tErrs)
		checkOneWinner(t, fmt.Sprint("state round ", round), sErrs)
		if got := ok(s.GetTarget(ctx, k)).must(t); got.Revision != cur.Revision+1 {
			t.Fatalf("round %d: revision %d, want %d", round, got.Revision, cur.Revision+1)
		}
	}
}

func checkOneWinner(t *testing.T, what string, errs []error) {
	t.Helper()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case errors.Is(err, store.ErrConflict):
		default:
			t.Fatalf("%s: unexpected error %v", what, err)
		}
	}
	if wins != 1 {
		t.Fatalf("%s: %d writers won, want exactly 1", what, wins)
	}
}

func testConcurrentWriters(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	const workers, each = 8, 15
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				k := tkey(acct1, fmt.Sprintf("w%d-%d", w, i))
				tg, err := s.PutTarget(ctx, newTarget(k))
				if err == nil {
					tg.MaxCapacity++
					_, err = s.PutTarget(ctx, tg)
				}
				if err == nil {
					_, err = s.PutPolicy(ctx, newTTPolicy(pkey(k, "p")))
				}
				if err == nil {
					err = s.PutActivity(ctx, newActivity(fmt.Sprintf("act-%d-%d", w, i), k, at(i)))
				}
				if err == nil {
					_, _, err = s.ListTargets(ctx, store.TargetFilter{Page: store.Page{Limit: 5}})
				}
				if err == nil && i%3 == 0 {
					err = s.DeleteTarget(ctx, k)
				}
				if err != nil {
					errc <- fmt.Errorf("worker %d item %d: %w", w, i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	ts, _ := must2[model.ScalableTarget](t)(s.ListTargets(ctx, store.TargetFilter{}))
	ps, _ := must2[model.ScalingPolicy](t)(s.ListPolicies(ctx, store.PolicyFilter{}))
	acts, _ := must2[model.ScalingActivity](t)(s.ListActivities(ctx, store.ActivityFilter{}))
	wantLive := workers * (each - (each+2)/3)
	if len(ts) != wantLive || len(ps) != wantLive || len(acts) != workers*each {
		t.Errorf("got %d targets, %d policies, %d activities; want %d, %d, %d", len(ts), len(ps), len(acts), wantLive, wantLive, workers*each)
	}
}

func testDeepCopy(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxFor(t)
	k := tkey(acct1, "a")

	// Mutating what was passed in or returned must not change the store.
	in := newTarget(k)
	ret := ok(s.PutTarget(ctx, in)).must(t)
	in.Tags["team"] = "changed"
	*in.PredictedCapacity = 77
	ret.Tags["env"] = "changed"
	got := ok(s.GetTarget(ctx, k)).must(t)
	got.Tags["new"] = "x"
	*got.PredictedCapacity = 99
	if d := diff(withRev(newTarget(k), func(v *model.ScalableTarget) { v.Revision = 1 }), ok(s.GetTarget(ctx, k)).must(t)); d != "" {
		t.Errorf("target changed through an alias (-want +got):\n%s", d)
	}

	for _, mk := range []func(model.PolicyKey) model.ScalingPolicy{newTTPolicy, newStepPolicy} {
		p := mk(pkey(k, "p"))
		pin := mk(pkey(k, "p"))
		pret := ok(s.PutPolicy(ctx, pin)).must(t)
		for _, v := range []*model.ScalingPolicy{&pin, &pret} {
			mutatePolicy(v)
		}
		pgot := ok(s.GetPolicy(ctx, p.PolicyKey)).must(t)
		mutatePolicy(&pgot)
		if d := diff(withRev(p, func(v *model.ScalingPolicy) { v.Revision = 1 }), ok(s.GetPolicy(ctx, p.PolicyKey)).must(t)); d != "" {
			t.Errorf("policy changed through an alias (-want +got):\n%s", d)
		}
		if err := s.DeletePolicy(ctx, p.PolicyKey); err != nil {
			t.Fatal(err)
		}
	}

	sk := skey(k, "s")
	sin := newSchedule(sk)
	sret := ok(s.PutScheduledAction(ctx, sin)).must(t)
	sgot := ok(s.GetScheduledAction(ctx, sk)).must(t)
	for _, v := range []*model.ScheduledAction{&sin, &sret, &sgot} {
		*v.StartTime = at(9999)
		*v.EndTime = at(9999)
		*v.ScalableTargetAction.MinCapacity = 100
		*v.ScalableTargetAction.MaxCapacity = 100
	}
	if d := diff(withRev(newSchedule(sk), func(v *model.ScheduledAction) { v.Revision = 1 }), ok(s.GetScheduledAction(ctx, sk)).must(t)); d != "" {
		t.Errorf("scheduled action changed through an alias (-want +got):\n%s", d)
	}

	ain := notScaled(newActivity("x", k, at(1)))
	ain.EndTime = timep(at(2))
	if err := s.PutActivity(ctx, ain); err != nil {
		t.Fatal(err)
	}
	agot := ok(s.GetActivity(ctx, acct1, "x")).must(t)
	for _, v := range []*model.ScalingActivity{&ain, &agot} {
		*v.EndTime = at(9999)
		v.NotScaledReasons[0].Code = "changed"
		*v.NotScaledReasons[0].MaxCapacity = 100
	}
	wantA := notScaled(newActivity("x", k, at(1)))
	wantA.EndTime = timep(at(2))
	if d := diff(wantA, ok(s.GetActivity(ctx, acct1, "x")).must(t)); d != "" {
		t.Errorf("activity changed through an alias (-want +got):\n%s", d)
	}

	alin := newAlarm(acct1, "al")
	alret := ok(s.PutAlarm(ctx, alin)).must(t)
	algot := ok(s.GetAlarm(ctx, acct1, "al")).must(t)
	allist, _ := must2[model.MetricAlarm](t)(s.ListAlarms(ctx, store.AlarmFilter{}))
	for _, v := range []*model.MetricAlarm{&alin, &alret, &algot, &allist[0]} {
		v.AlarmActions[0] = "changed"
		v.OKActions[1] = "changed"
		v.InsufficientDataActions[0] = "changed"
		v.Dimensions[0].Value = "changed"
		v.Metrics[0].MetricStat.Dimensions[0].Value = "changed"
		v.Metrics[0].MetricStat.Stat = "changed"
		*v.Metrics[0].ReturnData = false
	}
	if d := diff(withRev(newAlarm(acct1, "al"), func(v *model.MetricAlarm) { v.Revision = 1 }), ok(s.GetAlarm(ctx, acct1, "al")).must(t)); d != "" {
		t.Errorf("alarm changed through an alias (-want +got):\n%s", d)
	}

	stin := newState(k)
	stret := ok(s.PutTargetState(ctx, stin)).must(t)
	stgot := ok(s.GetTargetState(ctx, k)).must(t)
	for _, v := range []*model.TargetState{&stin, &stret, &stgot} {
		*v.InFlightSince = at(9999)
		*v.LastDesired = 100
		*v.Policies["p1"].LastScaleOutAt = at(9999)
		*v.Policies["p1"].ScaleOutBase = 100
		v.Policies["p1"].LastInvokedAt["TargetTracking-x-AlarmHigh-1"] = at(9999)
		v.Policies["p3"] = model.PolicyState{}
		v.ScheduledRuns["s1"] = at(9999)
		v.Extra[2] = 'X'
	}
	if d := diff(withRev(newState(k), func(v *model.TargetState) { v.Revision = 1 }), ok(s.GetTargetState(ctx, k)).must(t)); d != "" {
		t.Errorf("target state changed through an alias (-want +got):\n%s", d)
	}

	// Lists return copies too.
	list, _ := must2[model.ScalableTarget](t)(s.ListTargets(ctx, store.TargetFilter{}))
	list[0].Tags["list"] = "x"
	if _, ok := ok(s.GetTarget(ctx, k)).must(t).Tags["list"]; ok {
		t.Error("target changed through a listed value")
	}
}

func mutatePolicy(p *model.ScalingPolicy) {
	if ss := p.StepScaling; ss != nil {
		ss.AdjustmentType = "changed"
		*ss.StepAdjustments[1].MetricIntervalLowerBound = 1000
		ss.StepAdjustments[0].ScalingAdjustment = 1000
		*ss.MinAdjustmentMagnitude = 1000
		*ss.Cooldown = 1000
	}
	if tt := p.TargetTracking; tt != nil {
		tt.TargetValue = 1000
		c := tt.CustomizedMetricSpecification
		c.Dimensions[0].Value = "changed"
		c.Metrics[0].MetricStat.Metric.Dimensions[0].Value = "changed"
		*c.Metrics[0].ReturnData = false
		*tt.ScaleInCooldown = 1000
		*tt.DisableScaleIn = true
	}
	if p.Predictive != nil {
		(*p.Predictive)[2] = 'X'
	}
	if len(p.Alarms) > 0 {
		p.Alarms[0].AlarmName = "changed"
	}
}

// electorStore is implemented by backends that offer an Elector.
type electorStore interface{ Elector() store.Elector }

func testElector(t *testing.T, open Opener) {
	s := open(t)
	es, ok := s.(electorStore)
	if !ok {
		t.Skip("backend has no Elector")
	}
	e := es.Elector()
	ctx := ctxFor(t)
	leader, release, err := e.Campaign(ctx, "control")
	if err != nil {
		t.Fatal(err)
	}
	if leader.Err() != nil {
		t.Fatal("leader context ended at once")
	}
	// Another name is independent.
	other, releaseOther, err := e.Campaign(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	// A second campaigner of the same name waits until the first resigns.
	type result struct {
		leader  context.Context
		release func()
		err     error
	}
	second := make(chan result, 1)
	go func() {
		l, r, err := e.Campaign(ctx, "control")
		second <- result{l, r, err}
	}()
	release()
	<-leader.Done()
	r := <-second
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.leader.Err() != nil {
		t.Fatal("second leader context ended at once")
	}
	r.release()
	<-r.leader.Done()
	if other.Err() != nil {
		t.Fatal("leadership of another name ended")
	}
	releaseOther()

	// Campaign with a canceled context fails.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := e.Campaign(cctx, "control"); err == nil {
		t.Fatal("campaign with canceled context succeeded")
	}
	// Canceling the parent ends leadership.
	pctx, pcancel := context.WithCancel(ctx)
	l, rel, err := e.Campaign(pctx, "parent")
	if err != nil {
		t.Fatal(err)
	}
	pcancel()
	<-l.Done()
	rel()
	l2, rel2, err := e.Campaign(ctx, "parent")
	if err != nil {
		t.Fatal(err)
	}
	rel2()
	<-l2.Done()
}
