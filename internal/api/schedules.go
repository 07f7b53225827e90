package api

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/scaling"
	"github.com/scaled-dev/scaled/internal/store"
)

func (s *service) putScheduledAction(ctx context.Context, account string, in *putScheduledActionIn) (*empty, error) {
	k := model.ScheduledActionKey{TargetKey: in.key(account), Name: in.ScheduledActionName}
	if err := model.ValidateTargetKey(k.TargetKey); err != nil {
		return nil, err
	}
	if ns, _ := model.LookupNamespace(k.Namespace); !ns.Scheduled {
		return nil, model.Invalidf("Scheduled actions are not supported for service namespace %s", k.Namespace)
	}
	if sta := in.ScalableTargetAction; sta != nil {
		if sta.MinCapacity == nil && sta.MaxCapacity == nil {
			return nil, model.Invalidf("At least one of minimum capacity and maximum capacity should be provided")
		}
		if err := model.ValidateCapacity(k.Dimension, sta.MinCapacity, sta.MaxCapacity); err != nil {
			return nil, err
		}
	}
	if in.StartTime != nil && in.EndTime != nil && !in.EndTime.After(in.StartTime.Time) {
		return nil, model.Invalidf("EndTime %s must be after StartTime %s", in.EndTime.Format(time.RFC3339), in.StartTime.Format(time.RFC3339))
	}
	err := retryCAS(ctx, func() error {
		t, err := s.store.GetTarget(ctx, k.TargetKey)
		if errors.Is(err, store.ErrNotFound) {
			return targetNotFound(k.TargetKey)
		}
		if err != nil {
			return wrapf(err, "reading scalable target")
		}
		a, err := s.store.GetScheduledAction(ctx, k)
		exists := err == nil
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return wrapf(err, "reading scheduled action")
		}
		if !exists {
			a = model.ScheduledAction{ScheduledActionKey: k, CreationTime: s.clock.Now().UTC()}
		}
		a.ARN = model.ScheduledActionARN(s.partition, s.region, k, t.UUID)
		if in.Schedule != nil {
			a.Schedule = *in.Schedule
		}
		if in.Timezone != nil {
			a.Timezone = *in.Timezone
		}
		if a.Schedule == "" {
			return model.Invalidf("Schedule is required to create scheduled action %s", k.Name)
		}
		if in.ScalableTargetAction != nil {
			a.ScalableTargetAction = model.ScalableTargetAction{MinCapacity: in.ScalableTargetAction.MinCapacity, MaxCapacity: in.ScalableTargetAction.MaxCapacity}
		} else if !exists {
			return model.Invalidf("At least one of minimum capacity and maximum capacity should be provided")
		}
		if err := s.validateSchedule(a.Schedule, a.Timezone); err != nil {
			return err
		}
		// Start and end times not given on an update are cleared.
		a.StartTime, a.EndTime = nil, nil
		if in.StartTime != nil {
			v := in.StartTime.UTC()
			a.StartTime = &v
		}
		if in.EndTime != nil {
			v := in.EndTime.UTC()
			a.EndTime = &v
		}
		if !exists {
			if err := s.checkScheduleQuota(ctx, k.TargetKey); err != nil {
				return err
			}
		}
		_, err = s.store.PutScheduledAction(ctx, a)
		if errors.Is(err, store.ErrNotFound) {
			return targetNotFound(k.TargetKey)
		}
		return wrapf(err, "writing scheduled action")
	})
	if err != nil {
		return nil, err
	}
	return &empty{}, nil
}

// validateSchedule checks an expression and time zone with the parser the control loop uses,
// so that every accepted schedule can fire.
func (s *service) validateSchedule(expr, tz string) error {
	if _, err := scaling.ParseSchedule(expr, tz); err != nil {
		msg := err.Error()
		return &model.ValidationError{Message: strings.ToUpper(msg[:1]) + msg[1:]}
	}
	return nil
}

func (s *service) checkScheduleQuota(ctx context.Context, k model.TargetKey) error {
	n := 0
	after := ""
	for {
		items, next, err := s.store.ListScheduledActions(ctx, store.ScheduleFilter{Account: k.Account, Namespace: k.Namespace, ResourceID: k.ResourceID, Dimension: k.Dimension, Page: store.Page{After: after, Limit: 500}})
		if err != nil {
			return wrapf(err, "counting scheduled actions")
		}
		n += len(items)
		if next == "" {
			break
		}
		after = next
	}
	if n >= s.limits.ScheduledPerTarget {
		return model.Limitf("Scheduled action limit of %d reached for scalable target (service namespace: %s, resource ID: %s, scalable dimension: %s)", s.limits.ScheduledPerTarget, k.Namespace, k.ResourceID, k.Dimension)
	}
	return nil
}

func (s *service) describeScheduledActions(ctx context.Context, account string, in *describeScheduledActionsIn) (*describeScheduledActionsOut, error) {
	if err := checkFilter(in.ServiceNamespace, in.ScalableDimension); err != nil {
		return nil, err
	}
	limit, err := pageSize(in.MaxResults, 50)
	if err != nil {
		return nil, err
	}
	names := slices.Clone(in.ScheduledActionNames)
	slices.Sort(names)
	fk := filterKey(account, in.ServiceNamespace, in.ResourceId, in.ScalableDimension, names)
	after, err := s.tokens.open("DescribeScheduledActions", fk, in.NextToken)
	if err != nil {
		return nil, err
	}
	items, next, err := s.store.ListScheduledActions(ctx, store.ScheduleFilter{
		Account: account, Namespace: in.ServiceNamespace, ResourceID: in.ResourceId, Dimension: in.ScalableDimension, Names: in.ScheduledActionNames,
		Page: store.Page{After: after, Limit: limit},
	})
	if err != nil {
		return nil, wrapf(err, "listing scheduled actions")
	}
	out := &describeScheduledActionsOut{ScheduledActions: make([]scheduledActionOut, 0, len(items))}
	for _, a := range items {
		sta := a.ScalableTargetAction
		out.ScheduledActions = append(out.ScheduledActions, scheduledActionOut{
			ScheduledActionName:  a.Name,
			ScheduledActionARN:   a.ARN,
			ServiceNamespace:     a.Namespace,
			Schedule:             a.Schedule,
			Timezone:             a.Timezone,
			ResourceId:           a.ResourceID,
			ScalableDimension:    a.Dimension,
			StartTime:            optTime(a.StartTime),
			EndTime:              optTime(a.EndTime),
			ScalableTargetAction: &sta,
			CreationTime:         outTime(a.CreationTime),
		})
	}
	out.NextToken = s.tokens.issue("DescribeScheduledActions", fk, next)
	return out, nil
}

func (s *service) deleteScheduledAction(ctx context.Context, account string, in *deleteScheduledActionIn) (*empty, error) {
	k := model.ScheduledActionKey{TargetKey: in.key(account), Name: in.ScheduledActionName}
	if err := model.ValidateTargetKey(k.TargetKey); err != nil {
		return nil, err
	}
	if err := s.store.DeleteScheduledAction(ctx, k); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, scheduledActionNotFound(k)
		}
		return nil, wrapf(err, "deleting scheduled action")
	}
	return &empty{}, nil
}
