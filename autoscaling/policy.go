package autoscaling

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
)

// Policy is a scaling policy that can be put on a scalable target.
type Policy interface {
	// Name is the policy name, unique per target.
	Name() string
	// Apply creates the policy on t or replaces it, and returns the policy ARN.
	Apply(ctx context.Context, c Client, t ScalableTarget) (arn string, err error)
}

var (
	_ Policy = TargetTracking{}
	_ Policy = StepScaling{}
)

// ZeroCooldown asks for an explicit cooldown of zero seconds. A cooldown field left at 0
// is not sent, and the service applies its default (300 seconds for most resources).
const ZeroCooldown time.Duration = -1

// maxCooldown is the largest cooldown the API accepts (one day, in seconds).
const maxCooldown = 24 * time.Hour

// cooldown converts a cooldown field to the wire value: nil when unset.
func cooldown(field string, d time.Duration) (*int32, error) {
	switch {
	case d == 0:
		return nil, nil
	case d == ZeroCooldown:
		return aws.Int32(0), nil
	case d < 0:
		return nil, fmt.Errorf("%s is %v; it must not be negative (use ZeroCooldown for an explicit 0)", field, d)
	case d%time.Second != 0:
		return nil, fmt.Errorf("%s is %v; it must be a whole number of seconds", field, d)
	case d > maxCooldown:
		return nil, fmt.Errorf("%s is %v; it must be at most %v", field, d, maxCooldown)
	}
	return aws.Int32(int32(d / time.Second)), nil
}

func validatePolicyName(field, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%s is empty", field)
	case len(name) > 256:
		return fmt.Errorf("%s %q is longer than 256 characters", field, name)
	}
	return nil
}

// TargetTracking keeps a metric near a target value by adding or removing capacity.
type TargetTracking struct {
	PolicyName string
	// PredefinedMetric names a predefined metric, e.g.
	// types.MetricTypeSageMakerInferenceComponentInvocationsPerCopy. Set it or CustomMetric.
	PredefinedMetric types.MetricType
	// ResourceLabel completes predefined metrics that need one (ALB request counts).
	ResourceLabel string
	// CustomMetric is a CloudWatch metric (or metric math) to track instead.
	CustomMetric *types.CustomizedMetricSpecification
	// TargetValue is the value to keep the metric at; it must be positive.
	TargetValue float64
	// ScaleInCooldown and ScaleOutCooldown are whole seconds; 0 leaves the service default.
	ScaleInCooldown, ScaleOutCooldown time.Duration
	// DisableScaleIn stops the policy from removing capacity.
	DisableScaleIn bool
}

// Name returns the policy name.
func (p TargetTracking) Name() string { return p.PolicyName }

func (p TargetTracking) config() (*types.TargetTrackingScalingPolicyConfiguration, error) {
	var errs []error
	if err := validatePolicyName("TargetTracking.PolicyName", p.PolicyName); err != nil {
		errs = append(errs, err)
	}
	switch {
	case p.PredefinedMetric == "" && p.CustomMetric == nil:
		errs = append(errs, errors.New("TargetTracking needs PredefinedMetric or CustomMetric; both are empty"))
	case p.PredefinedMetric != "" && p.CustomMetric != nil:
		errs = append(errs, fmt.Errorf("TargetTracking sets both PredefinedMetric %q and CustomMetric; set one", p.PredefinedMetric))
	case p.CustomMetric == nil && p.ResourceLabel != "" && p.PredefinedMetric == "":
		errs = append(errs, errors.New("TargetTracking.ResourceLabel needs a PredefinedMetric"))
	}
	if p.TargetValue <= 0 || math.IsNaN(p.TargetValue) || math.IsInf(p.TargetValue, 0) {
		errs = append(errs, fmt.Errorf("TargetTracking.TargetValue is %v; it must be a positive number", p.TargetValue))
	}
	in, err := cooldown("TargetTracking.ScaleInCooldown", p.ScaleInCooldown)
	if err != nil {
		errs = append(errs, err)
	}
	out, err := cooldown("TargetTracking.ScaleOutCooldown", p.ScaleOutCooldown)
	if err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	cfg := &types.TargetTrackingScalingPolicyConfiguration{
		TargetValue:                   aws.Float64(p.TargetValue),
		CustomizedMetricSpecification: p.CustomMetric,
		ScaleInCooldown:               in,
		ScaleOutCooldown:              out,
	}
	if p.DisableScaleIn {
		cfg.DisableScaleIn = aws.Bool(true)
	}
	if p.PredefinedMetric != "" {
		cfg.PredefinedMetricSpecification = &types.PredefinedMetricSpecification{PredefinedMetricType: p.PredefinedMetric}
		if p.ResourceLabel != "" {
			cfg.PredefinedMetricSpecification.ResourceLabel = aws.String(p.ResourceLabel)
		}
	}
	return cfg, nil
}

// Apply puts the policy on t and returns its ARN.
func (p TargetTracking) Apply(ctx context.Context, c Client, t ScalableTarget) (string, error) {
	cfg, err := p.config()
	if err != nil {
		return "", fmt.Errorf("put target-tracking policy: %w", err)
	}
	return putPolicy(ctx, c, t, p.PolicyName, &applicationautoscaling.PutScalingPolicyInput{
		PolicyType:                               types.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: cfg,
	})
}

// StepScaling changes capacity by steps chosen by how far an alarm's metric is past its
// threshold. Connect a CloudWatch alarm to the returned policy ARN to trigger it.
type StepScaling struct {
	PolicyName string
	// AdjustmentType says how ScalingAdjustment is read, e.g. types.AdjustmentTypeChangeInCapacity.
	AdjustmentType types.AdjustmentType
	Steps          []Step
	// Cooldown is whole seconds; 0 leaves the service default.
	Cooldown time.Duration
	// MetricAggregation is how the alarm's data points are aggregated (Average by default).
	MetricAggregation types.MetricAggregationType
	// MinAdjustmentMagnitude is the smallest change for PercentChangeInCapacity; 0 is unset.
	MinAdjustmentMagnitude int32
}

// Step is one step adjustment. Bounds are offsets from the alarm threshold; nil is
// unbounded (use aws.Float64 to set one).
type Step struct {
	Lower, Upper *float64
	Adjustment   int32
}

// Name returns the policy name.
func (p StepScaling) Name() string { return p.PolicyName }

func (p StepScaling) config() (*types.StepScalingPolicyConfiguration, error) {
	var errs []error
	if err := validatePolicyName("StepScaling.PolicyName", p.PolicyName); err != nil {
		errs = append(errs, err)
	}
	if p.AdjustmentType == "" {
		errs = append(errs, errors.New("StepScaling.AdjustmentType is empty"))
	}
	if len(p.Steps) == 0 {
		errs = append(errs, errors.New("StepScaling.Steps is empty; give at least one step"))
	}
	steps := make([]types.StepAdjustment, 0, len(p.Steps))
	for i, s := range p.Steps {
		if s.Lower == nil && s.Upper == nil {
			errs = append(errs, fmt.Errorf("StepScaling.Steps[%d] has neither a lower nor an upper bound", i))
		}
		if s.Lower != nil && s.Upper != nil && *s.Upper <= *s.Lower {
			errs = append(errs, fmt.Errorf("StepScaling.Steps[%d] upper bound %v is not above its lower bound %v", i, *s.Upper, *s.Lower))
		}
		steps = append(steps, types.StepAdjustment{
			MetricIntervalLowerBound: s.Lower,
			MetricIntervalUpperBound: s.Upper,
			ScalingAdjustment:        aws.Int32(s.Adjustment),
		})
	}
	if p.MinAdjustmentMagnitude < 0 {
		errs = append(errs, fmt.Errorf("StepScaling.MinAdjustmentMagnitude is %d; it must not be negative", p.MinAdjustmentMagnitude))
	}
	cd, err := cooldown("StepScaling.Cooldown", p.Cooldown)
	if err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	cfg := &types.StepScalingPolicyConfiguration{
		AdjustmentType:        p.AdjustmentType,
		StepAdjustments:       steps,
		Cooldown:              cd,
		MetricAggregationType: p.MetricAggregation,
	}
	if p.MinAdjustmentMagnitude > 0 {
		cfg.MinAdjustmentMagnitude = aws.Int32(p.MinAdjustmentMagnitude)
	}
	return cfg, nil
}

// Apply puts the policy on t and returns its ARN.
func (p StepScaling) Apply(ctx context.Context, c Client, t ScalableTarget) (string, error) {
	cfg, err := p.config()
	if err != nil {
		return "", fmt.Errorf("put step-scaling policy: %w", err)
	}
	return putPolicy(ctx, c, t, p.PolicyName, &applicationautoscaling.PutScalingPolicyInput{
		PolicyType:                     types.PolicyTypeStepScaling,
		StepScalingPolicyConfiguration: cfg,
	})
}

func putPolicy(ctx context.Context, c Client, t ScalableTarget, name string, in *applicationautoscaling.PutScalingPolicyInput) (string, error) {
	if err := t.validateKey(); err != nil {
		return "", fmt.Errorf("put scaling policy %s: %w", name, err)
	}
	in.PolicyName = aws.String(name)
	in.ServiceNamespace = t.Namespace
	in.ResourceId = aws.String(t.ResourceID)
	in.ScalableDimension = t.Dimension
	out, err := c.PutScalingPolicy(ctx, in)
	if err != nil {
		return "", fmt.Errorf("put scaling policy %s on %s: %w", name, t, err)
	}
	return aws.ToString(out.PolicyARN), nil
}
