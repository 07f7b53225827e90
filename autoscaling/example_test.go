package autoscaling_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/scaled-dev/scaled/autoscaling"
)

func ExampleInferenceComponent_Setup() {
	ctx := context.Background()
	// An ordinary aws-sdk-go-v2 client, pointed at a scaled server.
	client := applicationautoscaling.New(applicationautoscaling.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(accessKeyID, secretAccessKey, ""),
	})

	ic := autoscaling.InferenceComponent{
		ComponentName:            "llama-3-8b",
		MinCopies:                1,
		MaxCopies:                8,
		TargetInvocationsPerCopy: 20,
		ScaleInCooldown:          5 * time.Minute,
		ScaleOutCooldown:         time.Minute,
	}
	// Setup is idempotent: a deploy script can run it on every release.
	for range 2 {
		if err := ic.Setup(ctx, client); err != nil {
			fmt.Println("setup failed:", err)
			return
		}
	}

	reg, _, err := ic.Target().Describe(ctx, client)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("copies %d..%d\n", reg.Min, reg.Max)
	policies, err := ic.Target().Policies(ctx, client)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range policies {
		cfg := p.TargetTrackingScalingPolicyConfiguration
		fmt.Printf("%s: %s on %s, target %.0f, cooldowns in %ds out %ds\n",
			aws.ToString(p.PolicyName), p.PolicyType, cfg.PredefinedMetricSpecification.PredefinedMetricType,
			aws.ToFloat64(cfg.TargetValue), aws.ToInt32(cfg.ScaleInCooldown), aws.ToInt32(cfg.ScaleOutCooldown))
	}
	// Output:
	// copies 1..8
	// llama-3-8b-invocations-per-copy: TargetTrackingScaling on SageMakerInferenceComponentInvocationsPerCopy, target 20, cooldowns in 300s out 60s
}

// Scale to zero, as SageMaker documents it: target tracking takes the component down to zero
// copies, and the NoCapacityInvocationFailures alarm runs a step policy that wakes it.
func ExampleInferenceComponent_Setup_scaleToZero() {
	ctx := context.Background()
	creds := credentials.NewStaticCredentialsProvider(accessKeyID, secretAccessKey, "")
	client := applicationautoscaling.New(applicationautoscaling.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint), Credentials: creds})
	alarms := cloudwatch.New(cloudwatch.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint), Credentials: creds})

	ic := autoscaling.InferenceComponent{
		ComponentName:            "nightly-batch-model",
		MinCopies:                0,
		MaxCopies:                4,
		TargetInvocationsPerCopy: 1,
		Wake:                     &autoscaling.WakeFromZero{Alarms: alarms},
	}
	if err := ic.Setup(ctx, client); err != nil {
		fmt.Println("setup failed:", err)
		return
	}
	policies, err := ic.Target().Policies(ctx, client)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range policies {
		fmt.Printf("%s: %s", aws.ToString(p.PolicyName), p.PolicyType)
		for _, a := range p.Alarms {
			if p.PolicyType == types.PolicyTypeStepScaling {
				fmt.Printf(", run by alarm %s", aws.ToString(a.AlarmName))
			}
		}
		fmt.Println()
	}
	if err := ic.Cleanup(ctx, client); err != nil {
		fmt.Println("cleanup failed:", err)
	}
	// Output:
	// nightly-batch-model-invocations-per-copy: TargetTrackingScaling
	// nightly-batch-model-wake-from-zero: StepScaling, run by alarm nightly-batch-model-no-capacity
}

func ExampleInferenceComponent_Cleanup() {
	ctx := context.Background()
	client := newClient()
	ic := autoscaling.InferenceComponent{ComponentName: "old-model", MinCopies: 1, MaxCopies: 2, TargetInvocationsPerCopy: 5}
	if err := ic.Setup(ctx, client); err != nil {
		fmt.Println(err)
		return
	}
	// Cleanup is idempotent too: what is already gone counts as done.
	for range 2 {
		if err := ic.Cleanup(ctx, client); err != nil {
			fmt.Println("cleanup failed:", err)
			return
		}
	}
	_, registered, err := ic.Target().Describe(ctx, client)
	fmt.Println("registered:", registered, err)
	// Output:
	// registered: false <nil>
}

func ExampleScalableTarget_Register() {
	ctx := context.Background()
	client := newClient()
	target := autoscaling.ScalableTarget{
		Namespace:  types.ServiceNamespaceSagemaker,
		ResourceID: "inference-component/embedder",
		Dimension:  types.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount,
		Min:        0, // scale to zero when idle
		Max:        4,
	}
	arn, err := target.Register(ctx, client)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.HasPrefix(arn, "arn:aws:application-autoscaling:us-east-1:"+exampleAccount+":scalable-target/"))
	// Output:
	// true
}

func ExampleStepScaling_Apply() {
	ctx := context.Background()
	client := newClient()
	// The documented wake-from-zero recipe: target tracking takes copies to zero, and a step
	// policy, triggered by an alarm on NoCapacityInvocationFailures, brings the first copy back.
	ic := autoscaling.InferenceComponent{ComponentName: "chat", MinCopies: 0, MaxCopies: 4, TargetInvocationsPerCopy: 1}
	if err := ic.Setup(ctx, client); err != nil {
		fmt.Println(err)
		return
	}
	wake := autoscaling.StepScaling{
		PolicyName:        "chat-wake-from-zero",
		AdjustmentType:    types.AdjustmentTypeChangeInCapacity,
		MetricAggregation: types.MetricAggregationTypeMaximum,
		Cooldown:          time.Minute,
		Steps:             []autoscaling.Step{{Lower: aws.Float64(0), Adjustment: 1}},
	}
	arn, err := wake.Apply(ctx, client, ic.Target())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.HasSuffix(arn, ":resource/sagemaker/inference-component/chat:policyName/chat-wake-from-zero"))
	policies, err := ic.Target().Policies(ctx, client)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range policies {
		fmt.Println(aws.ToString(p.PolicyName), p.PolicyType)
	}
	// Output:
	// true
	// chat-invocations-per-copy TargetTrackingScaling
	// chat-wake-from-zero StepScaling
}

func ExampleTargetTracking_Apply() {
	ctx := context.Background()
	client := newClient()
	target := autoscaling.ScalableTarget{
		Namespace:  types.ServiceNamespaceSagemaker,
		ResourceID: "inference-component/reranker",
		Dimension:  types.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount,
		Min:        1,
		Max:        6,
	}
	if _, err := target.Register(ctx, client); err != nil {
		fmt.Println(err)
		return
	}
	// Track concurrency instead of invocations: better for long, streaming requests.
	policy := autoscaling.TargetTracking{
		PolicyName:       "reranker-concurrency",
		PredefinedMetric: types.MetricTypeSageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution,
		TargetValue:      4,
		ScaleOutCooldown: 30 * time.Second,
	}
	if _, err := policy.Apply(ctx, client, target); err != nil {
		fmt.Println(err)
		return
	}
	policies, err := target.Policies(ctx, client)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range policies {
		fmt.Println(aws.ToString(p.PolicyName), aws.ToFloat64(p.TargetTrackingScalingPolicyConfiguration.TargetValue))
	}
	// Output:
	// reranker-concurrency 4
}
