//go:build unix

package control_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/control"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/metrics/tsdb"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
	"github.com/scaled-dev/scaled/internal/store/memstore"
)

// fleetActuator is a cheap in-memory fleet whose changes complete at once.
type fleetActuator struct {
	mu  sync.Mutex
	cap map[string]int32
}

func (f *fleetActuator) State(_ context.Context, k model.TargetKey) (resource.State, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, ok := f.cap[k.ResourceID]
	if !ok {
		n = 2
	}
	return resource.State{Desired: n, Actual: n, Status: resource.StatusSuccessful}, nil
}

func (f *fleetActuator) SetDesired(_ context.Context, k model.TargetKey, n int32) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cap[k.ResourceID] = n
	return nil
}

// BenchmarkTick10k measures one evaluator pass over 10,000 SageMaker inference components,
// each with a target-tracking policy on InvocationsPerCopy (its real managed alarms) and a
// live metric (80 one-minute datapoints each): 5 % of them run hot and scale out, the rest
// sit near the target. Reported: targets evaluated per second of wall time and per second of
// CPU time, the milliseconds one pass takes, the heap each target costs in total (store
// records, metric series, loop state; after GC) and the part the control loop adds (its
// per-target state record and cached alarm evaluations), and the allocations of one pass.
func BenchmarkTick10k(b *testing.B) {
	const (
		n       = 10_000
		account = "123456789012"
		dim     = "sagemaker:inference-component:DesiredCopyCount"
	)
	ctx := context.Background()
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	clk := clock.NewFake(start)

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	st := memstore.New()
	db := tsdb.New(tsdb.Options{Clock: clk, MaxSeries: 2 * n})
	fleet := &fleetActuator{cap: map[string]int32{}}
	reg := resource.NewRegistry()
	reg.Register(resource.Kind{Namespace: "sagemaker", Dimension: dim}, fleet)
	target := 10.0
	var data []metrics.Datum
	for i := range n {
		name := fmt.Sprintf("ic-%05d", i)
		k := model.TargetKey{Account: account, Namespace: "sagemaker", ResourceID: "inference-component/" + name, Dimension: dim}
		uuid := fmt.Sprintf("6d8972f3-efc8-437c-92d1-%012d", i)
		t, err := st.PutTarget(ctx, model.ScalableTarget{TargetKey: k, MinCapacity: 1, MaxCapacity: 8, CreationTime: start,
			ARN: fmt.Sprintf("arn:aws:application-autoscaling:us-west-2:%s:scalable-target/0ec5%032d", account, i), UUID: uuid})
		if err != nil {
			b.Fatal(err)
		}
		p := model.ScalingPolicy{
			PolicyKey:  model.PolicyKey{TargetKey: k, Name: "tt"},
			PolicyType: model.PolicyTypeTargetTrackingScaling,
			ARN:        "arn:aws:autoscaling:us-west-2:" + account + ":scalingPolicy:" + uuid + ":resource/sagemaker/" + k.ResourceID + ":policyName/tt",
			TargetTracking: &model.TargetTrackingScalingPolicyConfiguration{
				TargetValue:                   target,
				PredefinedMetricSpecification: &model.PredefinedMetricSpecification{PredefinedMetricType: "SageMakerInferenceComponentInvocationsPerCopy"},
			},
			CreationTime: start,
		}
		alarms := model.ManagedAlarms(t, p, "us-west-2", model.DefaultAlarmTiming())
		if len(alarms) != 2 {
			b.Fatalf("managed alarms: %d", len(alarms))
		}
		for _, a := range alarms {
			p.Alarms = append(p.Alarms, model.Alarm{AlarmName: a.AlarmName, AlarmARN: a.AlarmARN})
			if _, err := st.PutAlarm(ctx, a); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := st.PutPolicy(ctx, p); err != nil {
			b.Fatal(err)
		}
		v := 9.5 // inside the band: no alarm
		if i%20 == 0 {
			v = 30 // hot: scales out
		}
		id := metrics.MetricID{Account: account, Namespace: "AWS/SageMaker", Name: "InvocationsPerCopy",
			Dimensions: []model.MetricDimension{{Name: "InferenceComponentName", Value: name}}}
		for m := -20; m < 60; m++ {
			data = append(data, metrics.Value(id, start.Add(time.Duration(m)*time.Minute), v))
		}
		if len(data) > 50_000 {
			if err := db.Put(ctx, data); err != nil {
				b.Fatal(err)
			}
			data = data[:0]
		}
	}
	if err := db.Put(ctx, data); err != nil {
		b.Fatal(err)
	}
	data = nil
	runtime.GC()
	var setup runtime.MemStats
	runtime.ReadMemStats(&setup)
	e, err := control.New(control.Options{Store: st, Metrics: db, Resources: reg, Clock: clk, Workers: runtime.GOMAXPROCS(0)})
	if err != nil {
		b.Fatal(err)
	}
	if err := e.Tick(ctx); err != nil { // first pass creates the per-target state
		b.Fatal(err)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	heapPerTarget := float64(after.HeapAlloc-before.HeapAlloc) / n
	// What the control loop adds: per-target state records and cached alarm evaluations.
	loopPerTarget := float64(after.HeapAlloc-setup.HeapAlloc) / n

	b.ReportAllocs()
	passes := 0
	cpu0 := cpuTime(b)
	for b.Loop() {
		clk.Advance(10 * time.Second)
		if err := e.Tick(ctx); err != nil {
			b.Fatal(err)
		}
		passes++
	}
	cpu := cpuTime(b) - cpu0
	b.ReportMetric(float64(n*passes)/b.Elapsed().Seconds(), "targets/s")
	// CPU time is what a pass costs on a busy machine, where wall time also counts waiting.
	b.ReportMetric(float64(n*passes)/cpu.Seconds(), "targets/cpu-s")
	b.ReportMetric(heapPerTarget, "heap-B/target")
	b.ReportMetric(loopPerTarget, "loop-heap-B/target")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(passes), "ms/pass")
}

// cpuTime is the process's user plus system CPU time.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
