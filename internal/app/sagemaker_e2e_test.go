package app

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	sm "github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
	smr "github.com/aws/aws-sdk-go-v2/service/sagemakerruntime"

	"github.com/scaled-dev/scaled/internal/config"
	"github.com/scaled-dev/scaled/internal/modelserver/modelservertest"
)

// icFixture is one inference component on a local scaled server, reached with the real
// SageMaker, SageMaker Runtime, CloudWatch and Application Auto Scaling clients.
type icFixture struct {
	s    *testServer
	sm   *sm.Client
	rt   *smr.Client
	aas  *aas.Client
	cw   *cloudwatch.Client
	name string
	ep   string
}

// fastConfig shortens the managed alarm periods and the evaluation interval through
// configuration (the same knobs `scaled serve` has), so scaling happens within seconds.
func fastConfig(t *testing.T) config.Config {
	cfg := testConfig(t)
	cfg.Runtime.Enabled = true
	cfg.AlarmPeriod = config.Duration(2 * time.Second)
	cfg.HighResolutionAlarmPeriod = config.Duration(time.Second)
	cfg.EvalInterval = config.Duration(500 * time.Millisecond)
	cfg.Runtime.MetricResolution = config.Duration(time.Second)
	return cfg
}

func newICFixture(t *testing.T, name string) *icFixture {
	t.Helper()
	return newICFixtureWith(t, name, fastConfig(t))
}

func newICFixtureWith(t *testing.T, name string, cfg config.Config) *icFixture {
	t.Helper()
	s := startServer(t, cfg, Options{ModelServer: modelservertest.CommandLine()})
	c := s.app.Credential
	awsCfg := s.awsConfig(c.AccessKeyID, c.SecretAccessKey)
	ep := aws.String(s.app.Endpoint)
	f := &icFixture{
		s:    s,
		sm:   sm.NewFromConfig(awsCfg, func(o *sm.Options) { o.BaseEndpoint = ep }),
		rt:   smr.NewFromConfig(awsCfg, func(o *smr.Options) { o.BaseEndpoint = ep }),
		aas:  aas.NewFromConfig(awsCfg, func(o *aas.Options) { o.BaseEndpoint = ep }),
		cw:   cloudwatch.NewFromConfig(awsCfg, func(o *cloudwatch.Options) { o.BaseEndpoint = ep }),
		name: name,
		ep:   name + "-ep",
	}
	ctx := context.Background()
	if _, err := f.sm.CreateModel(ctx, &sm.CreateModelInput{
		ModelName: aws.String(name + "-model"),
		PrimaryContainer: &smtypes.ContainerDefinition{
			Image: aws.String("scaled:model-server"),
			Environment: map[string]string{
				"SCALED_MODEL_SERVICE_TIME": "constant", "SCALED_MODEL_SERVICE_TIME_MEAN": "20ms",
				"SCALED_MODEL_CONCURRENCY": "4", "SCALED_MODEL_STARTUP_DELAY": "200ms",
			},
		},
		ExecutionRoleArn: aws.String("arn:aws:iam::000000000000:role/sagemaker"),
	}); err != nil {
		t.Fatalf("CreateModel: %v", err)
	}
	if _, err := f.sm.CreateEndpointConfig(ctx, &sm.CreateEndpointConfigInput{
		EndpointConfigName: aws.String(name + "-config"),
		ExecutionRoleArn:   aws.String("arn:aws:iam::000000000000:role/sagemaker"),
		ProductionVariants: []smtypes.ProductionVariant{{
			VariantName: aws.String("AllTraffic"), InstanceType: smtypes.ProductionVariantInstanceTypeMlG52xlarge,
			InitialInstanceCount: aws.Int32(1),
		}},
	}); err != nil {
		t.Fatalf("CreateEndpointConfig: %v", err)
	}
	if _, err := f.sm.CreateEndpoint(ctx, &sm.CreateEndpointInput{EndpointName: aws.String(f.ep), EndpointConfigName: aws.String(name + "-config")}); err != nil {
		t.Fatalf("CreateEndpoint: %v", err)
	}
	if _, err := f.sm.CreateInferenceComponent(ctx, &sm.CreateInferenceComponentInput{
		InferenceComponentName: aws.String(name), EndpointName: aws.String(f.ep), VariantName: aws.String("AllTraffic"),
		Specification: &smtypes.InferenceComponentSpecification{
			ModelName: aws.String(name + "-model"),
			ComputeResourceRequirements: &smtypes.InferenceComponentComputeResourceRequirements{
				NumberOfCpuCoresRequired: aws.Float32(0.25), MinMemoryRequiredInMb: aws.Int32(128),
			},
		},
		RuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(1)},
	}); err != nil {
		t.Fatalf("CreateInferenceComponent: %v", err)
	}
	f.waitCopies(t, func(desired, current int32) bool { return current == 1 }, 30*time.Second, "first copy in service")
	return f
}

func (f *icFixture) copies(t *testing.T) (desired, current int32) {
	t.Helper()
	out, err := f.sm.DescribeInferenceComponent(context.Background(), &sm.DescribeInferenceComponentInput{InferenceComponentName: aws.String(f.name)})
	if err != nil {
		t.Fatalf("DescribeInferenceComponent: %v", err)
	}
	return aws.ToInt32(out.RuntimeConfig.DesiredCopyCount), aws.ToInt32(out.RuntimeConfig.CurrentCopyCount)
}

// waitCopies polls (real processes need real time) until ok holds or the deadline passes.
func (f *icFixture) waitCopies(t *testing.T, ok func(desired, current int32) bool, within time.Duration, what string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		d, c := f.copies(t)
		if ok(d, c) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: desired %d current %d after %v\n%s", what, d, c, within, f.activities(t))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (f *icFixture) activities(t *testing.T) string {
	out, err := f.aas.DescribeScalingActivities(context.Background(), &aas.DescribeScalingActivitiesInput{
		ServiceNamespace: aastypes.ServiceNamespaceSagemaker, IncludeNotScaledActivities: aws.Bool(true),
	})
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	for _, a := range out.ScalingActivities {
		fmt.Fprintf(&b, "%s | %s | %s | %s\n", a.StatusCode, aws.ToString(a.Description), aws.ToString(a.Cause), aws.ToString(a.StatusMessage))
	}
	return b.String()
}

func (f *icFixture) register(t *testing.T, min, max int32) {
	t.Helper()
	if _, err := f.aas.RegisterScalableTarget(context.Background(), &aas.RegisterScalableTargetInput{
		ServiceNamespace: aastypes.ServiceNamespaceSagemaker, ResourceId: aws.String("inference-component/" + f.name),
		ScalableDimension: icDim, MinCapacity: aws.Int32(min), MaxCapacity: aws.Int32(max),
	}); err != nil {
		t.Fatalf("RegisterScalableTarget: %v", err)
	}
}

// putTargetTracking puts the mission's policy: InvocationsPerCopy with cooldowns. With the
// 2-second alarm period, target 10 is 5 requests per second per copy.
func (f *icFixture) putTargetTracking(t *testing.T) {
	t.Helper()
	if _, err := f.aas.PutScalingPolicy(context.Background(), &aas.PutScalingPolicyInput{
		PolicyName: aws.String(f.name + "-invocations"), ServiceNamespace: aastypes.ServiceNamespaceSagemaker,
		ResourceId: aws.String("inference-component/" + f.name), ScalableDimension: icDim,
		PolicyType: aastypes.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &aastypes.TargetTrackingScalingPolicyConfiguration{
			TargetValue: aws.Float64(10),
			PredefinedMetricSpecification: &aastypes.PredefinedMetricSpecification{
				PredefinedMetricType: aastypes.MetricTypeSageMakerInferenceComponentInvocationsPerCopy,
			},
			ScaleOutCooldown: aws.Int32(2), ScaleInCooldown: aws.Int32(4),
		},
	}); err != nil {
		t.Fatalf("PutScalingPolicy: %v", err)
	}
}

// load invokes the endpoint at about rps requests per second until stopped, counting
// successes and failures by error code.
type load struct {
	ok     atomic.Int64
	mu     sync.Mutex
	failed map[string]int
	stop   chan struct{}
	wg     sync.WaitGroup
}

func (f *icFixture) startLoad(rps int) *load {
	l := &load{failed: map[string]int{}, stop: make(chan struct{})}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		tick := time.NewTicker(time.Second / time.Duration(rps))
		defer tick.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-tick.C:
			}
			l.wg.Add(1)
			go func() {
				defer l.wg.Done()
				_, err := f.rt.InvokeEndpoint(context.Background(), &smr.InvokeEndpointInput{
					EndpointName: aws.String(f.ep), InferenceComponentName: aws.String(f.name),
					ContentType: aws.String("application/json"), Body: []byte(`{"inputs":"hello"}`),
				})
				if err != nil {
					l.mu.Lock()
					l.failed[apiCode(err)]++
					l.mu.Unlock()
					return
				}
				l.ok.Add(1)
			}()
		}
	}()
	return l
}

func (l *load) end() (ok int64, failed map[string]int) {
	close(l.stop)
	l.wg.Wait()
	return l.ok.Load(), l.failed
}

// TestInferenceComponentScalesWithLoad is the mission end to end: real copies, real SDK
// clients, the target-tracking policy on InvocationsPerCopy. Copies go up under load, come
// back down when it falls (a light load continues during scale-in: draining loses nothing).
func TestInferenceComponentScalesWithLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real model-server processes for about a minute")
	}
	t.Parallel()
	f := newICFixture(t, "e2e-ic")
	f.register(t, 1, 4)
	f.putTargetTracking(t)

	heavy := f.startLoad(30) // 30 rps = 3 copies at 5 rps per copy (target 10 per 2 s)
	f.waitCopies(t, func(d, c int32) bool { return d >= 3 && c >= 3 }, 90*time.Second, "scale-out to 3 copies")
	ok, failed := heavy.end()
	if len(failed) != 0 {
		t.Fatalf("requests failed during scale-out: %v (ok %d)", failed, ok)
	}

	light := f.startLoad(2)
	f.waitCopies(t, func(d, c int32) bool { return d == 1 && c == 1 }, 120*time.Second, "scale-in to 1 copy")
	ok, failed = light.end()
	if len(failed) != 0 || ok == 0 {
		t.Fatalf("requests lost during scale-in: %v (ok %d)", failed, ok)
	}
	// The scale-in activity is confirmed on a later evaluation.
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(f.activities(t), "Successful | Setting desired copy count to 1.") {
		if time.Now().After(deadline) {
			t.Fatalf("scale-in activity not confirmed:\n%s", f.activities(t))
		}
		time.Sleep(200 * time.Millisecond)
	}
	acts := f.activities(t)
	t.Logf("activities:\n%s", acts)
	if !strings.Contains(acts, "-AlarmLow-") || !strings.Contains(acts, "-AlarmHigh-") ||
		!strings.Contains(acts, "Change successfully fulfilled by sagemaker.") {
		t.Fatalf("missing scale-out/scale-in activities")
	}
}

// TestInferenceComponentScaleToZeroAndBack follows AWS's recipe: MinCapacity 0, target
// tracking drives an idle component to zero; at zero, invocations fail with no capacity,
// the user's NoCapacityInvocationFailures alarm fires the step policy, and a copy returns.
func TestInferenceComponentScaleToZeroAndBack(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real model-server processes for about a minute")
	}
	t.Parallel()
	f := newICFixture(t, "zero-ic")
	ctx := context.Background()
	f.register(t, 0, 2)
	f.putTargetTracking(t)
	step, err := f.aas.PutScalingPolicy(ctx, &aas.PutScalingPolicyInput{
		PolicyName: aws.String("wake-from-zero"), ServiceNamespace: aastypes.ServiceNamespaceSagemaker,
		ResourceId: aws.String("inference-component/" + f.name), ScalableDimension: icDim,
		PolicyType: aastypes.PolicyTypeStepScaling,
		StepScalingPolicyConfiguration: &aastypes.StepScalingPolicyConfiguration{
			AdjustmentType: aastypes.AdjustmentTypeChangeInCapacity, MetricAggregationType: aastypes.MetricAggregationTypeMaximum,
			Cooldown:        aws.Int32(5),
			StepAdjustments: []aastypes.StepAdjustment{{MetricIntervalLowerBound: aws.Float64(0), ScalingAdjustment: aws.Int32(1)}},
		},
	})
	if err != nil {
		t.Fatalf("PutScalingPolicy step: %v", err)
	}
	if _, err := f.cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String("zero-ic-wake"), Namespace: aws.String("AWS/SageMaker"), MetricName: aws.String("NoCapacityInvocationFailures"),
		Dimensions: []cwtypes.Dimension{{Name: aws.String("InferenceComponentName"), Value: aws.String(f.name)}},
		Statistic:  cwtypes.StatisticSum, Period: aws.Int32(10), EvaluationPeriods: aws.Int32(1), DatapointsToAlarm: aws.Int32(1),
		Threshold: aws.Float64(1), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
		AlarmActions: []string{aws.ToString(step.PolicyARN)},
	}); err != nil {
		t.Fatalf("PutMetricAlarm: %v", err)
	}

	f.waitCopies(t, func(d, c int32) bool { return d == 0 && c == 0 }, 120*time.Second, "scale-in to zero")

	// At zero copies requests fail fast with no capacity (AWS behaviour), which wakes it.
	l := f.startLoad(5)
	f.waitCopies(t, func(d, c int32) bool { return c >= 1 }, 90*time.Second, "wake from zero")
	ok, failed := l.end()
	t.Logf("while waking: %d ok, failures %v\nactivities:\n%s", ok, failed, f.activities(t))
	if len(failed) == 0 {
		t.Fatalf("expected no-capacity failures while at zero copies")
	}
	if !strings.Contains(f.activities(t), "triggered policy wake-from-zero") {
		t.Fatalf("no activity from the step policy")
	}
}

// TestCopiesThatDoNotFitStayPending: raising MinCapacity clamps the component up, but the
// host has room for two copies only; the others stay pending and the activity says why.
func TestCopiesThatDoNotFitStayPending(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real model-server processes")
	}
	t.Parallel()
	cfg := fastConfig(t)
	cfg.Runtime.HostCPUs = 0.5 // two copies of 0.25 cores
	f := newICFixtureWith(t, "tight-ic", cfg)
	f.register(t, 4, 6)
	f.waitCopies(t, func(d, c int32) bool { return d == 4 && c == 2 }, 60*time.Second, "two of four copies placed")
	deadline := time.Now().Add(30 * time.Second)
	for {
		acts := f.activities(t)
		if strings.Contains(acts, "InProgress | Setting desired copy count to 4. | minimum capacity was set to 4 |") &&
			strings.Contains(acts, "2 of 4 copies are pending: each copy needs 0.25 CPU cores") {
			t.Logf("activities:\n%s", acts)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("activity does not explain the pending copies:\n%s", acts)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestCopyCrashIsRestarted kills a copy's process: the runtime counts the restart, starts a
// new copy, and the endpoint keeps answering through the SageMaker Runtime client.
func TestCopyCrashIsRestarted(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real model-server processes")
	}
	t.Parallel()
	f := newICFixture(t, "crash-ic")
	if _, err := f.sm.UpdateInferenceComponentRuntimeConfig(context.Background(), &sm.UpdateInferenceComponentRuntimeConfigInput{
		InferenceComponentName: aws.String(f.name), DesiredRuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(2)},
	}); err != nil {
		t.Fatalf("UpdateInferenceComponentRuntimeConfig: %v", err)
	}
	f.waitCopies(t, func(d, c int32) bool { return c == 2 }, 30*time.Second, "two copies")
	st, err := f.s.app.runtime.State(DefaultAccount, f.name)
	if err != nil {
		t.Fatal(err)
	}
	victim := st.Copies[0].PID
	if err := syscall.Kill(victim, syscall.SIGKILL); err != nil {
		t.Fatalf("killing copy %d: %v", victim, err)
	}
	l := f.startLoad(10)
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err = f.s.app.runtime.State(DefaultAccount, f.name)
		if err != nil {
			t.Fatal(err)
		}
		if st.Restarts >= 1 && st.Current == 2 && st.Copies[0].PID != victim {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("copy not restarted: %+v", st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	ok, failed := l.end()
	// Requests routed to the killed copy before its death was noticed cannot connect and go
	// to the other copy; only a request already inside the copy when it died could fail (5xx).
	// The endpoint as a whole keeps serving.
	if ok == 0 {
		t.Fatalf("no request served after the crash; failures %v", failed)
	}
	t.Logf("after the crash: %d ok, failures %v, restarts %d", ok, failed, st.Restarts)
	resp, err := http.Get(f.s.app.Endpoint + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	want := fmt.Sprintf(`scaled_inference_component_copy_restarts_total{account=%q,inference_component=%q} %d`, DefaultAccount, f.name, st.Restarts)
	if !strings.Contains(string(body), want) {
		t.Errorf("/metrics lacks %s", want)
	}
}

// TestConfiguredImageRunsItsCommand: an image from the configuration's image table runs the
// command it maps to; an image that is not in the table fails with a message naming the
// configured images.
func TestConfiguredImageRunsItsCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real model-server processes")
	}
	t.Parallel()
	cfg := fastConfig(t)
	cfg.Runtime.Images = map[string][]string{"registry.example.com/my-model:1": modelservertest.CommandLine()}
	s := startServer(t, cfg, Options{ModelServer: modelservertest.CommandLine()})
	c := s.app.Credential
	cl := sm.NewFromConfig(s.awsConfig(c.AccessKeyID, c.SecretAccessKey), func(o *sm.Options) { o.BaseEndpoint = aws.String(s.app.Endpoint) })
	ctx := context.Background()
	role := aws.String("arn:aws:iam::000000000000:role/sagemaker")
	if _, err := cl.CreateEndpointConfig(ctx, &sm.CreateEndpointConfigInput{
		EndpointConfigName: aws.String("cfg"), ExecutionRoleArn: role,
		ProductionVariants: []smtypes.ProductionVariant{{VariantName: aws.String("AllTraffic"), InstanceType: smtypes.ProductionVariantInstanceTypeMlG52xlarge, InitialInstanceCount: aws.Int32(1)}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.CreateEndpoint(ctx, &sm.CreateEndpointInput{EndpointName: aws.String("ep"), EndpointConfigName: aws.String("cfg")}); err != nil {
		t.Fatal(err)
	}
	for name, image := range map[string]string{"mapped": "registry.example.com/my-model:1", "unmapped": "registry.example.com/other:2"} {
		if _, err := cl.CreateModel(ctx, &sm.CreateModelInput{ModelName: aws.String(name), ExecutionRoleArn: role,
			PrimaryContainer: &smtypes.ContainerDefinition{Image: aws.String(image)}}); err != nil {
			t.Fatal(err)
		}
		if _, err := cl.CreateInferenceComponent(ctx, &sm.CreateInferenceComponentInput{
			InferenceComponentName: aws.String(name + "-ic"), EndpointName: aws.String("ep"), VariantName: aws.String("AllTraffic"),
			Specification: &smtypes.InferenceComponentSpecification{ModelName: aws.String(name),
				ComputeResourceRequirements: &smtypes.InferenceComponentComputeResourceRequirements{NumberOfCpuCoresRequired: aws.Float32(0.25), MinMemoryRequiredInMb: aws.Int32(128)}},
			RuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(1)},
		}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		m, err1 := cl.DescribeInferenceComponent(ctx, &sm.DescribeInferenceComponentInput{InferenceComponentName: aws.String("mapped-ic")})
		u, err2 := cl.DescribeInferenceComponent(ctx, &sm.DescribeInferenceComponentInput{InferenceComponentName: aws.String("unmapped-ic")})
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if m.InferenceComponentStatus == smtypes.InferenceComponentStatusInService && aws.ToInt32(m.RuntimeConfig.CurrentCopyCount) == 1 &&
			u.InferenceComponentStatus == smtypes.InferenceComponentStatusFailed &&
			strings.Contains(aws.ToString(u.FailureReason), "registry.example.com/my-model:1") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("mapped: %s %d copies; unmapped: %s %q", m.InferenceComponentStatus, aws.ToInt32(m.RuntimeConfig.CurrentCopyCount),
				u.InferenceComponentStatus, aws.ToString(u.FailureReason))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestLatencyPercentilePolicyScalesOut: a target-tracking policy on the p90 of the
// component's ModelLatency (a metric-math MetricStat with a percentile statistic) scales out
// when the model is slower than the target, and GetMetricStatistics reports the same p90.
func TestLatencyPercentilePolicyScalesOut(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real model-server processes")
	}
	t.Parallel()
	f := newICFixture(t, "p90-ic")
	f.register(t, 1, 2)
	ctx := context.Background()
	out, err := f.aas.PutScalingPolicy(ctx, &aas.PutScalingPolicyInput{
		PolicyName: aws.String("p90-latency"), ServiceNamespace: aastypes.ServiceNamespaceSagemaker,
		ResourceId: aws.String("inference-component/" + f.name), ScalableDimension: icDim,
		PolicyType: aastypes.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &aastypes.TargetTrackingScalingPolicyConfiguration{
			TargetValue: aws.Float64(5000), // µs: the model takes 20 ms
			CustomizedMetricSpecification: &aastypes.CustomizedMetricSpecification{
				Metrics: []aastypes.TargetTrackingMetricDataQuery{{
					Id: aws.String("latency"), ReturnData: aws.Bool(true),
					MetricStat: &aastypes.TargetTrackingMetricStat{
						Stat: aws.String("p90"),
						Metric: &aastypes.TargetTrackingMetric{
							Namespace: aws.String("AWS/SageMaker"), MetricName: aws.String("ModelLatency"),
							Dimensions: []aastypes.TargetTrackingMetricDimension{{Name: aws.String("InferenceComponentName"), Value: aws.String(f.name)}},
						},
					},
				}},
			},
			DisableScaleIn:   aws.Bool(true),
			ScaleOutCooldown: aws.Int32(2),
		},
	})
	if err != nil {
		t.Fatalf("PutScalingPolicy: %v", err)
	}
	alarms, err := f.cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{aws.ToString(out.Alarms[0].AlarmName)}})
	if err != nil || len(alarms.MetricAlarms) != 1 {
		t.Fatalf("DescribeAlarms of the managed alarm: %v %+v", err, alarms)
	}
	if m := alarms.MetricAlarms[0].Metrics; len(m) != 1 || aws.ToString(m[0].MetricStat.Stat) != "p90" {
		t.Fatalf("managed alarm does not query p90: %+v", m)
	}

	l := f.startLoad(5)
	f.waitCopies(t, func(d, c int32) bool { return d == 2 && c == 2 }, 60*time.Second, "scale-out on p90 latency")
	if ok, failed := l.end(); len(failed) != 0 || ok == 0 {
		t.Fatalf("requests failed: %v (ok %d)", failed, ok)
	}
	// The activity is confirmed on a later evaluation.
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(f.activities(t), "Successful | Setting desired copy count to 2.") {
		if time.Now().After(deadline) {
			t.Fatalf("scale-out activity not confirmed:\n%s", f.activities(t))
		}
		time.Sleep(200 * time.Millisecond)
	}

	now := time.Now()
	stats, err := f.cw.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
		Namespace: aws.String("AWS/SageMaker"), MetricName: aws.String("ModelLatency"),
		Dimensions: []cwtypes.Dimension{{Name: aws.String("InferenceComponentName"), Value: aws.String(f.name)}},
		StartTime:  aws.Time(now.Add(-10 * time.Minute)), EndTime: aws.Time(now.Add(time.Minute)),
		Period: aws.Int32(3600), ExtendedStatistics: []string{"p90"}, Statistics: []cwtypes.Statistic{cwtypes.StatisticMaximum},
	})
	if err != nil {
		t.Fatalf("GetMetricStatistics: %v", err)
	}
	var p90, maxv float64
	for _, dp := range stats.Datapoints {
		p90, maxv = math.Max(p90, dp.ExtendedStatistics["p90"]), math.Max(maxv, aws.ToFloat64(dp.Maximum))
	}
	// Every request takes at least the model's 20 ms; p90 lies between that and the maximum.
	if p90 < 0.99*20000 || p90 > maxv*1.01 {
		t.Fatalf("p90 of ModelLatency = %g µs (max %g) in %+v; want between 20 ms and the maximum", p90, maxv, stats.Datapoints)
	}
	t.Logf("ModelLatency p90 %.0f µs, max %.0f µs", p90, maxv)
}
