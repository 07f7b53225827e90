package api_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
)

// TV-03 follow-up: deregistering a target removes its policies, scheduled actions and managed
// alarms.
func TestDeregisterCascades(t *testing.T) {
	e := newEnv(t)
	c := e.client(testAccount)
	registerECS(t, c, "service/default/web-app", 1, 10)
	tt, err := c.PutScalingPolicy(ctx(t), &aas.PutScalingPolicyInput{PolicyName: aws.String("cpu"), ServiceNamespace: types.ServiceNamespaceEcs,
		ResourceId: aws.String("service/default/web-app"), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, PolicyType: types.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(75),
			PredefinedMetricSpecification: &types.PredefinedMetricSpecification{PredefinedMetricType: types.MetricTypeECSServiceAverageCPUUtilization}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutScheduledAction(ctx(t), &aas.PutScheduledActionInput{ServiceNamespace: types.ServiceNamespaceEcs, ScheduledActionName: aws.String("night"),
		ResourceId: aws.String("service/default/web-app"), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, Schedule: aws.String("cron(0 22 * * ? *)"),
		ScalableTargetAction: &types.ScalableTargetAction{MaxCapacity: aws.Int32(2)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeregisterScalableTarget(ctx(t), &aas.DeregisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceEcs,
		ResourceId: aws.String("service/default/web-app"), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount}); err != nil {
		t.Fatal(err)
	}
	pol, err := c.DescribeScalingPolicies(ctx(t), &aas.DescribeScalingPoliciesInput{ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: aws.String("service/default/web-app")})
	if err != nil {
		t.Fatal(err)
	}
	sch, err := c.DescribeScheduledActions(ctx(t), &aas.DescribeScheduledActionsInput{ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: aws.String("service/default/web-app")})
	if err != nil {
		t.Fatal(err)
	}
	if len(pol.ScalingPolicies) != 0 || len(sch.ScheduledActions) != 0 {
		t.Errorf("after deregistration: %d policies, %d scheduled actions", len(pol.ScalingPolicies), len(sch.ScheduledActions))
	}
	for _, a := range tt.Alarms {
		if _, err := e.store.GetAlarm(ctx(t), testAccount, aws.ToString(a.AlarmName)); err == nil {
			t.Errorf("managed alarm %s survived deregistration", aws.ToString(a.AlarmName))
		}
	}
}
