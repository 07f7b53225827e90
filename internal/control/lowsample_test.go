package control_test

import (
	"context"
	"testing"
	"time"

	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/control"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/metrics/sketch"
	"github.com/scaled-dev/scaled/internal/metrics/tsdb"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
	"github.com/scaled-dev/scaled/internal/store/memstore"
)

// TestLowSampleCountPercentile: a p90 alarm (CloudWatch needs 10/(1-0.9) = 100 samples per
// period to call it significant) with EvaluateLowSampleCountPercentile "ignore" keeps its
// state while its periods hold fewer samples, and is evaluated once they hold enough; with
// "evaluate" (or unset) it is always evaluated.
func TestLowSampleCountPercentile(t *testing.T) {
	const account = "123456789012"
	latency := func(n int) *sketch.Sketch { // n samples of 500 ms
		s := sketch.New()
		s.Add(500, float64(n))
		return s
	}
	tests := []struct {
		name      string
		setting   string
		perMinute int
		want      string
	}{
		{"ignore, 20 samples a minute", "ignore", 20, model.AlarmOK},
		{"ignore, 150 samples a minute", "ignore", 150, model.AlarmAlarm},
		{"evaluate, 20 samples a minute", "evaluate", 20, model.AlarmAlarm},
		{"unset, 20 samples a minute", "", 20, model.AlarmAlarm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := auth.WithAccount(context.Background(), account)
			clk := clock.NewFake(epoch)
			mem := memstore.New()
			// Alarms are evaluated for the policies they invoke: a step policy on a target.
			policyARN := stepPolicy(t, mem, clk, "a")
			alarm := model.MetricAlarm{
				Account: account, AlarmName: "slow", ActionsEnabled: true, AlarmActions: []string{policyARN},
				Namespace: "MyApp", MetricName: "Latency", ExtendedStatistic: "p90",
				Period: 60, EvaluationPeriods: 2, Threshold: 100, ComparisonOperator: "GreaterThanThreshold",
				EvaluateLowSampleCountPercentile: tt.setting,
				StateValue:                       model.AlarmOK, StateReason: "earlier",
			}
			if _, err := mem.PutAlarm(ctx, alarm); err != nil {
				t.Fatal(err)
			}
			db := tsdb.New(tsdb.Options{Clock: clk})
			id := metrics.MetricID{Account: account, Namespace: "MyApp", Name: "Latency"}
			var data []metrics.Datum
			for m := range 2 {
				n := float64(tt.perMinute)
				data = append(data, metrics.Datum{Metric: id, Time: epoch.Add(time.Duration(m) * time.Minute), SampleCount: n, Sum: 500 * n, Min: 500, Max: 500, Dist: latency(tt.perMinute)})
			}
			if err := db.Put(ctx, data); err != nil {
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
			got, err := mem.GetAlarm(ctx, account, "slow")
			if err != nil {
				t.Fatal(err)
			}
			if got.StateValue != tt.want {
				t.Errorf("state %s (%s), want %s", got.StateValue, got.StateReason, tt.want)
			}
		})
	}
}
