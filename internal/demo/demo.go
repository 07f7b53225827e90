// Package demo drives a live demonstration against a running scaled server with the real
// AWS SDK clients: it deploys the synthetic model as a SageMaker inference component,
// registers it with Application Auto Scaling under a target-tracking policy on
// SageMakerInferenceComponentInvocationsPerCopy, sends a load that rises and then falls
// through InvokeEndpoint, and shows copies, load and scaling activities as they happen.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	sm "github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
	"github.com/aws/aws-sdk-go-v2/service/sagemakerruntime"
	"github.com/aws/smithy-go"

	"github.com/scaled-dev/scaled/internal/clock"
)

// Options configure the demo. Zero values get the defaults noted.
type Options struct {
	// Endpoint is the base URL of the scaled server, e.g. http://127.0.0.1:8080; required.
	Endpoint string
	Region   string // default us-east-1
	// AccessKeyID and SecretAccessKey sign the requests.
	AccessKeyID     string
	SecretAccessKey string
	Out             io.Writer // default io.Discard
	Clock           clock.Clock
	// Interactive rewrites the status line in place (for terminals); otherwise the status is
	// printed as a new line every 10 s.
	Interactive bool

	// Name prefixes the resources; a time suffix keeps runs apart. Default "scaled-demo".
	Name string
	// Duration of the load; default 8 minutes. The load rises from PeakRPS/10 to PeakRPS at
	// the middle and falls back, then the demo watches scale-in for Settle.
	Duration time.Duration
	Settle   time.Duration // default 3 minutes
	PeakRPS  float64       // default 25
	Workers  int           // concurrent callers; default 64

	MinCapacity int32 // default 1
	MaxCapacity int32 // default 6
	// TargetValue is invocations per copy per MetricPeriod; default 300 (5 requests/s per
	// copy at AWS's one-minute period).
	TargetValue float64
	// MetricPeriod is the period of the server's managed alarms (the InvocationsPerCopy sum
	// is per period); default one minute, as on AWS.
	MetricPeriod     time.Duration
	ScaleOutCooldown time.Duration // default 30 s
	ScaleInCooldown  time.Duration // default 60 s

	// ModelEnvironment shapes the synthetic model; default 100 ms lognormal service time,
	// concurrency 2 per copy, 2 s start-up delay.
	ModelEnvironment map[string]string
	// KeepResources leaves the component and target in place at the end.
	KeepResources bool
}

// Summary is what the demo observed.
type Summary struct {
	PeakCopies int32
	Served     int64
	Failed     int64
	Errors     map[string]int64
	Activities int
}

func (o *Options) defaults() error {
	if o.Endpoint == "" {
		return errors.New("demo: Options.Endpoint (the scaled server URL) is required")
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Name == "" {
		o.Name = "scaled-demo"
	}
	if o.Duration <= 0 {
		o.Duration = 8 * time.Minute
	}
	if o.Settle <= 0 {
		o.Settle = 3 * time.Minute
	}
	if o.PeakRPS <= 0 {
		o.PeakRPS = 25
	}
	if o.Workers <= 0 {
		o.Workers = 64
	}
	if o.MinCapacity <= 0 {
		o.MinCapacity = 1
	}
	if o.MaxCapacity <= 0 {
		o.MaxCapacity = 6
	}
	if o.MaxCapacity < o.MinCapacity {
		return fmt.Errorf("demo: MaxCapacity %d is below MinCapacity %d", o.MaxCapacity, o.MinCapacity)
	}
	if o.MetricPeriod <= 0 {
		o.MetricPeriod = time.Minute
	}
	if o.TargetValue <= 0 {
		o.TargetValue = 300
	}
	if o.ScaleOutCooldown <= 0 {
		o.ScaleOutCooldown = 30 * time.Second
	}
	if o.ScaleInCooldown <= 0 {
		o.ScaleInCooldown = 60 * time.Second
	}
	if o.ModelEnvironment == nil {
		o.ModelEnvironment = map[string]string{
			"SCALED_MODEL_SERVICE_TIME":       "lognormal",
			"SCALED_MODEL_SERVICE_TIME_MEAN":  "100ms",
			"SCALED_MODEL_SERVICE_TIME_SIGMA": "0.4",
			"SCALED_MODEL_CONCURRENCY":        "2",
			"SCALED_MODEL_STARTUP_DELAY":      "2s",
		}
	}
	return nil
}

// Rate is the load profile: requests per second at elapsed time t of a run of length d,
// rising from peak/10 to peak at d/2 and falling back.
func Rate(t, d time.Duration, peak float64) float64 {
	if t < 0 || t > d || d <= 0 {
		return 0
	}
	x := float64(t) / float64(d)
	return peak * (0.1 + 0.9*math.Sin(math.Pi*x))
}

type demo struct {
	o    Options
	clk  clock.Clock
	sm   *sm.Client
	run  *sagemakerruntime.Client
	aas  *aas.Client
	ic   string
	ep   string
	out  io.Writer
	outM sync.Mutex

	served, failed atomic.Int64
	errM           sync.Mutex
	errs           map[string]int64
	window         []int64 // requests per second, last 60 s
}

// Run runs the demo and returns what it observed.
func Run(ctx context.Context, o Options) (Summary, error) {
	if err := o.defaults(); err != nil {
		return Summary{}, err
	}
	creds := credentials.NewStaticCredentialsProvider(o.AccessKeyID, o.SecretAccessKey, "")
	suffix := fmt.Sprintf("%d", o.Clock.Now().Unix()%1000000)
	d := &demo{
		o: o, clk: o.Clock, out: o.Out, errs: map[string]int64{},
		sm:  sm.New(sm.Options{Region: o.Region, BaseEndpoint: aws.String(o.Endpoint), Credentials: creds}),
		run: sagemakerruntime.New(sagemakerruntime.Options{Region: o.Region, BaseEndpoint: aws.String(o.Endpoint), Credentials: creds, RetryMaxAttempts: 1}),
		aas: aas.New(aas.Options{Region: o.Region, BaseEndpoint: aws.String(o.Endpoint), Credentials: creds}),
		ic:  o.Name + "-ic-" + suffix,
		ep:  o.Name + "-ep-" + suffix,
	}
	return d.run_(ctx)
}

func (d *demo) printf(format string, args ...any) {
	d.outM.Lock()
	defer d.outM.Unlock()
	if d.o.Interactive {
		fmt.Fprint(d.out, "\r\033[K")
	}
	fmt.Fprintf(d.out, format+"\n", args...)
}

func (d *demo) status(line string) {
	d.outM.Lock()
	defer d.outM.Unlock()
	if d.o.Interactive {
		fmt.Fprint(d.out, "\r\033[K"+line)
		return
	}
	fmt.Fprintln(d.out, line)
}

func (d *demo) deploy(ctx context.Context) error {
	model, cfg := d.ic+"-model", d.ep+"-config"
	if _, err := d.sm.CreateModel(ctx, &sm.CreateModelInput{ModelName: aws.String(model),
		PrimaryContainer: &smtypes.ContainerDefinition{Image: aws.String("scaled:model-server"), Environment: d.o.ModelEnvironment}}); err != nil {
		return fmt.Errorf("CreateModel: %w", err)
	}
	if _, err := d.sm.CreateEndpointConfig(ctx, &sm.CreateEndpointConfigInput{EndpointConfigName: aws.String(cfg),
		ProductionVariants: []smtypes.ProductionVariant{{VariantName: aws.String("AllTraffic"), InstanceType: smtypes.ProductionVariantInstanceTypeMlG52xlarge,
			InitialInstanceCount: aws.Int32(1), RoutingConfig: &smtypes.ProductionVariantRoutingConfig{RoutingStrategy: smtypes.RoutingStrategyLeastOutstandingRequests}}}}); err != nil {
		return fmt.Errorf("CreateEndpointConfig: %w", err)
	}
	if _, err := d.sm.CreateEndpoint(ctx, &sm.CreateEndpointInput{EndpointName: aws.String(d.ep), EndpointConfigName: aws.String(cfg)}); err != nil {
		return fmt.Errorf("CreateEndpoint: %w", err)
	}
	if _, err := d.sm.CreateInferenceComponent(ctx, &sm.CreateInferenceComponentInput{
		InferenceComponentName: aws.String(d.ic), EndpointName: aws.String(d.ep), VariantName: aws.String("AllTraffic"),
		Specification: &smtypes.InferenceComponentSpecification{ModelName: aws.String(model),
			ComputeResourceRequirements: &smtypes.InferenceComponentComputeResourceRequirements{
				NumberOfCpuCoresRequired: aws.Float32(0.25), MinMemoryRequiredInMb: aws.Int32(128)}},
		RuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(d.o.MinCapacity)},
	}); err != nil {
		return fmt.Errorf("CreateInferenceComponent: %w", err)
	}
	d.printf("created model %s, endpoint %s and inference component %s (%d copy)", model, d.ep, d.ic, d.o.MinCapacity)
	t := d.clk.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		out, err := d.sm.DescribeInferenceComponent(ctx, &sm.DescribeInferenceComponentInput{InferenceComponentName: aws.String(d.ic)})
		if err != nil {
			return fmt.Errorf("DescribeInferenceComponent: %w", err)
		}
		if out.InferenceComponentStatus == smtypes.InferenceComponentStatusInService {
			break
		}
		if out.InferenceComponentStatus == smtypes.InferenceComponentStatusFailed {
			return fmt.Errorf("inference component %s failed: %s", d.ic, aws.ToString(out.FailureReason))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C():
		}
	}
	d.printf("inference component %s is InService", d.ic)
	rid := "inference-component/" + d.ic
	if _, err := d.aas.RegisterScalableTarget(ctx, &aas.RegisterScalableTargetInput{
		ServiceNamespace: aastypes.ServiceNamespaceSagemaker, ResourceId: aws.String(rid),
		ScalableDimension: aastypes.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount,
		MinCapacity:       aws.Int32(d.o.MinCapacity), MaxCapacity: aws.Int32(d.o.MaxCapacity),
	}); err != nil {
		return fmt.Errorf("RegisterScalableTarget: %w", err)
	}
	if _, err := d.aas.PutScalingPolicy(ctx, &aas.PutScalingPolicyInput{
		PolicyName: aws.String(d.ic + "-invocations-per-copy"), PolicyType: aastypes.PolicyTypeTargetTrackingScaling,
		ServiceNamespace: aastypes.ServiceNamespaceSagemaker, ResourceId: aws.String(rid),
		ScalableDimension: aastypes.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount,
		TargetTrackingScalingPolicyConfiguration: &aastypes.TargetTrackingScalingPolicyConfiguration{
			TargetValue: aws.Float64(d.o.TargetValue),
			PredefinedMetricSpecification: &aastypes.PredefinedMetricSpecification{
				PredefinedMetricType: aastypes.MetricTypeSageMakerInferenceComponentInvocationsPerCopy},
			ScaleOutCooldown: aws.Int32(int32(d.o.ScaleOutCooldown / time.Second)),
			ScaleInCooldown:  aws.Int32(int32(d.o.ScaleInCooldown / time.Second)),
		},
	}); err != nil {
		return fmt.Errorf("PutScalingPolicy: %w", err)
	}
	d.printf("registered %s (min %d, max %d) with target tracking: %g invocations per copy per %v, cooldowns out %v / in %v",
		rid, d.o.MinCapacity, d.o.MaxCapacity, d.o.TargetValue, d.o.MetricPeriod, d.o.ScaleOutCooldown, d.o.ScaleInCooldown)
	return nil
}

func (d *demo) cleanup(ctx context.Context) {
	if d.o.KeepResources {
		d.printf("leaving %s in place", d.ic)
		return
	}
	_, _ = d.aas.DeregisterScalableTarget(ctx, &aas.DeregisterScalableTargetInput{ServiceNamespace: aastypes.ServiceNamespaceSagemaker,
		ResourceId: aws.String("inference-component/" + d.ic), ScalableDimension: aastypes.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount})
	_, _ = d.sm.DeleteInferenceComponent(ctx, &sm.DeleteInferenceComponentInput{InferenceComponentName: aws.String(d.ic)})
	_, _ = d.sm.DeleteEndpoint(ctx, &sm.DeleteEndpointInput{EndpointName: aws.String(d.ep)})
	_, _ = d.sm.DeleteEndpointConfig(ctx, &sm.DeleteEndpointConfigInput{EndpointConfigName: aws.String(d.ep + "-config")})
	_, _ = d.sm.DeleteModel(ctx, &sm.DeleteModelInput{ModelName: aws.String(d.ic + "-model")})
	d.printf("deleted the demo resources")
}

func (d *demo) invoke(ctx context.Context) {
	_, err := d.run.InvokeEndpoint(ctx, &sagemakerruntime.InvokeEndpointInput{EndpointName: aws.String(d.ep),
		InferenceComponentName: aws.String(d.ic), ContentType: aws.String("application/json"), Body: []byte(`{"inputs":"demo"}`)})
	if err == nil {
		d.served.Add(1)
		return
	}
	if ctx.Err() != nil {
		return
	}
	d.failed.Add(1)
	code := "other"
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	d.errM.Lock()
	d.errs[code]++
	d.errM.Unlock()
}

func (d *demo) run_(ctx context.Context) (Summary, error) {
	var sum Summary
	if err := d.deploy(ctx); err != nil {
		return sum, err
	}
	defer d.cleanup(context.WithoutCancel(ctx))

	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	jobs := make(chan struct{}, d.o.Workers*4)
	var wg sync.WaitGroup
	for range d.o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				d.invoke(loadCtx)
			}
		}()
	}
	var skipped atomic.Int64
	start := d.clk.Now()
	end := start.Add(d.o.Duration)
	stop := end.Add(d.o.Settle)
	tick := d.clk.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var owed float64
	lastStatus := start
	lastSecond := start
	var secCount, lastTotal int64
	seen := map[string]aastypes.ScalingActivityStatusCode{}
	var peak int32
	rid := "inference-component/" + d.ic
	for {
		var now time.Time
		select {
		case <-ctx.Done():
			close(jobs)
			stopLoad()
			wg.Wait()
			return d.summary(peak, len(seen)), ctx.Err()
		case now = <-tick.C():
		}
		if now.After(stop) {
			break
		}
		if now.Before(end) {
			owed += Rate(now.Sub(start), d.o.Duration, d.o.PeakRPS) * 0.1
			for ; owed >= 1; owed-- {
				select {
				case jobs <- struct{}{}:
				default:
					skipped.Add(1)
				}
			}
		}
		if now.Sub(lastSecond) >= time.Second {
			total := d.served.Load() + d.failed.Load()
			secCount = total - lastTotal
			lastTotal = total
			d.window = append(d.window, secCount)
			if len(d.window) > 60 {
				d.window = d.window[1:]
			}
			lastSecond = now
			every := time.Second
			if !d.o.Interactive {
				every = 10 * time.Second
			}
			if now.Sub(lastStatus) >= every {
				lastStatus = now
				p, err := d.show(ctx, now.Sub(start), rid, seen)
				if err != nil && ctx.Err() == nil {
					d.printf("warning: %v", err)
				}
				peak = max(peak, p)
			}
		}
	}
	close(jobs)
	wg.Wait()
	p, err := d.show(ctx, d.clk.Now().Sub(start), rid, seen)
	if err != nil && ctx.Err() == nil {
		d.printf("warning: %v", err)
	}
	peak = max(peak, p)
	s := d.summary(peak, len(seen))
	d.printf("")
	d.printf("summary: peak copies %d; requests served %d, failed %d%s; scaling activities %d; requests not sent (callers busy) %d",
		s.PeakCopies, s.Served, s.Failed, formatErrors(s.Errors), s.Activities, skipped.Load())
	return s, nil
}

func formatErrors(m map[string]int64) string {
	if len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func (d *demo) summary(peak int32, activities int) Summary {
	d.errM.Lock()
	defer d.errM.Unlock()
	errs := make(map[string]int64, len(d.errs))
	for k, v := range d.errs {
		errs[k] = v
	}
	return Summary{PeakCopies: peak, Served: d.served.Load(), Failed: d.failed.Load(), Errors: errs, Activities: activities}
}

// show prints new or changed scaling activities and the status line; it returns the
// current copy count.
func (d *demo) show(ctx context.Context, elapsed time.Duration, rid string, seen map[string]aastypes.ScalingActivityStatusCode) (int32, error) {
	acts, err := d.aas.DescribeScalingActivities(ctx, &aas.DescribeScalingActivitiesInput{ServiceNamespace: aastypes.ServiceNamespaceSagemaker,
		ResourceId: aws.String(rid), ScalableDimension: aastypes.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount})
	if err != nil {
		return 0, fmt.Errorf("DescribeScalingActivities: %w", err)
	}
	list := acts.ScalingActivities
	for i := len(list) - 1; i >= 0; i-- { // oldest first
		a := list[i]
		id := aws.ToString(a.ActivityId)
		if old, ok := seen[id]; ok && old == a.StatusCode {
			continue
		}
		seen[id] = a.StatusCode
		d.printf("[%s] activity %s: %s\n          cause: %s", fmtDur(elapsed), a.StatusCode, aws.ToString(a.Description), aws.ToString(a.Cause))
	}
	ic, err := d.sm.DescribeInferenceComponent(ctx, &sm.DescribeInferenceComponentInput{InferenceComponentName: aws.String(d.ic)})
	if err != nil {
		return 0, fmt.Errorf("DescribeInferenceComponent: %w", err)
	}
	desired, current := aws.ToInt32(ic.RuntimeConfig.DesiredCopyCount), aws.ToInt32(ic.RuntimeConfig.CurrentCopyCount)
	var total int64
	for _, n := range d.window {
		total += n
	}
	// The window holds requests per second; scale to the alarm period.
	perCopy := float64(total) * d.o.MetricPeriod.Seconds() / float64(max(len(d.window), 1))
	if current > 0 {
		perCopy /= float64(current)
	}
	rate := int64(0)
	if n := len(d.window); n > 0 {
		rate = d.window[n-1]
	}
	d.status(fmt.Sprintf("[%s] copies desired %d current %d (%s) | load %d req/s | invocations per copy ~%.0f per %v (target %g) | served %d failed %d",
		fmtDur(elapsed), desired, current, ic.InferenceComponentStatus, rate, perCopy, d.o.MetricPeriod, d.o.TargetValue, d.served.Load(), d.failed.Load()))
	return max(desired, current), nil
}

func fmtDur(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%02d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}
