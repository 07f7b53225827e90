package sagemaker_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sm "github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/sagemaker"
	"github.com/scaled-dev/scaled/internal/serving"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

const arnPrefix = "arn:aws:sagemaker:us-west-2:111122223333:"

// ignoreSDK drops the SDK's unexported members and response metadata from comparisons.
var ignoreSDK = cmp.Options{
	cmpopts.IgnoreUnexported(smtypes.InferenceComponentSummary{}, smtypes.ContainerDefinition{}, smtypes.ProductionVariant{},
		smtypes.ProductionVariantManagedInstanceScaling{}, smtypes.ProductionVariantRoutingConfig{}, smtypes.ProductionVariantSummary{},
		sm.DescribeModelOutput{}, sm.DescribeEndpointConfigOutput{}, sm.DescribeEndpointOutput{}),
	cmpopts.IgnoreFields(sm.DescribeModelOutput{}, "ResultMetadata"),
	cmpopts.IgnoreFields(sm.DescribeEndpointConfigOutput{}, "ResultMetadata"),
	cmpopts.IgnoreFields(sm.DescribeEndpointOutput{}, "ResultMetadata"),
}

// raw posts a body to an operation without the SDK (which refuses requests that lack a
// required member before sending them) and returns "<__type>: <Message>" or "" on success.
func raw(t *testing.T, e *env, op, body string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(ctxT(t), http.MethodPost, e.url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", "SageMaker."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK {
		return ""
	}
	var out struct {
		Type    string `json:"__type"`
		Message string
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: status %d, body %s", op, resp.StatusCode, b)
	}
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("%s: status %d, want 400 for %s", op, resp.StatusCode, out.Type)
	}
	return out.Type + ": " + out.Message
}

// pendingIC creates a component whose copies can never be placed (each needs more CPU cores
// than the host has), so it stays Creating without starting a process.
func pendingIC(ctx context.Context, e *env, name, endpoint, variant string) error {
	_, err := e.sm.CreateInferenceComponent(ctx, &sm.CreateInferenceComponentInput{
		InferenceComponentName: aws.String(name), EndpointName: aws.String(endpoint), VariantName: aws.String(variant),
		Specification: &smtypes.InferenceComponentSpecification{ModelName: aws.String("m"),
			ComputeResourceRequirements: &smtypes.InferenceComponentComputeResourceRequirements{
				NumberOfCpuCoresRequired: aws.Float32(64), MinMemoryRequiredInMb: aws.Int32(128)}},
		RuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(1)},
	})
	return err
}

// listFixture builds two endpoints with variants A and B and five components created one
// minute apart: alpha (ep1/A), beta (ep1/B), gamma-1 (ep2/A), delta (ep2/B) pending, and
// live (ep2/A) in service; alpha's copy count is then changed at t0+10m.
func listFixture(t *testing.T) (*env, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(t0)
	e := newEnvClock(t, "", nil, clk)
	ctx := ctxT(t)
	if _, err := e.sm.CreateModel(ctx, &sm.CreateModelInput{ModelName: aws.String("m"),
		PrimaryContainer: &smtypes.ContainerDefinition{Image: aws.String(serving.ModelServerImage)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sm.CreateEndpointConfig(ctx, &sm.CreateEndpointConfigInput{EndpointConfigName: aws.String("cfg"),
		ProductionVariants: []smtypes.ProductionVariant{{VariantName: aws.String("A")}, {VariantName: aws.String("B")}}}); err != nil {
		t.Fatal(err)
	}
	for _, ep := range []string{"ep1", "ep2"} {
		if _, err := e.sm.CreateEndpoint(ctx, &sm.CreateEndpointInput{EndpointName: aws.String(ep), EndpointConfigName: aws.String("cfg")}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ name, ep, variant string }{{"alpha", "ep1", "A"}, {"beta", "ep1", "B"}, {"gamma-1", "ep2", "A"}, {"delta", "ep2", "B"}} {
		clk.Advance(time.Minute)
		if err := pendingIC(ctx, e, c.name, c.ep, c.variant); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(time.Minute)
	if _, err := e.sm.CreateInferenceComponent(ctx, &sm.CreateInferenceComponentInput{
		InferenceComponentName: aws.String("live"), EndpointName: aws.String("ep2"), VariantName: aws.String("A"),
		Specification: &smtypes.InferenceComponentSpecification{ModelName: aws.String("m"),
			ComputeResourceRequirements: &smtypes.InferenceComponentComputeResourceRequirements{
				NumberOfCpuCoresRequired: aws.Float32(0.5), MinMemoryRequiredInMb: aws.Int32(128)}},
		RuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(1)},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.rt.WaitState(ctx, acct, "live", func(s serving.ComponentState) bool { return s.Status == serving.StatusInService }); err != nil {
		t.Fatal(err)
	}
	clk.Set(t0.Add(10 * time.Minute))
	if _, err := e.sm.UpdateInferenceComponentRuntimeConfig(ctx, &sm.UpdateInferenceComponentRuntimeConfigInput{
		InferenceComponentName: aws.String("alpha"), DesiredRuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(2)}}); err != nil {
		t.Fatal(err)
	}
	return e, clk
}

func names(list []smtypes.InferenceComponentSummary) []string {
	out := []string{}
	for _, s := range list {
		out = append(out, aws.ToString(s.InferenceComponentName))
	}
	return out
}

func TestListInferenceComponents(t *testing.T) {
	e, _ := listFixture(t)
	ctx := ctxT(t)
	at := func(m int) *time.Time { v := t0.Add(time.Duration(m) * time.Minute); return &v }
	tests := []struct {
		name string
		in   sm.ListInferenceComponentsInput
		want []string
	}{
		{"default: newest first", sm.ListInferenceComponentsInput{}, []string{"live", "delta", "gamma-1", "beta", "alpha"}},
		{"NameContains", sm.ListInferenceComponentsInput{NameContains: aws.String("a")}, []string{"delta", "gamma-1", "beta", "alpha"}},
		{"NameContains with hyphen", sm.ListInferenceComponentsInput{NameContains: aws.String("a-1")}, []string{"gamma-1"}},
		{"NameContains is case sensitive", sm.ListInferenceComponentsInput{NameContains: aws.String("ALPHA")}, []string{}},
		{"EndpointNameEquals", sm.ListInferenceComponentsInput{EndpointNameEquals: aws.String("ep1")}, []string{"beta", "alpha"}},
		{"EndpointNameEquals unknown", sm.ListInferenceComponentsInput{EndpointNameEquals: aws.String("ep3")}, []string{}},
		{"VariantNameEquals", sm.ListInferenceComponentsInput{VariantNameEquals: aws.String("B")}, []string{"delta", "beta"}},
		{"endpoint and variant", sm.ListInferenceComponentsInput{EndpointNameEquals: aws.String("ep2"), VariantNameEquals: aws.String("A")}, []string{"live", "gamma-1"}},
		{"StatusEquals InService", sm.ListInferenceComponentsInput{StatusEquals: smtypes.InferenceComponentStatusInService}, []string{"live"}},
		{"StatusEquals Creating", sm.ListInferenceComponentsInput{StatusEquals: smtypes.InferenceComponentStatusCreating}, []string{"delta", "gamma-1", "beta", "alpha"}},
		{"StatusEquals Failed", sm.ListInferenceComponentsInput{StatusEquals: smtypes.InferenceComponentStatusFailed}, []string{}},
		{"CreationTimeAfter is exclusive", sm.ListInferenceComponentsInput{CreationTimeAfter: at(2)}, []string{"live", "delta", "gamma-1"}},
		{"CreationTimeBefore is exclusive", sm.ListInferenceComponentsInput{CreationTimeBefore: at(2)}, []string{"alpha"}},
		{"creation window", sm.ListInferenceComponentsInput{CreationTimeAfter: at(1), CreationTimeBefore: at(4)}, []string{"gamma-1", "beta"}},
		{"LastModifiedTimeAfter", sm.ListInferenceComponentsInput{LastModifiedTimeAfter: at(9)}, []string{"alpha"}},
		{"LastModifiedTimeBefore", sm.ListInferenceComponentsInput{LastModifiedTimeBefore: at(4)}, []string{"gamma-1", "beta"}},
		{"SortBy Name Ascending", sm.ListInferenceComponentsInput{SortBy: smtypes.InferenceComponentSortKeyName, SortOrder: smtypes.OrderKeyAscending},
			[]string{"alpha", "beta", "delta", "gamma-1", "live"}},
		{"SortBy Name Descending", sm.ListInferenceComponentsInput{SortBy: smtypes.InferenceComponentSortKeyName, SortOrder: smtypes.OrderKeyDescending},
			[]string{"live", "gamma-1", "delta", "beta", "alpha"}},
		{"SortBy CreationTime Ascending", sm.ListInferenceComponentsInput{SortBy: smtypes.InferenceComponentSortKeyCreationTime, SortOrder: smtypes.OrderKeyAscending},
			[]string{"alpha", "beta", "gamma-1", "delta", "live"}},
		{"SortBy Status Ascending, then name", sm.ListInferenceComponentsInput{SortBy: smtypes.InferenceComponentSortKeyStatus, SortOrder: smtypes.OrderKeyAscending},
			[]string{"alpha", "beta", "delta", "gamma-1", "live"}},
		{"SortBy Status Descending", sm.ListInferenceComponentsInput{SortBy: smtypes.InferenceComponentSortKeyStatus},
			[]string{"live", "gamma-1", "delta", "beta", "alpha"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.sm.ListInferenceComponents(ctx, &tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, names(out.InferenceComponents)); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
			if out.NextToken != nil {
				t.Errorf("NextToken = %q on the only page", *out.NextToken)
			}
		})
	}

	out, err := e.sm.ListInferenceComponents(ctx, &sm.ListInferenceComponentsInput{NameContains: aws.String("alpha")})
	if err != nil {
		t.Fatal(err)
	}
	want := []smtypes.InferenceComponentSummary{{
		CreationTime: at(1), LastModifiedTime: at(10),
		EndpointArn: aws.String(arnPrefix + "endpoint/ep1"), EndpointName: aws.String("ep1"),
		InferenceComponentArn: aws.String(arnPrefix + "inference-component/alpha"), InferenceComponentName: aws.String("alpha"),
		VariantName: aws.String("A"), InferenceComponentStatus: smtypes.InferenceComponentStatusCreating,
	}}
	if diff := cmp.Diff(want, out.InferenceComponents, ignoreSDK); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}

func TestListInferenceComponentsPagination(t *testing.T) {
	e, _ := listFixture(t)
	ctx := ctxT(t)
	in := &sm.ListInferenceComponentsInput{SortBy: smtypes.InferenceComponentSortKeyName, SortOrder: smtypes.OrderKeyAscending, MaxResults: aws.Int32(2)}
	p := sm.NewListInferenceComponentsPaginator(e.sm, in)
	var pages [][]string
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, names(out.InferenceComponents))
	}
	if diff := cmp.Diff([][]string{{"alpha", "beta"}, {"delta", "gamma-1"}, {"live"}}, pages); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}

	// Default page size is 10: everything on one page.
	all, err := e.sm.ListInferenceComponents(ctx, &sm.ListInferenceComponentsInput{})
	if err != nil || len(all.InferenceComponents) != 5 || all.NextToken != nil {
		t.Fatalf("default page = %v, %v", all, err)
	}

	first, err := e.sm.ListInferenceComponents(ctx, in)
	if err != nil || first.NextToken == nil {
		t.Fatalf("first page: %v, %v", first, err)
	}
	tok := *first.NextToken
	offset, mac, _ := strings.Cut(tok, ".")
	invalid := func(s string) string {
		return `ValidationException: Invalid pagination token "` + s + `": pass the NextToken of the previous response unchanged, with the same filters and sort.`
	}
	tests := []struct {
		name string
		in   sm.ListInferenceComponentsInput
		want string
	}{
		{"offset changed", sm.ListInferenceComponentsInput{SortBy: in.SortBy, SortOrder: in.SortOrder, MaxResults: in.MaxResults,
			NextToken: aws.String("NA." + mac)}, invalid("NA." + mac)},
		{"checksum changed", sm.ListInferenceComponentsInput{SortBy: in.SortBy, SortOrder: in.SortOrder, MaxResults: in.MaxResults,
			NextToken: aws.String(offset + ".AAAAAAAAAAAAAAAA")}, invalid(offset + ".AAAAAAAAAAAAAAAA")},
		{"not a token", sm.ListInferenceComponentsInput{NextToken: aws.String("garbage")}, invalid("garbage")},
		{"bad base64", sm.ListInferenceComponentsInput{NextToken: aws.String("!!.??")}, invalid("!!.??")},
		{"other filter", sm.ListInferenceComponentsInput{SortBy: in.SortBy, SortOrder: in.SortOrder, MaxResults: in.MaxResults,
			NameContains: aws.String("a"), NextToken: aws.String(tok)}, invalid(tok)},
		{"other sort", sm.ListInferenceComponentsInput{SortBy: smtypes.InferenceComponentSortKeyCreationTime, SortOrder: in.SortOrder,
			MaxResults: in.MaxResults, NextToken: aws.String(tok)}, invalid(tok)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.sm.ListInferenceComponents(ctx, &tc.in)
			if got := apiCode(err); got != tc.want {
				t.Errorf("error %q\nwant  %q", got, tc.want)
			}
		})
	}

	// The same token with another page size is still valid: MaxResults is not part of it.
	out, err := e.sm.ListInferenceComponents(ctx, &sm.ListInferenceComponentsInput{SortBy: in.SortBy, SortOrder: in.SortOrder,
		MaxResults: aws.Int32(100), NextToken: aws.String(tok)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"delta", "gamma-1", "live"}, names(out.InferenceComponents)); diff != "" {
		t.Errorf("rest (-want +got):\n%s", diff)
	}

	// A component deleted between pages shortens the listing; the token stays valid.
	if _, err := e.sm.DeleteInferenceComponent(ctx, &sm.DeleteInferenceComponentInput{InferenceComponentName: aws.String("alpha")}); err != nil {
		t.Fatal(err)
	}
	out, err = e.sm.ListInferenceComponents(ctx, &sm.ListInferenceComponentsInput{SortBy: in.SortBy, SortOrder: in.SortOrder,
		MaxResults: in.MaxResults, NextToken: aws.String(tok)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"gamma-1", "live"}, names(out.InferenceComponents)); diff != "" {
		t.Errorf("after delete (-want +got):\n%s", diff)
	}
}

func TestModelsConfigsAndEndpoints(t *testing.T) {
	clk := clock.NewFake(t0)
	e := newEnvClock(t, "", nil, clk)
	ctx := ctxT(t)
	check := func(t *testing.T, err error, want string) {
		t.Helper()
		if got := apiCode(err); got != want {
			t.Errorf("error %q\nwant  %q", got, want)
		}
	}

	container := &smtypes.ContainerDefinition{Image: aws.String("my-model:dev"), ModelDataUrl: aws.String("s3://bucket/model.tar.gz"),
		Environment: map[string]string{"A": "1"}, Mode: smtypes.ContainerModeSingleModel}
	role := "arn:aws:iam::111122223333:role/service-role/SageMakerRole"
	cm, err := e.sm.CreateModel(ctx, &sm.CreateModelInput{ModelName: aws.String("My-Model"), PrimaryContainer: container, ExecutionRoleArn: aws.String(role),
		Tags: []smtypes.Tag{{Key: aws.String("team"), Value: aws.String("ml")}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(cm.ModelArn), arnPrefix+"model/my-model"; got != want {
		t.Errorf("ModelArn %s, want %s (names are lower-cased in ARNs)", got, want)
	}
	dm, err := e.sm.DescribeModel(ctx, &sm.DescribeModelInput{ModelName: aws.String("My-Model")})
	if err != nil {
		t.Fatal(err)
	}
	wantModel := &sm.DescribeModelOutput{ModelName: aws.String("My-Model"), ModelArn: aws.String(arnPrefix + "model/my-model"),
		CreationTime: &t0, PrimaryContainer: container, ExecutionRoleArn: aws.String(role)}
	if diff := cmp.Diff(wantModel, dm, ignoreSDK); diff != "" {
		t.Errorf("DescribeModel (-want +got):\n%s", diff)
	}
	_, err = e.sm.CreateModel(ctx, &sm.CreateModelInput{ModelName: aws.String("My-Model"), PrimaryContainer: container})
	check(t, err, `ValidationException: Cannot create already existing model "`+arnPrefix+`model/my-model".`)
	_, err = e.sm.CreateModel(ctx, &sm.CreateModelInput{ModelName: aws.String("no-image")})
	check(t, err, "ValidationException: Model no-image needs a container image: set PrimaryContainer.Image or Containers[0].Image")
	if _, err := e.sm.CreateModel(ctx, &sm.CreateModelInput{ModelName: aws.String("multi"),
		Containers: []smtypes.ContainerDefinition{{Image: aws.String("x")}}}); err != nil {
		t.Errorf("model with Containers: %v", err)
	}

	// Endpoint configurations.
	variants := []smtypes.ProductionVariant{
		{VariantName: aws.String("AllTraffic"), ModelName: aws.String("My-Model"), InstanceType: smtypes.ProductionVariantInstanceTypeMlG52xlarge,
			InitialInstanceCount: aws.Int32(1), InitialVariantWeight: aws.Float32(0.5),
			ManagedInstanceScaling: &smtypes.ProductionVariantManagedInstanceScaling{Status: smtypes.ManagedInstanceScalingStatusEnabled,
				MinInstanceCount: aws.Int32(0), MaxInstanceCount: aws.Int32(2)},
			RoutingConfig: &smtypes.ProductionVariantRoutingConfig{RoutingStrategy: smtypes.RoutingStrategyLeastOutstandingRequests}},
		{VariantName: aws.String("Shadow")},
	}
	clk.Advance(time.Second)
	cc, err := e.sm.CreateEndpointConfig(ctx, &sm.CreateEndpointConfigInput{EndpointConfigName: aws.String("cfg"), ProductionVariants: variants})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(cc.EndpointConfigArn), arnPrefix+"endpoint-config/cfg"; got != want {
		t.Errorf("EndpointConfigArn %s, want %s", got, want)
	}
	dc, err := e.sm.DescribeEndpointConfig(ctx, &sm.DescribeEndpointConfigInput{EndpointConfigName: aws.String("cfg")})
	if err != nil {
		t.Fatal(err)
	}
	t1 := t0.Add(time.Second)
	wantCfg := &sm.DescribeEndpointConfigOutput{EndpointConfigName: aws.String("cfg"), EndpointConfigArn: aws.String(arnPrefix + "endpoint-config/cfg"),
		CreationTime: &t1, ProductionVariants: variants}
	if diff := cmp.Diff(wantCfg, dc, ignoreSDK); diff != "" {
		t.Errorf("DescribeEndpointConfig (-want +got):\n%s", diff)
	}
	one := []smtypes.ProductionVariant{{VariantName: aws.String("v")}}
	_, err = e.sm.CreateEndpointConfig(ctx, &sm.CreateEndpointConfigInput{EndpointConfigName: aws.String("cfg"), ProductionVariants: one})
	check(t, err, `ValidationException: Cannot create already existing endpoint configuration "`+arnPrefix+`endpoint-config/cfg".`)
	_, err = e.sm.CreateEndpointConfig(ctx, &sm.CreateEndpointConfigInput{EndpointConfigName: aws.String("c2"),
		ProductionVariants: []smtypes.ProductionVariant{{VariantName: aws.String("v"), ModelName: aws.String("nope")}}})
	check(t, err, `ValidationException: Could not find model "`+arnPrefix+`model/nope".`)
	_, err = e.sm.CreateEndpointConfig(ctx, &sm.CreateEndpointConfigInput{EndpointConfigName: aws.String("c2"),
		ProductionVariants: []smtypes.ProductionVariant{{VariantName: aws.String("v")}, {VariantName: aws.String("v")}}})
	check(t, err, "ValidationException: Variant name v appears more than once in ProductionVariants.")
	_, err = e.sm.CreateEndpointConfig(ctx, &sm.CreateEndpointConfigInput{EndpointConfigName: aws.String("c2"),
		ProductionVariants: []smtypes.ProductionVariant{{VariantName: aws.String("v"), ManagedInstanceScaling: &smtypes.ProductionVariantManagedInstanceScaling{
			MinInstanceCount: aws.Int32(3), MaxInstanceCount: aws.Int32(2)}}}})
	check(t, err, "ValidationException: ManagedInstanceScaling.MinInstanceCount 3 of variant v is greater than its MaxInstanceCount 2.")
	_, err = e.sm.DescribeEndpointConfig(ctx, &sm.DescribeEndpointConfigInput{EndpointConfigName: aws.String("c2")})
	check(t, err, `ValidationException: Could not find endpoint configuration "`+arnPrefix+`endpoint-config/c2".`)

	// Endpoints.
	_, err = e.sm.CreateEndpoint(ctx, &sm.CreateEndpointInput{EndpointName: aws.String("ep"), EndpointConfigName: aws.String("c2")})
	check(t, err, `ValidationException: Could not find endpoint configuration "`+arnPrefix+`endpoint-config/c2".`)
	clk.Advance(time.Second)
	ce, err := e.sm.CreateEndpoint(ctx, &sm.CreateEndpointInput{EndpointName: aws.String("ep"), EndpointConfigName: aws.String("cfg")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(ce.EndpointArn), arnPrefix+"endpoint/ep"; got != want {
		t.Errorf("EndpointArn %s, want %s", got, want)
	}
	_, err = e.sm.CreateEndpoint(ctx, &sm.CreateEndpointInput{EndpointName: aws.String("ep"), EndpointConfigName: aws.String("cfg")})
	check(t, err, `ValidationException: Cannot create already existing endpoint "`+arnPrefix+`endpoint/ep".`)

	// A configuration and a model can be deleted while an endpoint uses them (SageMaker allows
	// it); the endpoint keeps describing its variants.
	if _, err := e.sm.DeleteEndpointConfig(ctx, &sm.DeleteEndpointConfigInput{EndpointConfigName: aws.String("cfg")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sm.DeleteModel(ctx, &sm.DeleteModelInput{ModelName: aws.String("My-Model")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.sm.DeleteEndpointConfig(ctx, &sm.DeleteEndpointConfigInput{EndpointConfigName: aws.String("cfg")})
	check(t, err, `ValidationException: Could not find endpoint configuration "`+arnPrefix+`endpoint-config/cfg".`)
	_, err = e.sm.DeleteModel(ctx, &sm.DeleteModelInput{ModelName: aws.String("My-Model")})
	check(t, err, `ValidationException: Could not find model "`+arnPrefix+`model/my-model".`)
	_, err = e.sm.DescribeModel(ctx, &sm.DescribeModelInput{ModelName: aws.String("My-Model")})
	check(t, err, `ValidationException: Could not find model "`+arnPrefix+`model/my-model".`)

	de, err := e.sm.DescribeEndpoint(ctx, &sm.DescribeEndpointInput{EndpointName: aws.String("ep")})
	if err != nil {
		t.Fatal(err)
	}
	t2 := t0.Add(2 * time.Second)
	wantEP := &sm.DescribeEndpointOutput{EndpointName: aws.String("ep"), EndpointArn: aws.String(arnPrefix + "endpoint/ep"),
		EndpointConfigName: aws.String("cfg"), EndpointStatus: smtypes.EndpointStatusInService, CreationTime: &t2, LastModifiedTime: &t2,
		ProductionVariants: []smtypes.ProductionVariantSummary{
			{VariantName: aws.String("AllTraffic"), CurrentWeight: aws.Float32(0.5), DesiredWeight: aws.Float32(0.5),
				CurrentInstanceCount: aws.Int32(1), DesiredInstanceCount: aws.Int32(1), ManagedInstanceScaling: variants[0].ManagedInstanceScaling,
				RoutingConfig: variants[0].RoutingConfig},
			{VariantName: aws.String("Shadow"), CurrentWeight: aws.Float32(1), DesiredWeight: aws.Float32(1),
				CurrentInstanceCount: aws.Int32(1), DesiredInstanceCount: aws.Int32(1)},
		}}
	if diff := cmp.Diff(wantEP, de, ignoreSDK); diff != "" {
		t.Errorf("DescribeEndpoint (-want +got):\n%s", diff)
	}

	// Inference components can still be placed on the endpoint's variants.
	if _, err := e.sm.CreateModel(ctx, &sm.CreateModelInput{ModelName: aws.String("m"),
		PrimaryContainer: &smtypes.ContainerDefinition{Image: aws.String(serving.ModelServerImage)}}); err != nil {
		t.Fatal(err)
	}
	if err := pendingIC(ctx, e, "ic", "ep", "Shadow"); err != nil {
		t.Fatal(err)
	}
	_, err = e.sm.DeleteEndpoint(ctx, &sm.DeleteEndpointInput{EndpointName: aws.String("ep")})
	check(t, err, "ResourceInUse: Endpoint ep still hosts inference component ic; delete its inference components first.")
	if _, err := e.sm.DeleteInferenceComponent(ctx, &sm.DeleteInferenceComponentInput{InferenceComponentName: aws.String("ic")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.sm.DeleteInferenceComponent(ctx, &sm.DeleteInferenceComponentInput{InferenceComponentName: aws.String("ic")})
	check(t, err, `ValidationException: Could not find inference component "`+arnPrefix+`inference-component/ic".`)
	if _, err := e.sm.DeleteEndpoint(ctx, &sm.DeleteEndpointInput{EndpointName: aws.String("ep")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.sm.DeleteEndpoint(ctx, &sm.DeleteEndpointInput{EndpointName: aws.String("ep")})
	check(t, err, `ValidationException: Could not find endpoint "`+arnPrefix+`endpoint/ep".`)
	_, err = e.sm.DescribeEndpoint(ctx, &sm.DescribeEndpointInput{EndpointName: aws.String("ep")})
	check(t, err, `ValidationException: Could not find endpoint "`+arnPrefix+`endpoint/ep".`)
}

func TestCreateInferenceComponentRules(t *testing.T) {
	e := newEnv(t, "", nil)
	ctx := ctxT(t)
	e.setup(t, nil)
	if err := pendingIC(ctx, e, "taken", "ep", "AllTraffic"); err != nil {
		t.Fatal(err)
	}
	mem := &smtypes.InferenceComponentComputeResourceRequirements{MinMemoryRequiredInMb: aws.Int32(128)}
	one := &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(1)}
	spec := &smtypes.InferenceComponentSpecification{ModelName: aws.String("m"), ComputeResourceRequirements: mem}
	tests := []struct {
		name string
		in   sm.CreateInferenceComponentInput
		want string
	}{
		{"copy count 0", sm.CreateInferenceComponentInput{Specification: spec,
			RuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(0)}},
			"ValidationException: Inference components copy count an integer larger than 0"},
		{"over the copy limit", sm.CreateInferenceComponentInput{Specification: spec,
			RuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(101)}},
			"ResourceLimitExceeded: Copy count 101 exceeds the limit of 100 copies per inference component on this server."},
		{"no specification", sm.CreateInferenceComponentInput{RuntimeConfig: one},
			"ValidationException: Specification is required for inference component x."},
		{"no runtime config", sm.CreateInferenceComponentInput{Specification: spec},
			"ValidationException: RuntimeConfig.CopyCount is required for inference component x."},
		{"no compute requirements", sm.CreateInferenceComponentInput{RuntimeConfig: one,
			Specification: &smtypes.InferenceComponentSpecification{ModelName: aws.String("m")}},
			"ValidationException: Specification.ComputeResourceRequirements with MinMemoryRequiredInMb is required for inference component x: every copy reserves that much memory."},
		{"max memory below min", sm.CreateInferenceComponentInput{RuntimeConfig: one,
			Specification: &smtypes.InferenceComponentSpecification{ModelName: aws.String("m"),
				ComputeResourceRequirements: &smtypes.InferenceComponentComputeResourceRequirements{MinMemoryRequiredInMb: aws.Int32(512), MaxMemoryRequiredInMb: aws.Int32(256)}}},
			"ValidationException: MaxMemoryRequiredInMb 256 is less than MinMemoryRequiredInMb 512."},
		{"adapter component", sm.CreateInferenceComponentInput{RuntimeConfig: one,
			Specification: &smtypes.InferenceComponentSpecification{BaseInferenceComponentName: aws.String("taken"), ComputeResourceRequirements: mem}},
			"ValidationException: BaseInferenceComponentName is not supported by this server: inference component x must name its own model or container."},
		{"existing component", sm.CreateInferenceComponentInput{InferenceComponentName: aws.String("taken"), Specification: spec, RuntimeConfig: one},
			`ValidationException: Cannot create already existing inference component "` + arnPrefix + `inference-component/taken".`},
		{"unknown endpoint", sm.CreateInferenceComponentInput{EndpointName: aws.String("nope"), Specification: spec, RuntimeConfig: one},
			`ValidationException: Could not find endpoint "` + arnPrefix + `endpoint/nope".`},
		{"unknown variant", sm.CreateInferenceComponentInput{VariantName: aws.String("Other"), Specification: spec, RuntimeConfig: one},
			"ValidationException: Variant Other is not part of endpoint ep."},
		{"unknown model", sm.CreateInferenceComponentInput{RuntimeConfig: one,
			Specification: &smtypes.InferenceComponentSpecification{ModelName: aws.String("nope"), ComputeResourceRequirements: mem}},
			`ValidationException: Could not find model "` + arnPrefix + `model/nope".`},
		{"no image", sm.CreateInferenceComponentInput{RuntimeConfig: one,
			Specification: &smtypes.InferenceComponentSpecification{ComputeResourceRequirements: mem}},
			"ValidationException: Inference component x needs a container image: set Specification.ModelName to a model with an image or Specification.Container.Image."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if in.InferenceComponentName == nil {
				in.InferenceComponentName = aws.String("x")
			}
			if in.EndpointName == nil {
				in.EndpointName = aws.String("ep")
			}
			_, err := e.sm.CreateInferenceComponent(ctx, &in)
			if got := apiCode(err); got != tc.want {
				t.Errorf("error %q\nwant  %q", got, tc.want)
			}
		})
	}

	// Without VariantName the component goes to the first variant; a container of its own
	// overrides the model's image and environment.
	if _, err := e.sm.CreateInferenceComponent(ctx, &sm.CreateInferenceComponentInput{InferenceComponentName: aws.String("own"),
		EndpointName: aws.String("ep"), RuntimeConfig: one, Specification: &smtypes.InferenceComponentSpecification{
			Container: &smtypes.InferenceComponentContainerSpecification{Image: aws.String(serving.ModelServerImage),
				ArtifactUrl: aws.String("s3://b/k"), Environment: map[string]string{"SCALED_MODEL_SERVICE_TIME_MEAN": "1ms"}},
			StartupParameters: &smtypes.InferenceComponentStartupParameters{ContainerStartupHealthCheckTimeoutInSeconds: aws.Int32(60)},
			ComputeResourceRequirements: &smtypes.InferenceComponentComputeResourceRequirements{
				NumberOfCpuCoresRequired: aws.Float32(0.25), MinMemoryRequiredInMb: aws.Int32(128)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.rt.WaitState(ctx, acct, "own", func(s serving.ComponentState) bool { return s.Status == serving.StatusInService }); err != nil {
		t.Fatal(err)
	}
	d, err := e.sm.DescribeInferenceComponent(ctx, &sm.DescribeInferenceComponentInput{InferenceComponentName: aws.String("own")})
	if err != nil {
		t.Fatal(err)
	}
	type view struct {
		Variant, Image, Artifact string
		Env                      map[string]string
		Timeout                  int32
		Status                   smtypes.InferenceComponentStatus
	}
	got := view{aws.ToString(d.VariantName), aws.ToString(d.Specification.Container.DeployedImage.SpecifiedImage),
		aws.ToString(d.Specification.Container.ArtifactUrl), d.Specification.Container.Environment,
		aws.ToInt32(d.Specification.StartupParameters.ContainerStartupHealthCheckTimeoutInSeconds), d.InferenceComponentStatus}
	want := view{"AllTraffic", serving.ModelServerImage, "s3://b/k", map[string]string{"SCALED_MODEL_SERVICE_TIME_MEAN": "1ms"}, 60,
		smtypes.InferenceComponentStatusInService}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DescribeInferenceComponent (-want +got):\n%s", diff)
	}
}

func TestUpdateRuntimeConfigRules(t *testing.T) {
	e := newEnv(t, "", nil)
	ctx := ctxT(t)
	e.setup(t, nil)
	if err := pendingIC(ctx, e, "ic", "ep", "AllTraffic"); err != nil {
		t.Fatal(err)
	}
	update := func(name string, n int32) string {
		_, err := e.sm.UpdateInferenceComponentRuntimeConfig(ctx, &sm.UpdateInferenceComponentRuntimeConfigInput{
			InferenceComponentName: aws.String(name), DesiredRuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(n)}})
		return apiCode(err)
	}
	if got := update("ic", 0); got != "" {
		t.Errorf("update to 0: %s", got)
	}
	if got := update("ic", 100); got != "" {
		t.Errorf("update to the limit: %s", got)
	}
	if got, want := update("ic", 101), "ResourceLimitExceeded: Copy count 101 exceeds the limit of 100 copies per inference component on this server."; got != want {
		t.Errorf("over the limit: %q, want %q", got, want)
	}
	if got, want := update("nope", 1), `ValidationException: Could not find inference component "`+arnPrefix+`inference-component/nope".`; got != want {
		t.Errorf("unknown: %q, want %q", got, want)
	}
	// At 0 copies the component was in service; growing it again makes it Updating.
	st, err := e.api.ComponentState(ctx, acct, "ic")
	if err != nil || st.Desired != 100 || st.Status != serving.StatusUpdating {
		t.Errorf("ComponentState = desired %d status %s, %v; want 100 desired, Updating", st.Desired, st.Status, err)
	}
	if _, err := e.api.ComponentState(ctx, acct, "nope"); !errors.Is(err, serving.ErrNotFound) {
		t.Errorf("ComponentState of unknown: %v, want serving.ErrNotFound", err)
	}
	if _, err := e.api.ComponentState(ctx, "999999999999", "ic"); !errors.Is(err, serving.ErrNotFound) {
		t.Errorf("ComponentState from another account: %v, want serving.ErrNotFound", err)
	}
	err = e.api.SetCopyCount(ctx, acct, "ic", -1)
	if got, want := fmt.Sprint(err), "ValidationException: 1 validation error detected: Value '-1' at 'desiredRuntimeConfig.copyCount' failed to satisfy constraint: Member must have value greater than or equal to 0"; got != want {
		t.Errorf("SetCopyCount(-1): %q, want %q", got, want)
	}
}

// TestSmithyConstraints checks every constraint of the model that the operations enforce,
// with the aggregated message SageMaker returns.
func TestSmithyConstraints(t *testing.T) {
	e := newEnv(t, "", nil)
	e.setup(t, nil)
	long := strings.Repeat("a", 64)
	const (
		epPat = "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"
		mPat  = `^[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?$`
		v1    = "ValidationException: 1 validation error detected: "
	)
	ic := func(extra string) string {
		return `{"InferenceComponentName":"x","EndpointName":"ep","RuntimeConfig":{"CopyCount":1},` + extra + `}`
	}
	spec := func(extra string) string {
		return ic(`"Specification":{"ModelName":"m","ComputeResourceRequirements":{"MinMemoryRequiredInMb":128},` + extra + `}`)
	}
	tests := []struct {
		name, op, body, want string
	}{
		// Required members.
		{"empty body", "DescribeModel", ``, v1 + "Value null at 'modelName' failed to satisfy constraint: Member must not be null"},
		{"null model name", "DeleteModel", `{"ModelName":null}`, v1 + "Value null at 'modelName' failed to satisfy constraint: Member must not be null"},
		{"config required members", "CreateEndpointConfig", `{}`, "ValidationException: 2 validation errors detected: " +
			"Value null at 'endpointConfigName' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'productionVariants' failed to satisfy constraint: Member must not be null"},
		{"endpoint required members", "CreateEndpoint", `{"EndpointName":"e"}`, v1 + "Value null at 'endpointConfigName' failed to satisfy constraint: Member must not be null"},
		{"component required members", "CreateInferenceComponent", `{}`, "ValidationException: 2 validation errors detected: " +
			"Value null at 'inferenceComponentName' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'endpointName' failed to satisfy constraint: Member must not be null"},
		{"update required members", "UpdateInferenceComponentRuntimeConfig", `{"InferenceComponentName":"ic"}`,
			v1 + "Value null at 'desiredRuntimeConfig' failed to satisfy constraint: Member must not be null"},
		{"copy count required", "UpdateInferenceComponentRuntimeConfig", `{"InferenceComponentName":"ic","DesiredRuntimeConfig":{}}`,
			v1 + "Value null at 'desiredRuntimeConfig.copyCount' failed to satisfy constraint: Member must not be null"},
		{"variant name required", "CreateEndpointConfig", `{"EndpointConfigName":"c","ProductionVariants":[{}]}`,
			v1 + "Value null at 'productionVariants.1.member.variantName' failed to satisfy constraint: Member must not be null"},
		{"null list element", "CreateEndpointConfig", `{"EndpointConfigName":"c","ProductionVariants":[null]}`,
			v1 + "Value null at 'productionVariants.1.member' failed to satisfy constraint: Member must not be null"},
		{"min memory required", "CreateInferenceComponent", ic(`"Specification":{"ComputeResourceRequirements":{}}`),
			v1 + "Value null at 'specification.computeResourceRequirements.minMemoryRequiredInMb' failed to satisfy constraint: Member must not be null"},
		{"routing strategy required", "CreateEndpointConfig", `{"EndpointConfigName":"c","ProductionVariants":[{"VariantName":"v","RoutingConfig":{}}]}`,
			v1 + "Value null at 'productionVariants.1.member.routingConfig.routingStrategy' failed to satisfy constraint: Member must not be null"},
		{"tag members required", "CreateEndpoint", `{"EndpointName":"e","EndpointConfigName":"cfg","Tags":[{}]}`, "ValidationException: 2 validation errors detected: " +
			"Value null at 'tags.1.member.key' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null"},

		// Names: length and pattern.
		{"empty model name", "DescribeModel", `{"ModelName":""}`, v1 + "Value '' at 'modelName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + mPat},
		{"model name with underscore", "CreateModel", `{"ModelName":"a_b","PrimaryContainer":{"Image":"i"}}`,
			v1 + "Value 'a_b' at 'modelName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + mPat},
		{"model name ends with hyphen", "DeleteModel", `{"ModelName":"a-"}`,
			v1 + "Value 'a-' at 'modelName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + mPat},
		{"model name too long", "DescribeModel", `{"ModelName":"` + long + `"}`,
			v1 + "Value '" + long + "' at 'modelName' failed to satisfy constraint: Member must have length less than or equal to 63"},
		{"endpoint name starts with hyphen", "DescribeEndpoint", `{"EndpointName":"-a"}`,
			v1 + "Value '-a' at 'endpointName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + epPat},
		{"endpoint name too long and bad", "DeleteEndpoint", `{"EndpointName":"` + long + `_"}`, "ValidationException: 2 validation errors detected: " +
			"Value '" + long + "_' at 'endpointName' failed to satisfy constraint: Member must have length less than or equal to 63; " +
			"Value '" + long + "_' at 'endpointName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + epPat},
		{"config name", "DescribeEndpointConfig", `{"EndpointConfigName":"c.1"}`,
			v1 + "Value 'c.1' at 'endpointConfigName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + epPat},
		{"config name on delete", "DeleteEndpointConfig", `{"EndpointConfigName":"c 1"}`,
			v1 + "Value 'c 1' at 'endpointConfigName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + epPat},
		{"component name", "DescribeInferenceComponent", `{"InferenceComponentName":"bad_name"}`,
			v1 + "Value 'bad_name' at 'inferenceComponentName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + mPat},
		{"component name on delete", "DeleteInferenceComponent", `{"InferenceComponentName":"x/y"}`,
			v1 + "Value 'x/y' at 'inferenceComponentName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + mPat},
		{"variant name on create", "CreateInferenceComponent", ic(`"VariantName":"v_1"`),
			v1 + "Value 'v_1' at 'variantName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + epPat},
		{"several errors in one request", "CreateEndpoint", `{"EndpointName":"e_1","EndpointConfigName":"c_1"}`, "ValidationException: 2 validation errors detected: " +
			"Value 'e_1' at 'endpointName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + epPat + "; " +
			"Value 'c_1' at 'endpointConfigName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + epPat},

		// Models.
		{"role ARN pattern", "CreateModel", `{"ModelName":"m2","PrimaryContainer":{"Image":"i"},"ExecutionRoleArn":"arn:aws:iam::1234:role/r"}`,
			v1 + "Value 'arn:aws:iam::1234:role/r' at 'executionRoleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$"},
		{"role ARN too short", "CreateModel", `{"ModelName":"m2","PrimaryContainer":{"Image":"i"},"ExecutionRoleArn":"arn"}`, "ValidationException: 2 validation errors detected: " +
			"Value 'arn' at 'executionRoleArn' failed to satisfy constraint: Member must have length greater than or equal to 20; " +
			"Value 'arn' at 'executionRoleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$"},
		{"image with space", "CreateModel", `{"ModelName":"m2","PrimaryContainer":{"Image":"my image"}}`,
			v1 + "Value 'my image' at 'primaryContainer.image' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+"},
		{"model data URL", "CreateModel", `{"ModelName":"m2","PrimaryContainer":{"Image":"i","ModelDataUrl":"ftp://x/y"}}`,
			v1 + "Value 'ftp://x/y' at 'primaryContainer.modelDataUrl' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(https|s3)://([^/]+)/?(.*)$"},
		{"container mode", "CreateModel", `{"ModelName":"m2","Containers":[{"Image":"i","Mode":"Both"}]}`,
			v1 + "Value 'Both' at 'containers.1.member.mode' failed to satisfy constraint: Member must satisfy enum value set: [SingleModel, MultiModel]"},
		{"container hostname", "CreateModel", `{"ModelName":"m2","Containers":[{"Image":"i","ContainerHostname":"h_1"}]}`,
			v1 + "Value 'h_1' at 'containers.1.member.containerHostname' failed to satisfy constraint: Member must satisfy regular expression pattern: " + epPat},
		{"too many containers", "CreateModel", `{"ModelName":"m2","Containers":[` + strings.Repeat(`{"Image":"i"},`, 15) + `{"Image":"i"}]}`,
			v1 + "Value '[" + strings.Repeat("{Image=i}, ", 15) + "{Image=i}]' at 'containers' failed to satisfy constraint: Member must have length less than or equal to 15"},
		{"environment key", "CreateModel", `{"ModelName":"m2","PrimaryContainer":{"Image":"i","Environment":{"1A":"x","OK":"y"}}}`,
			v1 + "Value '1A' at 'primaryContainer.environment' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z_][a-zA-Z0-9_]*]"},
		{"environment value", "CreateModel", `{"ModelName":"m2","PrimaryContainer":{"Image":"i","Environment":{"A":"` + strings.Repeat("v", 1025) + `"}}}`,
			v1 + "Value '" + strings.Repeat("v", 1025) + "' at 'primaryContainer.environment' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 1024]"},
		{"tag key", "CreateModel", `{"ModelName":"m2","PrimaryContainer":{"Image":"i"},"Tags":[{"Key":"","Value":"v!"}]}`, "ValidationException: 2 validation errors detected: " +
			"Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
			"Value 'v!' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$"},

		// Endpoint configurations.
		{"no variants", "CreateEndpointConfig", `{"EndpointConfigName":"c","ProductionVariants":[]}`,
			v1 + "Value '[]' at 'productionVariants' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"eleven variants", "CreateEndpointConfig", `{"EndpointConfigName":"c","ProductionVariants":[` + strings.Repeat(`{"VariantName":"v"},`, 10) + `{"VariantName":"v"}]}`,
			v1 + "Value '[" + strings.Repeat("{VariantName=v}, ", 10) + "{VariantName=v}]' at 'productionVariants' failed to satisfy constraint: Member must have length less than or equal to 10"},
		{"variant ranges", "CreateEndpointConfig", `{"EndpointConfigName":"c","ProductionVariants":[{"VariantName":"v","ModelName":"m_1","InitialInstanceCount":0,"InitialVariantWeight":-1,` +
			`"VolumeSizeInGB":513,"ModelDataDownloadTimeoutInSeconds":59,"ContainerStartupHealthCheckTimeoutInSeconds":3601}]}`, "ValidationException: 6 validation errors detected: " +
			"Value 'm_1' at 'productionVariants.1.member.modelName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + mPat + "; " +
			"Value '0' at 'productionVariants.1.member.initialInstanceCount' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
			"Value '-1' at 'productionVariants.1.member.initialVariantWeight' failed to satisfy constraint: Member must have value greater than or equal to 0; " +
			"Value '513' at 'productionVariants.1.member.volumeSizeInGB' failed to satisfy constraint: Member must have value less than or equal to 512; " +
			"Value '59' at 'productionVariants.1.member.modelDataDownloadTimeoutInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60; " +
			"Value '3601' at 'productionVariants.1.member.containerStartupHealthCheckTimeoutInSeconds' failed to satisfy constraint: Member must have value less than or equal to 3600"},
		{"managed instance scaling", "CreateEndpointConfig", `{"EndpointConfigName":"c","ProductionVariants":[{"VariantName":"v","ManagedInstanceScaling":{"Status":"ON","MinInstanceCount":-1,"MaxInstanceCount":0}}]}`,
			"ValidationException: 3 validation errors detected: " +
				"Value 'ON' at 'productionVariants.1.member.managedInstanceScaling.status' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]; " +
				"Value '-1' at 'productionVariants.1.member.managedInstanceScaling.minInstanceCount' failed to satisfy constraint: Member must have value greater than or equal to 0; " +
				"Value '0' at 'productionVariants.1.member.managedInstanceScaling.maxInstanceCount' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"routing strategy", "CreateEndpointConfig", `{"EndpointConfigName":"c","ProductionVariants":[{"VariantName":"v","RoutingConfig":{"RoutingStrategy":"ROUND_ROBIN"}}]}`,
			v1 + "Value 'ROUND_ROBIN' at 'productionVariants.1.member.routingConfig.routingStrategy' failed to satisfy constraint: Member must satisfy enum value set: [LEAST_OUTSTANDING_REQUESTS, RANDOM]"},
		{"KMS key", "CreateEndpointConfig", `{"EndpointConfigName":"c","ProductionVariants":[{"VariantName":"v"}],"KmsKeyId":"key id"}`,
			v1 + "Value 'key id' at 'kmsKeyId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9:/_-]*"},

		// Inference components.
		{"negative copy count", "CreateInferenceComponent", `{"InferenceComponentName":"x","EndpointName":"ep","RuntimeConfig":{"CopyCount":-1}}`,
			v1 + "Value '-1' at 'runtimeConfig.copyCount' failed to satisfy constraint: Member must have value greater than or equal to 0"},
		{"runtime config without copy count", "CreateInferenceComponent", `{"InferenceComponentName":"x","EndpointName":"ep","RuntimeConfig":{}}`,
			v1 + "Value null at 'runtimeConfig.copyCount' failed to satisfy constraint: Member must not be null"},
		{"memory below 128", "CreateInferenceComponent", ic(`"Specification":{"ComputeResourceRequirements":{"MinMemoryRequiredInMb":127,"MaxMemoryRequiredInMb":64}}`),
			"ValidationException: 2 validation errors detected: " +
				"Value '127' at 'specification.computeResourceRequirements.minMemoryRequiredInMb' failed to satisfy constraint: Member must have value greater than or equal to 128; " +
				"Value '64' at 'specification.computeResourceRequirements.maxMemoryRequiredInMb' failed to satisfy constraint: Member must have value greater than or equal to 128"},
		{"CPU and accelerators", "CreateInferenceComponent", ic(`"Specification":{"ComputeResourceRequirements":{"NumberOfCpuCoresRequired":0.1,"NumberOfAcceleratorDevicesRequired":0.5,"MinMemoryRequiredInMb":128}}`),
			"ValidationException: 2 validation errors detected: " +
				"Value '0.1' at 'specification.computeResourceRequirements.numberOfCpuCoresRequired' failed to satisfy constraint: Member must have value greater than or equal to 0.25; " +
				"Value '0.5' at 'specification.computeResourceRequirements.numberOfAcceleratorDevicesRequired' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"startup parameters", "CreateInferenceComponent", spec(`"StartupParameters":{"ModelDataDownloadTimeoutInSeconds":3601,"ContainerStartupHealthCheckTimeoutInSeconds":59}`),
			"ValidationException: 2 validation errors detected: " +
				"Value '3601' at 'specification.startupParameters.modelDataDownloadTimeoutInSeconds' failed to satisfy constraint: Member must have value less than or equal to 3600; " +
				"Value '59' at 'specification.startupParameters.containerStartupHealthCheckTimeoutInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60"},
		{"container of a component", "CreateInferenceComponent", spec(`"Container":{"Image":"","ArtifactUrl":"file:///m","Environment":{"A-B":"1"}}`),
			"ValidationException: 3 validation errors detected: " +
				"Value '' at 'specification.container.image' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+; " +
				"Value 'file:///m' at 'specification.container.artifactUrl' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(https|s3)://([^/]+)/?(.*)$; " +
				"Value 'A-B' at 'specification.container.environment' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z_][a-zA-Z0-9_]*]"},
		{"specification model name", "CreateInferenceComponent", spec(`"BaseInferenceComponentName":"b_1"`),
			v1 + "Value 'b_1' at 'specification.baseInferenceComponentName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + mPat},
		{"update copy count", "UpdateInferenceComponentRuntimeConfig", `{"InferenceComponentName":"ic","DesiredRuntimeConfig":{"CopyCount":-2}}`,
			v1 + "Value '-2' at 'desiredRuntimeConfig.copyCount' failed to satisfy constraint: Member must have value greater than or equal to 0"},

		// ListInferenceComponents.
		{"MaxResults 0", "ListInferenceComponents", `{"MaxResults":0}`,
			v1 + "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"MaxResults 101", "ListInferenceComponents", `{"MaxResults":101}`,
			v1 + "Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100"},
		{"list enums", "ListInferenceComponents", `{"SortBy":"Size","SortOrder":"Up","StatusEquals":"Running"}`, "ValidationException: 3 validation errors detected: " +
			"Value 'Size' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [Name, CreationTime, Status]; " +
			"Value 'Up' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [Ascending, Descending]; " +
			"Value 'Running' at 'statusEquals' failed to satisfy constraint: Member must satisfy enum value set: [InService, Creating, Updating, Failed, Deleting]"},
		{"NameContains", "ListInferenceComponents", `{"NameContains":"a_"}`,
			v1 + "Value 'a_' at 'nameContains' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-]+"},
		{"NameContains too long", "ListInferenceComponents", `{"NameContains":"` + long + `"}`,
			v1 + "Value '" + long + "' at 'nameContains' failed to satisfy constraint: Member must have length less than or equal to 63"},
		{"name filters", "ListInferenceComponents", `{"EndpointNameEquals":"e_","VariantNameEquals":"-v"}`, "ValidationException: 2 validation errors detected: " +
			"Value 'e_' at 'endpointNameEquals' failed to satisfy constraint: Member must satisfy regular expression pattern: " + epPat + "; " +
			"Value '-v' at 'variantNameEquals' failed to satisfy constraint: Member must satisfy regular expression pattern: " + epPat},
		{"NextToken too long", "ListInferenceComponents", `{"NextToken":"` + strings.Repeat("t", 8193) + `"}`,
			v1 + "Value '" + strings.Repeat("t", 8193) + "' at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to 8192"},

		// Bodies that are not valid JSON for the operation.
		{"malformed JSON", "DescribeModel", `{"ModelName":`, "SerializationException: Failed to parse request body: unexpected EOF"},
		{"wrong member type", "DescribeModel", `{"ModelName":5}`, "SerializationException: Failed to parse request body: member ModelName must be string, not a JSON number"},
		{"not an object", "ListInferenceComponents", `[]`, "SerializationException: Failed to parse request body: member (root) must be sagemaker.ListInferenceComponentsInput, not a JSON array"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := raw(t, e, tc.op, tc.body); got != tc.want {
				t.Errorf("error %q\nwant  %q", got, tc.want)
			}
		})
	}

	// Valid requests pass the same checks.
	for _, body := range []string{
		spec(`"Container":{"Image":"scaled:model-server","ArtifactUrl":"https://example.com/m.tar.gz","Environment":{"_A1":"x y"}},"StartupParameters":{"ContainerStartupHealthCheckTimeoutInSeconds":60}`),
	} {
		if got := raw(t, e, "CreateInferenceComponent", body); got != "" {
			t.Errorf("valid request %s: %s", body, got)
		}
	}
	for _, body := range []string{`{}`, `{"MaxResults":1,"NameContains":"a-1","SortBy":"Status","SortOrder":"Ascending","StatusEquals":"Failed","NextToken":""}`} {
		if got := raw(t, e, "ListInferenceComponents", body); got != "" {
			t.Errorf("valid list %s: %s", body, got)
		}
	}
}

func TestStateSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(t0)
	e := newEnvClock(t, dir, nil, clk)
	ctx := ctxT(t)
	e.setup(t, nil)
	if err := pendingIC(ctx, e, "pending", "ep", "AllTraffic"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sm.CreateModel(ctx, &sm.CreateModelInput{ModelName: aws.String("gone"),
		PrimaryContainer: &smtypes.ContainerDefinition{Image: aws.String("x")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sm.DeleteModel(ctx, &sm.DeleteModelInput{ModelName: aws.String("gone")}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	if _, err := e.sm.UpdateInferenceComponentRuntimeConfig(ctx, &sm.UpdateInferenceComponentRuntimeConfigInput{
		InferenceComponentName: aws.String("pending"), DesiredRuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(3)}}); err != nil {
		t.Fatal(err)
	}
	type snapshot struct {
		Model    *sm.DescribeModelOutput
		Config   *sm.DescribeEndpointConfigOutput
		Endpoint *sm.DescribeEndpointOutput
		List     []smtypes.InferenceComponentSummary
		Desired  int32
	}
	take := func(e *env) snapshot {
		t.Helper()
		var s snapshot
		var err error
		if s.Model, err = e.sm.DescribeModel(ctx, &sm.DescribeModelInput{ModelName: aws.String("m")}); err != nil {
			t.Fatal(err)
		}
		if s.Config, err = e.sm.DescribeEndpointConfig(ctx, &sm.DescribeEndpointConfigInput{EndpointConfigName: aws.String("cfg")}); err != nil {
			t.Fatal(err)
		}
		if s.Endpoint, err = e.sm.DescribeEndpoint(ctx, &sm.DescribeEndpointInput{EndpointName: aws.String("ep")}); err != nil {
			t.Fatal(err)
		}
		l, err := e.sm.ListInferenceComponents(ctx, &sm.ListInferenceComponentsInput{})
		if err != nil {
			t.Fatal(err)
		}
		s.List = l.InferenceComponents
		d, err := e.sm.DescribeInferenceComponent(ctx, &sm.DescribeInferenceComponentInput{InferenceComponentName: aws.String("pending")})
		if err != nil {
			t.Fatal(err)
		}
		s.Desired = aws.ToInt32(d.RuntimeConfig.DesiredCopyCount)
		return s
	}
	before := take(e)
	if before.Desired != 3 {
		t.Fatalf("desired copies before restart = %d, want 3", before.Desired)
	}
	if err := e.rt.Close(); err != nil {
		t.Fatal(err)
	}
	e2 := newEnvClock(t, dir, nil, clk)
	if diff := cmp.Diff(before, take(e2), ignoreSDK); diff != "" {
		t.Errorf("after restart (-before +after):\n%s", diff)
	}
	_, err := e2.sm.DescribeModel(ctx, &sm.DescribeModelInput{ModelName: aws.String("gone")})
	if got := apiCode(err); !strings.HasPrefix(got, "ValidationException: Could not find model") {
		t.Errorf("deleted model after restart: %q", got)
	}
	if st, err := e2.rt.State(acct, "pending"); err != nil || st.Desired != 3 {
		t.Errorf("runtime state after restart = %+v, %v; want 3 desired copies", st, err)
	}
}

func TestStateFileWrites(t *testing.T) {
	t.Run("no temporary files remain", func(t *testing.T) {
		dir := t.TempDir()
		e := newEnv(t, dir, nil)
		e.setup(t, nil)
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, en := range entries {
			got = append(got, en.Name())
		}
		if diff := cmp.Diff([]string{sagemaker.StateFile}, got); diff != "" {
			t.Errorf("data directory (-want +got):\n%s", diff)
		}
		var doc map[string]any
		buf, _ := os.ReadFile(filepath.Join(dir, sagemaker.StateFile))
		if err := json.Unmarshal(buf, &doc); err != nil || doc["version"] != float64(1) {
			t.Errorf("state file %s: %v", buf, err)
		}
	})

	t.Run("an interrupted write leaves the previous state", func(t *testing.T) {
		dir := t.TempDir()
		e := newEnv(t, dir, nil)
		e.setup(t, nil)
		if err := e.rt.Close(); err != nil {
			t.Fatal(err)
		}
		// A save that died before its rename leaves a partial temporary file only.
		partial := filepath.Join(dir, sagemaker.StateFile+".tmp123")
		if err := os.WriteFile(partial, []byte(`{"version":1,"models":{"111122223333/m":{`), 0o600); err != nil {
			t.Fatal(err)
		}
		e2 := newEnv(t, dir, nil)
		if _, err := e2.sm.DescribeEndpoint(ctxT(t), &sm.DescribeEndpointInput{EndpointName: aws.String("ep")}); err != nil {
			t.Errorf("state after an interrupted write: %v", err)
		}
		if _, err := os.Stat(partial); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("partial temporary file still there: %v", err)
		}
	})

	t.Run("a failed write changes nothing", func(t *testing.T) {
		dir := t.TempDir()
		e := newEnv(t, dir, nil)
		ctx := ctxT(t)
		e.setup(t, nil)
		// Make the rename fail: the state file's name now belongs to a non-empty directory.
		path := filepath.Join(dir, sagemaker.StateFile)
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(path, "x"), 0o755); err != nil {
			t.Fatal(err)
		}
		calls := []struct {
			name string
			call func() error
		}{
			{"CreateModel", func() error {
				_, err := e.sm.CreateModel(ctx, &sm.CreateModelInput{ModelName: aws.String("m2"), PrimaryContainer: &smtypes.ContainerDefinition{Image: aws.String("x")}})
				return err
			}},
			{"DeleteModel", func() error {
				_, err := e.sm.DeleteModel(ctx, &sm.DeleteModelInput{ModelName: aws.String("m")})
				return err
			}},
			{"CreateEndpointConfig", func() error {
				_, err := e.sm.CreateEndpointConfig(ctx, &sm.CreateEndpointConfigInput{EndpointConfigName: aws.String("c2"),
					ProductionVariants: []smtypes.ProductionVariant{{VariantName: aws.String("v")}}})
				return err
			}},
			{"DeleteEndpointConfig", func() error {
				_, err := e.sm.DeleteEndpointConfig(ctx, &sm.DeleteEndpointConfigInput{EndpointConfigName: aws.String("cfg")})
				return err
			}},
			{"CreateEndpoint", func() error {
				_, err := e.sm.CreateEndpoint(ctx, &sm.CreateEndpointInput{EndpointName: aws.String("ep2"), EndpointConfigName: aws.String("cfg")})
				return err
			}},
			{"DeleteEndpoint", func() error {
				_, err := e.sm.DeleteEndpoint(ctx, &sm.DeleteEndpointInput{EndpointName: aws.String("ep")})
				return err
			}},
			{"CreateInferenceComponent", func() error { return pendingIC(ctx, e, "ic", "ep", "AllTraffic") }},
		}
		for _, c := range calls {
			if got := apiCode(c.call()); !strings.HasPrefix(got, "InternalFailure: ") {
				t.Errorf("%s with an unwritable state file: %q, want InternalFailure", c.name, got)
			}
		}
		if _, err := e.sm.DescribeModel(ctx, &sm.DescribeModelInput{ModelName: aws.String("m")}); err != nil {
			t.Errorf("model after failed delete: %v", err)
		}
		if _, err := e.sm.DescribeModel(ctx, &sm.DescribeModelInput{ModelName: aws.String("m2")}); err == nil {
			t.Errorf("model m2 exists after a failed create")
		}
		if _, err := e.sm.DescribeEndpointConfig(ctx, &sm.DescribeEndpointConfigInput{EndpointConfigName: aws.String("cfg")}); err != nil {
			t.Errorf("config after failed delete: %v", err)
		}
		if _, err := e.sm.DescribeEndpoint(ctx, &sm.DescribeEndpointInput{EndpointName: aws.String("ep")}); err != nil {
			t.Errorf("endpoint after failed delete: %v", err)
		}
		if _, err := e.sm.DescribeEndpoint(ctx, &sm.DescribeEndpointInput{EndpointName: aws.String("ep2")}); err == nil {
			t.Errorf("endpoint ep2 exists after a failed create")
		}
		if comps := e.rt.Components(acct); len(comps) != 0 {
			t.Errorf("runtime components after a failed create: %v", comps)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Errorf("data directory after failed writes has %d entries, want only the directory in the way", len(entries))
		}
	})

	t.Run("a corrupt state file is reported", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, sagemaker.StateFile)
		if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
			t.Fatal(err)
		}
		rt := serving.New(serving.Options{Clock: clock.Real{}, Commands: testCommands, HostCPUs: 1})
		t.Cleanup(func() { _ = rt.Close() })
		_, err := sagemaker.NewAPI(sagemaker.Options{Runtime: rt, DataDir: dir})
		if err == nil || !strings.Contains(err.Error(), "parsing "+path) {
			t.Errorf("NewAPI with a corrupt state file: %v", err)
		}
		// New keeps serving, with an empty state that is not written over the corrupt file.
		svc := sagemaker.New(sagemaker.Options{Runtime: rt, DataDir: dir})
		if svc == nil || svc.TargetPrefix != "SageMaker" || len(svc.Ops) != 14 {
			t.Fatalf("New = %+v", svc)
		}
		if buf, _ := os.ReadFile(path); string(buf) != "{not json" {
			t.Errorf("corrupt state file was replaced: %s", buf)
		}
	})

	t.Run("options", func(t *testing.T) {
		if _, err := sagemaker.NewAPI(sagemaker.Options{}); err == nil {
			t.Error("NewAPI without a runtime succeeded")
		}
		if svc := sagemaker.New(sagemaker.Options{}); svc == nil || !slices.Contains(keys(svc.Ops), "DescribeModel") {
			t.Errorf("New without a runtime = %+v", svc)
		}
	})
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestFailedAndDeletingComponents(t *testing.T) {
	rtClock := clock.NewFake(t0)
	e := newEnv(t, "", func(o *serving.Options) { o.Clock = rtClock })
	ctx := ctxT(t)
	e.setup(t, nil)
	if _, err := e.sm.CreateModel(ctx, &sm.CreateModelInput{ModelName: aws.String("broken"),
		PrimaryContainer: &smtypes.ContainerDefinition{Image: aws.String("not-configured:latest")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sm.CreateInferenceComponent(ctx, &sm.CreateInferenceComponentInput{
		InferenceComponentName: aws.String("bad"), EndpointName: aws.String("ep"),
		Specification: &smtypes.InferenceComponentSpecification{ModelName: aws.String("broken"),
			ComputeResourceRequirements: &smtypes.InferenceComponentComputeResourceRequirements{MinMemoryRequiredInMb: aws.Int32(128)}},
		RuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(1)},
	}); err != nil {
		t.Fatal(err)
	}
	// Each start fails at once; step the runtime's clock past each back-off until the
	// component gives up.
	maxID := func(s serving.ComponentState) int {
		id := 0
		for _, c := range s.Copies {
			id = max(id, c.ID)
		}
		return id
	}
	for range 10 {
		st, err := e.rt.State(acct, "bad")
		if err != nil {
			t.Fatal(err)
		}
		if st.Status == serving.StatusFailed {
			break
		}
		last := maxID(st)
		rtClock.Advance(time.Minute)
		if _, err := e.rt.WaitState(ctx, acct, "bad", func(s serving.ComponentState) bool {
			return s.Status == serving.StatusFailed || maxID(s) > last
		}); err != nil {
			t.Fatal(err)
		}
	}
	d, err := e.sm.DescribeInferenceComponent(ctx, &sm.DescribeInferenceComponentInput{InferenceComponentName: aws.String("bad")})
	if err != nil {
		t.Fatal(err)
	}
	reason := `copy 3 failed to start: image not-configured:latest: image "not-configured:latest" has no local command; configured images: [scaled:model-server]`
	if d.InferenceComponentStatus != smtypes.InferenceComponentStatusFailed || aws.ToString(d.FailureReason) != reason {
		t.Errorf("Describe = status %s, reason %q; want Failed, %q", d.InferenceComponentStatus, aws.ToString(d.FailureReason), reason)
	}
	l, err := e.sm.ListInferenceComponents(ctx, &sm.ListInferenceComponentsInput{StatusEquals: smtypes.InferenceComponentStatusFailed})
	if err != nil || !slices.Equal(names(l.InferenceComponents), []string{"bad"}) {
		t.Errorf("List Failed = %v, %v", l, err)
	}
	_, err = e.sm.UpdateInferenceComponentRuntimeConfig(ctx, &sm.UpdateInferenceComponentRuntimeConfigInput{InferenceComponentName: aws.String("bad"),
		DesiredRuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(2)}})
	if got, want := apiCode(err), `ValidationException: Inference component "`+arnPrefix+`inference-component/bad" is in Failed status and cannot be updated: `+reason; got != want {
		t.Errorf("update of a failed component: %q\nwant %q", got, want)
	}

	// The runtime dropping a component (as while it drains for deletion) shows as Deleting.
	if err := e.rt.Delete(acct, "bad"); err != nil {
		t.Fatal(err)
	}
	d, err = e.sm.DescribeInferenceComponent(ctx, &sm.DescribeInferenceComponentInput{InferenceComponentName: aws.String("bad")})
	if err != nil || d.InferenceComponentStatus != smtypes.InferenceComponentStatusDeleting {
		t.Errorf("Describe while deleting = %v, %v; want Deleting", d.InferenceComponentStatus, err)
	}
	l, err = e.sm.ListInferenceComponents(ctx, &sm.ListInferenceComponentsInput{StatusEquals: smtypes.InferenceComponentStatusDeleting})
	if err != nil || !slices.Equal(names(l.InferenceComponents), []string{"bad"}) {
		t.Errorf("List Deleting = %v, %v", l, err)
	}
	_, err = e.sm.UpdateInferenceComponentRuntimeConfig(ctx, &sm.UpdateInferenceComponentRuntimeConfigInput{InferenceComponentName: aws.String("bad"),
		DesiredRuntimeConfig: &smtypes.InferenceComponentRuntimeConfig{CopyCount: aws.Int32(1)}})
	if got, want := apiCode(err), `ValidationException: Inference component "`+arnPrefix+`inference-component/bad" is being deleted and cannot be updated.`; got != want {
		t.Errorf("update of a deleting component: %q\nwant %q", got, want)
	}
	if st, err := e.api.ComponentState(ctx, acct, "bad"); err != nil || st.Status != serving.StatusDeleting || st.Desired != 1 {
		t.Errorf("ComponentState while deleting = %+v, %v", st, err)
	}
	if _, err := e.sm.DeleteInferenceComponent(ctx, &sm.DeleteInferenceComponentInput{InferenceComponentName: aws.String("bad")}); err != nil {
		t.Errorf("DeleteInferenceComponent while the runtime deletes it: %v", err)
	}
}

// TestLegacyStateFile loads a state file written before endpoints kept their variants: the
// variants come from the endpoint configuration.
func TestLegacyStateFile(t *testing.T) {
	dir := t.TempDir()
	doc := `{"version":1,
 "models":{"111122223333/m":{"account":"111122223333","name":"m","created":"2026-01-02T03:04:05Z","primaryContainer":{"Image":"scaled:model-server"}}},
 "endpointConfigs":{"111122223333/cfg":{"account":"111122223333","name":"cfg","created":"2026-01-02T03:04:05Z","variants":[{"VariantName":"A"},{"VariantName":"B"}]}},
 "endpoints":{"111122223333/ep":{"account":"111122223333","name":"ep","config":"cfg","created":"2026-01-02T03:04:05Z","modified":"2026-01-02T03:04:05Z"}},
 "components":null}`
	if err := os.WriteFile(filepath.Join(dir, sagemaker.StateFile), []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, dir, nil)
	ctx := ctxT(t)
	de, err := e.sm.DescribeEndpoint(ctx, &sm.DescribeEndpointInput{EndpointName: aws.String("ep")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range de.ProductionVariants {
		got = append(got, aws.ToString(v.VariantName))
	}
	if diff := cmp.Diff([]string{"A", "B"}, got); diff != "" {
		t.Errorf("variants (-want +got):\n%s", diff)
	}
	if err := pendingIC(ctx, e, "ic", "ep", "B"); err != nil {
		t.Errorf("component on a legacy endpoint: %v", err)
	}
	if err := pendingIC(ctx, e, "ic2", "ep", "C"); apiCode(err) != "ValidationException: Variant C is not part of endpoint ep." {
		t.Errorf("component on an unknown variant of a legacy endpoint: %v", err)
	}
}

// TestTimeFiltersUseWireTimes passes a listed CreationTime back as a filter: the bounds are
// exclusive, also for objects created within a millisecond (the wire's precision).
func TestTimeFiltersUseWireTimes(t *testing.T) {
	clk := clock.NewFake(t0.Add(123456789 * time.Nanosecond))
	e := newEnvClock(t, "", nil, clk)
	ctx := ctxT(t)
	e.setup(t, nil)
	if err := pendingIC(ctx, e, "ic", "ep", "AllTraffic"); err != nil {
		t.Fatal(err)
	}
	l, err := e.sm.ListInferenceComponents(ctx, &sm.ListInferenceComponentsInput{})
	if err != nil || len(l.InferenceComponents) != 1 {
		t.Fatalf("list = %v, %v", l, err)
	}
	created := *l.InferenceComponents[0].CreationTime
	if want := t0.Add(123 * time.Millisecond); !created.Equal(want) {
		t.Errorf("CreationTime %v, want %v", created, want)
	}
	earlier := created.Add(-time.Millisecond)
	tests := []struct {
		name string
		in   sm.ListInferenceComponentsInput
		want []string
	}{
		{"after itself", sm.ListInferenceComponentsInput{CreationTimeAfter: &created}, []string{}},
		{"before itself", sm.ListInferenceComponentsInput{CreationTimeBefore: &created}, []string{}},
		{"modified after itself", sm.ListInferenceComponentsInput{LastModifiedTimeAfter: &created}, []string{}},
		{"after a millisecond earlier", sm.ListInferenceComponentsInput{CreationTimeAfter: &earlier}, []string{"ic"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.sm.ListInferenceComponents(ctx, &tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, names(out.InferenceComponents)); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAccountsAreSeparate(t *testing.T) {
	e := newEnv(t, "", nil)
	ctx := ctxT(t)
	e.setup(t, nil)
	if err := pendingIC(ctx, e, "ic", "ep", "AllTraffic"); err != nil {
		t.Fatal(err)
	}
	other := auth.WithAccount(ctx, "444455556666")
	_, err := e.api.DescribeModel(other, &sagemaker.ModelNameInput{ModelName: "m"})
	if got, want := fmt.Sprint(err), `ValidationException: Could not find model "arn:aws:sagemaker:us-west-2:444455556666:model/m".`; got != want {
		t.Errorf("other account's DescribeModel: %q, want %q", got, want)
	}
	_, err = e.api.DescribeInferenceComponent(other, &sagemaker.InferenceComponentNameInput{InferenceComponentName: "ic"})
	if got, want := fmt.Sprint(err), `ValidationException: Could not find inference component "arn:aws:sagemaker:us-west-2:444455556666:inference-component/ic".`; got != want {
		t.Errorf("other account's DescribeInferenceComponent: %q, want %q", got, want)
	}
	l, err := e.api.ListInferenceComponents(other, &sagemaker.ListInferenceComponentsInput{})
	if err != nil || len(l.InferenceComponents) != 0 {
		t.Errorf("other account's list = %+v, %v", l, err)
	}
	// The same names are free in the other account.
	if _, err := e.api.CreateModel(other, &sagemaker.CreateModelInput{ModelName: "m",
		PrimaryContainer: &sagemaker.ContainerDefinition{Image: "x"}}); err != nil {
		t.Errorf("same model name in another account: %v", err)
	}
}

func TestConcurrentCreatesOfOneName(t *testing.T) {
	e := newEnv(t, t.TempDir(), nil)
	ctx := ctxT(t)
	const n = 8
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := e.sm.CreateModel(ctx, &sm.CreateModelInput{ModelName: aws.String("m"),
				PrimaryContainer: &smtypes.ContainerDefinition{Image: aws.String("x")}})
			errs <- err
		}()
	}
	ok := 0
	for range n {
		err := <-errs
		switch {
		case err == nil:
			ok++
		case !strings.HasPrefix(apiCode(err), "ValidationException: Cannot create already existing model"):
			t.Errorf("concurrent create: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d of %d concurrent creates succeeded, want 1", ok, n)
	}
}
