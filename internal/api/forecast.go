package api

import (
	"context"
	"errors"
	"time"

	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/store"
)

const (
	maxForecastSpan     = 30 * 24 * time.Hour
	maxForecastLookback = 365 * 24 * time.Hour
)

// getPredictiveScalingForecast reports the forecast of a predictive policy. scaled keeps no
// load history for predictive policies yet, so forecasts are empty; errors follow AWS, which
// reports every problem, including unknown targets and policies, as ValidationException.
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
	if _, err := s.store.GetTarget(ctx, k.TargetKey); err != nil {
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
	return &getPredictiveScalingForecastOut{
		LoadForecast:     []loadForecastOut{},
		CapacityForecast: capacityForecastOut{Timestamps: []outTime{}, Values: []float64{}},
	}, nil
}
