// Package store is the persistence contract of scaled: scalable targets, scaling policies,
// scheduled actions, scaling activities, alarms and control-loop state. Backends live in
// sub-packages (memstore, sqlstore) and all pass the conformance suite in storetest.
//
// Writes are compare-and-swap on a record's Revision: Put with Revision 0 creates and fails
// with ErrConflict if the record exists; Put with Revision N updates only if the stored
// revision is N. A successful Put returns the record with its new revision.
//
// Further rules every backend follows (pinned by storetest):
//   - A new record gets Revision 1 and every successful write adds one. Put with a non-zero
//     Revision of a record that does not exist fails with ErrNotFound.
//   - Records are keyed by their full key including Account; Get* and Delete* match the
//     account exactly, only the list filters treat Account "" as "every account".
//   - Values are copied in and out: mutating a value passed to or returned by the store never
//     changes what is stored.
//   - Times round-trip exactly in memstore. The SQL backends keep every time field to the
//     nanosecond (the location comes back as UTC or a fixed zone, so compare with Equal or
//     go-cmp) but order and filter on millisecond precision (activity StartTime, Since,
//     PruneActivities), so callers should not rely on sub-millisecond ordering. They store
//     json.RawMessage fields (Predictive, TargetState.Extra) compacted.
//   - PutTargetState, like PutPolicy and PutScheduledAction, fails with ErrNotFound if the
//     target is gone, so a late control-loop write cannot resurrect a deleted target's state.
//     GetTargetState of a target without stored state returns ErrNotFound.
//   - List calls return next == "" on the last page; a cursor that was not returned by the
//     same kind of listing fails with ErrInvalidCursor.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/scaled-dev/scaled/internal/model"
)

// Sentinel errors. Callers test them with errors.Is.
var (
	ErrNotFound = errors.New("store: not found")
	ErrConflict = errors.New("store: revision conflict")
	// ErrInvalidCursor reports a Page.After that no listing of that kind returned (the API
	// layer maps it to InvalidNextTokenException).
	ErrInvalidCursor = errors.New("store: invalid page cursor")
)

// Page selects a page of a listing. After is the opaque cursor a previous call returned as
// next ("" for the first page); Limit <= 0 means no limit.
type Page struct {
	After string
	Limit int
}

// TargetFilter selects scalable targets. Empty fields match everything; Account "" matches
// every account (used by the control loop). Targets are listed in creation order.
type TargetFilter struct {
	Account     string
	Namespace   string
	ResourceIDs []string
	Dimension   string
	Page
}

// PolicyFilter selects scaling policies, listed in creation order.
type PolicyFilter struct {
	Account    string
	Namespace  string
	ResourceID string
	Dimension  string
	Names      []string
	Page
}

// ScheduleFilter selects scheduled actions, listed in creation order.
type ScheduleFilter struct {
	Account    string
	Namespace  string
	ResourceID string
	Dimension  string
	Names      []string
	Page
}

// ActivityFilter selects scaling activities, listed newest first.
type ActivityFilter struct {
	Account          string
	Namespace        string
	ResourceID       string
	Dimension        string
	IncludeNotScaled bool
	// Since drops activities that started before it (retention); zero means no bound.
	Since time.Time
	Page
}

// AlarmFilter selects alarms, listed by name.
type AlarmFilter struct {
	Account    string
	Names      []string
	NamePrefix string
	// ActionARN selects alarms whose AlarmActions contain it.
	ActionARN string
	// ManagedBy selects the managed alarms of one policy ARN.
	ManagedBy string
	Page
}

// Targets stores scalable targets.
type Targets interface {
	PutTarget(ctx context.Context, t model.ScalableTarget) (model.ScalableTarget, error)
	GetTarget(ctx context.Context, k model.TargetKey) (model.ScalableTarget, error)
	GetTargetByARN(ctx context.Context, account, arn string) (model.ScalableTarget, error)
	ListTargets(ctx context.Context, f TargetFilter) (items []model.ScalableTarget, next string, err error)
	// DeleteTarget atomically removes the target, its policies, its scheduled actions, its
	// managed alarms and its control-loop state. Activities stay.
	DeleteTarget(ctx context.Context, k model.TargetKey) error
}

// Policies stores scaling policies. PutPolicy fails with ErrNotFound if the target is gone.
type Policies interface {
	PutPolicy(ctx context.Context, p model.ScalingPolicy) (model.ScalingPolicy, error)
	GetPolicy(ctx context.Context, k model.PolicyKey) (model.ScalingPolicy, error)
	ListPolicies(ctx context.Context, f PolicyFilter) (items []model.ScalingPolicy, next string, err error)
	// DeletePolicy removes the policy and the alarms it manages.
	DeletePolicy(ctx context.Context, k model.PolicyKey) error
	// PutPolicyAlarms is PutPolicy and, in the same transaction, the complete set of alarms
	// the policy manages (target tracking): each alarm is created or rewritten, an existing
	// alarm of the same name keeping its state (StateValue, StateReason, StateReasonData,
	// StateUpdatedAt), and every other alarm whose ManagedBy is p.ARN is deleted. Either all
	// of it is stored or none of it, so a crash never leaves a policy without its alarms.
	PutPolicyAlarms(ctx context.Context, p model.ScalingPolicy, alarms []model.MetricAlarm) (model.ScalingPolicy, error)
}

// Schedules stores scheduled actions. PutScheduledAction fails with ErrNotFound if the
// target is gone.
type Schedules interface {
	PutScheduledAction(ctx context.Context, a model.ScheduledAction) (model.ScheduledAction, error)
	GetScheduledAction(ctx context.Context, k model.ScheduledActionKey) (model.ScheduledAction, error)
	ListScheduledActions(ctx context.Context, f ScheduleFilter) (items []model.ScheduledAction, next string, err error)
	DeleteScheduledAction(ctx context.Context, k model.ScheduledActionKey) error
}

// Activities stores scaling activities. PutActivity inserts or replaces by ActivityID.
type Activities interface {
	PutActivity(ctx context.Context, a model.ScalingActivity) error
	GetActivity(ctx context.Context, account, id string) (model.ScalingActivity, error)
	ListActivities(ctx context.Context, f ActivityFilter) (items []model.ScalingActivity, next string, err error)
	// PruneActivities deletes activities that started before t and returns how many.
	PruneActivities(ctx context.Context, before time.Time) (int, error)
}

// Alarms stores CloudWatch metric alarms (user and managed), keyed by (Account, AlarmName).
// Alarms follow PutMetricAlarm semantics: PutAlarm with Revision 0 creates or replaces; a
// non-zero Revision is compare-and-swap (used when the control loop records alarm state).
type Alarms interface {
	PutAlarm(ctx context.Context, a model.MetricAlarm) (model.MetricAlarm, error)
	GetAlarm(ctx context.Context, account, name string) (model.MetricAlarm, error)
	ListAlarms(ctx context.Context, f AlarmFilter) (items []model.MetricAlarm, next string, err error)
	DeleteAlarm(ctx context.Context, account, name string) error
}

// States stores the control loop's per-target memory (model.TargetState).
type States interface {
	GetTargetState(ctx context.Context, k model.TargetKey) (model.TargetState, error)
	// PutTargetState is compare-and-swap on Revision like the other Puts.
	PutTargetState(ctx context.Context, s model.TargetState) (model.TargetState, error)
}

// Store is everything a backend provides.
type Store interface {
	Targets
	Policies
	Schedules
	Activities
	Alarms
	States
	Close() error
}

// Elector gives one replica the right to run a named loop (for example "control").
// Embedded backends lead at once; PostgreSQL uses a session advisory lock.
type Elector interface {
	// Campaign blocks until this process leads name or ctx ends. The returned context is
	// canceled when leadership is lost; call the returned release to resign.
	Campaign(ctx context.Context, name string) (leader context.Context, release func(), err error)
}
