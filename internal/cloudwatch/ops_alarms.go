package cloudwatch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/store"
)

// Alarm states.
const (
	StateOK               = "OK"
	StateAlarm            = "ALARM"
	StateInsufficientData = "INSUFFICIENT_DATA"
)

var (
	comparisonOperators = []string{"GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"}
	anomalyOperators    = []string{"LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold", "GreaterThanUpperThreshold"}
	treatMissing        = []string{"breaching", "notBreaching", "ignore", "missing"}
	alarmStates         = []string{StateOK, StateAlarm, StateInsufficientData}
)

const (
	maxAlarmNames       = 100
	maxActions          = 5
	maxAlarmEvaluation  = 7 * 24 * 3600
	defaultAlarmRecords = 50
	maxAlarmRecords     = 100
	maxAlarmCASRetries  = 5
)

// validAlarmPeriod: alarms accept 10, 20, 30 and multiples of 60 seconds.
func validAlarmPeriod(p int32) bool { return p == 10 || p == 20 || p == 30 || (p > 0 && p%60 == 0) }

func checkActions(field string, arns []string) error {
	if len(arns) > maxActions {
		return errInvalidValue("The collection %s must not have a size greater than %d.", field, maxActions)
	}
	for i, a := range arns {
		if len(a) == 0 || len(a) > 1024 || !strings.HasPrefix(a, "arn:") {
			return errInvalidValue("The value %q for parameter %s.member.%d is not a valid ARN.", a, field, i+1)
		}
	}
	return nil
}

func (h *Handler) putMetricAlarm(ctx context.Context, in *PutMetricAlarmInput) (*Empty, error) {
	acct := account(ctx)
	switch {
	case in.AlarmName == "":
		return nil, errMissing("AlarmName")
	case len(in.AlarmName) > 255:
		return nil, errInvalidValue("The parameter AlarmName must be at most 255 characters long.")
	case in.AlarmDescription != nil && len(*in.AlarmDescription) > 1024:
		return nil, errInvalidValue("The parameter AlarmDescription must be at most 1024 characters long.")
	case in.EvaluationPeriods == nil:
		return nil, errMissing("EvaluationPeriods")
	case *in.EvaluationPeriods < 1:
		return nil, errInvalidValue("The parameter EvaluationPeriods must be at least 1.")
	case in.ComparisonOperator == "":
		return nil, errMissing("ComparisonOperator")
	case in.ThresholdMetricId != "" || slices.Contains(anomalyOperators, in.ComparisonOperator):
		return nil, errInvalidValue("Anomaly-detection alarms (ThresholdMetricId, %s) are not supported.", strings.Join(anomalyOperators, ", "))
	case !slices.Contains(comparisonOperators, in.ComparisonOperator):
		return nil, errInvalidValue("The value %s for parameter ComparisonOperator is not valid: use one of %s.", in.ComparisonOperator, strings.Join(comparisonOperators, ", "))
	case in.Threshold == nil:
		return nil, errMissing("Threshold")
	case in.TreatMissingData != "" && !slices.Contains(treatMissing, in.TreatMissingData):
		return nil, errInvalidValue("The value %s for parameter TreatMissingData is not valid: use one of %s.", in.TreatMissingData, strings.Join(treatMissing, ", "))
	case in.EvaluateLowSampleCountPercentile != "" && in.EvaluateLowSampleCountPercentile != "evaluate" && in.EvaluateLowSampleCountPercentile != "ignore":
		return nil, errInvalidValue("The value %s for parameter EvaluateLowSampleCountPercentile is not valid: use evaluate or ignore.", in.EvaluateLowSampleCountPercentile)
	case in.DatapointsToAlarm != nil && (*in.DatapointsToAlarm < 1 || *in.DatapointsToAlarm > *in.EvaluationPeriods):
		return nil, errInvalidValue("The parameter DatapointsToAlarm must be between 1 and EvaluationPeriods (%d), not %d.", *in.EvaluationPeriods, *in.DatapointsToAlarm)
	}
	if err := checkValue("Threshold", *in.Threshold); err != nil {
		return nil, err
	}
	for _, a := range []struct {
		f string
		v []string
	}{{"AlarmActions", in.AlarmActions}, {"OKActions", in.OKActions}, {"InsufficientDataActions", in.InsufficientDataActions}} {
		if err := checkActions(a.f, a.v); err != nil {
			return nil, err
		}
	}
	now := h.clk.Now().UTC()
	a := model.MetricAlarm{
		Account:                 acct,
		AlarmName:               in.AlarmName,
		AlarmARN:                h.alarmARN(acct, in.AlarmName),
		ActionsEnabled:          in.ActionsEnabled == nil || *in.ActionsEnabled,
		AlarmActions:            slices.Clone(in.AlarmActions),
		OKActions:               slices.Clone(in.OKActions),
		InsufficientDataActions: slices.Clone(in.InsufficientDataActions),
		EvaluationPeriods:       *in.EvaluationPeriods,
		Threshold:               *in.Threshold,
		ComparisonOperator:      in.ComparisonOperator,
		TreatMissingData:        in.TreatMissingData,
		ConfigUpdatedAt:         now,

		EvaluateLowSampleCountPercentile: in.EvaluateLowSampleCountPercentile,
	}
	if in.AlarmDescription != nil {
		a.AlarmDescription = *in.AlarmDescription
	}
	if in.DatapointsToAlarm != nil {
		a.DatapointsToAlarm = *in.DatapointsToAlarm
	}
	var period int32
	if len(in.Metrics) > 0 {
		if in.MetricName != "" || in.Namespace != "" || in.Statistic != "" || in.ExtendedStatistic != "" || len(in.Dimensions) > 0 || in.Period != nil || in.Unit != "" {
			return nil, errCombination("Metrics cannot be combined with MetricName, Namespace, Statistic, ExtendedStatistic, Dimensions, Period or Unit.")
		}
		qs, _, err := toModelQueries("Metrics", in.Metrics)
		if err != nil {
			return nil, err
		}
		returning := 0
		for i, q := range qs {
			if q.ReturnData == nil || *q.ReturnData {
				returning++
			}
			p := q.Period
			if q.MetricStat != nil {
				p = q.MetricStat.Period
			}
			if p != 0 && !validAlarmPeriod(p) {
				return nil, errInvalidValue("The period %d of Metrics.member.%d is not valid for an alarm: use 10, 20, 30 or a multiple of 60.", p, i+1)
			}
			period = max(period, p)
		}
		if returning != 1 {
			return nil, errInvalidValue("Exactly one element of Metrics must have ReturnData set to true (or absent); %d do.", returning)
		}
		a.Metrics = qs
	} else {
		switch {
		case in.MetricName == "":
			return nil, errMissing("MetricName")
		case in.Namespace == "":
			return nil, errMissing("Namespace")
		case in.Statistic == "" && in.ExtendedStatistic == "":
			return nil, errCombination("Either Statistic or ExtendedStatistic is required.")
		case in.Statistic != "" && in.ExtendedStatistic != "":
			return nil, errCombination("Statistic and ExtendedStatistic are mutually exclusive.")
		case in.Statistic != "" && !slices.Contains(validStatistics, in.Statistic):
			return nil, errInvalidValue("The value %s for parameter Statistic is not valid: use one of %s.", in.Statistic, strings.Join(validStatistics, ", "))
		case in.Period == nil:
			return nil, errMissing("Period")
		case !validAlarmPeriod(*in.Period):
			return nil, errInvalidValue("The value %d for parameter Period is not valid: use 10, 20, 30 or a multiple of 60.", *in.Period)
		}
		if in.ExtendedStatistic != "" {
			if err := checkExtended("ExtendedStatistic", in.ExtendedStatistic); err != nil {
				return nil, err
			}
		}
		if err := checkUnit("Unit", in.Unit); err != nil {
			return nil, err
		}
		dims, err := checkDimensions("Dimensions", in.Dimensions)
		if err != nil {
			return nil, err
		}
		a.MetricName, a.Namespace, a.Statistic, a.ExtendedStatistic = in.MetricName, in.Namespace, in.Statistic, in.ExtendedStatistic
		a.Dimensions, a.Period, a.Unit = dims, *in.Period, in.Unit
		period = *in.Period
	}
	if int64(period)*int64(*in.EvaluationPeriods) > maxAlarmEvaluation {
		return nil, errInvalidValue("Period × EvaluationPeriods (%d s) must not exceed %d s (7 days).", int64(period)*int64(*in.EvaluationPeriods), maxAlarmEvaluation)
	}
	if h.opts.Alarms == nil {
		return nil, errors.New("cloudwatch: no alarm store configured")
	}
	// Compare-and-swap against the stored alarm so that a state the control loop records
	// meanwhile is not lost.
	for range maxAlarmCASRetries {
		old, err := h.opts.Alarms.GetAlarm(ctx, acct, in.AlarmName)
		switch {
		case err == nil:
			// An update keeps the state (AWS) and the owner of a managed alarm.
			a.StateValue, a.StateReason, a.StateReasonData, a.StateUpdatedAt = old.StateValue, old.StateReason, old.StateReasonData, old.StateUpdatedAt
			a.ManagedBy, a.Revision = old.ManagedBy, old.Revision
			if old.ManagedBy != "" {
				h.log.Warn("managed alarm overwritten through the CloudWatch API", "account", acct, "alarm", in.AlarmName, "managed_by", old.ManagedBy)
			}
		case errors.Is(err, store.ErrNotFound):
			a.StateValue, a.StateReason, a.StateReasonData, a.StateUpdatedAt = StateInsufficientData, "Unchecked: Initial alarm creation", "", now
			a.ManagedBy, a.Revision = "", 0
		default:
			return nil, fmt.Errorf("cloudwatch: reading alarm %s: %w", in.AlarmName, err)
		}
		_, err = h.opts.Alarms.PutAlarm(ctx, a)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("cloudwatch: storing alarm %s: %w", in.AlarmName, err)
		}
		return &Empty{}, nil
	}
	return nil, fmt.Errorf("cloudwatch: alarm %s kept changing: %w", in.AlarmName, store.ErrConflict)
}

func toWireAlarm(a model.MetricAlarm) MetricAlarm {
	w := MetricAlarm{
		AlarmName:               a.AlarmName,
		AlarmArn:                a.AlarmARN,
		AlarmDescription:        a.AlarmDescription,
		ActionsEnabled:          ptr(a.ActionsEnabled),
		OKActions:               nonNil(a.OKActions),
		AlarmActions:            nonNil(a.AlarmActions),
		InsufficientDataActions: nonNil(a.InsufficientDataActions),
		StateValue:              a.StateValue,
		StateReason:             a.StateReason,
		StateReasonData:         a.StateReasonData,
		MetricName:              a.MetricName,
		Namespace:               a.Namespace,
		Statistic:               a.Statistic,
		ExtendedStatistic:       a.ExtendedStatistic,
		Dimensions:              toWireDims(a.Dimensions),
		Unit:                    a.Unit,
		EvaluationPeriods:       ptr(a.EvaluationPeriods),
		Threshold:               ptr(a.Threshold),
		ComparisonOperator:      a.ComparisonOperator,
		TreatMissingData:        a.TreatMissingData,
		Metrics:                 fromModelQueries(a.Metrics),

		EvaluateLowSampleCountPercentile: a.EvaluateLowSampleCountPercentile,
	}
	if !a.ConfigUpdatedAt.IsZero() {
		w.AlarmConfigurationUpdatedTimestamp = ts(a.ConfigUpdatedAt)
	}
	if !a.StateUpdatedAt.IsZero() {
		w.StateUpdatedTimestamp = ts(a.StateUpdatedAt)
		w.StateTransitionedTimestamp = ts(a.StateUpdatedAt)
	}
	if a.Period != 0 {
		w.Period = ptr(a.Period)
	}
	if a.DatapointsToAlarm != 0 {
		w.DatapointsToAlarm = ptr(a.DatapointsToAlarm)
	}
	return w
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}

// allAlarms lists every alarm matching f, across store pages.
func (h *Handler) allAlarms(ctx context.Context, f store.AlarmFilter) ([]model.MetricAlarm, error) {
	if h.opts.Alarms == nil {
		return nil, errors.New("cloudwatch: no alarm store configured")
	}
	var out []model.MetricAlarm
	for {
		items, next, err := h.opts.Alarms.ListAlarms(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("cloudwatch: listing alarms: %w", err)
		}
		out = append(out, items...)
		if next == "" {
			return out, nil
		}
		f.After = next
	}
}

func hasActionPrefix(a model.MetricAlarm, prefix string) bool {
	for _, list := range [][]string{a.AlarmActions, a.OKActions, a.InsufficientDataActions} {
		for _, x := range list {
			if strings.HasPrefix(x, prefix) {
				return true
			}
		}
	}
	return false
}

func (h *Handler) describeAlarms(ctx context.Context, in *DescribeAlarmsInput) (*DescribeAlarmsOutput, error) {
	switch {
	case len(in.AlarmNames) > maxAlarmNames:
		return nil, errInvalidValue("The collection AlarmNames must not have a size greater than %d.", maxAlarmNames)
	case len(in.AlarmNames) > 0 && in.AlarmNamePrefix != "":
		return nil, errCombination("AlarmNames and AlarmNamePrefix are mutually exclusive.")
	case in.StateValue != "" && !slices.Contains(alarmStates, in.StateValue):
		return nil, errInvalidValue("The value %s for parameter StateValue is not valid: use one of %s.", in.StateValue, strings.Join(alarmStates, ", "))
	case in.MaxRecords != nil && (*in.MaxRecords < 1 || *in.MaxRecords > maxAlarmRecords):
		return nil, errInvalidValue("The parameter MaxRecords must be between 1 and %d.", maxAlarmRecords)
	}
	for i, t := range in.AlarmTypes {
		if t != "MetricAlarm" && t != "CompositeAlarm" {
			return nil, errInvalidValue("The value %s for parameter AlarmTypes.member.%d is not valid: use MetricAlarm or CompositeAlarm.", t, i+1)
		}
	}
	limit := defaultAlarmRecords
	if in.MaxRecords != nil {
		limit = int(*in.MaxRecords)
	}
	hash := requestHash(in.AlarmNames, in.AlarmNamePrefix, in.AlarmTypes, in.StateValue, in.ActionPrefix, in.ChildrenOfAlarmName, in.ParentsOfAlarmName)
	after := ""
	if in.NextToken != "" {
		var err error
		if after, err = decodeKeyToken(in.NextToken, hash); err != nil {
			return nil, err
		}
	}
	out := &DescribeAlarmsOutput{MetricAlarms: []MetricAlarm{}}
	if (len(in.AlarmTypes) > 0 && !slices.Contains(in.AlarmTypes, "MetricAlarm")) || in.ChildrenOfAlarmName != "" || in.ParentsOfAlarmName != "" {
		return out, nil // composite alarms are not supported
	}
	list, err := h.allAlarms(ctx, store.AlarmFilter{Account: account(ctx), Names: in.AlarmNames, NamePrefix: in.AlarmNamePrefix})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(list, func(a, b model.MetricAlarm) int { return strings.Compare(a.AlarmName, b.AlarmName) })
	for _, a := range list {
		if after != "" && a.AlarmName <= after {
			continue
		}
		if in.StateValue != "" && a.StateValue != in.StateValue || in.ActionPrefix != "" && !hasActionPrefix(a, in.ActionPrefix) {
			continue
		}
		if len(out.MetricAlarms) == limit {
			out.NextToken = encodeKeyToken(out.MetricAlarms[limit-1].AlarmName, hash)
			break
		}
		out.MetricAlarms = append(out.MetricAlarms, toWireAlarm(a))
	}
	return out, nil
}

func (h *Handler) describeAlarmsForMetric(ctx context.Context, in *DescribeAlarmsForMetricInput) (*DescribeAlarmsForMetricOutput, error) {
	switch {
	case in.MetricName == "":
		return nil, errMissing("MetricName")
	case in.Namespace == "":
		return nil, errMissing("Namespace")
	}
	dims, err := checkDimensions("Dimensions", in.Dimensions)
	if err != nil {
		return nil, err
	}
	list, err := h.allAlarms(ctx, store.AlarmFilter{Account: account(ctx)})
	if err != nil {
		return nil, err
	}
	out := &DescribeAlarmsForMetricOutput{MetricAlarms: []MetricAlarm{}}
	match := func(ns, name, stat string, d []model.MetricDimension, period int32, unit string) bool {
		return ns == in.Namespace && name == in.MetricName &&
			(in.Statistic == "" || stat == in.Statistic) && (in.ExtendedStatistic == "" || stat == in.ExtendedStatistic) &&
			(in.Period == nil || period == *in.Period) && (in.Unit == "" || unit == in.Unit) &&
			(len(in.Dimensions) == 0 || sameDims(d, dims))
	}
	for _, a := range list {
		ok := match(a.Namespace, a.MetricName, a.Statistic+a.ExtendedStatistic, a.Dimensions, a.Period, a.Unit)
		for _, q := range a.Metrics {
			if ms := q.MetricStat; ms != nil && match(ms.Namespace, ms.MetricName, ms.Stat, ms.Dimensions, ms.Period, ms.Unit) {
				ok = true
			}
		}
		if ok {
			out.MetricAlarms = append(out.MetricAlarms, toWireAlarm(a))
		}
	}
	return out, nil
}

func sameDims(a, b []model.MetricDimension) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func checkAlarmNames(names []string) error {
	if len(names) > maxAlarmNames {
		return errInvalidValue("The collection AlarmNames must not have a size greater than %d.", maxAlarmNames)
	}
	for i, n := range names {
		if n == "" || len(n) > 255 {
			return errInvalidValue("The parameter AlarmNames.member.%d must be 1 to 255 characters long.", i+1)
		}
	}
	return nil
}

func (h *Handler) deleteAlarms(ctx context.Context, in *AlarmNamesInput) (*Empty, error) {
	if len(in.AlarmNames) == 0 {
		return nil, errMissing("AlarmNames")
	}
	if err := checkAlarmNames(in.AlarmNames); err != nil {
		return nil, err
	}
	if h.opts.Alarms == nil {
		return nil, errors.New("cloudwatch: no alarm store configured")
	}
	acct := account(ctx)
	var missing []string
	for _, n := range in.AlarmNames {
		if _, err := h.opts.Alarms.GetAlarm(ctx, acct, n); errors.Is(err, store.ErrNotFound) {
			missing = append(missing, n)
		} else if err != nil {
			return nil, fmt.Errorf("cloudwatch: reading alarm %s: %w", n, err)
		}
	}
	if len(missing) > 0 {
		return nil, errNotFound("No alarms were deleted; these alarms do not exist: %s.", strings.Join(missing, ", "))
	}
	for _, n := range in.AlarmNames {
		if err := h.opts.Alarms.DeleteAlarm(ctx, acct, n); err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("cloudwatch: deleting alarm %s: %w", n, err)
		}
	}
	return &Empty{}, nil
}

// updateAlarm applies f to the stored alarm with compare-and-swap, retrying on conflicts.
func (h *Handler) updateAlarm(ctx context.Context, acct, name string, f func(a *model.MetricAlarm)) error {
	if h.opts.Alarms == nil {
		return errors.New("cloudwatch: no alarm store configured")
	}
	for range maxAlarmCASRetries {
		a, err := h.opts.Alarms.GetAlarm(ctx, acct, name)
		if err != nil {
			return err
		}
		f(&a)
		if _, err = h.opts.Alarms.PutAlarm(ctx, a); !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("cloudwatch: alarm %s kept changing: %w", name, store.ErrConflict)
}

func (h *Handler) setAlarmState(ctx context.Context, in *SetAlarmStateInput) (*Empty, error) {
	switch {
	case in.AlarmName == "":
		return nil, errMissing("AlarmName")
	case in.StateValue == "":
		return nil, errMissing("StateValue")
	case !slices.Contains(alarmStates, in.StateValue):
		return nil, errInvalidValue("The value %s for parameter StateValue is not valid: use one of %s.", in.StateValue, strings.Join(alarmStates, ", "))
	case in.StateReason == nil:
		return nil, errMissing("StateReason")
	case len(*in.StateReason) > 1023:
		return nil, errInvalidValue("The parameter StateReason must be at most 1023 characters long.")
	case len(in.StateReasonData) > 4000:
		return nil, errInvalidValue("The parameter StateReasonData must be at most 4000 characters long.")
	case in.StateReasonData != "" && !json.Valid([]byte(in.StateReasonData)):
		return nil, errFormat("The parameter StateReasonData must be JSON.")
	}
	now := h.clk.Now().UTC()
	err := h.updateAlarm(ctx, account(ctx), in.AlarmName, func(a *model.MetricAlarm) {
		a.StateValue, a.StateReason, a.StateReasonData, a.StateUpdatedAt = in.StateValue, *in.StateReason, in.StateReasonData, now
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNotFound("The alarm %s does not exist.", in.AlarmName)
	}
	if err != nil {
		return nil, fmt.Errorf("cloudwatch: setting the state of alarm %s: %w", in.AlarmName, err)
	}
	return &Empty{}, nil
}

func (h *Handler) setActionsEnabled(ctx context.Context, in *AlarmNamesInput, enabled bool) (*Empty, error) {
	if len(in.AlarmNames) == 0 {
		return nil, errMissing("AlarmNames")
	}
	if err := checkAlarmNames(in.AlarmNames); err != nil {
		return nil, err
	}
	acct := account(ctx)
	for _, n := range in.AlarmNames {
		err := h.updateAlarm(ctx, acct, n, func(a *model.MetricAlarm) { a.ActionsEnabled = enabled })
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("cloudwatch: updating alarm %s: %w", n, err)
		}
	}
	return &Empty{}, nil
}

func (h *Handler) enableAlarmActions(ctx context.Context, in *AlarmNamesInput) (*Empty, error) {
	return h.setActionsEnabled(ctx, in, true)
}

func (h *Handler) disableAlarmActions(ctx context.Context, in *AlarmNamesInput) (*Empty, error) {
	return h.setActionsEnabled(ctx, in, false)
}
