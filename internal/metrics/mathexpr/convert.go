package mathexpr

import (
	"slices"

	"github.com/scaled-dev/scaled/internal/model"
)

// FromTargetTracking converts the metric-math queries of a customized target-tracking
// metric into alarm/GetMetricData queries, giving every MetricStat the period in seconds
// (Application Auto Scaling uses 60).
func FromTargetTracking(qs []model.TargetTrackingMetricDataQuery, period int32) []model.MetricDataQuery {
	if len(qs) == 0 {
		return nil
	}
	out := make([]model.MetricDataQuery, 0, len(qs))
	for _, q := range qs {
		m := model.MetricDataQuery{ID: q.ID, Expression: q.Expression, Label: q.Label}
		if q.ReturnData != nil {
			m.ReturnData = new(bool)
			*m.ReturnData = *q.ReturnData
		}
		if s := q.MetricStat; s != nil {
			m.MetricStat = &model.MetricStat{
				Namespace:  s.Metric.Namespace,
				MetricName: s.Metric.MetricName,
				Dimensions: slices.Clone(s.Metric.Dimensions),
				Period:     period,
				Stat:       s.Stat,
				Unit:       s.Unit,
			}
		}
		out = append(out, m)
	}
	return out
}
