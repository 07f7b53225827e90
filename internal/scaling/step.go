package scaling

import (
	"math"

	"github.com/scaled-dev/scaled/internal/model"
)

// Adjustment types (AWS AdjustmentType).
const (
	ChangeInCapacity        = "ChangeInCapacity"
	PercentChangeInCapacity = "PercentChangeInCapacity"
	ExactCapacity           = "ExactCapacity"
)

// Metric aggregation types (AWS MetricAggregationType).
const (
	AggregateAverage = "Average"
	AggregateMinimum = "Minimum"
	AggregateMaximum = "Maximum"
)

// Aggregate combines datapoint values with a MetricAggregationType: "Minimum", "Maximum", or
// the average for "Average", "" and anything else. It returns 0 and false for no values.
func Aggregate(kind string, values []float64) (float64, bool) {
	if len(values) == 0 {
		return 0, false
	}
	switch kind {
	case AggregateMinimum:
		v := values[0]
		for _, x := range values[1:] {
			v = math.Min(v, x)
		}
		return v, true
	case AggregateMaximum:
		v := values[0]
		for _, x := range values[1:] {
			v = math.Max(v, x)
		}
		return v, true
	}
	var sum float64
	for _, x := range values {
		sum += x
	}
	return sum / float64(len(values)), true
}

// MatchStep returns the step adjustment whose interval contains delta = value - threshold.
// At or above the threshold (delta >= 0) lower bounds are inclusive and upper bounds
// exclusive; below it the lower bound is exclusive and the upper bound inclusive. A missing
// lower bound is -infinity, a missing upper bound +infinity.
func MatchStep(steps []model.StepAdjustment, delta float64) (model.StepAdjustment, bool) {
	above := delta >= 0
	for _, s := range steps {
		lo, hi := math.Inf(-1), math.Inf(1)
		if s.MetricIntervalLowerBound != nil {
			lo = *s.MetricIntervalLowerBound
		}
		if s.MetricIntervalUpperBound != nil {
			hi = *s.MetricIntervalUpperBound
		}
		var in bool
		if above {
			in = delta >= lo && delta < hi
		} else {
			in = delta > lo && delta <= hi
		}
		if in {
			return s, true
		}
	}
	return model.StepAdjustment{}, false
}

// PercentChange rounds a PercentChangeInCapacity adjustment the AWS way (TV-18): the raw
// change current*percent/100 is truncated toward zero, except that a non-zero change smaller
// than one unit becomes +1 or -1; then a change smaller in magnitude than
// minAdjustmentMagnitude (when > 0) is raised to it, keeping its sign.
func PercentChange(current, percent int32, minAdjustmentMagnitude int32) int32 {
	raw := float64(current) * float64(percent) / 100
	var change float64
	switch {
	case raw == 0:
		change = 0
	case raw > 0 && raw < 1:
		change = 1
	case raw < 0 && raw > -1:
		change = -1
	default:
		change = math.Trunc(raw)
	}
	c := int64(change)
	if minAdjustmentMagnitude > 0 && c != 0 {
		if c > 0 && c < int64(minAdjustmentMagnitude) {
			c = int64(minAdjustmentMagnitude)
		} else if c < 0 && -c < int64(minAdjustmentMagnitude) {
			c = -int64(minAdjustmentMagnitude)
		}
	}
	return int32(c)
}

// Step computes the capacity a step scaling policy proposes (AWS-SPEC §6.3) for the
// aggregated metric Value against the invoking alarm's Threshold. ok is false when no step
// matches. The result is not clamped; it is never negative.
func Step(in StepInput) (proposed int32, ok bool) {
	s, ok := MatchStep(in.Config.StepAdjustments, in.Value-in.Threshold)
	if !ok {
		return in.Current, false
	}
	var n int64
	switch in.Config.AdjustmentType {
	case ExactCapacity:
		n = int64(s.ScalingAdjustment)
	case PercentChangeInCapacity:
		var mag int32
		if in.Config.MinAdjustmentMagnitude != nil {
			mag = *in.Config.MinAdjustmentMagnitude
		}
		n = int64(in.Current) + int64(PercentChange(in.Current, s.ScalingAdjustment, mag))
	default: // ChangeInCapacity
		n = int64(in.Current) + int64(s.ScalingAdjustment)
	}
	if n < 0 {
		n = 0
	}
	if n > math.MaxInt32 {
		n = math.MaxInt32
	}
	return int32(n), true
}
