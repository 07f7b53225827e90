package scaling

import (
	"strconv"
	"strings"
)

// NotScaledDescription is the Description of every not-scaled activity.
const NotScaledDescription = "Attempting to scale due to alarm triggered"

// capacityNouns maps each scalable dimension to the noun AWS uses in activity texts.
var capacityNouns = map[string]string{
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
	"sagemaker:variant:DesiredProvisionedConcurrency":               "desired provisioned concurrency",
	"sagemaker:inference-component:DesiredCopyCount":                "desired copy count",
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
	"workspaces:workspacespool:DesiredUserSessions":                 "desired user sessions",
}

// CapacityNoun returns the noun AWS activity texts use for a scalable dimension, e.g.
// "desired copy count" for sagemaker:inference-component:DesiredCopyCount. Unknown
// dimensions get "desired capacity".
func CapacityNoun(dimension string) string {
	if n, ok := capacityNouns[dimension]; ok {
		return n
	}
	return "desired capacity"
}

// dimensionNamespace returns the service namespace a dimension belongs to (its first
// colon-separated segment), which is the service named in "fulfilled by <namespace>".
func dimensionNamespace(dimension string) string {
	if i := strings.IndexByte(dimension, ':'); i >= 0 {
		return dimension[:i]
	}
	return dimension
}

func itoa(n int32) string { return strconv.FormatInt(int64(n), 10) }

// DescribeSetCapacity is the Description of a capacity-change activity:
// "Setting desired copy count to 3.".
func DescribeSetCapacity(dimension string, n int32) string {
	return "Setting " + CapacityNoun(dimension) + " to " + itoa(n) + "."
}

// InProgressMessage is the StatusMessage of an accepted, not yet fulfilled capacity change:
// "Successfully set desired copy count to 3. Waiting for change to be fulfilled by sagemaker.".
func InProgressMessage(dimension string, n int32) string {
	return "Successfully set " + CapacityNoun(dimension) + " to " + itoa(n) +
		". Waiting for change to be fulfilled by " + dimensionNamespace(dimension) + "."
}

// SuccessMessage is the StatusMessage of a fulfilled capacity change:
// "Successfully set desired copy count to 3. Change successfully fulfilled by sagemaker.".
func SuccessMessage(dimension string, n int32) string {
	return "Successfully set " + CapacityNoun(dimension) + " to " + itoa(n) +
		". Change successfully fulfilled by " + dimensionNamespace(dimension) + "."
}

// FailedMessage is the StatusMessage of a capacity change the target service refused or
// could not fulfil: "Failed to set desired copy count to 3. Reason: <reason>".
func FailedMessage(dimension string, n int32, reason string) string {
	s := "Failed to set " + CapacityNoun(dimension) + " to " + itoa(n) + "."
	if reason != "" {
		s += " Reason: " + reason
	}
	return s
}

// AlarmCause is the Cause of a policy-triggered activity:
// "monitor alarm <alarm> in state ALARM triggered policy <policy>".
func AlarmCause(alarm, policy string) string {
	return "monitor alarm " + alarm + " in state ALARM triggered policy " + policy
}

// MinCapacityCause is the Cause of a clamp after the minimum was raised:
// "minimum capacity was set to 15".
func MinCapacityCause(n int32) string { return "minimum capacity was set to " + itoa(n) }

// MaxCapacityCause is the Cause of a clamp after the maximum was lowered:
// "maximum capacity was set to 10".
func MaxCapacityCause(n int32) string { return "maximum capacity was set to " + itoa(n) }

// ScheduledCause is the Cause of a scheduled action's activity:
// "scheduled action name my-action was triggered".
func ScheduledCause(name string) string {
	return "scheduled action name " + name + " was triggered"
}

// DescribeSetMinMax is the Description of a scheduled action's min/max activity:
// "Setting min capacity to 15 and max capacity to 20", or only the bound that is given.
func DescribeSetMinMax(min, max *int32) string {
	return "Setting " + minMaxPhrase(min, max)
}

// SetMinMaxMessage is the StatusMessage of a successful min/max activity:
// "Successfully set min capacity to 15 and max capacity to 20".
func SetMinMaxMessage(min, max *int32) string {
	return "Successfully set " + minMaxPhrase(min, max)
}

func minMaxPhrase(min, max *int32) string {
	switch {
	case min != nil && max != nil:
		return "min capacity to " + itoa(*min) + " and max capacity to " + itoa(*max)
	case min != nil:
		return "min capacity to " + itoa(*min)
	case max != nil:
		return "max capacity to " + itoa(*max)
	}
	return "min capacity and max capacity unchanged"
}
