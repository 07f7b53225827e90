package autoscaling

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
)

// ScalableTarget describes a scalable target as it should be registered.
type ScalableTarget struct {
	// Namespace is the service that owns the resource, e.g. types.ServiceNamespaceSagemaker.
	Namespace types.ServiceNamespace
	// ResourceID is the AWS ResourceId, e.g. "inference-component/my-ic".
	ResourceID string
	// Dimension is the capacity that scales, e.g.
	// types.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount.
	Dimension types.ScalableDimension
	// Min and Max bound the capacity; both are sent on every Register.
	Min, Max int32
	// Suspended, when set, pauses or resumes parts of scaling. Nil leaves the suspension of an
	// existing target as it is (a new target starts with nothing suspended).
	Suspended *Suspended
	// RoleARN is only needed for namespaces without a service-linked role.
	RoleARN string
	// Tags are applied when the target is created.
	Tags map[string]string
}

// Suspended says which kinds of scaling are paused on a target.
type Suspended struct {
	DynamicScalingIn  bool
	DynamicScalingOut bool
	ScheduledScaling  bool
}

func (t ScalableTarget) validate() error {
	var errs []error
	if t.Namespace == "" {
		errs = append(errs, errors.New("ScalableTarget.Namespace is empty"))
	}
	if t.ResourceID == "" {
		errs = append(errs, errors.New("ScalableTarget.ResourceID is empty"))
	}
	if t.Dimension == "" {
		errs = append(errs, errors.New("ScalableTarget.Dimension is empty"))
	}
	if t.Min < 0 {
		errs = append(errs, fmt.Errorf("ScalableTarget.Min is %d; it must not be negative", t.Min))
	}
	if t.Max < t.Min {
		errs = append(errs, fmt.Errorf("ScalableTarget.Max %d is less than Min %d", t.Max, t.Min))
	}
	return errors.Join(errs...)
}

func (t ScalableTarget) String() string {
	return fmt.Sprintf("%s %s %s", t.Namespace, t.ResourceID, t.Dimension)
}

// Register creates the target or updates it to t, and returns its ARN.
func (t ScalableTarget) Register(ctx context.Context, c Client) (arn string, err error) {
	if err := t.validate(); err != nil {
		return "", fmt.Errorf("register scalable target: %w", err)
	}
	in := &applicationautoscaling.RegisterScalableTargetInput{
		ServiceNamespace:  t.Namespace,
		ResourceId:        aws.String(t.ResourceID),
		ScalableDimension: t.Dimension,
		MinCapacity:       aws.Int32(t.Min),
		MaxCapacity:       aws.Int32(t.Max),
		Tags:              t.Tags,
	}
	if s := t.Suspended; s != nil {
		in.SuspendedState = &types.SuspendedState{
			DynamicScalingInSuspended:  aws.Bool(s.DynamicScalingIn),
			DynamicScalingOutSuspended: aws.Bool(s.DynamicScalingOut),
			ScheduledScalingSuspended:  aws.Bool(s.ScheduledScaling),
		}
	}
	if t.RoleARN != "" {
		in.RoleARN = aws.String(t.RoleARN)
	}
	out, err := c.RegisterScalableTarget(ctx, in)
	if err != nil {
		return "", fmt.Errorf("register scalable target %s: %w", t, err)
	}
	return aws.ToString(out.ScalableTargetARN), nil
}

// Deregister removes the target; the service deletes its policies and scheduled actions
// with it. A target that does not exist is an error for which IsNotFound reports true.
func (t ScalableTarget) Deregister(ctx context.Context, c Client) error {
	if err := t.validateKey(); err != nil {
		return fmt.Errorf("deregister scalable target: %w", err)
	}
	_, err := c.DeregisterScalableTarget(ctx, &applicationautoscaling.DeregisterScalableTargetInput{
		ServiceNamespace:  t.Namespace,
		ResourceId:        aws.String(t.ResourceID),
		ScalableDimension: t.Dimension,
	})
	if err != nil {
		return fmt.Errorf("deregister scalable target %s: %w", t, err)
	}
	return nil
}

// Registration is a registered target as the service describes it.
type Registration struct {
	ARN          string
	Min, Max     int32
	Suspended    Suspended
	CreationTime time.Time
}

// Describe returns the registered state of the target, and false if it is not registered.
func (t ScalableTarget) Describe(ctx context.Context, c Client) (Registration, bool, error) {
	if err := t.validateKey(); err != nil {
		return Registration{}, false, fmt.Errorf("describe scalable target: %w", err)
	}
	out, err := c.DescribeScalableTargets(ctx, &applicationautoscaling.DescribeScalableTargetsInput{
		ServiceNamespace:  t.Namespace,
		ResourceIds:       []string{t.ResourceID},
		ScalableDimension: t.Dimension,
	})
	if err != nil {
		return Registration{}, false, fmt.Errorf("describe scalable target %s: %w", t, err)
	}
	for _, st := range out.ScalableTargets {
		if aws.ToString(st.ResourceId) != t.ResourceID || st.ScalableDimension != t.Dimension {
			continue
		}
		r := Registration{
			ARN:          aws.ToString(st.ScalableTargetARN),
			Min:          aws.ToInt32(st.MinCapacity),
			Max:          aws.ToInt32(st.MaxCapacity),
			CreationTime: aws.ToTime(st.CreationTime),
		}
		if s := st.SuspendedState; s != nil {
			r.Suspended = Suspended{
				DynamicScalingIn:  aws.ToBool(s.DynamicScalingInSuspended),
				DynamicScalingOut: aws.ToBool(s.DynamicScalingOutSuspended),
				ScheduledScaling:  aws.ToBool(s.ScheduledScalingSuspended),
			}
		}
		return r, true, nil
	}
	return Registration{}, false, nil
}

// Policies returns every scaling policy attached to the target, following pages.
func (t ScalableTarget) Policies(ctx context.Context, c Client) ([]types.ScalingPolicy, error) {
	if err := t.validateKey(); err != nil {
		return nil, fmt.Errorf("describe scaling policies: %w", err)
	}
	var all []types.ScalingPolicy
	in := &applicationautoscaling.DescribeScalingPoliciesInput{
		ServiceNamespace:  t.Namespace,
		ResourceId:        aws.String(t.ResourceID),
		ScalableDimension: t.Dimension,
	}
	for {
		out, err := c.DescribeScalingPolicies(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("describe scaling policies of %s: %w", t, err)
		}
		all = append(all, out.ScalingPolicies...)
		if aws.ToString(out.NextToken) == "" {
			return all, nil
		}
		in.NextToken = out.NextToken
	}
}

// DeletePolicy deletes the named policy of the target. A policy that does not exist is an
// error for which IsNotFound reports true.
func (t ScalableTarget) DeletePolicy(ctx context.Context, c Client, name string) error {
	if err := t.validateKey(); err != nil {
		return fmt.Errorf("delete scaling policy: %w", err)
	}
	if name == "" {
		return errors.New("delete scaling policy: policy name is empty")
	}
	_, err := c.DeleteScalingPolicy(ctx, &applicationautoscaling.DeleteScalingPolicyInput{
		PolicyName:        aws.String(name),
		ServiceNamespace:  t.Namespace,
		ResourceId:        aws.String(t.ResourceID),
		ScalableDimension: t.Dimension,
	})
	if err != nil {
		return fmt.Errorf("delete scaling policy %s of %s: %w", name, t, err)
	}
	return nil
}

func (t ScalableTarget) validateKey() error {
	k := t
	k.Min, k.Max = 0, 0
	return k.validate()
}
