package scaling

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/model"
)

// Comparison operators (CloudWatch ComparisonOperator).
const (
	GreaterThanOrEqualToThreshold = "GreaterThanOrEqualToThreshold"
	GreaterThanThreshold          = "GreaterThanThreshold"
	LessThanThreshold             = "LessThanThreshold"
	LessThanOrEqualToThreshold    = "LessThanOrEqualToThreshold"
)

// TreatMissingData values (CloudWatch).
const (
	MissingDataMissing      = "missing"
	MissingDataNotBreaching = "notBreaching"
	MissingDataBreaching    = "breaching"
	MissingDataIgnore       = "ignore"
)

var comparisonWords = map[string]string{
	GreaterThanOrEqualToThreshold: "greater than or equal to",
	GreaterThanThreshold:          "greater than",
	LessThanThreshold:             "less than",
	LessThanOrEqualToThreshold:    "less than or equal to",
}

// Breaches reports whether value breaches threshold under a comparison operator. Unknown
// operators never breach.
func Breaches(op string, value, threshold float64) bool {
	switch op {
	case GreaterThanOrEqualToThreshold:
		return value >= threshold
	case GreaterThanThreshold:
		return value > threshold
	case LessThanThreshold:
		return value < threshold
	case LessThanOrEqualToThreshold:
		return value <= threshold
	}
	return false
}

// LowSampleCount is the number of samples below which a period of a percentile alarm is too
// small to be statistically significant (CloudWatch): 10/(1-q) for percentiles from p50 up,
// 10/q below; q is the percentile as a fraction (0.99 for p99). It is 0 for p0 and p100,
// which are the minimum and maximum.
func LowSampleCount(q float64) float64 {
	switch {
	case q <= 0 || q >= 1:
		return 0
	case q >= 0.5:
		return 10 / (1 - q)
	}
	return 10 / q
}

// EvaluateAlarm evaluates a metric alarm the CloudWatch way at now: the window is the
// EvaluationPeriods periods [now-EvaluationPeriods*Period, now); datapoints are the samples
// of the alarm's metric and statistic over that window aggregated per Period (periods without
// data absent; samples outside the window are ignored; two samples in one period keep the
// later). The alarm is in ALARM when at least DatapointsToAlarm (default EvaluationPeriods) of
// the periods breach the threshold. TreatMissingData decides how absent periods count:
// "missing" (default) evaluates only the present datapoints and is INSUFFICIENT_DATA when
// there are none; "notBreaching" and "breaching" fill absent periods as good or bad; "ignore"
// behaves like "missing" but keeps the alarm's current StateValue when there is no data.
// Unknown comparison operators (such as anomaly-detection bands) evaluate to
// INSUFFICIENT_DATA with a reason saying so.
func EvaluateAlarm(a model.MetricAlarm, datapoints []metrics.Sample, now time.Time) AlarmResult {
	n := int(a.EvaluationPeriods)
	if n < 1 {
		n = 1
	}
	m := int(a.DatapointsToAlarm)
	if m < 1 || m > n {
		m = n
	}
	period := time.Duration(a.Period) * time.Second
	if period <= 0 {
		period = time.Minute
	}
	words, ok := comparisonWords[a.ComparisonOperator]
	if !ok {
		return AlarmResult{
			State:  model.AlarmInsufficientData,
			Reason: "Unsupported comparison operator " + strconv.Quote(a.ComparisonOperator) + ".",
		}
	}

	// Place samples in slots 0 (oldest) .. n-1 (newest).
	start := now.Add(-time.Duration(n) * period)
	var slotBuf [16]metrics.Sample
	var presentBuf [16]bool
	slots := slotBuf[:0]
	present := presentBuf[:0]
	if n <= len(slotBuf) {
		slots = slotBuf[:n]
		present = presentBuf[:n]
	} else {
		slots = make([]metrics.Sample, n)
		present = make([]bool, n)
	}
	for _, s := range datapoints {
		if s.Time.Before(start) || !s.Time.Before(now) || math.IsNaN(s.Value) {
			continue
		}
		i := int(s.Time.Sub(start) / period)
		if i >= n {
			i = n - 1
		}
		if present[i] && s.Time.Before(slots[i].Time) {
			continue
		}
		slots[i], present[i] = s, true
	}

	// Used datapoints, newest first.
	var used []metrics.Sample
	breaching, presentCount := 0, 0
	for i := n - 1; i >= 0; i-- {
		if !present[i] {
			continue
		}
		presentCount++
		if used == nil {
			used = make([]metrics.Sample, 0, n)
		}
		used = append(used, slots[i])
		if Breaches(a.ComparisonOperator, slots[i].Value, a.Threshold) {
			breaching++
		}
	}
	res := AlarmResult{Datapoints: used}
	if presentCount > 0 {
		res.LastValue = used[0].Value
	}
	missing := n - presentCount

	treat := a.TreatMissingData
	if strings.HasPrefix(a.Namespace, "AWS/DynamoDB") {
		// CloudWatch always ignores missing data for DynamoDB metrics.
		treat = MissingDataIgnore
	}
	switch treat {
	case MissingDataNotBreaching, MissingDataBreaching:
		if treat == MissingDataBreaching {
			breaching += missing
		}
		if breaching >= m {
			res.State = model.AlarmAlarm
		} else {
			res.State = model.AlarmOK
		}
		res.Reason = thresholdReason(a.ComparisonOperator, res.State, breaching, n, m, used, words, a.Threshold, missing, treat)
		return res
	default: // missing, ignore
		if presentCount == 0 {
			if treat == MissingDataIgnore && a.StateValue != "" {
				res.State = a.StateValue
				res.Reason = a.StateReason
				return res
			}
			res.State = model.AlarmInsufficientData
			res.Reason = "Insufficient Data: " + plural(n, "datapoint") + " " + wasWere(n) + " unknown."
			return res
		}
		need := m
		if presentCount < need {
			need = presentCount
		}
		if breaching >= need {
			res.State = model.AlarmAlarm
		} else {
			res.State = model.AlarmOK
		}
		res.Reason = thresholdReason(a.ComparisonOperator, res.State, breaching, presentCount, need, used, words, a.Threshold, 0, treat)
		return res
	}
}

// thresholdReason builds the CloudWatch-style StateReason, e.g.
// "Threshold Crossed: 3 datapoints [75.0 (27/11/26 08:02:00), ...] were greater than the threshold (70.0)".
// The bracket lists the datapoints that decided the state: breaching ones for ALARM, the
// others for OK.
func thresholdReason(op, state string, breaching, outOf, need int, used []metrics.Sample, words string, threshold float64, missing int, treat string) string {
	var b strings.Builder
	b.Grow(96 + 30*len(used))
	b.WriteString("Threshold Crossed: ")
	count := breaching
	if state == model.AlarmOK {
		count = outOf - breaching
	}
	if count != outOf {
		b.WriteString(strconv.Itoa(count))
		b.WriteString(" out of the last ")
		b.WriteString(strconv.Itoa(outOf))
		if outOf == 1 {
			b.WriteString(" datapoint")
		} else {
			b.WriteString(" datapoints")
		}
	} else {
		b.WriteString(plural(count, "datapoint"))
	}
	listed := 0
	for _, s := range used {
		if Breaches(op, s.Value, threshold) != (state == model.AlarmAlarm) {
			continue
		}
		if listed == 0 {
			b.WriteString(" [")
		} else {
			b.WriteString(", ")
		}
		listed++
		var buf [40]byte
		b.Write(appendValue(buf[:0], s.Value))
		b.WriteString(" (")
		b.Write(s.Time.UTC().AppendFormat(buf[:0], "02/01/06 15:04:05"))
		b.WriteString(")")
	}
	if listed > 0 {
		b.WriteString("]")
	}
	b.WriteByte(' ')
	one := count == 1
	switch {
	case state == model.AlarmAlarm && one:
		b.WriteString("was ")
	case state == model.AlarmAlarm:
		b.WriteString("were ")
	case one:
		b.WriteString("was not ")
	default:
		b.WriteString("were not ")
	}
	b.WriteString(words)
	b.WriteString(" the threshold (")
	var tbuf [40]byte
	b.Write(appendValue(tbuf[:0], threshold))
	b.WriteString(")")
	if missing > 0 {
		b.WriteString(" (")
		b.WriteString(plural(missing, "missing datapoint"))
		b.WriteString(" treated as ")
		if treat == MissingDataBreaching {
			b.WriteString("breaching")
		} else {
			b.WriteString("not breaching")
		}
		b.WriteString(")")
	}
	b.WriteString(" (minimum ")
	if state == model.AlarmAlarm {
		b.WriteString(plural(need, "datapoint"))
		b.WriteString(" for OK -> ALARM transition).")
	} else {
		b.WriteString(plural(outOf-need+1, "datapoint"))
		b.WriteString(" for ALARM -> OK transition).")
	}
	return b.String()
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func wasWere(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

// FormatValue renders a metric value the way CloudWatch reason texts do: integral values with
// one decimal ("70.0"), others in the shortest form that round-trips ("0.8333333333333334").
func FormatValue(v float64) string {
	var buf [40]byte
	return string(appendValue(buf[:0], v))
}

func appendValue(dst []byte, v float64) []byte {
	if !math.IsInf(v, 0) && !math.IsNaN(v) && v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.AppendFloat(dst, v, 'f', 1, 64)
	}
	return strconv.AppendFloat(dst, v, 'g', -1, 64)
}
