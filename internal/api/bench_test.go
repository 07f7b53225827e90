package api_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	"github.com/scaled-dev/scaled/internal/api"
)

// BenchmarkDescribeScalableTargets1000 pages through 1,000 targets (20 pages of 50) with the
// real SDK client over HTTP.
func BenchmarkDescribeScalableTargets1000(b *testing.B) {
	e := newEnv(b, func(o *api.Options) { o.Limits.TargetsPerResourceType = 2000 })
	c := e.client(testAccount)
	for i := range 1000 {
		_, err := c.RegisterScalableTarget(ctx(b), &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceSagemaker,
			ResourceId: aws.String(fmt.Sprintf("inference-component/ic-%04d", i)), ScalableDimension: types.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount,
			MinCapacity: aws.Int32(0), MaxCapacity: aws.Int32(4)})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		n := 0
		p := aas.NewDescribeScalableTargetsPaginator(c, &aas.DescribeScalableTargetsInput{ServiceNamespace: types.ServiceNamespaceSagemaker})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx(b))
			if err != nil {
				b.Fatal(err)
			}
			n += len(out.ScalableTargets)
		}
		if n != 1000 {
			b.Fatalf("got %d targets", n)
		}
	}
}

// BenchmarkRegisterScalableTarget registers new targets with the real SDK client over HTTP,
// 400 per account so that every registration stays under the default quota of 500 (the
// quota check counts the account's targets of the resource type).
func BenchmarkRegisterScalableTarget(b *testing.B) {
	e := newEnv(b)
	var c *aas.Client
	i := 0
	for b.Loop() {
		if i%400 == 0 {
			c = e.client(fmt.Sprintf("%012d", i/400))
		}
		i++
		_, err := c.RegisterScalableTarget(ctx(b), &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceCustomResource,
			ResourceId: aws.String(fmt.Sprintf("https://example.com/t/%d", i)), ScalableDimension: types.ScalableDimensionCustomResourceScalableDimension,
			MinCapacity: aws.Int32(0), MaxCapacity: aws.Int32(4)})
		if err != nil {
			b.Fatal(err)
		}
	}
}
