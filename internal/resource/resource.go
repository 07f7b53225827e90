// Package resource is the contract for changing capacity: an Actuator per kind of scalable
// resource (namespace + scalable dimension), found through an explicit Registry. Its shape
// mirrors the AWS custom-resource protocol: read desired/actual capacity and a scaling
// status, and ask for a new desired capacity.
package resource

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/scaled-dev/scaled/internal/model"
)

// Status is the scaling status an actuator reports.
type Status int

// Statuses; the zero value is invalid on purpose.
const (
	StatusPending Status = iota + 1
	StatusInProgress
	StatusSuccessful
	StatusFailed
)

func (s Status) String() string {
	switch s {
	case StatusPending:
		return "Pending"
	case StatusInProgress:
		return "InProgress"
	case StatusSuccessful:
		return "Successful"
	case StatusFailed:
		return "Failed"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// State is what an actuator reports about a resource.
type State struct {
	Desired int32
	Actual  int32
	Status  Status
	Message string
}

// ErrNotScalable means the resource exists but cannot be scaled now (or no runtime backs it);
// the message says why and becomes the activity's status message.
var ErrNotScalable = errors.New("resource is not scalable")

// ErrNotFound means the resource does not exist.
var ErrNotFound = errors.New("resource not found")

// Actuator reads and changes the capacity of one kind of resource.
type Actuator interface {
	State(ctx context.Context, k model.TargetKey) (State, error)
	// SetDesired asks the resource to converge to n and returns once the request is
	// accepted (not when it is fulfilled).
	SetDesired(ctx context.Context, k model.TargetKey, n int32) error
}

// IDValidator is optionally implemented by actuators that can check a ResourceId at
// registration time (for example that the inference component exists).
type IDValidator interface {
	ValidateResourceID(ctx context.Context, k model.TargetKey) error
}

// Kind is a namespace and scalable dimension.
type Kind struct {
	Namespace string
	Dimension string
}

// Registry maps kinds to actuators. It is built once at start-up and read-only afterwards.
type Registry struct {
	m map[Kind]Actuator
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{m: map[Kind]Actuator{}} }

// Register adds an actuator. A zero or duplicate kind is a wiring bug and panics.
func (r *Registry) Register(k Kind, a Actuator) {
	if k.Namespace == "" || k.Dimension == "" || a == nil {
		panic("resource: invalid registration")
	}
	if _, dup := r.m[k]; dup {
		panic("resource: duplicate registration of " + k.Namespace + " " + k.Dimension)
	}
	r.m[k] = a
}

// Lookup finds the actuator of a kind.
func (r *Registry) Lookup(k Kind) (Actuator, bool) {
	a, ok := r.m[k]
	return a, ok
}

// Kinds lists the registered kinds in a stable order.
func (r *Registry) Kinds() []Kind {
	out := make([]Kind, 0, len(r.m))
	for k := range r.m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Namespace != out[j].Namespace {
			return out[i].Namespace < out[j].Namespace
		}
		return out[i].Dimension < out[j].Dimension
	})
	return out
}
