package metrics

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/scaled-dev/scaled/internal/metrics/sketch"
)

// ExtendedKind is the kind of a CloudWatch extended statistic.
type ExtendedKind uint8

// Extended statistic kinds.
const (
	// Percentile is pNN: the value below which NN % of the data lie.
	Percentile ExtendedKind = iota + 1
	// TrimmedMean is tmNN, TM(a:b) and IQM: the mean of the data within the bounds.
	TrimmedMean
	// WinsorizedMean is wmNN and WM(a:b): the mean of the data after the values outside
	// the bounds are moved to the bounds.
	WinsorizedMean
	// TrimmedCount is tcNN and TC(a:b): the number of data points within the bounds.
	TrimmedCount
	// TrimmedSum is tsNN and TS(a:b): the sum of the data within the bounds.
	TrimmedSum
	// PercentileRank is PR(a:b): the percentage of the data within the value bounds.
	PercentileRank
)

var kindNames = [...]string{Percentile: "percentile", TrimmedMean: "trimmed mean", WinsorizedMean: "winsorized mean",
	TrimmedCount: "trimmed count", TrimmedSum: "trimmed sum", PercentileRank: "percentile rank"}

func (k ExtendedKind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "ExtendedKind(" + strconv.Itoa(int(k)) + ")"
}

// ExtendedStatistic is a parsed CloudWatch extended statistic (see
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html).
type ExtendedStatistic struct {
	// Name is the statistic as written ("p99", "tm90", "TM(10%:90%)", "PR(:300)", "IQM").
	Name string
	Kind ExtendedKind
	// Quantile is the quantile (0 to 1) of a Percentile.
	Quantile float64
	// Percent says the bounds of the other kinds are ranks: Lower and Upper are fractions
	// (0 to 1) of the sorted data, and the statistic uses the data between them (tm90 is
	// Lower 0, Upper 0.9; IQM is 0.25 to 0.75). Otherwise they are values: the statistic
	// uses the values v with Lower < v ≤ Upper, Lower being -Inf and Upper +Inf when the
	// bound is omitted (TC(:0.5) is -Inf to 0.5).
	Percent      bool
	Lower, Upper float64
}

// StatisticError is the error of ParseExtendedStatistic and ValidateStatistic: it names
// the statistic and says what is wrong with it. It wraps ErrInvalidStatistic.
type StatisticError struct {
	Statistic string
	Reason    string
}

func (e *StatisticError) Error() string {
	return fmt.Sprintf("metrics: invalid statistic %q: %s", e.Statistic, e.Reason)
}

// Unwrap returns ErrInvalidStatistic.
func (e *StatisticError) Unwrap() error { return ErrInvalidStatistic }

// StandardStatistics are the five statistics every datum has.
var standardStatistics = []string{StatSampleCount, StatAverage, StatSum, StatMinimum, StatMaximum}

// IsStandardStatistic reports whether stat is SampleCount, Average, Sum, Minimum or Maximum.
func IsStandardStatistic(stat string) bool { return slices.Contains(standardStatistics, stat) }

// ValidateStatistic checks a statistic name as CloudWatch does for MetricStat.Stat (in
// GetMetricData, metric-math alarms and target-tracking customized metrics): one of the
// five standard statistics or any valid extended statistic. The error is a
// *StatisticError naming stat.
func ValidateStatistic(stat string) error {
	if IsStandardStatistic(stat) {
		return nil
	}
	_, err := ParseExtendedStatistic(stat)
	var se *StatisticError
	if errors.As(err, &se) && se.Reason == reasonUnknown {
		return &StatisticError{Statistic: stat, Reason: "use SampleCount, Average, Sum, Minimum, Maximum or an extended statistic such as p99, tm90, TM(10%:90%), IQM or PR(:300)"}
	}
	return err
}

const reasonUnknown = "not an extended statistic: use a percentile such as p99, a trimmed mean tm90 or TM(10%:90%), a winsorized mean wm90 or WM(10%:90%), a trimmed count tc90 or TC(10%:90%), a trimmed sum ts90 or TS(10%:90%), a percentile rank such as PR(:300) or PR(100:2000), or IQM"

// ParseExtendedStatistic parses a CloudWatch extended statistic, accepting the spellings
// CloudWatch accepts:
//
//   - IQM, the interquartile mean, which is TM(25%:75%);
//   - pNN, tmNN, wmNN, tcNN, tsNN (lower case, one percentage: NN is 0 to 100 with at most
//     ten decimals, at most two digits before the point unless it is 100): tm99 is
//     TM(:99%), the data without the highest 1 %;
//   - TM(a:b), WM(a:b), TC(a:b), TS(a:b) (upper case) with one or both bounds, either
//     both percentages (TM(10%:90%), TM(:95%), TS(80%:)) or both values (TM(150:1000),
//     TC(:0.5)): values are non-negative numbers with at most ten decimals, the lower
//     bound exclusive and the upper inclusive;
//   - PR(a:b) with one or both bounds, which are values (PR(:300), PR(100:2000)).
//
// The lower bound must not exceed the upper. Other spellings (TM90, tm(10%:90%), PR90,
// iqm, spaces, exponents, signs) are refused with a *StatisticError.
func ParseExtendedStatistic(stat string) (ExtendedStatistic, error) {
	bad := func(format string, args ...any) (ExtendedStatistic, error) {
		return ExtendedStatistic{}, &StatisticError{Statistic: stat, Reason: fmt.Sprintf(format, args...)}
	}
	if stat == "IQM" {
		return ExtendedStatistic{Name: stat, Kind: TrimmedMean, Percent: true, Lower: 0.25, Upper: 0.75}, nil
	}
	if len(stat) >= 3 && strings.EqualFold(stat[:3], "IQM") {
		return bad("the interquartile mean is written IQM, without bounds")
	}
	// Lower case with one percentage.
	if num, ok := strings.CutPrefix(stat, "p"); ok && !(len(stat) >= 2 && strings.EqualFold(stat[:2], "PR")) {
		q, reason := parsePercent(num)
		if reason != "" {
			return bad("a percentile is p followed by %s", reason)
		}
		return ExtendedStatistic{Name: stat, Kind: Percentile, Quantile: q}, nil
	}
	if len(stat) < 2 {
		return bad("%s", reasonUnknown)
	}
	prefix, rest := stat[:2], stat[2:]
	if k, ok := kindOf(prefix); ok && strings.HasPrefix(rest, "(") {
		return parseRange(stat, k, rest, bad)
	}
	if k, ok := kindOf(strings.ToUpper(prefix)); ok && k != PercentileRank && prefix == strings.ToLower(prefix) {
		if strings.HasPrefix(rest, "(") {
			return bad("a %s with bounds in parentheses is written in upper case, as %s%s", k, strings.ToUpper(prefix), rest)
		}
		q, reason := parsePercent(rest)
		if reason != "" {
			return bad("a %s %s is %s followed by %s", k, prefix+"NN", prefix, reason)
		}
		return ExtendedStatistic{Name: stat, Kind: k, Percent: true, Lower: 0, Upper: q}, nil
	}
	if k, ok := kindOf(strings.ToUpper(prefix)); ok {
		if k == PercentileRank {
			return bad("a percentile rank is written PR(lower:upper) with values as bounds, such as PR(:300) or PR(100:2000)")
		}
		return bad("a %s is written %s followed by a percentage (%s90) or %s(lower:upper) (%s(10%%:90%%))",
			k, strings.ToLower(prefix), strings.ToLower(prefix), strings.ToUpper(prefix), strings.ToUpper(prefix))
	}
	return bad("%s", reasonUnknown)
}

// kindOf returns the kind of a range statistic's upper-case prefix.
func kindOf(prefix string) (ExtendedKind, bool) {
	switch prefix {
	case "TM":
		return TrimmedMean, true
	case "WM":
		return WinsorizedMean, true
	case "TC":
		return TrimmedCount, true
	case "TS":
		return TrimmedSum, true
	case "PR":
		return PercentileRank, true
	}
	return 0, false
}

// parseRange parses "(a:b)" after the prefix of a range statistic.
func parseRange(stat string, k ExtendedKind, rest string, bad func(string, ...any) (ExtendedStatistic, error)) (ExtendedStatistic, error) {
	inner, ok := strings.CutSuffix(rest[1:], ")")
	if !ok || strings.ContainsAny(inner, "()") {
		return bad("the bounds must be in one pair of parentheses, as %s(lower:upper)", stat[:2])
	}
	lo, hi, ok := strings.Cut(inner, ":")
	if !ok || strings.Contains(hi, ":") {
		return bad("the bounds are written lower:upper, either of them may be omitted but not the colon")
	}
	if lo == "" && hi == "" {
		return bad("at least one bound is required")
	}
	loPct, hiPct := strings.HasSuffix(lo, "%"), strings.HasSuffix(hi, "%")
	switch {
	case lo != "" && hi != "" && loPct != hiPct:
		return bad("both bounds must be percentages, or both values")
	case k == PercentileRank && (loPct || hiPct):
		return bad("the bounds of a percentile rank are values, not percentages")
	}
	e := ExtendedStatistic{Name: stat, Kind: k, Percent: loPct || hiPct, Lower: math.Inf(-1), Upper: math.Inf(1)}
	if e.Percent {
		e.Lower, e.Upper = 0, 1
	}
	for _, b := range []struct {
		s    string
		dst  *float64
		name string
	}{{lo, &e.Lower, "lower"}, {hi, &e.Upper, "upper"}} {
		if b.s == "" {
			continue
		}
		if e.Percent {
			q, reason := parsePercent(strings.TrimSuffix(b.s, "%"))
			if reason != "" {
				return bad("the %s bound %s must be %s followed by %%", b.name, b.s, reason)
			}
			*b.dst = q
			continue
		}
		v, reason := parseValue(b.s)
		if reason != "" {
			return bad("the %s bound %s must be %s", b.name, b.s, reason)
		}
		*b.dst = v
	}
	if e.Lower > e.Upper {
		return bad("the lower bound %s exceeds the upper bound %s", lo, hi)
	}
	return e, nil
}

// parsePercent parses a percentage from 0 to 100 with at most ten decimals and returns it
// as a fraction, or the reason it is invalid. The decimal point is shifted textually so
// that 99.9 is exactly the float64 nearest 0.999.
func parsePercent(num string) (float64, string) {
	const want = "a number from 0 to 100 with at most ten decimals"
	ip, frac, dot := strings.Cut(num, ".")
	valid := (len(ip) >= 1 && len(ip) <= 2 || ip == "100") && allDigits(ip) && len(frac) <= 10 && allDigits(frac) && (!dot || len(frac) > 0)
	if !valid {
		return 0, want
	}
	if ip == "100" {
		if strings.Trim(frac, "0") != "" {
			return 0, want
		}
		return 1, ""
	}
	if len(ip) == 1 {
		ip = "0" + ip
	}
	q, err := strconv.ParseFloat("0."+ip+frac, 64)
	if err != nil {
		return 0, want
	}
	return q, ""
}

// parseValue parses a value bound: a non-negative decimal number with at most ten
// decimals.
func parseValue(num string) (float64, string) {
	const want = "a non-negative number with at most ten decimals"
	ip, frac, dot := strings.Cut(num, ".")
	if ip == "" || !allDigits(ip) || len(frac) > 10 || !allDigits(frac) || (dot && frac == "") {
		return 0, want
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, want
	}
	return v, ""
}

// IsExtendedStatistic reports whether stat is a valid extended statistic.
func IsExtendedStatistic(stat string) bool {
	_, err := ParseExtendedStatistic(stat)
	return err == nil
}

// Compute returns the statistic of the data counted by s, or false when it has none: s is
// empty or holds a negative value (CloudWatch computes no extended statistic then), or a
// trimmed mean has no data within its bounds. Trimmed counts and sums of an empty range
// are 0. See package sketch for the accuracy.
func (e ExtendedStatistic) Compute(s *sketch.Sketch) (float64, bool) {
	if s == nil {
		return 0, false
	}
	switch e.Kind {
	case Percentile:
		return s.Quantile(e.Quantile)
	case WinsorizedMean:
		if e.Percent {
			return s.WinsorizedByRank(e.Lower, e.Upper)
		}
		return s.WinsorizedByValue(e.Lower, e.Upper)
	case PercentileRank:
		return s.RankOf(e.Lower, e.Upper)
	case TrimmedMean, TrimmedCount, TrimmedSum:
	default:
		return 0, false
	}
	var count, sum float64
	var ok bool
	if e.Percent {
		count, sum, ok = s.TrimmedByRank(e.Lower, e.Upper)
	} else {
		count, sum, ok = s.TrimmedByValue(e.Lower, e.Upper)
	}
	switch {
	case !ok:
		return 0, false
	case e.Kind == TrimmedCount:
		return count, true
	case e.Kind == TrimmedSum:
		return sum, true
	case count > 0:
		return sum / count, true
	}
	return 0, false
}
