package k8sscale

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
)

func key(id string) model.TargetKey {
	return model.TargetKey{Account: "123456789012", Namespace: "custom-resource", ResourceID: id, Dimension: "custom-resource:ResourceType:Property"}
}

// newActuator builds an actuator on o whose conflict retries do not wait.
func newActuator(t *testing.T, o Options) *Actuator {
	t.Helper()
	if o.Clock == nil {
		o.Clock = clock.NewFake(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC))
	}
	if o.ConflictRetry.Steps == 0 {
		o.ConflictRetry = wait.Backoff{Steps: 5}
	}
	a, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a
}

func fleet() map[string]*workload {
	return map[string]*workload{
		"default/deployments/web":  {spec: 3, status: 3, rv: 7},
		"serving/statefulsets/llm": {spec: 5, status: 2, rv: 3},
		"default/replicasets/idle": {spec: 0, status: 0, rv: 1},
	}
}

func TestState(t *testing.T) {
	tests := []struct {
		id   string
		want resource.State
	}{
		{id: "kubernetes:///default/deployments/web", want: resource.State{Desired: 3, Actual: 3, Status: resource.StatusSuccessful}},
		{id: "kubernetes:///serving/statefulsets/llm", want: resource.State{Desired: 5, Actual: 2, Status: resource.StatusInProgress}},
		{id: "kubernetes:///default/replicasets/idle", want: resource.State{Desired: 0, Actual: 0, Status: resource.StatusSuccessful}},
		{id: "Kubernetes:///default/deployments/web", want: resource.State{Desired: 3, Actual: 3, Status: resource.StatusSuccessful}},
	}
	api, srv := newAPIServer(t, fleet())
	a := newActuator(t, Options{Config: config(srv)})
	var wantLog []string
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got, err := a.State(context.Background(), key(tt.id))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
		r, _ := ParseResourceID(tt.id)
		wantLog = append(wantLog, "GET "+r.Namespace+"/"+r.Resource+"/"+r.Name)
	}
	if diff := cmp.Diff(wantLog, api.requests()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

func TestStateErrors(t *testing.T) {
	tests := []struct {
		name         string
		id           string
		forbid       string
		unauthorized bool
		wantErr      string
		notFound     bool
		noRequest    bool
	}{
		{name: "missing deployment", id: "kubernetes:///default/deployments/api",
			wantErr: `deployment "api" not found in namespace "default"`, notFound: true},
		{name: "missing namespace", id: "kubernetes:///staging/statefulsets/llm",
			wantErr: `statefulset "llm" not found in namespace "staging"`, notFound: true},
		{name: "forbidden", id: "kubernetes:///default/deployments/web", forbid: "get default/deployments/web",
			wantErr: `reading the scale of deployment default/web: deployments.apps "web" is forbidden: User "system:serviceaccount:scaled:scaled" cannot get resource "deployments/scale" in API group "apps" in the namespace "default" (grant "get" on deployments/scale in API group apps, namespace "default")`},
		{name: "unauthorized", id: "kubernetes:///default/deployments/web", unauthorized: true,
			wantErr: `reading the scale of deployment default/web: the Kubernetes API server rejected the credentials: Unauthorized`},
		{name: "context with a single cluster", id: "kubernetes://prod/default/deployments/web", noRequest: true,
			wantErr: `loading Kubernetes credentials for kubeconfig context "prod": kubeconfig context "prod" cannot be used: scaled is configured with a single cluster; use kubernetes:///<namespace>/<resource>/<name>`},
		{name: "bad ID", id: "kubernetes://default/deployments/web", noRequest: true,
			wantErr: `resource ID "kubernetes://default/deployments/web" has 2 path segments; want ` + idFormat + ` (without a context the ID starts with three slashes: kubernetes:///)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, srv := newAPIServer(t, fleet())
			if tt.forbid != "" {
				api.forbidden[tt.forbid] = true
			}
			api.unauthorized = tt.unauthorized
			a := newActuator(t, Options{Config: config(srv)})
			_, err := a.State(context.Background(), key(tt.id))
			if err == nil {
				t.Fatal("State succeeded, want an error")
			}
			if diff := cmp.Diff(tt.wantErr, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if got := errors.Is(err, resource.ErrNotFound); got != tt.notFound {
				t.Errorf("errors.Is(err, resource.ErrNotFound) = %v, want %v", got, tt.notFound)
			}
			if got := len(api.requests()) == 0; got != tt.noRequest {
				t.Errorf("requests = %q", api.requests())
			}
		})
	}
}

func TestSetDesired(t *testing.T) {
	const web = "default/deployments/web"
	tests := []struct {
		name      string
		id        string
		n         int32
		conflicts int
		forbid    string
		wantErr   string
		notFound  bool
		wantLog   []string
		wantObj   workload // of web
	}{
		{name: "scale out", id: "kubernetes:///default/deployments/web", n: 5,
			wantLog: []string{"GET " + web, "PUT " + web + " fieldManager=scaled"},
			wantObj: workload{spec: 5, status: 3, rv: 8}},
		{name: "scale to zero", id: "kubernetes:///default/deployments/web", n: 0,
			wantLog: []string{"GET " + web, "PUT " + web + " fieldManager=scaled"},
			wantObj: workload{spec: 0, status: 3, rv: 8}},
		{name: "already there", id: "kubernetes:///default/deployments/web", n: 3,
			wantLog: []string{"GET " + web},
			wantObj: workload{spec: 3, status: 3, rv: 7}},
		{name: "one conflict is retried", id: "kubernetes:///default/deployments/web", n: 6, conflicts: 1,
			wantLog: []string{"GET " + web, "PUT " + web + " fieldManager=scaled", "GET " + web, "PUT " + web + " fieldManager=scaled"},
			wantObj: workload{spec: 6, status: 3, rv: 9}},
		{name: "conflicts until the retries are used up", id: "kubernetes:///default/deployments/web", n: 6, conflicts: 10,
			wantErr: `updating the scale of deployment default/web: still conflicting after 5 attempts: Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again`,
			wantLog: []string{
				"GET " + web, "PUT " + web + " fieldManager=scaled", "GET " + web, "PUT " + web + " fieldManager=scaled",
				"GET " + web, "PUT " + web + " fieldManager=scaled", "GET " + web, "PUT " + web + " fieldManager=scaled",
				"GET " + web, "PUT " + web + " fieldManager=scaled",
			},
			wantObj: workload{spec: 3, status: 3, rv: 12}},
		{name: "update forbidden", id: "kubernetes:///default/deployments/web", n: 4, forbid: "update " + web,
			wantErr: `updating the scale of deployment default/web: deployments.apps "web" is forbidden: User "system:serviceaccount:scaled:scaled" cannot update resource "deployments/scale" in API group "apps" in the namespace "default" (grant "update" on deployments/scale in API group apps, namespace "default")`,
			wantLog: []string{"GET " + web, "PUT " + web + " fieldManager=scaled"},
			wantObj: workload{spec: 3, status: 3, rv: 7}},
		{name: "not found", id: "kubernetes:///default/statefulsets/web", n: 4,
			wantErr: `statefulset "web" not found in namespace "default"`, notFound: true,
			wantLog: []string{"GET default/statefulsets/web"},
			wantObj: workload{spec: 3, status: 3, rv: 7}},
		{name: "negative", id: "kubernetes:///default/deployments/web", n: -1,
			wantErr: `desired capacity of deployment default/web must not be negative, was -1`,
			wantObj: workload{spec: 3, status: 3, rv: 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, srv := newAPIServer(t, fleet())
			api.conflicts[web] = tt.conflicts
			if tt.forbid != "" {
				api.forbidden[tt.forbid] = true
			}
			a := newActuator(t, Options{Config: config(srv)})
			err := a.SetDesired(context.Background(), key(tt.id), tt.n)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if diff := cmp.Diff(tt.wantErr, gotErr); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if got := errors.Is(err, resource.ErrNotFound); got != tt.notFound {
				t.Errorf("errors.Is(err, resource.ErrNotFound) = %v, want %v", got, tt.notFound)
			}
			if diff := cmp.Diff(tt.wantLog, api.requests()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantObj, api.workload(web), cmp.AllowUnexported(workload{})); diff != "" {
				t.Errorf("deployment (-want +got):\n%s", diff)
			}
		})
	}
}

// After SetDesired the state is InProgress until the workload's status catches up.
func TestSetDesiredThenState(t *testing.T) {
	api, srv := newAPIServer(t, fleet())
	a := newActuator(t, Options{Config: config(srv)})
	ctx := context.Background()
	k := key("kubernetes:///default/deployments/web")
	if err := a.SetDesired(ctx, k, 5); err != nil {
		t.Fatal(err)
	}
	var got []resource.State
	st, err := a.State(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, st)
	api.mu.Lock()
	api.objs["default/deployments/web"].status = 5 // the controller created the pods
	api.mu.Unlock()
	if st, err = a.State(ctx, k); err != nil {
		t.Fatal(err)
	}
	got = append(got, st)
	want := []resource.State{
		{Desired: 5, Actual: 3, Status: resource.StatusInProgress},
		{Desired: 5, Actual: 5, Status: resource.StatusSuccessful},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestValidateResourceID(t *testing.T) {
	const web = "default/deployments/web"
	tests := []struct {
		name      string
		id        string
		forbid    string
		conflicts int
		wantErr   string
		wantLog   []string
	}{
		{name: "ok", id: "kubernetes:///default/deployments/web",
			wantLog: []string{"GET " + web, "PUT " + web + " fieldManager=scaled dryRun=All"}},
		{name: "read-only access", id: "kubernetes:///default/deployments/web", forbid: "update " + web,
			wantErr: `updating the scale of deployment default/web: deployments.apps "web" is forbidden: User "system:serviceaccount:scaled:scaled" cannot update resource "deployments/scale" in API group "apps" in the namespace "default" (grant "update" on deployments/scale in API group apps, namespace "default")`,
			wantLog: []string{"GET " + web, "PUT " + web + " fieldManager=scaled dryRun=All"}},
		{name: "a conflict on the dry run is no problem", id: "kubernetes:///default/deployments/web", conflicts: 1,
			wantLog: []string{"GET " + web, "PUT " + web + " fieldManager=scaled dryRun=All"}},
		{name: "no access", id: "kubernetes:///default/deployments/web", forbid: "get " + web,
			wantErr: `reading the scale of deployment default/web: deployments.apps "web" is forbidden: User "system:serviceaccount:scaled:scaled" cannot get resource "deployments/scale" in API group "apps" in the namespace "default" (grant "get" on deployments/scale in API group apps, namespace "default")`,
			wantLog: []string{"GET " + web}},
		{name: "missing", id: "kubernetes:///default/replicasets/web",
			wantErr: `replicaset "web" not found in namespace "default"`,
			wantLog: []string{"GET default/replicasets/web"}},
		{name: "unsupported resource", id: "kubernetes:///default/daemonsets/web",
			wantErr: `resource ID "kubernetes:///default/daemonsets/web": resource "daemonsets" is not supported; want deployments, statefulsets or replicasets`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, srv := newAPIServer(t, fleet())
			api.conflicts[web] = tt.conflicts
			if tt.forbid != "" {
				api.forbidden[tt.forbid] = true
			}
			a := newActuator(t, Options{Config: config(srv)})
			err := a.ValidateResourceID(context.Background(), key(tt.id))
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if diff := cmp.Diff(tt.wantErr, gotErr); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantLog, api.requests()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			// A dry run changes nothing.
			if got := api.workload(web); got.spec != 3 {
				t.Errorf("deployment spec.replicas = %d after validation, want 3", got.spec)
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	api, srv := newAPIServer(t, fleet())
	api.hang = true
	a := newActuator(t, Options{Config: config(srv), Timeout: 50 * time.Millisecond})
	_, err := a.State(context.Background(), key("kubernetes:///default/deployments/web"))
	want := "reading the scale of deployment default/web: no answer from the Kubernetes API server within 50ms"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

// The caller's own deadline is not reported as the actuator's timeout.
func TestCallerCancellation(t *testing.T) {
	api, srv := newAPIServer(t, fleet())
	api.hang = true
	a := newActuator(t, Options{Config: config(srv)})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := a.SetDesired(ctx, key("kubernetes:///default/deployments/web"), 2)
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "reading the scale of deployment default/web: ") {
		t.Errorf("error = %v, want a wrapped context.Canceled", err)
	}
}

func TestNewOptions(t *testing.T) {
	cfgs := func(string) (*rest.Config, error) { return nil, nil }
	tests := []struct {
		name    string
		o       Options
		wantErr string
	}{
		{name: "neither", o: Options{}, wantErr: "k8sscale: Options.Config or Options.Configs is required"},
		{name: "both", o: Options{Config: &rest.Config{}, Configs: cfgs}, wantErr: "k8sscale: set only one of Options.Config and Options.Configs"},
		{name: "negative timeout", o: Options{Configs: cfgs, Timeout: -time.Second}, wantErr: "k8sscale: timeout must be positive, was -1s"},
		{name: "negative steps", o: Options{Configs: cfgs, ConflictRetry: wait.Backoff{Steps: -1}}, wantErr: "k8sscale: conflict retry steps and duration must not be negative, were -1 and 0s"},
		{name: "ok", o: Options{Configs: cfgs}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.o)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if diff := cmp.Diff(tt.wantErr, gotErr); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// A ConfigFunc that returns nothing is reported, not dereferenced.
func TestNilConfig(t *testing.T) {
	a := newActuator(t, Options{Configs: func(string) (*rest.Config, error) { return nil, nil }})
	_, err := a.State(context.Background(), key("kubernetes:///default/deployments/web"))
	want := "loading Kubernetes credentials for the default cluster: no configuration"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

// Scale updates use the client's default wire format for built-in types (protobuf), or
// the one the rest.Config names.
func TestWireFormats(t *testing.T) {
	for _, ct := range []string{"", "application/json"} {
		t.Run("ContentType="+ct, func(t *testing.T) {
			api, srv := newAPIServer(t, fleet())
			cfg := config(srv)
			cfg.ContentType = ct
			a := newActuator(t, Options{Config: cfg})
			if err := a.SetDesired(context.Background(), key("kubernetes:///serving/statefulsets/llm"), 1); err != nil {
				t.Fatal(err)
			}
			want := []string{"application/vnd.kubernetes.protobuf"}
			if ct != "" {
				want = []string{ct}
			}
			api.mu.Lock()
			defer api.mu.Unlock()
			if diff := cmp.Diff(want, api.putTypes); diff != "" {
				t.Errorf("PUT media types (-want +got):\n%s", diff)
			}
			if got := api.objs["serving/statefulsets/llm"].spec; got != 1 {
				t.Errorf("spec.replicas = %d, want 1", got)
			}
		})
	}
}

// API server warnings go to the logger, not to client-go's global one.
func TestWarningsAreLogged(t *testing.T) {
	api, _ := newAPIServer(t, fleet())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Warning", `299 - "apps/v1 Deployment web: spec.replicas is managed by another controller"`)
		api.ServeHTTP(w, r)
	}))
	defer srv.Close()
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	a := newActuator(t, Options{Config: config(srv), Logger: log})
	if _, err := a.State(context.Background(), key("kubernetes:///default/deployments/web")); err != nil {
		t.Fatal(err)
	}
	want := `level=WARN msg="Kubernetes API server warning" code=299 agent=- text="apps/v1 Deployment web: spec.replicas is managed by another controller"` + "\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}
