package control_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/api"
	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/control"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/metrics/tsdb"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
	"github.com/scaled-dev/scaled/internal/resource/customresource"
	"github.com/scaled-dev/scaled/internal/store"
	"github.com/scaled-dev/scaled/internal/store/memstore"
)

var epoch = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

func TestNewValidatesOptions(t *testing.T) {
	ok := control.Options{
		Store:     memstore.New(),
		Metrics:   tsdb.New(tsdb.Options{}),
		Resources: resource.NewRegistry(),
		Clock:     clock.NewFake(epoch),
	}
	tests := []struct {
		name    string
		edit    func(o *control.Options)
		wantErr string
	}{
		{name: "no store", edit: func(o *control.Options) { o.Store = nil }, wantErr: "control: Options.Store is required"},
		{name: "no metrics", edit: func(o *control.Options) { o.Metrics = nil }, wantErr: "control: Options.Metrics is required"},
		{name: "no resources", edit: func(o *control.Options) { o.Resources = nil }, wantErr: "control: Options.Resources is required"},
		{name: "no clock", edit: func(o *control.Options) { o.Clock = nil }, wantErr: "control: Options.Clock is required"},
		{name: "negative interval", edit: func(o *control.Options) { o.Interval = -time.Second }, wantErr: "control: Options.Interval must be positive, was -1s"},
		{name: "negative workers", edit: func(o *control.Options) { o.Workers = -2 }, wantErr: "control: Options.Workers must be positive, was -2"},
		{name: "defaults", edit: func(o *control.Options) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ok
			tt.edit(&o)
			e, err := control.New(o)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Fatalf("New error = %q, want %q", got, tt.wantErr)
			}
			if err == nil && e.Interval() != control.DefaultInterval {
				t.Errorf("Interval() = %s, want %s", e.Interval(), control.DefaultInterval)
			}
		})
	}
}

// protocolBackend serves the custom-resource protocol like the AWS sample server.
type protocolBackend struct {
	mu      sync.Mutex
	actual  float64
	desired float64
	status  string
	// steps is how many GETs a change takes to complete after the PATCH (Pending →
	// InProgress → Successful takes 2).
	patches []string
}

func (b *protocolBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch r.Method {
	case http.MethodGet:
		switch b.status {
		case "Pending":
			b.status = "InProgress"
		case "InProgress":
			b.status = "Successful"
			b.actual = b.desired
		}
	case http.MethodPatch:
		raw, _ := io.ReadAll(r.Body)
		b.patches = append(b.patches, string(raw))
		var in struct {
			DesiredCapacity float64 `json:"desiredCapacity"`
		}
		if err := json.Unmarshal(raw, &in); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"message":"bad body"}`)
			return
		}
		b.desired, b.status = in.DesiredCapacity, "Pending"
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"scalableTargetDimensionId": "1-23456789", "version": "MyVersion",
		"resourceName": "MyService", "dimensionName": "MyDimension",
		"actualCapacity": b.actual, "desiredCapacity": b.desired, "scalingStatus": b.status,
	})
}

// TV-24 through the whole loop: API registration (the custom-resource actuator checks the URL
// with a GET), a step policy and a user alarm, the real HTTP actuator against a backend that
// takes two GETs to fulfil the change. The activity ends Successful only after the backend
// reports Successful.
func TestCustomResourceEndToEndTV24(t *testing.T) {
	backend := &protocolBackend{actual: 1, desired: 1, status: "Successful"}
	srv := httptest.NewServer(backend)
	defer srv.Close()
	url := srv.URL + "/prod/scalableTargetDimensions/1-23456789"

	const account = "544955126770"
	ctx := auth.WithAccount(context.Background(), account)
	clk := clock.NewFake(epoch)
	st := memstore.New()
	db := tsdb.New(tsdb.Options{Clock: clk})
	act, err := customresource.New(customresource.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	reg := resource.NewRegistry()
	reg.Register(customresource.Kind, act)
	svc := api.New(api.Options{Store: st, Resources: reg, Region: "us-west-2", Clock: clk})
	call := func(op, body string) {
		t.Helper()
		if _, err := svc.Ops[op](ctx, []byte(body)); err != nil {
			t.Fatalf("%s: %v", op, err)
		}
	}
	key := `"ServiceNamespace":"custom-resource","ResourceId":"` + url + `","ScalableDimension":"custom-resource:ResourceType:Property"`
	call("RegisterScalableTarget", `{`+key+`,"MinCapacity":1,"MaxCapacity":5}`)
	call("PutScalingPolicy", `{"PolicyName":"custom-step",`+key+`,"PolicyType":"StepScaling","StepScalingPolicyConfiguration":{"AdjustmentType":"ChangeInCapacity","Cooldown":0,"StepAdjustments":[{"MetricIntervalLowerBound":0,"ScalingAdjustment":1}]}}`)
	ps, _, err := st.ListPolicies(ctx, store.PolicyFilter{Account: account})
	if err != nil || len(ps) != 1 {
		t.Fatalf("policies: %v %v", ps, err)
	}
	if _, err := st.PutAlarm(ctx, model.MetricAlarm{
		Account: account, AlarmName: "queue-high", ActionsEnabled: true, AlarmActions: []string{ps[0].ARN},
		Namespace: "MyService", MetricName: "Queue", Statistic: "Maximum", Period: 60, EvaluationPeriods: 1,
		Threshold: 5, ComparisonOperator: "GreaterThanThreshold", StateValue: model.AlarmInsufficientData,
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Put(ctx, []metrics.Datum{metrics.Value(metrics.MetricID{Account: account, Namespace: "MyService", Name: "Queue"}, epoch, 9)}); err != nil {
		t.Fatal(err)
	}
	e, err := control.New(control.Options{Store: st, Metrics: db, Resources: reg, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}

	type step struct {
		Status, Message string
		Ended           bool
	}
	var got []step
	for range 3 { // 00:01:00 request; 00:01:10 InProgress; 00:01:20 Successful
		clk.Set(epoch.Add(time.Minute + time.Duration(len(got))*10*time.Second))
		if err := e.Tick(ctx); err != nil {
			t.Fatalf("Tick: %v", err)
		}
		acts, _, err := st.ListActivities(ctx, store.ActivityFilter{Account: account})
		if err != nil || len(acts) != 1 {
			t.Fatalf("activities after tick %d: %+v, %v", len(got)+1, acts, err)
		}
		a := acts[0]
		got = append(got, step{a.StatusCode, a.StatusMessage, a.EndTime != nil})
		if len(got) == 1 {
			want := model.ScalingActivity{
				ActivityID:    a.ActivityID,
				TargetKey:     model.TargetKey{Account: account, Namespace: "custom-resource", ResourceID: url, Dimension: "custom-resource:ResourceType:Property"},
				Description:   "Setting desired capacity to 2.",
				Cause:         "monitor alarm queue-high in state ALARM triggered policy custom-step",
				StartTime:     epoch.Add(time.Minute),
				StatusCode:    model.StatusInProgress,
				StatusMessage: "Successfully set desired capacity to 2. Waiting for change to be fulfilled by custom-resource.",
			}
			if diff := cmp.Diff(want, a); diff != "" {
				t.Errorf("first activity (-want +got):\n%s", diff)
			}
		}
	}
	want := []step{
		{"InProgress", "Successfully set desired capacity to 2. Waiting for change to be fulfilled by custom-resource.", false},
		{"InProgress", "Successfully set desired capacity to 2. Waiting for change to be fulfilled by custom-resource.", false},
		{"Successful", "Successfully set desired capacity to 2. Change successfully fulfilled by custom-resource.", true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("activity over the ticks (-want +got):\n%s", diff)
	}
	backend.mu.Lock()
	defer backend.mu.Unlock()
	if diff := cmp.Diff([]string{`{"desiredCapacity":2.0}`}, backend.patches); diff != "" {
		t.Errorf("PATCH bodies (-want +got):\n%s", diff)
	}
}

// failingStore fails GetTargetState for one resource.
type failingStore struct {
	*memstore.Store
	bad string
}

func (f failingStore) GetTargetState(ctx context.Context, k model.TargetKey) (model.TargetState, error) {
	if k.ResourceID == f.bad {
		return model.TargetState{}, errors.New("disk on fire")
	}
	return f.Store.GetTargetState(ctx, k)
}

func registerIC(t *testing.T, st *memstore.Store, clk clock.Clock, names ...string) {
	t.Helper()
	svc := api.New(api.Options{Store: st, Clock: clk})
	ctx := auth.WithAccount(context.Background(), "123456789012")
	for _, n := range names {
		body := `{"ServiceNamespace":"sagemaker","ResourceId":"inference-component/` + n + `","ScalableDimension":"sagemaker:inference-component:DesiredCopyCount","MinCapacity":1,"MaxCapacity":4}`
		if _, err := svc.Ops["RegisterScalableTarget"](ctx, []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
}

// stepPolicy registers inference component name with a +1 step policy "step" (for account
// 123456789012) and returns the policy's ARN, for alarms to invoke.
func stepPolicy(t *testing.T, st *memstore.Store, clk clock.Clock, name string) string {
	t.Helper()
	registerIC(t, st, clk, name)
	ctx := auth.WithAccount(context.Background(), "123456789012")
	svc := api.New(api.Options{Store: st, Clock: clk})
	body := `{"PolicyName":"step","ServiceNamespace":"sagemaker","ResourceId":"inference-component/` + name + `","ScalableDimension":"sagemaker:inference-component:DesiredCopyCount","PolicyType":"StepScaling","StepScalingPolicyConfiguration":{"AdjustmentType":"ChangeInCapacity","StepAdjustments":[{"MetricIntervalLowerBound":0,"ScalingAdjustment":1}]}}`
	out, err := svc.Ops["PutScalingPolicy"](ctx, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	var res struct{ PolicyARN string }
	if err := json.Unmarshal(b, &res); err != nil || res.PolicyARN == "" {
		t.Fatalf("PutScalingPolicy answered %s (%v)", b, err)
	}
	return res.PolicyARN
}

func TestOneTargetFailureDoesNotStopOthers(t *testing.T) {
	clk := clock.NewFake(epoch)
	mem := memstore.New()
	registerIC(t, mem, clk, "a", "b", "c")
	e, err := control.New(control.Options{
		Store: failingStore{Store: mem, bad: "inference-component/b"}, Metrics: tsdb.New(tsdb.Options{Clock: clk}),
		Resources: resource.NewRegistry(), Clock: clk,
	})
	if err != nil {
		t.Fatal(err)
	}
	err = e.Tick(context.Background())
	if err == nil || err.Error() != "control: 1 of 3 targets failed; first: target sagemaker inference-component/b: get target state: disk on fire" {
		t.Fatalf("Tick error = %v, want a summary of one failed target", err)
	}
	acts, _, err := mem.ListActivities(context.Background(), store.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range acts {
		got = append(got, a.ResourceID+": "+a.StatusMessage)
	}
	want := []string{
		"inference-component/c: No runtime is attached for sagemaker inference components; start scaled with the local runtime to scale inference-component/c.",
		"inference-component/a: No runtime is attached for sagemaker inference components; start scaled with the local runtime to scale inference-component/a.",
	}
	if diff := cmp.Diff(want, got, sortStrings); diff != "" {
		t.Errorf("activities (-want +got):\n%s", diff)
	}
}

var sortStrings = cmp.Transformer("sort", func(in []string) []string {
	out := append([]string(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
})

// blockingActuator blocks State until released, to hold a target's evaluation open.
type blockingActuator struct {
	entered chan struct{}
	release chan struct{}
	calls   atomic.Int32
}

func (b *blockingActuator) State(ctx context.Context, k model.TargetKey) (resource.State, error) {
	if b.calls.Add(1) == 1 {
		close(b.entered)
		<-b.release
	}
	return resource.State{Desired: 2, Actual: 2, Status: resource.StatusSuccessful}, nil
}

func (b *blockingActuator) SetDesired(context.Context, model.TargetKey, int32) error { return nil }

// A target whose evaluation is still running is skipped by a concurrent Tick, not evaluated
// twice at once.
func TestConcurrentTicksEvaluateATargetOnce(t *testing.T) {
	clk := clock.NewFake(epoch)
	mem := memstore.New()
	registerIC(t, mem, clk, "a")
	act := &blockingActuator{entered: make(chan struct{}), release: make(chan struct{})}
	reg := resource.NewRegistry()
	reg.Register(resource.Kind{Namespace: "sagemaker", Dimension: "sagemaker:inference-component:DesiredCopyCount"}, act)
	e, err := control.New(control.Options{Store: mem, Metrics: tsdb.New(tsdb.Options{Clock: clk}), Resources: reg, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	first := make(chan error, 1)
	go func() { first <- e.Tick(context.Background()) }()
	<-act.entered
	if err := e.Tick(context.Background()); err != nil {
		t.Fatalf("second Tick: %v", err)
	}
	if n := act.calls.Load(); n != 1 {
		t.Errorf("State calls while the first evaluation runs = %d, want 1", n)
	}
	close(act.release)
	if err := <-first; err != nil {
		t.Fatalf("first Tick: %v", err)
	}
	if err := e.Tick(context.Background()); err != nil {
		t.Fatalf("third Tick: %v", err)
	}
	if n := act.calls.Load(); n != 2 {
		t.Errorf("State calls after the first evaluation ended = %d, want 2", n)
	}
}

// countingStore counts passes (ListTargets calls).
type countingStore struct {
	*memstore.Store
	passes atomic.Int32
}

func (c *countingStore) ListTargets(ctx context.Context, f store.TargetFilter) ([]model.ScalableTarget, string, error) {
	c.passes.Add(1)
	return c.Store.ListTargets(ctx, f)
}

// Run ticks at once and then every Interval while it leads, and returns ctx.Err().
func TestRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mem := memstore.New()
		cs := &countingStore{Store: mem}
		e, err := control.New(control.Options{
			Store: cs, Metrics: tsdb.New(tsdb.Options{Clock: clock.Real{}}), Resources: resource.NewRegistry(),
			Clock: clock.Real{}, Interval: 10 * time.Second, Elector: mem.Elector(),
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- e.Run(ctx) }()
		time.Sleep(35 * time.Second) // virtual time inside the bubble
		synctest.Wait()
		if got := cs.passes.Load(); got != 4 {
			t.Errorf("passes after 35 s = %d, want 4 (at 0, 10, 20 and 30 s)", got)
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
	})
}

// Activities older than the retention are pruned by Tick.
func TestTickPrunesOldActivities(t *testing.T) {
	clk := clock.NewFake(epoch)
	mem := memstore.New()
	ctx := context.Background()
	old := model.ScalingActivity{ActivityID: "11111111-1111-4111-8111-111111111111", TargetKey: model.TargetKey{Account: "123456789012", Namespace: "ecs", ResourceID: "service/a/b", Dimension: "ecs:service:DesiredCount"},
		Description: "Setting desired count to 2.", Cause: "x", StartTime: epoch.Add(-43 * 24 * time.Hour), StatusCode: model.StatusSuccessful}
	recent := old
	recent.ActivityID, recent.StartTime = "22222222-2222-4222-8222-222222222222", epoch.Add(-41*24*time.Hour)
	for _, a := range []model.ScalingActivity{old, recent} {
		if err := mem.PutActivity(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	e, err := control.New(control.Options{Store: mem, Metrics: tsdb.New(tsdb.Options{Clock: clk}), Resources: resource.NewRegistry(), Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	acts, _, err := mem.ListActivities(ctx, store.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range acts {
		ids = append(ids, a.ActivityID)
	}
	if diff := cmp.Diff([]string{recent.ActivityID}, ids); diff != "" {
		t.Errorf("activities after pruning (-want +got):\n%s", diff)
	}
}

// An alarm's evaluation is recorded on the alarm (state, reason, reason data, time), so that
// CloudWatch DescribeAlarms shows it; it is written only when the state changes.
func TestAlarmStateIsRecorded(t *testing.T) {
	const account = "123456789012"
	ctx := auth.WithAccount(context.Background(), account)
	clk := clock.NewFake(epoch)
	mem := memstore.New()
	policyARN := stepPolicy(t, mem, clk, "a")
	alarm := model.MetricAlarm{
		Account: account, AlarmName: "a-failures", ActionsEnabled: true, AlarmActions: []string{policyARN},
		Namespace: "AWS/SageMaker", MetricName: "NoCapacityInvocationFailures", Statistic: "Sum",
		Dimensions: []model.MetricDimension{{Name: "InferenceComponentName", Value: "a"}},
		Period:     60, EvaluationPeriods: 2, Threshold: 1, ComparisonOperator: "GreaterThanThreshold",
		StateValue: model.AlarmInsufficientData, StateReason: "Unchecked: Initial alarm creation",
	}
	if _, err := mem.PutAlarm(ctx, alarm); err != nil {
		t.Fatal(err)
	}
	db := tsdb.New(tsdb.Options{Clock: clk})
	id := metrics.MetricID{Account: account, Namespace: "AWS/SageMaker", Name: "NoCapacityInvocationFailures", Dimensions: alarm.Dimensions}
	if err := db.Put(ctx, []metrics.Datum{metrics.Value(id, epoch, 3), metrics.Value(id, epoch.Add(time.Minute), 4)}); err != nil {
		t.Fatal(err)
	}
	e, err := control.New(control.Options{Store: mem, Metrics: db, Resources: resource.NewRegistry(), Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	clk.Set(epoch.Add(2*time.Minute + 5*time.Second))
	if err := e.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := mem.GetAlarm(ctx, account, "a-failures")
	if err != nil {
		t.Fatal(err)
	}
	want := alarm
	want.StateValue = model.AlarmAlarm
	want.StateReason = "Threshold Crossed: 2 datapoints [4.0 (05/01/26 00:01:00), 3.0 (05/01/26 00:00:00)] were greater than the threshold (1.0) (minimum 2 datapoints for OK -> ALARM transition)."
	want.StateReasonData = `{"version":"1.0","queryDate":"2026-01-05T00:02:05.000+0000","startDate":"2026-01-05T00:00:00.000+0000","statistic":"Sum","period":60,"recentDatapoints":[3,4],"threshold":1,"evaluatedDatapoints":[{"timestamp":"2026-01-05T00:00:00.000+0000","value":3},{"timestamp":"2026-01-05T00:01:00.000+0000","value":4}]}`
	want.StateUpdatedAt = epoch.Add(2*time.Minute + 5*time.Second)
	if diff := cmp.Diff(want, got, cmpIgnoreRevision); diff != "" {
		t.Errorf("alarm after the tick (-want +got):\n%s", diff)
	}
	// A later tick in the same state leaves the record alone.
	clk.Advance(10 * time.Second)
	if err := e.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := mem.GetAlarm(ctx, account, "a-failures")
	if err != nil {
		t.Fatal(err)
	}
	if again.Revision != got.Revision {
		t.Errorf("alarm rewritten without a state change: revision %d -> %d", got.Revision, again.Revision)
	}
}

var cmpIgnoreRevision = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Revision" }, cmp.Ignore())

// slowActuator never answers SetDesired for one resource before the deadline; the request
// still lands ("applied"), as with a backend that is slow to respond.
type slowActuator struct {
	mu      sync.Mutex
	desired map[string]int32
	slow    string
}

func (s *slowActuator) State(_ context.Context, k model.TargetKey) (resource.State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.desired[k.ResourceID]
	if !ok {
		n = 1
	}
	return resource.State{Desired: n, Actual: n, Status: resource.StatusSuccessful}, nil
}

func (s *slowActuator) SetDesired(ctx context.Context, k model.TargetKey, n int32) error {
	s.mu.Lock()
	s.desired[k.ResourceID] = n
	s.mu.Unlock()
	if k.ResourceID == s.slow {
		<-ctx.Done() // bounded by Options.ActuatorTimeout
		return ctx.Err()
	}
	return nil
}

// A slow actuator call is cut off by ActuatorTimeout: the pass goes on with the other targets,
// the change stays in flight (Pending), and a later tick confirms it from the resource's state.
func TestSlowActuatorDoesNotBlockTheLoop(t *testing.T) {
	clk := clock.NewFake(epoch)
	mem := memstore.New()
	registerIC(t, mem, clk, "slow", "fast") // Min 1: capacity 1 is inside the bounds
	svc := api.New(api.Options{Store: mem, Clock: clk})
	ctx := auth.WithAccount(context.Background(), "123456789012")
	for _, n := range []string{"slow", "fast"} {
		body := `{"ServiceNamespace":"sagemaker","ResourceId":"inference-component/` + n + `","ScalableDimension":"sagemaker:inference-component:DesiredCopyCount","MinCapacity":3}`
		if _, err := svc.Ops["RegisterScalableTarget"](ctx, []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	act := &slowActuator{desired: map[string]int32{}, slow: "inference-component/slow"}
	reg := resource.NewRegistry()
	reg.Register(resource.Kind{Namespace: "sagemaker", Dimension: "sagemaker:inference-component:DesiredCopyCount"}, act)
	e, err := control.New(control.Options{Store: mem, Metrics: tsdb.New(tsdb.Options{Clock: clk}), Resources: reg, Clock: clk,
		ActuatorTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	statuses := func() map[string]string {
		acts, _, err := mem.ListActivities(ctx, store.ActivityFilter{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, a := range acts {
			out[a.ResourceID] = a.StatusCode
		}
		return out
	}
	for i, want := range []map[string]string{
		{"inference-component/slow": "Pending", "inference-component/fast": "InProgress"},
		{"inference-component/slow": "Successful", "inference-component/fast": "Successful"},
	} {
		clk.Advance(10 * time.Second)
		if err := e.Tick(ctx); err != nil {
			t.Fatalf("tick %d: %v", i+1, err)
		}
		if diff := cmp.Diff(want, statuses()); diff != "" {
			t.Errorf("after tick %d (-want +got):\n%s", i+1, diff)
		}
	}
}

// An in-flight record whose activity was never written (the evaluator stopped between the
// two writes) is dropped on the next tick; nothing is sent to the resource.
func TestInFlightRecordWithoutActivityIsDropped(t *testing.T) {
	clk := clock.NewFake(epoch)
	mem := memstore.New()
	registerIC(t, mem, clk, "a")
	fleet := newFakeActuator(clk)
	fleet.configure("inference-component/a", func(r *fakeResource) { r.desired, r.actual = 2, 2 })
	reg := resource.NewRegistry()
	reg.Register(resource.Kind{Namespace: "sagemaker", Dimension: "sagemaker:inference-component:DesiredCopyCount"}, fleet)
	ctx := context.Background()
	k := model.TargetKey{Account: "123456789012", Namespace: "sagemaker", ResourceID: "inference-component/a", Dimension: "sagemaker:inference-component:DesiredCopyCount"}
	since := epoch
	if _, err := mem.PutTargetState(ctx, model.TargetState{TargetKey: k, InFlightActivityID: "33333333-3333-4333-8333-333333333333", InFlightDesired: 3, InFlightFrom: 2, InFlightSince: &since}); err != nil {
		t.Fatal(err)
	}
	e, err := control.New(control.Options{Store: mem, Metrics: tsdb.New(tsdb.Options{Clock: clk}), Resources: reg, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(10 * time.Second)
	if err := e.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := mem.GetTargetState(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	if st.InFlightActivityID != "" || st.InFlightDesired != 0 || st.InFlightSince != nil {
		t.Errorf("in-flight record kept: %+v", st)
	}
	if calls := fleet.takeCalls(); len(calls) != 0 {
		t.Errorf("actuator calls = %v, want none", calls)
	}
}
