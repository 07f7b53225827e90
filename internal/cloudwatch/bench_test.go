package cloudwatch_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cw "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// benchData is one PutMetricData call of 20 data, each for a different inference component.
func benchData(i int) []types.MetricDatum {
	out := make([]types.MetricDatum, 20)
	for j := range out {
		out[j] = types.MetricDatum{
			MetricName: aws.String("InvocationsPerCopy"),
			Dimensions: []types.Dimension{dim("InferenceComponentName", fmt.Sprintf("ic-%04d", (i*20+j)%10_000))},
			Timestamp:  aws.Time(now),
			Value:      aws.Float64(float64(j)),
		}
	}
	return out
}

// BenchmarkPutMetricDataSDK: aws-sdk-go-v2 (RPC v2 CBOR) over loopback HTTP, 20 data per call.
func BenchmarkPutMetricDataSDK(b *testing.B) {
	e := newEnv(b)
	c := e.client()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := c.PutMetricData(ctx, &cw.PutMetricDataInput{Namespace: aws.String("Bench"), MetricData: benchData(i)}); err != nil {
			b.Fatal(err)
		}
	}
}

func jsonBody(i int) string {
	var sb strings.Builder
	sb.WriteString(`{"Namespace":"Bench","MetricData":[`)
	for j := range 20 {
		if j > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"MetricName":"InvocationsPerCopy","Dimensions":[{"Name":"InferenceComponentName","Value":"ic-%04d"}],"Value":%d}`, (i*20+j)%10_000, j)
	}
	sb.WriteString(`]}`)
	return sb.String()
}

// BenchmarkPutMetricDataHandler: the handler alone (AWS JSON 1.0, no network), 20 data per call.
func BenchmarkPutMetricDataHandler(b *testing.B) {
	e := newEnv(b)
	bodies := make([]string, 500)
	for i := range bodies {
		bodies[i] = jsonBody(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(bodies[i%len(bodies)]))
		req.Header.Set("X-Amz-Target", "GraniteServiceVersion20100801.PutMetricData")
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
