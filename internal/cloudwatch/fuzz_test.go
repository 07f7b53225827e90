package cloudwatch_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/fxamacker/cbor/v2"

	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/cloudwatch"
	"github.com/scaled-dev/scaled/internal/metrics/tsdb"
	"github.com/scaled-dev/scaled/internal/store/memstore"
)

// FuzzProtocols feeds arbitrary operations and bodies to the CloudWatch handler in each of
// the three protocols it speaks (AWS JSON 1.0, awsQuery, RPC v2 CBOR): nothing panics, no
// request fails internally (5xx), and every error is in the protocol's error form.
func FuzzProtocols(f *testing.F) {
	ops := []string{"PutMetricData", "GetMetricData", "GetMetricStatistics", "ListMetrics", "PutMetricAlarm", "DescribeAlarms", "DeleteAlarms", "Bogus"}
	for _, op := range ops {
		f.Add(uint8(0), op, []byte(`{}`))
		f.Add(uint8(1), op, []byte("Action="+op+"&Version=2010-08-01"))
		f.Add(uint8(2), op, []byte{0xa0}) // empty CBOR map
	}
	f.Add(uint8(0), "PutMetricData", []byte(`{"Namespace":"App","MetricData":[{"MetricName":"M","Values":[1,2,3],"Counts":[1,1,2],"StorageResolution":1}]}`))
	f.Add(uint8(0), "GetMetricStatistics", []byte(`{"Namespace":"App","MetricName":"M","StartTime":0,"EndTime":1e10,"Period":60,"ExtendedStatistics":["p99","TM(10%:90%)","PR(:3)"]}`))
	f.Add(uint8(0), "GetMetricData", []byte(`{"MetricDataQueries":[{"Id":"m","MetricStat":{"Metric":{"Namespace":"App","MetricName":"M"},"Period":60,"Stat":"tm90"}},{"Id":"e","Expression":"RATE(m)*2"}],"StartTime":0,"EndTime":1e10}`))
	f.Add(uint8(1), "PutMetricAlarm", []byte("Action=PutMetricAlarm&Version=2010-08-01&AlarmName=a&MetricName=M&Namespace=App&ExtendedStatistic=p90&Period=60&EvaluationPeriods=1&Threshold=1&ComparisonOperator=GreaterThanThreshold"))
	f.Add(uint8(1), "PutMetricData", []byte("Action=PutMetricData&Version=2010-08-01&Namespace=App&MetricData.member.1.MetricName=M&MetricData.member.1.Value=1.5&MetricData.member.1.Dimensions.member.1.Name=D&MetricData.member.1.Dimensions.member.1.Value=x"))
	if b, err := cbor.Marshal(map[string]any{"Namespace": "App", "MetricData": []any{map[string]any{"MetricName": "M", "Value": 1.0}}}); err == nil {
		f.Add(uint8(2), "PutMetricData", b)
	}

	clk := clock.NewFake(now)
	db := tsdb.New(tsdb.Options{Clock: clk})
	h := cloudwatch.New(cloudwatch.Options{Source: db, Sink: db, Alarms: memstore.New(), Region: "us-west-2", Clock: clk})
	serve := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(auth.WithAccount(r.Context(), testAccount)))
	})
	f.Fuzz(func(t *testing.T, proto uint8, op string, body []byte) {
		var req *http.Request
		switch proto % 3 {
		case 0:
			req = httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			req.Header.Set("X-Amz-Target", cloudwatch.ServiceID+"."+op)
			req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		case 1:
			req = httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		default:
			req = httptest.NewRequest(http.MethodPost, cloudwatch.CBORPathPrefix+url.PathEscape(op), bytes.NewReader(body))
			req.Header.Set("Smithy-Protocol", "rpc-v2-cbor")
			req.Header.Set("Content-Type", "application/cbor")
		}
		rec := httptest.NewRecorder()
		serve.ServeHTTP(rec, req)
		res := rec.Result()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 500 {
			t.Fatalf("protocol %d %s %q: status %d: %s", proto%3, op, body, res.StatusCode, b)
		}
		if res.StatusCode >= 400 && len(b) == 0 {
			t.Fatalf("protocol %d %s %q: error %d without a body", proto%3, op, body, res.StatusCode)
		}
	})
}
