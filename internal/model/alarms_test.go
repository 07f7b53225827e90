package model

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func ttPolicy(k TargetKey, cfg TargetTrackingScalingPolicyConfiguration, alarms ...Alarm) ScalingPolicy {
	pk := PolicyKey{TargetKey: k, Name: "tt"}
	return ScalingPolicy{PolicyKey: pk, PolicyType: PolicyTypeTargetTrackingScaling, ARN: PolicyARN("aws", "us-west-2", pk, "6d8972f3-efc8-437c-92d1-6270f29a66e7"),
		TargetTracking: &cfg, Alarms: alarms}
}

// alarmShape is the part of an alarm these tests pin down.
type alarmShape struct {
	Role                              string
	Namespace, MetricName, Statistic  string
	Dimensions                        []MetricDimension
	Metrics                           []MetricDataQuery
	Comparison                        string
	Threshold                         float64
	Period, Evaluations, DatapointsTo int32
}

func shapes(k TargetKey, alarms []MetricAlarm) []alarmShape {
	out := make([]alarmShape, len(alarms))
	for i, a := range alarms {
		out[i] = alarmShape{AlarmRoleOf(k.ResourceID, a.AlarmName), a.Namespace, a.MetricName, a.Statistic, a.Dimensions, a.Metrics,
			a.ComparisonOperator, a.Threshold, a.Period, a.EvaluationPeriods, a.DatapointsToAlarm}
	}
	return out
}

func TestManagedAlarms(t *testing.T) {
	ecs := TargetKey{Account: "123456789012", Namespace: "ecs", ResourceID: "service/prod/digitoll-client-prod", Dimension: "ecs:service:DesiredCount"}
	ddb := TargetKey{Account: "123456789012", Namespace: "dynamodb", ResourceID: "table/my-table", Dimension: "dynamodb:table:WriteCapacityUnits"}
	ic := TargetKey{Account: "123456789012", Namespace: "sagemaker", ResourceID: "inference-component/my-ic", Dimension: "sagemaker:inference-component:DesiredCopyCount"}
	msk := TargetKey{Account: "123456789012", Namespace: "kafka", ResourceID: "arn:aws:kafka:us-west-2:123456789012:cluster/demo/6357e0b2", Dimension: "kafka:broker-storage:VolumeSize"}
	tru, fal := true, false
	ecsDim := []MetricDimension{{Name: "ClusterName", Value: "prod"}, {Name: "ServiceName", Value: "digitoll-client-prod"}}
	icDim := []MetricDimension{{Name: "InferenceComponentName", Value: "my-ic"}}
	ddbDim := []MetricDimension{{Name: "TableName", Value: "my-table"}}
	tests := []struct {
		name   string
		target ScalableTarget
		cfg    TargetTrackingScalingPolicyConfiguration
		timing AlarmTiming
		want   []alarmShape
	}{
		{"TV-27 ECS CPU 70", ScalableTarget{TargetKey: ecs, MinCapacity: 1, MaxCapacity: 10},
			TargetTrackingScalingPolicyConfiguration{TargetValue: 70, PredefinedMetricSpecification: &PredefinedMetricSpecification{PredefinedMetricType: "ECSServiceAverageCPUUtilization"}},
			DefaultAlarmTiming(), []alarmShape{
				{"AlarmHigh", "AWS/ECS", "CPUUtilization", "Average", ecsDim, nil, "GreaterThanThreshold", 70, 60, 3, 3},
				{"AlarmLow", "AWS/ECS", "CPUUtilization", "Average", ecsDim, nil, "LessThanThreshold", 63, 60, 15, 15},
			}},
		{"TV-27 DynamoDB write 70 on 1 WCU", ScalableTarget{TargetKey: ddb, MinCapacity: 1, MaxCapacity: 10},
			TargetTrackingScalingPolicyConfiguration{TargetValue: 70, PredefinedMetricSpecification: &PredefinedMetricSpecification{PredefinedMetricType: "DynamoDBWriteCapacityUtilization"}},
			DefaultAlarmTiming(), []alarmShape{
				{"AlarmHigh", "AWS/DynamoDB", "ConsumedWriteCapacityUnits", "Sum", ddbDim, nil, "GreaterThanThreshold", 42, 60, 2, 2},
				{"AlarmLow", "AWS/DynamoDB", "ConsumedWriteCapacityUnits", "Sum", ddbDim, nil, "LessThanThreshold", 30, 60, 15, 15},
				{"ProvisionedCapacityHigh", "AWS/DynamoDB", "ProvisionedWriteCapacityUnits", "Average", ddbDim, nil, "GreaterThanThreshold", 1, 300, 2, 2},
				{"ProvisionedCapacityLow", "AWS/DynamoDB", "ProvisionedWriteCapacityUnits", "Average", ddbDim, nil, "LessThanThreshold", 1, 300, 3, 3},
			}},
		{"IC invocations per copy", ScalableTarget{TargetKey: ic, MaxCapacity: 4},
			TargetTrackingScalingPolicyConfiguration{TargetValue: 1, PredefinedMetricSpecification: &PredefinedMetricSpecification{PredefinedMetricType: "SageMakerInferenceComponentInvocationsPerCopy"}},
			DefaultAlarmTiming(), []alarmShape{
				{"AlarmHigh", "AWS/SageMaker", "InvocationsPerCopy", "Sum", icDim, nil, "GreaterThanThreshold", 1, 60, 3, 3},
				{"AlarmLow", "AWS/SageMaker", "InvocationsPerCopy", "Sum", icDim, nil, "LessThanThreshold", 0.9, 60, 15, 15},
			}},
		{"IC concurrency is high resolution", ScalableTarget{TargetKey: ic, MaxCapacity: 4},
			TargetTrackingScalingPolicyConfiguration{TargetValue: 5, PredefinedMetricSpecification: &PredefinedMetricSpecification{PredefinedMetricType: "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution"}},
			DefaultAlarmTiming(), []alarmShape{
				{"AlarmHigh", "AWS/SageMaker", "ConcurrentRequestsPerCopy", "Maximum", icDim, nil, "GreaterThanThreshold", 5, 10, 3, 3},
				{"AlarmLow", "AWS/SageMaker", "ConcurrentRequestsPerCopy", "Maximum", icDim, nil, "LessThanThreshold", 4.5, 60, 15, 15},
			}},
		{"custom timing", ScalableTarget{TargetKey: ic, MaxCapacity: 4},
			TargetTrackingScalingPolicyConfiguration{TargetValue: 5, PredefinedMetricSpecification: &PredefinedMetricSpecification{PredefinedMetricType: "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution"}},
			AlarmTiming{StandardPeriod: 10 * time.Second, HighResolutionPeriod: time.Second, HighEvaluationPeriods: 2, LowEvaluationPeriods: 6}, []alarmShape{
				{"AlarmHigh", "AWS/SageMaker", "ConcurrentRequestsPerCopy", "Maximum", icDim, nil, "GreaterThanThreshold", 5, 10, 2, 2},
				{"AlarmLow", "AWS/SageMaker", "ConcurrentRequestsPerCopy", "Maximum", icDim, nil, "LessThanThreshold", 4.5, 10, 6, 6},
			}},
		{"scale-in disabled", ScalableTarget{TargetKey: ic, MaxCapacity: 4},
			TargetTrackingScalingPolicyConfiguration{TargetValue: 1, DisableScaleIn: &tru, PredefinedMetricSpecification: &PredefinedMetricSpecification{PredefinedMetricType: "SageMakerInferenceComponentInvocationsPerCopy"}},
			DefaultAlarmTiming(), []alarmShape{
				{"AlarmHigh", "AWS/SageMaker", "InvocationsPerCopy", "Sum", icDim, nil, "GreaterThanThreshold", 1, 60, 3, 3},
			}},
		{"MSK never scales in", ScalableTarget{TargetKey: msk, MinCapacity: 1, MaxCapacity: 100},
			TargetTrackingScalingPolicyConfiguration{TargetValue: 60, PredefinedMetricSpecification: &PredefinedMetricSpecification{PredefinedMetricType: "KafkaBrokerStorageUtilization"}},
			DefaultAlarmTiming(), []alarmShape{
				{"AlarmHigh", "AWS/Kafka", "KafkaDataLogsDiskUsed", "Average", []MetricDimension{{Name: "Cluster Name", Value: "demo"}}, nil, "GreaterThanThreshold", 60, 60, 3, 3},
			}},
		{"metric math", ScalableTarget{TargetKey: ecs, MaxCapacity: 4},
			TargetTrackingScalingPolicyConfiguration{TargetValue: 100, CustomizedMetricSpecification: &CustomizedMetricSpecification{Metrics: []TargetTrackingMetricDataQuery{
				{ID: "m1", MetricStat: &TargetTrackingMetricStat{Metric: TargetTrackingMetric{MetricName: "Backlog", Namespace: "App", Dimensions: ecsDim[:1]}, Stat: "Sum"}, ReturnData: &fal},
				{ID: "e1", Expression: "m1 / 2", Label: "per task"},
			}}}, DefaultAlarmTiming(), []alarmShape{
				{"AlarmHigh", "", "", "", nil, []MetricDataQuery{
					{ID: "m1", MetricStat: &MetricStat{Namespace: "App", MetricName: "Backlog", Dimensions: ecsDim[:1], Period: 60, Stat: "Sum"}, ReturnData: &fal},
					{ID: "e1", Expression: "m1 / 2", Label: "per task"}}, "GreaterThanThreshold", 100, 60, 3, 3},
				{"AlarmLow", "", "", "", nil, []MetricDataQuery{
					{ID: "m1", MetricStat: &MetricStat{Namespace: "App", MetricName: "Backlog", Dimensions: ecsDim[:1], Period: 60, Stat: "Sum"}, ReturnData: &fal},
					{ID: "e1", Expression: "m1 / 2", Label: "per task"}}, "LessThanThreshold", 90, 60, 15, 15},
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := ttPolicy(tc.target.TargetKey, tc.cfg)
			got := ManagedAlarms(tc.target, p, "us-west-2", tc.timing)
			if diff := cmp.Diff(tc.want, shapes(tc.target.TargetKey, got), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			for _, a := range got {
				if a.AlarmARN != "arn:aws:cloudwatch:us-west-2:123456789012:alarm:"+a.AlarmName || a.ManagedBy != p.ARN ||
					a.AlarmDescription != "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy "+p.ARN+"." ||
					(!cmp.Equal(a.AlarmActions, []string{p.ARN}) && !strings.HasPrefix(AlarmRoleOf(tc.target.ResourceID, a.AlarmName), "ProvisionedCapacity")) || a.TreatMissingData != "missing" || a.StateValue != AlarmInsufficientData || !a.ActionsEnabled {
					t.Errorf("alarm %+v", a)
				}
			}
		})
	}
}

func TestManagedAlarmsNames(t *testing.T) {
	k := TargetKey{Account: "123456789012", Namespace: "ecs", ResourceID: "service/default/web-app", Dimension: "ecs:service:DesiredCount"}
	cfg := TargetTrackingScalingPolicyConfiguration{TargetValue: 75, PredefinedMetricSpecification: &PredefinedMetricSpecification{PredefinedMetricType: "ECSServiceAverageCPUUtilization"}}
	tgt := ScalableTarget{TargetKey: k, MaxCapacity: 10}
	// Names given by the policy are kept.
	named := ttPolicy(k, cfg,
		Alarm{AlarmName: "TargetTracking-service/default/web-app-AlarmHigh-d4f0770c-b46e-434a-a60f-3b36d653feca"},
		Alarm{AlarmName: "TargetTracking-service/default/web-app-AlarmLow-1b437334-d19b-4a63-a812-6c67aaf2910d"})
	got := AlarmsOf(ManagedAlarms(tgt, named, "us-west-2", AlarmTiming{}))
	want := []Alarm{
		{AlarmName: "TargetTracking-service/default/web-app-AlarmHigh-d4f0770c-b46e-434a-a60f-3b36d653feca", AlarmARN: "arn:aws:cloudwatch:us-west-2:123456789012:alarm:TargetTracking-service/default/web-app-AlarmHigh-d4f0770c-b46e-434a-a60f-3b36d653feca"},
		{AlarmName: "TargetTracking-service/default/web-app-AlarmLow-1b437334-d19b-4a63-a812-6c67aaf2910d", AlarmARN: "arn:aws:cloudwatch:us-west-2:123456789012:alarm:TargetTracking-service/default/web-app-AlarmLow-1b437334-d19b-4a63-a812-6c67aaf2910d"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("named alarms (-want +got):\n%s", diff)
	}
	// Without names the result is still deterministic.
	a1 := ManagedAlarms(tgt, ttPolicy(k, cfg), "us-west-2", AlarmTiming{})
	a2 := ManagedAlarms(tgt, ttPolicy(k, cfg), "us-west-2", AlarmTiming{})
	if diff := cmp.Diff(a1, a2); diff != "" {
		t.Errorf("not deterministic (-first +second):\n%s", diff)
	}
	// Other policy types have no managed alarms.
	step := ScalingPolicy{PolicyType: PolicyTypeStepScaling, StepScaling: &StepScalingPolicyConfiguration{}}
	if got := ManagedAlarms(tgt, step, "us-west-2", AlarmTiming{}); got != nil {
		t.Errorf("step policy alarms = %v", got)
	}
}

func TestARNs(t *testing.T) {
	id := NewScalableTargetID("sagemaker")
	if len(id) != 36 || id[:4] != "0sag" {
		t.Errorf("target ID = %q", id)
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			t.Fatalf("target ID %q has %q", id, r)
		}
	}
	if !IsScalableTargetARN(ScalableTargetARN("", "us-east-1", "123456789012", id)) {
		t.Errorf("target ARN does not match the model pattern")
	}
	k := ScheduledActionKey{TargetKey: TargetKey{Account: "123456789012", Namespace: "ec2", ResourceID: "spot-fleet-request/sfr-40edeb7b-9ae7-44be-bef2-5c4c8EXAMPLE"}, Name: "my-one-time-action"}
	want := "arn:aws:autoscaling:us-west-2:123456789012:scheduledAction:4bce34c7-bb81-4ecf-b776-5c726efb1567:resource/ec2/spot-fleet-request/sfr-40edeb7b-9ae7-44be-bef2-5c4c8EXAMPLE:scheduledActionName/my-one-time-action"
	if got := ScheduledActionARN("aws", "us-west-2", k, "4bce34c7-bb81-4ecf-b776-5c726efb1567"); got != want {
		t.Errorf("ScheduledActionARN = %s", got)
	}
	if got := ServiceLinkedRoleARN("aws", "012345678910", "ecs"); got != "arn:aws:iam::012345678910:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService" {
		t.Errorf("SLR = %s", got)
	}
	if got := ServiceLinkedRoleARN("aws", "012345678910", "elasticmapreduce"); got != "" {
		t.Errorf("EMR SLR = %q, want none", got)
	}
}
