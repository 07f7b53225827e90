package promsource

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/model"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fakeProm answers /api/v1/query_range like Prometheus: it evaluates every step from
// start to end with answer(query, t) and records the requests.
type fakeProm struct {
	mu     sync.Mutex
	seen   []map[string]string
	answer func(query string, t int64) (series []float64, errType, errMsg string)
}

func (f *fakeProm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/prom/api/v1/query_range" || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	_ = r.ParseForm()
	f.mu.Lock()
	f.seen = append(f.seen, map[string]string{"query": r.Form.Get("query"), "start": r.Form.Get("start"), "end": r.Form.Get("end"), "step": r.Form.Get("step"), "auth": r.Header.Get("Authorization")})
	f.mu.Unlock()
	var start, end, step int64
	fmt.Sscan(r.Form.Get("start"), &start)
	fmt.Sscan(r.Form.Get("end"), &end)
	fmt.Sscan(r.Form.Get("step"), &step)
	type series struct {
		Metric map[string]string `json:"metric"`
		Values [][2]any          `json:"values"`
	}
	var result []series
	for t := start; t <= end; t += step {
		vals, et, em := f.answer(r.Form.Get("query"), t)
		if et != "" {
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]string{"status": "error", "errorType": et, "error": em})
			return
		}
		for i, v := range vals {
			for len(result) <= i {
				result = append(result, series{Metric: map[string]string{"i": fmt.Sprint(len(result))}})
			}
			s := fmt.Sprint(v)
			if v != v {
				s = "NaN"
			}
			result[i].Values = append(result[i].Values, [2]any{float64(t), s})
		}
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": map[string]any{"resultType": "matrix", "result": result}})
}

func newSource(t *testing.T, f *fakeProm, cfg Config) *Source {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg.URL = srv.URL + "/prom"
	s, err := New(Options{Config: cfg, Clock: clock.NewFake(t0)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var rules = []Rule{
	{Namespace: "AWS/SageMaker", MetricName: "InvocationsPerCopy", Statistics: []string{"Sum"},
		Query: `sum(increase(requests_total{component="{{.Dimensions.InferenceComponentName}}"}[{{.Period}}])) / scalar(copies{component={{quote .RawDimensions.InferenceComponentName}}})`},
	{Namespace: "AWS/SageMaker", MetricName: "*",
		Query: `{{.Statistic}}_over_time({{.MetricName}}{component=~"{{regex .RawDimensions.InferenceComponentName}}"}[{{.PeriodSeconds}}s])`},
}

func ic(name string) metrics.MetricID {
	return metrics.MetricID{Account: "1", Namespace: "AWS/SageMaker", Name: "InvocationsPerCopy", Dimensions: []model.MetricDimension{{Name: "InferenceComponentName", Value: name}}}
}

func TestQuery(t *testing.T) {
	f := &fakeProm{answer: func(q string, ts int64) ([]float64, string, string) {
		if ts == t0.Unix()-120 {
			return []float64{nan()}, "", ""
		}
		return []float64{float64(ts-t0.Unix()) / 60}, "", ""
	}}
	s := newSource(t, f, Config{Rules: rules, Headers: map[string]string{"Authorization": "Bearer x"}})
	got, err := s.Query(context.Background(), metrics.Query{Metric: ic(`ic-"1"`), Statistic: "Sum", Start: t0.Add(-5 * time.Minute), End: t0.Add(30 * time.Second), Period: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	// Periods start at -5m..-1m; the value of [t, t+60) is evaluated at t+60; the NaN at
	// -2m (period -3m) is dropped; the period starting at 0 has not ended.
	want := []metrics.Sample{
		{Time: t0.Add(-5 * time.Minute), Value: -4},
		{Time: t0.Add(-4 * time.Minute), Value: -3},
		{Time: t0.Add(-2 * time.Minute), Value: -1},
		{Time: t0.Add(-1 * time.Minute), Value: 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("samples (-want +got):\n%s", diff)
	}
	wantReq := map[string]string{
		"query": `sum(increase(requests_total{component="ic-\"1\""}[60s])) / scalar(copies{component="ic-\"1\""})`,
		"start": fmt.Sprint(t0.Unix() - 240), "end": fmt.Sprint(t0.Unix()), "step": "60", "auth": "Bearer x",
	}
	if diff := cmp.Diff(wantReq, f.seen[0]); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}

	// The catch-all rule, with a regex matcher.
	q := metrics.Query{Metric: ic("a.b"), Statistic: "max", Start: t0.Add(-time.Hour), End: t0, Period: 5 * time.Minute}
	q.Metric.Name = "ConcurrentRequestsPerCopy"
	expr, err := s.PromQL(q)
	if err != nil {
		t.Fatal(err)
	}
	if want := `max_over_time(ConcurrentRequestsPerCopy{component=~"a\\.b"}[300s])`; expr != want {
		t.Errorf("PromQL = %s, want %s", expr, want)
	}
}

// TestQuantileTemplate: a rule serving percentile statistics renders histogram_quantile
// with the φ of the statistic asked for; a statistic that is not a percentile is an error.
func TestQuantileTemplate(t *testing.T) {
	s := newSource(t, &fakeProm{}, Config{Rules: []Rule{{
		MetricName: "ModelLatency", Statistics: []string{"p50", "p90", "p99.9", "Average"},
		Query: `histogram_quantile({{quantile .Statistic}}, sum by (le) (rate(latency_bucket{component={{quote .RawDimensions.InferenceComponentName}}}[{{.Period}}])))`,
	}}})
	tests := []struct{ stat, want, err string }{
		{"p90", `histogram_quantile(0.9, sum by (le) (rate(latency_bucket{component="ic-1"}[60s])))`, ""},
		{"p99.9", `histogram_quantile(0.999, sum by (le) (rate(latency_bucket{component="ic-1"}[60s])))`, ""},
		{"p50", `histogram_quantile(0.5, sum by (le) (rate(latency_bucket{component="ic-1"}[60s])))`, ""},
		{"Average", "", "percentile"},
	}
	for _, tt := range tests {
		t.Run(tt.stat, func(t *testing.T) {
			q := metrics.Query{Metric: ic("ic-1"), Statistic: tt.stat, Start: t0.Add(-time.Hour), End: t0, Period: time.Minute}
			q.Metric.Name = "ModelLatency"
			got, err := s.PromQL(q)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("PromQL(%s) = %q, %v; want an error about %q", tt.stat, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("PromQL(%s) = %q, %v; want %q", tt.stat, got, err, tt.want)
			}
		})
	}
}

func nan() float64 { z := 0.0; return z / z }

func TestQueryErrors(t *testing.T) {
	f := &fakeProm{answer: func(q string, ts int64) ([]float64, string, string) {
		switch {
		case strings.Contains(q, "bad"):
			return nil, "bad_data", "parse error at char 3"
		case strings.Contains(q, "many"):
			return []float64{1, 2}, "", ""
		case strings.Contains(q, "none"):
			return nil, "", ""
		}
		return []float64{1}, "", ""
	}}
	s := newSource(t, f, Config{Rules: []Rule{
		{MetricName: "Bad", Query: "bad("},
		{MetricName: "Many", Query: "many"},
		{MetricName: "None", Query: "none"},
		{MetricName: "Dim", Query: `x{a="{{.Dimensions.Missing}}"}`},
	}})
	tests := []struct {
		metric string
		want   string
		is     error
	}{
		{"Bad", `query "bad(" failed: bad_data: parse error at char 3 (HTTP 400)`, nil},
		{"Many", `returned 2 series; aggregate it to one`, nil},
		{"None", ``, metrics.ErrNoData},
		{"Dim", `map has no entry for key "Missing"`, nil},
		{"Other", `no rule matches NS/Other with statistic Sum`, ErrNoRule},
	}
	for _, tt := range tests {
		t.Run(tt.metric, func(t *testing.T) {
			_, err := s.Query(context.Background(), metrics.Query{Metric: metrics.MetricID{Namespace: "NS", Name: tt.metric}, Statistic: "Sum", Start: t0.Add(-time.Hour), End: t0, Period: time.Minute})
			if err == nil || !strings.Contains(err.Error(), tt.want) || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	_ = os.WriteFile(good, []byte(`{"url":"http://prometheus:9090","timeout":"5s","rules":[{"namespace":"AWS/SageMaker","metricName":"InvocationsPerCopy","statistics":["Sum"],"query":"sum(rate(x[1m]))*60"}]}`), 0o600)
	c, err := LoadConfig(good)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{URL: "http://prometheus:9090", Timeout: "5s", Rules: []Rule{{Namespace: "AWS/SageMaker", MetricName: "InvocationsPerCopy", Statistics: []string{"Sum"}, Query: "sum(rate(x[1m]))*60"}}}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Error(diff)
	}
	if _, err := New(Options{Config: c}); err != nil {
		t.Errorf("New: %v", err)
	}
	unknown := filepath.Join(dir, "unknown.json")
	_ = os.WriteFile(unknown, []byte(`{"url":"http://p","rulez":[]}`), 0o600)
	if _, err := LoadConfig(unknown); err == nil || !strings.Contains(err.Error(), `unknown field "rulez"`) {
		t.Errorf("unknown field: %v", err)
	}
	for _, tc := range []struct {
		c    Config
		want string
	}{
		{Config{}, "url is required"},
		{Config{URL: "prometheus:9090", Rules: rules}, "must be an absolute http(s) URL"},
		{Config{URL: "http://p", Timeout: "soon", Rules: rules}, `timeout "soon"`},
		{Config{URL: "http://p"}, "at least one rule"},
		{Config{URL: "http://p", Rules: []Rule{{MetricName: "X", Query: "{{.Nope"}}}, "rules[0] (/X): invalid query template"},
		{Config{URL: "http://p", Rules: []Rule{{MetricName: "X"}}}, "rules[0] (/X): query is required"},
	} {
		if _, err := New(Options{Config: tc.c}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want %q", tc.c, err, tc.want)
		}
	}
}

// TestExampleConfig keeps the example of docs/prometheus.md (copied in testdata) valid.
func TestExampleConfig(t *testing.T) {
	c, err := LoadConfig("testdata/example.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Config: c})
	if err != nil {
		t.Fatal(err)
	}
	q := metrics.Query{Metric: metrics.MetricID{Namespace: "AWS/SageMaker", Name: "ConcurrentRequestsPerCopy", Dimensions: []model.MetricDimension{{Name: "InferenceComponentName", Value: "ic-1"}}}, Statistic: "Maximum", Period: 10 * time.Second}
	got, err := s.PromQL(q)
	if err != nil {
		t.Fatal(err)
	}
	if want := `max_over_time(model_inflight_per_copy{component="ic-1"}[10s])`; got != want {
		t.Errorf("PromQL = %s, want %s", got, want)
	}
}
