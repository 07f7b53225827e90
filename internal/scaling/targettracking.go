package scaling

import (
	"math"
	"strings"

	"github.com/scaled-dev/scaled/internal/model"
)

// ceilEpsilon absorbs floating-point noise before rounding up, so that 10*0.7/0.7 stays 10.
const ceilEpsilon = 1e-9

// TargetTracking computes the proposal of a target-tracking policy whose alarm fired
// (AWS-SPEC §5.3). With p = Current*Metric/TargetValue:
//   - AlarmHigh: scale out to ceil(p) when that exceeds Current. From zero capacity target
//     tracking cannot scale out (a per-unit metric has no meaning at zero); no proposal.
//   - AlarmLow (unless DisableScaleIn): scale in to ceil(p) when that is below Current;
//     Metric 0 gives 0. When ceil(p) is not below Current, removing even one unit would push
//     the metric back above the target, so the result carries ReasonAnticipatedFlapping.
//
// The result is not clamped to the target's bounds.
func TargetTracking(in TTInput) TTResult {
	res := TTResult{Desired: in.Current}
	if in.TargetValue <= 0 || math.IsNaN(in.Metric) || math.IsInf(in.Metric, 0) || in.Metric < 0 {
		return res
	}
	p := float64(in.Current) * in.Metric / in.TargetValue
	switch in.Alarm {
	case AlarmHigh:
		if in.Current <= 0 {
			return res
		}
		n := ceilCapacity(p)
		if n > in.Current {
			res.Desired, res.Direction = n, ScaleOut
		}
	case AlarmLow:
		if in.DisableScaleIn || in.Current <= 0 {
			return res
		}
		n := ceilCapacity(p)
		if n < in.Current {
			res.Desired, res.Direction = n, ScaleIn
		} else {
			res.NotScaled = ReasonAnticipatedFlapping
		}
	}
	return res
}

func ceilCapacity(p float64) int32 {
	c := math.Ceil(p - ceilEpsilon)
	if c < 0 {
		return 0
	}
	if c > math.MaxInt32 {
		return math.MaxInt32
	}
	return int32(c)
}

// TTAlarmKind tells whether a managed target-tracking alarm is the high or the low alarm:
// by its name ("-AlarmHigh-" / "-AlarmLow-"), else by its comparison operator.
func TTAlarmKind(a model.MetricAlarm) AlarmKind {
	switch {
	case strings.Contains(a.AlarmName, "-AlarmHigh-"):
		return AlarmHigh
	case strings.Contains(a.AlarmName, "-AlarmLow-"):
		return AlarmLow
	case strings.HasPrefix(a.ComparisonOperator, "Greater"):
		return AlarmHigh
	case strings.HasPrefix(a.ComparisonOperator, "Less"):
		return AlarmLow
	}
	return 0
}
