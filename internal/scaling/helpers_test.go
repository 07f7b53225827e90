package scaling

import (
	"time"

	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/model"
)

var t0 = time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)

func at(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }

func i32(v int32) *int32        { return &v }
func f64(v float64) *float64    { return &v }
func bptr(v bool) *bool         { return &v }
func tp(t time.Time) *time.Time { return &t }

const (
	ecsDim = "ecs:service:DesiredCount"
	icDim  = "sagemaker:inference-component:DesiredCopyCount"
)

func ecsTarget(min, max int32) model.ScalableTarget {
	return model.ScalableTarget{
		TargetKey:   model.TargetKey{Account: "123456789012", Namespace: "ecs", ResourceID: "service/default/web-app", Dimension: ecsDim},
		MinCapacity: min,
		MaxCapacity: max,
	}
}

func icTarget(min, max int32) model.ScalableTarget {
	return model.ScalableTarget{
		TargetKey:   model.TargetKey{Account: "123456789012", Namespace: "sagemaker", ResourceID: "inference-component/my-ic", Dimension: icDim},
		MinCapacity: min,
		MaxCapacity: max,
	}
}

func ttPolicy(name string, target float64, outCD, inCD int32) model.ScalingPolicy {
	return model.ScalingPolicy{
		PolicyKey:  model.PolicyKey{Name: name},
		PolicyType: model.PolicyTypeTargetTrackingScaling,
		TargetTracking: &model.TargetTrackingScalingPolicyConfiguration{
			TargetValue:      target,
			ScaleOutCooldown: i32(outCD),
			ScaleInCooldown:  i32(inCD),
		},
	}
}

func stepPolicy(name, adj string, cooldown int32, agg string, steps ...model.StepAdjustment) model.ScalingPolicy {
	return model.ScalingPolicy{
		PolicyKey:  model.PolicyKey{Name: name},
		PolicyType: model.PolicyTypeStepScaling,
		StepScaling: &model.StepScalingPolicyConfiguration{
			AdjustmentType:        adj,
			StepAdjustments:       steps,
			Cooldown:              i32(cooldown),
			MetricAggregationType: agg,
		},
	}
}

func step(lo, hi *float64, adj int32) model.StepAdjustment {
	return model.StepAdjustment{MetricIntervalLowerBound: lo, MetricIntervalUpperBound: hi, ScalingAdjustment: adj}
}

func metricAlarm(name, op string, threshold float64, period, evals int32) model.MetricAlarm {
	return model.MetricAlarm{
		AlarmName:          name,
		ComparisonOperator: op,
		Threshold:          threshold,
		Period:             period,
		EvaluationPeriods:  evals,
		Statistic:          "Average",
		TreatMissingData:   MissingDataMissing,
	}
}

func ttHigh(policy string, target float64) model.MetricAlarm {
	return metricAlarm("TargetTracking-service/default/web-app-AlarmHigh-"+policy, GreaterThanThreshold, target, 60, 3)
}

func ttLowAlarm(policy string, target float64) model.MetricAlarm {
	return metricAlarm("TargetTracking-service/default/web-app-AlarmLow-"+policy, LessThanThreshold, 0.9*target, 60, 15)
}

// firing is an alarm in ALARM whose newest datapoint is the last value given.
func firing(a model.MetricAlarm, now time.Time, values ...float64) AlarmInput {
	return AlarmInput{Alarm: a, Result: result(model.AlarmAlarm, now, a.Period, values...)}
}

// quiet is an alarm in OK.
func quiet(a model.MetricAlarm, now time.Time, values ...float64) AlarmInput {
	return AlarmInput{Alarm: a, Result: result(model.AlarmOK, now, a.Period, values...)}
}

func result(state string, now time.Time, period int32, values ...float64) AlarmResult {
	r := AlarmResult{State: state}
	for i := len(values) - 1; i >= 0; i-- {
		back := time.Duration(len(values)-i) * time.Duration(period) * time.Second
		r.Datapoints = append(r.Datapoints, metrics.Sample{Time: now.Add(-back), Value: values[i]})
	}
	if len(values) > 0 {
		r.LastValue = values[len(values)-1]
	}
	return r
}

// invoked builds a LastInvokedAt map from alternating alarm names and times.
func invoked(kv ...any) map[string]time.Time {
	m := map[string]time.Time{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1].(time.Time)
	}
	return m
}

func states(kv ...any) model.TargetState {
	st := model.TargetState{Policies: map[string]model.PolicyState{}}
	for i := 0; i < len(kv); i += 2 {
		st.Policies[kv[i].(string)] = kv[i+1].(model.PolicyState)
	}
	return st
}
