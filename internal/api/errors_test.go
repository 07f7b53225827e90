package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/api"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
	"github.com/scaled-dev/scaled/internal/store"
	"github.com/scaled-dev/scaled/internal/store/memstore"
)

// Pagination: 50 per page for targets, 10 for policies; tokens are bound to their filters.
func TestPagination(t *testing.T) {
	e := newEnv(t)
	c := e.client(testAccount)
	for i := range 120 {
		registerECS(t, c, fmt.Sprintf("service/c/s%03d", i), 0, 1)
	}
	var got []string
	pages := 0
	p := aas.NewDescribeScalableTargetsPaginator(c, &aas.DescribeScalableTargetsInput{ServiceNamespace: types.ServiceNamespaceEcs})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, tg := range out.ScalableTargets {
			got = append(got, aws.ToString(tg.ResourceId))
		}
	}
	if pages != 3 || len(got) != 120 || got[0] != "service/c/s000" || got[119] != "service/c/s119" {
		t.Errorf("pages = %d, targets = %d (%v ... %v)", pages, len(got), got[:1], got[len(got)-1:])
	}

	for i := range 25 {
		_, err := c.PutScalingPolicy(ctx(t), &aas.PutScalingPolicyInput{PolicyName: aws.String(fmt.Sprintf("p%02d", i)), ServiceNamespace: types.ServiceNamespaceEcs,
			ResourceId: aws.String("service/c/s000"), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, PolicyType: types.PolicyTypeStepScaling,
			StepScalingPolicyConfiguration: &types.StepScalingPolicyConfiguration{AdjustmentType: types.AdjustmentTypeChangeInCapacity,
				StepAdjustments: []types.StepAdjustment{{MetricIntervalLowerBound: aws.Float64(0), ScalingAdjustment: aws.Int32(1)}}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	first, err := c.DescribeScalingPolicies(ctx(t), &aas.DescribeScalingPoliciesInput{ServiceNamespace: types.ServiceNamespaceEcs})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.ScalingPolicies) != 10 || first.NextToken == nil {
		t.Fatalf("first policy page = %d items, token %v", len(first.ScalingPolicies), first.NextToken)
	}
	n := 0
	pp := aas.NewDescribeScalingPoliciesPaginator(c, &aas.DescribeScalingPoliciesInput{ServiceNamespace: types.ServiceNamespaceEcs, MaxResults: aws.Int32(10)})
	for pp.HasMorePages() {
		out, err := pp.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.ScalingPolicies)
	}
	if n != 25 {
		t.Errorf("paged policies = %d, want 25", n)
	}
	_, err = c.DescribeScalingPolicies(ctx(t), &aas.DescribeScalingPoliciesInput{ServiceNamespace: types.ServiceNamespaceEcs, MaxResults: aws.Int32(11)})
	apiErr(t, err, "ValidationException")
	_, err = c.DescribeScalableTargets(ctx(t), &aas.DescribeScalableTargetsInput{ServiceNamespace: types.ServiceNamespaceEcs, MaxResults: aws.Int32(51)})
	apiErr(t, err, "ValidationException")

	// Tampered token, token from another listing, token under other filters, token of another account.
	tok := aws.ToString(first.NextToken)
	tampered := tok[:len(tok)-2] + "xx"
	for name, call := range map[string]func() error{
		"tampered": func() error {
			_, err := c.DescribeScalingPolicies(ctx(t), &aas.DescribeScalingPoliciesInput{ServiceNamespace: types.ServiceNamespaceEcs, NextToken: aws.String(tampered)})
			return err
		},
		"garbage": func() error {
			_, err := c.DescribeScalingPolicies(ctx(t), &aas.DescribeScalingPoliciesInput{ServiceNamespace: types.ServiceNamespaceEcs, NextToken: aws.String("not-a-token")})
			return err
		},
		"other operation": func() error {
			_, err := c.DescribeScalableTargets(ctx(t), &aas.DescribeScalableTargetsInput{ServiceNamespace: types.ServiceNamespaceEcs, NextToken: aws.String(tok)})
			return err
		},
		"other filter": func() error {
			_, err := c.DescribeScalingPolicies(ctx(t), &aas.DescribeScalingPoliciesInput{ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: aws.String("service/c/s000"), NextToken: aws.String(tok)})
			return err
		},
		"other account": func() error {
			_, err := e.client("210987654321").DescribeScalingPolicies(ctx(t), &aas.DescribeScalingPoliciesInput{ServiceNamespace: types.ServiceNamespaceEcs, NextToken: aws.String(tok)})
			return err
		},
	} {
		var inv *types.InvalidNextTokenException
		if err := call(); !errors.As(err, &inv) {
			t.Errorf("%s token: %v, want InvalidNextTokenException", name, err)
		}
	}
}

// Account A never sees or changes account B's targets.
func TestAccountIsolation(t *testing.T) {
	e := newEnv(t)
	a, b := e.client("111111111111"), e.client("222222222222")
	arnA := registerECS(t, a, "service/default/web-app", 1, 10)
	out, err := b.DescribeScalableTargets(ctx(t), &aas.DescribeScalableTargetsInput{ServiceNamespace: types.ServiceNamespaceEcs})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ScalableTargets) != 0 {
		t.Errorf("account B sees %d targets of account A", len(out.ScalableTargets))
	}
	_, err = b.ListTagsForResource(ctx(t), &aas.ListTagsForResourceInput{ResourceARN: aws.String(arnA)})
	apiErr(t, err, "ResourceNotFoundException")
	_, err = b.DeregisterScalableTarget(ctx(t), &aas.DeregisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: aws.String("service/default/web-app"),
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount})
	apiErr(t, err, "ObjectNotFoundException")
	// B registers the same key independently.
	arnB := registerECS(t, b, "service/default/web-app", 2, 3)
	if arnA == arnB || !strings.Contains(arnB, ":222222222222:") {
		t.Errorf("ARNs A=%s B=%s", arnA, arnB)
	}
	outA, err := a.DescribeScalableTargets(ctx(t), &aas.DescribeScalableTargetsInput{ServiceNamespace: types.ServiceNamespaceEcs})
	if err != nil {
		t.Fatal(err)
	}
	if len(outA.ScalableTargets) != 1 || aws.ToInt32(outA.ScalableTargets[0].MinCapacity) != 1 {
		t.Errorf("account A targets = %+v", outA.ScalableTargets)
	}
	// Callers without an account are the default account.
	anon := e.client("")
	registerECS(t, anon, "service/default/anon", 0, 1)
	tg, err := e.store.GetTarget(ctx(t), model.TargetKey{Account: api.DefaultAccount, Namespace: "ecs", ResourceID: "service/default/anon", Dimension: "ecs:service:DesiredCount"})
	if err != nil || !strings.Contains(tg.ARN, ":000000000000:") {
		t.Errorf("anonymous target = %+v, %v", tg, err)
	}
}

func TestLimits(t *testing.T) {
	e := newEnv(t, func(o *api.Options) {
		o.Limits = api.Limits{TargetsPerResourceType: 2, PoliciesPerTarget: 2, ScheduledPerTarget: 1}
	})
	c := e.client(testAccount)
	registerECS(t, c, "service/c/a", 0, 1)
	registerECS(t, c, "service/c/b", 0, 1)
	_, err := c.RegisterScalableTarget(ctx(t), &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: aws.String("service/c/c"),
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, MinCapacity: aws.Int32(0), MaxCapacity: aws.Int32(1)})
	var le *types.LimitExceededException
	if !errors.As(err, &le) {
		t.Errorf("third target: %v, want LimitExceededException", err)
	}
	step := func(name string, n int) error {
		steps := []types.StepAdjustment{}
		for i := range n {
			sa := types.StepAdjustment{MetricIntervalLowerBound: aws.Float64(float64(i)), ScalingAdjustment: aws.Int32(int32(i + 1))}
			if i < n-1 {
				sa.MetricIntervalUpperBound = aws.Float64(float64(i + 1))
			}
			steps = append(steps, sa)
		}
		_, err := c.PutScalingPolicy(ctx(t), &aas.PutScalingPolicyInput{PolicyName: aws.String(name), ServiceNamespace: types.ServiceNamespaceEcs,
			ResourceId: aws.String("service/c/a"), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, PolicyType: types.PolicyTypeStepScaling,
			StepScalingPolicyConfiguration: &types.StepScalingPolicyConfiguration{AdjustmentType: types.AdjustmentTypeChangeInCapacity, StepAdjustments: steps}})
		return err
	}
	if err := step("p1", 20); err != nil {
		t.Fatal(err)
	}
	if err := step("p1", 21); !errors.As(err, &le) {
		t.Errorf("21 steps: %v, want LimitExceededException", err)
	}
	if err := step("p2", 1); err != nil {
		t.Fatal(err)
	}
	if err := step("p3", 1); !errors.As(err, &le) {
		t.Errorf("third policy: %v, want LimitExceededException", err)
	}
	sched := func(name string) error {
		_, err := c.PutScheduledAction(ctx(t), &aas.PutScheduledActionInput{ServiceNamespace: types.ServiceNamespaceEcs, ScheduledActionName: aws.String(name),
			ResourceId: aws.String("service/c/a"), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, Schedule: aws.String("rate(1 hour)"),
			ScalableTargetAction: &types.ScalableTargetAction{MaxCapacity: aws.Int32(1)}})
		return err
	}
	if err := sched("s1"); err != nil {
		t.Fatal(err)
	}
	if err := sched("s1"); err != nil {
		t.Fatalf("updating an action at the limit: %v", err)
	}
	if err := sched("s2"); !errors.As(err, &le) {
		t.Errorf("second scheduled action: %v, want LimitExceededException", err)
	}
}

// faultyStore fails chosen calls.
type faultyStore struct {
	*memstore.Store
	putTarget error
	getTarget error
}

func (f *faultyStore) PutTarget(ctx context.Context, t model.ScalableTarget) (model.ScalableTarget, error) {
	if f.putTarget != nil {
		return model.ScalableTarget{}, f.putTarget
	}
	return f.Store.PutTarget(ctx, t)
}

func (f *faultyStore) GetTarget(ctx context.Context, k model.TargetKey) (model.ScalableTarget, error) {
	if f.getTarget != nil {
		return model.ScalableTarget{}, f.getTarget
	}
	return f.Store.GetTarget(ctx, k)
}

func TestServerErrors(t *testing.T) {
	fs := &faultyStore{Store: memstore.New()}
	e := newEnvWithStore(t, fs)
	c := e.client(testAccount)
	in := &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: aws.String("service/c/a"),
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, MinCapacity: aws.Int32(0), MaxCapacity: aws.Int32(1)}

	fs.putTarget = fmt.Errorf("sqlstore: %w", store.ErrConflict)
	_, err := c.RegisterScalableTarget(ctx(t), in)
	var cu *types.ConcurrentUpdateException
	if !errors.As(err, &cu) {
		t.Errorf("persistent conflict: %v, want ConcurrentUpdateException", err)
	}
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) && re.HTTPStatusCode() != http.StatusInternalServerError {
		t.Errorf("ConcurrentUpdateException status = %d, want 500", re.HTTPStatusCode())
	}

	fs.putTarget = nil
	fs.getTarget = errors.New("disk on fire")
	_, err = c.RegisterScalableTarget(ctx(t), in)
	var ie *types.InternalServiceException
	if !errors.As(err, &ie) || strings.Contains(aws.ToString(ie.Message), "disk") {
		t.Errorf("store failure: %v, want InternalServiceException without internals", err)
	}
}

// flakyStore conflicts a fixed number of times before writing.
type flakyStore struct {
	*memstore.Store
	conflicts int
}

func (f *flakyStore) PutTarget(ctx context.Context, t model.ScalableTarget) (model.ScalableTarget, error) {
	if f.conflicts > 0 {
		f.conflicts--
		return model.ScalableTarget{}, store.ErrConflict
	}
	return f.Store.PutTarget(ctx, t)
}

func TestConflictsAreRetried(t *testing.T) {
	fs := &flakyStore{Store: memstore.New(), conflicts: 3}
	e := newEnvWithStore(t, fs)
	registerECS(t, e.client(testAccount), "service/c/a", 0, 1)
}

type validator struct{ err error }

func (validator) State(context.Context, model.TargetKey) (resource.State, error) {
	return resource.State{}, nil
}
func (validator) SetDesired(context.Context, model.TargetKey, int32) error { return nil }
func (v validator) ValidateResourceID(_ context.Context, k model.TargetKey) error {
	if k.ResourceID == "inference-component/missing" {
		return fmt.Errorf("inference component missing: %w", resource.ErrNotFound)
	}
	return nil
}

func TestResourceIDValidator(t *testing.T) {
	reg := resource.NewRegistry()
	reg.Register(resource.Kind{Namespace: "sagemaker", Dimension: "sagemaker:inference-component:DesiredCopyCount"}, validator{})
	e := newEnv(t, func(o *api.Options) { o.Resources = reg })
	c := e.client(testAccount)
	reg1 := func(id string) error {
		_, err := c.RegisterScalableTarget(ctx(t), &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceSagemaker, ResourceId: aws.String(id),
			ScalableDimension: types.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount, MinCapacity: aws.Int32(0), MaxCapacity: aws.Int32(2)})
		return err
	}
	if err := reg1("inference-component/present"); err != nil {
		t.Fatal(err)
	}
	ae := apiErr(t, reg1("inference-component/missing"), "ValidationException")
	if !strings.Contains(ae.ErrorMessage(), "inference-component/missing") {
		t.Errorf("message = %q", ae.ErrorMessage())
	}
}

// post sends a raw request and returns status, error type header and body.
func post(t *testing.T, e *env, op, body string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), http.MethodPost, e.srv.URL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AnyScaleFrontendService."+op)
	k := keyFor(testAccount)
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(ctx(t), aws.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey},
		req, hex.EncodeToString(sum[:]), "application-autoscaling", "us-west-2", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), string(b)
}

// The wire format: Coral validation texts, epoch-second timestamps, [] for empty lists.
func TestWire(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, op, body string
		status         int
		want           string
	}{
		{"enum", "PutScalingPolicy", `{"PolicyName":"p","ServiceNamespace":"ecs","ResourceId":"service/a/b","ScalableDimension":"ecs:service:DesiredCount","PolicyType":"X"}`, 400,
			`{"Message":"1 validation error detected: Value 'X' at 'policyType' failed to satisfy constraint: Member must satisfy enum value set: [PredictiveScaling, StepScaling, TargetTrackingScaling]","__type":"ValidationException"}`},
		{"two errors", "DeregisterScalableTarget", `{"ServiceNamespace":"nope","ResourceId":""}`, 400,
			`{"Message":"3 validation errors detected: Value 'nope' at 'serviceNamespace' failed to satisfy constraint: Member must satisfy enum value set: [appstream, cassandra, comprehend, custom-resource, dynamodb, ec2, ecs, elasticache, elasticmapreduce, kafka, lambda, neptune, rds, sagemaker, workspaces]; Value '' at 'resourceId' failed to satisfy constraint: Member must have length greater than or equal to 1; Value null at 'scalableDimension' failed to satisfy constraint: Member must not be null","__type":"ValidationException"}`},
		{"nested", "PutScalingPolicy", `{"PolicyName":"p","ServiceNamespace":"ecs","ResourceId":"service/a/b","ScalableDimension":"ecs:service:DesiredCount","StepScalingPolicyConfiguration":{"StepAdjustments":[{"MetricIntervalLowerBound":0}]}}`, 400,
			`{"Message":"1 validation error detected: Value null at 'stepScalingPolicyConfiguration.stepAdjustments.1.member.scalingAdjustment' failed to satisfy constraint: Member must not be null","__type":"ValidationException"}`},
		{"non-finite target", "PutScalingPolicy", `{"PolicyName":"p","ServiceNamespace":"ecs","ResourceId":"service/a/b","ScalableDimension":"ecs:service:DesiredCount","TargetTrackingScalingPolicyConfiguration":{"TargetValue":"NaN"}}`, 400,
			`{"Message":"1 validation error detected: Value 'NaN' at 'targetTrackingScalingPolicyConfiguration.targetValue' failed to satisfy constraint: Member must be a finite number","__type":"ValidationException"}`},
		{"policy name pattern", "PutScalingPolicy", "{\"PolicyName\":\"a\\u0001\",\"ServiceNamespace\":\"ecs\",\"ResourceId\":\"service/a/b\",\"ScalableDimension\":\"ecs:service:DesiredCount\"}", 400,
			"{\"Message\":\"1 validation error detected: Value 'a\\u0001' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^\\\\p{Print}+$\",\"__type\":\"ValidationException\"}"},
		{"malformed", "DescribeScalableTargets", `{"ServiceNamespace":`, 400, ""},
		{"wrong type", "DescribeScalableTargets", `{"ServiceNamespace":"ecs","MaxResults":"ten"}`, 400, ""},
		{"empty list", "DescribeScalableTargets", `{"ServiceNamespace":"ecs"}`, 200, `{"ScalableTargets":[]}`},
		{"register", "RegisterScalableTarget", `{"ServiceNamespace":"ecs","ResourceId":"service/default/web-app","ScalableDimension":"ecs:service:DesiredCount","MinCapacity":1,"MaxCapacity":10}`, 200, ""},
		{"missing min", "RegisterScalableTarget", `{"ServiceNamespace":"ecs","ResourceId":"service/default/other","ScalableDimension":"ecs:service:DesiredCount","MaxCapacity":10}`, 400,
			`{"Message":"MinCapacity and MaxCapacity are required to register a new scalable target (MinCapacity: null, MaxCapacity: 10)","__type":"ValidationException"}`},
		{"min above max", "RegisterScalableTarget", `{"ServiceNamespace":"ecs","ResourceId":"service/default/web-app","ScalableDimension":"ecs:service:DesiredCount","MinCapacity":11}`, 400,
			`{"Message":"MinCapacity 11 must not be greater than MaxCapacity 10","__type":"ValidationException"}`},
		{"dynamodb floor", "RegisterScalableTarget", `{"ServiceNamespace":"dynamodb","ResourceId":"table/t","ScalableDimension":"dynamodb:table:ReadCapacityUnits","MinCapacity":0,"MaxCapacity":10}`, 400,
			`{"Message":"MinCapacity 0 is invalid for scalable dimension dynamodb:table:ReadCapacityUnits: must be at least 1","__type":"ValidationException"}`},
		{"emr role", "RegisterScalableTarget", `{"ServiceNamespace":"elasticmapreduce","ResourceId":"instancegroup/j-2EEZNYKUA1NTV/ig-1791Y4E1L8YI0","ScalableDimension":"elasticmapreduce:instancegroup:InstanceCount","MinCapacity":0,"MaxCapacity":10}`, 400,
			`{"Message":"RoleARN is required to register a scalable target in service namespace elasticmapreduce","__type":"ValidationException"}`},
		{"iso timestamps", "PutScheduledAction", `{"ServiceNamespace":"ecs","ResourceId":"service/default/web-app","ScalableDimension":"ecs:service:DesiredCount","ScheduledActionName":"iso","Schedule":"rate(1 day)","StartTime":"2030-01-02T03:04:05Z","EndTime":1893553445.5,"ScalableTargetAction":{"MaxCapacity":3}}`, 200, `{}`},
		{"step bounds", "PutScalingPolicy", `{"PolicyName":"p","ServiceNamespace":"ecs","ResourceId":"service/default/web-app","ScalableDimension":"ecs:service:DesiredCount","PolicyType":"StepScaling","StepScalingPolicyConfiguration":{"AdjustmentType":"ChangeInCapacity","StepAdjustments":[{"MetricIntervalLowerBound":0,"MetricIntervalUpperBound":10,"ScalingAdjustment":1}]}}`, 400,
			`{"Message":"There must be a step adjustment with an unspecified upper bound when one step adjustment has a positive upper bound","__type":"ValidationException"}`},
		{"step both unbounded", "PutScalingPolicy", `{"PolicyName":"p","ServiceNamespace":"ecs","ResourceId":"service/default/web-app","ScalableDimension":"ecs:service:DesiredCount","PolicyType":"StepScaling","StepScalingPolicyConfiguration":{"AdjustmentType":"ChangeInCapacity","StepAdjustments":[{"ScalingAdjustment":1}]}}`, 400,
			`{"Message":"Both lower and upper bounds of a step adjustment cannot be left unspecified","__type":"ValidationException"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, typ, body := post(t, e, tc.op, tc.body)
			if status != tc.status {
				t.Fatalf("status = %d (%s %s), want %d", status, typ, body, tc.status)
			}
			if tc.want != "" {
				if diff := cmp.Diff(tc.want, body); diff != "" {
					t.Errorf("body (-want +got):\n%s", diff)
				}
			}
		})
	}
	_, _, body := post(t, e, "DescribeScalableTargets", `{"ServiceNamespace":"ecs"}`)
	if !strings.Contains(body, `"CreationTime":1778066506.199`) || strings.Contains(body, "null") || strings.Contains(body, "NextToken") {
		t.Errorf("describe body = %s", body)
	}
	_, _, body = post(t, e, "DescribeScheduledActions", `{"ServiceNamespace":"ecs"}`)
	if !strings.Contains(body, `"StartTime":1893553445,`) || !strings.Contains(body, `"EndTime":1893553445.5`) {
		t.Errorf("scheduled actions body = %s", body)
	}
	status, typ, _ := post(t, e, "NoSuchOperation", `{}`)
	if status != 400 || typ != "UnknownOperationException" {
		t.Errorf("unknown operation = %d %s", status, typ)
	}
	status, typ, body = post(t, e, "ListTagsForResource", `{"ResourceARN":"arn:aws:application-autoscaling:us-west-2:123456789012:scalable-target/0ecs00000000000000000000000000000000"}`)
	if status != 404 || typ != "ResourceNotFoundException" || !strings.Contains(body, `"ResourceName":"arn:aws:application-autoscaling:us-west-2:123456789012:scalable-target/0ecs00000000000000000000000000000000"`) {
		t.Errorf("ListTagsForResource(unknown) = %d %s %s", status, typ, body)
	}
}
