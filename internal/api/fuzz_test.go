package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/scaled-dev/scaled/internal/api"
	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/store/memstore"
)

// awsErrorTypes are the error types the service may answer with.
var awsErrorTypes = map[string]int{
	"ValidationException":           400,
	"ObjectNotFoundException":       400,
	"LimitExceededException":        400,
	"InvalidNextTokenException":     400,
	"ResourceNotFoundException":     404,
	"TooManyTagsException":          400,
	"SerializationException":        400,
	"UnknownOperationException":     400,
	"ConcurrentUpdateException":     500,
	"FailedResourceAccessException": 400,
	"InternalServiceException":      500,
	"UnsupportedMediaTypeException": 415,
}

// FuzzOperations feeds arbitrary operation names and bodies through the service: nothing
// panics, and every answer is a success with a JSON object or a well-formed AWS error.
func FuzzOperations(f *testing.F) {
	for _, op := range model.OperationNames() {
		f.Add(op, `{}`)
	}
	f.Add("RegisterScalableTarget", `{"ServiceNamespace":"sagemaker","ResourceId":"inference-component/ic","ScalableDimension":"sagemaker:inference-component:DesiredCopyCount","MinCapacity":0,"MaxCapacity":4}`)
	f.Add("PutScalingPolicy", `{"PolicyName":"p","ServiceNamespace":"sagemaker","ResourceId":"inference-component/ic","ScalableDimension":"sagemaker:inference-component:DesiredCopyCount","PolicyType":"TargetTrackingScaling","TargetTrackingScalingPolicyConfiguration":{"TargetValue":"Infinity"}}`)
	f.Add("PutScheduledAction", `{"ServiceNamespace":"sagemaker","ResourceId":"inference-component/ic","ScalableDimension":"sagemaker:inference-component:DesiredCopyCount","ScheduledActionName":"s","Schedule":"cron(0 0 ? * 6#3 *)","StartTime":"x"}`)
	f.Add("DescribeScalableTargets", `{"ServiceNamespace":"ecs","NextToken":"Zm9v.YmFy","MaxResults":-1}`)
	f.Add("Bogus", `[1,2,3]`)
	st := memstore.New()
	svc := api.New(api.Options{Store: st, Clock: clock.NewFake(epoch), TokenKey: []byte("fuzz")})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		svc.ServeHTTP(w, r.WithContext(auth.WithAccount(r.Context(), testAccount)))
	})
	f.Fuzz(func(t *testing.T, op, body string) {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "AnyScaleFrontendService."+op)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		res := rec.Result()
		b, _ := io.ReadAll(res.Body)
		var obj map[string]any
		if err := json.Unmarshal(b, &obj); err != nil {
			t.Fatalf("%s %q: response is not a JSON object: %q", op, body, b)
		}
		if res.StatusCode == http.StatusOK {
			if _, isErr := obj["__type"]; isErr {
				t.Fatalf("%s %q: 200 with an error body %s", op, body, b)
			}
			return
		}
		typ, _ := obj["__type"].(string)
		want, ok := awsErrorTypes[typ]
		if !ok || want != res.StatusCode || res.Header.Get("X-Amzn-ErrorType") != typ {
			t.Fatalf("%s %q: status %d, body %s", op, body, res.StatusCode, b)
		}
		if typ == "InternalServiceException" {
			t.Fatalf("%s %q: internal error %s", op, body, b)
		}
		if msg, _ := obj["Message"].(string); msg == "" {
			t.Fatalf("%s %q: error without a message: %s", op, body, b)
		}
	})
}
