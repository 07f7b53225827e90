// Package model holds the domain values of scaled: scalable targets, scaling policies,
// scheduled actions, scaling activities, alarms and their keys. Nested configuration types
// carry the AWS wire names as JSON tags so that the API layer and the stores can encode them
// as they are; top-level records carry times as time.Time and the API layer renders them as
// epoch seconds.
package model

import (
	"encoding/json"
	"time"
)

// TargetKey identifies a scalable target within an account.
type TargetKey struct {
	Account   string `json:"-"`
	Namespace string `json:"ServiceNamespace"`
	// ResourceID is the AWS ResourceId, e.g. "inference-component/my-ic".
	ResourceID string `json:"ResourceId"`
	Dimension  string `json:"ScalableDimension"`
}

// PolicyKey identifies a scaling policy.
type PolicyKey struct {
	TargetKey
	Name string
}

// ScheduledActionKey identifies a scheduled action.
type ScheduledActionKey struct {
	TargetKey
	Name string
}

// SuspendedState is the AWS SuspendedState structure.
type SuspendedState struct {
	DynamicScalingInSuspended  bool `json:"DynamicScalingInSuspended"`
	DynamicScalingOutSuspended bool `json:"DynamicScalingOutSuspended"`
	ScheduledScalingSuspended  bool `json:"ScheduledScalingSuspended"`
}

// ScalableTarget is a registered scalable target.
type ScalableTarget struct {
	TargetKey
	MinCapacity       int32
	MaxCapacity       int32
	RoleARN           string
	SuspendedState    SuspendedState
	CreationTime      time.Time
	ARN               string // scalable-target ARN
	UUID              string // per-target UUID embedded in policy and scheduled-action ARNs
	PredictedCapacity *int32
	Tags              map[string]string
	// Revision is the compare-and-swap revision: 0 for a record not yet stored; the store
	// sets it on every successful write.
	Revision int64
}

// Policy types.
const (
	PolicyTypeStepScaling           = "StepScaling"
	PolicyTypeTargetTrackingScaling = "TargetTrackingScaling"
	PolicyTypePredictiveScaling     = "PredictiveScaling"
)

// ScalingPolicy is a scaling policy attached to a target.
type ScalingPolicy struct {
	PolicyKey
	PolicyType     string
	ARN            string
	StepScaling    *StepScalingPolicyConfiguration
	TargetTracking *TargetTrackingScalingPolicyConfiguration
	Predictive     *PredictiveScalingPolicyConfiguration
	// Alarms are the managed alarms of a target-tracking policy (step-policy alarms are
	// looked up from the alarms whose actions name the policy ARN).
	Alarms       []Alarm
	CreationTime time.Time
	Revision     int64
}

// Alarm names a CloudWatch alarm.
type Alarm struct {
	AlarmName string `json:"AlarmName"`
	AlarmARN  string `json:"AlarmARN"`
}

// StepScalingPolicyConfiguration is the AWS structure of the same name.
type StepScalingPolicyConfiguration struct {
	AdjustmentType         string           `json:"AdjustmentType,omitempty"`
	StepAdjustments        []StepAdjustment `json:"StepAdjustments,omitempty"`
	MinAdjustmentMagnitude *int32           `json:"MinAdjustmentMagnitude,omitempty"`
	Cooldown               *int32           `json:"Cooldown,omitempty"`
	MetricAggregationType  string           `json:"MetricAggregationType,omitempty"`
}

// StepAdjustment is one step of a step scaling policy.
type StepAdjustment struct {
	MetricIntervalLowerBound *float64 `json:"MetricIntervalLowerBound,omitempty"`
	MetricIntervalUpperBound *float64 `json:"MetricIntervalUpperBound,omitempty"`
	ScalingAdjustment        int32    `json:"ScalingAdjustment"`
}

// TargetTrackingScalingPolicyConfiguration is the AWS structure of the same name.
type TargetTrackingScalingPolicyConfiguration struct {
	TargetValue                   float64                        `json:"TargetValue"`
	PredefinedMetricSpecification *PredefinedMetricSpecification `json:"PredefinedMetricSpecification,omitempty"`
	CustomizedMetricSpecification *CustomizedMetricSpecification `json:"CustomizedMetricSpecification,omitempty"`
	ScaleOutCooldown              *int32                         `json:"ScaleOutCooldown,omitempty"`
	ScaleInCooldown               *int32                         `json:"ScaleInCooldown,omitempty"`
	DisableScaleIn                *bool                          `json:"DisableScaleIn,omitempty"`
}

// PredefinedMetricSpecification is the AWS structure of the same name.
type PredefinedMetricSpecification struct {
	PredefinedMetricType string `json:"PredefinedMetricType"`
	ResourceLabel        string `json:"ResourceLabel,omitempty"`
}

// CustomizedMetricSpecification is the AWS structure of the same name: either the flat form
// (MetricName, Namespace, Statistic, ...) or Metrics (metric math).
type CustomizedMetricSpecification struct {
	MetricName string                          `json:"MetricName,omitempty"`
	Namespace  string                          `json:"Namespace,omitempty"`
	Dimensions []MetricDimension               `json:"Dimensions,omitempty"`
	Statistic  string                          `json:"Statistic,omitempty"`
	Unit       string                          `json:"Unit,omitempty"`
	Metrics    []TargetTrackingMetricDataQuery `json:"Metrics,omitempty"`
}

// MetricDimension is a CloudWatch dimension.
type MetricDimension struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// TargetTrackingMetricDataQuery is one metric-math query of a customized metric.
type TargetTrackingMetricDataQuery struct {
	Expression string                    `json:"Expression,omitempty"`
	ID         string                    `json:"Id"`
	Label      string                    `json:"Label,omitempty"`
	MetricStat *TargetTrackingMetricStat `json:"MetricStat,omitempty"`
	ReturnData *bool                     `json:"ReturnData,omitempty"`
}

// TargetTrackingMetricStat is the AWS structure of the same name.
type TargetTrackingMetricStat struct {
	Metric TargetTrackingMetric `json:"Metric"`
	Stat   string               `json:"Stat"`
	Unit   string               `json:"Unit,omitempty"`
}

// TargetTrackingMetric is the AWS structure of the same name.
type TargetTrackingMetric struct {
	Dimensions []MetricDimension `json:"Dimensions,omitempty"`
	MetricName string            `json:"MetricName,omitempty"`
	Namespace  string            `json:"Namespace,omitempty"`
}

// PredictiveScalingPolicyConfiguration is kept as the JSON the caller sent (validated by the
// API layer); only ECS accepts predictive policies and scaled stores and forecasts them but
// does not act on them.
type PredictiveScalingPolicyConfiguration = json.RawMessage

// ScalableTargetAction is the min/max a scheduled action sets.
type ScalableTargetAction struct {
	MinCapacity *int32 `json:"MinCapacity,omitempty"`
	MaxCapacity *int32 `json:"MaxCapacity,omitempty"`
}

// ScheduledAction is a scheduled action of a target.
type ScheduledAction struct {
	ScheduledActionKey
	ARN                  string
	Schedule             string
	Timezone             string
	StartTime            *time.Time
	EndTime              *time.Time
	ScalableTargetAction ScalableTargetAction
	CreationTime         time.Time
	Revision             int64
}

// Activity status codes.
const (
	StatusPending     = "Pending"
	StatusInProgress  = "InProgress"
	StatusSuccessful  = "Successful"
	StatusOverridden  = "Overridden"
	StatusUnfulfilled = "Unfulfilled"
	StatusFailed      = "Failed"
)

// NotScaledReason explains why a triggered policy did not change capacity.
type NotScaledReason struct {
	Code            string `json:"Code"`
	MaxCapacity     *int32 `json:"MaxCapacity,omitempty"`
	MinCapacity     *int32 `json:"MinCapacity,omitempty"`
	CurrentCapacity *int32 `json:"CurrentCapacity,omitempty"`
}

// ScalingActivity is one scaling activity (or a not-scaled record, which has NotScaledReasons).
type ScalingActivity struct {
	ActivityID string
	TargetKey
	Description      string
	Cause            string
	StartTime        time.Time
	EndTime          *time.Time
	StatusCode       string
	StatusMessage    string
	Details          string
	NotScaledReasons []NotScaledReason
}

// NotScaled reports whether the activity records a decision not to scale.
func (a ScalingActivity) NotScaled() bool { return len(a.NotScaledReasons) > 0 }

// Alarm states.
const (
	AlarmOK               = "OK"
	AlarmAlarm            = "ALARM"
	AlarmInsufficientData = "INSUFFICIENT_DATA"
)

// MetricAlarm is a CloudWatch metric alarm: created by users through the CloudWatch API, or
// managed by scaled for a target-tracking policy (Managed names the owning policy ARN).
type MetricAlarm struct {
	Account                 string
	AlarmName               string
	AlarmARN                string
	AlarmDescription        string
	ActionsEnabled          bool
	AlarmActions            []string
	OKActions               []string
	InsufficientDataActions []string
	MetricName              string
	Namespace               string
	Statistic               string // Average, Sum, Minimum, Maximum, SampleCount
	ExtendedStatistic       string
	Dimensions              []MetricDimension
	// Metrics is the metric-math form (GetMetricData queries); empty for a single metric.
	Metrics            []MetricDataQuery
	Period             int32 // seconds
	Unit               string
	EvaluationPeriods  int32
	DatapointsToAlarm  int32
	Threshold          float64
	ComparisonOperator string
	TreatMissingData   string
	// EvaluateLowSampleCountPercentile is "ignore" or "evaluate" ("" = evaluate): whether a
	// percentile alarm changes state on periods with too few samples to be significant.
	EvaluateLowSampleCountPercentile string
	StateValue                       string
	StateReason                      string
	StateReasonData                  string
	StateUpdatedAt                   time.Time
	ConfigUpdatedAt                  time.Time
	// ManagedBy is the ARN of the target-tracking policy that owns this alarm, or "".
	ManagedBy string
	Revision  int64
}

// MetricDataQuery is a CloudWatch GetMetricData / alarm metric-math query.
type MetricDataQuery struct {
	ID         string      `json:"Id"`
	Expression string      `json:"Expression,omitempty"`
	Label      string      `json:"Label,omitempty"`
	MetricStat *MetricStat `json:"MetricStat,omitempty"`
	ReturnData *bool       `json:"ReturnData,omitempty"`
	Period     int32       `json:"Period,omitempty"`
}

// MetricStat is a CloudWatch metric with a statistic and period.
type MetricStat struct {
	Namespace  string            `json:"Namespace"`
	MetricName string            `json:"MetricName"`
	Dimensions []MetricDimension `json:"Dimensions,omitempty"`
	Period     int32             `json:"Period"`
	Stat       string            `json:"Stat"`
	Unit       string            `json:"Unit,omitempty"`
}

// TargetState is what the control loop remembers about a target between ticks: cooldown
// timers, the activity in flight, alarm episodes. The store keeps it as an opaque JSON
// document, so the control loop may add fields freely.
type TargetState struct {
	TargetKey
	// InFlightActivityID is the activity waiting for the actuator to confirm, or "".
	InFlightActivityID string     `json:"InFlightActivityID,omitempty"`
	InFlightDesired    int32      `json:"InFlightDesired,omitempty"`
	InFlightSince      *time.Time `json:"InFlightSince,omitempty"`
	// InFlightPolicy names the policy whose change is in flight ("" for a min/max clamp);
	// InFlightFrom is the desired capacity before the change and InFlightBase the capacity
	// the policy computed it from (its cooldown base).
	InFlightPolicy string `json:"InFlightPolicy,omitempty"`
	InFlightFrom   int32  `json:"InFlightFrom,omitempty"`
	InFlightBase   int32  `json:"InFlightBase,omitempty"`
	// LastDesired is the capacity scaled last asked the actuator for.
	LastDesired *int32 `json:"LastDesired,omitempty"`
	// LastChangeAt is when the last policy-driven capacity change completed; target
	// tracking only scales in on datapoints measured after it.
	LastChangeAt *time.Time `json:"LastChangeAt,omitempty"`
	// Problem names the condition that currently keeps the control loop from scaling the
	// target (no actuator, resource not scalable, state unreadable); it is recorded as one
	// Failed activity per episode. "" when none.
	Problem string `json:"Problem,omitempty"`
	// Cooldowns and alarm episodes, per policy name.
	Policies map[string]PolicyState `json:"Policies,omitempty"`
	// ScheduledRuns: last fire time per scheduled action name.
	ScheduledRuns map[string]time.Time `json:"ScheduledRuns,omitempty"`
	Extra         json.RawMessage      `json:"Extra,omitempty"`
	Revision      int64                `json:"-"`
}

// PolicyState is the per-policy memory of the control loop.
type PolicyState struct {
	LastScaleOutAt   *time.Time `json:"LastScaleOutAt,omitempty"`
	ScaleOutBase     *int32     `json:"ScaleOutBase,omitempty"`
	LastScaleInAt    *time.Time `json:"LastScaleInAt,omitempty"`
	LastNotScaledKey string     `json:"LastNotScaledKey,omitempty"`
	// LastInvokedAt is, per alarm name, when the alarm last invoked the policy during its
	// current ALARM episode; an alarm that leaves ALARM is removed (scaling.Decide keeps it).
	LastInvokedAt map[string]time.Time `json:"LastInvokedAt,omitempty"`
}
