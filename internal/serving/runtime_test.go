package serving_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/serving"
	"github.com/scaled-dev/scaled/internal/serving/icmetrics"
)

const acct = "111122223333"

func newRuntime(t *testing.T, mod func(*serving.Options)) *serving.Runtime {
	t.Helper()
	o := serving.Options{Clock: clock.Real{}, Commands: testCommands, HostCPUs: 8, StopGrace: 5 * time.Second, PingInterval: 10 * time.Millisecond}
	if mod != nil {
		mod(&o)
	}
	rt := serving.New(o)
	t.Cleanup(func() { _ = rt.Close() })
	return rt
}

func spec(name string, env map[string]string) serving.ComponentSpec {
	if env == nil {
		env = map[string]string{"SCALED_MODEL_SERVICE_TIME_MEAN": "1ms"}
	}
	return serving.ComponentSpec{Account: acct, Name: name, EndpointName: "ep", VariantName: "AllTraffic",
		Image: serving.ModelServerImage, Environment: env, CPUs: 1, MemoryMB: 128}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func waitCurrent(t *testing.T, rt *serving.Runtime, name string, n int) serving.ComponentState {
	t.Helper()
	st, err := rt.WaitState(ctxT(t), acct, name, func(s serving.ComponentState) bool {
		return s.Current == n && len(s.Copies) == n && s.Status == serving.StatusInService
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestInvokeAndScale(t *testing.T) {
	rt := newRuntime(t, nil)
	if err := rt.Create(spec("ic", nil), 1); err != nil {
		t.Fatal(err)
	}
	st := waitCurrent(t, rt, "ic", 1)
	if st.LastStartup <= 0 {
		t.Errorf("LastStartup = %v, want > 0", st.LastStartup)
	}
	out, err := rt.Invoke(context.Background(), acct, "ic", serving.InvokeRequest{ContentType: "application/json", Body: []byte(`{"a":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	if out.ContentType != "application/json" || !strings.Contains(string(out.Body), `"inputBytes":7`) || out.VariantName != "AllTraffic" {
		t.Errorf("response = %+v (body %s)", out, out.Body)
	}
	if err := rt.SetDesired(acct, "ic", 3); err != nil {
		t.Fatal(err)
	}
	waitCurrent(t, rt, "ic", 3)
	if err := rt.SetDesired(acct, "ic", 1); err != nil {
		t.Fatal(err)
	}
	st = waitCurrent(t, rt, "ic", 1)
	if len(st.Copies) != 1 {
		t.Errorf("copies after scale-in = %+v, want 1", st.Copies)
	}
	var ie *serving.InvokeError
	if _, err := rt.Invoke(context.Background(), acct, "missing", serving.InvokeRequest{}); !errors.As(err, &ie) || ie.Type != serving.ErrValidation {
		t.Errorf("invoke of a missing component: %v, want ValidationError", err)
	}
}

func TestCrashedCopyIsRestarted(t *testing.T) {
	rt := newRuntime(t, nil)
	if err := rt.Create(spec("ic", nil), 1); err != nil {
		t.Fatal(err)
	}
	st := waitCurrent(t, rt, "ic", 1)
	pid := st.Copies[0].PID
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	st, err := rt.WaitState(ctxT(t), acct, "ic", func(s serving.ComponentState) bool {
		return s.Restarts == 1 && s.Current == 1
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Copies[0].PID == pid {
		t.Errorf("copy still has the killed pid %d", pid)
	}
	if !strings.Contains(st.Message, "exited unexpectedly") {
		t.Errorf("message %q does not mention the crash", st.Message)
	}
	newPID := st.Copies[0].PID
	if err := rt.Close(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(newPID, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("copy process %d still exists after Close (kill 0: %v)", newPID, err)
	}
}

// TestUnreachableCopyIsRoutedAround: a copy that stopped accepting connections while its
// process lives on never receives the requests routed to it, so they go to the other copy
// and every one succeeds.
func TestUnreachableCopyIsRoutedAround(t *testing.T) {
	rt := newRuntime(t, func(o *serving.Options) { o.HealthCheckInterval = time.Hour })
	env := map[string]string{"SCALED_MODEL_SERVICE_TIME_MEAN": "1ms", envDeafMarker: t.TempDir() + "/deaf"}
	if err := rt.Create(spec("deaf", env), 2); err != nil {
		t.Fatal(err)
	}
	waitCurrent(t, rt, "deaf", 2)
	for i := range 20 {
		if _, err := rt.Invoke(ctxT(t), acct, "deaf", serving.InvokeRequest{ContentType: "application/json", Body: []byte(`{}`)}); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	st, err := rt.State(acct, "deaf")
	if err != nil {
		t.Fatal(err)
	}
	if st.Current != 2 || st.Restarts != 0 || st.InFlight != 0 {
		t.Errorf("state after the requests: current %d, restarts %d, in flight %d; want 2, 0, 0", st.Current, st.Restarts, st.InFlight)
	}
}

// TestUnhealthyCopyIsReplaced: a copy in service that stops answering GET /ping is taken
// out of service after HealthCheckFailures checks and replaced, and the state says why.
func TestUnhealthyCopyIsReplaced(t *testing.T) {
	rt := newRuntime(t, func(o *serving.Options) {
		o.HealthCheckInterval = 20 * time.Millisecond
		o.HealthCheckTimeout = 5 * time.Second // a busy test machine must not fail the healthy replacement
		o.HealthCheckFailures = 3
	})
	marker := t.TempDir() + "/deaf"
	env := map[string]string{"SCALED_MODEL_SERVICE_TIME_MEAN": "1ms", envDeafMarker: marker}
	if err := rt.Create(spec("wedged", env), 1); err != nil {
		t.Fatal(err)
	}
	// The wedged copy may be replaced before a waiter sees it in service, so wait for the
	// outcome and identify the wedged process by the PID it wrote into the marker.
	st, err := rt.WaitState(ctxT(t), acct, "wedged", func(s serving.ComponentState) bool {
		return s.Restarts >= 1 && s.Current == 1 && len(s.Copies) == 1
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(marker)
	if err != nil {
		t.Fatal(err)
	}
	first, err := strconv.Atoi(string(b))
	if err != nil {
		t.Fatalf("marker holds %q", b)
	}
	if st.Copies[0].PID == first {
		t.Errorf("the copy in service is still the wedged process %d", first)
	}
	if !strings.Contains(st.Message, "failed 3 consecutive health checks") {
		t.Errorf("message %q does not say why the copy was replaced", st.Message)
	}
	if _, err := rt.Invoke(ctxT(t), acct, "wedged", serving.InvokeRequest{Body: []byte(`{}`)}); err != nil {
		t.Errorf("invoking the replacement: %v", err)
	}
	if err := syscall.Kill(first, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("the replaced copy's process %d still exists (kill 0: %v)", first, err)
	}
}

// TestBusyCopyIsNotReplaced: a copy that answers one request at a time cannot answer
// GET /ping while it serves one; those slow checks do not count, so the copy is not replaced
// under the request it is serving.
func TestBusyCopyIsNotReplaced(t *testing.T) {
	rt := newRuntime(t, func(o *serving.Options) {
		o.HealthCheckInterval = 20 * time.Millisecond
		o.HealthCheckTimeout = 50 * time.Millisecond
		o.HealthCheckFailures = 3
	})
	if err := rt.Create(spec("serial", map[string]string{envSerialServer: "1"}), 1); err != nil {
		t.Fatal(err)
	}
	waitCurrent(t, rt, "serial", 1)
	for i := range 2 {
		if _, err := rt.Invoke(ctxT(t), acct, "serial", serving.InvokeRequest{Body: []byte(`{}`)}); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	st, err := rt.State(acct, "serial")
	if err != nil {
		t.Fatal(err)
	}
	if st.Restarts != 0 || st.Current != 1 {
		t.Errorf("after serving: restarts %d, current %d (%s); want 0 and 1", st.Restarts, st.Current, st.Message)
	}
}

func TestScaleInUnderLoadLosesNoRequest(t *testing.T) {
	rt := newRuntime(t, nil)
	env := map[string]string{"SCALED_MODEL_SERVICE_TIME_MEAN": "150ms", "SCALED_MODEL_CONCURRENCY": "2"}
	if err := rt.Create(spec("ic", env), 3); err != nil {
		t.Fatal(err)
	}
	waitCurrent(t, rt, "ic", 3)
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := rt.Invoke(context.Background(), acct, "ic", serving.InvokeRequest{Body: []byte("x")})
			errs <- err
		}()
	}
	// Scale in while the requests are in flight or queued inside the copies.
	if _, err := rt.WaitState(ctxT(t), acct, "ic", func(s serving.ComponentState) bool { return s.InFlight >= n/2 }); err != nil {
		t.Fatal(err)
	}
	if err := rt.SetDesired(acct, "ic", 1); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			failed++
			t.Log(err)
		}
	}
	if failed != 0 {
		t.Errorf("%d of %d requests failed during scale-in", failed, n)
	}
	waitCurrent(t, rt, "ic", 1)
}

func TestZeroCopiesFailFast(t *testing.T) {
	rt := newRuntime(t, nil)
	if err := rt.Create(spec("ic", nil), 0); err != nil {
		t.Fatal(err)
	}
	_, err := rt.Invoke(context.Background(), acct, "ic", serving.InvokeRequest{})
	var ie *serving.InvokeError
	if !errors.As(err, &ie) || !ie.NoCapacity() || ie.Status != 400 {
		t.Fatalf("invoke at zero copies: %v, want a 400 no-capacity ValidationError", err)
	}
	var got float64
	for _, d := range rt.Collect(time.Now().Add(30 * time.Second)) {
		if d.Metric.Name == icmetrics.NoCapacityInvocationFailures {
			got += d.Sum
		}
	}
	if got != 1 {
		t.Errorf("NoCapacityInvocationFailures = %v, want 1", got)
	}
}

func TestHoldWhenZeroWakesWhenACopyArrives(t *testing.T) {
	rt := newRuntime(t, func(o *serving.Options) { o.HoldWhenZero = true; o.HoldTimeout = 20 * time.Second })
	if err := rt.Create(spec("ic", nil), 0); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := rt.Invoke(context.Background(), acct, "ic", serving.InvokeRequest{Body: []byte("x")})
		done <- err
	}()
	if _, err := rt.WaitState(ctxT(t), acct, "ic", func(s serving.ComponentState) bool { return s.Held == 1 }); err != nil {
		t.Fatal(err)
	}
	// The held request is visible as a no-capacity failure, which wakes the component.
	var nocap float64
	for _, d := range rt.Collect(time.Now().Add(30 * time.Second)) {
		if d.Metric.Name == icmetrics.NoCapacityInvocationFailures {
			nocap += d.Sum
		}
	}
	if nocap != 1 {
		t.Errorf("NoCapacityInvocationFailures while holding = %v, want 1", nocap)
	}
	if err := rt.SetDesired(acct, "ic", 1); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("held request: %v", err)
	}
}

func TestPlacementRespectsHostCPUs(t *testing.T) {
	rt := newRuntime(t, func(o *serving.Options) { o.HostCPUs = 2; o.HostMemoryMB = 1024 })
	if err := rt.Create(spec("ic", nil), 3); err != nil {
		t.Fatal(err)
	}
	st, err := rt.WaitState(ctxT(t), acct, "ic", func(s serving.ComponentState) bool { return s.Current == 2 && s.Pending == 1 })
	if err != nil {
		t.Fatal(err)
	}
	want := "1 of 3 copies are pending: each copy needs 1 CPU cores and 128 MB of memory; the host has 0 of 2 CPU cores and 768 MB of 1024 MB free"
	if !strings.Contains(st.Message, want) {
		t.Errorf("message %q, want it to contain %q", st.Message, want)
	}
	if st.Status != serving.StatusCreating {
		t.Errorf("status %s, want Creating", st.Status)
	}
	// Freeing a slot places the pending copy.
	if err := rt.SetDesired(acct, "ic", 2); err != nil {
		t.Fatal(err)
	}
	waitCurrent(t, rt, "ic", 2)
}

func TestUnknownImageFails(t *testing.T) {
	rt := newRuntime(t, nil)
	s := spec("ic", nil)
	s.Image = "example.com/unknown:1"
	if err := rt.Create(s, 1); err != nil {
		t.Fatal(err)
	}
	st, err := rt.WaitState(ctxT(t), acct, "ic", func(s serving.ComponentState) bool { return s.Status == serving.StatusFailed })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(st.FailureReason, `image "example.com/unknown:1" has no local command`) {
		t.Errorf("failure reason %q", st.FailureReason)
	}
}

type sinkFunc func([]metrics.Datum)

func (f sinkFunc) Put(_ context.Context, d []metrics.Datum) error { f(d); return nil }

func TestTickWritesMetricsOnTheInjectedClock(t *testing.T) {
	fc := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	var got []metrics.Datum
	rt := serving.New(serving.Options{Clock: fc, Sink: sinkFunc(func(d []metrics.Datum) { got = append(got, d...) })})
	defer rt.Close()
	if err := rt.Create(serving.ComponentSpec{Account: acct, Name: "ic", Image: serving.ModelServerImage}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Invoke(context.Background(), acct, "ic", serving.InvokeRequest{}); err == nil {
		t.Fatal("invoke at zero copies succeeded")
	}
	fc.Advance(10 * time.Second)
	if err := rt.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []metrics.Datum{{
		Metric: metrics.MetricID{Account: acct, Namespace: "AWS/SageMaker", Name: "NoCapacityInvocationFailures",
			Dimensions: []model.MetricDimension{{Name: "InferenceComponentName", Value: "ic"}}},
		Time: fc.Now().Add(-10 * time.Second), Unit: "None", SampleCount: 1, Sum: 1, Min: 1, Max: 1,
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("datums (-want +got):\n%s", diff)
	}
}
