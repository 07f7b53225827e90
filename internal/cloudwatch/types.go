package cloudwatch

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// The wire shapes of the CloudWatch operations served here. Member names follow the
// CloudWatch Smithy model; the json tags name the members for every codec (JSON 1.0,
// CBOR and, through reflection, awsQuery/XML). Optional scalars are pointers so that an
// absent member and a zero value stay distinct.

// Timestamp is a CloudWatch timestamp: epoch seconds in JSON, tag 1 in CBOR, ISO 8601
// in awsQuery and XML.
type Timestamp struct{ time.Time }

func ts(t time.Time) *Timestamp { return &Timestamp{t.UTC()} }

func epochSeconds(t time.Time) float64 {
	return float64(t.Unix()) + float64(t.Nanosecond()/int(time.Millisecond))/1000
}

func fromEpoch(f float64) (time.Time, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e12 {
		return time.Time{}, fmt.Errorf("timestamp %v is out of range", f)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e3))*int64(time.Millisecond)).UTC(), nil
}

// parseTimestamp accepts ISO 8601 (with or without fractional seconds or zone) and epoch
// seconds.
func parseTimestamp(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return fromEpoch(f)
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO 8601 timestamp", s)
}

// MarshalJSON writes epoch seconds.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, epochSeconds(t.Time), 'f', -1, 64), nil
}

// UnmarshalJSON reads epoch seconds or an ISO 8601 string.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if uq, err := strconv.Unquote(s); err == nil {
		s = uq
	}
	v, err := parseTimestamp(s)
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// MarshalCBOR writes tag 1 with epoch seconds.
func (t Timestamp) MarshalCBOR() ([]byte, error) {
	if t.Nanosecond() == 0 {
		return cbor.Marshal(cbor.Tag{Number: 1, Content: t.Unix()})
	}
	return cbor.Marshal(cbor.Tag{Number: 1, Content: epochSeconds(t.Time)})
}

// UnmarshalCBOR reads tag 1 (or a bare number or RFC 3339 string).
func (t *Timestamp) UnmarshalCBOR(b []byte) error {
	var v time.Time
	if err := cbor.Unmarshal(b, &v); err != nil {
		return err
	}
	t.Time = v.UTC()
	return nil
}

func (t Timestamp) xml() string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// Dimension is a name/value pair.
type Dimension struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// DimensionFilter filters ListMetrics.
type DimensionFilter struct {
	Name  string  `json:"Name"`
	Value *string `json:"Value,omitempty"`
}

// StatisticSet is a pre-aggregated set of values.
type StatisticSet struct {
	SampleCount *float64 `json:"SampleCount,omitempty"`
	Sum         *float64 `json:"Sum,omitempty"`
	Minimum     *float64 `json:"Minimum,omitempty"`
	Maximum     *float64 `json:"Maximum,omitempty"`
}

// MetricDatum is one PutMetricData entry.
type MetricDatum struct {
	MetricName        string        `json:"MetricName,omitempty"`
	Dimensions        []Dimension   `json:"Dimensions,omitempty"`
	Timestamp         *Timestamp    `json:"Timestamp,omitempty"`
	Value             *float64      `json:"Value,omitempty"`
	StatisticValues   *StatisticSet `json:"StatisticValues,omitempty"`
	Values            []float64     `json:"Values,omitempty"`
	Counts            []float64     `json:"Counts,omitempty"`
	Unit              string        `json:"Unit,omitempty"`
	StorageResolution *int32        `json:"StorageResolution,omitempty"`
}

// EntityMetricData is metric data attached to an entity; the entity is accepted and
// ignored.
type EntityMetricData struct {
	MetricData []MetricDatum `json:"MetricData,omitempty"`
}

// PutMetricDataInput is the PutMetricData request.
type PutMetricDataInput struct {
	Namespace              string             `json:"Namespace,omitempty"`
	MetricData             []MetricDatum      `json:"MetricData,omitempty"`
	EntityMetricData       []EntityMetricData `json:"EntityMetricData,omitempty"`
	StrictEntityValidation *bool              `json:"StrictEntityValidation,omitempty"`
}

// Empty is the output of operations that return nothing.
type Empty struct{}

// Metric names a series.
type Metric struct {
	Namespace  string      `json:"Namespace,omitempty"`
	MetricName string      `json:"MetricName,omitempty"`
	Dimensions []Dimension `json:"Dimensions,omitempty"`
}

// MetricStat is a metric with a statistic and period.
type MetricStat struct {
	Metric *Metric `json:"Metric,omitempty"`
	Period *int32  `json:"Period,omitempty"`
	Stat   string  `json:"Stat,omitempty"`
	Unit   string  `json:"Unit,omitempty"`
}

// MetricDataQuery is a GetMetricData query or an alarm's metric-math member.
type MetricDataQuery struct {
	Id         string      `json:"Id"` //nolint:revive // wire name
	MetricStat *MetricStat `json:"MetricStat,omitempty"`
	Expression string      `json:"Expression,omitempty"`
	Label      string      `json:"Label,omitempty"`
	ReturnData *bool       `json:"ReturnData,omitempty"`
	Period     *int32      `json:"Period,omitempty"`
	AccountId  string      `json:"AccountId,omitempty"` //nolint:revive // wire name
}

// LabelOptions is accepted and ignored.
type LabelOptions struct {
	Timezone string `json:"Timezone,omitempty"`
}

// GetMetricDataInput is the GetMetricData request.
type GetMetricDataInput struct {
	MetricDataQueries []MetricDataQuery `json:"MetricDataQueries,omitempty"`
	StartTime         *Timestamp        `json:"StartTime,omitempty"`
	EndTime           *Timestamp        `json:"EndTime,omitempty"`
	NextToken         string            `json:"NextToken,omitempty"`
	ScanBy            string            `json:"ScanBy,omitempty"`
	MaxDatapoints     *int32            `json:"MaxDatapoints,omitempty"`
	LabelOptions      *LabelOptions     `json:"LabelOptions,omitempty"`
}

// MessageData is a code/value message.
type MessageData struct {
	Code  string `json:"Code,omitempty"`
	Value string `json:"Value,omitempty"`
}

// MetricDataResult is one returned series.
type MetricDataResult struct {
	Id         string        `json:"Id,omitempty"` //nolint:revive // wire name
	Label      string        `json:"Label,omitempty"`
	Timestamps []Timestamp   `json:"Timestamps"`
	Values     []float64     `json:"Values"`
	StatusCode string        `json:"StatusCode,omitempty"`
	Messages   []MessageData `json:"Messages,omitempty"`
}

// GetMetricDataOutput is the GetMetricData response.
type GetMetricDataOutput struct {
	MetricDataResults []MetricDataResult `json:"MetricDataResults"`
	NextToken         string             `json:"NextToken,omitempty"`
	Messages          []MessageData      `json:"Messages,omitempty"`
}

// GetMetricStatisticsInput is the GetMetricStatistics request.
type GetMetricStatisticsInput struct {
	Namespace          string      `json:"Namespace,omitempty"`
	MetricName         string      `json:"MetricName,omitempty"`
	Dimensions         []Dimension `json:"Dimensions,omitempty"`
	StartTime          *Timestamp  `json:"StartTime,omitempty"`
	EndTime            *Timestamp  `json:"EndTime,omitempty"`
	Period             *int32      `json:"Period,omitempty"`
	Statistics         []string    `json:"Statistics,omitempty"`
	ExtendedStatistics []string    `json:"ExtendedStatistics,omitempty"`
	Unit               string      `json:"Unit,omitempty"`
}

// Datapoint is one GetMetricStatistics period.
type Datapoint struct {
	Timestamp   *Timestamp `json:"Timestamp,omitempty"`
	SampleCount *float64   `json:"SampleCount,omitempty"`
	Average     *float64   `json:"Average,omitempty"`
	Sum         *float64   `json:"Sum,omitempty"`
	Minimum     *float64   `json:"Minimum,omitempty"`
	Maximum     *float64   `json:"Maximum,omitempty"`
	// ExtendedStatistics maps each requested extended statistic to its value.
	ExtendedStatistics map[string]float64 `json:"ExtendedStatistics,omitempty"`
	Unit               string             `json:"Unit,omitempty"`
}

// GetMetricStatisticsOutput is the GetMetricStatistics response.
type GetMetricStatisticsOutput struct {
	Label      string      `json:"Label,omitempty"`
	Datapoints []Datapoint `json:"Datapoints"`
}

// ListMetricsInput is the ListMetrics request.
type ListMetricsInput struct {
	Namespace             string            `json:"Namespace,omitempty"`
	MetricName            string            `json:"MetricName,omitempty"`
	Dimensions            []DimensionFilter `json:"Dimensions,omitempty"`
	NextToken             string            `json:"NextToken,omitempty"`
	RecentlyActive        string            `json:"RecentlyActive,omitempty"`
	IncludeLinkedAccounts *bool             `json:"IncludeLinkedAccounts,omitempty"`
	OwningAccount         string            `json:"OwningAccount,omitempty"`
}

// ListMetricsOutput is the ListMetrics response.
type ListMetricsOutput struct {
	Metrics   []Metric `json:"Metrics"`
	NextToken string   `json:"NextToken,omitempty"`
}

// Tag is a resource tag (accepted and ignored on alarms).
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// PutMetricAlarmInput is the PutMetricAlarm request.
type PutMetricAlarmInput struct {
	AlarmName                        string            `json:"AlarmName,omitempty"`
	AlarmDescription                 *string           `json:"AlarmDescription,omitempty"`
	ActionsEnabled                   *bool             `json:"ActionsEnabled,omitempty"`
	OKActions                        []string          `json:"OKActions,omitempty"`
	AlarmActions                     []string          `json:"AlarmActions,omitempty"`
	InsufficientDataActions          []string          `json:"InsufficientDataActions,omitempty"`
	MetricName                       string            `json:"MetricName,omitempty"`
	Namespace                        string            `json:"Namespace,omitempty"`
	Statistic                        string            `json:"Statistic,omitempty"`
	ExtendedStatistic                string            `json:"ExtendedStatistic,omitempty"`
	Dimensions                       []Dimension       `json:"Dimensions,omitempty"`
	Period                           *int32            `json:"Period,omitempty"`
	Unit                             string            `json:"Unit,omitempty"`
	EvaluationPeriods                *int32            `json:"EvaluationPeriods,omitempty"`
	DatapointsToAlarm                *int32            `json:"DatapointsToAlarm,omitempty"`
	Threshold                        *float64          `json:"Threshold,omitempty"`
	ComparisonOperator               string            `json:"ComparisonOperator,omitempty"`
	TreatMissingData                 string            `json:"TreatMissingData,omitempty"`
	EvaluateLowSampleCountPercentile string            `json:"EvaluateLowSampleCountPercentile,omitempty"`
	Metrics                          []MetricDataQuery `json:"Metrics,omitempty"`
	Tags                             []Tag             `json:"Tags,omitempty"`
	ThresholdMetricId                string            `json:"ThresholdMetricId,omitempty"` //nolint:revive // wire name
}

// MetricAlarm is an alarm as DescribeAlarms returns it.
type MetricAlarm struct {
	AlarmName                          string            `json:"AlarmName,omitempty"`
	AlarmArn                           string            `json:"AlarmArn,omitempty"`
	AlarmDescription                   string            `json:"AlarmDescription,omitempty"`
	AlarmConfigurationUpdatedTimestamp *Timestamp        `json:"AlarmConfigurationUpdatedTimestamp,omitempty"`
	ActionsEnabled                     *bool             `json:"ActionsEnabled,omitempty"`
	OKActions                          []string          `json:"OKActions"`
	AlarmActions                       []string          `json:"AlarmActions"`
	InsufficientDataActions            []string          `json:"InsufficientDataActions"`
	StateValue                         string            `json:"StateValue,omitempty"`
	StateReason                        string            `json:"StateReason,omitempty"`
	StateReasonData                    string            `json:"StateReasonData,omitempty"`
	StateUpdatedTimestamp              *Timestamp        `json:"StateUpdatedTimestamp,omitempty"`
	MetricName                         string            `json:"MetricName,omitempty"`
	Namespace                          string            `json:"Namespace,omitempty"`
	Statistic                          string            `json:"Statistic,omitempty"`
	ExtendedStatistic                  string            `json:"ExtendedStatistic,omitempty"`
	Dimensions                         []Dimension       `json:"Dimensions"`
	Period                             *int32            `json:"Period,omitempty"`
	Unit                               string            `json:"Unit,omitempty"`
	EvaluationPeriods                  *int32            `json:"EvaluationPeriods,omitempty"`
	DatapointsToAlarm                  *int32            `json:"DatapointsToAlarm,omitempty"`
	Threshold                          *float64          `json:"Threshold,omitempty"`
	ComparisonOperator                 string            `json:"ComparisonOperator,omitempty"`
	TreatMissingData                   string            `json:"TreatMissingData,omitempty"`
	EvaluateLowSampleCountPercentile   string            `json:"EvaluateLowSampleCountPercentile,omitempty"`
	Metrics                            []MetricDataQuery `json:"Metrics,omitempty"`
	StateTransitionedTimestamp         *Timestamp        `json:"StateTransitionedTimestamp,omitempty"`
}

// DescribeAlarmsInput is the DescribeAlarms request.
type DescribeAlarmsInput struct {
	AlarmNames          []string `json:"AlarmNames,omitempty"`
	AlarmNamePrefix     string   `json:"AlarmNamePrefix,omitempty"`
	AlarmTypes          []string `json:"AlarmTypes,omitempty"`
	ChildrenOfAlarmName string   `json:"ChildrenOfAlarmName,omitempty"`
	ParentsOfAlarmName  string   `json:"ParentsOfAlarmName,omitempty"`
	StateValue          string   `json:"StateValue,omitempty"`
	ActionPrefix        string   `json:"ActionPrefix,omitempty"`
	MaxRecords          *int32   `json:"MaxRecords,omitempty"`
	NextToken           string   `json:"NextToken,omitempty"`
}

// DescribeAlarmsOutput is the DescribeAlarms response. Composite alarms are not
// supported, so CompositeAlarms is always empty.
type DescribeAlarmsOutput struct {
	CompositeAlarms []json.RawMessage `json:"CompositeAlarms,omitempty"`
	MetricAlarms    []MetricAlarm     `json:"MetricAlarms"`
	NextToken       string            `json:"NextToken,omitempty"`
}

// DescribeAlarmsForMetricInput is the DescribeAlarmsForMetric request.
type DescribeAlarmsForMetricInput struct {
	MetricName        string      `json:"MetricName,omitempty"`
	Namespace         string      `json:"Namespace,omitempty"`
	Statistic         string      `json:"Statistic,omitempty"`
	ExtendedStatistic string      `json:"ExtendedStatistic,omitempty"`
	Dimensions        []Dimension `json:"Dimensions,omitempty"`
	Period            *int32      `json:"Period,omitempty"`
	Unit              string      `json:"Unit,omitempty"`
}

// DescribeAlarmsForMetricOutput is the DescribeAlarmsForMetric response.
type DescribeAlarmsForMetricOutput struct {
	MetricAlarms []MetricAlarm `json:"MetricAlarms"`
}

// AlarmNamesInput is the request of DeleteAlarms, EnableAlarmActions and
// DisableAlarmActions.
type AlarmNamesInput struct {
	AlarmNames []string `json:"AlarmNames,omitempty"`
}

// SetAlarmStateInput is the SetAlarmState request.
type SetAlarmStateInput struct {
	AlarmName       string  `json:"AlarmName,omitempty"`
	StateValue      string  `json:"StateValue,omitempty"`
	StateReason     *string `json:"StateReason,omitempty"`
	StateReasonData string  `json:"StateReasonData,omitempty"`
}
