package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	"github.com/scaled-dev/scaled/internal/clock"
)

// fakePrometheus answers /api/v1/query_range with a constant value at every step.
type fakePrometheus struct {
	mu      sync.Mutex
	value   float64
	queries []string
}

func (p *fakePrometheus) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api/v1/query_range" {
		http.NotFound(w, r)
		return
	}
	_ = r.ParseForm()
	start, _ := strconv.ParseInt(r.Form.Get("start"), 10, 64)
	end, _ := strconv.ParseInt(r.Form.Get("end"), 10, 64)
	step, _ := strconv.ParseInt(r.Form.Get("step"), 10, 64)
	p.mu.Lock()
	p.queries = append(p.queries, r.Form.Get("query"))
	v := p.value
	p.mu.Unlock()
	var values [][2]any
	for t := start; step > 0 && t <= end; t += step {
		values = append(values, [2]any{t, strconv.FormatFloat(v, 'f', -1, 64)})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": map[string]any{
		"resultType": "matrix", "result": []any{map[string]any{"metric": map[string]string{}, "values": values}},
	}})
}

func (p *fakePrometheus) set(v float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.value = v
}

// TestPrometheusMetricsDriveScaling: with --prometheus-config, a target-tracking policy on a
// customized metric reads it from Prometheus through the documented rules and scales.
func TestPrometheusMetricsDriveScaling(t *testing.T) {
	prom := &fakePrometheus{value: 200}
	ps := httptest.NewServer(prom)
	defer ps.Close()
	backend := &customResource{desired: 2, actual: 2, status: "Successful"}
	crs := httptest.NewServer(backend)
	defer crs.Close()
	resourceID := crs.URL + "/scalableTargetDimensions/workers"

	rules := filepath.Join(t.TempDir(), "prometheus.json")
	if err := os.WriteFile(rules, fmt.Appendf(nil, `{"url": %q, "rules": [{"namespace": "MyApp", "metricName": "BacklogPerWorker",
	  "query": "avg(backlog_per_worker{service=\"{{.Dimensions.Service}}\"})"}]}`, ps.URL), 0o600); err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(time.Now().UTC().Truncate(time.Minute))
	cfg := testConfig(t)
	cfg.Insecure = true
	cfg.PrometheusConfig = rules
	s := startServer(t, cfg, Options{Clock: clk})
	ctx := context.Background()
	cl := aas.NewFromConfig(s.awsConfig("dev", "dev"), func(o *aas.Options) { o.BaseEndpoint = aws.String(s.app.Endpoint) })
	if _, err := cl.RegisterScalableTarget(ctx, &aas.RegisterScalableTargetInput{
		ServiceNamespace: aastypes.ServiceNamespaceCustomResource, ResourceId: aws.String(resourceID),
		ScalableDimension: aastypes.ScalableDimensionCustomResourceScalableDimension,
		MinCapacity:       aws.Int32(1), MaxCapacity: aws.Int32(10),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.PutScalingPolicy(ctx, &aas.PutScalingPolicyInput{
		PolicyName: aws.String("backlog"), ServiceNamespace: aastypes.ServiceNamespaceCustomResource,
		ResourceId: aws.String(resourceID), ScalableDimension: aastypes.ScalableDimensionCustomResourceScalableDimension,
		PolicyType: aastypes.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &aastypes.TargetTrackingScalingPolicyConfiguration{
			TargetValue: aws.Float64(50),
			CustomizedMetricSpecification: &aastypes.CustomizedMetricSpecification{
				MetricName: aws.String("BacklogPerWorker"), Namespace: aws.String("MyApp"),
				Dimensions: []aastypes.MetricDimension{{Name: aws.String("Service"), Value: aws.String("workers")}},
				Statistic:  aastypes.MetricStatisticAverage,
			},
		},
	}); err != nil {
		t.Fatal(err)
	}
	// The first scale-out is ceil(2 × 200 / 50) = 8. The fake metric does not fall with the
	// capacity, so a later scale-out once the cooldown ends is right too; stop at the first.
	var patches []int
	for range 36 { // at most six minutes
		clk.Advance(10 * time.Second)
		if err := s.app.Evaluator().Tick(ctx); err != nil {
			t.Fatalf("Tick: %v", err)
		}
		if _, patches = backend.capacity(); len(patches) > 0 {
			break
		}
	}
	if len(patches) == 0 || patches[0] != 8 {
		t.Fatalf("patches %v, want a first scale-out to 8", patches)
	}
	prom.mu.Lock()
	defer prom.mu.Unlock()
	if len(prom.queries) == 0 || prom.queries[0] != `avg(backlog_per_worker{service="workers"})` {
		t.Fatalf("PromQL sent: %q", prom.queries)
	}
}
