package autoscaling_test

import (
	"context"
	"fmt"
	"go/token"
	"sort"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/autoscaling"
)

// ignoreUnexported skips the unexported marker fields of SDK shapes in cmp comparisons.
var ignoreUnexported = cmp.FilterPath(func(p cmp.Path) bool {
	sf, ok := p.Last().(cmp.StructField)
	return ok && !token.IsExported(sf.Name())
}, cmp.Ignore())

// fakeClient is an in-memory Application Auto Scaling with a call log and injectable
// failures. It answers DescribeScalingPolicies one policy per page to exercise paging.
type fakeClient struct {
	targets  map[string]*applicationautoscaling.RegisterScalableTargetInput
	policies map[string]*applicationautoscaling.PutScalingPolicyInput
	calls    []string
	// fail maps an operation name to the error its next calls return.
	fail map[string]error
}

var _ autoscaling.Client = (*fakeClient)(nil)

func newFake() *fakeClient {
	return &fakeClient{
		targets:  map[string]*applicationautoscaling.RegisterScalableTargetInput{},
		policies: map[string]*applicationautoscaling.PutScalingPolicyInput{},
		fail:     map[string]error{},
	}
}

func targetKey(ns types.ServiceNamespace, id *string, dim types.ScalableDimension) string {
	return fmt.Sprintf("%s|%s|%s", ns, aws.ToString(id), dim)
}

func (f *fakeClient) call(op, detail string) error {
	f.calls = append(f.calls, op+" "+detail)
	return f.fail[op]
}

func notFound(what string) error {
	return &types.ObjectNotFoundException{Message: aws.String("No " + what + " found")}
}

// state lists the targets and policies in a stable, comparable form.
func (f *fakeClient) state() []string {
	var out []string
	for k, t := range f.targets {
		out = append(out, fmt.Sprintf("target %s min=%d max=%d", k, aws.ToInt32(t.MinCapacity), aws.ToInt32(t.MaxCapacity)))
	}
	for k, p := range f.policies {
		out = append(out, fmt.Sprintf("policy %s type=%s", k, p.PolicyType))
	}
	sort.Strings(out)
	return out
}

func (f *fakeClient) RegisterScalableTarget(_ context.Context, in *applicationautoscaling.RegisterScalableTargetInput, _ ...func(*applicationautoscaling.Options)) (*applicationautoscaling.RegisterScalableTargetOutput, error) {
	k := targetKey(in.ServiceNamespace, in.ResourceId, in.ScalableDimension)
	if err := f.call("RegisterScalableTarget", k); err != nil {
		return nil, err
	}
	f.targets[k] = in
	return &applicationautoscaling.RegisterScalableTargetOutput{ScalableTargetARN: aws.String("arn:fake:scalable-target/" + k)}, nil
}

func (f *fakeClient) DeregisterScalableTarget(_ context.Context, in *applicationautoscaling.DeregisterScalableTargetInput, _ ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DeregisterScalableTargetOutput, error) {
	k := targetKey(in.ServiceNamespace, in.ResourceId, in.ScalableDimension)
	if err := f.call("DeregisterScalableTarget", k); err != nil {
		return nil, err
	}
	if _, ok := f.targets[k]; !ok {
		return nil, notFound("scalable target " + k)
	}
	delete(f.targets, k)
	for pk, p := range f.policies {
		if targetKey(p.ServiceNamespace, p.ResourceId, p.ScalableDimension) == k {
			delete(f.policies, pk)
		}
	}
	return &applicationautoscaling.DeregisterScalableTargetOutput{}, nil
}

func (f *fakeClient) DescribeScalableTargets(_ context.Context, in *applicationautoscaling.DescribeScalableTargetsInput, _ ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DescribeScalableTargetsOutput, error) {
	if err := f.call("DescribeScalableTargets", fmt.Sprintf("%s %v %s", in.ServiceNamespace, in.ResourceIds, in.ScalableDimension)); err != nil {
		return nil, err
	}
	out := &applicationautoscaling.DescribeScalableTargetsOutput{}
	for _, id := range in.ResourceIds {
		if t, ok := f.targets[targetKey(in.ServiceNamespace, aws.String(id), in.ScalableDimension)]; ok {
			out.ScalableTargets = append(out.ScalableTargets, types.ScalableTarget{
				ServiceNamespace:  t.ServiceNamespace,
				ResourceId:        t.ResourceId,
				ScalableDimension: t.ScalableDimension,
				MinCapacity:       t.MinCapacity,
				MaxCapacity:       t.MaxCapacity,
				SuspendedState:    t.SuspendedState,
				ScalableTargetARN: aws.String("arn:fake:scalable-target/" + targetKey(t.ServiceNamespace, t.ResourceId, t.ScalableDimension)),
			})
		}
	}
	return out, nil
}

func (f *fakeClient) PutScalingPolicy(_ context.Context, in *applicationautoscaling.PutScalingPolicyInput, _ ...func(*applicationautoscaling.Options)) (*applicationautoscaling.PutScalingPolicyOutput, error) {
	k := targetKey(in.ServiceNamespace, in.ResourceId, in.ScalableDimension)
	if err := f.call("PutScalingPolicy", k+" "+aws.ToString(in.PolicyName)); err != nil {
		return nil, err
	}
	if _, ok := f.targets[k]; !ok {
		return nil, notFound("scalable target " + k)
	}
	f.policies[k+"|"+aws.ToString(in.PolicyName)] = in
	return &applicationautoscaling.PutScalingPolicyOutput{PolicyARN: aws.String("arn:fake:policy/" + k + "|" + aws.ToString(in.PolicyName))}, nil
}

func (f *fakeClient) DeleteScalingPolicy(_ context.Context, in *applicationautoscaling.DeleteScalingPolicyInput, _ ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DeleteScalingPolicyOutput, error) {
	k := targetKey(in.ServiceNamespace, in.ResourceId, in.ScalableDimension) + "|" + aws.ToString(in.PolicyName)
	if err := f.call("DeleteScalingPolicy", k); err != nil {
		return nil, err
	}
	if _, ok := f.policies[k]; !ok {
		return nil, notFound("scaling policy " + k)
	}
	delete(f.policies, k)
	return &applicationautoscaling.DeleteScalingPolicyOutput{}, nil
}

func (f *fakeClient) DescribeScalingPolicies(_ context.Context, in *applicationautoscaling.DescribeScalingPoliciesInput, _ ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DescribeScalingPoliciesOutput, error) {
	k := targetKey(in.ServiceNamespace, in.ResourceId, in.ScalableDimension)
	if err := f.call("DescribeScalingPolicies", k+" token="+aws.ToString(in.NextToken)); err != nil {
		return nil, err
	}
	var names []string
	for pk, p := range f.policies {
		if targetKey(p.ServiceNamespace, p.ResourceId, p.ScalableDimension) == k {
			names = append(names, pk)
		}
	}
	sort.Strings(names)
	start := 0
	if tok := aws.ToString(in.NextToken); tok != "" {
		start, _ = strconv.Atoi(tok)
	}
	out := &applicationautoscaling.DescribeScalingPoliciesOutput{}
	if start < len(names) {
		p := f.policies[names[start]]
		out.ScalingPolicies = []types.ScalingPolicy{{
			PolicyName:        p.PolicyName,
			PolicyType:        p.PolicyType,
			ServiceNamespace:  p.ServiceNamespace,
			ResourceId:        p.ResourceId,
			ScalableDimension: p.ScalableDimension,
		}}
		if start+1 < len(names) {
			out.NextToken = aws.String(strconv.Itoa(start + 1))
		}
	}
	return out, nil
}
