package api_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scaled-dev/scaled/internal/api"
	"github.com/scaled-dev/scaled/internal/model"
)

func registerDynamo(t *testing.T, c *aas.Client, table string, dim types.ScalableDimension, min, max int32) {
	t.Helper()
	_, err := c.RegisterScalableTarget(ctx(t), &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceDynamodb,
		ResourceId: aws.String(table), ScalableDimension: dim, MinCapacity: aws.Int32(min), MaxCapacity: aws.Int32(max)})
	if err != nil {
		t.Fatalf("RegisterScalableTarget(%s): %v", table, err)
	}
}

// TV-08, TV-09, TV-10, TV-29, TV-30 and the update rules of PutScheduledAction.
func TestScheduledActions(t *testing.T) {
	e := newEnv(t)
	c := e.client(testAccount)
	registerDynamo(t, c, "table/my-table", types.ScalableDimensionDynamoDBTableWriteCapacityUnits, 1, 20)
	put := func(in aas.PutScheduledActionInput) error {
		in.ServiceNamespace = types.ServiceNamespaceDynamodb
		in.ResourceId = aws.String("table/my-table")
		in.ScalableDimension = types.ScalableDimensionDynamoDBTableWriteCapacityUnits
		_, err := c.PutScheduledAction(ctx(t), &in)
		return err
	}
	if err := put(aas.PutScheduledActionInput{ScheduledActionName: aws.String("my-first-scheduled-action"), Schedule: aws.String("at(2019-05-20T18:35:00)"),
		ScalableTargetAction: &types.ScalableTargetAction{MinCapacity: aws.Int32(15), MaxCapacity: aws.Int32(20)}}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(57*time.Second + 660*time.Millisecond)
	if err := put(aas.PutScheduledActionInput{ScheduledActionName: aws.String("my-second-scheduled-action"), Schedule: aws.String("at(2020-12-08T9:36:00)"),
		Timezone: aws.String("America/New_York"), StartTime: aws.Time(epoch.Add(time.Hour)), EndTime: aws.Time(epoch.Add(2 * time.Hour)),
		ScalableTargetAction: &types.ScalableTargetAction{MinCapacity: aws.Int32(5), MaxCapacity: aws.Int32(10)}}); err != nil {
		t.Fatal(err)
	}
	if err := put(aas.PutScheduledActionInput{ScheduledActionName: aws.String("my-recurring-action"), Schedule: aws.String("cron(15 12 * * ? *)"),
		ScalableTargetAction: &types.ScalableTargetAction{MinCapacity: aws.Int32(6)}}); err != nil {
		t.Fatal(err)
	}
	out, err := c.DescribeScheduledActions(ctx(t), &aas.DescribeScheduledActionsInput{ServiceNamespace: types.ServiceNamespaceDynamodb})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ScheduledActions) != 3 {
		t.Fatalf("got %d scheduled actions, want 3", len(out.ScheduledActions))
	}
	arnRE := regexp.MustCompile(`^arn:aws:autoscaling:us-west-2:123456789012:scheduledAction:(` + uuidPart + `):resource/dynamodb/table/my-table:scheduledActionName/(.+)$`)
	var uuids []string
	for _, a := range out.ScheduledActions {
		m := arnRE.FindStringSubmatch(aws.ToString(a.ScheduledActionARN))
		if m == nil || m[2] != aws.ToString(a.ScheduledActionName) {
			t.Fatalf("ScheduledActionARN = %s", aws.ToString(a.ScheduledActionARN))
		}
		uuids = append(uuids, m[1])
	}
	if uuids[0] != uuids[1] || uuids[1] != uuids[2] {
		t.Errorf("scheduled actions of one target have different UUIDs: %v", uuids)
	}
	second := out.ScheduledActions[1]
	want := types.ScheduledAction{
		ScheduledActionName: aws.String("my-second-scheduled-action"), ScheduledActionARN: second.ScheduledActionARN, ServiceNamespace: types.ServiceNamespaceDynamodb,
		Schedule: aws.String("at(2020-12-08T9:36:00)"), Timezone: aws.String("America/New_York"), ResourceId: aws.String("table/my-table"),
		ScalableDimension: types.ScalableDimensionDynamoDBTableWriteCapacityUnits, StartTime: aws.Time(epoch.Add(time.Hour)), EndTime: aws.Time(epoch.Add(2 * time.Hour)),
		ScalableTargetAction: &types.ScalableTargetAction{MinCapacity: aws.Int32(5), MaxCapacity: aws.Int32(10)}, CreationTime: aws.Time(epoch.Add(57*time.Second + 660*time.Millisecond)),
	}
	opts := cmpopts.IgnoreUnexported(types.ScheduledAction{}, types.ScalableTargetAction{})
	if diff := cmp.Diff(want, second, opts); diff != "" {
		t.Errorf("second action (-want +got):\n%s", diff)
	}
	if got := out.ScheduledActions[2].ScalableTargetAction; got.MaxCapacity != nil || aws.ToInt32(got.MinCapacity) != 6 {
		t.Errorf("TV-08 ScalableTargetAction = %+v, want only MinCapacity 6", got)
	}

	// Update: omitted Schedule, Timezone and ScalableTargetAction stay; Start/End are cleared.
	if err := put(aas.PutScheduledActionInput{ScheduledActionName: aws.String("my-second-scheduled-action")}); err != nil {
		t.Fatal(err)
	}
	out, err = c.DescribeScheduledActions(ctx(t), &aas.DescribeScheduledActionsInput{ServiceNamespace: types.ServiceNamespaceDynamodb,
		ScheduledActionNames: []string{"my-second-scheduled-action"}, ResourceId: aws.String("table/my-table"), ScalableDimension: types.ScalableDimensionDynamoDBTableWriteCapacityUnits})
	if err != nil {
		t.Fatal(err)
	}
	want.StartTime, want.EndTime = nil, nil
	if diff := cmp.Diff([]types.ScheduledAction{want}, out.ScheduledActions, opts); diff != "" {
		t.Errorf("after update (-want +got):\n%s", diff)
	}

	// TV-30.
	for _, sta := range []*types.ScalableTargetAction{nil, {}} {
		err := put(aas.PutScheduledActionInput{ScheduledActionName: aws.String("no-bounds"), Schedule: aws.String("rate(5 minutes)"), ScalableTargetAction: sta})
		ae := apiErr(t, err, "ValidationException")
		if ae.ErrorMessage() != "At least one of minimum capacity and maximum capacity should be provided" {
			t.Errorf("message = %q", ae.ErrorMessage())
		}
	}
	// Bad expressions and zones.
	for _, in := range []aas.PutScheduledActionInput{
		{ScheduledActionName: aws.String("bad"), Schedule: aws.String("cron(10 8 ? * MON-FRI)"), ScalableTargetAction: &types.ScalableTargetAction{MinCapacity: aws.Int32(1)}},
		{ScheduledActionName: aws.String("bad"), Schedule: aws.String("rate(1 minutes)"), ScalableTargetAction: &types.ScalableTargetAction{MinCapacity: aws.Int32(1)}},
		{ScheduledActionName: aws.String("bad"), Schedule: aws.String("at(2020-13-08T09:36:00)"), ScalableTargetAction: &types.ScalableTargetAction{MinCapacity: aws.Int32(1)}},
		{ScheduledActionName: aws.String("bad"), Schedule: aws.String("cron(0 10 * * ? *)"), Timezone: aws.String("Mars/Olympus"), ScalableTargetAction: &types.ScalableTargetAction{MinCapacity: aws.Int32(1)}},
		{ScheduledActionName: aws.String("bad"), ScalableTargetAction: &types.ScalableTargetAction{MinCapacity: aws.Int32(1)}},
		{ScheduledActionName: aws.String("bad/name"), Schedule: aws.String("rate(1 day)"), ScalableTargetAction: &types.ScalableTargetAction{MinCapacity: aws.Int32(1)}},
		{ScheduledActionName: aws.String("bad"), Schedule: aws.String("rate(1 day)"), ScalableTargetAction: &types.ScalableTargetAction{MinCapacity: aws.Int32(5), MaxCapacity: aws.Int32(2)}},
	} {
		apiErr(t, put(in), "ValidationException")
	}

	// TV-10.
	delIn := &aas.DeleteScheduledActionInput{ServiceNamespace: types.ServiceNamespaceDynamodb, ScheduledActionName: aws.String("my-recurring-action"),
		ResourceId: aws.String("table/my-table"), ScalableDimension: types.ScalableDimensionDynamoDBTableWriteCapacityUnits}
	if _, err := c.DeleteScheduledAction(ctx(t), delIn); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteScheduledAction(ctx(t), delIn)
	var nf *types.ObjectNotFoundException
	if !errorsAs(err, &nf) {
		t.Errorf("second delete: %v, want ObjectNotFoundException", err)
	}

	// Not for MSK; and the target must exist.
	_, err = c.PutScheduledAction(ctx(t), &aas.PutScheduledActionInput{ServiceNamespace: types.ServiceNamespaceKafka, ScheduledActionName: aws.String("x"),
		ResourceId: aws.String("arn:aws:kafka:us-west-2:123456789012:cluster/demo/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5"), ScalableDimension: types.ScalableDimensionKafkaBrokerStorageVolumeSize,
		Schedule: aws.String("rate(1 day)"), ScalableTargetAction: &types.ScalableTargetAction{MaxCapacity: aws.Int32(100)}})
	apiErr(t, err, "ValidationException")
	err = put(aas.PutScheduledActionInput{ScheduledActionName: aws.String("x"), Schedule: aws.String("rate(1 day)"), ScalableTargetAction: &types.ScalableTargetAction{MaxCapacity: aws.Int32(3)}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.PutScheduledAction(ctx(t), &aas.PutScheduledActionInput{ServiceNamespace: types.ServiceNamespaceDynamodb, ScheduledActionName: aws.String("x"),
		ResourceId: aws.String("table/other"), ScalableDimension: types.ScalableDimensionDynamoDBTableWriteCapacityUnits,
		Schedule: aws.String("rate(1 day)"), ScalableTargetAction: &types.ScalableTargetAction{MaxCapacity: aws.Int32(3)}})
	apiErr(t, err, "ObjectNotFoundException")
}

// TV-11, TV-12, TV-13 and the tagging errors.
func TestTags(t *testing.T) {
	e := newEnv(t, func(o *api.Options) { o.Limits.TagsPerResource = 3 })
	c := e.client(testAccount)
	arn := registerECS(t, c, "service/default/web-app", 1, 10)
	if _, err := c.TagResource(ctx(t), &aas.TagResourceInput{ResourceARN: aws.String(arn), Tags: map[string]string{"environment": "production"}}); err != nil {
		t.Fatal(err)
	}
	list := func() map[string]string {
		out, err := c.ListTagsForResource(ctx(t), &aas.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Tags
	}
	if diff := cmp.Diff(map[string]string{"environment": "production"}, list()); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if _, err := c.UntagResource(ctx(t), &aas.UntagResourceInput{ResourceARN: aws.String(arn), TagKeys: []string{"environment", "absent"}}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{}, list()); diff != "" {
		t.Errorf("tags after untag (-want +got):\n%s", diff)
	}

	unknown := "arn:aws:application-autoscaling:us-west-2:123456789012:scalable-target/1234abcd56ab78cd901ef1234567890ab123"
	_, err := c.TagResource(ctx(t), &aas.TagResourceInput{ResourceARN: aws.String(unknown), Tags: map[string]string{"a": "b"}})
	var rnf *types.ResourceNotFoundException
	if !errorsAs(err, &rnf) || aws.ToString(rnf.ResourceName) != unknown {
		t.Errorf("TagResource(unknown) = %v, want ResourceNotFoundException naming the ARN", err)
	}
	if _, err := c.ListTagsForResource(ctx(t), &aas.ListTagsForResourceInput{ResourceARN: aws.String(unknown)}); !errorsAs(err, &rnf) {
		t.Errorf("ListTagsForResource(unknown) = %v", err)
	}
	if _, err := c.UntagResource(ctx(t), &aas.UntagResourceInput{ResourceARN: aws.String(unknown), TagKeys: []string{"a"}}); !errorsAs(err, &rnf) {
		t.Errorf("UntagResource(unknown) = %v", err)
	}
	_, err = c.TagResource(ctx(t), &aas.TagResourceInput{ResourceARN: aws.String(arn), Tags: map[string]string{"a": "1", "b": "2", "c": "3", "d": "4"}})
	var tmt *types.TooManyTagsException
	if !errorsAs(err, &tmt) || aws.ToString(tmt.ResourceName) != arn {
		t.Errorf("TagResource(4 tags, limit 3) = %v, want TooManyTagsException", err)
	}
	_, err = c.TagResource(ctx(t), &aas.TagResourceInput{ResourceARN: aws.String(arn), Tags: map[string]string{"aws:reserved": "x"}})
	apiErr(t, err, "ValidationException")
	_, err = c.TagResource(ctx(t), &aas.TagResourceInput{ResourceARN: aws.String("arn:aws:iam::123:role/x"), Tags: map[string]string{"a": "b"}})
	apiErr(t, err, "ValidationException")
	// Tags given at registration are stored; tags on an update are ignored.
	_, err = c.RegisterScalableTarget(ctx(t), &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: aws.String("service/default/tagged"),
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, MinCapacity: aws.Int32(0), MaxCapacity: aws.Int32(1), Tags: map[string]string{"team": "ml"}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.RegisterScalableTarget(ctx(t), &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: aws.String("service/default/tagged"),
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, Tags: map[string]string{"team": "other"}})
	if err != nil {
		t.Fatal(err)
	}
	lt, err := c.ListTagsForResource(ctx(t), &aas.ListTagsForResourceInput{ResourceARN: out.ScalableTargetARN})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"team": "ml"}, lt.Tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
}

// TV-14, TV-15, TV-16, TV-22.
func TestObservedErrors(t *testing.T) {
	e := newEnv(t)
	c := e.client(testAccount)
	ttIn := func(name string, metric types.MetricType) *aas.PutScalingPolicyInput {
		return &aas.PutScalingPolicyInput{PolicyName: aws.String(name), ServiceNamespace: types.ServiceNamespaceDynamodb, ResourceId: aws.String("table/my-table"),
			ScalableDimension: types.ScalableDimensionDynamoDBTableWriteCapacityUnits, PolicyType: types.PolicyTypeTargetTrackingScaling,
			TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(70),
				PredefinedMetricSpecification: &types.PredefinedMetricSpecification{PredefinedMetricType: metric}}}
	}
	// TV-14.
	_, err := c.PutScalingPolicy(ctx(t), &aas.PutScalingPolicyInput{PolicyName: aws.String("p"), ServiceNamespace: types.ServiceNamespaceEcs,
		ResourceId: aws.String("service/eg-test-ecs-web-app-367/eg-test-ecs-web-app-367"), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount,
		PolicyType: types.PolicyTypeTargetTrackingScaling, TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(50),
			PredefinedMetricSpecification: &types.PredefinedMetricSpecification{PredefinedMetricType: types.MetricTypeECSServiceAverageCPUUtilization}}})
	ae := apiErr(t, err, "ObjectNotFoundException")
	if want := "No scalable target registered for service namespace: ecs, resource ID: service/eg-test-ecs-web-app-367/eg-test-ecs-web-app-367, scalable dimension: ecs:service:DesiredCount"; ae.ErrorMessage() != want {
		t.Errorf("message = %q, want %q", ae.ErrorMessage(), want)
	}
	// TV-15.
	registerDynamo(t, c, "table/my-table", types.ScalableDimensionDynamoDBTableWriteCapacityUnits, 1, 20)
	if _, err := c.PutScalingPolicy(ctx(t), ttIn("first", types.MetricTypeDynamoDBWriteCapacityUtilization)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutScalingPolicy(ctx(t), ttIn("first", types.MetricTypeDynamoDBWriteCapacityUtilization)); err != nil {
		t.Fatalf("re-put of the same policy: %v", err)
	}
	_, err = c.PutScalingPolicy(ctx(t), ttIn("second", types.MetricTypeDynamoDBWriteCapacityUtilization))
	ae = apiErr(t, err, "ValidationException")
	if ae.ErrorMessage() != "Only one TargetTrackingScaling policy for a given metric specification is allowed." {
		t.Errorf("message = %q", ae.ErrorMessage())
	}
	// The read metric does not fit the write dimension.
	_, err = c.PutScalingPolicy(ctx(t), ttIn("third", types.MetricTypeDynamoDBReadCapacityUtilization))
	apiErr(t, err, "ValidationException")
	// Step scaling is not available for DynamoDB.
	_, err = c.PutScalingPolicy(ctx(t), &aas.PutScalingPolicyInput{PolicyName: aws.String("step"), ServiceNamespace: types.ServiceNamespaceDynamodb, ResourceId: aws.String("table/my-table"),
		ScalableDimension: types.ScalableDimensionDynamoDBTableWriteCapacityUnits, PolicyType: types.PolicyTypeStepScaling,
		StepScalingPolicyConfiguration: &types.StepScalingPolicyConfiguration{AdjustmentType: types.AdjustmentTypeChangeInCapacity,
			StepAdjustments: []types.StepAdjustment{{MetricIntervalLowerBound: aws.Float64(0), ScalingAdjustment: aws.Int32(1)}}}})
	apiErr(t, err, "ValidationException")

	// TV-16.
	_, err = c.RegisterScalableTarget(ctx(t), &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceDynamodb, ResourceId: aws.String("dynamo/projects"),
		ScalableDimension: types.ScalableDimensionDynamoDBTableReadCapacityUnits, MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(5)})
	ae = apiErr(t, err, "ValidationException")
	if ae.ErrorMessage() != "Unsupported service namespace, resource type or scalable dimension" {
		t.Errorf("message = %q", ae.ErrorMessage())
	}

	// TV-22: the update path without Min/Max keeps them and sets the flags.
	registerDynamo(t, c, "table/my-table", types.ScalableDimensionDynamoDBTableReadCapacityUnits, 1, 20)
	_, err = c.RegisterScalableTarget(ctx(t), &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceDynamodb, ResourceId: aws.String("table/my-table"),
		ScalableDimension: types.ScalableDimensionDynamoDBTableReadCapacityUnits,
		SuspendedState:    &types.SuspendedState{DynamicScalingInSuspended: aws.Bool(true), DynamicScalingOutSuspended: aws.Bool(true), ScheduledScalingSuspended: aws.Bool(true)}})
	if err != nil {
		t.Fatal(err)
	}
	// A partial SuspendedState changes only the given flag.
	_, err = c.RegisterScalableTarget(ctx(t), &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceDynamodb, ResourceId: aws.String("table/my-table"),
		ScalableDimension: types.ScalableDimensionDynamoDBTableReadCapacityUnits, SuspendedState: &types.SuspendedState{ScheduledScalingSuspended: aws.Bool(false)}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.DescribeScalableTargets(ctx(t), &aas.DescribeScalableTargetsInput{ServiceNamespace: types.ServiceNamespaceDynamodb,
		ResourceIds: []string{"table/my-table"}, ScalableDimension: types.ScalableDimensionDynamoDBTableReadCapacityUnits})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.ScalableTargets) != 1 {
		t.Fatalf("got %d targets", len(got.ScalableTargets))
	}
	tg := got.ScalableTargets[0]
	gotState := [5]any{aws.ToInt32(tg.MinCapacity), aws.ToInt32(tg.MaxCapacity), aws.ToBool(tg.SuspendedState.DynamicScalingInSuspended), aws.ToBool(tg.SuspendedState.DynamicScalingOutSuspended), aws.ToBool(tg.SuspendedState.ScheduledScalingSuspended)}
	if diff := cmp.Diff([5]any{int32(1), int32(20), true, true, false}, gotState); diff != "" {
		t.Errorf("target after suspend (-want +got):\n%s", diff)
	}
	if want := "arn:aws:iam::123456789012:role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable"; aws.ToString(tg.RoleARN) != want {
		t.Errorf("RoleARN = %s, want %s", aws.ToString(tg.RoleARN), want)
	}
}

// TV-25: custom-resource IDs are embedded raw in policy ARNs and alarm names.
func TestCustomResourceNaming(t *testing.T) {
	e := newEnv(t)
	c := e.client(testAccount)
	id := "https://example.execute-api.us-west-2.amazonaws.com/prod/scalableTargetDimensions/1-23456789"
	_, err := c.RegisterScalableTarget(ctx(t), &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceCustomResource, ResourceId: aws.String(id),
		ScalableDimension: types.ScalableDimensionCustomResourceScalableDimension, MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(10)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.PutScalingPolicy(ctx(t), &aas.PutScalingPolicyInput{PolicyName: aws.String("custom-tt-scaling-policy"), ServiceNamespace: types.ServiceNamespaceCustomResource,
		ResourceId: aws.String(id), ScalableDimension: types.ScalableDimensionCustomResourceScalableDimension, PolicyType: types.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(50),
			CustomizedMetricSpecification: &types.CustomizedMetricSpecification{MetricName: aws.String("MyAverageUtilizationMetric"), Namespace: aws.String("MyNamespace"),
				Statistic: types.MetricStatisticAverage, Dimensions: []types.MetricDimension{{Name: aws.String("MyOptionalMetricDimensionName"), Value: aws.String("MyOptionalMetricDimensionValue")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^arn:aws:autoscaling:us-west-2:123456789012:scalingPolicy:` + uuidPart + `:resource/custom-resource/` + regexp.QuoteMeta(id) + `:policyName/custom-tt-scaling-policy$`)
	if !re.MatchString(aws.ToString(out.PolicyARN)) {
		t.Errorf("PolicyARN = %s", aws.ToString(out.PolicyARN))
	}
	for i, role := range []string{"AlarmHigh", "AlarmLow"} {
		if name := aws.ToString(out.Alarms[i].AlarmName); !strings.HasPrefix(name, "TargetTracking-"+id+"-"+role+"-") {
			t.Errorf("alarm name = %s", name)
		}
	}
	a, err := e.store.GetAlarm(ctx(t), testAccount, aws.ToString(out.Alarms[0].AlarmName))
	if err != nil {
		t.Fatal(err)
	}
	if a.MetricName != "MyAverageUtilizationMetric" || a.Namespace != "MyNamespace" || a.Threshold != 50 || a.ManagedBy != aws.ToString(out.PolicyARN) {
		t.Errorf("managed alarm = %+v", a)
	}
}

// TV-26: the SageMaker inference-component scale-to-zero wiring.
func TestInferenceComponentScaleToZero(t *testing.T) {
	e := newEnv(t)
	c := e.client(testAccount)
	const id = "inference-component/my-ic"
	dim := types.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount
	if _, err := c.RegisterScalableTarget(ctx(t), &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceSagemaker, ResourceId: aws.String(id),
		ScalableDimension: dim, MinCapacity: aws.Int32(0), MaxCapacity: aws.Int32(4)}); err != nil {
		t.Fatal(err)
	}
	tt, err := c.PutScalingPolicy(ctx(t), &aas.PutScalingPolicyInput{PolicyName: aws.String("tt"), ServiceNamespace: types.ServiceNamespaceSagemaker, ResourceId: aws.String(id),
		ScalableDimension: dim, PolicyType: types.PolicyTypeTargetTrackingScaling, TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{
			TargetValue: aws.Float64(1), ScaleInCooldown: aws.Int32(300), ScaleOutCooldown: aws.Int32(300),
			PredefinedMetricSpecification: &types.PredefinedMetricSpecification{PredefinedMetricType: types.MetricTypeSageMakerInferenceComponentInvocationsPerCopy}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(tt.Alarms) != 2 {
		t.Fatalf("alarms = %d, want 2", len(tt.Alarms))
	}
	var got []model.MetricAlarm
	for _, al := range tt.Alarms {
		a, err := e.store.GetAlarm(ctx(t), testAccount, aws.ToString(al.AlarmName))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, a)
	}
	arn := aws.ToString(tt.PolicyARN)
	base := model.MetricAlarm{Account: testAccount, AlarmDescription: "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy " + arn + ".", ActionsEnabled: true,
		AlarmActions: []string{arn}, MetricName: "InvocationsPerCopy", Namespace: "AWS/SageMaker", Statistic: "Sum",
		Dimensions: []model.MetricDimension{{Name: "InferenceComponentName", Value: "my-ic"}}, Period: 60, TreatMissingData: "missing",
		StateValue: model.AlarmInsufficientData, StateReason: "Unchecked: Initial alarm creation", StateUpdatedAt: epoch, ConfigUpdatedAt: epoch, ManagedBy: arn}
	high, low := base, base
	high.AlarmName, high.AlarmARN = got[0].AlarmName, got[0].AlarmARN
	high.EvaluationPeriods, high.DatapointsToAlarm, high.Threshold, high.ComparisonOperator = 3, 3, 1, "GreaterThanThreshold"
	low.AlarmName, low.AlarmARN = got[1].AlarmName, got[1].AlarmARN
	low.EvaluationPeriods, low.DatapointsToAlarm, low.Threshold, low.ComparisonOperator = 15, 15, 0.9, "LessThanThreshold"
	if diff := cmp.Diff([]model.MetricAlarm{high, low}, got, cmpopts.IgnoreFields(model.MetricAlarm{}, "Revision")); diff != "" {
		t.Errorf("managed alarms (-want +got):\n%s", diff)
	}
	step, err := c.PutScalingPolicy(ctx(t), &aas.PutScalingPolicyInput{PolicyName: aws.String("wake"), ServiceNamespace: types.ServiceNamespaceSagemaker, ResourceId: aws.String(id),
		ScalableDimension: dim, PolicyType: types.PolicyTypeStepScaling, StepScalingPolicyConfiguration: &types.StepScalingPolicyConfiguration{
			AdjustmentType: types.AdjustmentTypeChangeInCapacity, MetricAggregationType: types.MetricAggregationTypeMaximum, Cooldown: aws.Int32(60),
			StepAdjustments: []types.StepAdjustment{{MetricIntervalLowerBound: aws.Float64(0), ScalingAdjustment: aws.Int32(1)}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(step.Alarms) != 0 {
		t.Errorf("step policy alarms = %v", step.Alarms)
	}

	// Updating the target-tracking policy keeps the alarm names and rewrites the thresholds;
	// disabling scale-in drops the low alarm.
	up, err := c.PutScalingPolicy(ctx(t), &aas.PutScalingPolicyInput{PolicyName: aws.String("tt"), ServiceNamespace: types.ServiceNamespaceSagemaker, ResourceId: aws.String(id),
		ScalableDimension: dim, TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{
			TargetValue: aws.Float64(4), DisableScaleIn: aws.Bool(true),
			PredefinedMetricSpecification: &types.PredefinedMetricSpecification{PredefinedMetricType: types.MetricTypeSageMakerInferenceComponentInvocationsPerCopy}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(up.Alarms) != 1 || aws.ToString(up.Alarms[0].AlarmName) != high.AlarmName {
		t.Fatalf("alarms after update = %+v, want only %s", up.Alarms, high.AlarmName)
	}
	if a, err := e.store.GetAlarm(ctx(t), testAccount, high.AlarmName); err != nil || a.Threshold != 4 {
		t.Errorf("high alarm after update = %+v, %v", a, err)
	}
	if _, err := e.store.GetAlarm(ctx(t), testAccount, low.AlarmName); err == nil {
		t.Errorf("low alarm %s survived DisableScaleIn", low.AlarmName)
	}
}

// TV-28: predictive policies are ECS-only; their configuration is stored as sent and the
// forecast is empty without history.
func TestPredictive(t *testing.T) {
	e := newEnv(t)
	c := e.client(testAccount)
	registerECS(t, c, "service/MyCluster/test", 1, 10)
	cfg := &types.PredictiveScalingPolicyConfiguration{
		MetricSpecifications: []types.PredictiveScalingMetricSpecification{{TargetValue: aws.Float64(40),
			PredefinedMetricPairSpecification: &types.PredictiveScalingPredefinedMetricPairSpecification{PredefinedMetricType: aws.String("ECSServiceMemoryUtilization")}}},
		SchedulingBufferTime: aws.Int32(3600), MaxCapacityBreachBehavior: types.PredictiveScalingMaxCapacityBreachBehaviorHonorMaxCapacity, Mode: types.PredictiveScalingModeForecastOnly,
	}
	out, err := c.PutScalingPolicy(ctx(t), &aas.PutScalingPolicyInput{PolicyName: aws.String("predictive-scaling-policy-example"), ServiceNamespace: types.ServiceNamespaceEcs,
		ResourceId: aws.String("service/MyCluster/test"), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, PolicyType: types.PolicyTypePredictiveScaling,
		PredictiveScalingPolicyConfiguration: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`:resource/ecs/service/MyCluster/test:policyName/predictive-scaling-policy-example$`).MatchString(aws.ToString(out.PolicyARN)) || len(out.Alarms) != 0 {
		t.Errorf("PutScalingPolicy = %s, %v", aws.ToString(out.PolicyARN), out.Alarms)
	}
	desc, err := c.DescribeScalingPolicies(ctx(t), &aas.DescribeScalingPoliciesInput{ServiceNamespace: types.ServiceNamespaceEcs})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cfg, desc.ScalingPolicies[0].PredictiveScalingPolicyConfiguration, cmpopts.IgnoreUnexported(types.PredictiveScalingPolicyConfiguration{},
		types.PredictiveScalingMetricSpecification{}, types.PredictiveScalingPredefinedMetricPairSpecification{})); diff != "" {
		t.Errorf("stored configuration (-want +got):\n%s", diff)
	}
	fc, err := c.GetPredictiveScalingForecast(ctx(t), &aas.GetPredictiveScalingForecastInput{ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: aws.String("service/MyCluster/test"),
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, PolicyName: aws.String("predictive-scaling-policy-example"), StartTime: aws.Time(epoch), EndTime: aws.Time(epoch.Add(48 * time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	if len(fc.LoadForecast) != 0 || fc.CapacityForecast == nil || len(fc.CapacityForecast.Values) != 0 {
		t.Errorf("forecast = %+v", fc)
	}
	// Forecast errors are all ValidationException.
	for _, in := range []*aas.GetPredictiveScalingForecastInput{
		{PolicyName: aws.String("absent")},
		{PolicyName: aws.String("predictive-scaling-policy-example"), ResourceId: aws.String("service/MyCluster/other")},
	} {
		if in.ResourceId == nil {
			in.ResourceId = aws.String("service/MyCluster/test")
		}
		in.ServiceNamespace, in.ScalableDimension, in.StartTime, in.EndTime = types.ServiceNamespaceEcs, types.ScalableDimensionECSServiceDesiredCount, aws.Time(epoch), aws.Time(epoch.Add(time.Hour))
		_, err := c.GetPredictiveScalingForecast(ctx(t), in)
		apiErr(t, err, "ValidationException")
	}
	// Forecasts exist only for predictive policies.
	if _, err := c.PutScalingPolicy(ctx(t), &aas.PutScalingPolicyInput{PolicyName: aws.String("cpu"), ServiceNamespace: types.ServiceNamespaceEcs,
		ResourceId: aws.String("service/MyCluster/test"), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, PolicyType: types.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(50),
			PredefinedMetricSpecification: &types.PredefinedMetricSpecification{PredefinedMetricType: types.MetricTypeECSServiceAverageCPUUtilization}}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetPredictiveScalingForecast(ctx(t), &aas.GetPredictiveScalingForecastInput{ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: aws.String("service/MyCluster/test"),
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, PolicyName: aws.String("cpu"), StartTime: aws.Time(epoch), EndTime: aws.Time(epoch.Add(time.Hour))})
	ae := apiErr(t, err, "ValidationException")
	if ae.ErrorMessage() != "Scaling policy cpu has policy type TargetTrackingScaling; forecasts exist only for PredictiveScaling policies" {
		t.Errorf("message = %q", ae.ErrorMessage())
	}
	_, err = c.GetPredictiveScalingForecast(ctx(t), &aas.GetPredictiveScalingForecastInput{ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: aws.String("service/MyCluster/test"),
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, PolicyName: aws.String("predictive-scaling-policy-example"), StartTime: aws.Time(epoch), EndTime: aws.Time(epoch.Add(31 * 24 * time.Hour))})
	apiErr(t, err, "ValidationException")
	// The same configuration on a SageMaker target is rejected.
	_, err = c.RegisterScalableTarget(ctx(t), &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceSagemaker, ResourceId: aws.String("inference-component/ic"),
		ScalableDimension: types.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount, MinCapacity: aws.Int32(0), MaxCapacity: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.PutScalingPolicy(ctx(t), &aas.PutScalingPolicyInput{PolicyName: aws.String("p"), ServiceNamespace: types.ServiceNamespaceSagemaker,
		ResourceId: aws.String("inference-component/ic"), ScalableDimension: types.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount,
		PolicyType: types.PolicyTypePredictiveScaling, PredictiveScalingPolicyConfiguration: cfg})
	apiErr(t, err, "ValidationException")
}
