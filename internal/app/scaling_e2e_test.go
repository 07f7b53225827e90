package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/scaled-dev/scaled/internal/clock"
)

// customResource is a backend speaking the AWS custom-resource protocol: PATCH sets the
// desired capacity, and each following GET moves the change along Pending → InProgress →
// Successful.
type customResource struct {
	mu              sync.Mutex
	desired, actual int
	status          string
	patches         []int
}

func (c *customResource) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch r.Method {
	case http.MethodPatch:
		var body struct {
			DesiredCapacity float64 `json:"desiredCapacity"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, `{"message":"bad body"}`, http.StatusBadRequest)
			return
		}
		c.desired = int(body.DesiredCapacity)
		c.status = "Pending"
		c.patches = append(c.patches, c.desired)
	case http.MethodGet:
		switch c.status {
		case "Pending":
			c.status = "InProgress"
		case "InProgress":
			c.status, c.actual = "Successful", c.desired
		}
	default:
		http.Error(w, `{"message":"method"}`, http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"scalableTargetDimensionId": "1-23456789", "version": "v1", "resourceName": "workers",
		"actualCapacity": float64(c.actual), "desiredCapacity": float64(c.desired), "scalingStatus": c.status,
	})
}

func (c *customResource) capacity() (int, []int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.actual, append([]int(nil), c.patches...)
}

// TestCustomResourceScalesOutAndIn is the engine end to end over real HTTP: a custom-resource
// backend, metrics published with the real CloudWatch client, a target-tracking policy put
// with the real Application Auto Scaling client. The control loop runs on a fake clock, so
// minutes of alarms take milliseconds (the server runs with --insecure because the SDK signs
// with the wall clock, which the fake clock leaves behind).
func TestCustomResourceScalesOutAndIn(t *testing.T) {
	backend := &customResource{desired: 2, actual: 2, status: "Successful"}
	crs := httptest.NewServer(backend)
	defer crs.Close()
	resourceID := crs.URL + "/prod/scalableTargetDimensions/1-23456789"

	start := time.Now().UTC().Truncate(time.Minute)
	clk := clock.NewFake(start)
	cfg := testConfig(t)
	cfg.Insecure = true
	s := startServer(t, cfg, Options{Clock: clk})
	ctx := context.Background()
	awsCfg := s.awsConfig("dev", "dev")
	cl := aas.NewFromConfig(awsCfg, func(o *aas.Options) { o.BaseEndpoint = aws.String(s.app.Endpoint) })
	cw := cloudwatch.NewFromConfig(awsCfg, func(o *cloudwatch.Options) { o.BaseEndpoint = aws.String(s.app.Endpoint) })

	if _, err := cl.RegisterScalableTarget(ctx, &aas.RegisterScalableTargetInput{
		ServiceNamespace: aastypes.ServiceNamespaceCustomResource, ResourceId: aws.String(resourceID),
		ScalableDimension: aastypes.ScalableDimensionCustomResourceScalableDimension,
		MinCapacity:       aws.Int32(1), MaxCapacity: aws.Int32(10),
	}); err != nil {
		t.Fatalf("RegisterScalableTarget: %v", err)
	}
	if _, err := cl.PutScalingPolicy(ctx, &aas.PutScalingPolicyInput{
		PolicyName: aws.String("queue-per-worker"), ServiceNamespace: aastypes.ServiceNamespaceCustomResource,
		ResourceId: aws.String(resourceID), ScalableDimension: aastypes.ScalableDimensionCustomResourceScalableDimension,
		PolicyType: aastypes.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &aastypes.TargetTrackingScalingPolicyConfiguration{
			TargetValue: aws.Float64(50),
			CustomizedMetricSpecification: &aastypes.CustomizedMetricSpecification{
				MetricName: aws.String("BacklogPerWorker"), Namespace: aws.String("MyApp"),
				Dimensions: []aastypes.MetricDimension{{Name: aws.String("Service"), Value: aws.String("workers")}},
				Statistic:  aastypes.MetricStatisticAverage,
			},
			ScaleOutCooldown: aws.Int32(120), ScaleInCooldown: aws.Int32(300),
		},
	}); err != nil {
		t.Fatalf("PutScalingPolicy: %v", err)
	}

	// The backlog is shared by the workers: the metric falls as capacity rises.
	backlog := 400.0
	publish := func() {
		cap, _ := backend.capacity()
		v := backlog / float64(max(cap, 1))
		if _, err := cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{
			Namespace: aws.String("MyApp"),
			MetricData: []cwtypes.MetricDatum{{
				MetricName: aws.String("BacklogPerWorker"),
				Dimensions: []cwtypes.Dimension{{Name: aws.String("Service"), Value: aws.String("workers")}},
				Timestamp:  aws.Time(clk.Now()), Value: aws.Float64(v),
			}},
		}); err != nil {
			t.Fatalf("PutMetricData: %v", err)
		}
	}
	step := func(d time.Duration) {
		for end := clk.Now().Add(d); clk.Now().Before(end); {
			publish()
			clk.Advance(10 * time.Second)
			if err := s.app.Evaluator().Tick(ctx); err != nil {
				t.Fatalf("Tick: %v", err)
			}
		}
	}

	step(6 * time.Minute)
	capNow, patches := backend.capacity()
	// 400/2 = 200 per worker against a target of 50: ceil(2*200/50) = 8.
	if capNow != 8 {
		t.Fatalf("after high load: capacity %d (patches %v), want 8", capNow, patches)
	}

	backlog = 40 // 5 per worker at 8 workers: far below 0.9 × 50
	step(25 * time.Minute)
	capNow, patches = backend.capacity()
	if capNow != 1 {
		t.Fatalf("after low load: capacity %d (patches %v), want 1", capNow, patches)
	}
	if patches[0] != 8 {
		t.Fatalf("patch sequence %v, want it to start with 8", patches)
	}

	acts, err := cl.DescribeScalingActivities(ctx, &aas.DescribeScalingActivitiesInput{
		ServiceNamespace: aastypes.ServiceNamespaceCustomResource, ResourceId: aws.String(resourceID),
		ScalableDimension: aastypes.ScalableDimensionCustomResourceScalableDimension,
	})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, a := range acts.ScalingActivities {
		lines = append(lines, fmt.Sprintf("%s | %s | %s | %s", a.StatusCode, aws.ToString(a.Description), aws.ToString(a.Cause), aws.ToString(a.StatusMessage)))
	}
	got := strings.Join(lines, "\n")
	t.Logf("activities (newest first):\n%s", got)
	oldest := acts.ScalingActivities[len(acts.ScalingActivities)-1]
	if aws.ToString(oldest.Description) != "Setting desired capacity to 8." ||
		!strings.HasPrefix(aws.ToString(oldest.Cause), "monitor alarm TargetTracking-"+resourceID+"-AlarmHigh-") ||
		aws.ToString(oldest.StatusMessage) != "Successfully set desired capacity to 8. Change successfully fulfilled by custom-resource." ||
		oldest.StatusCode != aastypes.ScalingActivityStatusCodeSuccessful {
		t.Fatalf("first activity = %s", lines[len(lines)-1])
	}
	newest := acts.ScalingActivities[0]
	if !strings.Contains(aws.ToString(newest.Cause), "-AlarmLow-") || newest.StatusCode != aastypes.ScalingActivityStatusCodeSuccessful {
		t.Fatalf("last activity = %s", lines[0])
	}

	// The managed alarms are visible through CloudWatch.
	al, err := cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNamePrefix: aws.String("TargetTracking-")})
	if err != nil || len(al.MetricAlarms) != 2 {
		t.Fatalf("DescribeAlarms: %+v %v", al, err)
	}
}
