package memstore

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/scaled-dev/scaled/internal/model"
)

// The clone functions make deep copies so that no caller shares memory with the store.
// TestCloneNoAliasing checks, by reflection, that they cover every pointer, slice and map.

func ptr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneTarget(t model.ScalableTarget) model.ScalableTarget {
	t.PredictedCapacity = ptr(t.PredictedCapacity)
	if t.Tags != nil {
		t.Tags = maps.Clone(t.Tags)
	}
	return t
}

func cloneDims(d []model.MetricDimension) []model.MetricDimension { return slices.Clone(d) }

func clonePolicy(p model.ScalingPolicy) model.ScalingPolicy {
	if s := p.StepScaling; s != nil {
		c := *s
		c.MinAdjustmentMagnitude = ptr(s.MinAdjustmentMagnitude)
		c.Cooldown = ptr(s.Cooldown)
		if s.StepAdjustments != nil {
			c.StepAdjustments = make([]model.StepAdjustment, len(s.StepAdjustments))
			for i, a := range s.StepAdjustments {
				a.MetricIntervalLowerBound = ptr(a.MetricIntervalLowerBound)
				a.MetricIntervalUpperBound = ptr(a.MetricIntervalUpperBound)
				c.StepAdjustments[i] = a
			}
		}
		p.StepScaling = &c
	}
	if t := p.TargetTracking; t != nil {
		c := *t
		c.PredefinedMetricSpecification = ptr(t.PredefinedMetricSpecification)
		c.ScaleOutCooldown = ptr(t.ScaleOutCooldown)
		c.ScaleInCooldown = ptr(t.ScaleInCooldown)
		c.DisableScaleIn = ptr(t.DisableScaleIn)
		if m := t.CustomizedMetricSpecification; m != nil {
			cm := *m
			cm.Dimensions = cloneDims(m.Dimensions)
			if m.Metrics != nil {
				cm.Metrics = make([]model.TargetTrackingMetricDataQuery, len(m.Metrics))
				for i, q := range m.Metrics {
					q.ReturnData = ptr(q.ReturnData)
					if q.MetricStat != nil {
						ms := *q.MetricStat
						ms.Metric.Dimensions = cloneDims(ms.Metric.Dimensions)
						q.MetricStat = &ms
					}
					cm.Metrics[i] = q
				}
			}
			c.CustomizedMetricSpecification = &cm
		}
		p.TargetTracking = &c
	}
	if p.Predictive != nil {
		raw := slices.Clone(*p.Predictive)
		p.Predictive = &raw
	}
	p.Alarms = slices.Clone(p.Alarms)
	return p
}

func cloneSchedule(a model.ScheduledAction) model.ScheduledAction {
	a.StartTime = ptr(a.StartTime)
	a.EndTime = ptr(a.EndTime)
	a.ScalableTargetAction.MinCapacity = ptr(a.ScalableTargetAction.MinCapacity)
	a.ScalableTargetAction.MaxCapacity = ptr(a.ScalableTargetAction.MaxCapacity)
	return a
}

func cloneActivity(a model.ScalingActivity) model.ScalingActivity {
	a.EndTime = ptr(a.EndTime)
	if a.NotScaledReasons != nil {
		rs := make([]model.NotScaledReason, len(a.NotScaledReasons))
		for i, r := range a.NotScaledReasons {
			r.MaxCapacity = ptr(r.MaxCapacity)
			r.MinCapacity = ptr(r.MinCapacity)
			r.CurrentCapacity = ptr(r.CurrentCapacity)
			rs[i] = r
		}
		a.NotScaledReasons = rs
	}
	return a
}

func cloneAlarm(a model.MetricAlarm) model.MetricAlarm {
	a.AlarmActions = slices.Clone(a.AlarmActions)
	a.OKActions = slices.Clone(a.OKActions)
	a.InsufficientDataActions = slices.Clone(a.InsufficientDataActions)
	a.Dimensions = cloneDims(a.Dimensions)
	if a.Metrics != nil {
		ms := make([]model.MetricDataQuery, len(a.Metrics))
		for i, q := range a.Metrics {
			q.ReturnData = ptr(q.ReturnData)
			if q.MetricStat != nil {
				st := *q.MetricStat
				st.Dimensions = cloneDims(st.Dimensions)
				q.MetricStat = &st
			}
			ms[i] = q
		}
		a.Metrics = ms
	}
	return a
}

func cloneState(s model.TargetState) model.TargetState {
	s.InFlightSince = ptr(s.InFlightSince)
	s.LastDesired = ptr(s.LastDesired)
	s.LastChangeAt = ptr(s.LastChangeAt)
	if s.Policies != nil {
		ps := make(map[string]model.PolicyState, len(s.Policies))
		for k, p := range s.Policies {
			p.LastScaleOutAt = ptr(p.LastScaleOutAt)
			p.ScaleOutBase = ptr(p.ScaleOutBase)
			p.LastScaleInAt = ptr(p.LastScaleInAt)
			if p.LastInvokedAt != nil {
				p.LastInvokedAt = maps.Clone(p.LastInvokedAt)
			}
			ps[k] = p
		}
		s.Policies = ps
	}
	if s.ScheduledRuns != nil {
		s.ScheduledRuns = maps.Clone(s.ScheduledRuns)
	}
	if s.Extra != nil {
		s.Extra = json.RawMessage(slices.Clone([]byte(s.Extra)))
	}
	return s
}
