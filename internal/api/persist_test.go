package api_test

import (
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scaled-dev/scaled/internal/store/sqlstore"
)

// Everything written through the API survives closing and reopening the SQLite file, and a
// NextToken issued before the restart still works after it (same token key).
func TestRestartPersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scaled.db")
	open := func() *sqlstore.Store {
		st, err := sqlstore.OpenSQLite(ctx(t), path, sqlstore.Options{Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	type snapshot struct {
		Targets   []types.ScalableTarget
		Policies  []types.ScalingPolicy
		Scheduled []types.ScheduledAction
		Tags      map[string]string
	}
	snap := func(c *aas.Client, arn string) snapshot {
		tg, err := c.DescribeScalableTargets(ctx(t), &aas.DescribeScalableTargetsInput{ServiceNamespace: types.ServiceNamespaceSagemaker})
		if err != nil {
			t.Fatal(err)
		}
		po, err := c.DescribeScalingPolicies(ctx(t), &aas.DescribeScalingPoliciesInput{ServiceNamespace: types.ServiceNamespaceSagemaker})
		if err != nil {
			t.Fatal(err)
		}
		sa, err := c.DescribeScheduledActions(ctx(t), &aas.DescribeScheduledActionsInput{ServiceNamespace: types.ServiceNamespaceSagemaker})
		if err != nil {
			t.Fatal(err)
		}
		tags, err := c.ListTagsForResource(ctx(t), &aas.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		return snapshot{tg.ScalableTargets, po.ScalingPolicies, sa.ScheduledActions, tags.Tags}
	}

	st := open()
	e := newEnvWithStore(t, st)
	c := e.client(testAccount)
	const id = "inference-component/my-ic"
	dim := types.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount
	out, err := c.RegisterScalableTarget(ctx(t), &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceSagemaker, ResourceId: aws.String(id),
		ScalableDimension: dim, MinCapacity: aws.Int32(0), MaxCapacity: aws.Int32(4), Tags: map[string]string{"team": "ml"}})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.ScalableTargetARN)
	for _, name := range []string{"ic-2", "ic-3"} {
		if _, err := c.RegisterScalableTarget(ctx(t), &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceSagemaker, ResourceId: aws.String("inference-component/" + name),
			ScalableDimension: dim, MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(2)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.PutScalingPolicy(ctx(t), &aas.PutScalingPolicyInput{PolicyName: aws.String("tt"), ServiceNamespace: types.ServiceNamespaceSagemaker, ResourceId: aws.String(id),
		ScalableDimension: dim, PolicyType: types.PolicyTypeTargetTrackingScaling, TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{
			TargetValue: aws.Float64(2.5), PredefinedMetricSpecification: &types.PredefinedMetricSpecification{PredefinedMetricType: types.MetricTypeSageMakerInferenceComponentInvocationsPerCopy}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutScheduledAction(ctx(t), &aas.PutScheduledActionInput{ServiceNamespace: types.ServiceNamespaceSagemaker, ScheduledActionName: aws.String("night"),
		ResourceId: aws.String(id), ScalableDimension: dim, Schedule: aws.String("cron(0 22 * * ? *)"), Timezone: aws.String("Europe/Berlin"),
		ScalableTargetAction: &types.ScalableTargetAction{MinCapacity: aws.Int32(0), MaxCapacity: aws.Int32(1)}}); err != nil {
		t.Fatal(err)
	}
	before := snap(c, arn)
	page, err := c.DescribeScalableTargets(ctx(t), &aas.DescribeScalableTargetsInput{ServiceNamespace: types.ServiceNamespaceSagemaker, MaxResults: aws.Int32(2)})
	if err != nil || page.NextToken == nil {
		t.Fatalf("first page: %v, token %v", err, page.NextToken)
	}
	e.srv.Close()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st2 := open()
	t.Cleanup(func() { st2.Close() })
	c2 := newEnvWithStore(t, st2).client(testAccount)
	after := snap(c2, arn)
	opts := cmpopts.IgnoreUnexported(types.ScalableTarget{}, types.SuspendedState{}, types.ScalingPolicy{}, types.Alarm{}, types.TargetTrackingScalingPolicyConfiguration{},
		types.PredefinedMetricSpecification{}, types.ScheduledAction{}, types.ScalableTargetAction{})
	if diff := cmp.Diff(before, after, opts); diff != "" {
		t.Errorf("after restart (-before +after):\n%s", diff)
	}
	if len(after.Targets) != 3 || len(after.Policies) != 1 || len(after.Scheduled) != 1 {
		t.Errorf("after restart: %d targets, %d policies, %d scheduled actions", len(after.Targets), len(after.Policies), len(after.Scheduled))
	}
	rest, err := c2.DescribeScalableTargets(ctx(t), &aas.DescribeScalableTargetsInput{ServiceNamespace: types.ServiceNamespaceSagemaker, MaxResults: aws.Int32(2), NextToken: page.NextToken})
	if err != nil {
		t.Fatalf("token from before the restart: %v", err)
	}
	if len(rest.ScalableTargets) != 1 || aws.ToString(rest.ScalableTargets[0].ResourceId) != "inference-component/ic-3" {
		t.Errorf("second page = %+v", rest.ScalableTargets)
	}
}
