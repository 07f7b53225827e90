// Package sagemaker is the actuator for SageMaker inference components
// (namespace "sagemaker", dimension "sagemaker:inference-component:DesiredCopyCount"),
// backed by the local serving runtime through the SageMaker API (so a copy-count change is
// persisted like an UpdateInferenceComponentRuntimeConfig call).
package sagemaker

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
	"github.com/scaled-dev/scaled/internal/serving"
)

// Namespace and Dimension are the kind this actuator serves.
const (
	Namespace = "sagemaker"
	Dimension = "sagemaker:inference-component:DesiredCopyCount"
	// ResourcePrefix starts every ResourceId of the kind.
	ResourcePrefix = "inference-component/"
)

// Kind is the registry key of the actuator.
var Kind = resource.Kind{Namespace: Namespace, Dimension: Dimension}

// NoRuntimeMessage explains why targets cannot scale when no runtime is attached.
const NoRuntimeMessage = "no inference-component runtime is attached to this scaled server; start it with the local runtime enabled"

// Backend reads and changes inference components; *internal/sagemaker.API implements it.
type Backend interface {
	ComponentState(ctx context.Context, account, name string) (serving.ComponentState, error)
	SetCopyCount(ctx context.Context, account, name string, n int32) error
}

// Options configure the actuator.
type Options struct {
	// Backend is the SageMaker API of the local runtime; nil means no runtime is attached.
	Backend Backend
}

// Actuator implements resource.Actuator and resource.IDValidator.
type Actuator struct {
	b Backend
}

// New returns the actuator. A Backend that is a nil pointer counts as no runtime.
func New(opts Options) *Actuator {
	b := opts.Backend
	if b != nil {
		if v := reflect.ValueOf(b); v.Kind() == reflect.Pointer && v.IsNil() {
			b = nil
		}
	}
	return &Actuator{b: b}
}

var (
	_ resource.Actuator    = (*Actuator)(nil)
	_ resource.IDValidator = (*Actuator)(nil)
)

func componentName(k model.TargetKey) (string, error) {
	name, ok := strings.CutPrefix(k.ResourceID, ResourcePrefix)
	if !ok || name == "" || strings.Contains(name, "/") {
		return "", fmt.Errorf("ResourceId %q: want inference-component/<InferenceComponentName>", k.ResourceID)
	}
	return name, nil
}

func (a *Actuator) noRuntime() error {
	return fmt.Errorf("%w: %s", resource.ErrNotScalable, NoRuntimeMessage)
}

// State reports desired copies (DesiredCopyCount), copies in service (CurrentCopyCount) and
// whether the component has converged.
func (a *Actuator) State(ctx context.Context, k model.TargetKey) (resource.State, error) {
	if a.b == nil {
		return resource.State{}, a.noRuntime()
	}
	name, err := componentName(k)
	if err != nil {
		return resource.State{}, err
	}
	st, err := a.b.ComponentState(ctx, k.Account, name)
	if err != nil {
		if errors.Is(err, serving.ErrNotFound) {
			return resource.State{}, fmt.Errorf("inference component %s: %w", name, resource.ErrNotFound)
		}
		return resource.State{}, fmt.Errorf("reading inference component %s: %w", name, err)
	}
	out := resource.State{Desired: int32(st.Desired), Actual: int32(st.Current), Message: st.Message}
	switch {
	case st.Status == serving.StatusFailed:
		out.Status = resource.StatusFailed
		if st.FailureReason != "" {
			out.Message = st.FailureReason
		}
	case st.Status == serving.StatusInService && st.Current == st.Desired:
		out.Status = resource.StatusSuccessful
	default:
		out.Status = resource.StatusInProgress
	}
	return out, nil
}

// SetDesired sets the component's copy count (UpdateInferenceComponentRuntimeConfig).
func (a *Actuator) SetDesired(ctx context.Context, k model.TargetKey, n int32) error {
	if a.b == nil {
		return a.noRuntime()
	}
	name, err := componentName(k)
	if err != nil {
		return err
	}
	st, err := a.b.ComponentState(ctx, k.Account, name)
	if err != nil {
		if errors.Is(err, serving.ErrNotFound) {
			return fmt.Errorf("inference component %s: %w", name, resource.ErrNotFound)
		}
		return fmt.Errorf("reading inference component %s: %w", name, err)
	}
	if st.Status == serving.StatusDeleting || st.Status == serving.StatusFailed {
		return fmt.Errorf("%w: inference component %s is %s", resource.ErrNotScalable, name, st.Status)
	}
	if err := a.b.SetCopyCount(ctx, k.Account, name, n); err != nil {
		return fmt.Errorf("setting the copy count of inference component %s to %d: %w", name, n, err)
	}
	return nil
}

// ValidateResourceID checks that the inference component exists (always accepts when no
// runtime is attached, so targets can be registered before one is).
func (a *Actuator) ValidateResourceID(ctx context.Context, k model.TargetKey) error {
	name, err := componentName(k)
	if err != nil {
		return err
	}
	if a.b == nil {
		return nil
	}
	if _, err := a.b.ComponentState(ctx, k.Account, name); err != nil {
		if errors.Is(err, serving.ErrNotFound) {
			return fmt.Errorf("inference component %s does not exist: %w", name, resource.ErrNotFound)
		}
		return fmt.Errorf("reading inference component %s: %w", name, err)
	}
	return nil
}
