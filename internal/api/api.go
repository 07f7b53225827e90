package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/awsjson"
	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
	"github.com/scaled-dev/scaled/internal/store"
)

// Store is the part of the store contract the API uses; store.Store satisfies it.
type Store interface {
	store.Targets
	store.Policies
	store.Schedules
	store.Activities
	store.Alarms
}

// DefaultAccount is the account of callers without one (authentication disabled).
const DefaultAccount = "000000000000"

// Limits are the quotas the API enforces. Zero fields take the AWS defaults.
type Limits struct {
	// TargetsPerResourceType overrides the per-namespace target quota for every namespace.
	TargetsPerResourceType int
	PoliciesPerTarget      int
	ScheduledPerTarget     int
	StepAdjustments        int
	TagsPerResource        int
}

func (l Limits) withDefaults() Limits {
	if l.PoliciesPerTarget <= 0 {
		l.PoliciesPerTarget = 50
	}
	if l.ScheduledPerTarget <= 0 {
		l.ScheduledPerTarget = 200
	}
	if l.StepAdjustments <= 0 {
		l.StepAdjustments = model.MaxStepAdjustments
	}
	if l.TagsPerResource <= 0 {
		l.TagsPerResource = 50
	}
	return l
}

// Options are the dependencies of the API.
type Options struct {
	Store Store
	// Resources, when set, lets actuators that implement resource.IDValidator check a
	// ResourceId when a target is registered.
	Resources *resource.Registry
	Region    string // default us-east-1
	Partition string // default aws
	Clock     clock.Clock
	Logger    *slog.Logger
	// TokenKey signs NextToken values; a random key is used when nil (tokens then do not
	// survive a restart or work across replicas).
	TokenKey []byte
	// AlarmTiming shapes the managed alarms of target-tracking policies.
	AlarmTiming model.AlarmTiming
	Limits      Limits
	// Metrics, when set, is the metric history GetPredictiveScalingForecast forecasts from;
	// without it forecasts are empty.
	Metrics metrics.Source
}

type service struct {
	store     Store
	resources *resource.Registry
	region    string
	partition string
	clock     clock.Clock
	log       *slog.Logger
	tokens    tokens
	timing    model.AlarmTiming
	limits    Limits
	metrics   metrics.Source
}

// New returns the Application Auto Scaling service, ready to be served over HTTP.
func New(o Options) *awsjson.Service {
	s := &service{
		store:     o.Store,
		resources: o.Resources,
		region:    o.Region,
		partition: o.Partition,
		clock:     o.Clock,
		log:       o.Logger,
		tokens:    tokens{key: o.TokenKey},
		timing:    o.AlarmTiming,
		limits:    o.Limits.withDefaults(),
		metrics:   o.Metrics,
	}
	if s.region == "" {
		s.region = "us-east-1"
	}
	if s.partition == "" {
		s.partition = model.DefaultPartition
	}
	if s.clock == nil {
		s.clock = clock.Real{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if len(s.tokens.key) == 0 {
		k := make([]byte, 32)
		if _, err := rand.Read(k); err != nil {
			panic("api: crypto/rand failed: " + err.Error())
		}
		s.tokens.key = k
	}
	if s.timing == (model.AlarmTiming{}) {
		s.timing = model.DefaultAlarmTiming()
	}
	return &awsjson.Service{
		TargetPrefix:      "AnyScaleFrontendService",
		JSONVersion:       "1.1",
		InternalErrorType: "InternalServiceException",
		Logger:            s.log,
		Ops: map[string]awsjson.Handler{
			"RegisterScalableTarget":       handle(s, "RegisterScalableTarget", s.registerScalableTarget),
			"DeregisterScalableTarget":     handle(s, "DeregisterScalableTarget", s.deregisterScalableTarget),
			"DescribeScalableTargets":      handle(s, "DescribeScalableTargets", s.describeScalableTargets),
			"PutScalingPolicy":             handle(s, "PutScalingPolicy", s.putScalingPolicy),
			"DescribeScalingPolicies":      handle(s, "DescribeScalingPolicies", s.describeScalingPolicies),
			"DeleteScalingPolicy":          handle(s, "DeleteScalingPolicy", s.deleteScalingPolicy),
			"DescribeScalingActivities":    handle(s, "DescribeScalingActivities", s.describeScalingActivities),
			"PutScheduledAction":           handle(s, "PutScheduledAction", s.putScheduledAction),
			"DescribeScheduledActions":     handle(s, "DescribeScheduledActions", s.describeScheduledActions),
			"DeleteScheduledAction":        handle(s, "DeleteScheduledAction", s.deleteScheduledAction),
			"TagResource":                  handle(s, "TagResource", s.tagResource),
			"UntagResource":                handle(s, "UntagResource", s.untagResource),
			"ListTagsForResource":          handle(s, "ListTagsForResource", s.listTagsForResource),
			"GetPredictiveScalingForecast": handle(s, "GetPredictiveScalingForecast", s.getPredictiveScalingForecast),
		},
	}
}

// handle adapts an operation: parse the body, check the Smithy constraints, decode the typed
// input, run the operation with the caller's account, and translate errors through the error
// table.
func handle[In, Out any](s *service, op string, f func(ctx context.Context, account string, in *In) (*Out, error)) awsjson.Handler {
	return func(ctx context.Context, body []byte) (any, error) {
		raw, err := parseObject(body)
		if err != nil {
			return nil, err
		}
		if err := model.ValidateInput(op, raw); err != nil {
			return nil, toAWS(ctx, s.log, op, err)
		}
		in := new(In)
		if err := awsjson.Decode(body, in); err != nil {
			return nil, err
		}
		account := auth.AccountFrom(ctx)
		if account == "" {
			account = DefaultAccount
		}
		out, err := f(ctx, account, in)
		if err != nil {
			return nil, toAWS(ctx, s.log, op, err)
		}
		return out, nil
	}
}

func parseObject(body []byte) (map[string]any, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, &awsjson.Error{Type: "SerializationException", Status: http.StatusBadRequest, Message: "Failed to parse request body: " + err.Error()}
	}
	if dec.More() {
		return nil, &awsjson.Error{Type: "SerializationException", Status: http.StatusBadRequest, Message: "Failed to parse request body: unexpected data after the JSON object"}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &awsjson.Error{Type: "SerializationException", Status: http.StatusBadRequest, Message: "Failed to parse request body: the body must be a JSON object"}
	}
	return obj, nil
}

// casAttempts is how often a compare-and-swap write is retried after a conflict before the
// caller sees ConcurrentUpdateException.
const casAttempts = 5

// retryCAS runs f until it succeeds, fails with something other than store.ErrConflict, or
// has conflicted casAttempts times.
func retryCAS(ctx context.Context, f func() error) error {
	var err error
	for range casAttempts {
		if err = f(); !errors.Is(err, store.ErrConflict) {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return err
}

// pageSize checks MaxResults against 1..max (default max).
func pageSize(v *int32, max int) (int, error) {
	if v == nil {
		return max, nil
	}
	if *v < 1 {
		return 0, model.Invalidf("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1", *v)
	}
	if int(*v) > max {
		return 0, model.Invalidf("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to %d", *v, max)
	}
	return int(*v), nil
}

// filterKey renders the filters of a listing for NextToken binding.
func filterKey(account string, parts ...any) string {
	b, _ := json.Marshal(append([]any{account}, parts...))
	return string(b)
}

// checkFilter validates a namespace/dimension pair used as a Describe filter.
func checkFilter(namespace, dimension string) error {
	if dimension == "" {
		return nil
	}
	d, ok := model.LookupDimension(dimension)
	if !ok || d.Namespace != namespace {
		return &model.ValidationError{Message: model.ErrUnsupportedTarget}
	}
	return nil
}

func wrapf(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

func itoa(v int32) string { return fmt.Sprint(v) }
