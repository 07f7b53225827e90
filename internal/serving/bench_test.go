package serving_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/serving"
)

// benchInvoke runs call in parallel and reports latency percentiles.
func benchInvoke(b *testing.B, call func() error) {
	var mu sync.Mutex
	var all []time.Duration
	clk := clock.Real{}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var local []time.Duration
		for pb.Next() {
			t0 := clk.Now()
			if err := call(); err != nil {
				b.Error(err)
				return
			}
			local = append(local, clk.Now().Sub(t0))
		}
		mu.Lock()
		all = append(all, local...)
		mu.Unlock()
	})
	b.StopTimer()
	if len(all) == 0 {
		return
	}
	slices.Sort(all)
	pct := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))].Microseconds()) }
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}

func benchRuntime(b *testing.B) (*serving.Runtime, serving.ComponentState) {
	rt := serving.New(serving.Options{Clock: clock.Real{}, Commands: testCommands, HostCPUs: 8, StopGrace: 5 * time.Second, PingInterval: 10 * time.Millisecond})
	b.Cleanup(func() { _ = rt.Close() })
	s := spec("ic", map[string]string{"SCALED_MODEL_SERVICE_TIME_MEAN": "0s", "SCALED_MODEL_CONCURRENCY": "256"})
	if err := rt.Create(s, 1); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := rt.WaitState(ctx, acct, "ic", func(s serving.ComponentState) bool { return s.Current == 1 })
	if err != nil {
		b.Fatal(err)
	}
	return rt, st
}

func post(c *http.Client, url string, hdr map[string]string) error {
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(`{"inputs":"x"}`)))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &serving.InvokeError{Type: "status", Message: strconv.Itoa(resp.StatusCode)}
	}
	return nil
}

func benchClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	return &http.Client{Transport: tr}
}

// BenchmarkDirectCopy calls the copy's /invocations without the runtime.
func BenchmarkDirectCopy(b *testing.B) {
	_, st := benchRuntime(b)
	c := benchClient()
	url := "http://127.0.0.1:" + strconv.Itoa(st.Copies[0].Port) + "/invocations"
	benchInvoke(b, func() error { return post(c, url, nil) })
}

// BenchmarkRouterInvoke calls Runtime.Invoke (routing, accounting, metrics, proxying).
func BenchmarkRouterInvoke(b *testing.B) {
	rt, _ := benchRuntime(b)
	ctx := context.Background()
	req := serving.InvokeRequest{ContentType: "application/json", Body: []byte(`{"inputs":"x"}`)}
	benchInvoke(b, func() error { _, err := rt.Invoke(ctx, acct, "ic", req); return err })
}

// BenchmarkRouterHTTP calls POST /endpoints/ep/invocations on the runtime's handler: the
// whole InvokeEndpoint path except request signing.
func BenchmarkRouterHTTP(b *testing.B) {
	rt, _ := benchRuntime(b)
	h := rt.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(auth.WithAccount(r.Context(), acct)))
	}))
	b.Cleanup(srv.Close)
	c := benchClient()
	hdr := map[string]string{"X-Amzn-SageMaker-Inference-Component": "ic"}
	benchInvoke(b, func() error { return post(c, srv.URL+"/endpoints/ep/invocations", hdr) })
}
