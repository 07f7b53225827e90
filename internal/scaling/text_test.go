package scaling

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestActivityTexts(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"IC description", DescribeSetCapacity(icDim, 3), "Setting desired copy count to 3."},
		{"IC in progress", InProgressMessage(icDim, 3), "Successfully set desired copy count to 3. Waiting for change to be fulfilled by sagemaker."},
		{"IC success", SuccessMessage(icDim, 3), "Successfully set desired copy count to 3. Change successfully fulfilled by sagemaker."},
		{"TV-07 ECS description", DescribeSetCapacity(ecsDim, 1), "Setting desired count to 1."},
		{"TV-07 ECS success", SuccessMessage(ecsDim, 1), "Successfully set desired count to 1. Change successfully fulfilled by ecs."},
		{"TV-07 cause", AlarmCause("web-app-cpu-lt-25", "web-app-cpu-lt-25"), "monitor alarm web-app-cpu-lt-25 in state ALARM triggered policy web-app-cpu-lt-25"},
		{"TV-21 DynamoDB in progress", InProgressMessage("dynamodb:table:WriteCapacityUnits", 15),
			"Successfully set write capacity units to 15. Waiting for change to be fulfilled by dynamodb."},
		{"TV-24 custom resource", SuccessMessage("custom-resource:ResourceType:Property", 2),
			"Successfully set desired capacity to 2. Change successfully fulfilled by custom-resource."},
		{"TV-24 custom resource description", DescribeSetCapacity("custom-resource:ResourceType:Property", 2), "Setting desired capacity to 2."},
		{"failure", FailedMessage(icDim, 3, "no capacity"), "Failed to set desired copy count to 3. Reason: no capacity"},
		{"min cause", MinCapacityCause(15), "minimum capacity was set to 15"},
		{"max cause", MaxCapacityCause(10), "maximum capacity was set to 10"},
		{"scheduled cause", ScheduledCause("my-first-scheduled-action"), "scheduled action name my-first-scheduled-action was triggered"},
		{"min and max", DescribeSetMinMax(i32(15), i32(20)), "Setting min capacity to 15 and max capacity to 20"},
		{"min only", DescribeSetMinMax(i32(6), nil), "Setting min capacity to 6"},
		{"max only", SetMinMaxMessage(nil, i32(6)), "Successfully set max capacity to 6"},
		{"not scaled", NotScaledDescription, "Attempting to scale due to alarm triggered"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCapacityNounCoversEveryDimension(t *testing.T) {
	want := map[string]string{
		"ecs:service:DesiredCount":                                      "desired count",
		"ec2:spot-fleet-request:TargetCapacity":                         "target capacity",
		"elasticmapreduce:instancegroup:InstanceCount":                  "instance count",
		"appstream:fleet:DesiredCapacity":                               "desired capacity",
		"dynamodb:table:ReadCapacityUnits":                              "read capacity units",
		"dynamodb:table:WriteCapacityUnits":                             "write capacity units",
		"dynamodb:index:ReadCapacityUnits":                              "read capacity units",
		"dynamodb:index:WriteCapacityUnits":                             "write capacity units",
		"rds:cluster:ReadReplicaCount":                                  "read replica count",
		"sagemaker:variant:DesiredInstanceCount":                        "desired instance count",
		"custom-resource:ResourceType:Property":                         "desired capacity",
		"comprehend:document-classifier-endpoint:DesiredInferenceUnits": "desired inference units",
		"comprehend:entity-recognizer-endpoint:DesiredInferenceUnits":   "desired inference units",
		"lambda:function:ProvisionedConcurrency":                        "provisioned concurrency",
		"cassandra:table:ReadCapacityUnits":                             "read capacity units",
		"cassandra:table:WriteCapacityUnits":                            "write capacity units",
		"kafka:broker-storage:VolumeSize":                               "volume size",
		"elasticache:cache-cluster:Nodes":                               "nodes",
		"elasticache:replication-group:NodeGroups":                      "node groups",
		"elasticache:replication-group:Replicas":                        "replicas",
		"neptune:cluster:ReadReplicaCount":                              "read replica count",
		"sagemaker:variant:DesiredProvisionedConcurrency":               "desired provisioned concurrency",
		"sagemaker:inference-component:DesiredCopyCount":                "desired copy count",
		"workspaces:workspacespool:DesiredUserSessions":                 "desired user sessions",
	}
	got := map[string]string{}
	for dim := range want {
		got[dim] = CapacityNoun(dim)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CapacityNoun (-want +got):\n%s", diff)
	}
}
