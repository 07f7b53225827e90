package api_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
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
