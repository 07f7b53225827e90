package autoscaling

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// Alarms is the part of the CloudWatch API the scale-to-zero helper uses, with the exact
// method signatures of *cloudwatch.Client.
type Alarms interface {
	PutMetricAlarm(ctx context.Context, params *cloudwatch.PutMetricAlarmInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricAlarmOutput, error)
	DeleteAlarms(ctx context.Context, params *cloudwatch.DeleteAlarmsInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.DeleteAlarmsOutput, error)
}

var _ Alarms = (*cloudwatch.Client)(nil)

// WakeFromZero is the second half of SageMaker's scale-to-zero recipe: target tracking can
// take a component down to zero copies but never back up (there are no invocations per copy
// at zero copies), so a step policy adds one copy when the component's
// NoCapacityInvocationFailures alarm fires.
type WakeFromZero struct {
	// Alarms creates and deletes the CloudWatch alarm.
	Alarms Alarms
	// PolicyName defaults to "<ComponentName>-wake-from-zero", AlarmName to
	// "<ComponentName>-no-capacity".
	PolicyName, AlarmName string
}

// WakePolicy returns the step policy that adds one copy: ChangeInCapacity +1 whenever the
// alarm's metric is at or above its threshold, aggregated by Maximum, 60-second cooldown
// (the documented values).
func (ic InferenceComponent) WakePolicy() StepScaling {
	name := ""
	if ic.Wake != nil {
		name = ic.Wake.PolicyName
	}
	if name == "" {
		name = ic.ComponentName + "-wake-from-zero"
	}
	lower := 0.0
	return StepScaling{
		PolicyName:        name,
		AdjustmentType:    types.AdjustmentTypeChangeInCapacity,
		Steps:             []Step{{Lower: &lower, Adjustment: 1}},
		Cooldown:          time.Minute,
		MetricAggregation: types.MetricAggregationTypeMaximum,
	}
}

// WakeAlarm returns the alarm that runs the step policy policyARN: the Sum of the
// component's NoCapacityInvocationFailures over one minute above 1 (the documented values).
func (ic InferenceComponent) WakeAlarm(policyARN string) *cloudwatch.PutMetricAlarmInput {
	name := ""
	if ic.Wake != nil {
		name = ic.Wake.AlarmName
	}
	if name == "" {
		name = ic.ComponentName + "-no-capacity"
	}
	return &cloudwatch.PutMetricAlarmInput{
		AlarmName:          aws.String(name),
		AlarmDescription:   aws.String("Wakes inference component " + ic.ComponentName + " from zero copies"),
		Namespace:          aws.String("AWS/SageMaker"),
		MetricName:         aws.String("NoCapacityInvocationFailures"),
		Dimensions:         []cwtypes.Dimension{{Name: aws.String("InferenceComponentName"), Value: aws.String(ic.ComponentName)}},
		Statistic:          cwtypes.StatisticSum,
		Period:             aws.Int32(60),
		EvaluationPeriods:  aws.Int32(1),
		DatapointsToAlarm:  aws.Int32(1),
		Threshold:          aws.Float64(1),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
		TreatMissingData:   aws.String("missing"),
		AlarmActions:       []string{policyARN},
	}
}

// setupWake puts the wake-from-zero step policy and its alarm.
func (ic InferenceComponent) setupWake(ctx context.Context, c Client, t ScalableTarget) error {
	arn, err := ic.WakePolicy().Apply(ctx, c, t)
	if err != nil {
		return err
	}
	if _, err := ic.Wake.Alarms.PutMetricAlarm(ctx, ic.WakeAlarm(arn)); err != nil {
		return fmt.Errorf("put alarm %s: %w", aws.ToString(ic.WakeAlarm(arn).AlarmName), err)
	}
	return nil
}

// cleanupWake deletes the alarm and the step policy; parts already gone count as done.
func (ic InferenceComponent) cleanupWake(ctx context.Context, c Client, t ScalableTarget) error {
	if ic.Wake == nil || ic.Wake.Alarms == nil {
		return nil
	}
	if _, err := ic.Wake.Alarms.DeleteAlarms(ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{aws.ToString(ic.WakeAlarm("").AlarmName)}}); err != nil {
		var nf *cwtypes.ResourceNotFound
		if !errors.As(err, &nf) {
			return fmt.Errorf("delete alarm: %w", err)
		}
	}
	if err := t.DeletePolicy(ctx, c, ic.WakePolicy().PolicyName); err != nil && !IsNotFound(err) {
		return err
	}
	return nil
}
