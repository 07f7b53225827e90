package cloudwatch_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/cloudwatch"
)

type rawResp struct {
	Status     int
	QueryError string
	Type       string
	Body       string
}

func (e *env) do(t *testing.T, req *http.Request) rawResp {
	t.Helper()
	req.Header.Set("X-Test-Request-Id", "req-1")
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return rawResp{Status: resp.StatusCode, QueryError: resp.Header.Get("X-Amzn-Query-Error"), Type: resp.Header.Get("Content-Type"), Body: string(b)}
}

func (e *env) jsonReq(t *testing.T, op, body string) rawResp {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", "GraniteServiceVersion20100801."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	return e.do(t, req)
}

func (e *env) queryReq(t *testing.T, form string) rawResp {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	return e.do(t, req)
}

func TestJSON10(t *testing.T) {
	e := newEnv(t)
	ts := now.Unix() - 120
	steps := []struct {
		op, body string
		want     rawResp
	}{
		{"PutMetricData", `{"Namespace":"App","MetricData":[{"MetricName":"M","Dimensions":[{"Name":"D","Value":"1"}],"Value":3,"Timestamp":` + itoa(ts) + `},{"MetricName":"M","Dimensions":[{"Name":"D","Value":"1"}],"Value":5,"Timestamp":"2026-03-01T11:58:30Z"}]}`,
			rawResp{Status: 200, Type: "application/x-amz-json-1.0", Body: `{}`}},
		{"GetMetricStatistics", `{"Namespace":"App","MetricName":"M","Dimensions":[{"Name":"D","Value":"1"}],"StartTime":` + itoa(ts-60) + `,"EndTime":` + itoa(now.Unix()) + `,"Period":60,"Statistics":["Sum","Maximum"]}`,
			rawResp{Status: 200, Type: "application/x-amz-json-1.0", Body: `{"Label":"M","Datapoints":[{"Timestamp":1772366280,"Sum":8,"Maximum":5,"Unit":"None"}]}`}},
		{"GetMetricData", `{"StartTime":` + itoa(ts-60) + `,"EndTime":` + itoa(now.Unix()) + `,"MetricDataQueries":[{"Id":"m","ReturnData":false,"MetricStat":{"Metric":{"Namespace":"App","MetricName":"M","Dimensions":[{"Name":"D","Value":"1"}]},"Period":60,"Stat":"Average"}},{"Id":"e","Expression":"m*10"}]}`,
			rawResp{Status: 200, Type: "application/x-amz-json-1.0", Body: `{"MetricDataResults":[{"Id":"e","Label":"M","Timestamps":[1772366280],"Values":[40],"StatusCode":"Complete"}]}`}},
		{"PutMetricData", `{"Namespace":"AWS/SageMaker","MetricData":[{"MetricName":"M","Value":1}]}`,
			rawResp{Status: 400, QueryError: "InvalidParameterValue;Sender", Type: "application/x-amz-json-1.0", Body: `{"__type":"com.amazonaws.cloudwatch#InvalidParameterValueException","message":"The value AWS/ for parameter Namespace is invalid."}`}},
		{"PutMetricData", `{"Namespace":"App","MetricData":[{"Value":1}]}`,
			rawResp{Status: 400, QueryError: "MissingParameter;Sender", Type: "application/x-amz-json-1.0", Body: `{"__type":"com.amazonaws.cloudwatch#MissingRequiredParameterException","message":"The parameter MetricData.member.1.MetricName is required."}`}},
		{"PutMetricData", `{"Namespace":`,
			rawResp{Status: 400, QueryError: "MalformedInput;Sender", Type: "application/x-amz-json-1.0", Body: `{"Message":"Failed to parse the JSON request body: unexpected end of JSON input","__type":"com.amazonaws.cloudwatch#SerializationException"}`}},
		{"Frobnicate", `{}`,
			rawResp{Status: 400, QueryError: "InvalidAction;Sender", Type: "application/x-amz-json-1.0", Body: `{"Message":"The action Frobnicate is not valid for this web service.","__type":"com.amazonaws.cloudwatch#UnknownOperationException"}`}},
	}
	for i, s := range steps {
		got := e.jsonReq(t, s.op, s.body)
		if diff := cmp.Diff(s.want, got); diff != "" {
			t.Errorf("step %d %s (-want +got):\n%s", i, s.op, diff)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

const xmlHead = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

func TestAWSQuery(t *testing.T) {
	e := newEnv(t)
	meta := `<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>`
	ns := ` xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"`
	steps := []struct {
		form string
		want rawResp
	}{
		{"Action=PutMetricData&Version=2010-08-01&Namespace=App&MetricData.member.1.MetricName=Lat&MetricData.member.1.Unit=Milliseconds" +
			"&MetricData.member.1.Timestamp=2026-03-01T11%3A58%3A10.000Z&MetricData.member.1.StatisticValues.SampleCount=4&MetricData.member.1.StatisticValues.Sum=100" +
			"&MetricData.member.1.StatisticValues.Minimum=10&MetricData.member.1.StatisticValues.Maximum=40&MetricData.member.1.Dimensions.member.1.Name=Host&MetricData.member.1.Dimensions.member.1.Value=a",
			rawResp{Status: 200, Type: "text/xml", Body: xmlHead + `<PutMetricDataResponse` + ns + `>` + meta + `</PutMetricDataResponse>`}},
		{"Action=GetMetricStatistics&Version=2010-08-01&Namespace=App&MetricName=Lat&Dimensions.member.1.Name=Host&Dimensions.member.1.Value=a" +
			"&StartTime=2026-03-01T11%3A50%3A00Z&EndTime=2026-03-01T12%3A00%3A00Z&Period=300&Statistics.member.1=Average&Statistics.member.2=SampleCount&Unit=Milliseconds",
			rawResp{Status: 200, Type: "text/xml", Body: xmlHead + `<GetMetricStatisticsResponse` + ns + `><GetMetricStatisticsResult><Label>Lat</Label><Datapoints><member>` +
				`<Timestamp>2026-03-01T11:55:00.000Z</Timestamp><SampleCount>4</SampleCount><Average>25</Average><Unit>Milliseconds</Unit></member></Datapoints>` +
				`</GetMetricStatisticsResult>` + meta + `</GetMetricStatisticsResponse>`}},
		{"Action=ListMetrics&Version=2010-08-01&Namespace=App",
			rawResp{Status: 200, Type: "text/xml", Body: xmlHead + `<ListMetricsResponse` + ns + `><ListMetricsResult><Metrics><member><Namespace>App</Namespace><MetricName>Lat</MetricName>` +
				`<Dimensions><member><Name>Host</Name><Value>a</Value></member></Dimensions></member></Metrics></ListMetricsResult>` + meta + `</ListMetricsResponse>`}},
		{"Action=PutMetricAlarm&Version=2010-08-01&AlarmName=high%20%26%20slow&Namespace=App&MetricName=Lat&Statistic=Maximum&Period=60&EvaluationPeriods=2" +
			"&Threshold=35.5&ComparisonOperator=GreaterThanThreshold&AlarmActions.member.1=arn%3Aaws%3Asns%3Aus-west-2%3A123456789012%3Atopic&ActionsEnabled=false",
			rawResp{Status: 200, Type: "text/xml", Body: xmlHead + `<PutMetricAlarmResponse` + ns + `>` + meta + `</PutMetricAlarmResponse>`}},
		{"Action=DescribeAlarms&Version=2010-08-01&AlarmNames.member.1=high%20%26%20slow",
			rawResp{Status: 200, Type: "text/xml", Body: xmlHead + `<DescribeAlarmsResponse` + ns + `><DescribeAlarmsResult><MetricAlarms><member>` +
				`<AlarmName>high &amp; slow</AlarmName><AlarmArn>arn:aws:cloudwatch:us-west-2:123456789012:alarm:high &amp; slow</AlarmArn>` +
				`<AlarmConfigurationUpdatedTimestamp>2026-03-01T12:00:00.000Z</AlarmConfigurationUpdatedTimestamp><ActionsEnabled>false</ActionsEnabled>` +
				`<OKActions></OKActions><AlarmActions><member>arn:aws:sns:us-west-2:123456789012:topic</member></AlarmActions><InsufficientDataActions></InsufficientDataActions>` +
				`<StateValue>INSUFFICIENT_DATA</StateValue><StateReason>Unchecked: Initial alarm creation</StateReason><StateUpdatedTimestamp>2026-03-01T12:00:00.000Z</StateUpdatedTimestamp>` +
				`<MetricName>Lat</MetricName><Namespace>App</Namespace><Statistic>Maximum</Statistic><Dimensions></Dimensions><Period>60</Period>` +
				`<EvaluationPeriods>2</EvaluationPeriods><Threshold>35.5</Threshold><ComparisonOperator>GreaterThanThreshold</ComparisonOperator>` +
				`<StateTransitionedTimestamp>2026-03-01T12:00:00.000Z</StateTransitionedTimestamp></member></MetricAlarms></DescribeAlarmsResult>` + meta + `</DescribeAlarmsResponse>`}},
		{"Action=DeleteAlarms&Version=2010-08-01&AlarmNames.member.1=nope",
			rawResp{Status: 404, QueryError: "ResourceNotFound;Sender", Type: "text/xml", Body: xmlHead + `<ErrorResponse` + ns + `><Error><Type>Sender</Type><Code>ResourceNotFound</Code>` +
				`<Message>No alarms were deleted; these alarms do not exist: nope.</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`}},
		{"Action=GetMetricStatistics&Version=2010-08-01&Namespace=App&MetricName=Lat&StartTime=yesterday&EndTime=2026-03-01T12%3A00%3A00Z&Period=60&Statistics.member.1=Sum",
			rawResp{Status: 400, QueryError: "InvalidParameterValue;Sender", Type: "text/xml", Body: xmlHead + `<ErrorResponse` + ns + `><Error><Type>Sender</Type><Code>InvalidParameterValue</Code>` +
				`<Message>The parameter StartTime must be an ISO 8601 timestamp, not &#34;yesterday&#34;.</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`}},
		{"Action=DeleteAlarms&Version=2010-08-01&AlarmNames.member.1=high%20%26%20slow",
			rawResp{Status: 200, Type: "text/xml", Body: xmlHead + `<DeleteAlarmsResponse` + ns + `>` + meta + `</DeleteAlarmsResponse>`}},
		{"Action=Frobnicate&Version=2010-08-01",
			rawResp{Status: 400, QueryError: "InvalidAction;Sender", Type: "text/xml", Body: xmlHead + `<ErrorResponse` + ns + `><Error><Type>Sender</Type><Code>InvalidAction</Code>` +
				`<Message>The action Frobnicate is not valid for this web service.</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`}},
	}
	for i, s := range steps {
		got := e.queryReq(t, s.form)
		if diff := cmp.Diff(s.want, got); diff != "" {
			t.Errorf("step %d %.40s (-want +got):\n%s", i, s.form, diff)
		}
	}
}

func TestGzipBody(t *testing.T) {
	e := newEnv(t)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte(`{"Namespace":"App","MetricData":[{"MetricName":"Z","Value":1}]}`))
	_ = zw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/", &buf)
	req.Header.Set("X-Amz-Target", "GraniteServiceVersion20100801.PutMetricData")
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("Content-Encoding", "gzip")
	if got := e.do(t, req); got.Status != 200 {
		t.Fatalf("gzip PutMetricData: %+v", got)
	}
	if got := e.db.Stats().Series; got != 1 {
		t.Errorf("series = %d", got)
	}
}

func TestMatch(t *testing.T) {
	h := cloudwatch.New(cloudwatch.Options{Clock: clock.NewFake(now)})
	mk := func(method, target, path, ct, auth, body string) *http.Request {
		r := httptest.NewRequest(method, target, strings.NewReader(body))
		r.URL.Path = path
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		return r
	}
	sig := func(svc string) string {
		return "AWS4-HMAC-SHA256 Credential=AKID/20260301/us-east-1/" + svc + "/aws4_request, SignedHeaders=host, Signature=00"
	}
	form := "application/x-www-form-urlencoded"
	tests := []struct {
		name string
		r    *http.Request
		want bool
	}{
		{"cbor", mk("POST", "/", "/service/GraniteServiceVersion20100801/operation/PutMetricData", "application/cbor", "", ""), true},
		{"other cbor service", mk("POST", "/", "/service/Other/operation/X", "application/cbor", "", ""), false},
		{"json 1.0", func() *http.Request {
			r := mk("POST", "/", "/", "application/x-amz-json-1.0", "", "{}")
			r.Header.Set("X-Amz-Target", "GraniteServiceVersion20100801.ListMetrics")
			return r
		}(), true},
		{"application auto scaling", func() *http.Request {
			r := mk("POST", "/", "/", "application/x-amz-json-1.1", "", "{}")
			r.Header.Set("X-Amz-Target", "AnyScaleFrontendService.DescribeScalableTargets")
			return r
		}(), false},
		{"query signed for monitoring", mk("POST", "/", "/", form, sig("monitoring"), "Action=ListMetrics"), true},
		{"query signed for another service", mk("POST", "/", "/", form+"; charset=utf-8", sig("sts"), "Action=GetCallerIdentity&Version=2011-06-15"), false},
		{"unsigned query with version", mk("POST", "/", "/", form, "", "Action=ListMetrics&Version=2010-08-01"), true},
		{"unsigned query, other version", mk("POST", "/", "/", form, "", "Action=GetCallerIdentity&Version=2011-06-15"), false},
		{"GET query", mk("GET", "/?Action=ListMetrics&Version=2010-08-01", "/", "", "", ""), true},
		{"dashboard", mk("GET", "/", "/ui/", "", "", ""), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := h.Match(tt.r); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
	// The body read by Match is still there for the handler.
	r := mk("POST", "/", "/", form, "", "Action=ListMetrics&Version=2010-08-01")
	h.Match(r)
	if b, _ := io.ReadAll(r.Body); string(b) != "Action=ListMetrics&Version=2010-08-01" {
		t.Errorf("body after Match = %q", b)
	}
}

func TestAWSQueryGET(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/?Action=ListMetrics&Version=2010-08-01&Namespace=Nothing", nil)
	got := e.do(t, req)
	want := rawResp{Status: 200, Type: "text/xml", Body: xmlHead + `<ListMetricsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><ListMetricsResult><Metrics></Metrics></ListMetricsResult>` +
		`<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></ListMetricsResponse>`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
}
