package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/scaled-dev/scaled/internal/model"
)

// inTime is a request timestamp: epoch seconds (integer or fractional) or, leniently, an
// ISO-8601 string.
type inTime struct{ time.Time }

func (t *inTime) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999"} {
			if v, err := time.Parse(layout, s); err == nil {
				t.Time = v.UTC()
				return nil
			}
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
			t.Time = fromEpoch(f)
			return nil
		}
		return fmt.Errorf("timestamp %q is neither epoch seconds nor ISO-8601", s)
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e12 {
		return fmt.Errorf("timestamp %s is not a valid number of epoch seconds", b)
	}
	t.Time = fromEpoch(f)
	return nil
}

func fromEpoch(f float64) time.Time {
	ms := int64(math.Round(f * 1000))
	return time.UnixMilli(ms).UTC()
}

// outTime renders a timestamp as epoch seconds with millisecond precision.
type outTime time.Time

func (t outTime) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	sec, frac := ms/1000, ms%1000
	if frac < 0 {
		sec--
		frac += 1000
	}
	if frac == 0 {
		return []byte(strconv.FormatInt(sec, 10)), nil
	}
	s := fmt.Sprintf("%d.%03d", sec, frac)
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	return []byte(s), nil
}

func optTime(t *time.Time) *outTime {
	if t == nil {
		return nil
	}
	o := outTime(*t)
	return &o
}

// targetKeyIn is the (namespace, resource, dimension) triple most inputs carry.
type targetKeyIn struct {
	ServiceNamespace  string `json:"ServiceNamespace"`
	ResourceId        string `json:"ResourceId"`
	ScalableDimension string `json:"ScalableDimension"`
}

func (k targetKeyIn) key(account string) model.TargetKey {
	return model.TargetKey{Account: account, Namespace: k.ServiceNamespace, ResourceID: k.ResourceId, Dimension: k.ScalableDimension}
}

type pageIn struct {
	MaxResults *int32  `json:"MaxResults"`
	NextToken  *string `json:"NextToken"`
}

// RegisterScalableTarget

type suspendedStateIn struct {
	DynamicScalingInSuspended  *bool `json:"DynamicScalingInSuspended"`
	DynamicScalingOutSuspended *bool `json:"DynamicScalingOutSuspended"`
	ScheduledScalingSuspended  *bool `json:"ScheduledScalingSuspended"`
}

type registerScalableTargetIn struct {
	targetKeyIn
	MinCapacity    *int32            `json:"MinCapacity"`
	MaxCapacity    *int32            `json:"MaxCapacity"`
	RoleARN        *string           `json:"RoleARN"`
	SuspendedState *suspendedStateIn `json:"SuspendedState"`
	Tags           map[string]string `json:"Tags"`
}

type registerScalableTargetOut struct {
	ScalableTargetARN string `json:"ScalableTargetARN,omitempty"`
}

type deregisterScalableTargetIn struct {
	targetKeyIn
}

type empty struct{}

type describeScalableTargetsIn struct {
	ServiceNamespace  string   `json:"ServiceNamespace"`
	ResourceIds       []string `json:"ResourceIds"`
	ScalableDimension string   `json:"ScalableDimension"`
	pageIn
}

type scalableTargetOut struct {
	ServiceNamespace  string               `json:"ServiceNamespace"`
	ResourceId        string               `json:"ResourceId"`
	ScalableDimension string               `json:"ScalableDimension"`
	MinCapacity       int32                `json:"MinCapacity"`
	MaxCapacity       int32                `json:"MaxCapacity"`
	PredictedCapacity *int32               `json:"PredictedCapacity,omitempty"`
	RoleARN           string               `json:"RoleARN"`
	CreationTime      outTime              `json:"CreationTime"`
	SuspendedState    model.SuspendedState `json:"SuspendedState"`
	ScalableTargetARN string               `json:"ScalableTargetARN,omitempty"`
}

type describeScalableTargetsOut struct {
	ScalableTargets []scalableTargetOut `json:"ScalableTargets"`
	NextToken       string              `json:"NextToken,omitempty"`
}

// PutScalingPolicy

type putScalingPolicyIn struct {
	PolicyName string `json:"PolicyName"`
	targetKeyIn
	PolicyType                               *string                                         `json:"PolicyType"`
	StepScalingPolicyConfiguration           *model.StepScalingPolicyConfiguration           `json:"StepScalingPolicyConfiguration"`
	TargetTrackingScalingPolicyConfiguration *model.TargetTrackingScalingPolicyConfiguration `json:"TargetTrackingScalingPolicyConfiguration"`
	PredictiveScalingPolicyConfiguration     json.RawMessage                                 `json:"PredictiveScalingPolicyConfiguration"`
}

type putScalingPolicyOut struct {
	PolicyARN string        `json:"PolicyARN"`
	Alarms    []model.Alarm `json:"Alarms,omitempty"`
}

type describeScalingPoliciesIn struct {
	PolicyNames       []string `json:"PolicyNames"`
	ServiceNamespace  string   `json:"ServiceNamespace"`
	ResourceId        string   `json:"ResourceId"`
	ScalableDimension string   `json:"ScalableDimension"`
	pageIn
}

type scalingPolicyOut struct {
	PolicyARN                                string                                          `json:"PolicyARN"`
	PolicyName                               string                                          `json:"PolicyName"`
	ServiceNamespace                         string                                          `json:"ServiceNamespace"`
	ResourceId                               string                                          `json:"ResourceId"`
	ScalableDimension                        string                                          `json:"ScalableDimension"`
	PolicyType                               string                                          `json:"PolicyType"`
	StepScalingPolicyConfiguration           *model.StepScalingPolicyConfiguration           `json:"StepScalingPolicyConfiguration,omitempty"`
	TargetTrackingScalingPolicyConfiguration *model.TargetTrackingScalingPolicyConfiguration `json:"TargetTrackingScalingPolicyConfiguration,omitempty"`
	PredictiveScalingPolicyConfiguration     json.RawMessage                                 `json:"PredictiveScalingPolicyConfiguration,omitempty"`
	Alarms                                   []model.Alarm                                   `json:"Alarms"`
	CreationTime                             outTime                                         `json:"CreationTime"`
}

type describeScalingPoliciesOut struct {
	ScalingPolicies []scalingPolicyOut `json:"ScalingPolicies"`
	NextToken       string             `json:"NextToken,omitempty"`
}

type deleteScalingPolicyIn struct {
	PolicyName string `json:"PolicyName"`
	targetKeyIn
}

// Activities

type describeScalingActivitiesIn struct {
	ServiceNamespace           string `json:"ServiceNamespace"`
	ResourceId                 string `json:"ResourceId"`
	ScalableDimension          string `json:"ScalableDimension"`
	IncludeNotScaledActivities *bool  `json:"IncludeNotScaledActivities"`
	pageIn
}

type scalingActivityOut struct {
	ActivityId        string                  `json:"ActivityId"`
	ServiceNamespace  string                  `json:"ServiceNamespace"`
	ResourceId        string                  `json:"ResourceId"`
	ScalableDimension string                  `json:"ScalableDimension"`
	Description       string                  `json:"Description"`
	Cause             string                  `json:"Cause"`
	StartTime         outTime                 `json:"StartTime"`
	EndTime           *outTime                `json:"EndTime,omitempty"`
	StatusCode        string                  `json:"StatusCode"`
	StatusMessage     string                  `json:"StatusMessage,omitempty"`
	Details           string                  `json:"Details,omitempty"`
	NotScaledReasons  []model.NotScaledReason `json:"NotScaledReasons,omitempty"`
}

type describeScalingActivitiesOut struct {
	ScalingActivities []scalingActivityOut `json:"ScalingActivities"`
	NextToken         string               `json:"NextToken,omitempty"`
}

// Scheduled actions

type scalableTargetActionIn struct {
	MinCapacity *int32 `json:"MinCapacity"`
	MaxCapacity *int32 `json:"MaxCapacity"`
}

type putScheduledActionIn struct {
	targetKeyIn
	Schedule             *string                 `json:"Schedule"`
	Timezone             *string                 `json:"Timezone"`
	ScheduledActionName  string                  `json:"ScheduledActionName"`
	StartTime            *inTime                 `json:"StartTime"`
	EndTime              *inTime                 `json:"EndTime"`
	ScalableTargetAction *scalableTargetActionIn `json:"ScalableTargetAction"`
}

type describeScheduledActionsIn struct {
	ScheduledActionNames []string `json:"ScheduledActionNames"`
	ServiceNamespace     string   `json:"ServiceNamespace"`
	ResourceId           string   `json:"ResourceId"`
	ScalableDimension    string   `json:"ScalableDimension"`
	pageIn
}

type scheduledActionOut struct {
	ScheduledActionName  string                      `json:"ScheduledActionName"`
	ScheduledActionARN   string                      `json:"ScheduledActionARN"`
	ServiceNamespace     string                      `json:"ServiceNamespace"`
	Schedule             string                      `json:"Schedule"`
	Timezone             string                      `json:"Timezone,omitempty"`
	ResourceId           string                      `json:"ResourceId"`
	ScalableDimension    string                      `json:"ScalableDimension"`
	StartTime            *outTime                    `json:"StartTime,omitempty"`
	EndTime              *outTime                    `json:"EndTime,omitempty"`
	ScalableTargetAction *model.ScalableTargetAction `json:"ScalableTargetAction,omitempty"`
	CreationTime         outTime                     `json:"CreationTime"`
}

type describeScheduledActionsOut struct {
	ScheduledActions []scheduledActionOut `json:"ScheduledActions"`
	NextToken        string               `json:"NextToken,omitempty"`
}

type deleteScheduledActionIn struct {
	targetKeyIn
	ScheduledActionName string `json:"ScheduledActionName"`
}

// Tags

type tagResourceIn struct {
	ResourceARN string            `json:"ResourceARN"`
	Tags        map[string]string `json:"Tags"`
}

type untagResourceIn struct {
	ResourceARN string   `json:"ResourceARN"`
	TagKeys     []string `json:"TagKeys"`
}

type listTagsForResourceIn struct {
	ResourceARN string `json:"ResourceARN"`
}

type listTagsForResourceOut struct {
	Tags map[string]string `json:"Tags"`
}

// Forecast

type getPredictiveScalingForecastIn struct {
	targetKeyIn
	PolicyName string  `json:"PolicyName"`
	StartTime  *inTime `json:"StartTime"`
	EndTime    *inTime `json:"EndTime"`
}

type loadForecastOut struct {
	Timestamps          []outTime       `json:"Timestamps"`
	Values              []float64       `json:"Values"`
	MetricSpecification json.RawMessage `json:"MetricSpecification"`
}

type capacityForecastOut struct {
	Timestamps []outTime `json:"Timestamps"`
	Values     []float64 `json:"Values"`
}

type getPredictiveScalingForecastOut struct {
	LoadForecast     []loadForecastOut   `json:"LoadForecast"`
	CapacityForecast capacityForecastOut `json:"CapacityForecast"`
	UpdateTime       *outTime            `json:"UpdateTime,omitempty"`
}
