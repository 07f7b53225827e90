package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/scaled-dev/scaled/internal/api"
	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/awsjson"
	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
	"github.com/scaled-dev/scaled/internal/store"
	"github.com/scaled-dev/scaled/internal/store/memstore"
)

// ticker is the control loop as the simulator drives it.
type ticker interface {
	Tick(ctx context.Context) error
}

type loopOptions struct {
	Clock    *clock.Fake
	Metrics  metrics.Source
	Fleet    *fleet
	Key      model.TargetKey
	Scenario Scenario
	Logger   *slog.Logger
}

// loop is the server side of the simulation: a memory store, the real API operations and
// the real control loop, with the simulated fleet registered as the actuator of the
// target's kind.
type loop struct {
	store   *recordingStore
	eval    ticker
	initial int32
	watched map[metricName]bool
}

func newLoop(ctx context.Context, o loopOptions) (*loop, error) {
	st := newRecordingStore(memstore.New())
	reg := resource.NewRegistry()
	reg.Register(resource.Kind{Namespace: o.Key.Namespace, Dimension: o.Key.Dimension}, o.Fleet)
	svc := api.New(api.Options{Store: st, Resources: reg, Clock: o.Clock, Logger: o.Logger})
	ctx = auth.WithAccount(ctx, o.Key.Account)

	if err := call(ctx, svc, "RegisterScalableTarget", o.Scenario.RegisterScalableTarget, nil); err != nil {
		return nil, err
	}
	policyARN := map[string]string{}
	for i, body := range o.Scenario.PutScalingPolicy {
		var out struct {
			PolicyARN string
		}
		if err := call(ctx, svc, "PutScalingPolicy", body, &out); err != nil {
			return nil, fmt.Errorf("PutScalingPolicy[%d]: %w", i, err)
		}
		var in struct{ PolicyName string }
		_ = json.Unmarshal(body, &in)
		policyARN[in.PolicyName] = out.PolicyARN
	}
	for i, body := range o.Scenario.PutScheduledAction {
		if err := call(ctx, svc, "PutScheduledAction", body, nil); err != nil {
			return nil, fmt.Errorf("PutScheduledAction[%d]: %w", i, err)
		}
	}
	for i, body := range o.Scenario.PutMetricAlarm {
		a, err := userAlarm(body, o.Key.Account, policyARN, o.Clock.Now())
		if err != nil {
			return nil, fmt.Errorf("PutMetricAlarm[%d]: %w", i, err)
		}
		if _, err := st.PutAlarm(ctx, a); err != nil {
			return nil, fmt.Errorf("PutMetricAlarm[%d]: %w", i, err)
		}
	}
	eval, err := newEvaluator(st, reg, o)
	if err != nil {
		return nil, fmt.Errorf("building the control loop: %w", err)
	}
	watched, err := watchedMetrics(ctx, st, o.Key.Account)
	if err != nil {
		return nil, err
	}
	return &loop{store: st, eval: eval, initial: int32(o.Scenario.Fleet.InitialCopies), watched: watched}, nil
}

// metricName is a metric's namespace and name.
type metricName struct{ namespace, name string }

// watchedMetrics lists the metrics (namespace and name) that some alarm reads. The
// simulator stores only those: the control loop reads metrics through alarms alone, so
// dropping the others changes no decision and saves most of the storage work.
func watchedMetrics(ctx context.Context, st *recordingStore, account string) (map[metricName]bool, error) {
	out := map[metricName]bool{}
	after := ""
	for {
		alarms, next, err := st.ListAlarms(ctx, store.AlarmFilter{Account: account, Page: store.Page{After: after}})
		if err != nil {
			return nil, fmt.Errorf("listing alarms: %w", err)
		}
		for _, a := range alarms {
			out[metricName{a.Namespace, a.MetricName}] = true
			for _, q := range a.Metrics {
				if q.MetricStat != nil {
					out[metricName{q.MetricStat.Namespace, q.MetricStat.MetricName}] = true
				}
			}
		}
		if next == "" {
			return out, nil
		}
		after = next
	}
}

// keep filters datums down to the watched metrics, in place.
func (l *loop) keep(data []metrics.Datum) []metrics.Datum {
	out := data[:0]
	for _, d := range data {
		if l.watched[metricName{d.Metric.Namespace, d.Metric.Name}] {
			out = append(out, d)
		}
	}
	return out
}

func (l *loop) tick(ctx context.Context) error { return l.eval.Tick(ctx) }

func (l *loop) activities() ActivityCounts {
	return countActivities(l.store.activities(), l.initial)
}

// call runs one API operation in-process with a JSON body, as a signed request would.
func call(ctx context.Context, svc *awsjson.Service, op string, body json.RawMessage, out any) error {
	h, ok := svc.Ops[op]
	if !ok {
		return fmt.Errorf("the API has no operation %s", op)
	}
	res, err := h(ctx, body)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if out != nil {
		b, err := json.Marshal(res)
		if err != nil {
			return fmt.Errorf("%s: encoding the response: %w", op, err)
		}
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s: decoding the response: %w", op, err)
		}
	}
	return nil
}

// putMetricAlarm is the CloudWatch PutMetricAlarm request (JSON member names).
type putMetricAlarm struct {
	AlarmName          string
	AlarmDescription   string
	ActionsEnabled     *bool
	AlarmActions       []string
	MetricName         string
	Namespace          string
	Statistic          string
	Dimensions         []model.MetricDimension
	Period             int32
	Unit               string
	EvaluationPeriods  int32
	DatapointsToAlarm  int32
	Threshold          *float64
	ComparisonOperator string
	TreatMissingData   string
}

// userAlarm turns a PutMetricAlarm body into a stored alarm. "policy:<name>" in
// AlarmActions names a policy of the scenario.
func userAlarm(body json.RawMessage, account string, policyARN map[string]string, now time.Time) (model.MetricAlarm, error) {
	var in putMetricAlarm
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return model.MetricAlarm{}, fmt.Errorf("decoding: %w", err)
	}
	switch {
	case in.AlarmName == "":
		return model.MetricAlarm{}, fmt.Errorf("AlarmName is required")
	case in.MetricName == "" || in.Namespace == "":
		return model.MetricAlarm{}, fmt.Errorf("alarm %s: MetricName and Namespace are required", in.AlarmName)
	case in.Period <= 0 || in.Period%10 != 0 && in.Period > 10:
		return model.MetricAlarm{}, fmt.Errorf("alarm %s: Period %d must be 10, 30 or a multiple of 60 seconds", in.AlarmName, in.Period)
	case in.EvaluationPeriods <= 0:
		return model.MetricAlarm{}, fmt.Errorf("alarm %s: EvaluationPeriods %d must be at least 1", in.AlarmName, in.EvaluationPeriods)
	case in.Threshold == nil:
		return model.MetricAlarm{}, fmt.Errorf("alarm %s: Threshold is required", in.AlarmName)
	}
	switch in.ComparisonOperator {
	case "GreaterThanThreshold", "GreaterThanOrEqualToThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold":
	default:
		return model.MetricAlarm{}, fmt.Errorf("alarm %s: ComparisonOperator %q is not supported", in.AlarmName, in.ComparisonOperator)
	}
	switch in.Statistic {
	case metrics.StatAverage, metrics.StatSum, metrics.StatMinimum, metrics.StatMaximum, metrics.StatSampleCount:
	default:
		return model.MetricAlarm{}, fmt.Errorf("alarm %s: Statistic %q must be Average, Sum, Minimum, Maximum or SampleCount", in.AlarmName, in.Statistic)
	}
	actions := make([]string, len(in.AlarmActions))
	for i, a := range in.AlarmActions {
		if name, ok := strings.CutPrefix(a, "policy:"); ok {
			arn, found := policyARN[name]
			if !found {
				return model.MetricAlarm{}, fmt.Errorf("alarm %s: AlarmActions names policy %q, which the scenario does not create", in.AlarmName, name)
			}
			a = arn
		}
		actions[i] = a
	}
	dta := in.DatapointsToAlarm
	if dta == 0 {
		dta = in.EvaluationPeriods
	}
	tmd := in.TreatMissingData
	if tmd == "" {
		tmd = "missing"
	}
	enabled := in.ActionsEnabled == nil || *in.ActionsEnabled
	return model.MetricAlarm{
		Account: account, AlarmName: in.AlarmName, AlarmDescription: in.AlarmDescription,
		AlarmARN:       fmt.Sprintf("arn:aws:cloudwatch:us-east-1:%s:alarm:%s", account, in.AlarmName),
		ActionsEnabled: enabled, AlarmActions: actions,
		MetricName: in.MetricName, Namespace: in.Namespace, Statistic: in.Statistic, Dimensions: in.Dimensions,
		Period: in.Period, Unit: in.Unit, EvaluationPeriods: in.EvaluationPeriods, DatapointsToAlarm: dta,
		Threshold: *in.Threshold, ComparisonOperator: in.ComparisonOperator, TreatMissingData: tmd,
		StateValue: model.AlarmInsufficientData, StateUpdatedAt: now, ConfigUpdatedAt: now,
	}, nil
}
