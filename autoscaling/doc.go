// Package autoscaling helps Go programs set up Application Auto Scaling in code: register a
// scalable target, attach target-tracking or step-scaling policies, and wire up a SageMaker
// inference component in one idempotent call — the setup SageMaker users otherwise write by
// hand against boto3.
//
// The helpers take a Client, which *applicationautoscaling.Client from aws-sdk-go-v2
// satisfies as it is, so they work against AWS and against a scaled server alike (point the
// client at scaled with its BaseEndpoint option):
//
//	client := applicationautoscaling.NewFromConfig(cfg, func(o *applicationautoscaling.Options) {
//		o.BaseEndpoint = aws.String("http://localhost:9000")
//	})
//	ic := autoscaling.InferenceComponent{
//		ComponentName:            "llama-3-8b",
//		MinCopies:                1,
//		MaxCopies:                8,
//		TargetInvocationsPerCopy: 20,
//	}
//	if err := ic.Setup(ctx, client); err != nil { ... }
//
// Values describe the desired state: Register and Apply create or update, so running the same
// setup twice is harmless.
//
// Scale to zero needs one more piece, which SageMaker documents as a recipe: a step policy
// that adds a copy when the component's NoCapacityInvocationFailures alarm fires. Setting
// InferenceComponent.Wake (with a CloudWatch client, *cloudwatch.Client as it is) and
// MinCopies 0 makes Setup put both, and Cleanup remove them.
package autoscaling
