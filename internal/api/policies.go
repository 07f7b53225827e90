package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/metrics/mathexpr"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/store"
)

// maxMetricMathBytes bounds a target-tracking configuration that uses metric math (AWS caps
// such PutScalingPolicy requests at 50 KB).
const maxMetricMathBytes = 50 * 1024

func (s *service) putScalingPolicy(ctx context.Context, account string, in *putScalingPolicyIn) (*putScalingPolicyOut, error) {
	k := model.PolicyKey{TargetKey: in.key(account), Name: in.PolicyName}
	if err := model.ValidateTargetKey(k.TargetKey); err != nil {
		return nil, err
	}
	var out *putScalingPolicyOut
	err := retryCAS(ctx, func() error {
		var err error
		out, err = s.putScalingPolicyOnce(ctx, k, in)
		return err
	})
	return out, err
}

func (s *service) putScalingPolicyOnce(ctx context.Context, k model.PolicyKey, in *putScalingPolicyIn) (*putScalingPolicyOut, error) {
	t, err := s.store.GetTarget(ctx, k.TargetKey)
	if errors.Is(err, store.ErrNotFound) {
		return nil, targetNotFound(k.TargetKey)
	}
	if err != nil {
		return nil, wrapf(err, "reading scalable target")
	}
	cur, err := s.store.GetPolicy(ctx, k)
	exists := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, wrapf(err, "reading scaling policy")
	}

	policyType := ""
	switch {
	case in.PolicyType != nil:
		policyType = *in.PolicyType
	case exists:
		policyType = cur.PolicyType
	default:
		return nil, model.Invalidf("PolicyType is required to create scaling policy %s", k.Name)
	}
	if exists && cur.PolicyType != policyType {
		return nil, model.Invalidf("PolicyType of scaling policy %s cannot be changed from %s to %s; delete the policy and create it again", k.Name, cur.PolicyType, policyType)
	}
	ns, _ := model.LookupNamespace(k.Namespace)
	allowed := map[string]bool{
		model.PolicyTypeStepScaling:           ns.StepScaling,
		model.PolicyTypeTargetTrackingScaling: ns.TargetTracking,
		model.PolicyTypePredictiveScaling:     ns.Predictive,
	}
	if !allowed[policyType] {
		return nil, model.Invalidf("Policy type %s is not supported for service namespace %s", policyType, k.Namespace)
	}
	hasPredictive := len(in.PredictiveScalingPolicyConfiguration) > 0 && string(in.PredictiveScalingPolicyConfiguration) != "null"
	for name, present := range map[string]bool{
		model.PolicyTypeStepScaling:           in.StepScalingPolicyConfiguration != nil,
		model.PolicyTypeTargetTrackingScaling: in.TargetTrackingScalingPolicyConfiguration != nil,
		model.PolicyTypePredictiveScaling:     hasPredictive,
	} {
		if present && name != policyType {
			return nil, model.Invalidf("%sPolicyConfiguration must not be specified for policy type %s", configName(name), policyType)
		}
	}

	p := model.ScalingPolicy{PolicyKey: k, PolicyType: policyType, CreationTime: s.clock.Now().UTC()}
	if exists {
		p.CreationTime, p.Revision, p.Alarms = cur.CreationTime, cur.Revision, cur.Alarms
	}
	p.ARN = model.PolicyARN(s.partition, s.region, k, t.UUID)

	switch policyType {
	case model.PolicyTypeStepScaling:
		cfg := in.StepScalingPolicyConfiguration
		if exists {
			cfg = mergeStep(cur.StepScaling, cfg)
		}
		if err := model.ValidateStepScaling(cfg, s.limits.StepAdjustments); err != nil {
			return nil, err
		}
		p.StepScaling = cfg
		p.Alarms = nil
	case model.PolicyTypeTargetTrackingScaling:
		cfg := in.TargetTrackingScalingPolicyConfiguration
		if cfg == nil && exists {
			cfg = cur.TargetTracking
		}
		if err := model.ValidateTargetTracking(k.TargetKey, cfg); err != nil {
			return nil, err
		}
		if c := cfg.CustomizedMetricSpecification; c != nil && len(c.Metrics) > 0 {
			if b, _ := json.Marshal(cfg); len(b) > maxMetricMathBytes {
				return nil, model.Invalidf("TargetTrackingScalingPolicyConfiguration with metric math is %d bytes; the limit is %d bytes", len(b), maxMetricMathBytes)
			}
		}
		if err := validateMetricMath(cfg); err != nil {
			return nil, err
		}
		if err := s.checkDuplicateMetric(ctx, k, cfg); err != nil {
			return nil, err
		}
		p.TargetTracking = cfg
	case model.PolicyTypePredictiveScaling:
		raw := in.PredictiveScalingPolicyConfiguration
		if !hasPredictive && exists && cur.Predictive != nil {
			raw = *cur.Predictive
		}
		if err := model.ValidatePredictive(raw); err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return nil, model.Invalidf("PredictiveScalingPolicyConfiguration is not valid JSON: %v", err)
		}
		compact := model.PredictiveScalingPolicyConfiguration(buf.Bytes())
		p.Predictive = &compact
	}
	if !exists {
		if err := s.checkPolicyQuota(ctx, k.TargetKey); err != nil {
			return nil, err
		}
	}

	var alarms []model.MetricAlarm
	if policyType == model.PolicyTypeTargetTrackingScaling {
		p.Alarms = s.alarmNames(t, p)
		alarms = model.ManagedAlarms(t, p, s.region, s.timing)
		p.Alarms = model.AlarmsOf(alarms)
	}
	// The policy and its managed alarms are written in one transaction; an alarm that exists
	// keeps its state, alarms the policy no longer needs are deleted.
	now := s.clock.Now().UTC()
	for i := range alarms {
		alarms[i].ConfigUpdatedAt, alarms[i].StateUpdatedAt = now, now
	}
	saved, err := s.store.PutPolicyAlarms(ctx, p, alarms)
	if errors.Is(err, store.ErrNotFound) {
		return nil, targetNotFound(k.TargetKey)
	}
	if err != nil {
		return nil, wrapf(err, "writing scaling policy")
	}
	return &putScalingPolicyOut{PolicyARN: saved.ARN, Alarms: saved.Alarms}, nil
}

// validateMetricMath checks the Metrics of a customized target-tracking metric the way
// CloudWatch checks the managed alarms built from them: every MetricStat.Stat must be a
// statistic CloudWatch knows (Average, Sum, Minimum, Maximum, SampleCount or an extended
// statistic such as p90 or tm99), and the expressions must parse and refer to query IDs.
func validateMetricMath(cfg *model.TargetTrackingScalingPolicyConfiguration) error {
	c := cfg.CustomizedMetricSpecification
	if c == nil || len(c.Metrics) == 0 {
		return nil
	}
	for i, q := range c.Metrics {
		if q.MetricStat == nil {
			continue
		}
		var se *metrics.StatisticError
		if err := metrics.ValidateStatistic(q.MetricStat.Stat); errors.As(err, &se) {
			return model.Invalidf("Invalid statistic %q at CustomizedMetricSpecification.Metrics[%d].MetricStat.Stat: %s", q.MetricStat.Stat, i, se.Reason)
		} else if err != nil {
			return model.Invalidf("Invalid statistic %q at CustomizedMetricSpecification.Metrics[%d].MetricStat.Stat: %v", q.MetricStat.Stat, i, err)
		}
	}
	if err := mathexpr.Validate(mathexpr.FromTargetTracking(c.Metrics, 60)); err != nil {
		return model.Invalidf("Invalid metric math in CustomizedMetricSpecification.Metrics: %s", strings.TrimPrefix(err.Error(), "mathexpr: "))
	}
	return nil
}

func configName(policyType string) string {
	switch policyType {
	case model.PolicyTypeStepScaling:
		return "StepScaling"
	case model.PolicyTypeTargetTrackingScaling:
		return "TargetTrackingScaling"
	}
	return "PredictiveScaling"
}

// mergeStep applies an update to a stored step configuration: omitted members keep their
// stored values.
func mergeStep(old, upd *model.StepScalingPolicyConfiguration) *model.StepScalingPolicyConfiguration {
	if old == nil {
		return upd
	}
	merged := *old
	if upd == nil {
		return &merged
	}
	if upd.AdjustmentType != "" {
		merged.AdjustmentType = upd.AdjustmentType
	}
	if upd.StepAdjustments != nil {
		merged.StepAdjustments = upd.StepAdjustments
	}
	if upd.MinAdjustmentMagnitude != nil {
		merged.MinAdjustmentMagnitude = upd.MinAdjustmentMagnitude
	}
	if upd.Cooldown != nil {
		merged.Cooldown = upd.Cooldown
	}
	if upd.MetricAggregationType != "" {
		merged.MetricAggregationType = upd.MetricAggregationType
	}
	return &merged
}

// alarmNames returns the alarm names a target-tracking policy keeps: the stored ones, plus a
// fresh TargetTracking-<ResourceId>-<role>-<uuid4> name for every role the policy did not have.
func (s *service) alarmNames(t model.ScalableTarget, p model.ScalingPolicy) []model.Alarm {
	probe := p
	probe.Alarms = nil
	roles := model.ManagedAlarms(t, probe, s.region, s.timing)
	out := make([]model.Alarm, 0, len(roles))
	for _, a := range roles {
		role := model.AlarmRoleOf(p.ResourceID, a.AlarmName)
		name := ""
		for _, old := range p.Alarms {
			if model.AlarmRoleOf(p.ResourceID, old.AlarmName) == role {
				name = old.AlarmName
			}
		}
		if name == "" {
			name = model.ManagedAlarmName(p.ResourceID, role, uuid.NewString())
		}
		out = append(out, model.Alarm{AlarmName: name})
	}
	return out
}

func (s *service) listAllPolicies(ctx context.Context, k model.TargetKey) ([]model.ScalingPolicy, error) {
	var all []model.ScalingPolicy
	after := ""
	for {
		items, next, err := s.store.ListPolicies(ctx, store.PolicyFilter{Account: k.Account, Namespace: k.Namespace, ResourceID: k.ResourceID, Dimension: k.Dimension, Page: store.Page{After: after, Limit: 100}})
		if err != nil {
			return nil, wrapf(err, "listing scaling policies")
		}
		all = append(all, items...)
		if next == "" {
			return all, nil
		}
		after = next
	}
}

func (s *service) checkDuplicateMetric(ctx context.Context, k model.PolicyKey, cfg *model.TargetTrackingScalingPolicyConfiguration) error {
	policies, err := s.listAllPolicies(ctx, k.TargetKey)
	if err != nil {
		return err
	}
	id := model.MetricSpecIdentity(cfg)
	for _, p := range policies {
		if p.Name != k.Name && p.PolicyType == model.PolicyTypeTargetTrackingScaling && model.MetricSpecIdentity(p.TargetTracking) == id {
			return model.Invalidf("Only one TargetTrackingScaling policy for a given metric specification is allowed.")
		}
	}
	return nil
}

func (s *service) checkPolicyQuota(ctx context.Context, k model.TargetKey) error {
	policies, err := s.listAllPolicies(ctx, k)
	if err != nil {
		return err
	}
	if len(policies) >= s.limits.PoliciesPerTarget {
		return model.Limitf("Scaling policy limit of %d reached for scalable target (service namespace: %s, resource ID: %s, scalable dimension: %s)", s.limits.PoliciesPerTarget, k.Namespace, k.ResourceID, k.Dimension)
	}
	return nil
}

func (s *service) describeScalingPolicies(ctx context.Context, account string, in *describeScalingPoliciesIn) (*describeScalingPoliciesOut, error) {
	if err := checkFilter(in.ServiceNamespace, in.ScalableDimension); err != nil {
		return nil, err
	}
	limit, err := pageSize(in.MaxResults, 10)
	if err != nil {
		return nil, err
	}
	names := slices.Clone(in.PolicyNames)
	slices.Sort(names)
	fk := filterKey(account, in.ServiceNamespace, in.ResourceId, in.ScalableDimension, names)
	after, err := s.tokens.open("DescribeScalingPolicies", fk, in.NextToken)
	if err != nil {
		return nil, err
	}
	items, next, err := s.store.ListPolicies(ctx, store.PolicyFilter{
		Account: account, Namespace: in.ServiceNamespace, ResourceID: in.ResourceId, Dimension: in.ScalableDimension, Names: in.PolicyNames,
		Page: store.Page{After: after, Limit: limit},
	})
	if err != nil {
		return nil, wrapf(err, "listing scaling policies")
	}
	out := &describeScalingPoliciesOut{ScalingPolicies: make([]scalingPolicyOut, 0, len(items))}
	for _, p := range items {
		alarms := p.Alarms
		if p.PolicyType == model.PolicyTypeStepScaling {
			if alarms, err = s.stepAlarms(ctx, account, p.ARN); err != nil {
				return nil, err
			}
		}
		if alarms == nil {
			alarms = []model.Alarm{}
		}
		out.ScalingPolicies = append(out.ScalingPolicies, scalingPolicyOut{
			PolicyARN:                                p.ARN,
			PolicyName:                               p.Name,
			ServiceNamespace:                         p.Namespace,
			ResourceId:                               p.ResourceID,
			ScalableDimension:                        p.Dimension,
			PolicyType:                               p.PolicyType,
			StepScalingPolicyConfiguration:           p.StepScaling,
			TargetTrackingScalingPolicyConfiguration: p.TargetTracking,
			PredictiveScalingPolicyConfiguration:     predictiveOut(p.Predictive),
			Alarms:                                   alarms,
			CreationTime:                             outTime(p.CreationTime),
		})
	}
	out.NextToken = s.tokens.issue("DescribeScalingPolicies", fk, next)
	return out, nil
}

// stepAlarms lists the alarms whose actions name a step policy.
func (s *service) stepAlarms(ctx context.Context, account, policyARN string) ([]model.Alarm, error) {
	alarms, err := s.alarmsWithAction(ctx, account, policyARN)
	if err != nil {
		return nil, err
	}
	return model.AlarmsOf(alarms), nil
}

func (s *service) alarmsWithAction(ctx context.Context, account, arn string) ([]model.MetricAlarm, error) {
	var all []model.MetricAlarm
	after := ""
	for {
		items, next, err := s.store.ListAlarms(ctx, store.AlarmFilter{Account: account, ActionARN: arn, Page: store.Page{After: after, Limit: 100}})
		if err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "reading the alarms of a scaling policy", "policy", arn, "err", err)
			return nil, &failedResourceAccessError{msg: "Unable to retrieve the CloudWatch alarms of scaling policy " + arn + "; retry the request", err: err}
		}
		if err != nil {
			return nil, wrapf(err, "listing alarms of policy %s", arn)
		}
		all = append(all, items...)
		if next == "" {
			return all, nil
		}
		after = next
	}
}

func (s *service) deleteScalingPolicy(ctx context.Context, account string, in *deleteScalingPolicyIn) (*empty, error) {
	k := model.PolicyKey{TargetKey: in.key(account), Name: in.PolicyName}
	if err := model.ValidateTargetKey(k.TargetKey); err != nil {
		return nil, err
	}
	p, err := s.store.GetPolicy(ctx, k)
	if errors.Is(err, store.ErrNotFound) {
		return nil, policyNotFound(k)
	}
	if err != nil {
		return nil, wrapf(err, "reading scaling policy")
	}
	if p.PolicyType == model.PolicyTypeStepScaling {
		if err := s.detachFromAlarms(ctx, account, p.ARN); err != nil {
			return nil, err
		}
	}
	if err := s.store.DeletePolicy(ctx, k); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, policyNotFound(k)
		}
		return nil, wrapf(err, "deleting scaling policy")
	}
	return &empty{}, nil
}

// detachFromAlarms removes a step policy's ARN from the actions of the user alarms that name
// it; the alarms themselves stay.
func (s *service) detachFromAlarms(ctx context.Context, account, arn string) error {
	alarms, err := s.alarmsWithAction(ctx, account, arn)
	if err != nil {
		return err
	}
	drop := func(list []string) []string {
		return slices.DeleteFunc(slices.Clone(list), func(a string) bool { return a == arn })
	}
	for _, a := range alarms {
		name := a.AlarmName
		err := retryCAS(ctx, func() error {
			cur, err := s.store.GetAlarm(ctx, account, name)
			if errors.Is(err, store.ErrNotFound) {
				return nil
			}
			if err != nil {
				return wrapf(err, "reading alarm %s", name)
			}
			cur.AlarmActions = drop(cur.AlarmActions)
			cur.OKActions = drop(cur.OKActions)
			cur.InsufficientDataActions = drop(cur.InsufficientDataActions)
			_, err = s.store.PutAlarm(ctx, cur)
			return wrapf(err, "updating alarm %s", name)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func predictiveOut(c *model.PredictiveScalingPolicyConfiguration) json.RawMessage {
	if c == nil || len(*c) == 0 {
		return nil
	}
	return json.RawMessage(*c)
}
