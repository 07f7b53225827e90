package scaling

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/model"
)

// series returns one sample per period ending at now, oldest first; NaN marks a missing period.
func series(now time.Time, period time.Duration, values ...float64) []metrics.Sample {
	var out []metrics.Sample
	for i, v := range values {
		if v != v { // NaN: missing
			continue
		}
		out = append(out, metrics.Sample{Time: now.Add(-time.Duration(len(values)-i) * period), Value: v})
	}
	return out
}

func newestFirst(s []metrics.Sample) []metrics.Sample {
	out := make([]metrics.Sample, len(s))
	for i := range s {
		out[len(s)-1-i] = s[i]
	}
	return out
}

func TestEvaluateAlarmTV27(t *testing.T) {
	now := t0
	nan := func() float64 { var z float64; return z / z }()
	ecsHigh := metricAlarm("TargetTracking-service/prod/web-AlarmHigh-1", GreaterThanThreshold, 70, 60, 3)
	ecsLow := metricAlarm("TargetTracking-service/prod/web-AlarmLow-1", LessThanThreshold, 63, 60, 15)
	ddbHigh := metricAlarm("TargetTracking-table/t-AlarmHigh-1", GreaterThanThreshold, 42, 60, 2)
	ddbHigh.Namespace, ddbHigh.Statistic = "AWS/DynamoDB", "Sum"
	ddbLow := metricAlarm("TargetTracking-table/t-AlarmLow-1", LessThanThreshold, 30, 60, 15)
	ddbLow.Namespace, ddbLow.Statistic = "AWS/DynamoDB", "Sum"
	fifteen := func(v, last float64) []float64 {
		out := make([]float64, 15)
		for i := range out {
			out[i] = v
		}
		out[14] = last
		return out
	}

	tests := []struct {
		name   string
		alarm  model.MetricAlarm
		values []float64
		state  string
	}{
		{"TV-27 ECS high: 3 of 3 above 70", ecsHigh, []float64{71, 72, 75}, model.AlarmAlarm},
		{"TV-27 ECS high: 70 is not above 70", ecsHigh, []float64{71, 70, 75}, model.AlarmOK},
		{"TV-27 ECS low: 15 of 15 below 63", ecsLow, fifteen(50, 62.9), model.AlarmAlarm},
		{"TV-27 ECS low: one at 63 keeps OK", ecsLow, fifteen(50, 63), model.AlarmOK},
		{"TV-27 DynamoDB high: 2 of 2 above 42", ddbHigh, []float64{43, 44}, model.AlarmAlarm},
		{"TV-27 DynamoDB high: one at 42", ddbHigh, []float64{43, 42}, model.AlarmOK},
		{"TV-27 DynamoDB low: 15 below 30", ddbLow, fifteen(29, 29), model.AlarmAlarm},
		{"no data is insufficient", ecsHigh, nil, model.AlarmInsufficientData},
		{"missing: present datapoints all breach", ecsHigh, []float64{nan, nan, 80}, model.AlarmAlarm},
		{"missing: present datapoints partly breach", ecsHigh, []float64{nan, 60, 80}, model.AlarmOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := EvaluateAlarm(tc.alarm, series(now, time.Minute, tc.values...), now)
			if diff := cmp.Diff(tc.state, got.State); diff != "" {
				t.Errorf("state (-want +got):\n%s\nreason: %s", diff, got.Reason)
			}
		})
	}
}

func TestEvaluateAlarmWholeResult(t *testing.T) {
	now := t0
	high := metricAlarm("high", GreaterThanThreshold, 70, 60, 3)
	m2of3 := high
	m2of3.DatapointsToAlarm = 2
	ge := metricAlarm("ge", GreaterThanOrEqualToThreshold, 1, 60, 1)
	le := metricAlarm("le", LessThanOrEqualToThreshold, 10, 60, 2)
	breaching := high
	breaching.TreatMissingData = MissingDataBreaching
	notBreaching := high
	notBreaching.TreatMissingData = MissingDataNotBreaching
	ignore := high
	ignore.TreatMissingData = MissingDataIgnore
	ignore.StateValue, ignore.StateReason = model.AlarmAlarm, "kept"
	anomaly := high
	anomaly.ComparisonOperator = "LessThanLowerOrGreaterThanUpperThreshold"
	nan := func() float64 { var z float64; return z / z }()

	tests := []struct {
		name   string
		alarm  model.MetricAlarm
		values []float64
		want   func(dp []metrics.Sample) AlarmResult
	}{
		{"alarm", high, []float64{75, 80, 81.2}, func(dp []metrics.Sample) AlarmResult {
			return AlarmResult{State: model.AlarmAlarm, LastValue: 81.2, Datapoints: dp,
				Reason: "Threshold Crossed: 3 datapoints [81.2 (27/11/26 07:59:00), 80.0 (27/11/26 07:58:00), 75.0 (27/11/26 07:57:00)] were greater than the threshold (70.0) (minimum 3 datapoints for OK -> ALARM transition)."}
		}},
		{"ok", high, []float64{75, 60, 81}, func(dp []metrics.Sample) AlarmResult {
			return AlarmResult{State: model.AlarmOK, LastValue: 81, Datapoints: dp,
				Reason: "Threshold Crossed: 1 out of the last 3 datapoints [60.0 (27/11/26 07:58:00)] was not greater than the threshold (70.0) (minimum 1 datapoint for ALARM -> OK transition)."}
		}},
		{"2 of 3", m2of3, []float64{75, 60, 81}, func(dp []metrics.Sample) AlarmResult {
			return AlarmResult{State: model.AlarmAlarm, LastValue: 81, Datapoints: dp,
				Reason: "Threshold Crossed: 2 out of the last 3 datapoints [81.0 (27/11/26 07:59:00), 75.0 (27/11/26 07:57:00)] were greater than the threshold (70.0) (minimum 2 datapoints for OK -> ALARM transition)."}
		}},
		{"greater or equal", ge, []float64{1}, func(dp []metrics.Sample) AlarmResult {
			return AlarmResult{State: model.AlarmAlarm, LastValue: 1, Datapoints: dp,
				Reason: "Threshold Crossed: 1 datapoint [1.0 (27/11/26 07:59:00)] was greater than or equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition)."}
		}},
		{"less or equal", le, []float64{10, 0.5}, func(dp []metrics.Sample) AlarmResult {
			return AlarmResult{State: model.AlarmAlarm, LastValue: 0.5, Datapoints: dp,
				Reason: "Threshold Crossed: 2 datapoints [0.5 (27/11/26 07:59:00), 10.0 (27/11/26 07:58:00)] were less than or equal to the threshold (10.0) (minimum 2 datapoints for OK -> ALARM transition)."}
		}},
		{"insufficient", high, nil, func(dp []metrics.Sample) AlarmResult {
			return AlarmResult{State: model.AlarmInsufficientData, Reason: "Insufficient Data: 3 datapoints were unknown."}
		}},
		{"breaching fills gaps", breaching, []float64{nan, nan, 80}, func(dp []metrics.Sample) AlarmResult {
			return AlarmResult{State: model.AlarmAlarm, LastValue: 80, Datapoints: dp,
				Reason: "Threshold Crossed: 3 datapoints [80.0 (27/11/26 07:59:00)] were greater than the threshold (70.0) (2 missing datapoints treated as breaching) (minimum 3 datapoints for OK -> ALARM transition)."}
		}},
		{"breaching with no data at all", breaching, nil, func(dp []metrics.Sample) AlarmResult {
			return AlarmResult{State: model.AlarmAlarm,
				Reason: "Threshold Crossed: 3 datapoints were greater than the threshold (70.0) (3 missing datapoints treated as breaching) (minimum 3 datapoints for OK -> ALARM transition)."}
		}},
		{"notBreaching with no data", notBreaching, nil, func(dp []metrics.Sample) AlarmResult {
			return AlarmResult{State: model.AlarmOK,
				Reason: "Threshold Crossed: 3 datapoints were not greater than the threshold (70.0) (3 missing datapoints treated as not breaching) (minimum 1 datapoint for ALARM -> OK transition)."}
		}},
		{"ignore keeps the state without data", ignore, nil, func(dp []metrics.Sample) AlarmResult {
			return AlarmResult{State: model.AlarmAlarm, Reason: "kept"}
		}},
		{"unsupported operator", anomaly, []float64{1}, func(dp []metrics.Sample) AlarmResult {
			return AlarmResult{State: model.AlarmInsufficientData, Reason: `Unsupported comparison operator "LessThanLowerOrGreaterThanUpperThreshold".`}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := series(now, time.Minute, tc.values...)
			got := EvaluateAlarm(tc.alarm, in, now)
			var dp []metrics.Sample
			if len(in) > 0 {
				dp = newestFirst(in)
			}
			if diff := cmp.Diff(tc.want(dp), got); diff != "" {
				t.Errorf("EvaluateAlarm (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEvaluateAlarmWindow(t *testing.T) {
	now := t0
	a := metricAlarm("high", GreaterThanThreshold, 70, 60, 2)
	in := []metrics.Sample{
		{Time: now.Add(-10 * time.Minute), Value: 10}, // before the window
		{Time: now.Add(-2 * time.Minute), Value: 80},
		{Time: now.Add(-90 * time.Second), Value: 60}, // same period as the one before, later: wins
		{Time: now.Add(-time.Minute), Value: 90},
		{Time: now, Value: 10}, // end is exclusive
	}
	got := EvaluateAlarm(a, in, now)
	want := AlarmResult{
		State: model.AlarmOK, LastValue: 90,
		Datapoints: []metrics.Sample{in[3], in[2]},
		Reason:     "Threshold Crossed: 1 out of the last 2 datapoints [60.0 (27/11/26 07:58:30)] was not greater than the threshold (70.0) (minimum 1 datapoint for ALARM -> OK transition).",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EvaluateAlarm (-want +got):\n%s", diff)
	}
}

func TestFormatValue(t *testing.T) {
	for in, want := range map[float64]string{70: "70.0", 0.5: "0.5", 1.0 / 3: "0.3333333333333333", -2: "-2.0"} {
		if got := FormatValue(in); got != want {
			t.Errorf("FormatValue(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestLowSampleCount(t *testing.T) {
	tests := []struct{ q, want float64 }{
		{0.99, 1000}, {0.9, 100}, {0.5, 20}, {0.999, 10000}, {0.1, 100}, {0.25, 40}, {0, 0}, {1, 0},
	}
	for _, tt := range tests {
		if got := LowSampleCount(tt.q); math.Abs(got-tt.want) > 1e-6*tt.want {
			t.Errorf("LowSampleCount(%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
}
