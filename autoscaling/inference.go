package autoscaling

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
)

// InferenceComponent sets up the usual autoscaling of a SageMaker inference component: its
// copy count registered as a scalable target, and a target-tracking policy on invocations
// per copy.
type InferenceComponent struct {
	// ComponentName is the inference component's name (not the endpoint's).
	ComponentName string
	// MinCopies may be 0 (scale to zero; set Wake so that the component also wakes from
	// zero). MaxCopies must be at least 1 and at least MinCopies.
	MinCopies, MaxCopies int32
	// TargetInvocationsPerCopy is the invocations per copy per minute to hold.
	TargetInvocationsPerCopy float64
	// ScaleInCooldown and ScaleOutCooldown are whole seconds; 0 leaves the service default
	// (300 seconds).
	ScaleInCooldown, ScaleOutCooldown time.Duration
	// PolicyName defaults to "<ComponentName>-invocations-per-copy".
	PolicyName string
	// Wake, with MinCopies 0, also puts the wake-from-zero step policy and its
	// NoCapacityInvocationFailures alarm (see WakeFromZero).
	Wake *WakeFromZero
}

var componentName = regexp.MustCompile(`^[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?$`)

func (ic InferenceComponent) validate() error {
	var errs []error
	switch {
	case ic.ComponentName == "":
		errs = append(errs, errors.New("InferenceComponent.ComponentName is empty"))
	case len(ic.ComponentName) > 63 || !componentName.MatchString(ic.ComponentName):
		errs = append(errs, fmt.Errorf("InferenceComponent.ComponentName %q must be 1 to 63 letters, digits or inner hyphens", ic.ComponentName))
	}
	if ic.MinCopies < 0 {
		errs = append(errs, fmt.Errorf("InferenceComponent.MinCopies is %d; it must not be negative", ic.MinCopies))
	}
	if ic.MaxCopies < 1 || ic.MaxCopies < ic.MinCopies {
		errs = append(errs, fmt.Errorf("InferenceComponent.MaxCopies is %d; it must be at least 1 and at least MinCopies (%d)", ic.MaxCopies, ic.MinCopies))
	}
	if v := ic.TargetInvocationsPerCopy; v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		errs = append(errs, fmt.Errorf("InferenceComponent.TargetInvocationsPerCopy is %v; it must be a positive number", v))
	}
	if _, err := cooldown("InferenceComponent.ScaleInCooldown", ic.ScaleInCooldown); err != nil {
		errs = append(errs, err)
	}
	if _, err := cooldown("InferenceComponent.ScaleOutCooldown", ic.ScaleOutCooldown); err != nil {
		errs = append(errs, err)
	}
	if ic.Wake != nil {
		if ic.Wake.Alarms == nil {
			errs = append(errs, errors.New("InferenceComponent.Wake.Alarms is nil; it creates the NoCapacityInvocationFailures alarm"))
		}
		if ic.MinCopies != 0 {
			errs = append(errs, fmt.Errorf("InferenceComponent.Wake is set but MinCopies is %d; waking from zero needs MinCopies 0", ic.MinCopies))
		}
	}
	return errors.Join(errs...)
}

// Target returns the scalable target of the component's copy count.
func (ic InferenceComponent) Target() ScalableTarget {
	return ScalableTarget{
		Namespace:  types.ServiceNamespaceSagemaker,
		ResourceID: "inference-component/" + ic.ComponentName,
		Dimension:  types.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount,
		Min:        ic.MinCopies,
		Max:        ic.MaxCopies,
	}
}

// Policy returns the target-tracking policy on SageMakerInferenceComponentInvocationsPerCopy.
func (ic InferenceComponent) Policy() TargetTracking {
	name := ic.PolicyName
	if name == "" {
		name = ic.ComponentName + "-invocations-per-copy"
	}
	return TargetTracking{
		PolicyName:       name,
		PredefinedMetric: types.MetricTypeSageMakerInferenceComponentInvocationsPerCopy,
		TargetValue:      ic.TargetInvocationsPerCopy,
		ScaleInCooldown:  ic.ScaleInCooldown,
		ScaleOutCooldown: ic.ScaleOutCooldown,
	}
}

// Setup registers the component's target (or updates its bounds, leaving any suspension as
// it is) and puts the target-tracking policy on it, and with Wake the wake-from-zero step
// policy and its alarm. Running it again with the same values changes nothing. If a later
// step fails, Setup puts the target back as it found it — deregistered if this call
// registered it (which deletes the policies it put), otherwise with its previous bounds — so
// that nothing is left half done, and returns the error (joined with the undo's error if that
// fails too, for example because ctx was cancelled). On a target that already existed,
// policies put before the failure keep their new values; running Setup again completes it.
func (ic InferenceComponent) Setup(ctx context.Context, c Client) error {
	if err := ic.validate(); err != nil {
		return fmt.Errorf("set up inference component: %w", err)
	}
	t := ic.Target()
	prev, existed, err := t.Describe(ctx, c)
	if err != nil {
		return fmt.Errorf("set up inference component %s: %w", ic.ComponentName, err)
	}
	if _, err := t.Register(ctx, c); err != nil {
		return fmt.Errorf("set up inference component %s: %w", ic.ComponentName, err)
	}
	undo := func(err error) error {
		err = fmt.Errorf("set up inference component %s: %w", ic.ComponentName, err)
		if uerr := undoRegister(ctx, c, t, prev, existed); uerr != nil {
			return errors.Join(err, fmt.Errorf("undo registration: %w", uerr))
		}
		return err
	}
	if _, err := ic.Policy().Apply(ctx, c, t); err != nil {
		return undo(err)
	}
	if ic.Wake != nil {
		if err := ic.setupWake(ctx, c, t); err != nil {
			return undo(err)
		}
	}
	return nil
}

// undoRegister puts t back as Describe found it before Setup registered it: deregistered
// if it did not exist, otherwise with its previous capacity bounds.
func undoRegister(ctx context.Context, c Client, t ScalableTarget, prev Registration, existed bool) error {
	if !existed {
		if err := t.Deregister(ctx, c); err != nil && !IsNotFound(err) {
			return err
		}
		return nil
	}
	if prev.Min == t.Min && prev.Max == t.Max {
		return nil
	}
	t.Min, t.Max = prev.Min, prev.Max
	_, err := t.Register(ctx, c)
	return err
}

// Cleanup deletes the component's policies (and with Wake its alarm) and deregisters its
// target. Parts already gone
// count as done, so Cleanup can be run any number of times.
func (ic InferenceComponent) Cleanup(ctx context.Context, c Client) error {
	if ic.ComponentName == "" {
		return errors.New("clean up inference component: InferenceComponent.ComponentName is empty")
	}
	t := ic.Target()
	if err := ic.cleanupWake(ctx, c, t); err != nil {
		return fmt.Errorf("clean up inference component %s: %w", ic.ComponentName, err)
	}
	if err := t.DeletePolicy(ctx, c, ic.Policy().PolicyName); err != nil && !IsNotFound(err) {
		return fmt.Errorf("clean up inference component %s: %w", ic.ComponentName, err)
	}
	if err := t.Deregister(ctx, c); err != nil && !IsNotFound(err) {
		return fmt.Errorf("clean up inference component %s: %w", ic.ComponentName, err)
	}
	return nil
}
