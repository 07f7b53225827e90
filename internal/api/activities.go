package api

import (
	"context"
	"time"

	"github.com/scaled-dev/scaled/internal/store"
)

// activityRetention is how long scaling activities are reported: six weeks.
const activityRetention = 6 * 7 * 24 * time.Hour

func (s *service) describeScalingActivities(ctx context.Context, account string, in *describeScalingActivitiesIn) (*describeScalingActivitiesOut, error) {
	if err := checkFilter(in.ServiceNamespace, in.ScalableDimension); err != nil {
		return nil, err
	}
	limit, err := pageSize(in.MaxResults, 50)
	if err != nil {
		return nil, err
	}
	includeNotScaled := in.IncludeNotScaledActivities != nil && *in.IncludeNotScaledActivities
	fk := filterKey(account, in.ServiceNamespace, in.ResourceId, in.ScalableDimension, includeNotScaled)
	after, err := s.tokens.open("DescribeScalingActivities", fk, in.NextToken)
	if err != nil {
		return nil, err
	}
	items, next, err := s.store.ListActivities(ctx, store.ActivityFilter{
		Account: account, Namespace: in.ServiceNamespace, ResourceID: in.ResourceId, Dimension: in.ScalableDimension,
		IncludeNotScaled: includeNotScaled,
		Since:            s.clock.Now().Add(-activityRetention),
		Page:             store.Page{After: after, Limit: limit},
	})
	if err != nil {
		return nil, wrapf(err, "listing scaling activities")
	}
	out := &describeScalingActivitiesOut{ScalingActivities: make([]scalingActivityOut, 0, len(items))}
	for _, a := range items {
		out.ScalingActivities = append(out.ScalingActivities, scalingActivityOut{
			ActivityId:        a.ActivityID,
			ServiceNamespace:  a.Namespace,
			ResourceId:        a.ResourceID,
			ScalableDimension: a.Dimension,
			Description:       a.Description,
			Cause:             a.Cause,
			StartTime:         outTime(a.StartTime),
			EndTime:           optTime(a.EndTime),
			StatusCode:        a.StatusCode,
			StatusMessage:     a.StatusMessage,
			Details:           a.Details,
			NotScaledReasons:  a.NotScaledReasons,
		})
	}
	out.NextToken = s.tokens.issue("DescribeScalingActivities", fk, next)
	return out, nil
}
