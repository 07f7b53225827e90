package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scaled-dev/scaled/internal/api"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/metrics/tsdb"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
)

// fixedCapacity is an actuator whose resources all run n copies.
type fixedCapacity int32

func (n fixedCapacity) State(context.Context, model.TargetKey) (resource.State, error) {
	return resource.State{Desired: int32(n), Actual: int32(n)}, nil
}
func (fixedCapacity) SetDesired(context.Context, model.TargetKey, int32) error { return nil }

// cpuPattern is the hourly average CPU of the test services: 60 % from 09:00 to 16:59 UTC,
// 20 % otherwise.
func cpuPattern(t time.Time) float64 {
	if h := t.Hour(); h >= 9 && h < 17 {
		return 60
	}
	return 20
}

func ecsMetric(service, namespace, name string) metrics.MetricID {
	return metrics.MetricID{Account: testAccount, Namespace: namespace, Name: name,
		Dimensions: []model.MetricDimension{{Name: "ClusterName", Value: "MyCluster"}, {Name: "ServiceName", Value: service}}}
}

// fillCPU records hours of CPUUtilization history of service ending with the hour before
// now: two datapoints an hour, 10 below and 10 above the pattern.
func fillCPU(t *testing.T, db *tsdb.DB, now time.Time, service string, hours int) {
	t.Helper()
	id := ecsMetric(service, "AWS/ECS", "CPUUtilization")
	var data []metrics.Datum
	for i := 1; i <= hours; i++ {
		h := now.Truncate(time.Hour).Add(-time.Duration(i) * time.Hour)
		v := cpuPattern(h)
		data = append(data, metrics.Value(id, h.Add(10*time.Minute), v-10), metrics.Value(id, h.Add(40*time.Minute), v+10))
	}
	if err := db.Put(context.Background(), data); err != nil {
		t.Fatal(err)
	}
}

func TestPredictiveForecast(t *testing.T) {
	var db *tsdb.DB
	reg := resource.NewRegistry()
	reg.Register(resource.Kind{Namespace: "ecs", Dimension: "ecs:service:DesiredCount"}, fixedCapacity(4))
	e := newEnv(t, func(o *api.Options) {
		db = tsdb.New(tsdb.Options{Clock: o.Clock, Retention: 15 * 24 * time.Hour})
		o.Metrics, o.Resources = db, reg
	})
	c := e.client(testAccount)
	now := e.clock.Now() // 2026-05-06 11:21:46.199 UTC

	// web: 3 days of CPU, capacity 4 from the actuator. small: the same CPU, 8 running
	// tasks recorded by Container Insights, MaxCapacity 5. new: 20 hours of CPU.
	registerECS(t, c, "service/MyCluster/web", 1, 10)
	registerECS(t, c, "service/MyCluster/small", 1, 5)
	registerECS(t, c, "service/MyCluster/new", 1, 10)
	fillCPU(t, db, now, "web", 72)
	fillCPU(t, db, now, "small", 72)
	fillCPU(t, db, now, "new", 20)
	var tasks []metrics.Datum
	for i := 1; i <= 72; i++ {
		tasks = append(tasks, metrics.Value(ecsMetric("small", "ECS/ContainerInsights", "RunningTaskCount"), now.Truncate(time.Hour).Add(-time.Duration(i)*time.Hour), 8))
	}
	if err := db.Put(ctx(t), tasks); err != nil {
		t.Fatal(err)
	}

	pair := types.PredictiveScalingMetricSpecification{TargetValue: aws.Float64(40),
		PredefinedMetricPairSpecification: &types.PredictiveScalingPredefinedMetricPairSpecification{PredefinedMetricType: aws.String("ECSServiceCPUUtilization")}}
	cpuStat := func(stat string) *types.PredictiveScalingCustomizedMetricSpecification {
		return &types.PredictiveScalingCustomizedMetricSpecification{MetricDataQueries: []types.PredictiveScalingMetricDataQuery{{Id: aws.String("cpu"),
			MetricStat: &types.PredictiveScalingMetricStat{Stat: aws.String(stat), Metric: &types.PredictiveScalingMetric{Namespace: aws.String("AWS/ECS"), MetricName: aws.String("CPUUtilization"),
				Dimensions: []types.PredictiveScalingMetricDimension{{Name: aws.String("ClusterName"), Value: aws.String("MyCluster")}, {Name: aws.String("ServiceName"), Value: aws.String("web")}}}}}}}
	}
	// The customized load is the hourly Sum of the two datapoints: twice the pattern.
	custom := types.PredictiveScalingMetricSpecification{TargetValue: aws.Float64(40),
		CustomizedLoadMetricSpecification: cpuStat("Sum"), CustomizedScalingMetricSpecification: cpuStat("Average")}
	put := func(service, name string, spec types.PredictiveScalingMetricSpecification, breach types.PredictiveScalingMaxCapacityBreachBehavior, buffer *int32) {
		t.Helper()
		_, err := c.PutScalingPolicy(ctx(t), &aas.PutScalingPolicyInput{PolicyName: aws.String(name), ServiceNamespace: types.ServiceNamespaceEcs,
			ResourceId: aws.String("service/MyCluster/" + service), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, PolicyType: types.PolicyTypePredictiveScaling,
			PredictiveScalingPolicyConfiguration: &types.PredictiveScalingPolicyConfiguration{MetricSpecifications: []types.PredictiveScalingMetricSpecification{spec},
				MaxCapacityBreachBehavior: breach, MaxCapacityBuffer: buffer}})
		if err != nil {
			t.Fatalf("PutScalingPolicy(%s): %v", name, err)
		}
	}
	put("web", "pair", pair, types.PredictiveScalingMaxCapacityBreachBehaviorHonorMaxCapacity, nil)
	put("web", "custom", custom, "", nil)
	put("small", "honor", pair, types.PredictiveScalingMaxCapacityBreachBehaviorHonorMaxCapacity, nil)
	put("small", "increase", pair, types.PredictiveScalingMaxCapacityBreachBehaviorIncreaseMaxCapacity, aws.Int32(10))
	put("new", "pair", pair, "", nil)

	// The forecast covers the whole hours of [now, now+24h): 12:00 today to 11:00 tomorrow.
	var hours []time.Time
	for h := now.Truncate(time.Hour).Add(time.Hour); h.Before(now.Add(24 * time.Hour)); h = h.Add(time.Hour) {
		hours = append(hours, h)
	}
	// series maps each forecast hour to peak (09:00-16:59) or off-peak.
	series := func(peak, off float64) []float64 {
		out := make([]float64, len(hours))
		for i, h := range hours {
			out[i] = off
			if cpuPattern(h) == 60 {
				out[i] = peak
			}
		}
		return out
	}
	type want struct {
		spec     *types.PredictiveScalingMetricSpecification
		load     []float64
		capacity []float64
	}
	tests := []struct {
		service, policy string
		want            want
	}{
		// 60 % × 4 tasks = 240 → ceil(240/40) = 6; 20 % × 4 = 80 → 2.
		{"web", "pair", want{&pair, series(240, 80), series(6, 2)}},
		// Sum 120 (peak) and 40: ceil(120/40) = 3 and 1.
		{"web", "custom", want{&custom, series(120, 40), series(3, 1)}},
		// 60 % × 8 = 480 → 12, clamped to MaxCapacity 5; 20 % × 8 = 160 → 4.
		{"small", "honor", want{&pair, series(480, 160), series(5, 4)}},
		// IncreaseMaxCapacity lets the forecast exceed MaxCapacity.
		{"small", "increase", want{&pair, series(480, 160), series(12, 4)}},
		// 20 hours of history are not enough.
		{"new", "pair", want{}},
	}
	for _, tc := range tests {
		t.Run(tc.service+"/"+tc.policy, func(t *testing.T) {
			got, err := c.GetPredictiveScalingForecast(ctx(t), &aas.GetPredictiveScalingForecastInput{ServiceNamespace: types.ServiceNamespaceEcs,
				ResourceId: aws.String("service/MyCluster/" + tc.service), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount,
				PolicyName: aws.String(tc.policy), StartTime: aws.Time(now), EndTime: aws.Time(now.Add(24 * time.Hour))})
			if err != nil {
				t.Fatal(err)
			}
			wantOut := &aas.GetPredictiveScalingForecastOutput{
				LoadForecast:     []types.LoadForecast{},
				CapacityForecast: &types.CapacityForecast{Timestamps: []time.Time{}, Values: []float64{}},
				UpdateTime:       aws.Time(now),
			}
			if tc.want.spec != nil {
				wantOut.LoadForecast = []types.LoadForecast{{Timestamps: hours, Values: tc.want.load, MetricSpecification: tc.want.spec}}
				wantOut.CapacityForecast = &types.CapacityForecast{Timestamps: hours, Values: tc.want.capacity}
			}
			opts := cmp.Options{
				cmpopts.IgnoreUnexported(aas.GetPredictiveScalingForecastOutput{}, types.LoadForecast{}, types.CapacityForecast{}, types.PredictiveScalingMetricSpecification{},
					types.PredictiveScalingPredefinedMetricPairSpecification{}, types.PredictiveScalingCustomizedMetricSpecification{}, types.PredictiveScalingMetricDataQuery{},
					types.PredictiveScalingMetricStat{}, types.PredictiveScalingMetric{}, types.PredictiveScalingMetricDimension{}),
				cmpopts.IgnoreFields(aas.GetPredictiveScalingForecastOutput{}, "ResultMetadata"),
				cmpopts.EquateEmpty(),
				cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
			}
			if diff := cmp.Diff(wantOut, got, opts); diff != "" {
				t.Errorf("GetPredictiveScalingForecast (-want +got):\n%s", diff)
			}
		})
	}

	// DescribeScalableTargets reports the current hour's forecast (11:00, a peak hour) as
	// PredictedCapacity, the largest over the target's predictive policies.
	desc, err := c.DescribeScalableTargets(ctx(t), &aas.DescribeScalableTargetsInput{ServiceNamespace: types.ServiceNamespaceEcs})
	if err != nil {
		t.Fatal(err)
	}
	predicted := map[string]*int32{}
	for _, tg := range desc.ScalableTargets {
		predicted[aws.ToString(tg.ResourceId)] = tg.PredictedCapacity
	}
	wantPredicted := map[string]*int32{"service/MyCluster/web": aws.Int32(6), "service/MyCluster/small": aws.Int32(12), "service/MyCluster/new": nil}
	if diff := cmp.Diff(wantPredicted, predicted); diff != "" {
		t.Errorf("PredictedCapacity (-want +got):\n%s", diff)
	}

	// Errors are unchanged: an unknown policy is a ValidationException.
	_, err = c.GetPredictiveScalingForecast(ctx(t), &aas.GetPredictiveScalingForecastInput{ServiceNamespace: types.ServiceNamespaceEcs,
		ResourceId: aws.String("service/MyCluster/web"), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount,
		PolicyName: aws.String("absent"), StartTime: aws.Time(now), EndTime: aws.Time(now.Add(time.Hour))})
	apiErr(t, err, "ValidationException")
}
