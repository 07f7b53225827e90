package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// PutScalingPolicy on an existing name replaces the policy under the same ARN, keeps
// CreationTime, merges an omitted step configuration member from the stored one, and refuses
// to change the policy type.
func TestPolicyUpdate(t *testing.T) {
	e := newEnv(t)
	c := e.client(testAccount)
	registerECS(t, c, "service/default/web-app", 1, 10)
	put := func(in *aas.PutScalingPolicyInput) (*aas.PutScalingPolicyOutput, error) {
		in.PolicyName = aws.String("step")
		in.ServiceNamespace, in.ResourceId, in.ScalableDimension = types.ServiceNamespaceEcs, aws.String("service/default/web-app"), types.ScalableDimensionECSServiceDesiredCount
		return c.PutScalingPolicy(ctx(t), in)
	}
	first, err := put(&aas.PutScalingPolicyInput{PolicyType: types.PolicyTypeStepScaling, StepScalingPolicyConfiguration: &types.StepScalingPolicyConfiguration{
		AdjustmentType: types.AdjustmentTypeChangeInCapacity, Cooldown: aws.Int32(60),
		StepAdjustments: []types.StepAdjustment{{MetricIntervalLowerBound: aws.Float64(0), ScalingAdjustment: aws.Int32(1)}}}})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	// Only the cooldown: AdjustmentType and StepAdjustments stay; PolicyType is implied.
	second, err := put(&aas.PutScalingPolicyInput{StepScalingPolicyConfiguration: &types.StepScalingPolicyConfiguration{Cooldown: aws.Int32(120)}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(second.PolicyARN) != aws.ToString(first.PolicyARN) {
		t.Errorf("ARN changed on update: %s -> %s", aws.ToString(first.PolicyARN), aws.ToString(second.PolicyARN))
	}
	out, err := c.DescribeScalingPolicies(ctx(t), &aas.DescribeScalingPoliciesInput{ServiceNamespace: types.ServiceNamespaceEcs, PolicyNames: []string{"step"}})
	if err != nil {
		t.Fatal(err)
	}
	want := &types.StepScalingPolicyConfiguration{AdjustmentType: types.AdjustmentTypeChangeInCapacity, Cooldown: aws.Int32(120),
		StepAdjustments: []types.StepAdjustment{{MetricIntervalLowerBound: aws.Float64(0), ScalingAdjustment: aws.Int32(1)}}}
	if diff := cmp.Diff(want, out.ScalingPolicies[0].StepScalingPolicyConfiguration, cmpopts.IgnoreUnexported(types.StepScalingPolicyConfiguration{}, types.StepAdjustment{})); diff != "" {
		t.Errorf("merged configuration (-want +got):\n%s", diff)
	}
	if got := aws.ToTime(out.ScalingPolicies[0].CreationTime); !got.Equal(epoch) {
		t.Errorf("CreationTime = %v, want %v", got, epoch)
	}
	_, err = put(&aas.PutScalingPolicyInput{PolicyType: types.PolicyTypeTargetTrackingScaling, TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{
		TargetValue: aws.Float64(50), PredefinedMetricSpecification: &types.PredefinedMetricSpecification{PredefinedMetricType: types.MetricTypeECSServiceAverageCPUUtilization}}})
	ae := apiErr(t, err, "ValidationException")
	if !strings.Contains(ae.ErrorMessage(), "cannot be changed from StepScaling to TargetTrackingScaling") {
		t.Errorf("message = %q", ae.ErrorMessage())
	}
	// A configuration of another type is refused.
	_, err = put(&aas.PutScalingPolicyInput{TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(1)}})
	apiErr(t, err, "ValidationException")
	// A new policy needs a type.
	_, err = c.PutScalingPolicy(ctx(t), &aas.PutScalingPolicyInput{PolicyName: aws.String("untyped"), ServiceNamespace: types.ServiceNamespaceEcs,
		ResourceId: aws.String("service/default/web-app"), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount})
	ae = apiErr(t, err, "ValidationException")
	if ae.ErrorMessage() != "PolicyType is required to create scaling policy untyped" {
		t.Errorf("message = %q", ae.ErrorMessage())
	}
}

// Policy types per namespace (AWS-SPEC §3.4).
func TestPolicyTypesPerNamespace(t *testing.T) {
	e := newEnv(t)
	c := e.client(testAccount)
	_, err := c.RegisterScalableTarget(ctx(t), &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceEmr,
		ResourceId: aws.String("instancegroup/j-2EEZNYKUA1NTV/ig-1791Y4E1L8YI0"), ScalableDimension: types.ScalableDimensionEMRInstanceGroupInstanceCount,
		MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(5), RoleARN: aws.String("arn:aws:iam::123456789012:role/EMR_AutoScaling_DefaultRole")})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.DescribeScalableTargets(ctx(t), &aas.DescribeScalableTargetsInput{ServiceNamespace: types.ServiceNamespaceEmr})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.ScalableTargets[0].RoleARN); got != "arn:aws:iam::123456789012:role/EMR_AutoScaling_DefaultRole" {
		t.Errorf("EMR RoleARN = %s", got)
	}
	_, err = c.PutScalingPolicy(ctx(t), &aas.PutScalingPolicyInput{PolicyName: aws.String("tt"), ServiceNamespace: types.ServiceNamespaceEmr,
		ResourceId: aws.String("instancegroup/j-2EEZNYKUA1NTV/ig-1791Y4E1L8YI0"), ScalableDimension: types.ScalableDimensionEMRInstanceGroupInstanceCount,
		PolicyType: types.PolicyTypeTargetTrackingScaling, TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(1),
			CustomizedMetricSpecification: &types.CustomizedMetricSpecification{MetricName: aws.String("m"), Namespace: aws.String("n"), Statistic: types.MetricStatisticAverage}}})
	ae := apiErr(t, err, "ValidationException")
	if ae.ErrorMessage() != "Policy type TargetTrackingScaling is not supported for service namespace elasticmapreduce" {
		t.Errorf("message = %q", ae.ErrorMessage())
	}
}
