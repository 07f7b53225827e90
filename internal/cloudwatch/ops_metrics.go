package cloudwatch

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/metrics/mathexpr"
	"github.com/scaled-dev/scaled/internal/metrics/sketch"
	"github.com/scaled-dev/scaled/internal/metrics/tsdb"
	"github.com/scaled-dev/scaled/internal/model"
)

// Limits of the CloudWatch model and service quotas applied here.
const (
	maxMetricData        = 1000
	maxDimensions        = 30
	maxValues            = 150
	maxStatisticsPoints  = 1440
	defaultMaxDatapoints = 100_800
	listMetricsPageSize  = 500
	maxValueMagnitude    = 0x1p360
	// maxExtendedStatistics is the GetMetricStatistics limit on ExtendedStatistics.
	maxExtendedStatistics = 10
)

// validUnits is the StandardUnit enum.
var validUnits = func() map[string]bool {
	m := map[string]bool{}
	for _, u := range strings.Fields("Seconds Microseconds Milliseconds Bytes Kilobytes Megabytes Gigabytes Terabytes Bits Kilobits Megabits Gigabits Terabits Percent Count Bytes/Second Kilobytes/Second Megabytes/Second Gigabytes/Second Terabytes/Second Bits/Second Kilobits/Second Megabits/Second Gigabits/Second Terabits/Second Count/Second None") {
		m[u] = true
	}
	return m
}()

var validStatistics = []string{metrics.StatSampleCount, metrics.StatAverage, metrics.StatSum, metrics.StatMinimum, metrics.StatMaximum}

// validPeriod reports whether p is a CloudWatch period: 1, 5, 10, 30 or a multiple of 60.
func validPeriod(p int32) bool {
	return p == 1 || p == 5 || p == 10 || p == 30 || (p > 0 && p%60 == 0)
}

func checkUnit(field, u string) error {
	if u != "" && !validUnits[u] {
		return errInvalidValue("The value %s for parameter %s is not a valid unit.", u, field)
	}
	return nil
}

func checkDimensions(field string, dims []Dimension) ([]model.MetricDimension, error) {
	if len(dims) > maxDimensions {
		return nil, errInvalidValue("The collection %s must not have a size greater than %d.", field, maxDimensions)
	}
	out := make([]model.MetricDimension, 0, len(dims))
	seen := make(map[string]bool, len(dims))
	for i, d := range dims {
		f := fmt.Sprintf("%s.member.%d", field, i+1)
		switch {
		case d.Name == "":
			return nil, errMissing(f + ".Name")
		case len(d.Name) > 255:
			return nil, errInvalidValue("The parameter %s.Name must be at most 255 characters long.", f)
		case d.Value == "":
			return nil, errMissing(f + ".Value")
		case len(d.Value) > 1024:
			return nil, errInvalidValue("The parameter %s.Value must be at most 1024 characters long.", f)
		case seen[d.Name]:
			return nil, errInvalidValue("The collection %s contains the dimension name %q more than once.", field, d.Name)
		}
		seen[d.Name] = true
		out = append(out, model.MetricDimension{Name: d.Name, Value: d.Value})
	}
	return out, nil
}

// checkExtended validates an extended statistic: a percentile (p99), trimmed mean (tm90,
// TM(10%:90%), IQM), winsorized mean, trimmed count or sum, or percentile rank (PR(:300)).
func checkExtended(field, stat string) error {
	if _, err := metrics.ParseExtendedStatistic(stat); err != nil {
		return errInvalidValue("The value %s for parameter %s is not a valid extended statistic: %s.", stat, field, statReason(err))
	}
	return nil
}

// checkStat validates a MetricStat.Stat: a standard or an extended statistic.
func checkStat(field, stat string) error {
	if err := metrics.ValidateStatistic(stat); err != nil {
		return errInvalidValue("The value %s for parameter %s is not a valid statistic: %s.", stat, field, statReason(err))
	}
	return nil
}

// statReason is what is wrong with a statistic, for an error message.
func statReason(err error) string {
	if se := (*metrics.StatisticError)(nil); errors.As(err, &se) {
		return se.Reason
	}
	return err.Error()
}

func checkValue(field string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > maxValueMagnitude {
		return errInvalidValue("The value %v for parameter %s is invalid: values must be finite and within ±2^360.", v, field)
	}
	return nil
}

func (h *Handler) putMetricData(ctx context.Context, in *PutMetricDataInput) (*Empty, error) {
	acct := account(ctx)
	switch {
	case in.Namespace == "":
		return nil, errMissing("Namespace")
	case len(in.Namespace) > 255:
		return nil, errInvalidValue("The parameter Namespace must be at most 255 characters long.")
	case strings.HasPrefix(in.Namespace, "AWS/"):
		return nil, errInvalidValue("The value AWS/ for parameter Namespace is invalid.")
	case strings.HasPrefix(in.Namespace, ":"):
		return nil, errInvalidValue("The value %s for parameter Namespace is invalid: it must not start with a colon.", in.Namespace)
	}
	type entry struct {
		field string
		d     *MetricDatum
	}
	var all []entry
	for i := range in.MetricData {
		all = append(all, entry{fmt.Sprintf("MetricData.member.%d", i+1), &in.MetricData[i]})
	}
	for j := range in.EntityMetricData {
		for i := range in.EntityMetricData[j].MetricData {
			all = append(all, entry{fmt.Sprintf("EntityMetricData.member.%d.MetricData.member.%d", j+1, i+1), &in.EntityMetricData[j].MetricData[i]})
		}
	}
	if len(all) == 0 {
		return nil, errMissing("MetricData")
	}
	if len(all) > maxMetricData {
		return nil, errInvalidValue("The collection MetricData must not have a size greater than %d.", maxMetricData)
	}
	if h.opts.Sink == nil {
		return nil, errors.New("cloudwatch: no metrics sink configured")
	}
	now := h.clk.Now()
	data := make([]metrics.Datum, 0, len(all))
	for _, e := range all {
		ds, err := datums(acct, in.Namespace, e.field, e.d, now)
		if err != nil {
			return nil, err
		}
		data = append(data, ds...)
	}
	if err := h.opts.Sink.Put(ctx, data); err != nil {
		if errors.Is(err, tsdb.ErrTooManySeries) {
			return nil, errLimit("%v", err)
		}
		return nil, fmt.Errorf("cloudwatch: storing metric data: %w", err)
	}
	return &Empty{}, nil
}

func datums(acct, ns, field string, md *MetricDatum, now time.Time) ([]metrics.Datum, error) {
	switch {
	case md.MetricName == "":
		return nil, errMissing(field + ".MetricName")
	case len(md.MetricName) > 255:
		return nil, errInvalidValue("The parameter %s.MetricName must be at most 255 characters long.", field)
	}
	dims, err := checkDimensions(field+".Dimensions", md.Dimensions)
	if err != nil {
		return nil, err
	}
	if err := checkUnit(field+".Unit", md.Unit); err != nil {
		return nil, err
	}
	hi := false
	if md.StorageResolution != nil {
		switch *md.StorageResolution {
		case 1:
			hi = true
		case 60:
		default:
			return nil, errInvalidValue("The value %d for parameter %s.StorageResolution is invalid: use 1 or 60.", *md.StorageResolution, field)
		}
	}
	t := now
	if md.Timestamp != nil {
		t = md.Timestamp.Time
		if t.Before(now.Add(-14 * 24 * time.Hour)) {
			return nil, errInvalidValue("The parameter %s.Timestamp must specify a time within the past two weeks.", field)
		}
		if t.After(now.Add(2 * time.Hour)) {
			return nil, errInvalidValue("The parameter %s.Timestamp must specify a time no more than two hours in the future.", field)
		}
	}
	id := metrics.MetricID{Account: acct, Namespace: ns, Name: md.MetricName, Dimensions: dims}
	base := metrics.Datum{Metric: id, Time: t, Unit: md.Unit, HighResolution: hi}
	forms := 0
	if md.Value != nil {
		forms++
	}
	if md.StatisticValues != nil {
		forms++
	}
	if len(md.Values) > 0 {
		forms++
	}
	if forms != 1 {
		return nil, errCombination("The parameters %[1]s.Value, %[1]s.StatisticValues and %[1]s.Values are mutually exclusive and exactly one of them must be specified.", field)
	}
	switch {
	case md.Value != nil:
		if err := checkValue(field+".Value", *md.Value); err != nil {
			return nil, err
		}
		d := base
		d.SampleCount, d.Sum, d.Min, d.Max = 1, *md.Value, *md.Value, *md.Value
		return []metrics.Datum{d}, nil
	case md.StatisticValues != nil:
		s := md.StatisticValues
		f := field + ".StatisticValues"
		for _, m := range []struct {
			name string
			v    *float64
		}{{"SampleCount", s.SampleCount}, {"Sum", s.Sum}, {"Minimum", s.Minimum}, {"Maximum", s.Maximum}} {
			if m.v == nil {
				return nil, errMissing(f + "." + m.name)
			}
			if err := checkValue(f+"."+m.name, *m.v); err != nil {
				return nil, err
			}
		}
		if *s.SampleCount <= 0 {
			return nil, errInvalidValue("The parameter %s.SampleCount must be greater than 0.", f)
		}
		if *s.Minimum > *s.Maximum {
			return nil, errInvalidValue("The parameter %s.Minimum must not be greater than %s.Maximum.", f, f)
		}
		d := base
		d.SampleCount, d.Sum, d.Min, d.Max = *s.SampleCount, *s.Sum, *s.Minimum, *s.Maximum
		return []metrics.Datum{d}, nil
	}
	if len(md.Values) > maxValues {
		return nil, errInvalidValue("The collection %s.Values must not have a size greater than %d.", field, maxValues)
	}
	if len(md.Counts) > 0 && len(md.Counts) != len(md.Values) {
		return nil, errCombination("The parameters %[1]s.Values and %[1]s.Counts must have the same number of members.", field)
	}
	// The values become one datum carrying their distribution, so percentiles of the
	// period are computed from the raw values as CloudWatch does.
	d := base
	d.Min, d.Max = math.Inf(1), math.Inf(-1)
	for i, v := range md.Values {
		if err := checkValue(fmt.Sprintf("%s.Values.member.%d", field, i+1), v); err != nil {
			return nil, err
		}
		c := 1.0
		if len(md.Counts) > 0 {
			c = md.Counts[i]
			if math.IsNaN(c) || c < 0 || math.IsInf(c, 0) {
				return nil, errInvalidValue("The value %v for parameter %s.Counts.member.%d is invalid: counts must be non-negative.", c, field, i+1)
			}
			if c == 0 {
				continue
			}
		}
		if d.Dist == nil {
			d.Dist = sketch.New()
		}
		d.Dist.Add(v, c)
		d.SampleCount += c
		d.Sum += v * c
		d.Min, d.Max = min(d.Min, v), max(d.Max, v)
	}
	if d.SampleCount == 0 {
		return nil, nil
	}
	if err := checkValue(field+".Values", d.Sum); err != nil {
		return nil, err
	}
	return []metrics.Datum{d}, nil
}

// translateQueryErr maps errors of mathexpr and the source to API errors.
func translateQueryErr(err error) error {
	switch {
	case errors.Is(err, mathexpr.ErrInvalid), errors.Is(err, tsdb.ErrUnsupportedStatistic), errors.Is(err, tsdb.ErrInvalidQuery):
		return errInvalidValue("%v", err)
	}
	return err
}

func (h *Handler) getMetricData(ctx context.Context, in *GetMetricDataInput) (*GetMetricDataOutput, error) {
	if len(in.MetricDataQueries) == 0 {
		return nil, errMissing("MetricDataQueries")
	}
	if len(in.MetricDataQueries) > mathexpr.MaxQueries {
		return nil, errInvalidValue("The collection MetricDataQueries must not have a size greater than %d.", mathexpr.MaxQueries)
	}
	if in.StartTime == nil {
		return nil, errMissing("StartTime")
	}
	if in.EndTime == nil {
		return nil, errMissing("EndTime")
	}
	if !in.EndTime.After(in.StartTime.Time) {
		return nil, errInvalidValue("The parameter StartTime must be less than the parameter EndTime.")
	}
	scanBy := in.ScanBy
	switch scanBy {
	case "":
		scanBy = "TimestampDescending"
	case "TimestampDescending", "TimestampAscending":
	default:
		return nil, errInvalidValue("The value %s for parameter ScanBy is invalid: use TimestampDescending or TimestampAscending.", in.ScanBy)
	}
	maxPoints := defaultMaxDatapoints
	if in.MaxDatapoints != nil {
		if *in.MaxDatapoints < 1 {
			return nil, errInvalidValue("The parameter MaxDatapoints must be at least 1.")
		}
		maxPoints = int(*in.MaxDatapoints)
	}
	queries, defPeriod, err := toModelQueries("MetricDataQueries", in.MetricDataQueries)
	if err != nil {
		return nil, err
	}
	if h.opts.Source == nil {
		return nil, errors.New("cloudwatch: no metrics source configured")
	}
	fingerprint := requestHash(in.MetricDataQueries, in.StartTime.Time, in.EndTime.Time, scanBy)
	offset := 0
	if in.NextToken != "" {
		if offset, err = decodeOffsetToken(in.NextToken, fingerprint); err != nil {
			return nil, err
		}
	}
	results, err := mathexpr.Run(ctx, h.opts.Source, account(ctx), queries, in.StartTime.Time, in.EndTime.Time, defPeriod)
	if err != nil {
		return nil, translateQueryErr(err)
	}
	out := &GetMetricDataOutput{MetricDataResults: make([]MetricDataResult, 0, len(results))}
	pos, budget, more := 0, maxPoints, false
	for _, r := range results {
		s := r.Samples
		if scanBy == "TimestampDescending" {
			s = slices.Clone(s)
			slices.Reverse(s)
		}
		lo := min(max(offset-pos, 0), len(s))
		hi := min(lo+budget, len(s))
		pos += len(s)
		res := MetricDataResult{Id: r.ID, Label: r.Label, Timestamps: make([]Timestamp, 0, hi-lo), Values: make([]float64, 0, hi-lo), StatusCode: "Complete"}
		for _, p := range s[lo:hi] {
			res.Timestamps = append(res.Timestamps, Timestamp{p.Time.UTC()})
			res.Values = append(res.Values, p.Value)
		}
		budget -= hi - lo
		if hi < len(s) {
			res.StatusCode = "PartialData"
			more = true
		}
		out.MetricDataResults = append(out.MetricDataResults, res)
	}
	if more {
		out.NextToken = encodeOffsetToken(offset+maxPoints, fingerprint)
	}
	return out, nil
}

// toModelQueries validates wire queries and converts them; it also returns the default
// period for expressions (the smallest MetricStat period, or 60 s).
func toModelQueries(field string, in []MetricDataQuery) ([]model.MetricDataQuery, time.Duration, error) {
	out := make([]model.MetricDataQuery, 0, len(in))
	var minPeriod int32
	for i, q := range in {
		f := fmt.Sprintf("%s.member.%d", field, i+1)
		mq := model.MetricDataQuery{ID: q.Id, Expression: q.Expression, Label: q.Label, ReturnData: q.ReturnData}
		if q.Id == "" {
			return nil, 0, errMissing(f + ".Id")
		}
		if q.Period != nil {
			if !validPeriod(*q.Period) {
				return nil, 0, errInvalidValue("The value %d for parameter %s.Period is invalid: use 1, 5, 10, 30 or a multiple of 60.", *q.Period, f)
			}
			mq.Period = *q.Period
		}
		if ms := q.MetricStat; ms != nil {
			switch {
			case ms.Metric == nil:
				return nil, 0, errMissing(f + ".MetricStat.Metric")
			case ms.Metric.MetricName == "":
				return nil, 0, errMissing(f + ".MetricStat.Metric.MetricName")
			case ms.Metric.Namespace == "":
				return nil, 0, errMissing(f + ".MetricStat.Metric.Namespace")
			case ms.Stat == "":
				return nil, 0, errMissing(f + ".MetricStat.Stat")
			case ms.Period == nil:
				return nil, 0, errMissing(f + ".MetricStat.Period")
			case !validPeriod(*ms.Period):
				return nil, 0, errInvalidValue("The value %d for parameter %s.MetricStat.Period is invalid: use 1, 5, 10, 30 or a multiple of 60.", *ms.Period, f)
			}
			if err := checkStat(f+".MetricStat.Stat", ms.Stat); err != nil {
				return nil, 0, err
			}
			if err := checkUnit(f+".MetricStat.Unit", ms.Unit); err != nil {
				return nil, 0, err
			}
			dims, err := checkDimensions(f+".MetricStat.Metric.Dimensions", ms.Metric.Dimensions)
			if err != nil {
				return nil, 0, err
			}
			mq.MetricStat = &model.MetricStat{Namespace: ms.Metric.Namespace, MetricName: ms.Metric.MetricName, Dimensions: dims, Period: *ms.Period, Stat: ms.Stat, Unit: ms.Unit}
			if minPeriod == 0 || *ms.Period < minPeriod {
				minPeriod = *ms.Period
			}
		}
		out = append(out, mq)
	}
	if err := mathexpr.Validate(out); err != nil {
		return nil, 0, errInvalidValue("%v", err)
	}
	if minPeriod == 0 {
		minPeriod = 60
	}
	return out, time.Duration(minPeriod) * time.Second, nil
}

func fromModelQueries(in []model.MetricDataQuery) []MetricDataQuery {
	if len(in) == 0 {
		return nil
	}
	out := make([]MetricDataQuery, 0, len(in))
	for _, q := range in {
		w := MetricDataQuery{Id: q.ID, Expression: q.Expression, Label: q.Label, ReturnData: q.ReturnData}
		if q.Period != 0 {
			w.Period = ptr(q.Period)
		}
		if ms := q.MetricStat; ms != nil {
			w.MetricStat = &MetricStat{
				Metric: &Metric{Namespace: ms.Namespace, MetricName: ms.MetricName, Dimensions: toWireDims(ms.Dimensions)},
				Period: ptr(ms.Period), Stat: ms.Stat, Unit: ms.Unit,
			}
		}
		out = append(out, w)
	}
	return out
}

func toWireDims(d []model.MetricDimension) []Dimension {
	out := make([]Dimension, 0, len(d))
	for _, x := range d {
		out = append(out, Dimension{Name: x.Name, Value: x.Value})
	}
	return out
}

func ptr[T any](v T) *T { return &v }

type offsetToken struct {
	Offset int    `json:"o"`
	Hash   string `json:"h"`
}

func requestHash(parts ...any) string {
	b, _ := json.Marshal(parts)
	sum := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(sum[:8])
}

func encodeOffsetToken(off int, hash string) string {
	b, _ := json.Marshal(offsetToken{Offset: off, Hash: hash})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeOffsetToken(tok, hash string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	var t offsetToken
	if err != nil || json.Unmarshal(b, &t) != nil || t.Offset < 0 {
		return 0, errNextToken("The NextToken %q is not valid.", tok)
	}
	if t.Hash != hash {
		return 0, errNextToken("The NextToken was issued for a different request.")
	}
	return t.Offset, nil
}

type keyToken struct {
	Key  string `json:"k"`
	Hash string `json:"h"`
}

func encodeKeyToken(key, hash string) string {
	b, _ := json.Marshal(keyToken{Key: key, Hash: hash})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeKeyToken(tok, hash string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	var t keyToken
	if err != nil || json.Unmarshal(b, &t) != nil || t.Key == "" {
		return "", errNextToken("The NextToken %q is not valid.", tok)
	}
	if t.Hash != hash {
		return "", errNextToken("The NextToken was issued for a different request.")
	}
	return t.Key, nil
}

func (h *Handler) getMetricStatistics(ctx context.Context, in *GetMetricStatisticsInput) (*GetMetricStatisticsOutput, error) {
	switch {
	case in.Namespace == "":
		return nil, errMissing("Namespace")
	case in.MetricName == "":
		return nil, errMissing("MetricName")
	case in.StartTime == nil:
		return nil, errMissing("StartTime")
	case in.EndTime == nil:
		return nil, errMissing("EndTime")
	case in.Period == nil:
		return nil, errMissing("Period")
	case !validPeriod(*in.Period):
		return nil, errInvalidValue("The value %d for parameter Period is invalid: use 1, 5, 10, 30 or a multiple of 60.", *in.Period)
	case !in.EndTime.After(in.StartTime.Time):
		return nil, errInvalidValue("The parameter StartTime must be less than the parameter EndTime.")
	case len(in.Statistics) == 0 && len(in.ExtendedStatistics) == 0:
		return nil, errCombination("Must specify either Statistics or ExtendedStatistics.")
	case len(in.Statistics) > 5:
		return nil, errInvalidValue("The collection Statistics must not have a size greater than 5.")
	case len(in.ExtendedStatistics) > maxExtendedStatistics:
		return nil, errInvalidValue("The collection ExtendedStatistics must not have a size greater than %d.", maxExtendedStatistics)
	}
	for i, s := range in.Statistics {
		if !slices.Contains(validStatistics, s) {
			return nil, errInvalidValue("The value %s for parameter Statistics.member.%d is not valid: use one of %s.", s, i+1, strings.Join(validStatistics, ", "))
		}
	}
	for i, s := range in.ExtendedStatistics {
		if err := checkExtended(fmt.Sprintf("ExtendedStatistics.member.%d", i+1), s); err != nil {
			return nil, err
		}
	}
	if err := checkUnit("Unit", in.Unit); err != nil {
		return nil, err
	}
	dims, err := checkDimensions("Dimensions", in.Dimensions)
	if err != nil {
		return nil, err
	}
	period := time.Duration(*in.Period) * time.Second
	n := int64(in.EndTime.Sub(in.StartTime.Time) / period)
	if n > maxStatisticsPoints {
		return nil, errCombination("You have requested up to %d datapoints, which exceeds the limit of %d. You may reduce the datapoints requested by increasing Period, or decreasing the time range.", n, maxStatisticsPoints)
	}
	if h.opts.Source == nil {
		return nil, errors.New("cloudwatch: no metrics source configured")
	}
	id := metrics.MetricID{Account: account(ctx), Namespace: in.Namespace, Name: in.MetricName, Dimensions: dims}
	byTime := map[int64]*Datapoint{}
	unit := in.Unit
	if u, ok := h.opts.Source.(interface{ Unit(metrics.MetricID) string }); ok && unit == "" {
		unit = u.Unit(id)
	}
	if unit == "" {
		unit = "None"
	}
	stats := append(slices.Clone(in.Statistics), in.ExtendedStatistics...)
	for _, st := range stats {
		samples, err := h.opts.Source.Query(ctx, metrics.Query{Metric: id, Statistic: st, Unit: in.Unit, Start: in.StartTime.Time, End: in.EndTime.Time, Period: period})
		if errors.Is(err, metrics.ErrNoData) {
			continue
		}
		if err != nil {
			return nil, translateQueryErr(fmt.Errorf("reading %s/%s %s: %w", in.Namespace, in.MetricName, st, err))
		}
		for _, s := range samples {
			dp := byTime[s.Time.Unix()]
			if dp == nil {
				dp = &Datapoint{Timestamp: ts(s.Time), Unit: unit}
				byTime[s.Time.Unix()] = dp
			}
			v := ptr(s.Value)
			switch st {
			case metrics.StatSampleCount:
				dp.SampleCount = v
			case metrics.StatAverage:
				dp.Average = v
			case metrics.StatSum:
				dp.Sum = v
			case metrics.StatMinimum:
				dp.Minimum = v
			case metrics.StatMaximum:
				dp.Maximum = v
			default:
				if dp.ExtendedStatistics == nil {
					dp.ExtendedStatistics = map[string]float64{}
				}
				dp.ExtendedStatistics[st] = s.Value
			}
		}
	}
	out := &GetMetricStatisticsOutput{Label: in.MetricName, Datapoints: make([]Datapoint, 0, len(byTime))}
	for _, dp := range byTime {
		out.Datapoints = append(out.Datapoints, *dp)
	}
	sort.Slice(out.Datapoints, func(i, j int) bool { return out.Datapoints[i].Timestamp.Before(out.Datapoints[j].Timestamp.Time) })
	return out, nil
}

func (h *Handler) listMetrics(ctx context.Context, in *ListMetricsInput) (*ListMetricsOutput, error) {
	var since time.Time
	switch in.RecentlyActive {
	case "":
	case "PT3H":
		since = h.clk.Now().Add(-3 * time.Hour)
	default:
		return nil, errInvalidValue("The value %s for parameter RecentlyActive is invalid: the only valid value is PT3H.", in.RecentlyActive)
	}
	if len(in.Dimensions) > 10 {
		return nil, errInvalidValue("The collection Dimensions must not have a size greater than 10.")
	}
	for i, d := range in.Dimensions {
		if d.Name == "" {
			return nil, errMissing(fmt.Sprintf("Dimensions.member.%d.Name", i+1))
		}
	}
	hash := requestHash(in.Namespace, in.MetricName, in.Dimensions, in.RecentlyActive)
	after := ""
	if in.NextToken != "" {
		var err error
		if after, err = decodeKeyToken(in.NextToken, hash); err != nil {
			return nil, err
		}
	}
	out := &ListMetricsOutput{Metrics: []Metric{}}
	if h.opts.Lister == nil {
		return out, nil
	}
	series, err := h.opts.Lister.Series(ctx, account(ctx), since)
	if err != nil {
		return nil, fmt.Errorf("cloudwatch: listing metrics: %w", err)
	}
	type keyed struct {
		key string
		m   metrics.MetricID
	}
	list := make([]keyed, 0, len(series))
	for _, s := range series {
		list = append(list, keyed{s.Metric.Key(), s.Metric})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].key < list[j].key })
	for _, s := range list {
		m := s.m
		if in.Namespace != "" && m.Namespace != in.Namespace || in.MetricName != "" && m.Name != in.MetricName || !dimsMatch(m.Dimensions, in.Dimensions) {
			continue
		}
		key := s.key
		if after != "" && key <= after {
			continue
		}
		if len(out.Metrics) == listMetricsPageSize {
			out.NextToken = encodeKeyToken(after, hash)
			break
		}
		out.Metrics = append(out.Metrics, Metric{Namespace: m.Namespace, MetricName: m.Name, Dimensions: toWireDims(m.Dimensions)})
		after = key
	}
	return out, nil
}

func dimsMatch(have []model.MetricDimension, filters []DimensionFilter) bool {
	for _, f := range filters {
		found := false
		for _, d := range have {
			if d.Name == f.Name && (f.Value == nil || *f.Value == d.Value) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
