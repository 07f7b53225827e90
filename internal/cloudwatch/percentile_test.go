package cloudwatch_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cw "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestSDKPercentiles publishes raw values, a statistic set and single values with the
// real SDK client (RPC v2 CBOR) and reads percentiles back through GetMetricStatistics,
// GetMetricData and an alarm.
func TestSDKPercentiles(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	ctx := context.Background()
	at := func(s int) time.Time { return now.Add(time.Duration(s) * time.Second) }
	values := make([]float64, 0, 100)
	for v := 1; v <= 100; v++ {
		values = append(values, float64(v))
	}
	lat := func() []types.Dimension { return []types.Dimension{dim("Host", "a")} }
	_, err := c.PutMetricData(ctx, &cw.PutMetricDataInput{Namespace: aws.String("App"), MetricData: []types.MetricDatum{
		// minute -3: the values 1..100
		{MetricName: aws.String("Lat"), Dimensions: lat(), Timestamp: aws.Time(at(-180)), Values: values, Unit: types.StandardUnitMilliseconds},
		// minute -2: 1000 ninety times and 5000 ten times, as Values with Counts
		{MetricName: aws.String("Lat"), Dimensions: lat(), Timestamp: aws.Time(at(-120)), Values: []float64{1000, 5000}, Counts: []float64{90, 10}, Unit: types.StandardUnitMilliseconds},
		// minute -1: a statistic set of different values: no percentiles
		{MetricName: aws.String("Lat"), Dimensions: lat(), Timestamp: aws.Time(at(-60)), Unit: types.StandardUnitMilliseconds,
			StatisticValues: &types.StatisticSet{SampleCount: aws.Float64(4), Sum: aws.Float64(20), Minimum: aws.Float64(2), Maximum: aws.Float64(8)}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.PutMetricData(ctx, &cw.PutMetricDataInput{Namespace: aws.String("App"), MetricData: []types.MetricDatum{
		// a statistic set with Minimum == Maximum and single values do count
		{MetricName: aws.String("Q"), Timestamp: aws.Time(at(-60)), StatisticValues: &types.StatisticSet{SampleCount: aws.Float64(3), Sum: aws.Float64(21), Minimum: aws.Float64(7), Maximum: aws.Float64(7)}},
		{MetricName: aws.String("Q"), Timestamp: aws.Time(at(-50)), Value: aws.Float64(7)},
		{MetricName: aws.String("Q"), Timestamp: aws.Time(at(-40)), Value: aws.Float64(107)},
	}})
	if err != nil {
		t.Fatal(err)
	}

	got, err := c.GetMetricStatistics(ctx, &cw.GetMetricStatisticsInput{
		Namespace: aws.String("App"), MetricName: aws.String("Lat"), Dimensions: lat(),
		StartTime: aws.Time(at(-180)), EndTime: aws.Time(now), Period: aws.Int32(60),
		Statistics: []types.Statistic{types.StatisticSampleCount}, ExtendedStatistics: []string{"p50", "p99", "p100"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []types.Datapoint{
		{Timestamp: aws.Time(at(-180)), SampleCount: aws.Float64(100), Unit: types.StandardUnitMilliseconds, ExtendedStatistics: map[string]float64{"p50": 50, "p99": 99, "p100": 100}},
		{Timestamp: aws.Time(at(-120)), SampleCount: aws.Float64(100), Unit: types.StandardUnitMilliseconds, ExtendedStatistics: map[string]float64{"p50": 1000, "p99": 5000, "p100": 5000}},
		{Timestamp: aws.Time(at(-60)), SampleCount: aws.Float64(4), Unit: types.StandardUnitMilliseconds},
	}
	opts := cmp.Options{cmpopts.IgnoreUnexported(types.Datapoint{}), cmpopts.EquateApprox(0.01, 0)}
	if diff := cmp.Diff(want, got.Datapoints, opts); diff != "" {
		t.Errorf("GetMetricStatistics (-want +got):\n%s", diff)
	}

	got, err = c.GetMetricStatistics(ctx, &cw.GetMetricStatisticsInput{
		Namespace: aws.String("App"), MetricName: aws.String("Q"),
		StartTime: aws.Time(at(-60)), EndTime: aws.Time(now), Period: aws.Int32(60), ExtendedStatistics: []string{"p50", "p80", "p0", "p100"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want = []types.Datapoint{{Timestamp: aws.Time(at(-60)), Unit: types.StandardUnitNone, ExtendedStatistics: map[string]float64{"p0": 7, "p50": 7, "p80": 7, "p100": 107}}}
	if diff := cmp.Diff(want, got.Datapoints, opts); diff != "" {
		t.Errorf("GetMetricStatistics of single values (-want +got):\n%s", diff)
	}

	md, err := c.GetMetricData(ctx, &cw.GetMetricDataInput{
		StartTime: aws.Time(at(-180)), EndTime: aws.Time(now), ScanBy: types.ScanByTimestampAscending,
		MetricDataQueries: []types.MetricDataQuery{
			{Id: aws.String("p"), MetricStat: &types.MetricStat{Metric: &types.Metric{Namespace: aws.String("App"), MetricName: aws.String("Lat"), Dimensions: lat()}, Period: aws.Int32(60), Stat: aws.String("p99")}},
			{Id: aws.String("p2"), MetricStat: &types.MetricStat{Metric: &types.Metric{Namespace: aws.String("App"), MetricName: aws.String("Lat"), Dimensions: lat()}, Period: aws.Int32(120), Stat: aws.String("p90")}},
		},
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
	wantSeries := []series{
		{"p", []time.Time{at(-180), at(-120)}, []float64{99, 5000}},
		// two-minute periods aligned to the epoch: [-240,-120) holds 1..100, [-120,0) the
		// 100 values of minute -2 and the statistic set, so it has no percentile
		{"p2", []time.Time{at(-240)}, []float64{90}},
	}
	if diff := cmp.Diff(wantSeries, gotSeries, cmpopts.EquateApprox(0.01, 0)); diff != "" {
		t.Errorf("GetMetricData (-want +got):\n%s", diff)
	}

	_, err = c.PutMetricAlarm(ctx, &cw.PutMetricAlarmInput{
		AlarmName: aws.String("slow"), Namespace: aws.String("App"), MetricName: aws.String("Lat"), Dimensions: lat(),
		ExtendedStatistic: aws.String("p99.9"), Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1),
		Threshold: aws.Float64(500), ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold,
	})
	if err != nil {
		t.Fatal(err)
	}
	da, err := c.DescribeAlarms(ctx, &cw.DescribeAlarmsInput{AlarmNames: []string{"slow"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(da.MetricAlarms) != 1 || aws.ToString(da.MetricAlarms[0].ExtendedStatistic) != "p99.9" || da.MetricAlarms[0].Statistic != "" {
		t.Errorf("DescribeAlarms = %+v, want one alarm with ExtendedStatistic p99.9", da.MetricAlarms)
	}
}

func TestSDKPercentileErrors(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	ctx := context.Background()
	gms := func(ext ...string) func() error {
		return func() error {
			_, err := c.GetMetricStatistics(ctx, &cw.GetMetricStatisticsInput{Namespace: aws.String("App"), MetricName: aws.String("Lat"),
				StartTime: aws.Time(now.Add(-time.Hour)), EndTime: aws.Time(now), Period: aws.Int32(60), ExtendedStatistics: ext})
			return err
		}
	}
	alarm := func(ext string) func() error {
		return func() error {
			_, err := c.PutMetricAlarm(ctx, &cw.PutMetricAlarmInput{AlarmName: aws.String("a"), Namespace: aws.String("App"), MetricName: aws.String("Lat"),
				ExtendedStatistic: aws.String(ext), Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1),
				Threshold: aws.Float64(1), ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold})
			return err
		}
	}
	gmd := func(stat string) func() error {
		return func() error {
			_, err := c.GetMetricData(ctx, &cw.GetMetricDataInput{StartTime: aws.Time(now.Add(-time.Hour)), EndTime: aws.Time(now),
				MetricDataQueries: []types.MetricDataQuery{{Id: aws.String("m"), MetricStat: &types.MetricStat{
					Metric: &types.Metric{Namespace: aws.String("App"), MetricName: aws.String("Lat")}, Period: aws.Int32(60), Stat: aws.String(stat)}}}})
			return err
		}
	}
	values := make([]float64, 151)
	tests := []struct {
		name string
		call func() error
		code string
	}{
		{"trimmed mean", gms("tm90", "TM(10%:90%)", "IQM", "wm99", "tc90", "TS(80%:)", "PR(:300)", "TC(0.005:0.030)"), ""},
		{"upper-case single bound", gms("TM90"), "InvalidParameterValue"},
		{"mixed bounds", gms("TM(10%:500)"), "InvalidParameterValue"},
		{"percentile rank of percentages", gms("PR(10%:90%)"), "InvalidParameterValue"},
		{"percentile above 100", gms("p101"), "InvalidParameterValue"},
		{"not a statistic", gms("Average"), "InvalidParameterValue"},
		{"eleven extended statistics", gms("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10", "p11"), "InvalidParameterValue"},
		{"ten extended statistics", gms("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10"), ""},
		{"alarm with trimmed mean", alarm("tm90"), ""},
		{"alarm with IQM", alarm("IQM"), ""},
		{"alarm with lower-case range", alarm("tm(10%:90%)"), "InvalidParameterValue"},
		{"alarm with reversed bounds", alarm("TC(90%:10%)"), "InvalidParameterValue"},
		{"alarm with bad percentile", alarm("p99.x"), "InvalidParameterValue"},
		{"alarm with percentile", alarm("p0.5"), ""},
		{"metric data with bad stat", gmd("p200"), "InvalidParameterValue"},
		{"metric data with winsorized mean", gmd("wm99"), ""},
		{"metric data with percentile rank", gmd("PR(100:2000)"), ""},
		{"metric data with bad winsorized mean", gmd("WM(:)"), "InvalidParameterValue"},
		{"metric data with lower-case stat", gmd("average"), "InvalidParameterValue"},
		{"metric data with percentile", gmd("p50"), ""},
		{"151 values", func() error {
			_, err := c.PutMetricData(ctx, &cw.PutMetricDataInput{Namespace: aws.String("N"), MetricData: []types.MetricDatum{{MetricName: aws.String("X"), Values: values}}})
			return err
		}, "InvalidParameterValue"},
		{"counts of another length", func() error {
			_, err := c.PutMetricData(ctx, &cw.PutMetricDataInput{Namespace: aws.String("N"), MetricData: []types.MetricDatum{{MetricName: aws.String("X"), Values: []float64{1, 2}, Counts: []float64{1}}}})
			return err
		}, "InvalidParameterCombination"},
		{"negative count", func() error {
			_, err := c.PutMetricData(ctx, &cw.PutMetricDataInput{Namespace: aws.String("N"), MetricData: []types.MetricDatum{{MetricName: aws.String("X"), Values: []float64{1}, Counts: []float64{-1}}}})
			return err
		}, "InvalidParameterValue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			code := ""
			if err != nil {
				code = apiCode(err)
			}
			if code != tt.code {
				t.Errorf("error code %q (%v), want %q", code, err, tt.code)
			}
		})
	}
}

func TestPercentilesJSONAndQuery(t *testing.T) {
	e := newEnv(t)
	ts := now.Unix() - 120
	got := e.jsonReq(t, "PutMetricData", `{"Namespace":"App","MetricData":[{"MetricName":"M","Values":[3,9],"Counts":[3,1],"Timestamp":`+itoa(ts)+`}]}`)
	if diff := cmp.Diff(rawResp{Status: 200, Type: "application/x-amz-json-1.0", Body: `{}`}, got); diff != "" {
		t.Fatalf("PutMetricData (-want +got):\n%s", diff)
	}
	got = e.jsonReq(t, "GetMetricStatistics", `{"Namespace":"App","MetricName":"M","StartTime":`+itoa(ts)+`,"EndTime":`+itoa(now.Unix())+`,"Period":60,"Statistics":["Sum"],"ExtendedStatistics":["p50","p100"]}`)
	want := rawResp{Status: 200, Type: "application/x-amz-json-1.0",
		Body: `{"Label":"M","Datapoints":[{"Timestamp":1772366280,"Sum":18,"ExtendedStatistics":{"p100":9,"p50":3},"Unit":"None"}]}`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JSON GetMetricStatistics (-want +got):\n%s", diff)
	}
	got = e.jsonReq(t, "GetMetricStatistics", `{"Namespace":"App","MetricName":"M","StartTime":`+itoa(ts)+`,"EndTime":`+itoa(now.Unix())+`,"Period":60,"ExtendedStatistics":["tc50","PR(3:)"]}`)
	want = rawResp{Status: 200, Type: "application/x-amz-json-1.0",
		Body: `{"Label":"M","Datapoints":[{"Timestamp":1772366280,"ExtendedStatistics":{"PR(3:)":25,"tc50":2},"Unit":"None"}]}`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JSON GetMetricStatistics of extended statistics (-want +got):\n%s", diff)
	}
	got = e.queryReq(t, "Action=GetMetricStatistics&Version=2010-08-01&Namespace=App&MetricName=M&StartTime=2026-03-01T11%3A58%3A00Z&EndTime=2026-03-01T12%3A00%3A00Z"+
		"&Period=60&ExtendedStatistics.member.1=p100&ExtendedStatistics.member.2=p50")
	ns := ` xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"`
	want = rawResp{Status: 200, Type: "text/xml", Body: xmlHead + `<GetMetricStatisticsResponse` + ns + `><GetMetricStatisticsResult><Label>M</Label><Datapoints><member>` +
		`<Timestamp>2026-03-01T11:58:00.000Z</Timestamp><ExtendedStatistics><entry><key>p100</key><value>9</value></entry><entry><key>p50</key><value>3</value></entry></ExtendedStatistics>` +
		`<Unit>None</Unit></member></Datapoints></GetMetricStatisticsResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetMetricStatisticsResponse>`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("query GetMetricStatistics (-want +got):\n%s", diff)
	}
	got = e.queryReq(t, "Action=GetMetricStatistics&Version=2010-08-01&Namespace=App&MetricName=M&StartTime=2026-03-01T11%3A58%3A00Z&EndTime=2026-03-01T12%3A00%3A00Z"+
		"&Period=60&ExtendedStatistics.member.1=PR%28%3A3%29")
	want = rawResp{Status: 200, Type: "text/xml", Body: xmlHead + `<GetMetricStatisticsResponse` + ns + `><GetMetricStatisticsResult><Label>M</Label><Datapoints><member>` +
		`<Timestamp>2026-03-01T11:58:00.000Z</Timestamp><ExtendedStatistics><entry><key>PR(:3)</key><value>75</value></entry></ExtendedStatistics>` +
		`<Unit>None</Unit></member></Datapoints></GetMetricStatisticsResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetMetricStatisticsResponse>`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("query GetMetricStatistics PR(:3) (-want +got):\n%s", diff)
	}
	got = e.queryReq(t, "Action=GetMetricStatistics&Version=2010-08-01&Namespace=App&MetricName=M&StartTime=2026-03-01T11%3A58%3A00Z&EndTime=2026-03-01T12%3A00%3A00Z"+
		"&Period=60&ExtendedStatistics.member.1=TM%2810%25%3A500%29")
	if got.Status != 400 || got.QueryError != "InvalidParameterValue;Sender" || !strings.Contains(got.Body, "TM(10%:500)") || !strings.Contains(got.Body, "ExtendedStatistics.member.1") {
		t.Errorf("query GetMetricStatistics TM(10%%:500) = %+v, want InvalidParameterValue naming the statistic and the parameter", got)
	}
}
