package api_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/store"
)

var (
	targetARNRE = regexp.MustCompile(`^arn:aws:application-autoscaling:us-west-2:123456789012:scalable-target/[a-z0-9]{36}$`)
	uuidPart    = `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`
)

func registerECS(t *testing.T, c *aas.Client, id string, min, max int32) string {
	t.Helper()
	out, err := c.RegisterScalableTarget(ctx(t), &aas.RegisterScalableTargetInput{
		ServiceNamespace:  types.ServiceNamespaceEcs,
		ResourceId:        aws.String(id),
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount,
		MinCapacity:       aws.Int32(min),
		MaxCapacity:       aws.Int32(max),
	})
	if err != nil {
		t.Fatalf("RegisterScalableTarget(%s): %v", id, err)
	}
	return aws.ToString(out.ScalableTargetARN)
}

// TV-01, TV-02, TV-03.
func TestTargetLifecycle(t *testing.T) {
	e := newEnv(t)
	c := e.client(testAccount)
	arn := registerECS(t, c, "service/default/web-app", 1, 10)
	if !targetARNRE.MatchString(arn) {
		t.Fatalf("ScalableTargetARN = %q, want pattern %s", arn, targetARNRE)
	}
	got, err := c.DescribeScalableTargets(ctx(t), &aas.DescribeScalableTargetsInput{ServiceNamespace: types.ServiceNamespaceEcs})
	if err != nil {
		t.Fatal(err)
	}
	want := []types.ScalableTarget{{
		ServiceNamespace:  types.ServiceNamespaceEcs,
		ResourceId:        aws.String("service/default/web-app"),
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount,
		MinCapacity:       aws.Int32(1),
		MaxCapacity:       aws.Int32(10),
		RoleARN:           aws.String("arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService"),
		CreationTime:      aws.Time(epoch),
		SuspendedState:    &types.SuspendedState{DynamicScalingInSuspended: aws.Bool(false), DynamicScalingOutSuspended: aws.Bool(false), ScheduledScalingSuspended: aws.Bool(false)},
		ScalableTargetARN: aws.String(arn),
	}}
	if diff := cmp.Diff(want, got.ScalableTargets, cmpopts.IgnoreUnexported(types.ScalableTarget{}, types.SuspendedState{})); diff != "" {
		t.Errorf("DescribeScalableTargets (-want +got):\n%s", diff)
	}
	if got.NextToken != nil {
		t.Errorf("NextToken = %q, want none", *got.NextToken)
	}

	// Re-registering is idempotent and keeps the ARN.
	if again := registerECS(t, c, "service/default/web-app", 1, 10); again != arn {
		t.Errorf("re-register ARN = %s, want %s", again, arn)
	}

	dereg := &aas.DeregisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: aws.String("service/default/web-app"), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount}
	if _, err := c.DeregisterScalableTarget(ctx(t), dereg); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeregisterScalableTarget(ctx(t), dereg)
	var nf *types.ObjectNotFoundException
	apiErr(t, err, "ObjectNotFoundException")
	if !asErr(err, &nf) || aws.ToString(nf.Message) != "No scalable target registered for service namespace: ecs, resource ID: service/default/web-app, scalable dimension: ecs:service:DesiredCount" {
		t.Errorf("second deregister error = %v", err)
	}
	// Re-registering after deregistration creates a new target with a new ARN.
	if fresh := registerECS(t, c, "service/default/web-app", 1, 10); fresh == arn {
		t.Errorf("ARN after re-creation = %s, want a new one", fresh)
	}
}

// TV-04, TV-05, TV-06: policies on one target share the per-target UUID; step policies
// report the user alarms that name them; deleting a step policy keeps its alarm.
func TestPolicyLifecycle(t *testing.T) {
	e := newEnv(t)
	c := e.client(testAccount)
	registerECS(t, c, "service/default/web-app", 1, 10)
	tt, err := c.PutScalingPolicy(ctx(t), &aas.PutScalingPolicyInput{
		PolicyName:        aws.String("cpu75-target-tracking-scaling-policy"),
		ServiceNamespace:  types.ServiceNamespaceEcs,
		ResourceId:        aws.String("service/default/web-app"),
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount,
		PolicyType:        types.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{
			TargetValue:                   aws.Float64(75),
			PredefinedMetricSpecification: &types.PredefinedMetricSpecification{PredefinedMetricType: types.MetricTypeECSServiceAverageCPUUtilization},
			ScaleOutCooldown:              aws.Int32(60),
			ScaleInCooldown:               aws.Int32(60),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	policyRE := regexp.MustCompile(`^arn:aws:autoscaling:us-west-2:123456789012:scalingPolicy:(` + uuidPart + `):resource/ecs/service/default/web-app:policyName/cpu75-target-tracking-scaling-policy$`)
	m := policyRE.FindStringSubmatch(aws.ToString(tt.PolicyARN))
	if m == nil {
		t.Fatalf("PolicyARN = %s", aws.ToString(tt.PolicyARN))
	}
	if len(tt.Alarms) != 2 {
		t.Fatalf("Alarms = %d, want 2", len(tt.Alarms))
	}
	for i, role := range []string{"AlarmHigh", "AlarmLow"} {
		name := aws.ToString(tt.Alarms[i].AlarmName)
		if !regexp.MustCompile(`^TargetTracking-service/default/web-app-` + role + `-` + uuidPart + `$`).MatchString(name) {
			t.Errorf("alarm %d name = %s", i, name)
		}
		if got, want := aws.ToString(tt.Alarms[i].AlarmARN), "arn:aws:cloudwatch:us-west-2:123456789012:alarm:"+name; got != want {
			t.Errorf("alarm %d ARN = %s, want %s", i, got, want)
		}
	}

	step, err := c.PutScalingPolicy(ctx(t), &aas.PutScalingPolicyInput{
		PolicyName:        aws.String("web-app-cpu-gt-75"),
		ServiceNamespace:  types.ServiceNamespaceEcs,
		ResourceId:        aws.String("service/default/web-app"),
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount,
		PolicyType:        types.PolicyTypeStepScaling,
		StepScalingPolicyConfiguration: &types.StepScalingPolicyConfiguration{
			AdjustmentType:  types.AdjustmentTypePercentChangeInCapacity,
			StepAdjustments: []types.StepAdjustment{{MetricIntervalLowerBound: aws.Float64(0), ScalingAdjustment: aws.Int32(200)}},
			Cooldown:        aws.Int32(60),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(step.Alarms) != 0 {
		t.Errorf("step policy Alarms = %v, want none", step.Alarms)
	}
	sm := regexp.MustCompile(`scalingPolicy:(` + uuidPart + `):`).FindStringSubmatch(aws.ToString(step.PolicyARN))
	if sm == nil || sm[1] != m[1] {
		t.Errorf("step policy ARN %s does not share the target UUID %s", aws.ToString(step.PolicyARN), m[1])
	}
	// A user alarm that invokes the step policy.
	userAlarm := model.MetricAlarm{Account: testAccount, AlarmName: "web-app-cpu-gt-75", AlarmARN: "arn:aws:cloudwatch:us-west-2:123456789012:alarm:web-app-cpu-gt-75",
		AlarmActions: []string{aws.ToString(step.PolicyARN), "arn:aws:sns:us-west-2:123456789012:ops"}, MetricName: "CPUUtilization", Namespace: "AWS/ECS",
		Statistic: "Average", Period: 60, EvaluationPeriods: 1, Threshold: 75, ComparisonOperator: "GreaterThanThreshold", StateValue: model.AlarmOK}
	if _, err := e.store.PutAlarm(ctx(t), userAlarm); err != nil {
		t.Fatal(err)
	}

	desc, err := c.DescribeScalingPolicies(ctx(t), &aas.DescribeScalingPoliciesInput{ServiceNamespace: types.ServiceNamespaceEcs})
	if err != nil {
		t.Fatal(err)
	}
	wantStep := types.ScalingPolicy{
		PolicyARN:         step.PolicyARN,
		PolicyName:        aws.String("web-app-cpu-gt-75"),
		ServiceNamespace:  types.ServiceNamespaceEcs,
		ResourceId:        aws.String("service/default/web-app"),
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount,
		PolicyType:        types.PolicyTypeStepScaling,
		StepScalingPolicyConfiguration: &types.StepScalingPolicyConfiguration{
			AdjustmentType:  types.AdjustmentTypePercentChangeInCapacity,
			StepAdjustments: []types.StepAdjustment{{MetricIntervalLowerBound: aws.Float64(0), ScalingAdjustment: aws.Int32(200)}},
			Cooldown:        aws.Int32(60),
		},
		Alarms:       []types.Alarm{{AlarmName: aws.String("web-app-cpu-gt-75"), AlarmARN: aws.String(userAlarm.AlarmARN)}},
		CreationTime: aws.Time(epoch),
	}
	wantTT := types.ScalingPolicy{
		PolicyARN:         tt.PolicyARN,
		PolicyName:        aws.String("cpu75-target-tracking-scaling-policy"),
		ServiceNamespace:  types.ServiceNamespaceEcs,
		ResourceId:        aws.String("service/default/web-app"),
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount,
		PolicyType:        types.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{
			TargetValue:                   aws.Float64(75),
			PredefinedMetricSpecification: &types.PredefinedMetricSpecification{PredefinedMetricType: types.MetricTypeECSServiceAverageCPUUtilization},
			ScaleOutCooldown:              aws.Int32(60),
			ScaleInCooldown:               aws.Int32(60),
		},
		Alarms:       tt.Alarms,
		CreationTime: aws.Time(epoch),
	}
	opts := cmpopts.IgnoreUnexported(types.ScalingPolicy{}, types.StepScalingPolicyConfiguration{}, types.StepAdjustment{}, types.Alarm{},
		types.TargetTrackingScalingPolicyConfiguration{}, types.PredefinedMetricSpecification{})
	if diff := cmp.Diff([]types.ScalingPolicy{wantTT, wantStep}, desc.ScalingPolicies, opts); diff != "" {
		t.Errorf("DescribeScalingPolicies (-want +got):\n%s", diff)
	}

	// TV-06: deleting the step policy detaches it from the alarm and keeps the alarm.
	del := func(name string) error {
		_, err := c.DeleteScalingPolicy(ctx(t), &aas.DeleteScalingPolicyInput{PolicyName: aws.String(name), ServiceNamespace: types.ServiceNamespaceEcs,
			ResourceId: aws.String("service/default/web-app"), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount})
		return err
	}
	if err := del("web-app-cpu-gt-75"); err != nil {
		t.Fatal(err)
	}
	a, err := e.store.GetAlarm(ctx(t), testAccount, "web-app-cpu-gt-75")
	if err != nil {
		t.Fatalf("user alarm after deleting the step policy: %v", err)
	}
	if diff := cmp.Diff([]string{"arn:aws:sns:us-west-2:123456789012:ops"}, a.AlarmActions); diff != "" {
		t.Errorf("user alarm actions (-want +got):\n%s", diff)
	}
	// Deleting the target-tracking policy deletes its managed alarms.
	if err := del("cpu75-target-tracking-scaling-policy"); err != nil {
		t.Fatal(err)
	}
	for _, al := range tt.Alarms {
		if _, err := e.store.GetAlarm(ctx(t), testAccount, aws.ToString(al.AlarmName)); err == nil {
			t.Errorf("managed alarm %s survived its policy", aws.ToString(al.AlarmName))
		}
	}
	err = del("cpu75-target-tracking-scaling-policy")
	apiErr(t, err, "ObjectNotFoundException")
}

// TV-07: activities are returned newest first with their texts; not-scaled activities only on
// request; activities older than six weeks are not reported.
func TestDescribeScalingActivities(t *testing.T) {
	e := newEnv(t)
	c := e.client(testAccount)
	k := model.TargetKey{Account: testAccount, Namespace: "ecs", ResourceID: "service/default/web-app", Dimension: "ecs:service:DesiredCount"}
	end := epoch.Add(34 * time.Second)
	acts := []model.ScalingActivity{
		{ActivityID: "e6c5f7d1-dbbb-4a3f-89b2-51f33e766399", TargetKey: k, Description: "Setting desired count to 1.",
			Cause: "monitor alarm web-app-cpu-lt-25 in state ALARM triggered policy web-app-cpu-lt-25", StartTime: epoch.Add(-time.Hour), EndTime: &end,
			StatusCode: "Successful", StatusMessage: "Successfully set desired count to 1. Change successfully fulfilled by ecs."},
		{ActivityID: "not-scaled", TargetKey: k, Description: "Attempting to scale due to alarm triggered", Cause: "monitor alarm web-app-cpu-gt-75 in state ALARM triggered policy web-app-cpu-gt-75",
			StartTime: epoch.Add(-time.Minute), StatusCode: "Failed", NotScaledReasons: []model.NotScaledReason{{Code: "AlreadyAtMaxCapacity", MaxCapacity: aws.Int32(4)}}},
		{ActivityID: "ancient", TargetKey: k, Description: "old", Cause: "old", StartTime: epoch.Add(-43 * 24 * time.Hour), StatusCode: "Successful"},
	}
	for _, a := range acts {
		if err := e.store.PutActivity(ctx(t), a); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(include bool) []string {
		out, err := c.DescribeScalingActivities(ctx(t), &aas.DescribeScalingActivitiesInput{ServiceNamespace: types.ServiceNamespaceEcs,
			ResourceId: aws.String(k.ResourceID), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, IncludeNotScaledActivities: aws.Bool(include)})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range out.ScalingActivities {
			got = append(got, aws.ToString(a.ActivityId))
		}
		return got
	}
	if diff := cmp.Diff([]string{"e6c5f7d1-dbbb-4a3f-89b2-51f33e766399"}, ids(false)); diff != "" {
		t.Errorf("activities without not-scaled (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"not-scaled", "e6c5f7d1-dbbb-4a3f-89b2-51f33e766399"}, ids(true)); diff != "" {
		t.Errorf("activities with not-scaled (-want +got):\n%s", diff)
	}
	out, err := c.DescribeScalingActivities(ctx(t), &aas.DescribeScalingActivitiesInput{ServiceNamespace: types.ServiceNamespaceEcs})
	if err != nil {
		t.Fatal(err)
	}
	want := types.ScalingActivity{
		ActivityId: aws.String("e6c5f7d1-dbbb-4a3f-89b2-51f33e766399"), ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: aws.String(k.ResourceID),
		ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, Description: aws.String("Setting desired count to 1."),
		Cause: aws.String(acts[0].Cause), StartTime: aws.Time(epoch.Add(-time.Hour)), EndTime: aws.Time(end), StatusCode: types.ScalingActivityStatusCodeSuccessful,
		StatusMessage: aws.String(acts[0].StatusMessage),
	}
	if diff := cmp.Diff([]types.ScalingActivity{want}, out.ScalingActivities, cmpopts.IgnoreUnexported(types.ScalingActivity{})); diff != "" {
		t.Errorf("activity (-want +got):\n%s", diff)
	}
}

func asErr[T any](err error, target *T) bool {
	return errorsAs(err, target)
}

var _ = store.ErrNotFound
