package cloudwatch_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cw "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestSDKExtendedStatistics publishes latencies with the real SDK client (RPC v2 CBOR) and
// reads trimmed means, IQM, percentile ranks and trimmed counts back through
// GetMetricStatistics, GetMetricData and an alarm.
func TestSDKExtendedStatistics(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	ctx := context.Background()
	at := func(s int) time.Time { return now.Add(time.Duration(s) * time.Second) }
	values := make([]float64, 0, 100)
	for v := 1; v <= 100; v++ {
		values = append(values, float64(v))
	}
	_, err := c.PutMetricData(ctx, &cw.PutMetricDataInput{Namespace: aws.String("App"), MetricData: []types.MetricDatum{
		// minute -4: the values 1..100
		{MetricName: aws.String("Lat"), Timestamp: aws.Time(at(-240)), Values: values},
		// minute -3: 10×100, 20×250, 30×350, 30×500, 10×1000
		{MetricName: aws.String("Lat"), Timestamp: aws.Time(at(-180)), Values: []float64{100, 250, 350, 500, 1000}, Counts: []float64{10, 20, 30, 30, 10}},
		// minute -2: a statistic set of different values: no extended statistics
		{MetricName: aws.String("Lat"), Timestamp: aws.Time(at(-120)),
			StatisticValues: &types.StatisticSet{SampleCount: aws.Float64(4), Sum: aws.Float64(20), Minimum: aws.Float64(2), Maximum: aws.Float64(8)}},
		// minute -1: a negative value: no extended statistics
		{MetricName: aws.String("Lat"), Timestamp: aws.Time(at(-60)), Values: []float64{-5, 100}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	stats := []string{"tm90", "IQM", "PR(:300)", "TC(10%:90%)", "TS(10%:90%)", "wm90", "TM(200:600)"}
	got, err := c.GetMetricStatistics(ctx, &cw.GetMetricStatisticsInput{
		Namespace: aws.String("App"), MetricName: aws.String("Lat"),
		StartTime: aws.Time(at(-240)), EndTime: aws.Time(now), Period: aws.Int32(60),
		Statistics: []types.Statistic{types.StatisticSampleCount}, ExtendedStatistics: stats,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []types.Datapoint{
		{Timestamp: aws.Time(at(-240)), SampleCount: aws.Float64(100), Unit: types.StandardUnitNone, ExtendedStatistics: map[string]float64{
			"tm90":        45.5, // mean of 1..90
			"IQM":         50.5, // mean of 26..75
			"PR(:300)":    100,
			"TC(10%:90%)": 80,
			"TS(10%:90%)": 4040,  // 11+…+90
			"wm90":        49.95, // (1+…+90 + 10·90)/100
			// TM(200:600) keeps no value: no datapoint
		}},
		{Timestamp: aws.Time(at(-180)), SampleCount: aws.Float64(100), Unit: types.StandardUnitNone, ExtendedStatistics: map[string]float64{
			"tm90":        350,    // (10·100 + 20·250 + 30·350 + 30·500)/90 = 31500/90
			"IQM":         385,    // positions 25..75: (5·250 + 30·350 + 15·500)/50
			"PR(:300)":    30,     // 10 + 20 of 100
			"TC(10%:90%)": 80,     // 80 % of the count
			"TS(10%:90%)": 30500,  // 20·250 + 30·350 + 30·500
			"wm90":        365,    // the ten 1000s count as 500: (31500 + 5000)/100
			"TM(200:600)": 381.25, // (20·250 + 30·350 + 30·500)/80
		}},
		{Timestamp: aws.Time(at(-120)), SampleCount: aws.Float64(4), Unit: types.StandardUnitNone},
		{Timestamp: aws.Time(at(-60)), SampleCount: aws.Float64(2), Unit: types.StandardUnitNone},
	}
	opts := cmp.Options{cmpopts.IgnoreUnexported(types.Datapoint{}), cmpopts.EquateApprox(0.01, 0)}
	if diff := cmp.Diff(want, got.Datapoints, opts); diff != "" {
		t.Errorf("GetMetricStatistics (-want +got):\n%s", diff)
	}

	ms := func(id, stat string) types.MetricDataQuery {
		return types.MetricDataQuery{Id: aws.String(id), MetricStat: &types.MetricStat{
			Metric: &types.Metric{Namespace: aws.String("App"), MetricName: aws.String("Lat")}, Period: aws.Int32(60), Stat: aws.String(stat)}}
	}
	md, err := c.GetMetricData(ctx, &cw.GetMetricDataInput{
		StartTime: aws.Time(at(-240)), EndTime: aws.Time(now), ScanBy: types.ScanByTimestampAscending,
		MetricDataQueries: []types.MetricDataQuery{ms("tm", "tm90"), ms("iqm", "IQM"), ms("pr", "PR(:300)"), ms("tc", "TC(10%:90%)")},
	})
	if err != nil {
		t.Fatal(err)
	}
	type series struct {
		ID     string
		Times  []time.Time
		Values []float64
	}
	var gotSeries []series
	for _, r := range md.MetricDataResults {
		gotSeries = append(gotSeries, series{aws.ToString(r.Id), r.Timestamps, r.Values})
	}
	times := []time.Time{at(-240), at(-180)}
	wantSeries := []series{
		{"tm", times, []float64{45.5, 350}},
		{"iqm", times, []float64{50.5, 385}},
		{"pr", times, []float64{100, 30}},
		{"tc", times, []float64{80, 80}},
	}
	if diff := cmp.Diff(wantSeries, gotSeries, cmpopts.EquateApprox(0.01, 0)); diff != "" {
		t.Errorf("GetMetricData (-want +got):\n%s", diff)
	}

	for _, ext := range []string{"tm90", "IQM", "PR(:300)", "TC(10%:90%)"} {
		_, err = c.PutMetricAlarm(ctx, &cw.PutMetricAlarmInput{
			AlarmName: aws.String("a " + ext), Namespace: aws.String("App"), MetricName: aws.String("Lat"),
			ExtendedStatistic: aws.String(ext), Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1),
			Threshold: aws.Float64(50), ComparisonOperator: types.ComparisonOperatorLessThanThreshold,
		})
		if err != nil {
			t.Fatalf("PutMetricAlarm %s: %v", ext, err)
		}
		da, err := c.DescribeAlarms(ctx, &cw.DescribeAlarmsInput{AlarmNames: []string{"a " + ext}})
		if err != nil {
			t.Fatal(err)
		}
		if len(da.MetricAlarms) != 1 || aws.ToString(da.MetricAlarms[0].ExtendedStatistic) != ext {
			t.Errorf("DescribeAlarms = %+v, want one alarm with ExtendedStatistic %s", da.MetricAlarms, ext)
		}
	}
}

// TestSDKExtendedStatisticErrors checks that invalid spellings are refused with a message
// naming the parameter, the statistic and the problem.
func TestSDKExtendedStatisticErrors(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
		says []string
	}{
		{"GetMetricStatistics", func() error {
			_, err := c.GetMetricStatistics(ctx, &cw.GetMetricStatisticsInput{Namespace: aws.String("App"), MetricName: aws.String("Lat"),
				StartTime: aws.Time(now.Add(-time.Hour)), EndTime: aws.Time(now), Period: aws.Int32(60), ExtendedStatistics: []string{"p50", "TM(10%:500)"}})
			return err
		}, []string{"TM(10%:500)", "ExtendedStatistics.member.2", "both bounds must be percentages, or both values"}},
		{"PutMetricAlarm", func() error {
			_, err := c.PutMetricAlarm(ctx, &cw.PutMetricAlarmInput{AlarmName: aws.String("x"), Namespace: aws.String("App"), MetricName: aws.String("Lat"),
				ExtendedStatistic: aws.String("tm(10%:90%)"), Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1),
				Threshold: aws.Float64(1), ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold})
			return err
		}, []string{"tm(10%:90%)", "ExtendedStatistic", "upper case, as TM(10%:90%)"}},
		{"GetMetricData", func() error {
			_, err := c.GetMetricData(ctx, &cw.GetMetricDataInput{StartTime: aws.Time(now.Add(-time.Hour)), EndTime: aws.Time(now),
				MetricDataQueries: []types.MetricDataQuery{{Id: aws.String("m"), MetricStat: &types.MetricStat{
					Metric: &types.Metric{Namespace: aws.String("App"), MetricName: aws.String("Lat")}, Period: aws.Int32(60), Stat: aws.String("PR(90%:)")}}}})
			return err
		}, []string{"PR(90%:)", "MetricStat.Stat", "values, not percentages"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var ae smithy.APIError
			if !errors.As(err, &ae) || apiCode(err) != "InvalidParameterValue" {
				t.Fatalf("err = %v, want InvalidParameterValue", err)
			}
			for _, s := range tt.says {
				if !strings.Contains(ae.ErrorMessage(), s) {
					t.Errorf("message %q does not say %q", ae.ErrorMessage(), s)
				}
			}
		})
	}
}
