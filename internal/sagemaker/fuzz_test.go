package sagemaker_test

import (
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/sagemaker"
	"github.com/scaled-dev/scaled/internal/serving"
)

// smErrorTypes are the error types the SageMaker subset answers with, and their status.
var smErrorTypes = map[string]int{
	"ValidationException":           400,
	"ResourceNotFound":              400,
	"ResourceInUse":                 400,
	"ResourceLimitExceeded":         400,
	"SerializationException":        400,
	"UnknownOperationException":     400,
	"UnsupportedMediaTypeException": 415,
}

// FuzzOperations feeds arbitrary operation names and bodies through the SageMaker API:
// nothing panics or fails internally, and every answer is a success with a JSON object or a
// well-formed error of a known type with a message. Copies never start (the command mapping
// refuses every image), so no process is run.
func FuzzOperations(f *testing.F) {
	seeds := map[string]string{
		"CreateModel":                           `{"ModelName":"m","PrimaryContainer":{"Image":"scaled:model-server","Environment":{"A":"1"}}}`,
		"CreateEndpointConfig":                  `{"EndpointConfigName":"c","ProductionVariants":[{"VariantName":"AllTraffic","InstanceType":"ml.g5.2xlarge","InitialInstanceCount":1}]}`,
		"CreateEndpoint":                        `{"EndpointName":"ep","EndpointConfigName":"c"}`,
		"CreateInferenceComponent":              `{"InferenceComponentName":"ic","EndpointName":"ep","VariantName":"AllTraffic","Specification":{"ModelName":"m","ComputeResourceRequirements":{"NumberOfCpuCoresRequired":0.5,"MinMemoryRequiredInMb":128}},"RuntimeConfig":{"CopyCount":1}}`,
		"UpdateInferenceComponentRuntimeConfig": `{"InferenceComponentName":"ic","DesiredRuntimeConfig":{"CopyCount":0}}`,
		"DescribeInferenceComponent":            `{"InferenceComponentName":"ic"}`,
		"ListInferenceComponents":               `{"MaxResults":1,"SortBy":"Name","NextToken":"x","CreationTimeAfter":1.5e9}`,
		"DeleteInferenceComponent":              `{"InferenceComponentName":"ic"}`,
		"DescribeEndpoint":                      `{"EndpointName":"ep"}`,
		"DeleteEndpoint":                        `{"EndpointName":"ep"}`,
		"DescribeModel":                         `{"ModelName":"m"}`,
		"DeleteModel":                           `{"ModelName":"m"}`,
		"DescribeEndpointConfig":                `{"EndpointConfigName":"c"}`,
		"DeleteEndpointConfig":                  `{"EndpointConfigName":"c"}`,
		"Bogus":                                 `[1,2]`,
	}
	for _, op := range slices.Sorted(maps.Keys(seeds)) {
		f.Add(op, seeds[op])
		f.Add(op, `{}`)
	}
	rt := serving.New(serving.Options{Clock: clock.Real{}, HostCPUs: 2,
		Commands: func(string, map[string]string) (*exec.Cmd, error) {
			return nil, errors.New("no processes while fuzzing")
		}})
	f.Cleanup(func() { _ = rt.Close() })
	api, err := sagemaker.NewAPI(sagemaker.Options{Runtime: rt, Region: "us-west-2", DataDir: f.TempDir()})
	if err != nil {
		f.Fatal(err)
	}
	svc := api.Service()
	f.Fuzz(func(t *testing.T, op, body string) {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "SageMaker."+op)
		rec := httptest.NewRecorder()
		svc.ServeHTTP(rec, req.WithContext(auth.WithAccount(req.Context(), acct)))
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
		if want, ok := smErrorTypes[typ]; !ok || want != res.StatusCode {
			t.Fatalf("%s %q: status %d, body %s", op, body, res.StatusCode, b)
		}
		msg, _ := obj["message"].(string)
		if msg == "" {
			msg, _ = obj["Message"].(string)
		}
		if msg == "" {
			t.Fatalf("%s %q: error without a message: %s", op, body, b)
		}
	})
}
