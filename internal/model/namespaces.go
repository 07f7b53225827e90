package model

import (
	"regexp"
	"strings"
)

// Namespace describes what a service namespace supports.
type Namespace struct {
	Name string
	// SLRSuffix names the service-linked role (AWSServiceRoleForApplicationAutoScaling_<SLRSuffix>);
	// "" means the caller must supply RoleARN.
	SLRSuffix      string
	TargetTracking bool
	StepScaling    bool
	Scheduled      bool
	Predictive     bool
	// MetricMath reports whether target-tracking policies may use Metrics[].
	MetricMath bool
	// TargetQuota is the default number of scalable targets per account and region.
	TargetQuota int
}

// Dimension describes one scalable dimension.
type Dimension struct {
	Name      string
	Namespace string
	// MinCapacityFloor is the smallest MinCapacity the resource accepts.
	MinCapacityFloor int32
	// DefaultCooldown is the target-tracking cooldown (seconds) used when none is given.
	DefaultCooldown int32
	// CapacityNoun is the wording of activity descriptions ("desired copy count").
	CapacityNoun string
	// PredefinedMetrics lists the predefined target-tracking metrics valid for the dimension.
	PredefinedMetrics []string
	validID           func(string) bool
}

var namespaces = map[string]Namespace{
	"ecs":              {Name: "ecs", SLRSuffix: "ECSService", TargetTracking: true, StepScaling: true, Scheduled: true, Predictive: true, MetricMath: true, TargetQuota: 3000},
	"elasticmapreduce": {Name: "elasticmapreduce", StepScaling: true, Scheduled: true, TargetQuota: 500},
	"ec2":              {Name: "ec2", SLRSuffix: "EC2SpotFleetRequest", TargetTracking: true, StepScaling: true, Scheduled: true, MetricMath: true, TargetQuota: 500},
	"appstream":        {Name: "appstream", SLRSuffix: "AppStreamFleet", TargetTracking: true, StepScaling: true, Scheduled: true, MetricMath: true, TargetQuota: 500},
	"dynamodb":         {Name: "dynamodb", SLRSuffix: "DynamoDBTable", TargetTracking: true, Scheduled: true, TargetQuota: 5000},
	"rds":              {Name: "rds", SLRSuffix: "RDSCluster", TargetTracking: true, StepScaling: true, Scheduled: true, MetricMath: true, TargetQuota: 500},
	"sagemaker":        {Name: "sagemaker", SLRSuffix: "SageMakerEndpoint", TargetTracking: true, StepScaling: true, Scheduled: true, MetricMath: true, TargetQuota: 500},
	"custom-resource":  {Name: "custom-resource", SLRSuffix: "CustomResource", TargetTracking: true, StepScaling: true, Scheduled: true, MetricMath: true, TargetQuota: 500},
	"comprehend":       {Name: "comprehend", SLRSuffix: "ComprehendEndpoint", TargetTracking: true, Scheduled: true, MetricMath: true, TargetQuota: 500},
	"lambda":           {Name: "lambda", SLRSuffix: "LambdaConcurrency", TargetTracking: true, Scheduled: true, MetricMath: true, TargetQuota: 500},
	"cassandra":        {Name: "cassandra", SLRSuffix: "CassandraTable", TargetTracking: true, Scheduled: true, TargetQuota: 1500},
	"kafka":            {Name: "kafka", SLRSuffix: "KafkaCluster", TargetTracking: true, TargetQuota: 500},
	"elasticache":      {Name: "elasticache", SLRSuffix: "ElastiCacheRG", TargetTracking: true, Scheduled: true, MetricMath: true, TargetQuota: 500},
	"neptune":          {Name: "neptune", SLRSuffix: "NeptuneCluster", TargetTracking: true, Scheduled: true, TargetQuota: 500},
	"workspaces":       {Name: "workspaces", SLRSuffix: "WorkSpacesPool", TargetTracking: true, StepScaling: true, Scheduled: true, MetricMath: true, TargetQuota: 500},
}

var sageMakerName = regexp.MustCompile(`^[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?$`)

// segments splits id on sep and reports whether it has exactly the given literal parts
// (where "" means any non-empty value).
func segments(id, sep string, want ...string) bool {
	parts := strings.Split(id, sep)
	if len(parts) != len(want) {
		return false
	}
	for i, p := range parts {
		if p == "" || (want[i] != "" && p != want[i]) {
			return false
		}
	}
	return true
}

func arnResource(id, service, resourceType string) bool {
	parts := strings.SplitN(id, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != service {
		return false
	}
	return strings.HasPrefix(parts[5], resourceType+"/") && len(parts[5]) > len(resourceType)+1
}

var dimensions = map[string]Dimension{
	"ecs:service:DesiredCount": {MinCapacityFloor: 0, DefaultCooldown: 300, CapacityNoun: "desired count",
		PredefinedMetrics: []string{"ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization", "ECSServiceAverageCPUUtilizationHighResolution", "ECSServiceAverageMemoryUtilizationHighResolution", "ALBRequestCountPerTarget"},
		validID:           func(id string) bool { return segments(id, "/", "service", "", "") }},
	"ec2:spot-fleet-request:TargetCapacity": {DefaultCooldown: 300, CapacityNoun: "target capacity",
		PredefinedMetrics: []string{"EC2SpotFleetRequestAverageCPUUtilization", "EC2SpotFleetRequestAverageNetworkIn", "EC2SpotFleetRequestAverageNetworkOut", "ALBRequestCountPerTarget"},
		validID:           func(id string) bool { return segments(id, "/", "spot-fleet-request", "") }},
	"elasticmapreduce:instancegroup:InstanceCount": {DefaultCooldown: 300, CapacityNoun: "instance count",
		validID: func(id string) bool { return segments(id, "/", "instancegroup", "", "") }},
	"appstream:fleet:DesiredCapacity": {DefaultCooldown: 300, CapacityNoun: "desired capacity",
		PredefinedMetrics: []string{"AppStreamAverageCapacityUtilization"},
		validID:           func(id string) bool { return segments(id, "/", "fleet", "") }},
	"dynamodb:table:ReadCapacityUnits": {MinCapacityFloor: 1, CapacityNoun: "read capacity units",
		PredefinedMetrics: []string{"DynamoDBReadCapacityUtilization"},
		validID:           func(id string) bool { return segments(id, "/", "table", "") }},
	"dynamodb:table:WriteCapacityUnits": {MinCapacityFloor: 1, CapacityNoun: "write capacity units",
		PredefinedMetrics: []string{"DynamoDBWriteCapacityUtilization"},
		validID:           func(id string) bool { return segments(id, "/", "table", "") }},
	"dynamodb:index:ReadCapacityUnits": {MinCapacityFloor: 1, CapacityNoun: "read capacity units",
		PredefinedMetrics: []string{"DynamoDBReadCapacityUtilization"},
		validID:           func(id string) bool { return segments(id, "/", "table", "", "index", "") }},
	"dynamodb:index:WriteCapacityUnits": {MinCapacityFloor: 1, CapacityNoun: "write capacity units",
		PredefinedMetrics: []string{"DynamoDBWriteCapacityUtilization"},
		validID:           func(id string) bool { return segments(id, "/", "table", "", "index", "") }},
	"rds:cluster:ReadReplicaCount": {DefaultCooldown: 300, CapacityNoun: "read replica count",
		PredefinedMetrics: []string{"RDSReaderAverageCPUUtilization", "RDSReaderAverageDatabaseConnections"},
		validID:           func(id string) bool { return segments(id, ":", "cluster", "") }},
	"sagemaker:variant:DesiredInstanceCount": {DefaultCooldown: 300, CapacityNoun: "desired instance count",
		PredefinedMetrics: []string{"SageMakerVariantInvocationsPerInstance", "SageMakerVariantConcurrentRequestsPerModelHighResolution"},
		validID:           func(id string) bool { return segments(id, "/", "endpoint", "", "variant", "") }},
	"sagemaker:variant:DesiredProvisionedConcurrency": {DefaultCooldown: 300, CapacityNoun: "desired provisioned concurrency",
		PredefinedMetrics: []string{"SageMakerVariantProvisionedConcurrencyUtilization"},
		validID:           func(id string) bool { return segments(id, "/", "endpoint", "", "variant", "") }},
	"sagemaker:inference-component:DesiredCopyCount": {DefaultCooldown: 300, CapacityNoun: "desired copy count",
		PredefinedMetrics: []string{"SageMakerInferenceComponentInvocationsPerCopy", "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution"},
		validID: func(id string) bool {
			name, ok := strings.CutPrefix(id, "inference-component/")
			return ok && len(name) <= 63 && sageMakerName.MatchString(name)
		}},
	"custom-resource:ResourceType:Property": {DefaultCooldown: 300, CapacityNoun: "desired capacity",
		validID: func(id string) bool { return id != "" }},
	"comprehend:document-classifier-endpoint:DesiredInferenceUnits": {MinCapacityFloor: 1, CapacityNoun: "desired inference units",
		PredefinedMetrics: []string{"ComprehendInferenceUtilization"},
		validID:           func(id string) bool { return arnResource(id, "comprehend", "document-classifier-endpoint") }},
	"comprehend:entity-recognizer-endpoint:DesiredInferenceUnits": {MinCapacityFloor: 1, CapacityNoun: "desired inference units",
		PredefinedMetrics: []string{"ComprehendInferenceUtilization"},
		validID:           func(id string) bool { return arnResource(id, "comprehend", "entity-recognizer-endpoint") }},
	"lambda:function:ProvisionedConcurrency": {CapacityNoun: "provisioned concurrency",
		PredefinedMetrics: []string{"LambdaProvisionedConcurrencyUtilization"},
		validID: func(id string) bool {
			parts := strings.Split(id, ":")
			return segments(id, ":", "function", "", "") && parts[2] != "$LATEST"
		}},
	"cassandra:table:ReadCapacityUnits": {MinCapacityFloor: 1, CapacityNoun: "read capacity units",
		PredefinedMetrics: []string{"CassandraReadCapacityUtilization"},
		validID:           func(id string) bool { return segments(id, "/", "keyspace", "", "table", "") }},
	"cassandra:table:WriteCapacityUnits": {MinCapacityFloor: 1, CapacityNoun: "write capacity units",
		PredefinedMetrics: []string{"CassandraWriteCapacityUtilization"},
		validID:           func(id string) bool { return segments(id, "/", "keyspace", "", "table", "") }},
	"kafka:broker-storage:VolumeSize": {MinCapacityFloor: 1, CapacityNoun: "volume size",
		PredefinedMetrics: []string{"KafkaBrokerStorageUtilization"},
		validID:           func(id string) bool { return arnResource(id, "kafka", "cluster") }},
	"elasticache:replication-group:NodeGroups": {MinCapacityFloor: 1, DefaultCooldown: 600, CapacityNoun: "node groups",
		PredefinedMetrics: []string{"ElastiCachePrimaryEngineCPUUtilization", "ElastiCacheReplicaEngineCPUUtilization", "ElastiCacheDatabaseMemoryUsageCountedForEvictPercentage", "ElastiCacheDatabaseCapacityUsageCountedForEvictPercentage"},
		validID:           func(id string) bool { return segments(id, "/", "replication-group", "") }},
	"elasticache:replication-group:Replicas": {MinCapacityFloor: 1, DefaultCooldown: 600, CapacityNoun: "replicas",
		PredefinedMetrics: []string{"ElastiCachePrimaryEngineCPUUtilization", "ElastiCacheReplicaEngineCPUUtilization", "ElastiCacheDatabaseMemoryUsageCountedForEvictPercentage", "ElastiCacheDatabaseCapacityUsageCountedForEvictPercentage"},
		validID:           func(id string) bool { return segments(id, "/", "replication-group", "") }},
	"elasticache:cache-cluster:Nodes": {MinCapacityFloor: 1, DefaultCooldown: 600, CapacityNoun: "nodes",
		PredefinedMetrics: []string{"ElastiCacheEngineCPUUtilization", "ElastiCacheDatabaseMemoryUsagePercentage"},
		validID:           func(id string) bool { return segments(id, "/", "cache-cluster", "") }},
	"neptune:cluster:ReadReplicaCount": {MinCapacityFloor: 1, DefaultCooldown: 300, CapacityNoun: "read replica count",
		PredefinedMetrics: []string{"NeptuneReaderAverageCPUUtilization"},
		validID:           func(id string) bool { return segments(id, ":", "cluster", "") }},
	"workspaces:workspacespool:DesiredUserSessions": {DefaultCooldown: 300, CapacityNoun: "desired user sessions",
		PredefinedMetrics: []string{"WorkSpacesAverageUserSessionsCapacityUtilization"},
		validID:           func(id string) bool { return segments(id, "/", "workspacespool", "") }},
}

// LookupNamespace returns the description of a service namespace.
func LookupNamespace(name string) (Namespace, bool) {
	ns, ok := namespaces[name]
	return ns, ok
}

// LookupDimension returns the description of a scalable dimension.
func LookupDimension(name string) (Dimension, bool) {
	d, ok := dimensions[name]
	if !ok {
		return Dimension{}, false
	}
	d.Name = name
	d.Namespace, _, _ = strings.Cut(name, ":")
	return d, true
}

// ErrUnsupportedTarget is the AWS message for a namespace, dimension and resource ID that do
// not belong together.
const ErrUnsupportedTarget = "Unsupported service namespace, resource type or scalable dimension"

// ValidateTargetKey checks that the dimension belongs to the namespace and that the resource
// ID has the form the dimension requires.
func ValidateTargetKey(k TargetKey) error {
	d, ok := LookupDimension(k.Dimension)
	if !ok || d.Namespace != k.Namespace || !d.validID(k.ResourceID) {
		return &ValidationError{Message: ErrUnsupportedTarget}
	}
	return nil
}

// ResourceType returns the resource-type grouping used for the per-account target quota:
// the namespace, except that each namespace's dimensions that share a resource type are
// counted together (all DynamoDB tables and indexes count as one type).
func ResourceType(dimension string) string {
	ns, rest, _ := strings.Cut(dimension, ":")
	if ns == "dynamodb" || ns == "cassandra" || ns == "ecs" {
		return ns
	}
	rt, _, _ := strings.Cut(rest, ":")
	return ns + ":" + rt
}
