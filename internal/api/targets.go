package api

import (
	"context"
	"errors"
	"maps"
	"slices"

	"github.com/google/uuid"

	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
	"github.com/scaled-dev/scaled/internal/scaling"
	"github.com/scaled-dev/scaled/internal/store"
)

func (s *service) registerScalableTarget(ctx context.Context, account string, in *registerScalableTargetIn) (*registerScalableTargetOut, error) {
	k := in.key(account)
	if err := model.ValidateTargetKey(k); err != nil {
		return nil, err
	}
	if err := model.ValidateCapacity(k.Dimension, in.MinCapacity, in.MaxCapacity); err != nil {
		return nil, err
	}
	var arn string
	err := retryCAS(ctx, func() error {
		cur, err := s.store.GetTarget(ctx, k)
		switch {
		case errors.Is(err, store.ErrNotFound):
			t, err := s.newTarget(ctx, k, in)
			if err != nil {
				return err
			}
			t, err = s.store.PutTarget(ctx, t)
			if err != nil {
				return wrapf(err, "creating scalable target")
			}
			arn = t.ARN
			return nil
		case err != nil:
			return wrapf(err, "reading scalable target")
		}
		if in.MinCapacity != nil {
			cur.MinCapacity = *in.MinCapacity
		}
		if in.MaxCapacity != nil {
			cur.MaxCapacity = *in.MaxCapacity
		}
		if cur.MinCapacity > cur.MaxCapacity {
			return model.Invalidf("MinCapacity %d must not be greater than MaxCapacity %d", cur.MinCapacity, cur.MaxCapacity)
		}
		if ss := in.SuspendedState; ss != nil {
			mergeBool(&cur.SuspendedState.DynamicScalingInSuspended, ss.DynamicScalingInSuspended)
			mergeBool(&cur.SuspendedState.DynamicScalingOutSuspended, ss.DynamicScalingOutSuspended)
			mergeBool(&cur.SuspendedState.ScheduledScalingSuspended, ss.ScheduledScalingSuspended)
		}
		if in.RoleARN != nil && model.ServiceLinkedRoleARN(s.partition, account, k.Namespace) == "" {
			cur.RoleARN = *in.RoleARN
		}
		t, err := s.store.PutTarget(ctx, cur)
		if err != nil {
			return wrapf(err, "updating scalable target")
		}
		arn = t.ARN
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &registerScalableTargetOut{ScalableTargetARN: arn}, nil
}

func mergeBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}

// newTarget validates and builds a target that does not exist yet.
func (s *service) newTarget(ctx context.Context, k model.TargetKey, in *registerScalableTargetIn) (model.ScalableTarget, error) {
	if in.MinCapacity == nil || in.MaxCapacity == nil {
		return model.ScalableTarget{}, model.Invalidf("MinCapacity and MaxCapacity are required to register a new scalable target (MinCapacity: %s, MaxCapacity: %s)", fmtOptInt(in.MinCapacity), fmtOptInt(in.MaxCapacity))
	}
	role := model.ServiceLinkedRoleARN(s.partition, k.Account, k.Namespace)
	if role == "" {
		if in.RoleARN == nil || *in.RoleARN == "" {
			return model.ScalableTarget{}, model.Invalidf("RoleARN is required to register a scalable target in service namespace %s", k.Namespace)
		}
		role = *in.RoleARN
	}
	if len(in.Tags) > s.limits.TagsPerResource {
		return model.ScalableTarget{}, model.Invalidf("Too many tags: %d given, a scalable target can have at most %d", len(in.Tags), s.limits.TagsPerResource)
	}
	if err := model.ValidateUserTags(slices.Collect(maps.Keys(in.Tags))); err != nil {
		return model.ScalableTarget{}, err
	}
	if err := s.validateResourceID(ctx, k); err != nil {
		return model.ScalableTarget{}, err
	}
	if err := s.checkTargetQuota(ctx, k); err != nil {
		return model.ScalableTarget{}, err
	}
	t := model.ScalableTarget{
		TargetKey:    k,
		MinCapacity:  *in.MinCapacity,
		MaxCapacity:  *in.MaxCapacity,
		RoleARN:      role,
		CreationTime: s.clock.Now().UTC(),
		ARN:          model.ScalableTargetARN(s.partition, s.region, k.Account, model.NewScalableTargetID(k.Namespace)),
		UUID:         uuid.NewString(),
	}
	if ss := in.SuspendedState; ss != nil {
		mergeBool(&t.SuspendedState.DynamicScalingInSuspended, ss.DynamicScalingInSuspended)
		mergeBool(&t.SuspendedState.DynamicScalingOutSuspended, ss.DynamicScalingOutSuspended)
		mergeBool(&t.SuspendedState.ScheduledScalingSuspended, ss.ScheduledScalingSuspended)
	}
	if len(in.Tags) > 0 {
		t.Tags = maps.Clone(in.Tags)
	}
	return t, nil
}

func (s *service) validateResourceID(ctx context.Context, k model.TargetKey) error {
	if s.resources == nil {
		return nil
	}
	a, ok := s.resources.Lookup(resource.Kind{Namespace: k.Namespace, Dimension: k.Dimension})
	if !ok {
		return nil
	}
	v, ok := a.(resource.IDValidator)
	if !ok {
		return nil
	}
	if err := v.ValidateResourceID(ctx, k); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return model.Invalidf("ResourceId %s cannot be registered for scalable dimension %s: %v", k.ResourceID, k.Dimension, err)
	}
	return nil
}

func (s *service) checkTargetQuota(ctx context.Context, k model.TargetKey) error {
	ns, _ := model.LookupNamespace(k.Namespace)
	limit := ns.TargetQuota
	if s.limits.TargetsPerResourceType > 0 {
		limit = s.limits.TargetsPerResourceType
	}
	rt := model.ResourceType(k.Dimension)
	n := 0
	after := ""
	for {
		items, next, err := s.store.ListTargets(ctx, store.TargetFilter{Account: k.Account, Namespace: k.Namespace, Page: store.Page{After: after, Limit: 1000}})
		if err != nil {
			return wrapf(err, "counting scalable targets")
		}
		for _, t := range items {
			if model.ResourceType(t.Dimension) == rt {
				n++
			}
		}
		if next == "" {
			break
		}
		after = next
	}
	if n >= limit {
		return model.Limitf("Scalable target limit of %d reached for resource type %s in this account and region", limit, rt)
	}
	return nil
}

func (s *service) deregisterScalableTarget(ctx context.Context, account string, in *deregisterScalableTargetIn) (*empty, error) {
	k := in.key(account)
	if err := model.ValidateTargetKey(k); err != nil {
		return nil, err
	}
	if err := s.store.DeleteTarget(ctx, k); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, targetNotFound(k)
		}
		return nil, wrapf(err, "deleting scalable target")
	}
	return &empty{}, nil
}

func (s *service) describeScalableTargets(ctx context.Context, account string, in *describeScalableTargetsIn) (*describeScalableTargetsOut, error) {
	if err := checkFilter(in.ServiceNamespace, in.ScalableDimension); err != nil {
		return nil, err
	}
	limit, err := pageSize(in.MaxResults, 50)
	if err != nil {
		return nil, err
	}
	ids := slices.Clone(in.ResourceIds)
	slices.Sort(ids)
	fk := filterKey(account, in.ServiceNamespace, ids, in.ScalableDimension)
	after, err := s.tokens.open("DescribeScalableTargets", fk, in.NextToken)
	if err != nil {
		return nil, err
	}
	items, next, err := s.store.ListTargets(ctx, store.TargetFilter{
		Account: account, Namespace: in.ServiceNamespace, ResourceIDs: in.ResourceIds, Dimension: in.ScalableDimension,
		Page: store.Page{After: after, Limit: limit},
	})
	if err != nil {
		return nil, wrapf(err, "listing scalable targets")
	}
	out := &describeScalableTargetsOut{ScalableTargets: make([]scalableTargetOut, 0, len(items))}
	for _, t := range items {
		o := targetOut(t)
		if o.PredictedCapacity == nil {
			o.PredictedCapacity = s.predictedCapacity(ctx, t)
		}
		out.ScalableTargets = append(out.ScalableTargets, o)
	}
	out.NextToken = s.tokens.issue("DescribeScalableTargets", fk, next)
	return out, nil
}

// predictedCapacity is the capacity the target's predictive scaling policies forecast for
// the current hour (the largest over its policies), or nil when it has none or there is not
// enough metric history. It is computed when the target is described, from the same
// forecast GetPredictiveScalingForecast returns.
func (s *service) predictedCapacity(ctx context.Context, t model.ScalableTarget) *int32 {
	if ns, _ := model.LookupNamespace(t.Namespace); !ns.Predictive || s.metrics == nil {
		return nil
	}
	policies, err := s.listAllPolicies(ctx, t.TargetKey)
	if err != nil {
		s.log.WarnContext(ctx, "predicted capacity: listing policies", "target", t.ResourceID, "err", err)
		return nil
	}
	hour := s.clock.Now().Truncate(scaling.ForecastStep)
	var best *int32
	for _, p := range policies {
		if p.PolicyType != model.PolicyTypePredictiveScaling {
			continue
		}
		fc, err := s.forecastFrom(ctx, t, p, hour, hour.Add(scaling.ForecastStep))
		if err != nil {
			s.log.WarnContext(ctx, "predicted capacity: forecast", "target", t.ResourceID, "policy", p.Name, "err", err)
			continue
		}
		for _, v := range fc.CapacityForecast.Values {
			if c := int32(v); best == nil || c > *best {
				best = &c
			}
		}
	}
	return best
}

func targetOut(t model.ScalableTarget) scalableTargetOut {
	return scalableTargetOut{
		ServiceNamespace:  t.Namespace,
		ResourceId:        t.ResourceID,
		ScalableDimension: t.Dimension,
		MinCapacity:       t.MinCapacity,
		MaxCapacity:       t.MaxCapacity,
		PredictedCapacity: t.PredictedCapacity,
		RoleARN:           t.RoleARN,
		CreationTime:      outTime(t.CreationTime),
		SuspendedState:    t.SuspendedState,
		ScalableTargetARN: t.ARN,
	}
}

func fmtOptInt(v *int32) string {
	if v == nil {
		return "null"
	}
	return itoa(*v)
}
