package customresource

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
)

// backend is an httptest server speaking the custom-resource protocol like the AWS sample
// server: a PATCH sets desiredCapacity and status Pending; each GET then moves the status
// one step, Pending → InProgress → Successful (actualCapacity catches up on Successful).
type backend struct {
	mu      sync.Mutex
	actual  float64
	desired float64
	status  string
	patches []string // raw PATCH bodies
	ctypes  []string // Content-Type of PATCH requests
	exch    []string // "METHOD status" per answer
}

func (b *backend) doc() map[string]any {
	return map[string]any{
		"scalableTargetDimensionId": "1-23456789",
		"version":                   "MyVersion",
		"resourceName":              "MyService",
		"dimensionName":             "MyDimension",
		"actualCapacity":            b.actual,
		"desiredCapacity":           b.desired,
		"scalingStatus":             b.status,
	}
}

func (b *backend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
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
		b.ctypes = append(b.ctypes, r.Header.Get("Content-Type"))
		var in struct {
			DesiredCapacity *float64 `json:"desiredCapacity"`
		}
		if err := json.Unmarshal(raw, &in); err != nil || in.DesiredCapacity == nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"message":"desiredCapacity is required"}`)
			return
		}
		b.desired = *in.DesiredCapacity
		b.status = "Pending"
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	b.exch = append(b.exch, r.Method+" "+b.status)
	_ = json.NewEncoder(w).Encode(b.doc())
}

func key(url string) model.TargetKey {
	return model.TargetKey{Account: "123456789012", Namespace: Namespace, ResourceID: url, Dimension: Dimension}
}

// instantClock is a clock.Clock whose After fires at once and records the waits asked for.
type instantClock struct {
	*clock.Fake
	mu    sync.Mutex
	waits []time.Duration
}

func newInstantClock() *instantClock {
	return &instantClock{Fake: clock.NewFake(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC))}
}

func (c *instantClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	c.waits = append(c.waits, d)
	c.mu.Unlock()
	c.Fake.Advance(d)
	ch := make(chan time.Time, 1)
	ch <- c.Fake.Now()
	return ch
}

func (c *instantClock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// newActuator builds an actuator with deterministic jitter (always the lower end).
func newActuator(t *testing.T, o Options) (*Actuator, *instantClock) {
	t.Helper()
	c := newInstantClock()
	if o.Clock == nil {
		o.Clock = c
	}
	if o.Jitter == nil {
		o.Jitter = func() float64 { return 0 }
	}
	a, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a, c
}

// TV-24: PATCH desiredCapacity 2.0, then GETs see Pending → InProgress → Successful.
func TestCustomResourceExchangeTV24(t *testing.T) {
	b := &backend{actual: 1, desired: 1, status: "Successful"}
	srv := httptest.NewServer(b)
	defer srv.Close()
	a, _ := newActuator(t, Options{})
	ctx := context.Background()
	k := key(srv.URL + "/prod/scalableTargetDimensions/1-23456789")

	got0, err := a.State(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SetDesired(ctx, k, 2); err != nil {
		t.Fatal(err)
	}
	var states []resource.State
	states = append(states, got0)
	for range 2 {
		st, err := a.State(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, st)
	}
	want := []resource.State{
		{Desired: 1, Actual: 1, Status: resource.StatusSuccessful},
		{Desired: 2, Actual: 1, Status: resource.StatusInProgress},
		{Desired: 2, Actual: 2, Status: resource.StatusSuccessful},
	}
	if diff := cmp.Diff(want, states); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if diff := cmp.Diff([]string{`{"desiredCapacity":2.0}`}, b.patches); diff != "" {
		t.Errorf("PATCH bodies (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"application/json"}, b.ctypes); diff != "" {
		t.Errorf("PATCH content types (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"GET Successful", "PATCH Pending", "GET InProgress", "GET Successful"}, b.exch); diff != "" {
		t.Errorf("exchange (-want +got):\n%s", diff)
	}
}

func TestStateFailedCarriesFailureReason(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"actualCapacity":1.0,"desiredCapacity":3.0,"scalingStatus":"Failed","failureReason":"quota of 2 tasks reached"}`)
	}))
	defer srv.Close()
	a, _ := newActuator(t, Options{})
	got, err := a.State(context.Background(), key(srv.URL+"/x"))
	if err != nil {
		t.Fatal(err)
	}
	want := resource.State{Desired: 3, Actual: 1, Status: resource.StatusFailed, Message: "quota of 2 tasks reached"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestStateBadAnswers(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		ctype   string
		body    string
		wantErr string // "URL" stands for the resource URL
		notFnd  bool
	}{
		{name: "html", status: 200, ctype: "text/html; charset=utf-8", body: "<html><body>Welcome to nginx</body></html>",
			wantErr: `GET URL: answer is not JSON (Content-Type text/html): "<html><body>Welcome to nginx</body></html>"`},
		{name: "empty", status: 200, ctype: "application/json", body: "",
			wantErr: `GET URL: answer is empty, want a JSON scalable target dimension`},
		{name: "array", status: 200, ctype: "application/json", body: `[1,2]`,
			wantErr: `GET URL: answer member "" has JSON type array, want customresource.dimensionDoc`},
		{name: "missing fields", status: 200, ctype: "application/json", body: `{"scalableTargetDimensionId":"1","actualCapacity":1}`,
			wantErr: `GET URL: answer lacks required member(s) desiredCapacity, scalingStatus`},
		{name: "string capacity", status: 200, ctype: "application/json", body: `{"actualCapacity":"1","desiredCapacity":1,"scalingStatus":"Successful"}`,
			wantErr: `GET URL: answer member "actualCapacity" has JSON type string, want float64`},
		{name: "negative", status: 200, ctype: "application/json", body: `{"actualCapacity":-1,"desiredCapacity":1,"scalingStatus":"Successful"}`,
			wantErr: `GET URL: answer has actualCapacity -1, must not be negative`},
		{name: "fraction", status: 200, ctype: "application/json", body: `{"actualCapacity":1,"desiredCapacity":1.5,"scalingStatus":"Successful"}`,
			wantErr: `GET URL: answer has desiredCapacity 1.5, want a whole number`},
		{name: "huge", status: 200, ctype: "application/json", body: `{"actualCapacity":1e12,"desiredCapacity":1,"scalingStatus":"Successful"}`,
			wantErr: `GET URL: answer has actualCapacity 1e+12, larger than 2147483647`},
		{name: "unknown status", status: 200, ctype: "application/json", body: `{"actualCapacity":1,"desiredCapacity":1,"scalingStatus":"Done"}`,
			wantErr: `GET URL: answer has scalingStatus "Done", want one of Pending, InProgress, Successful, Failed`},
		{name: "forbidden", status: 403, ctype: "application/json", body: `{"message":"User is not authorized to access this resource"}`,
			wantErr: `GET URL failed: HTTP 403 Forbidden: User is not authorized to access this resource`},
		{name: "not found", status: 404, ctype: "application/json", body: `{"message":"dimension 1-23456789 not found"}`,
			wantErr: `GET URL failed: HTTP 404 Not Found: dimension 1-23456789 not found`, notFnd: true},
		{name: "bad request plain text", status: 400, ctype: "text/plain", body: "bad\nrequest",
			wantErr: `GET URL failed: HTTP 400 Bad Request: bad request`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.ctype)
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			}))
			defer srv.Close()
			a, _ := newActuator(t, Options{})
			url := srv.URL + "/prod/scalableTargetDimensions/1-23456789"
			_, err := a.State(context.Background(), key(url))
			if err == nil {
				t.Fatal("State succeeded, want an error")
			}
			want := strings.ReplaceAll(tt.wantErr, "URL", url)
			if diff := cmp.Diff(want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if got := errors.Is(err, resource.ErrNotFound); got != tt.notFnd {
				t.Errorf("errors.Is(err, resource.ErrNotFound) = %v, want %v", got, tt.notFnd)
			}
		})
	}
}

func TestConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/dims/1"
	srv.Close()
	a, c := newActuator(t, Options{Retries: 2})
	_, err := a.State(context.Background(), key(url))
	want := "GET " + url + " failed after 3 attempts: connection refused"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %q", err, want)
	}
	if diff := cmp.Diff([]time.Duration{100 * time.Millisecond, 200 * time.Millisecond}, c.Waits()); diff != "" {
		t.Errorf("backoff waits (-want +got):\n%s", diff)
	}
}

// flaky answers the given statuses in turn, then a valid state.
func flaky(statuses ...int) (*httptest.Server, *int) {
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		i := calls
		calls++
		mu.Unlock()
		if i < len(statuses) {
			if statuses[i] == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "1")
			}
			w.WriteHeader(statuses[i])
			fmt.Fprintf(w, `{"message":"attempt %d refused"}`, i+1)
			return
		}
		fmt.Fprint(w, `{"actualCapacity":4,"desiredCapacity":4,"scalingStatus":"Successful"}`)
	}))
	return srv, &calls
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name      string
		statuses  []int
		o         Options
		wantErr   string
		wantWaits []time.Duration
		wantCalls int
	}{
		{name: "two 503 then ok", statuses: []int{503, 503},
			wantWaits: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}, wantCalls: 3},
		{name: "429 honours Retry-After up to the cap", statuses: []int{429},
			wantWaits: []time.Duration{time.Second}, wantCalls: 2},
		{name: "exhausted", statuses: []int{500, 502, 503, 504, 500}, o: Options{BackoffBase: time.Second, BackoffMax: 3 * time.Second},
			wantErr:   "GET URL failed after 4 attempts: HTTP 504 Gateway Timeout: attempt 4 refused",
			wantWaits: []time.Duration{500 * time.Millisecond, time.Second, 1500 * time.Millisecond}, wantCalls: 4},
		{name: "no retry on 400", statuses: []int{400},
			wantErr: "GET URL failed: HTTP 400 Bad Request: attempt 1 refused", wantCalls: 1},
		{name: "retries disabled", statuses: []int{503}, o: Options{Retries: -1},
			wantErr: "GET URL failed: HTTP 503 Service Unavailable: attempt 1 refused", wantCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, calls := flaky(tt.statuses...)
			defer srv.Close()
			a, c := newActuator(t, tt.o)
			url := srv.URL + "/d"
			st, err := a.State(context.Background(), key(url))
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if diff := cmp.Diff(strings.ReplaceAll(tt.wantErr, "URL", url), gotErr); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if err == nil && st.Actual != 4 {
				t.Errorf("state = %+v, want actual 4", st)
			}
			if diff := cmp.Diff(tt.wantWaits, c.Waits()); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
			if *calls != tt.wantCalls {
				t.Errorf("calls = %d, want %d", *calls, tt.wantCalls)
			}
		})
	}
}

func TestJitterStaysInRange(t *testing.T) {
	for _, j := range []float64{0, 0.5, 0.999} {
		a, _ := newActuator(t, Options{Jitter: func() float64 { return j }, BackoffBase: time.Second, BackoffMax: 4 * time.Second})
		for attempt := range 6 {
			d := a.backoff(attempt)
			ceil := min(time.Second<<attempt, 4*time.Second)
			if d < ceil/2 || d > ceil {
				t.Errorf("jitter %v attempt %d: wait %s outside [%s, %s]", j, attempt, d, ceil/2, ceil)
			}
		}
	}
}

// A slow server: every request outlives the per-request timeout.
func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	a, c := newActuator(t, Options{Timeout: 20 * time.Millisecond, Retries: 1})
	url := srv.URL + "/slow"
	_, err := a.State(context.Background(), key(url))
	want := "GET " + url + " failed after 2 attempts: no answer within 20ms"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %q", err, want)
	}
	if got := len(c.Waits()); got != 1 {
		t.Errorf("backoff waits = %d, want 1", got)
	}
}

// blockingClock never fires After: a retry can only end through the context.
type blockingClock struct{ clock.Clock }

func (blockingClock) After(time.Duration) <-chan time.Time { return nil }

func TestContextEndsBackoff(t *testing.T) {
	srv, _ := flaky(503, 503, 503)
	defer srv.Close()
	entered := make(chan struct{})
	a, err := New(Options{Clock: blockingClock{clock.NewFake(time.Unix(0, 0))}, Logger: nil})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		close(entered)
		_, err := a.State(ctx, key(srv.URL+"/d"))
		done <- err
	}()
	<-entered
	cancel()
	err = <-done
	if err == nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
}

func TestSetDesired(t *testing.T) {
	t.Run("rejected with message", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"message":"desiredCapacity 9 exceeds the service limit of 8"}`)
		}))
		defer srv.Close()
		a, _ := newActuator(t, Options{})
		url := srv.URL + "/d"
		err := a.SetDesired(context.Background(), key(url), 9)
		want := "PATCH " + url + " failed: HTTP 400 Bad Request: desiredCapacity 9 exceeds the service limit of 8"
		if err == nil || err.Error() != want {
			t.Fatalf("error = %v, want %q", err, want)
		}
	})
	t.Run("retried after 502", func(t *testing.T) {
		b := &backend{actual: 1, desired: 1, status: "Successful"}
		n := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n++
			if n == 1 {
				w.WriteHeader(http.StatusBadGateway)
				return
			}
			b.ServeHTTP(w, r)
		}))
		defer srv.Close()
		a, _ := newActuator(t, Options{})
		if err := a.SetDesired(context.Background(), key(srv.URL+"/d"), 3); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{`{"desiredCapacity":3.0}`}, b.patches); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("negative", func(t *testing.T) {
		a, _ := newActuator(t, Options{})
		err := a.SetDesired(context.Background(), key("http://127.0.0.1:1/d"), -1)
		want := "PATCH http://127.0.0.1:1/d: desired capacity must not be negative, was -1"
		if err == nil || err.Error() != want {
			t.Fatalf("error = %v, want %q", err, want)
		}
	})
}

func TestURLChecks(t *testing.T) {
	tests := []struct {
		name    string
		allowed []string
		id      string
		wantErr string
	}{
		{name: "not a URL", id: "service/default/web", wantErr: `resource ID "service/default/web" is not an http or https URL`},
		{name: "other scheme", id: "file:///etc/passwd", wantErr: `resource ID "file:///etc/passwd" is not an http or https URL`},
		{name: "credentials", id: "https://u:p@example.com/d", wantErr: `resource ID "https://example.com/d" must not carry user credentials`},
		{name: "outside allow-list", allowed: []string{"https://api.example.com/prod/"}, id: "https://evil.example.com/prod/1",
			wantErr: `resource ID "https://evil.example.com/prod/1" is not under an allowed URL prefix (https://api.example.com/prod/)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := newActuator(t, Options{AllowedPrefixes: tt.allowed})
			err := a.ValidateResourceID(context.Background(), key(tt.id))
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestValidateResourceID(t *testing.T) {
	b := &backend{actual: 2, desired: 2, status: "Successful"}
	srv := httptest.NewServer(b)
	defer srv.Close()
	a, _ := newActuator(t, Options{AllowedPrefixes: []string{srv.URL + "/prod/"}})
	if err := a.ValidateResourceID(context.Background(), key(srv.URL+"/prod/scalableTargetDimensions/1")); err != nil {
		t.Fatalf("ValidateResourceID: %v", err)
	}
}

func TestSigV4(t *testing.T) {
	var mu sync.Mutex
	var auth, date, token string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth, date, token = r.Header.Get("Authorization"), r.Header.Get("X-Amz-Date"), r.Header.Get("X-Amz-Security-Token")
		mu.Unlock()
		fmt.Fprint(w, `{"actualCapacity":1,"desiredCapacity":1,"scalingStatus":"Successful"}`)
	}))
	defer srv.Close()
	a, _ := newActuator(t, Options{Signing: &SigV4{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", SessionToken: "tok", Region: "us-west-2"}})
	if _, err := a.State(context.Background(), key(srv.URL+"/prod/d")); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	wantPrefix := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261127/us-west-2/execute-api/aws4_request, SignedHeaders="
	if !strings.HasPrefix(auth, wantPrefix) || !strings.Contains(auth, "host") || !strings.Contains(auth, "Signature=") {
		t.Errorf("Authorization = %q, want prefix %q with host signed", auth, wantPrefix)
	}
	if date != "20261127T080000Z" {
		t.Errorf("X-Amz-Date = %q, want 20261127T080000Z (from the clock)", date)
	}
	if token != "tok" {
		t.Errorf("X-Amz-Security-Token = %q, want tok", token)
	}
}

func TestRegionFromHost(t *testing.T) {
	tests := map[string]string{
		"example.execute-api.us-west-2.amazonaws.com": "us-west-2",
		"abc.execute-api.eu-central-1.amazonaws.com":  "eu-central-1",
		"127.0.0.1":        "us-east-1",
		"scaling.internal": "us-east-1",
	}
	for host, want := range tests {
		if got := regionFromHost(host); got != want {
			t.Errorf("regionFromHost(%q) = %q, want %q", host, got, want)
		}
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name    string
		o       Options
		wantErr string
	}{
		{name: "negative timeout", o: Options{Timeout: -time.Second}, wantErr: "customresource: timeout must be positive, was -1s"},
		{name: "bad prefix", o: Options{AllowedPrefixes: []string{"ftp://x/"}}, wantErr: `customresource: allowed prefix "ftp://x/" must be an http or https URL`},
		{name: "signing without keys", o: Options{Signing: &SigV4{Region: "us-west-2"}}, wantErr: "customresource: signing needs an access key ID and a secret access key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.o)
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestRedirectOutsideAllowList(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"actualCapacity":1,"desiredCapacity":1,"scalingStatus":"Successful"}`)
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/elsewhere", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	a, _ := newActuator(t, Options{AllowedPrefixes: []string{srv.URL + "/prod/"}})
	url := srv.URL + "/prod/d"
	_, err := a.State(context.Background(), key(url))
	want := fmt.Sprintf(`GET %s failed: redirect refused: resource ID "%s/elsewhere" is not under an allowed URL prefix (%s/prod/)`, url, other.URL, srv.URL)
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v\nwant %s", err, want)
	}
}
