package api_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/store"
	"github.com/scaled-dev/scaled/internal/store/memstore"
)

// TestMetricMathValidation: the statistics and expressions of a customized target-tracking
// metric are checked when the policy is put, as CloudWatch checks the alarms made from them.
func TestMetricMathValidation(t *testing.T) {
	e := newEnv(t)
	c := e.client(testAccount)
	const ic = "inference-component/mm"
	if _, err := c.RegisterScalableTarget(ctx(t), &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceSagemaker,
		ResourceId: aws.String(ic), ScalableDimension: types.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount,
		MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(4)}); err != nil {
		t.Fatal(err)
	}
	stat := func(id, name, st string, ret bool) types.TargetTrackingMetricDataQuery {
		return types.TargetTrackingMetricDataQuery{Id: aws.String(id), ReturnData: aws.Bool(ret), MetricStat: &types.TargetTrackingMetricStat{
			Stat: aws.String(st), Metric: &types.TargetTrackingMetric{Namespace: aws.String("AWS/SageMaker"), MetricName: aws.String(name),
				Dimensions: []types.TargetTrackingMetricDimension{{Name: aws.String("InferenceComponentName"), Value: aws.String("mm")}}}}}
	}
	expr := func(id, e string) types.TargetTrackingMetricDataQuery {
		return types.TargetTrackingMetricDataQuery{Id: aws.String(id), Expression: aws.String(e), ReturnData: aws.Bool(true)}
	}
	tests := []struct {
		name    string
		metrics []types.TargetTrackingMetricDataQuery
		wantErr string // "" for success
	}{
		{"percentile", []types.TargetTrackingMetricDataQuery{stat("m1", "ModelLatency", "p90", true)}, ""},
		{"trimmed mean", []types.TargetTrackingMetricDataQuery{stat("m1", "ModelLatency", "tm99", true)}, ""},
		{"ratio", []types.TargetTrackingMetricDataQuery{stat("m1", "Invocation5XXErrors", "Sum", false), stat("m2", "Invocations", "Sum", false), expr("e1", "100 * m1 / m2")}, ""},
		{"percentile above 100", []types.TargetTrackingMetricDataQuery{stat("m1", "ModelLatency", "p999", true)},
			`Invalid statistic "p999" at CustomizedMetricSpecification.Metrics[0].MetricStat.Stat`},
		{"unknown statistic", []types.TargetTrackingMetricDataQuery{stat("m1", "ModelLatency", "Median", true)},
			`Invalid statistic "Median" at CustomizedMetricSpecification.Metrics[0].MetricStat.Stat`},
		{"expression syntax", []types.TargetTrackingMetricDataQuery{stat("m1", "Invocations", "Sum", false), expr("e1", "m1 +")},
			"Invalid metric math in CustomizedMetricSpecification.Metrics"},
		{"unknown id", []types.TargetTrackingMetricDataQuery{stat("m1", "Invocations", "Sum", false), expr("e1", "m1 / m9")},
			"Invalid metric math in CustomizedMetricSpecification.Metrics"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.PutScalingPolicy(ctx(t), &aas.PutScalingPolicyInput{
				PolicyName: aws.String("mm-" + string(rune('a'+i))), ServiceNamespace: types.ServiceNamespaceSagemaker, ResourceId: aws.String(ic),
				ScalableDimension: types.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount, PolicyType: types.PolicyTypeTargetTrackingScaling,
				TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(10),
					CustomizedMetricSpecification: &types.CustomizedMetricSpecification{Metrics: tt.metrics}},
			})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("PutScalingPolicy: %v", err)
				}
				return
			}
			ae := apiErr(t, err, "ValidationException")
			if !strings.Contains(ae.ErrorMessage(), tt.wantErr) {
				t.Errorf("message %q does not contain %q", ae.ErrorMessage(), tt.wantErr)
			}
			t.Logf("%s", ae.ErrorMessage())
		})
	}
}

// alarmOutage is a store whose alarm listings fail, as when the alarm store cannot be read.
type alarmOutage struct {
	*memstore.Store
}

func (alarmOutage) ListAlarms(context.Context, store.AlarmFilter) ([]model.MetricAlarm, string, error) {
	return nil, "", errors.New("alarm table unavailable")
}

// TestFailedResourceAccess: when the alarms of a step policy cannot be read,
// DescribeScalingPolicies fails with FailedResourceAccessException (as AWS does when it
// cannot call CloudWatch DescribeAlarms), without internal details in the message.
func TestFailedResourceAccess(t *testing.T) {
	e := newEnvWithStore(t, alarmOutage{memstore.New()})
	c := e.client(testAccount)
	_, err := c.RegisterScalableTarget(ctx(t), &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceEcs,
		ResourceId: aws.String("service/c/s"), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount,
		MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(10)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutScalingPolicy(ctx(t), &aas.PutScalingPolicyInput{PolicyName: aws.String("step"), ServiceNamespace: types.ServiceNamespaceEcs,
		ResourceId: aws.String("service/c/s"), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, PolicyType: types.PolicyTypeStepScaling,
		StepScalingPolicyConfiguration: &types.StepScalingPolicyConfiguration{AdjustmentType: types.AdjustmentTypeChangeInCapacity,
			StepAdjustments: []types.StepAdjustment{{MetricIntervalLowerBound: aws.Float64(0), ScalingAdjustment: aws.Int32(1)}}}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeScalingPolicies(ctx(t), &aas.DescribeScalingPoliciesInput{ServiceNamespace: types.ServiceNamespaceEcs})
	ae := apiErr(t, err, "FailedResourceAccessException")
	if !strings.Contains(ae.ErrorMessage(), "Unable to retrieve the CloudWatch alarms of scaling policy arn:aws:autoscaling:") || strings.Contains(ae.ErrorMessage(), "alarm table") {
		t.Errorf("message = %q", ae.ErrorMessage())
	}
}
