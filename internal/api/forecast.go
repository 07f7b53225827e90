package api

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/metrics/mathexpr"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
	"github.com/scaled-dev/scaled/internal/scaling"
	"github.com/scaled-dev/scaled/internal/store"
)

const (
	maxForecastSpan     = 30 * 24 * time.Hour
	maxForecastLookback = 365 * 24 * time.Hour
)

// getPredictiveScalingForecast reports the forecast of a predictive policy, computed on
// request from the metric history (see forecastFrom); without a metric source, or with less
// than 24 hours of history, the forecast is empty. Errors follow AWS, which reports every
// problem, including unknown targets and policies, as ValidationException.
func (s *service) getPredictiveScalingForecast(ctx context.Context, account string, in *getPredictiveScalingForecastIn) (*getPredictiveScalingForecastOut, error) {
	k := model.PolicyKey{TargetKey: in.key(account), Name: in.PolicyName}
	if err := model.ValidateTargetKey(k.TargetKey); err != nil {
		return nil, err
	}
	start, end := in.StartTime.Time, in.EndTime.Time
	if !end.After(start) {
		return nil, model.Invalidf("EndTime %s must be after StartTime %s", end.Format(time.RFC3339), start.Format(time.RFC3339))
	}
	if end.Sub(start) > maxForecastSpan {
		return nil, model.Invalidf("EndTime %s must be at most 30 days after StartTime %s", end.Format(time.RFC3339), start.Format(time.RFC3339))
	}
	if start.Before(s.clock.Now().Add(-maxForecastLookback)) {
		return nil, model.Invalidf("StartTime %s must be at most one year in the past", start.Format(time.RFC3339))
	}
	t, err := s.store.GetTarget(ctx, k.TargetKey)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, &model.ValidationError{Message: targetNotFound(k.TargetKey).Error()}
		}
		return nil, wrapf(err, "reading scalable target")
	}
	p, err := s.store.GetPolicy(ctx, k)
	if errors.Is(err, store.ErrNotFound) {
		return nil, &model.ValidationError{Message: policyNotFound(k).Error()}
	}
	if err != nil {
		return nil, wrapf(err, "reading scaling policy")
	}
	if p.PolicyType != model.PolicyTypePredictiveScaling {
		return nil, model.Invalidf("Scaling policy %s has policy type %s; forecasts exist only for PredictiveScaling policies", k.Name, p.PolicyType)
	}
	if s.metrics == nil {
		return &getPredictiveScalingForecastOut{
			LoadForecast:     []loadForecastOut{},
			CapacityForecast: capacityForecastOut{Timestamps: []outTime{}, Values: []float64{}},
		}, nil
	}
	return s.forecastFrom(ctx, t, p, start, end)
}

// Predefined predictive metric types (AWS-SPEC §4.1, §13): metric pairs and the load
// metrics they imply.
var predictiveLoadMetrics = map[string]struct {
	namespace, name, stat string
	perUnit               bool
}{
	"ECSServiceCPUUtilization":         {"AWS/ECS", "CPUUtilization", metrics.StatAverage, true},
	"ECSServiceTotalCPUUtilization":    {"AWS/ECS", "CPUUtilization", metrics.StatAverage, true},
	"ECSServiceMemoryUtilization":      {"AWS/ECS", "MemoryUtilization", metrics.StatAverage, true},
	"ECSServiceTotalMemoryUtilization": {"AWS/ECS", "MemoryUtilization", metrics.StatAverage, true},
	"ALBRequestCount":                  {"AWS/ApplicationELB", "RequestCount", metrics.StatSum, false},
	"TotalALBRequestCount":             {"AWS/ApplicationELB", "RequestCount", metrics.StatSum, false},
}

type forecastMetricRef struct {
	PredefinedMetricType string `json:"PredefinedMetricType"`
	ResourceLabel        string `json:"ResourceLabel"`
}

type forecastCustomized struct {
	MetricDataQueries []struct {
		ID         string `json:"Id"`
		Expression string `json:"Expression"`
		Label      string `json:"Label"`
		MetricStat *struct {
			Metric struct {
				Dimensions []model.MetricDimension `json:"Dimensions"`
				MetricName string                  `json:"MetricName"`
				Namespace  string                  `json:"Namespace"`
			} `json:"Metric"`
			Stat string `json:"Stat"`
			Unit string `json:"Unit"`
		} `json:"MetricStat"`
		ReturnData *bool `json:"ReturnData"`
	} `json:"MetricDataQueries"`
}

type forecastSpec struct {
	TargetValue                           float64             `json:"TargetValue"`
	PredefinedMetricPairSpecification     *forecastMetricRef  `json:"PredefinedMetricPairSpecification"`
	PredefinedLoadMetricSpecification     *forecastMetricRef  `json:"PredefinedLoadMetricSpecification"`
	CustomizedLoadMetricSpecification     *forecastCustomized `json:"CustomizedLoadMetricSpecification"`
	CustomizedCapacityMetricSpecification *forecastCustomized `json:"CustomizedCapacityMetricSpecification"`
}

type forecastConfig struct {
	MaxCapacityBreachBehavior string `json:"MaxCapacityBreachBehavior"`
	MaxCapacityBuffer         int32  `json:"MaxCapacityBuffer"`
}

// forecastFrom computes the forecast of policy p from the metric history: for each metric
// specification it reads the hourly load history (up to 14 days before StartTime, never
// past the current hour), turns per-task utilisation into total load with the capacity
// history (CustomizedCapacityMetricSpecification, else ECS Container Insights
// RunningTaskCount, else the resource's current capacity), and forecasts load and capacity
// with scaling.Predict. The capacity forecast is the largest over the specifications.
func (s *service) forecastFrom(ctx context.Context, t model.ScalableTarget, p model.ScalingPolicy, start, end time.Time) (*getPredictiveScalingForecastOut, error) {
	now := s.clock.Now()
	updated := outTime(now)
	out := &getPredictiveScalingForecastOut{
		LoadForecast:     []loadForecastOut{},
		CapacityForecast: capacityForecastOut{Timestamps: []outTime{}, Values: []float64{}},
		UpdateTime:       &updated,
	}
	var raw json.RawMessage
	if p.Predictive != nil {
		raw = *p.Predictive
	}
	var cfg forecastConfig
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return nil, wrapf(err, "decoding predictive scaling configuration of policy %s", p.Name)
	}
	bounds := scaling.CapacityBounds{Min: t.MinCapacity, Max: t.MaxCapacity, BreachBehavior: cfg.MaxCapacityBreachBehavior, MaxCapacityBuffer: cfg.MaxCapacityBuffer}
	histEnd := start.Truncate(scaling.ForecastStep)
	if cur := now.Truncate(scaling.ForecastStep); cur.Before(histEnd) {
		histEnd = cur
	}
	hist := window{start: histEnd.Add(-scaling.ForecastLookback), end: histEnd}
	capacity := map[time.Time]int32{}
	for i, specRaw := range model.PredictiveMetricSpecifications(raw) {
		var spec forecastSpec
		if err := json.Unmarshal(specRaw, &spec); err != nil {
			return nil, wrapf(err, "decoding MetricSpecifications[%d] of policy %s", i, p.Name)
		}
		in, ok, err := s.predictiveInput(ctx, t, spec, hist)
		if err != nil {
			return nil, wrapf(err, "MetricSpecifications[%d] of policy %s", i, p.Name)
		}
		if !ok {
			continue
		}
		in.Start, in.End, in.TargetValue, in.Bounds = start, end, spec.TargetValue, bounds
		fc := scaling.Predict(in)
		if len(fc.Times) == 0 {
			continue
		}
		lf := loadForecastOut{Timestamps: make([]outTime, len(fc.Times)), Values: fc.Load, MetricSpecification: specRaw}
		for j, ts := range fc.Times {
			lf.Timestamps[j] = outTime(ts)
			if c, seen := capacity[ts]; !seen || fc.Capacity[j] > c {
				capacity[ts] = fc.Capacity[j]
			}
		}
		out.LoadForecast = append(out.LoadForecast, lf)
	}
	for _, ts := range scaling.ForecastHours(start, end) {
		if c, ok := capacity[ts]; ok {
			out.CapacityForecast.Timestamps = append(out.CapacityForecast.Timestamps, outTime(ts))
			out.CapacityForecast.Values = append(out.CapacityForecast.Values, float64(c))
		}
	}
	return out, nil
}

type window struct{ start, end time.Time }

// predictiveInput reads the history of one metric specification. ok is false when the
// specification names a metric scaled cannot read (an unknown predefined type, an ALB metric
// without ResourceLabel) or a per-task metric whose capacity is unknown.
func (s *service) predictiveInput(ctx context.Context, t model.ScalableTarget, spec forecastSpec, w window) (scaling.PredictiveInput, bool, error) {
	var in scaling.PredictiveInput
	if !w.end.After(w.start) {
		return in, false, nil
	}
	var err error
	switch ref := cmp.Or(spec.PredefinedMetricPairSpecification, spec.PredefinedLoadMetricSpecification); {
	case ref != nil:
		m, known := predictiveLoadMetrics[ref.PredefinedMetricType]
		if !known {
			s.log.Debug("no forecast for predefined metric type", "type", ref.PredefinedMetricType)
			return in, false, nil
		}
		id := metrics.MetricID{Account: t.Account, Namespace: m.namespace, Name: m.name}
		if m.namespace == "AWS/ECS" {
			cluster, service, ok := ecsService(t.ResourceID)
			if !ok {
				return in, false, nil
			}
			id.Dimensions = []model.MetricDimension{{Name: "ClusterName", Value: cluster}, {Name: "ServiceName", Value: service}}
		} else {
			lb, ok := albLoadBalancer(ref.ResourceLabel)
			if !ok {
				return in, false, nil
			}
			id.Dimensions = []model.MetricDimension{{Name: "LoadBalancer", Value: lb}}
		}
		in.LoadPerUnit = m.perUnit
		if in.Load, err = s.hourly(ctx, id, m.stat, w); err != nil {
			return in, false, err
		}
	case spec.CustomizedLoadMetricSpecification != nil:
		if in.Load, err = s.evaluateCustomized(ctx, t.Account, "CustomizedLoadMetricSpecification", spec.CustomizedLoadMetricSpecification, w); err != nil {
			return in, false, err
		}
	default:
		return in, false, nil
	}
	if !in.LoadPerUnit || len(in.Load) < scaling.MinForecastHistory {
		return in, true, nil
	}
	if c := spec.CustomizedCapacityMetricSpecification; c != nil {
		if in.Capacity, err = s.evaluateCustomized(ctx, t.Account, "CustomizedCapacityMetricSpecification", c, w); err != nil {
			return in, false, err
		}
	} else if cluster, service, ok := ecsService(t.ResourceID); ok {
		id := metrics.MetricID{Account: t.Account, Namespace: "ECS/ContainerInsights", Name: "RunningTaskCount",
			Dimensions: []model.MetricDimension{{Name: "ClusterName", Value: cluster}, {Name: "ServiceName", Value: service}}}
		if in.Capacity, err = s.hourly(ctx, id, metrics.StatAverage, w); err != nil {
			return in, false, err
		}
	}
	if len(in.Capacity) > 0 {
		return in, true, nil
	}
	current, ok := s.currentCapacity(ctx, t.TargetKey)
	if !ok {
		s.log.Debug("no forecast: the capacity of the resource is unknown", "resource", t.ResourceID)
		return in, false, nil
	}
	in.CurrentCapacity = current
	return in, true, nil
}

// hourly reads the hourly history of one statistic of one series; no data is no samples.
func (s *service) hourly(ctx context.Context, id metrics.MetricID, stat string, w window) ([]metrics.Sample, error) {
	got, err := s.metrics.Query(ctx, metrics.Query{Metric: id, Statistic: stat, Start: w.start, End: w.end, Period: scaling.ForecastStep})
	if errors.Is(err, metrics.ErrNoData) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s %s history: %w", id.Namespace, id.Name, err)
	}
	return got, nil
}

// evaluateCustomized runs the MetricDataQueries of a customized metric specification hourly
// and returns the series of the query that returns data.
func (s *service) evaluateCustomized(ctx context.Context, account, field string, c *forecastCustomized, w window) ([]metrics.Sample, error) {
	qs := make([]model.MetricDataQuery, len(c.MetricDataQueries))
	for i, q := range c.MetricDataQueries {
		qs[i] = model.MetricDataQuery{ID: q.ID, Expression: q.Expression, Label: q.Label, ReturnData: q.ReturnData}
		if ms := q.MetricStat; ms != nil {
			qs[i].MetricStat = &model.MetricStat{Namespace: ms.Metric.Namespace, MetricName: ms.Metric.MetricName, Dimensions: ms.Metric.Dimensions,
				Period: int32(scaling.ForecastStep / time.Second), Stat: ms.Stat, Unit: ms.Unit}
		}
	}
	res, err := mathexpr.Evaluate(ctx, s.metrics, account, qs, w.start, w.end, scaling.ForecastStep)
	if errors.Is(err, mathexpr.ErrInvalid) {
		return nil, model.Invalidf("%s.MetricDataQueries cannot be evaluated: %v", field, err)
	}
	if err != nil {
		return nil, fmt.Errorf("evaluating %s: %w", field, err)
	}
	for _, q := range qs {
		if q.ReturnData == nil || *q.ReturnData {
			return res[q.ID], nil
		}
	}
	return nil, nil
}

// currentCapacity asks the resource's actuator, if any, for its capacity.
func (s *service) currentCapacity(ctx context.Context, k model.TargetKey) (float64, bool) {
	if s.resources == nil {
		return 0, false
	}
	a, ok := s.resources.Lookup(resource.Kind{Namespace: k.Namespace, Dimension: k.Dimension})
	if !ok {
		return 0, false
	}
	st, err := a.State(ctx, k)
	if err != nil {
		s.log.Debug("no capacity for forecast", "resource", k.ResourceID, "err", err)
		return 0, false
	}
	if st.Actual > 0 {
		return float64(st.Actual), true
	}
	return float64(st.Desired), true
}

// ecsService splits an ECS ResourceId service/<cluster>/<service>.
func ecsService(id string) (cluster, service string, ok bool) {
	parts := strings.Split(id, "/")
	if len(parts) != 3 || parts[0] != "service" || parts[1] == "" || parts[2] == "" {
		return "", "", false
	}
	return parts[1], parts[2], true
}

// albLoadBalancer is the LoadBalancer dimension (app/<lb>/<id>) of an ALB ResourceLabel
// app/<lb>/<id>/targetgroup/<tg>/<id>.
func albLoadBalancer(label string) (string, bool) {
	parts := strings.Split(label, "/")
	if len(parts) < 3 || parts[0] != "app" || parts[1] == "" || parts[2] == "" {
		return "", false
	}
	return strings.Join(parts[:3], "/"), true
}
