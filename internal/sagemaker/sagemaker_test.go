package sagemaker_test

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
	sm "github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
	"github.com/aws/aws-sdk-go-v2/service/sagemakerruntime"
	rttypes "github.com/aws/aws-sdk-go-v2/service/sagemakerruntime/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/sagemaker"
	"github.com/scaled-dev/scaled/internal/serving"
)

const acct = "111122223333"

type env struct {
	url string
	rt  *serving.Runtime
	api *sagemaker.API
	sm  *sm.Client
	run *sagemakerruntime.Client
}

func newEnv(t *testing.T, dataDir string, mod func(*serving.Options)) *env {
	t.Helper()
	return newEnvClock(t, dataDir, mod, nil)
}

// newEnvClock is newEnv with the clock of the SageMaker API (creation and modification
// times); the runtime keeps the real clock, since its copies are real processes.
func newEnvClock(t *testing.T, dataDir string, mod func(*serving.Options), clk clock.Clock) *env {
	t.Helper()
	o := serving.Options{Clock: clock.Real{}, Commands: testCommands, HostCPUs: 8, StopGrace: 5 * time.Second, PingInterval: 10 * time.Millisecond}
	if mod != nil {
		mod(&o)
	}
	rt := serving.New(o)
	api, err := sagemaker.NewAPI(sagemaker.Options{Runtime: rt, Region: "us-west-2", DataDir: dataDir, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /endpoints/", rt.Handler())
	mux.Handle("/", api.Service())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r.WithContext(auth.WithAccount(r.Context(), acct)))
	}))
	t.Cleanup(func() { srv.Close(); _ = rt.Close() })
	creds := credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")
	return &env{
		url: srv.URL,
		rt:  rt,
		api: api,
		sm: sm.New(sm.Options{Region: "us-west-2", BaseEndpoint: aws.String(srv.URL), Credentials: creds,
			RetryMaxAttempts: 1}),
		run: sagemakerruntime.New(sagemakerruntime.Options{Region: "us-west-2", BaseEndpoint: aws.String(srv.URL),
			Credentials: creds, RetryMaxAttempts: 1}),
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func (e *env) setup(t *testing.T, modelEnv map[string]string) {
	t.Helper()
	ctx := ctxT(t)
	if _, err := e.sm.CreateModel(ctx, &sm.CreateModelInput{ModelName: aws.String("m"),
		PrimaryContainer: &smtypes.ContainerDefinition{Image: aws.String(serving.ModelServerImage), Environment: modelEnv}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sm.CreateEndpointConfig(ctx, &sm.CreateEndpointConfigInput{EndpointConfigName: aws.String("cfg"),
		ProductionVariants: []smtypes.ProductionVariant{{VariantName: aws.String("AllTraffic"), InstanceType: smtypes.ProductionVariantInstanceTypeMlG52xlarge,
			InitialInstanceCount: aws.Int32(1), ManagedInstanceScaling: &smtypes.ProductionVariantManagedInstanceScaling{
				Status: smtypes.ManagedInstanceScalingStatusEnabled, MinInstanceCount: aws.Int32(0), MaxInstanceCount: aws.Int32(2)}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sm.CreateEndpoint(ctx, &sm.CreateEndpointInput{EndpointName: aws.String("ep"), EndpointConfigName: aws.String("cfg")}); err != nil {
		t.Fatal(err)
	}
}

func createIC(ctx context.Context, e *env, copies int32) (*sm.CreateInferenceComponentOutput, error) {
	return e.sm.CreateInferenceComponent(ctx, &sm.CreateInferenceComponentInput{
		InferenceComponentName: aws.String("ic"), EndpointName: aws.String("ep"), VariantName: aws.String("AllTraffic"),
		Specification: &smtypes.InferenceComponentSpecification{ModelName: aws.String("m"),
			ComputeResourceRequirements: &smtypes.InferenceComponentComputeResourceRequirements{
				NumberOfCpuCoresRequired: aws.Float32(1), MinMemoryRequiredInMb: aws.Int32(256)}},
		RuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(copies)},
	})
}

func (e *env) wait(t *testing.T, n int) {
	t.Helper()
	if _, err := e.rt.WaitState(ctxT(t), acct, "ic", func(s serving.ComponentState) bool {
		return s.Status == serving.StatusInService && s.Current == n && len(s.Copies) == n
	}); err != nil {
		t.Fatal(err)
	}
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return ""
}

func TestEndToEnd(t *testing.T) {
	e := newEnv(t, t.TempDir(), nil)
	ctx := ctxT(t)
	e.setup(t, map[string]string{"SCALED_MODEL_SERVICE_TIME_MEAN": "1ms"})

	_, err := createIC(ctx, e, 0)
	if got := apiCode(err); got != "ValidationException: Inference components copy count an integer larger than 0" {
		t.Fatalf("CopyCount 0: %v", err)
	}
	out, err := createIC(ctx, e, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(out.InferenceComponentArn), "arn:aws:sagemaker:us-west-2:111122223333:inference-component/ic"; got != want {
		t.Errorf("ARN %s, want %s", got, want)
	}
	e.wait(t, 1)
	d, err := e.sm.DescribeInferenceComponent(ctx, &sm.DescribeInferenceComponentInput{InferenceComponentName: aws.String("ic")})
	if err != nil {
		t.Fatal(err)
	}
	type view struct {
		Status, Endpoint, EndpointArn, Variant, Model string
		Desired, Current                              int32
	}
	got := view{string(d.InferenceComponentStatus), aws.ToString(d.EndpointName), aws.ToString(d.EndpointArn), aws.ToString(d.VariantName),
		aws.ToString(d.Specification.ModelName), aws.ToInt32(d.RuntimeConfig.DesiredCopyCount), aws.ToInt32(d.RuntimeConfig.CurrentCopyCount)}
	want := view{"InService", "ep", "arn:aws:sagemaker:us-west-2:111122223333:endpoint/ep", "AllTraffic", "m", 1, 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DescribeInferenceComponent (-want +got):\n%s", diff)
	}
	if d.CreationTime == nil || d.CreationTime.IsZero() {
		t.Errorf("CreationTime missing")
	}

	inv, err := e.run.InvokeEndpoint(ctx, &sagemakerruntime.InvokeEndpointInput{EndpointName: aws.String("ep"),
		InferenceComponentName: aws.String("ic"), ContentType: aws.String("application/json"), Body: []byte(`{"inputs":"hi"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(inv.InvokedProductionVariant) != "AllTraffic" || !strings.Contains(string(inv.Body), `"inputBytes":15`) {
		t.Errorf("InvokeEndpoint = variant %q body %s", aws.ToString(inv.InvokedProductionVariant), inv.Body)
	}
	// Missing header and wrong endpoint.
	_, err = e.run.InvokeEndpoint(ctx, &sagemakerruntime.InvokeEndpointInput{EndpointName: aws.String("ep"), Body: []byte("x")})
	var ve *rttypes.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(ve.ErrorMessage(), "Inference Component Name header is required") {
		t.Errorf("invoke without component header: %v", err)
	}

	// Scale out and in.
	if _, err := e.sm.UpdateInferenceComponentRuntimeConfig(ctx, &sm.UpdateInferenceComponentRuntimeConfigInput{
		InferenceComponentName: aws.String("ic"), DesiredRuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(2)}}); err != nil {
		t.Fatal(err)
	}
	e.wait(t, 2)
	d, _ = e.sm.DescribeInferenceComponent(ctx, &sm.DescribeInferenceComponentInput{InferenceComponentName: aws.String("ic")})
	if aws.ToInt32(d.RuntimeConfig.CurrentCopyCount) != 2 || d.InferenceComponentStatus != smtypes.InferenceComponentStatusInService {
		t.Errorf("after scale-out: %+v %s", d.RuntimeConfig, d.InferenceComponentStatus)
	}
	if _, err := e.sm.UpdateInferenceComponentRuntimeConfig(ctx, &sm.UpdateInferenceComponentRuntimeConfigInput{
		InferenceComponentName: aws.String("ic"), DesiredRuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(0)}}); err != nil {
		t.Fatal(err)
	}
	e.wait(t, 0)
	_, err = e.run.InvokeEndpoint(ctx, &sagemakerruntime.InvokeEndpointInput{EndpointName: aws.String("ep"),
		InferenceComponentName: aws.String("ic"), Body: []byte("x")})
	if !errors.As(err, &ve) || !strings.Contains(ve.ErrorMessage(), "no capacity") {
		t.Errorf("invoke at zero copies: %v, want ValidationError about no capacity", err)
	}

	list, err := e.sm.ListInferenceComponents(ctx, &sm.ListInferenceComponentsInput{EndpointNameEquals: aws.String("ep")})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.InferenceComponents) != 1 || aws.ToString(list.InferenceComponents[0].InferenceComponentName) != "ic" {
		t.Errorf("ListInferenceComponents = %+v", list.InferenceComponents)
	}
	_, err = e.sm.DeleteEndpoint(ctx, &sm.DeleteEndpointInput{EndpointName: aws.String("ep")})
	if !strings.HasPrefix(apiCode(err), "ResourceInUse") {
		t.Errorf("DeleteEndpoint with a component: %v, want ResourceInUse", err)
	}
	if _, err := e.sm.DeleteInferenceComponent(ctx, &sm.DeleteInferenceComponentInput{InferenceComponentName: aws.String("ic")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.sm.DescribeInferenceComponent(ctx, &sm.DescribeInferenceComponentInput{InferenceComponentName: aws.String("ic")})
	if !strings.HasPrefix(apiCode(err), "ValidationException: Could not find inference component") {
		t.Errorf("describe after delete: %v", err)
	}
	if _, err := e.sm.DeleteEndpoint(ctx, &sm.DeleteEndpointInput{EndpointName: aws.String("ep")}); err != nil {
		t.Fatal(err)
	}
	ed, err := e.sm.DescribeEndpoint(ctx, &sm.DescribeEndpointInput{EndpointName: aws.String("ep")})
	if err == nil {
		t.Errorf("DescribeEndpoint after delete = %+v", ed)
	}
}

func TestModelErrorCarriesOriginalStatus(t *testing.T) {
	e := newEnv(t, "", nil)
	ctx := ctxT(t)
	e.setup(t, map[string]string{"SCALED_MODEL_SERVICE_TIME_MEAN": "0s", "SCALED_MODEL_FAILURE_RATE": "1"})
	if _, err := createIC(ctx, e, 1); err != nil {
		t.Fatal(err)
	}
	e.wait(t, 1)
	_, err := e.run.InvokeEndpoint(ctx, &sagemakerruntime.InvokeEndpointInput{EndpointName: aws.String("ep"),
		InferenceComponentName: aws.String("ic"), Body: []byte("x")})
	var me *rttypes.ModelError
	if !errors.As(err, &me) {
		t.Fatalf("invoke: %v, want ModelError", err)
	}
	if aws.ToInt32(me.OriginalStatusCode) != 500 || !strings.Contains(aws.ToString(me.OriginalMessage), "synthetic model failure") {
		t.Errorf("ModelError = status %d message %q", aws.ToInt32(me.OriginalStatusCode), aws.ToString(me.OriginalMessage))
	}
}

func TestComponentsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, dir, nil)
	ctx := ctxT(t)
	e.setup(t, nil)
	if _, err := createIC(ctx, e, 2); err != nil {
		t.Fatal(err)
	}
	e.wait(t, 2)
	if err := e.rt.Close(); err != nil {
		t.Fatal(err)
	}
	e2 := newEnv(t, dir, nil)
	e2.wait(t, 2)
	d, err := e2.sm.DescribeInferenceComponent(ctx, &sm.DescribeInferenceComponentInput{InferenceComponentName: aws.String("ic")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(d.RuntimeConfig.DesiredCopyCount) != 2 || aws.ToString(d.EndpointName) != "ep" {
		t.Errorf("restored component: %+v endpoint %s", d.RuntimeConfig, aws.ToString(d.EndpointName))
	}
	if _, err := e2.sm.DescribeEndpoint(ctx, &sm.DescribeEndpointInput{EndpointName: aws.String("ep")}); err != nil {
		t.Errorf("restored endpoint: %v", err)
	}
}

func TestHoldModeWakesWithACopy(t *testing.T) {
	e := newEnv(t, "", func(o *serving.Options) { o.HoldWhenZero = true; o.HoldTimeout = 20 * time.Second })
	ctx := ctxT(t)
	e.setup(t, nil)
	if _, err := createIC(ctx, e, 1); err != nil {
		t.Fatal(err)
	}
	e.wait(t, 1)
	if err := e.api.SetCopyCount(ctx, acct, "ic", 0); err != nil {
		t.Fatal(err)
	}
	e.wait(t, 0)
	done := make(chan error, 1)
	go func() {
		_, err := e.run.InvokeEndpoint(ctx, &sagemakerruntime.InvokeEndpointInput{EndpointName: aws.String("ep"),
			InferenceComponentName: aws.String("ic"), Body: []byte("x")})
		done <- err
	}()
	if _, err := e.rt.WaitState(ctx, acct, "ic", func(s serving.ComponentState) bool { return s.Held == 1 }); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sm.UpdateInferenceComponentRuntimeConfig(ctx, &sm.UpdateInferenceComponentRuntimeConfigInput{
		InferenceComponentName: aws.String("ic"), DesiredRuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(1)}}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("held invocation: %v", err)
	}
}

func TestValidation(t *testing.T) {
	e := newEnv(t, "", nil)
	ctx := ctxT(t)
	e.setup(t, nil)
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"bad component name", func() error {
			_, err := e.sm.DescribeInferenceComponent(ctx, &sm.DescribeInferenceComponentInput{InferenceComponentName: aws.String("bad_name")})
			return err
		}, "ValidationException: 1 validation error detected: Value 'bad_name' at 'inferenceComponentName'"},
		{"unknown endpoint", func() error {
			_, err := e.sm.CreateInferenceComponent(ctx, &sm.CreateInferenceComponentInput{InferenceComponentName: aws.String("x"), EndpointName: aws.String("nope"),
				Specification: &smtypes.InferenceComponentSpecification{ModelName: aws.String("m"),
					ComputeResourceRequirements: &smtypes.InferenceComponentComputeResourceRequirements{MinMemoryRequiredInMb: aws.Int32(128)}},
				RuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(1)}})
			return err
		}, `ValidationException: Could not find endpoint "arn:aws:sagemaker:us-west-2:111122223333:endpoint/nope".`},
		{"missing memory", func() error {
			_, err := e.sm.CreateInferenceComponent(ctx, &sm.CreateInferenceComponentInput{InferenceComponentName: aws.String("x"), EndpointName: aws.String("ep"),
				Specification: &smtypes.InferenceComponentSpecification{ModelName: aws.String("m")},
				RuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(1)}})
			return err
		}, "ValidationException: Specification.ComputeResourceRequirements with MinMemoryRequiredInMb is required for inference component x"},
		{"update unknown", func() error {
			_, err := e.sm.UpdateInferenceComponentRuntimeConfig(ctx, &sm.UpdateInferenceComponentRuntimeConfigInput{InferenceComponentName: aws.String("nope"),
				DesiredRuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(1)}})
			return err
		}, `ValidationException: Could not find inference component "arn:aws:sagemaker:us-west-2:111122223333:inference-component/nope".`},
		{"copy limit", func() error {
			_, err := e.sm.UpdateInferenceComponentRuntimeConfig(ctx, &sm.UpdateInferenceComponentRuntimeConfigInput{InferenceComponentName: aws.String("nope"),
				DesiredRuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(101)}})
			return err
		}, `ResourceLimitExceeded: Copy count 101 exceeds the limit of 100`},
		{"duplicate model", func() error {
			_, err := e.sm.CreateModel(ctx, &sm.CreateModelInput{ModelName: aws.String("m"), PrimaryContainer: &smtypes.ContainerDefinition{Image: aws.String("x")}})
			return err
		}, `ValidationException: Cannot create already existing model`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := apiCode(tc.call()); !strings.HasPrefix(got, tc.want) {
				t.Errorf("error %q, want prefix %q", got, tc.want)
			}
		})
	}
}
