package cloudwatch_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cw "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/awsjson"
	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/cloudwatch"
	"github.com/scaled-dev/scaled/internal/metrics/tsdb"
	"github.com/scaled-dev/scaled/internal/store"
	"github.com/scaled-dev/scaled/internal/store/memstore"
)

const testAccount = "123456789012"

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

type env struct {
	srv    *httptest.Server
	clk    *clock.Fake
	db     *tsdb.DB
	alarms *memstore.Store
	h      *cloudwatch.Handler
}

// newEnv starts the handler behind a router that, like the real one, sends only matched
// requests to it and puts the caller's account in the context.
func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{clk: clock.NewFake(now), alarms: memstore.New()}
	e.db = tsdb.New(tsdb.Options{Clock: e.clk})
	e.h = cloudwatch.New(cloudwatch.Options{Source: e.db, Sink: e.db, Alarms: e.alarms, Region: "us-west-2", Clock: e.clk})
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !e.h.Match(r) {
			http.Error(w, "not a CloudWatch request", http.StatusNotFound)
			return
		}
		ctx := auth.WithAccount(r.Context(), testAccount)
		if id := r.Header.Get("X-Test-Request-Id"); id != "" {
			ctx = awsjson.WithRequestID(ctx, id)
		}
		e.h.ServeHTTP(w, r.WithContext(ctx))
	}))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) client() *cw.Client {
	return cw.New(cw.Options{
		Region:           "us-west-2",
		BaseEndpoint:     aws.String(e.srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient:       e.srv.Client(),
		RetryMaxAttempts: 1,
	})
}

func dim(n, v string) types.Dimension {
	return types.Dimension{Name: aws.String(n), Value: aws.String(v)}
}

func TestSDKMetrics(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	ctx := context.Background()
	at := func(s int) time.Time { return now.Add(time.Duration(s) * time.Second) }

	_, err := c.PutMetricData(ctx, &cw.PutMetricDataInput{
		Namespace: aws.String("MyApp"),
		MetricData: []types.MetricDatum{
			{MetricName: aws.String("Requests"), Dimensions: []types.Dimension{dim("Service", "api")}, Timestamp: aws.Time(at(-300)), Value: aws.Float64(10), Unit: types.StandardUnitCount},
			{MetricName: aws.String("Requests"), Dimensions: []types.Dimension{dim("Service", "api")}, Timestamp: aws.Time(at(-240)), Values: []float64{5, 7}, Counts: []float64{2, 1}, Unit: types.StandardUnitCount},
			{MetricName: aws.String("Errors"), Dimensions: []types.Dimension{dim("Service", "api")}, Timestamp: aws.Time(at(-300)), StatisticValues: &types.StatisticSet{SampleCount: aws.Float64(2), Sum: aws.Float64(4), Minimum: aws.Float64(1), Maximum: aws.Float64(3)}},
			{MetricName: aws.String("Latency"), Timestamp: aws.Time(at(-295)), Value: aws.Float64(0.25), StorageResolution: aws.Int32(1), Unit: types.StandardUnitSeconds},
		},
	})
	if err != nil {
		t.Fatalf("PutMetricData: %v", err)
	}

	stats, err := c.GetMetricStatistics(ctx, &cw.GetMetricStatisticsInput{
		Namespace: aws.String("MyApp"), MetricName: aws.String("Requests"), Dimensions: []types.Dimension{dim("Service", "api")},
		StartTime: aws.Time(at(-600)), EndTime: aws.Time(at(0)), Period: aws.Int32(60),
		Statistics: []types.Statistic{types.StatisticSum, types.StatisticSampleCount, types.StatisticMaximum, types.StatisticAverage, types.StatisticMinimum},
	})
	if err != nil {
		t.Fatalf("GetMetricStatistics: %v", err)
	}
	wantDP := []types.Datapoint{
		{Timestamp: aws.Time(at(-300)), Sum: aws.Float64(10), SampleCount: aws.Float64(1), Maximum: aws.Float64(10), Minimum: aws.Float64(10), Average: aws.Float64(10), Unit: types.StandardUnitCount},
		{Timestamp: aws.Time(at(-240)), Sum: aws.Float64(17), SampleCount: aws.Float64(3), Maximum: aws.Float64(7), Minimum: aws.Float64(5), Average: aws.Float64(17.0 / 3), Unit: types.StandardUnitCount},
	}
	if diff := cmp.Diff(wantDP, stats.Datapoints, cmpopts.IgnoreUnexported(types.Datapoint{})); diff != "" {
		t.Errorf("datapoints (-want +got):\n%s", diff)
	}
	if aws.ToString(stats.Label) != "Requests" {
		t.Errorf("label = %q", aws.ToString(stats.Label))
	}

	md, err := c.GetMetricData(ctx, &cw.GetMetricDataInput{
		StartTime: aws.Time(at(-600)), EndTime: aws.Time(at(0)), ScanBy: types.ScanByTimestampAscending,
		MetricDataQueries: []types.MetricDataQuery{
			{Id: aws.String("req"), ReturnData: aws.Bool(false), MetricStat: &types.MetricStat{Metric: &types.Metric{Namespace: aws.String("MyApp"), MetricName: aws.String("Requests"), Dimensions: []types.Dimension{dim("Service", "api")}}, Period: aws.Int32(60), Stat: aws.String("Sum")}},
			{Id: aws.String("err"), ReturnData: aws.Bool(false), MetricStat: &types.MetricStat{Metric: &types.Metric{Namespace: aws.String("MyApp"), MetricName: aws.String("Errors"), Dimensions: []types.Dimension{dim("Service", "api")}}, Period: aws.Int32(60), Stat: aws.String("Sum")}},
			{Id: aws.String("rate"), Expression: aws.String("100 * err / req"), Label: aws.String("ErrorRate")},
			{Id: aws.String("filled"), Expression: aws.String("FILL(req, 0)")},
			{Id: aws.String("lat"), MetricStat: &types.MetricStat{Metric: &types.Metric{Namespace: aws.String("MyApp"), MetricName: aws.String("Latency")}, Period: aws.Int32(5), Stat: aws.String("Maximum")}},
		},
	})
	if err != nil {
		t.Fatalf("GetMetricData: %v", err)
	}
	wantRes := []types.MetricDataResult{
		{Id: aws.String("rate"), Label: aws.String("ErrorRate"), StatusCode: types.StatusCodeComplete, Timestamps: []time.Time{at(-300)}, Values: []float64{40}},
		{Id: aws.String("filled"), Label: aws.String("Requests"), StatusCode: types.StatusCodeComplete, Timestamps: []time.Time{at(-600), at(-540), at(-480), at(-420), at(-360), at(-300), at(-240), at(-180), at(-120), at(-60)}, Values: []float64{0, 0, 0, 0, 0, 10, 17, 0, 0, 0}},
		{Id: aws.String("lat"), Label: aws.String("Latency"), StatusCode: types.StatusCodeComplete, Timestamps: []time.Time{at(-295)}, Values: []float64{0.25}},
	}
	if diff := cmp.Diff(wantRes, md.MetricDataResults, cmpopts.IgnoreUnexported(types.MetricDataResult{})); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}

	// Pagination and the default descending scan.
	page, err := c.GetMetricData(ctx, &cw.GetMetricDataInput{
		StartTime: aws.Time(at(-600)), EndTime: aws.Time(at(0)), MaxDatapoints: aws.Int32(1),
		MetricDataQueries: []types.MetricDataQuery{{Id: aws.String("req"), MetricStat: &types.MetricStat{Metric: &types.Metric{Namespace: aws.String("MyApp"), MetricName: aws.String("Requests"), Dimensions: []types.Dimension{dim("Service", "api")}}, Period: aws.Int32(60), Stat: aws.String("Sum")}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := page.MetricDataResults[0]; got.StatusCode != types.StatusCodePartialData || !cmp.Equal(got.Values, []float64{17}) || page.NextToken == nil {
		t.Fatalf("first page = %+v, token %v", got, page.NextToken)
	}
	page2, err := c.GetMetricData(ctx, &cw.GetMetricDataInput{
		StartTime: aws.Time(at(-600)), EndTime: aws.Time(at(0)), MaxDatapoints: aws.Int32(1), NextToken: page.NextToken,
		MetricDataQueries: []types.MetricDataQuery{{Id: aws.String("req"), MetricStat: &types.MetricStat{Metric: &types.Metric{Namespace: aws.String("MyApp"), MetricName: aws.String("Requests"), Dimensions: []types.Dimension{dim("Service", "api")}}, Period: aws.Int32(60), Stat: aws.String("Sum")}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := page2.MetricDataResults[0]; got.StatusCode != types.StatusCodeComplete || !cmp.Equal(got.Values, []float64{10}) || page2.NextToken != nil {
		t.Fatalf("second page = %+v, token %v", got, page2.NextToken)
	}

	lm, err := c.ListMetrics(ctx, &cw.ListMetricsInput{Namespace: aws.String("MyApp"), Dimensions: []types.DimensionFilter{{Name: aws.String("Service")}}})
	if err != nil {
		t.Fatalf("ListMetrics: %v", err)
	}
	wantM := []types.Metric{
		{Namespace: aws.String("MyApp"), MetricName: aws.String("Errors"), Dimensions: []types.Dimension{dim("Service", "api")}},
		{Namespace: aws.String("MyApp"), MetricName: aws.String("Requests"), Dimensions: []types.Dimension{dim("Service", "api")}},
	}
	if diff := cmp.Diff(wantM, lm.Metrics, cmpopts.IgnoreUnexported(types.Metric{}, types.Dimension{})); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return "not an API error: " + err.Error()
}

func TestSDKErrors(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
		code string
	}{
		{"AWS namespace", func() error {
			_, err := c.PutMetricData(ctx, &cw.PutMetricDataInput{Namespace: aws.String("AWS/SageMaker"), MetricData: []types.MetricDatum{{MetricName: aws.String("X"), Value: aws.Float64(1)}}})
			return err
		}, "InvalidParameterValue"},
		{"value and values", func() error {
			_, err := c.PutMetricData(ctx, &cw.PutMetricDataInput{Namespace: aws.String("N"), MetricData: []types.MetricDatum{{MetricName: aws.String("X"), Value: aws.Float64(1), Values: []float64{1}}}})
			return err
		}, "InvalidParameterCombination"},
		{"storage resolution", func() error {
			_, err := c.PutMetricData(ctx, &cw.PutMetricDataInput{Namespace: aws.String("N"), MetricData: []types.MetricDatum{{MetricName: aws.String("X"), Value: aws.Float64(1), StorageResolution: aws.Int32(5)}}})
			return err
		}, "InvalidParameterValue"},
		{"timestamp too old", func() error {
			_, err := c.PutMetricData(ctx, &cw.PutMetricDataInput{Namespace: aws.String("N"), MetricData: []types.MetricDatum{{MetricName: aws.String("X"), Value: aws.Float64(1), Timestamp: aws.Time(now.Add(-15 * 24 * time.Hour))}}})
			return err
		}, "InvalidParameterValue"},
		{"bad expression", func() error {
			_, err := c.GetMetricData(ctx, &cw.GetMetricDataInput{StartTime: aws.Time(now.Add(-time.Hour)), EndTime: aws.Time(now),
				MetricDataQueries: []types.MetricDataQuery{{Id: aws.String("e1"), Expression: aws.String("1 +")}}})
			return err
		}, "InvalidParameterValue"},
		{"bad next token", func() error {
			_, err := c.DescribeAlarms(ctx, &cw.DescribeAlarmsInput{NextToken: aws.String("garbage")})
			return err
		}, "InvalidNextToken"},
		{"delete missing alarm", func() error {
			_, err := c.DeleteAlarms(ctx, &cw.DeleteAlarmsInput{AlarmNames: []string{"nope"}})
			return err
		}, "ResourceNotFound"},
		{"bad period", func() error {
			_, err := c.GetMetricStatistics(ctx, &cw.GetMetricStatisticsInput{Namespace: aws.String("N"), MetricName: aws.String("M"), StartTime: aws.Time(now.Add(-time.Hour)), EndTime: aws.Time(now), Period: aws.Int32(7), Statistics: []types.Statistic{types.StatisticSum}})
			return err
		}, "InvalidParameterValue"},
		{"too many datapoints", func() error {
			_, err := c.GetMetricStatistics(ctx, &cw.GetMetricStatisticsInput{Namespace: aws.String("N"), MetricName: aws.String("M"), StartTime: aws.Time(now.Add(-48 * time.Hour)), EndTime: aws.Time(now), Period: aws.Int32(60), Statistics: []types.Statistic{types.StatisticSum}})
			return err
		}, "InvalidParameterCombination"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := apiCode(tt.call()); got != tt.code {
				t.Errorf("code = %s, want %s", got, tt.code)
			}
		})
	}
	// The typed error shape is preserved too.
	_, err := c.PutMetricData(ctx, &cw.PutMetricDataInput{Namespace: aws.String("AWS/X"), MetricData: []types.MetricDatum{{MetricName: aws.String("X"), Value: aws.Float64(1)}}})
	var ipv *types.InvalidParameterValueException
	if !errors.As(err, &ipv) || ipv.ErrorMessage() != "The value AWS/ for parameter Namespace is invalid." {
		t.Errorf("err = %#v", err)
	}
}

func TestSDKAlarms(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	ctx := context.Background()
	policyARN := "arn:aws:autoscaling:us-west-2:123456789012:scalingPolicy:9b0c3d2e-1111-2222-3333-444455556666:resource/sagemaker/inference-component/ic-1:policyName/wake"
	_, err := c.PutMetricAlarm(ctx, &cw.PutMetricAlarmInput{
		AlarmName: aws.String("wake-ic-1"), AlarmDescription: aws.String("wake from zero"),
		Namespace: aws.String("AWS/SageMaker"), MetricName: aws.String("NoCapacityInvocationFailures"),
		Dimensions: []types.Dimension{dim("InferenceComponentName", "ic-1")}, Statistic: types.StatisticSum,
		Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), DatapointsToAlarm: aws.Int32(1), Threshold: aws.Float64(1),
		ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold, AlarmActions: []string{policyARN},
	})
	if err != nil {
		t.Fatalf("PutMetricAlarm: %v", err)
	}
	_, err = c.PutMetricAlarm(ctx, &cw.PutMetricAlarmInput{
		AlarmName: aws.String("math"), EvaluationPeriods: aws.Int32(3), Threshold: aws.Float64(5),
		ComparisonOperator: types.ComparisonOperatorGreaterThanOrEqualToThreshold, TreatMissingData: aws.String("breaching"),
		Metrics: []types.MetricDataQuery{
			{Id: aws.String("m1"), ReturnData: aws.Bool(false), MetricStat: &types.MetricStat{Metric: &types.Metric{Namespace: aws.String("N"), MetricName: aws.String("A")}, Period: aws.Int32(60), Stat: aws.String("Sum")}},
			{Id: aws.String("e1"), Expression: aws.String("m1 * 2"), Label: aws.String("doubled")},
		},
	})
	if err != nil {
		t.Fatalf("PutMetricAlarm (math): %v", err)
	}
	// The control loop moves the alarm to ALARM; an update keeps that state.
	a, err := e.alarms.GetAlarm(ctx, testAccount, "wake-ic-1")
	if err != nil {
		t.Fatal(err)
	}
	a.StateValue, a.StateReason, a.StateUpdatedAt = "ALARM", "Threshold Crossed", now.Add(time.Minute)
	if _, err := e.alarms.PutAlarm(ctx, a); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(2 * time.Minute)
	_, err = c.PutMetricAlarm(ctx, &cw.PutMetricAlarmInput{
		AlarmName: aws.String("wake-ic-1"), AlarmDescription: aws.String("wake from zero (v2)"),
		Namespace: aws.String("AWS/SageMaker"), MetricName: aws.String("NoCapacityInvocationFailures"),
		Dimensions: []types.Dimension{dim("InferenceComponentName", "ic-1")}, Statistic: types.StatisticSum,
		Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
		ComparisonOperator: types.ComparisonOperatorGreaterThanOrEqualToThreshold, AlarmActions: []string{policyARN},
	})
	if err != nil {
		t.Fatal(err)
	}

	out, err := c.DescribeAlarms(ctx, &cw.DescribeAlarmsInput{})
	if err != nil {
		t.Fatalf("DescribeAlarms: %v", err)
	}
	want := []types.MetricAlarm{
		{
			AlarmName: aws.String("math"), AlarmArn: aws.String("arn:aws:cloudwatch:us-west-2:123456789012:alarm:math"),
			AlarmConfigurationUpdatedTimestamp: aws.Time(now), ActionsEnabled: aws.Bool(true),
			OKActions: []string{}, AlarmActions: []string{}, InsufficientDataActions: []string{}, Dimensions: []types.Dimension{},
			StateValue: types.StateValueInsufficientData, StateReason: aws.String("Unchecked: Initial alarm creation"),
			StateUpdatedTimestamp: aws.Time(now), StateTransitionedTimestamp: aws.Time(now),
			EvaluationPeriods: aws.Int32(3), Threshold: aws.Float64(5), ComparisonOperator: types.ComparisonOperatorGreaterThanOrEqualToThreshold,
			TreatMissingData: aws.String("breaching"),
			Metrics: []types.MetricDataQuery{
				{Id: aws.String("m1"), ReturnData: aws.Bool(false), MetricStat: &types.MetricStat{Metric: &types.Metric{Namespace: aws.String("N"), MetricName: aws.String("A")}, Period: aws.Int32(60), Stat: aws.String("Sum")}},
				{Id: aws.String("e1"), Expression: aws.String("m1 * 2"), Label: aws.String("doubled")},
			},
		},
		{
			AlarmName: aws.String("wake-ic-1"), AlarmArn: aws.String("arn:aws:cloudwatch:us-west-2:123456789012:alarm:wake-ic-1"),
			AlarmDescription: aws.String("wake from zero (v2)"), AlarmConfigurationUpdatedTimestamp: aws.Time(now.Add(2 * time.Minute)),
			ActionsEnabled: aws.Bool(true), OKActions: []string{}, AlarmActions: []string{policyARN}, InsufficientDataActions: []string{},
			StateValue: types.StateValueAlarm, StateReason: aws.String("Threshold Crossed"),
			StateUpdatedTimestamp: aws.Time(now.Add(time.Minute)), StateTransitionedTimestamp: aws.Time(now.Add(time.Minute)),
			Namespace: aws.String("AWS/SageMaker"), MetricName: aws.String("NoCapacityInvocationFailures"),
			Dimensions: []types.Dimension{dim("InferenceComponentName", "ic-1")}, Statistic: types.StatisticSum,
			Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
			ComparisonOperator: types.ComparisonOperatorGreaterThanOrEqualToThreshold,
		},
	}
	opts := cmpopts.IgnoreUnexported(types.MetricAlarm{}, types.Dimension{}, types.MetricDataQuery{}, types.MetricStat{}, types.Metric{})
	if diff := cmp.Diff(want, out.MetricAlarms, opts); diff != "" {
		t.Errorf("alarms (-want +got):\n%s", diff)
	}

	// Filters and pagination.
	for _, tc := range []struct {
		in    cw.DescribeAlarmsInput
		names []string
	}{
		{cw.DescribeAlarmsInput{StateValue: types.StateValueAlarm}, []string{"wake-ic-1"}},
		{cw.DescribeAlarmsInput{AlarmNamePrefix: aws.String("ma")}, []string{"math"}},
		{cw.DescribeAlarmsInput{AlarmNames: []string{"wake-ic-1", "missing"}}, []string{"wake-ic-1"}},
		{cw.DescribeAlarmsInput{ActionPrefix: aws.String("arn:aws:autoscaling:")}, []string{"wake-ic-1"}},
		{cw.DescribeAlarmsInput{AlarmTypes: []types.AlarmType{types.AlarmTypeCompositeAlarm}}, nil},
	} {
		got, err := c.DescribeAlarms(ctx, &tc.in)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, a := range got.MetricAlarms {
			names = append(names, *a.AlarmName)
		}
		if diff := cmp.Diff(tc.names, names); diff != "" {
			t.Errorf("%+v: %s", tc.in, diff)
		}
	}
	var names []string
	p := cw.NewDescribeAlarmsPaginator(c, &cw.DescribeAlarmsInput{MaxRecords: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.MetricAlarms {
			names = append(names, *a.AlarmName)
		}
	}
	if diff := cmp.Diff([]string{"math", "wake-ic-1"}, names); diff != "" {
		t.Errorf("paginated: %s", diff)
	}

	if _, err := c.DeleteAlarms(ctx, &cw.DeleteAlarmsInput{AlarmNames: []string{"math", "wake-ic-1"}}); err != nil {
		t.Fatalf("DeleteAlarms: %v", err)
	}
	items, _, err := e.alarms.ListAlarms(ctx, store.AlarmFilter{Account: testAccount})
	if err != nil || len(items) != 0 {
		t.Errorf("alarms left: %v %v", items, err)
	}

	// Validation.
	_, err = c.PutMetricAlarm(ctx, &cw.PutMetricAlarmInput{AlarmName: aws.String("x"), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
		ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold, Namespace: aws.String("N"), MetricName: aws.String("M"), Statistic: types.StatisticSum, Period: aws.Int32(45)})
	if got := apiCode(err); got != "InvalidParameterValue" {
		t.Errorf("bad period: %s", got)
	}
}

func TestSDKAlarmStateAndActions(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	ctx := context.Background()
	put := func(name, metric string) {
		t.Helper()
		_, err := c.PutMetricAlarm(ctx, &cw.PutMetricAlarmInput{AlarmName: aws.String(name), Namespace: aws.String("N"), MetricName: aws.String(metric),
			Statistic: types.StatisticAverage, Period: aws.Int32(10), EvaluationPeriods: aws.Int32(3), Threshold: aws.Float64(1),
			ComparisonOperator: types.ComparisonOperatorLessThanThreshold, Dimensions: []types.Dimension{dim("D", "1")}})
		if err != nil {
			t.Fatal(err)
		}
	}
	put("a1", "M")
	put("a2", "Other")
	if _, err := c.SetAlarmState(ctx, &cw.SetAlarmStateInput{AlarmName: aws.String("a1"), StateValue: types.StateValueAlarm, StateReason: aws.String("testing"), StateReasonData: aws.String(`{"x":1}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DisableAlarmActions(ctx, &cw.DisableAlarmActionsInput{AlarmNames: []string{"a1", "unknown"}}); err != nil {
		t.Fatal(err)
	}
	out, err := c.DescribeAlarmsForMetric(ctx, &cw.DescribeAlarmsForMetricInput{Namespace: aws.String("N"), MetricName: aws.String("M"), Dimensions: []types.Dimension{dim("D", "1")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.MetricAlarms) != 1 {
		t.Fatalf("alarms for metric = %d", len(out.MetricAlarms))
	}
	a := out.MetricAlarms[0]
	got := []any{*a.AlarmName, a.StateValue, *a.StateReason, *a.StateReasonData, *a.ActionsEnabled, *a.StateUpdatedTimestamp}
	want := []any{"a1", types.StateValueAlarm, "testing", `{"x":1}`, false, now}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	_, err = c.SetAlarmState(ctx, &cw.SetAlarmStateInput{AlarmName: aws.String("nope"), StateValue: types.StateValueOk, StateReason: aws.String("x")})
	if got := apiCode(err); got != "ResourceNotFound" {
		t.Errorf("SetAlarmState on a missing alarm: %s", got)
	}
	_, err = c.SetAlarmState(ctx, &cw.SetAlarmStateInput{AlarmName: aws.String("a1"), StateValue: types.StateValueOk, StateReason: aws.String("x"), StateReasonData: aws.String("{")})
	if got := apiCode(err); got != "InvalidFormat" {
		t.Errorf("SetAlarmState with bad JSON: %s", got)
	}
}

// TestSDKEvaluateLowSampleCountPercentile: the setting of percentile alarms is stored and
// described, and a value other than evaluate or ignore is refused.
func TestSDKEvaluateLowSampleCountPercentile(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	ctx := context.Background()
	put := func(name, setting string) error {
		_, err := c.PutMetricAlarm(ctx, &cw.PutMetricAlarmInput{
			AlarmName: aws.String(name), Namespace: aws.String("MyApp"), MetricName: aws.String("Latency"),
			ExtendedStatistic: aws.String("p99"), Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
			ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold, EvaluateLowSampleCountPercentile: aws.String(setting),
		})
		return err
	}
	if err := put("p99-ignore", "ignore"); err != nil {
		t.Fatalf("PutMetricAlarm: %v", err)
	}
	out, err := c.DescribeAlarms(ctx, &cw.DescribeAlarmsInput{AlarmNames: []string{"p99-ignore"}})
	if err != nil || len(out.MetricAlarms) != 1 {
		t.Fatalf("DescribeAlarms: %v %+v", err, out)
	}
	if got := aws.ToString(out.MetricAlarms[0].EvaluateLowSampleCountPercentile); got != "ignore" {
		t.Errorf("EvaluateLowSampleCountPercentile = %q, want ignore", got)
	}
	err = put("p99-bad", "skip")
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidParameterValue" || !strings.Contains(ae.ErrorMessage(), "EvaluateLowSampleCountPercentile") {
		t.Errorf("PutMetricAlarm with skip: %v", err)
	}
}
