package scaling

import (
	"time"

	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/model"
)

// Direction is the direction of a capacity change. The zero value means no change.
type Direction int

// Directions.
const (
	ScaleOut Direction = iota + 1
	ScaleIn
)

func (d Direction) String() string {
	switch d {
	case ScaleOut:
		return "ScaleOut"
	case ScaleIn:
		return "ScaleIn"
	}
	return "None"
}

// AlarmKind tells the managed alarms of a target-tracking policy apart.
type AlarmKind int

// Alarm kinds.
const (
	AlarmHigh AlarmKind = iota + 1 // metric above target: scale out
	AlarmLow                       // metric below target: scale in
)

func (k AlarmKind) String() string {
	switch k {
	case AlarmHigh:
		return "AlarmHigh"
	case AlarmLow:
		return "AlarmLow"
	}
	return "Unknown"
}

// Not-scaled reason codes (AWS NotScaledReason.Code).
const (
	ReasonAnticipatedFlapping      = "AutoScalingAnticipatedFlapping"
	ReasonPutResourceAsUnscalable  = "TargetServicePutResourceAsUnscalable"
	ReasonAlreadyAtMaxCapacity     = "AlreadyAtMaxCapacity"
	ReasonAlreadyAtMinCapacity     = "AlreadyAtMinCapacity"
	ReasonAlreadyAtDesiredCapacity = "AlreadyAtDesiredCapacity"
)

// AlarmResult is the outcome of evaluating one alarm at one instant.
type AlarmResult struct {
	// State is model.AlarmOK, model.AlarmAlarm or model.AlarmInsufficientData.
	State string
	// Reason is the CloudWatch-style StateReason text.
	Reason string
	// LastValue is the newest datapoint in the evaluation window (0 when there is none).
	LastValue float64
	// Datapoints are the samples of the evaluation window that were used, newest first.
	Datapoints []metrics.Sample
}

// AlarmInput is one alarm that can invoke a policy, with its evaluation at Input.Now.
type AlarmInput struct {
	Alarm model.MetricAlarm
	// Result is EvaluateAlarm's result for the alarm. When Result.State is empty the alarm's
	// stored StateValue is used and no datapoints are available.
	Result AlarmResult
	// MetricValue, if set, is the tracked metric's latest value in TargetValue units, for
	// target-tracking policies whose alarm metric is not in those units (DynamoDB alarms watch
	// consumed units while the target is a utilisation percentage). Nil means Result.LastValue.
	MetricValue *float64
}

// PolicyInput is one scaling policy of the target with the alarms that invoke it: for target
// tracking its managed high and low alarms, for step scaling the user alarms whose actions
// name the policy ARN. Predictive policies are ignored.
type PolicyInput struct {
	Policy model.ScalingPolicy
	Alarms []AlarmInput
}

// InFlight describes a policy-driven capacity change that was requested but has not yet
// completed. While it is in flight its cooldown has not started (timers start at success), so
// Decide treats it like a running cooldown: a scale-out by the same policy is computed from
// Base and only a larger scale-out proceeds; further scale-ins wait.
type InFlight struct {
	Direction Direction
	Policy    string
	Desired   int32
	Base      int32
}

// Input is everything Decide needs about one scalable target.
type Input struct {
	Now    time.Time
	Target model.ScalableTarget // Min/Max, SuspendedState, key (namespace and dimension)
	// Current is the capacity used for scaling math: the resource's desired capacity as the
	// actuator reports it (for SageMaker inference components the desired copy count).
	Current  int32
	Policies []PolicyInput
	// State is the persisted per-target memory (per-policy cooldowns and alarm episodes).
	State model.TargetState
	// InFlight is the unfinished policy-driven activity, or nil.
	InFlight *InFlight
}

// Decision is Decide's result.
type Decision struct {
	// Desired is the capacity to set when Change is true; otherwise Input.Current.
	Desired int32
	// Change reports that a capacity change should be issued.
	Change    bool
	Direction Direction
	// Policy and Alarm name the winning policy and the alarm that invoked it (also set for a
	// not-scaled record).
	Policy string
	Alarm  string
	// Cause and Description are the activity texts ("monitor alarm A in state ALARM triggered
	// policy P", "Setting desired copy count to 3." or "Attempting to scale due to alarm
	// triggered").
	Cause       string
	Description string
	// Base is the capacity the winning scale-out was computed from; pass it to
	// CompleteActivity when the activity succeeds.
	Base int32
	// NotScaled holds the reasons the invoked policies did not change capacity.
	NotScaled []model.NotScaledReason
	// RecordNotScaled reports that a not-scaled activity (status Failed, Description
	// NotScaledDescription, Cause, NotScaled) should be recorded: once per alarm episode.
	RecordNotScaled bool
	// NewState is Input.State with updated per-policy memory; persist it.
	NewState model.TargetState
	// NextDue is the earliest instant after Now at which an alarm that is in ALARM will
	// invoke its policy again (zero when no alarm is in ALARM).
	NextDue time.Time
}

// TTInput is the input of one target-tracking computation.
type TTInput struct {
	// Current is the capacity to compute from (the cooldown base during a scale-out cooldown).
	Current     int32
	TargetValue float64
	// Metric is the tracked metric's latest value.
	Metric float64
	// Alarm is the alarm that fired.
	Alarm          AlarmKind
	DisableScaleIn bool
}

// TTResult is the proposal of one target-tracking computation (before clamping).
type TTResult struct {
	// Desired is the proposed capacity; equal to Current when no change is proposed.
	Desired   int32
	Direction Direction
	// NotScaled is a reason code when the policy was invoked but proposes nothing
	// (ReasonAnticipatedFlapping for a scale-in that would overshoot the target).
	NotScaled string
}

// StepInput is the input of one step-scaling computation.
type StepInput struct {
	// Current is the capacity the adjustment applies to (the cooldown base during a scale-out
	// cooldown).
	Current int32
	Config  model.StepScalingPolicyConfiguration
	// Threshold is the invoking alarm's threshold; Value is the aggregated metric.
	Threshold float64
	Value     float64
}
