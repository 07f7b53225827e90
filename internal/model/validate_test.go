package model

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestValidateInput(t *testing.T) {
	tests := []struct {
		name, op, body, want string
	}{
		{"ok", "RegisterScalableTarget", `{"ServiceNamespace":"ecs","ResourceId":"service/a/b","ScalableDimension":"ecs:service:DesiredCount"}`, ""},
		{"required", "DeleteScalingPolicy", `{}`, "4 validation errors detected: Value null at 'policyName' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'serviceNamespace' failed to satisfy constraint: Member must not be null; Value null at 'resourceId' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'scalableDimension' failed to satisfy constraint: Member must not be null"},
		{"too long", "PutScalingPolicy", `{"PolicyName":"` + strings.Repeat("x", 257) + `","ServiceNamespace":"ecs","ResourceId":"r","ScalableDimension":"ecs:service:DesiredCount"}`,
			"1 validation error detected: Value '" + strings.Repeat("x", 257) + "' at 'policyName' failed to satisfy constraint: Member must have length less than or equal to 256"},
		{"metric type with botocore extras", "PutScalingPolicy", `{"PolicyName":"p","ServiceNamespace":"ecs","ResourceId":"r","ScalableDimension":"ecs:service:DesiredCount","TargetTrackingScalingPolicyConfiguration":{"TargetValue":1,"PredefinedMetricSpecification":{"PredefinedMetricType":"ECSServiceAverageCPUUtilizationHighResolution"}}}`, ""},
		{"range", "PutScalingPolicy", `{"PolicyName":"p","ServiceNamespace":"ecs","ResourceId":"r","ScalableDimension":"ecs:service:DesiredCount","PredictiveScalingPolicyConfiguration":{"MetricSpecifications":[],"SchedulingBufferTime":3601}}`,
			"1 validation error detected: Value '3601' at 'predictiveScalingPolicyConfiguration.schedulingBufferTime' failed to satisfy constraint: Member must have value less than or equal to 3600"},
		{"list length", "DescribeScalableTargets", `{"ServiceNamespace":"ecs","ResourceIds":[` + strings.Repeat(`"a",`, 50) + `"a"]}`,
			"1 validation error detected: Value '[" + strings.Repeat("a, ", 50) + "a]' at 'resourceIds' failed to satisfy constraint: Member must have length less than or equal to 50"},
		{"map keys", "TagResource", `{"ResourceARN":"arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/abc","Tags":{"":"v"}}`,
			"1 validation error detected: Value '' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length greater than or equal to 1]"},
		{"arn pattern", "ListTagsForResource", `{"ResourceARN":"arn:aws:iam::123:role/x"}`,
			"1 validation error detected: Value 'arn:aws:iam::123:role/x' at 'resourceARN' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:.+:application-autoscaling:.+:[0-9]+:scalable-target\\/[a-zA-Z0-9-]+$"},
		{"scheduled action name", "PutScheduledAction", `{"ServiceNamespace":"ecs","ScheduledActionName":" lead","ResourceId":"r","ScalableDimension":"ecs:service:DesiredCount"}`,
			"1 validation error detected: Value ' lead' at 'scheduledActionName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + scheduledActionNamePattern},
		{"xml chars", "DeregisterScalableTarget", "{\"ServiceNamespace\":\"ecs\",\"ResourceId\":\"a\\u0000b\",\"ScalableDimension\":\"ecs:service:DesiredCount\"}",
			"1 validation error detected: Value 'a\x00b' at 'resourceId' failed to satisfy constraint: Member must satisfy regular expression pattern: " + xmlCharPattern},
		{"infinite step bound", "PutScalingPolicy", `{"PolicyName":"p","ServiceNamespace":"ecs","ResourceId":"r","ScalableDimension":"ecs:service:DesiredCount","StepScalingPolicyConfiguration":{"StepAdjustments":[{"MetricIntervalLowerBound":"-Infinity","ScalingAdjustment":1}]}}`,
			"1 validation error detected: Value '-Infinity' at 'stepScalingPolicyConfiguration.stepAdjustments.1.member.metricIntervalLowerBound' failed to satisfy constraint: Member must be a finite number"},
		{"wrong types are left to the decoder", "DescribeScalableTargets", `{"ServiceNamespace":"ecs","MaxResults":"x","ResourceIds":"y"}`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateInput(tc.op, decode(t, tc.body))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestPatternsAreKnown(t *testing.T) {
	known := map[string]bool{xmlCharPattern: true, printPattern: true, scheduledActionNamePattern: true, scalableTargetARNPattern: true}
	for name, s := range smithyShapes {
		if s.Pattern != "" && !known[s.Pattern] {
			t.Errorf("shape %s has pattern %q that matchPattern does not implement", name, s.Pattern)
		}
	}
	if got := OperationNames(); len(got) != 14 {
		t.Errorf("operations = %v, want 14", got)
	}
}

func TestPatternMatchers(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{printPattern, "my policy-1", true},
		{printPattern, "", false},
		{printPattern, "tab\there", false},
		{printPattern, "café", false},
		{scheduledActionNamePattern, "my-action", true},
		{scheduledActionNamePattern, "a b", true},
		{scheduledActionNamePattern, "trailing ", false},
		{scheduledActionNamePattern, "a:b", false},
		{scheduledActionNamePattern, "a|b", false},
		{scheduledActionNamePattern, "a\u0085b", false},
		{xmlCharPattern, "line\nfeed", true},
		{xmlCharPattern, "bell\a", false},
		{xmlCharPattern, "\uFFFE", false},
		{scalableTargetARNPattern, "arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0ec5abc", true},
		{scalableTargetARNPattern, "arn:aws:application-autoscaling:us-east-1:acct:scalable-target/0ec5abc", false},
	}
	for _, tc := range tests {
		if got := matchPattern(tc.pattern, tc.s); got != tc.want {
			t.Errorf("matchPattern(%.20q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

// The committed table matches what the generator makes of the model in third_party.
func TestGeneratedTableIsFresh(t *testing.T) {
	modelPath := "../../third_party/aws-models/application-auto-scaling.json"
	if _, err := os.Stat(modelPath); err != nil {
		t.Fatalf("Smithy model: %v", err)
	}
	if testing.Short() {
		t.Skip("runs the generator")
	}
	out := filepath.Join(t.TempDir(), "gen.go")
	cmd := exec.Command("go", "run", "./internal/smithygen", "-model", modelPath, "-out", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generator: %v\n%s", err, b)
	}
	want, _ := os.ReadFile(out)
	got, _ := os.ReadFile("smithy_gen.go")
	if !bytes.Equal(want, got) {
		t.Errorf("smithy_gen.go is stale; run go generate ./internal/model")
	}
}

func f(v float64) *float64 { return &v }
func i32(v int32) *int32   { return &v }

func TestValidateStepScaling(t *testing.T) {
	step := func(lo, hi *float64, adj int32) StepAdjustment {
		return StepAdjustment{MetricIntervalLowerBound: lo, MetricIntervalUpperBound: hi, ScalingAdjustment: adj}
	}
	tests := []struct {
		name string
		cfg  StepScalingPolicyConfiguration
		want string
	}{
		{"doc example", StepScalingPolicyConfiguration{AdjustmentType: "PercentChangeInCapacity", StepAdjustments: []StepAdjustment{
			step(f(0), f(10), 0), step(f(10), f(20), 10), step(f(20), nil, 30), step(f(-10), f(0), 0), step(f(-20), f(-10), -10), step(nil, f(-20), -30)}}, ""},
		{"no type", StepScalingPolicyConfiguration{StepAdjustments: []StepAdjustment{step(f(0), nil, 1)}}, "StepScalingPolicyConfiguration.AdjustmentType is required when creating a step scaling policy"},
		{"no steps", StepScalingPolicyConfiguration{AdjustmentType: "ChangeInCapacity"}, "StepScalingPolicyConfiguration.StepAdjustments must contain at least one step adjustment"},
		{"unbounded", StepScalingPolicyConfiguration{AdjustmentType: "ChangeInCapacity", StepAdjustments: []StepAdjustment{step(nil, nil, 1)}}, "Both lower and upper bounds of a step adjustment cannot be left unspecified"},
		{"positive upper", StepScalingPolicyConfiguration{AdjustmentType: "ChangeInCapacity", StepAdjustments: []StepAdjustment{step(f(0), f(5), 1)}},
			"There must be a step adjustment with an unspecified upper bound when one step adjustment has a positive upper bound"},
		{"negative lower", StepScalingPolicyConfiguration{AdjustmentType: "ChangeInCapacity", StepAdjustments: []StepAdjustment{step(f(-5), f(0), -1)}},
			"There must be a step adjustment with an unspecified lower bound when one step adjustment has a negative lower bound"},
		{"inverted", StepScalingPolicyConfiguration{AdjustmentType: "ChangeInCapacity", StepAdjustments: []StepAdjustment{step(f(5), f(1), 1)}},
			"Step adjustment with lower bound 5 and upper bound 1 is invalid: the upper bound must be greater than the lower bound"},
		{"two open uppers", StepScalingPolicyConfiguration{AdjustmentType: "ChangeInCapacity", StepAdjustments: []StepAdjustment{step(f(0), nil, 1), step(f(5), nil, 2)}},
			"Only one step adjustment can have an unspecified upper bound, got 2"},
		{"overlap", StepScalingPolicyConfiguration{AdjustmentType: "ChangeInCapacity", StepAdjustments: []StepAdjustment{step(f(0), f(10), 1), step(f(5), nil, 2)}},
			"Step adjustments must not overlap: the step with bounds [0, 10] overlaps the step with bounds [5, unspecified]"},
		{"gap", StepScalingPolicyConfiguration{AdjustmentType: "ChangeInCapacity", StepAdjustments: []StepAdjustment{step(f(0), f(10), 1), step(f(20), nil, 2)}},
			"Step adjustments must not leave gaps: no step covers the interval between 10 and 20"},
		{"exact negative", StepScalingPolicyConfiguration{AdjustmentType: "ExactCapacity", StepAdjustments: []StepAdjustment{step(f(0), nil, -1)}},
			"ScalingAdjustment -1 is invalid for AdjustmentType ExactCapacity: must be at least 0"},
		{"magnitude with change", StepScalingPolicyConfiguration{AdjustmentType: "ChangeInCapacity", MinAdjustmentMagnitude: i32(2), StepAdjustments: []StepAdjustment{step(f(0), nil, 1)}},
			"StepScalingPolicyConfiguration.MinAdjustmentMagnitude is only supported with AdjustmentType PercentChangeInCapacity, not ChangeInCapacity"},
		{"negative cooldown", StepScalingPolicyConfiguration{AdjustmentType: "ChangeInCapacity", Cooldown: i32(-1), StepAdjustments: []StepAdjustment{step(f(0), nil, 1)}},
			"StepScalingPolicyConfiguration.Cooldown -1 is invalid: must be at least 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if err := ValidateStepScaling(&tc.cfg, 0); err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	many := StepScalingPolicyConfiguration{AdjustmentType: "ChangeInCapacity"}
	for i := range 21 {
		many.StepAdjustments = append(many.StepAdjustments, step(f(float64(i)), f(float64(i+1)), 1))
	}
	var le *LimitError
	if err := ValidateStepScaling(&many, 0); err == nil || !asLimit(err, &le) {
		t.Errorf("21 steps: %v, want LimitError", err)
	}
}

func asLimit(err error, target **LimitError) bool {
	l, ok := err.(*LimitError)
	*target = l
	return ok
}

func TestValidateTargetTracking(t *testing.T) {
	ic := TargetKey{Namespace: "sagemaker", ResourceID: "inference-component/ic", Dimension: "sagemaker:inference-component:DesiredCopyCount"}
	ecs := TargetKey{Namespace: "ecs", ResourceID: "service/c/s", Dimension: "ecs:service:DesiredCount"}
	ddb := TargetKey{Namespace: "dynamodb", ResourceID: "table/t", Dimension: "dynamodb:table:ReadCapacityUnits"}
	pre := func(m, label string) *PredefinedMetricSpecification {
		return &PredefinedMetricSpecification{PredefinedMetricType: m, ResourceLabel: label}
	}
	tru, fal := true, false
	tests := []struct {
		name string
		k    TargetKey
		cfg  TargetTrackingScalingPolicyConfiguration
		want string
	}{
		{"ic ok", ic, TargetTrackingScalingPolicyConfiguration{TargetValue: 1, PredefinedMetricSpecification: pre("SageMakerInferenceComponentInvocationsPerCopy", "")}, ""},
		{"wrong metric", ic, TargetTrackingScalingPolicyConfiguration{TargetValue: 1, PredefinedMetricSpecification: pre("ECSServiceAverageCPUUtilization", "")},
			"PredefinedMetricType ECSServiceAverageCPUUtilization is not supported for scalable dimension sagemaker:inference-component:DesiredCopyCount"},
		{"neither", ic, TargetTrackingScalingPolicyConfiguration{TargetValue: 1}, "Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be specified"},
		{"huge", ic, TargetTrackingScalingPolicyConfiguration{TargetValue: 1e200, PredefinedMetricSpecification: pre("SageMakerInferenceComponentInvocationsPerCopy", "")},
			"TargetValue 1e+200 is invalid: must be a finite number whose magnitude is between 8.51592e-109 and 1.174271e+108"},
		{"alb needs label", ecs, TargetTrackingScalingPolicyConfiguration{TargetValue: 1, PredefinedMetricSpecification: pre("ALBRequestCountPerTarget", "")},
			"ResourceLabel is required for PredefinedMetricType ALBRequestCountPerTarget"},
		{"alb ok", ecs, TargetTrackingScalingPolicyConfiguration{TargetValue: 1, PredefinedMetricSpecification: pre("ALBRequestCountPerTarget", "app/lb/123/targetgroup/tg/456")}, ""},
		{"label elsewhere", ecs, TargetTrackingScalingPolicyConfiguration{TargetValue: 1, PredefinedMetricSpecification: pre("ECSServiceAverageCPUUtilization", "x")},
			"ResourceLabel is only supported for PredefinedMetricType ALBRequestCountPerTarget, not ECSServiceAverageCPUUtilization"},
		{"flat missing stat", ecs, TargetTrackingScalingPolicyConfiguration{TargetValue: 1, CustomizedMetricSpecification: &CustomizedMetricSpecification{MetricName: "m", Namespace: "n"}},
			"CustomizedMetricSpecification.Statistic is required unless Metrics is specified"},
		{"math ok", ecs, TargetTrackingScalingPolicyConfiguration{TargetValue: 1, CustomizedMetricSpecification: &CustomizedMetricSpecification{Metrics: []TargetTrackingMetricDataQuery{
			{ID: "m1", MetricStat: &TargetTrackingMetricStat{Metric: TargetTrackingMetric{MetricName: "a", Namespace: "n"}, Stat: "Sum"}, ReturnData: &fal},
			{ID: "e1", Expression: "m1 / 2", ReturnData: &tru}}}}, ""},
		{"math two results", ecs, TargetTrackingScalingPolicyConfiguration{TargetValue: 1, CustomizedMetricSpecification: &CustomizedMetricSpecification{Metrics: []TargetTrackingMetricDataQuery{
			{ID: "m1", MetricStat: &TargetTrackingMetricStat{Metric: TargetTrackingMetric{MetricName: "a", Namespace: "n"}, Stat: "Sum"}},
			{ID: "e1", Expression: "m1 / 2"}}}}, "Exactly one of the Metrics must return data (ReturnData true or omitted), got 2"},
		{"math bad id", ecs, TargetTrackingScalingPolicyConfiguration{TargetValue: 1, CustomizedMetricSpecification: &CustomizedMetricSpecification{Metrics: []TargetTrackingMetricDataQuery{
			{ID: "M1", Expression: "1"}}}}, "Metrics[0].Id 'M1' is invalid: must start with a lowercase letter and contain only letters, digits and underscores"},
		{"math mixed", ecs, TargetTrackingScalingPolicyConfiguration{TargetValue: 1, CustomizedMetricSpecification: &CustomizedMetricSpecification{MetricName: "x", Metrics: []TargetTrackingMetricDataQuery{
			{ID: "e1", Expression: "1"}}}}, "CustomizedMetricSpecification must use either MetricName, Namespace, Dimensions, Statistic and Unit, or Metrics, not both"},
		{"math not for dynamodb", ddb, TargetTrackingScalingPolicyConfiguration{TargetValue: 1, CustomizedMetricSpecification: &CustomizedMetricSpecification{Metrics: []TargetTrackingMetricDataQuery{
			{ID: "e1", Expression: "1"}}}}, "Metric math (CustomizedMetricSpecification.Metrics) is not supported for service namespace dynamodb"},
		{"negative cooldown", ic, TargetTrackingScalingPolicyConfiguration{TargetValue: 1, ScaleInCooldown: i32(-5), PredefinedMetricSpecification: pre("SageMakerInferenceComponentInvocationsPerCopy", "")},
			"TargetTrackingScalingPolicyConfiguration.ScaleInCooldown -5 is invalid: must be at least 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if err := ValidateTargetTracking(tc.k, &tc.cfg); err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidatePredictive(t *testing.T) {
	tests := []struct{ name, cfg, want string }{
		{"doc example", `{"MetricSpecifications":[{"TargetValue":40,"PredefinedMetricPairSpecification":{"PredefinedMetricType":"ECSServiceMemoryUtilization"}}],"SchedulingBufferTime":3600,"MaxCapacityBreachBehavior":"HonorMaxCapacity","Mode":"ForecastOnly"}`, ""},
		{"load and scaling", `{"MetricSpecifications":[{"TargetValue":40,"PredefinedScalingMetricSpecification":{"PredefinedMetricType":"ECSServiceAverageCPUUtilization"},"PredefinedLoadMetricSpecification":{"PredefinedMetricType":"ECSServiceTotalCPUUtilization"}}]}`, ""},
		{"no metric", `{"MetricSpecifications":[{"TargetValue":40}]}`, "MetricSpecifications[0] must specify PredefinedMetricPairSpecification, or both a scaling metric and a load metric"},
		{"two specs", `{"MetricSpecifications":[]}`, "PredictiveScalingPolicyConfiguration.MetricSpecifications must contain exactly one metric specification, got 0"},
		{"buffer needed", `{"MetricSpecifications":[{"TargetValue":40,"PredefinedMetricPairSpecification":{"PredefinedMetricType":"ALBRequestCount"}}],"MaxCapacityBreachBehavior":"IncreaseMaxCapacity"}`,
			"MaxCapacityBuffer is required when MaxCapacityBreachBehavior is IncreaseMaxCapacity"},
		{"buffer forbidden", `{"MetricSpecifications":[{"TargetValue":40,"PredefinedMetricPairSpecification":{"PredefinedMetricType":"ALBRequestCount"}}],"MaxCapacityBuffer":10}`,
			"MaxCapacityBuffer is only allowed when MaxCapacityBreachBehavior is IncreaseMaxCapacity, not HonorMaxCapacity"},
		{"zero target", `{"MetricSpecifications":[{"TargetValue":0,"PredefinedMetricPairSpecification":{"PredefinedMetricType":"ALBRequestCount"}}]}`,
			"MetricSpecifications[0].TargetValue 0 is invalid: must be a finite number greater than 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if err := ValidatePredictive(json.RawMessage(tc.cfg)); err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateTargetKey(t *testing.T) {
	tests := []struct {
		ns, id, dim string
		ok          bool
	}{
		{"ecs", "service/default/web-app", "ecs:service:DesiredCount", true},
		{"ecs", "service/web-app", "ecs:service:DesiredCount", false},
		{"ec2", "spot-fleet-request/sfr-73fbd2ce-aa30-494c-8788-1cee4EXAMPLE", "ec2:spot-fleet-request:TargetCapacity", true},
		{"elasticmapreduce", "instancegroup/j-2EEZNYKUA1NTV/ig-1791Y4E1L8YI0", "elasticmapreduce:instancegroup:InstanceCount", true},
		{"appstream", "fleet/sample-fleet", "appstream:fleet:DesiredCapacity", true},
		{"dynamodb", "table/my-table", "dynamodb:table:ReadCapacityUnits", true},
		{"dynamodb", "dynamo/projects", "dynamodb:table:ReadCapacityUnits", false},
		{"dynamodb", "table/my-table/index/my-index", "dynamodb:index:WriteCapacityUnits", true},
		{"dynamodb", "table/my-table", "dynamodb:index:WriteCapacityUnits", false},
		{"rds", "cluster:my-db-cluster", "rds:cluster:ReadReplicaCount", true},
		{"sagemaker", "endpoint/my-end-point/variant/KMeansClustering", "sagemaker:variant:DesiredInstanceCount", true},
		{"sagemaker", "inference-component/my-ic", "sagemaker:inference-component:DesiredCopyCount", true},
		{"sagemaker", "inference-component/-bad", "sagemaker:inference-component:DesiredCopyCount", false},
		{"sagemaker", "inference-component/my-ic", "ecs:service:DesiredCount", false},
		{"custom-resource", "https://example.execute-api.us-west-2.amazonaws.com/prod/scalableTargetDimensions/1-23456789", "custom-resource:ResourceType:Property", true},
		{"comprehend", "arn:aws:comprehend:us-west-2:123456789012:document-classifier-endpoint/EXAMPLE", "comprehend:document-classifier-endpoint:DesiredInferenceUnits", true},
		{"comprehend", "arn:aws:comprehend:us-west-2:123456789012:entity-recognizer-endpoint/EXAMPLE", "comprehend:document-classifier-endpoint:DesiredInferenceUnits", false},
		{"lambda", "function:my-function:prod", "lambda:function:ProvisionedConcurrency", true},
		{"lambda", "function:my-function:$LATEST", "lambda:function:ProvisionedConcurrency", false},
		{"cassandra", "keyspace/mykeyspace/table/mytable", "cassandra:table:ReadCapacityUnits", true},
		{"kafka", "arn:aws:kafka:us-east-1:123456789012:cluster/demo-cluster-1/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5", "kafka:broker-storage:VolumeSize", true},
		{"elasticache", "replication-group/mycluster", "elasticache:replication-group:NodeGroups", true},
		{"elasticache", "cache-cluster/mycluster", "elasticache:cache-cluster:Nodes", true},
		{"neptune", "cluster:mycluster", "neptune:cluster:ReadReplicaCount", true},
		{"workspaces", "workspacespool/wspool-123456", "workspaces:workspacespool:DesiredUserSessions", true},
		{"rds", "cluster:x", "rds:cluster:Capacity", false},
	}
	for _, tc := range tests {
		err := ValidateTargetKey(TargetKey{Namespace: tc.ns, ResourceID: tc.id, Dimension: tc.dim})
		if (err == nil) != tc.ok {
			t.Errorf("ValidateTargetKey(%s, %s, %s) = %v, want ok=%v", tc.ns, tc.id, tc.dim, err, tc.ok)
		}
		if err != nil && err.Error() != ErrUnsupportedTarget {
			t.Errorf("message = %q", err)
		}
	}
	// Every dimension of the Smithy enum is described.
	for _, d := range smithyShapes["ScalableDimension"].Enum {
		if _, ok := LookupDimension(d); !ok {
			t.Errorf("dimension %s has no description", d)
		}
	}
	for _, n := range smithyShapes["ServiceNamespace"].Enum {
		if _, ok := LookupNamespace(n); !ok {
			t.Errorf("namespace %s has no description", n)
		}
	}
	for _, m := range smithyShapes["MetricType"].Enum {
		if _, ok := predefinedMetrics[m]; !ok {
			t.Errorf("metric type %s has no CloudWatch mapping", m)
		}
	}
}
