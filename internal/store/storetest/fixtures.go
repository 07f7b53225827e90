package storetest

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/scaled-dev/scaled/internal/model"
)

// Fixtures fill every field, so a round-trip that drops or mangles one shows up in a diff.
// Times are whole milliseconds in UTC.

const (
	acct1 = "111111111111"
	acct2 = "222222222222"
	nsSM  = "sagemaker"
	dimIC = "sagemaker:inference-component:DesiredCopyCount"
	nsECS = "ecs"
	dimEC = "ecs:service:DesiredCount"
)

// at is sec seconds after the fixtures' epoch.
func at(sec int) time.Time {
	return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(sec) * time.Second)
}

func i32(v int32) *int32           { return &v }
func f64(v float64) *float64       { return &v }
func boolp(v bool) *bool           { return &v }
func timep(t time.Time) *time.Time { return &t }

func tkey(account, rid string) model.TargetKey {
	return model.TargetKey{Account: account, Namespace: nsSM, ResourceID: "inference-component/" + rid, Dimension: dimIC}
}

func targetARN(k model.TargetKey) string {
	return fmt.Sprintf("arn:aws:application-autoscaling:us-east-1:%s:scalable-target/056m%s", k.Account, k.ResourceID)
}

func newTarget(k model.TargetKey) model.ScalableTarget {
	return model.ScalableTarget{
		TargetKey:   k,
		MinCapacity: 1,
		MaxCapacity: 8,
		RoleARN:     "arn:aws:iam::" + k.Account + ":role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint",
		SuspendedState: model.SuspendedState{
			DynamicScalingInSuspended: true,
			ScheduledScalingSuspended: true,
		},
		CreationTime:      at(1).Add(123 * time.Millisecond),
		ARN:               targetARN(k),
		UUID:              "6d8972f3-efc8-437c-92d1-" + fmt.Sprintf("%012x", len(k.ResourceID)),
		PredictedCapacity: i32(3),
		Tags:              map[string]string{"team": "ml", "env": "prod <&>"},
	}
}

func policyARN(k model.PolicyKey) string {
	return fmt.Sprintf("arn:aws:autoscaling:us-east-1:%s:scalingPolicy:6d8972f3:resource/%s/%s:policyName/%s", k.Account, k.Namespace, k.ResourceID, k.Name)
}

func pkey(t model.TargetKey, name string) model.PolicyKey {
	return model.PolicyKey{TargetKey: t, Name: name}
}

func newTTPolicy(k model.PolicyKey) model.ScalingPolicy {
	arn := policyARN(k)
	return model.ScalingPolicy{
		PolicyKey:  k,
		PolicyType: model.PolicyTypeTargetTrackingScaling,
		ARN:        arn,
		TargetTracking: &model.TargetTrackingScalingPolicyConfiguration{
			TargetValue: 5.5,
			CustomizedMetricSpecification: &model.CustomizedMetricSpecification{
				MetricName: "InvocationsPerCopy",
				Namespace:  "AWS/SageMaker",
				Dimensions: []model.MetricDimension{{Name: "InferenceComponentName", Value: k.ResourceID}},
				Statistic:  "Average",
				Unit:       "Count",
				Metrics: []model.TargetTrackingMetricDataQuery{{
					ID:         "m1",
					Expression: "",
					Label:      "label",
					MetricStat: &model.TargetTrackingMetricStat{
						Metric: model.TargetTrackingMetric{
							Dimensions: []model.MetricDimension{{Name: "A", Value: "b"}},
							MetricName: "X",
							Namespace:  "Y",
						},
						Stat: "Sum",
						Unit: "Count",
					},
					ReturnData: boolp(true),
				}},
			},
			ScaleOutCooldown: i32(60),
			ScaleInCooldown:  i32(300),
			DisableScaleIn:   boolp(false),
		},
		Alarms: []model.Alarm{
			{AlarmName: "TargetTracking-" + k.ResourceID + "-AlarmHigh-1", AlarmARN: "arn:aws:cloudwatch:us-east-1:" + k.Account + ":alarm:high"},
			{AlarmName: "TargetTracking-" + k.ResourceID + "-AlarmLow-1", AlarmARN: "arn:aws:cloudwatch:us-east-1:" + k.Account + ":alarm:low"},
		},
		CreationTime: at(2),
	}
}

func newStepPolicy(k model.PolicyKey) model.ScalingPolicy {
	pred := json.RawMessage(`{"MetricSpecifications":[{"TargetValue":40}],"Mode":"ForecastOnly"}`)
	return model.ScalingPolicy{
		PolicyKey:  k,
		PolicyType: model.PolicyTypeStepScaling,
		ARN:        policyARN(k),
		StepScaling: &model.StepScalingPolicyConfiguration{
			AdjustmentType: "ChangeInCapacity",
			StepAdjustments: []model.StepAdjustment{
				{MetricIntervalUpperBound: f64(0), ScalingAdjustment: -1},
				{MetricIntervalLowerBound: f64(0), MetricIntervalUpperBound: f64(10.5), ScalingAdjustment: 1},
				{MetricIntervalLowerBound: f64(10.5), ScalingAdjustment: 3},
			},
			MinAdjustmentMagnitude: i32(2),
			Cooldown:               i32(120),
			MetricAggregationType:  "Maximum",
		},
		Predictive:   &pred,
		CreationTime: at(3),
	}
}

func skey(t model.TargetKey, name string) model.ScheduledActionKey {
	return model.ScheduledActionKey{TargetKey: t, Name: name}
}

func newSchedule(k model.ScheduledActionKey) model.ScheduledAction {
	return model.ScheduledAction{
		ScheduledActionKey: k,
		ARN:                fmt.Sprintf("arn:aws:autoscaling:us-east-1:%s:scheduledAction:6d8972f3:resource/%s/%s:scheduledActionName/%s", k.Account, k.Namespace, k.ResourceID, k.Name),
		Schedule:           "cron(0 8 * * ? *)",
		Timezone:           "Europe/Berlin",
		StartTime:          timep(at(100)),
		EndTime:            timep(at(100000)),
		ScalableTargetAction: model.ScalableTargetAction{
			MinCapacity: i32(2),
			MaxCapacity: i32(6),
		},
		CreationTime: at(4),
	}
}

func newActivity(id string, k model.TargetKey, start time.Time) model.ScalingActivity {
	return model.ScalingActivity{
		ActivityID:    id,
		TargetKey:     k,
		Description:   "Setting desired copy count to 3.",
		Cause:         "monitor alarm TargetTracking-x-AlarmHigh-1 in state ALARM triggered policy p",
		StartTime:     start,
		EndTime:       timep(start.Add(90 * time.Second)),
		StatusCode:    model.StatusSuccessful,
		StatusMessage: "Successfully set desired copy count to 3. Change successfully fulfilled by sagemaker.",
		Details:       `{"detail":"x"}`,
	}
}

func notScaled(a model.ScalingActivity) model.ScalingActivity {
	a.StatusCode = model.StatusFailed
	a.EndTime = nil
	a.NotScaledReasons = []model.NotScaledReason{{Code: "AlreadyAtMaxCapacity", MaxCapacity: i32(8), MinCapacity: i32(1), CurrentCapacity: i32(8)}}
	return a
}

func newAlarm(account, name string) model.MetricAlarm {
	return model.MetricAlarm{
		Account:                 account,
		AlarmName:               name,
		AlarmARN:                "arn:aws:cloudwatch:us-east-1:" + account + ":alarm:" + name,
		AlarmDescription:        "description",
		ActionsEnabled:          true,
		AlarmActions:            []string{"arn:action:1"},
		OKActions:               []string{"arn:ok:1", "arn:ok:2"},
		InsufficientDataActions: []string{"arn:insufficient:1"},
		MetricName:              "InvocationsPerCopy",
		Namespace:               "AWS/SageMaker",
		Statistic:               "Average",
		ExtendedStatistic:       "p99",
		Dimensions:              []model.MetricDimension{{Name: "InferenceComponentName", Value: "ic"}},
		Metrics: []model.MetricDataQuery{{
			ID:         "m1",
			Expression: "SUM(METRICS())",
			Label:      "l",
			MetricStat: &model.MetricStat{Namespace: "AWS/SageMaker", MetricName: "M", Dimensions: []model.MetricDimension{{Name: "d", Value: "v"}}, Period: 60, Stat: "Sum", Unit: "Count"},
			ReturnData: boolp(true),
			Period:     60,
		}},
		Period:             60,
		Unit:               "Count",
		EvaluationPeriods:  3,
		DatapointsToAlarm:  2,
		Threshold:          5.5,
		ComparisonOperator: "GreaterThanThreshold",
		TreatMissingData:   "missing",
		StateValue:         model.AlarmInsufficientData,
		StateReason:        "Unchecked: Initial alarm creation",
		StateReasonData:    `{"version":"1.0"}`,
		StateUpdatedAt:     at(5),
		ConfigUpdatedAt:    at(6),
	}
}

func newState(k model.TargetKey) model.TargetState {
	return model.TargetState{
		TargetKey:          k,
		InFlightActivityID: "act-1",
		InFlightDesired:    4,
		InFlightSince:      timep(at(7)),
		InFlightPolicy:     "p1",
		InFlightFrom:       2,
		InFlightBase:       2,
		Problem:            "ResourceNotScalable",
		LastDesired:        i32(3),
		Policies: map[string]model.PolicyState{
			"p1": {LastScaleOutAt: timep(at(8)), ScaleOutBase: i32(2), LastScaleInAt: timep(at(9)), LastNotScaledKey: "k",
				LastInvokedAt: map[string]time.Time{"TargetTracking-x-AlarmHigh-1": at(11)}},
			"p2": {},
		},
		ScheduledRuns: map[string]time.Time{"s1": at(10)},
		Extra:         json.RawMessage(`{"ewma":[1.5,2],"note":"x"}`),
	}
}
