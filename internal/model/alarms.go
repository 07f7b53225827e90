package model

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/google/uuid"
)

// AlarmTiming holds the periods and evaluation counts of target-tracking alarms.
type AlarmTiming struct {
	// StandardPeriod is the period of alarms on standard-resolution metrics and of every
	// low (scale-in) alarm.
	StandardPeriod time.Duration
	// HighResolutionPeriod is the period of the high (scale-out) alarm on high-resolution
	// metrics; the metric's own resolution is used when it is coarser.
	HighResolutionPeriod  time.Duration
	HighEvaluationPeriods int32
	LowEvaluationPeriods  int32
}

// DefaultAlarmTiming returns the AWS values: 60 s standard and 10 s high-resolution periods,
// 3 evaluation periods for the high alarm and 15 for the low alarm.
func DefaultAlarmTiming() AlarmTiming {
	return AlarmTiming{
		StandardPeriod:        60 * time.Second,
		HighResolutionPeriod:  10 * time.Second,
		HighEvaluationPeriods: 3,
		LowEvaluationPeriods:  15,
	}
}

func (t AlarmTiming) withDefaults() AlarmTiming {
	d := DefaultAlarmTiming()
	if t.StandardPeriod <= 0 {
		t.StandardPeriod = d.StandardPeriod
	}
	if t.HighResolutionPeriod <= 0 {
		t.HighResolutionPeriod = d.HighResolutionPeriod
	}
	if t.HighEvaluationPeriods <= 0 {
		t.HighEvaluationPeriods = d.HighEvaluationPeriods
	}
	if t.LowEvaluationPeriods <= 0 {
		t.LowEvaluationPeriods = d.LowEvaluationPeriods
	}
	return t
}

// PredefinedMetric is the CloudWatch metric behind a predefined target-tracking metric type.
type PredefinedMetric struct {
	Namespace  string
	MetricName string
	Dimensions []MetricDimension
	Statistic  string
	// Resolution is the publishing interval of high-resolution metrics, 0 for standard ones.
	Resolution time.Duration
}

type predefinedDef struct {
	namespace, metric, stat string
	resolution              time.Duration
	dims                    func(k TargetKey, label string) []MetricDimension
}

func dims(kv ...string) []MetricDimension {
	out := make([]MetricDimension, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, MetricDimension{Name: kv[i], Value: kv[i+1]})
	}
	return out
}

func part(id, sep string, i int) string {
	parts := strings.Split(id, sep)
	if i < len(parts) {
		return parts[i]
	}
	return ""
}

func ecsDims(k TargetKey, _ string) []MetricDimension {
	return dims("ClusterName", part(k.ResourceID, "/", 1), "ServiceName", part(k.ResourceID, "/", 2))
}

func variantDims(k TargetKey, _ string) []MetricDimension {
	return dims("EndpointName", part(k.ResourceID, "/", 1), "VariantName", part(k.ResourceID, "/", 3))
}

func readerDims(k TargetKey, _ string) []MetricDimension {
	return dims("DBClusterIdentifier", strings.TrimPrefix(k.ResourceID, "cluster:"), "Role", "READER")
}

func tableDims(k TargetKey, _ string) []MetricDimension {
	d := dims("TableName", part(k.ResourceID, "/", 1))
	if idx := part(k.ResourceID, "/", 3); idx != "" {
		d = append(d, MetricDimension{Name: "GlobalSecondaryIndexName", Value: idx})
	}
	return d
}

func keyspaceDims(k TargetKey, _ string) []MetricDimension {
	return dims("Keyspace", part(k.ResourceID, "/", 1), "TableName", part(k.ResourceID, "/", 3))
}

func replicationGroupDims(role string) func(TargetKey, string) []MetricDimension {
	return func(k TargetKey, _ string) []MetricDimension {
		d := dims("ReplicationGroupId", strings.TrimPrefix(k.ResourceID, "replication-group/"))
		if role != "" {
			d = append(d, MetricDimension{Name: "Role", Value: role})
		}
		return d
	}
}

func spotDims(k TargetKey, _ string) []MetricDimension {
	return dims("FleetRequestId", strings.TrimPrefix(k.ResourceID, "spot-fleet-request/"))
}

var predefinedMetrics = map[string]predefinedDef{
	"ECSServiceAverageCPUUtilization":                  {"AWS/ECS", "CPUUtilization", "Average", 0, ecsDims},
	"ECSServiceAverageMemoryUtilization":               {"AWS/ECS", "MemoryUtilization", "Average", 0, ecsDims},
	"ECSServiceAverageCPUUtilizationHighResolution":    {"AWS/ECS", "CPUUtilization", "Average", 20 * time.Second, ecsDims},
	"ECSServiceAverageMemoryUtilizationHighResolution": {"AWS/ECS", "MemoryUtilization", "Average", 20 * time.Second, ecsDims},
	"ALBRequestCountPerTarget": {"AWS/ApplicationELB", "RequestCountPerTarget", "Sum", 0, func(_ TargetKey, label string) []MetricDimension {
		if i := strings.Index(label, "targetgroup/"); i >= 0 {
			return dims("TargetGroup", label[i:])
		}
		return dims("TargetGroup", label)
	}},
	"EC2SpotFleetRequestAverageCPUUtilization": {"AWS/EC2Spot", "CPUUtilization", "Average", 0, spotDims},
	"EC2SpotFleetRequestAverageNetworkIn":      {"AWS/EC2Spot", "NetworkIn", "Average", 0, spotDims},
	"EC2SpotFleetRequestAverageNetworkOut":     {"AWS/EC2Spot", "NetworkOut", "Average", 0, spotDims},
	"AppStreamAverageCapacityUtilization": {"AWS/AppStream", "CapacityUtilization", "Average", 0, func(k TargetKey, _ string) []MetricDimension {
		return dims("Fleet", strings.TrimPrefix(k.ResourceID, "fleet/"))
	}},
	"RDSReaderAverageCPUUtilization":      {"AWS/RDS", "CPUUtilization", "Average", 0, readerDims},
	"RDSReaderAverageDatabaseConnections": {"AWS/RDS", "DatabaseConnections", "Average", 0, readerDims},
	"NeptuneReaderAverageCPUUtilization":  {"AWS/Neptune", "CPUUtilization", "Average", 0, readerDims},
	"DynamoDBReadCapacityUtilization":     {"AWS/DynamoDB", "ConsumedReadCapacityUnits", "Sum", 0, tableDims},
	"DynamoDBWriteCapacityUtilization":    {"AWS/DynamoDB", "ConsumedWriteCapacityUnits", "Sum", 0, tableDims},
	"CassandraReadCapacityUtilization":    {"AWS/Cassandra", "ConsumedReadCapacityUnits", "Sum", 0, keyspaceDims},
	"CassandraWriteCapacityUtilization":   {"AWS/Cassandra", "ConsumedWriteCapacityUnits", "Sum", 0, keyspaceDims},
	"ComprehendInferenceUtilization": {"AWS/Comprehend", "InferenceUtilization", "Average", 0, func(k TargetKey, _ string) []MetricDimension {
		return dims("EndpointArn", k.ResourceID)
	}},
	"LambdaProvisionedConcurrencyUtilization": {"AWS/Lambda", "ProvisionedConcurrencyUtilization", "Average", 0, func(k TargetKey, _ string) []MetricDimension {
		return dims("FunctionName", part(k.ResourceID, ":", 1), "Resource", part(k.ResourceID, ":", 1)+":"+part(k.ResourceID, ":", 2))
	}},
	"KafkaBrokerStorageUtilization": {"AWS/Kafka", "KafkaDataLogsDiskUsed", "Average", 0, func(k TargetKey, _ string) []MetricDimension {
		res := part(k.ResourceID, ":", 5)
		return dims("Cluster Name", part(res, "/", 1))
	}},
	"ElastiCachePrimaryEngineCPUUtilization":                    {"AWS/ElastiCache", "EngineCPUUtilization", "Average", 0, replicationGroupDims("Primary")},
	"ElastiCacheReplicaEngineCPUUtilization":                    {"AWS/ElastiCache", "EngineCPUUtilization", "Average", 0, replicationGroupDims("Replica")},
	"ElastiCacheDatabaseMemoryUsageCountedForEvictPercentage":   {"AWS/ElastiCache", "DatabaseMemoryUsageCountedForEvictPercentage", "Average", 0, replicationGroupDims("")},
	"ElastiCacheDatabaseCapacityUsageCountedForEvictPercentage": {"AWS/ElastiCache", "DatabaseCapacityUsageCountedForEvictPercentage", "Average", 0, replicationGroupDims("")},
	"ElastiCacheEngineCPUUtilization": {"AWS/ElastiCache", "EngineCPUUtilization", "Average", 0, func(k TargetKey, _ string) []MetricDimension {
		return dims("CacheClusterId", strings.TrimPrefix(k.ResourceID, "cache-cluster/"))
	}},
	"ElastiCacheDatabaseMemoryUsagePercentage": {"AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "Average", 0, func(k TargetKey, _ string) []MetricDimension {
		return dims("CacheClusterId", strings.TrimPrefix(k.ResourceID, "cache-cluster/"))
	}},
	"SageMakerVariantInvocationsPerInstance":                   {"AWS/SageMaker", "InvocationsPerInstance", "Sum", 0, variantDims},
	"SageMakerVariantConcurrentRequestsPerModelHighResolution": {"AWS/SageMaker", "ConcurrentRequestsPerModel", "Maximum", 10 * time.Second, variantDims},
	"SageMakerVariantProvisionedConcurrencyUtilization":        {"AWS/SageMaker", "ServerlessProvisionedConcurrencyUtilization", "Average", 0, variantDims},
	"SageMakerInferenceComponentInvocationsPerCopy": {"AWS/SageMaker", "InvocationsPerCopy", "Sum", 0, func(k TargetKey, _ string) []MetricDimension {
		return dims("InferenceComponentName", strings.TrimPrefix(k.ResourceID, "inference-component/"))
	}},
	"SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution": {"AWS/SageMaker", "ConcurrentRequestsPerCopy", "Maximum", 10 * time.Second, func(k TargetKey, _ string) []MetricDimension {
		return dims("InferenceComponentName", strings.TrimPrefix(k.ResourceID, "inference-component/"))
	}},
	"WorkSpacesAverageUserSessionsCapacityUtilization": {"AWS/WorkSpaces", "UserSessionsCapacityUtilization", "Average", 0, func(k TargetKey, _ string) []MetricDimension {
		return dims("PoolId", strings.TrimPrefix(k.ResourceID, "workspacespool/"))
	}},
}

// ResolvePredefinedMetric returns the CloudWatch metric a predefined metric type watches for
// a target.
func ResolvePredefinedMetric(k TargetKey, spec PredefinedMetricSpecification) (PredefinedMetric, bool) {
	def, ok := predefinedMetrics[spec.PredefinedMetricType]
	if !ok {
		return PredefinedMetric{}, false
	}
	return PredefinedMetric{
		Namespace:  def.namespace,
		MetricName: def.metric,
		Dimensions: def.dims(k, spec.ResourceLabel),
		Statistic:  def.stat,
		Resolution: def.resolution,
	}, true
}

// Managed alarm roles, as they appear in alarm names.
const (
	AlarmRoleHigh                  = "AlarmHigh"
	AlarmRoleLow                   = "AlarmLow"
	AlarmRoleProvisionedCapacityHi = "ProvisionedCapacityHigh"
	AlarmRoleProvisionedCapacityLo = "ProvisionedCapacityLow"
)

// ManagedAlarmName returns the name of a managed alarm: TargetTracking-<ResourceId>-<role>-<id>.
func ManagedAlarmName(resourceID, role, id string) string {
	return "TargetTracking-" + resourceID + "-" + role + "-" + id
}

// AlarmRoleOf returns the role of a managed alarm name of the given resource ("" if none).
func AlarmRoleOf(resourceID, name string) string {
	rest, ok := strings.CutPrefix(name, "TargetTracking-"+resourceID+"-")
	if !ok {
		return ""
	}
	for _, r := range []string{AlarmRoleProvisionedCapacityHi, AlarmRoleProvisionedCapacityLo, AlarmRoleHigh, AlarmRoleLow} {
		if strings.HasPrefix(rest, r+"-") {
			return r
		}
	}
	return ""
}

// ManagedAlarms returns the CloudWatch alarms scaled manages for a target-tracking policy:
// AlarmHigh (GreaterThanThreshold TargetValue) and, unless scale-in is disabled, AlarmLow
// (LessThanThreshold 0.9 x TargetValue); DynamoDB and Keyspaces predefined metrics get the
// consumed-units variants of §5.2 plus the two ProvisionedCapacity alarms (without actions),
// with the target's MinCapacity standing for the provisioned units. The result is a pure function of its
// arguments: alarm names are taken from p.Alarms when it already names an alarm of the same
// role (so an updated policy keeps its alarms), otherwise they end in a UUID derived from the
// policy ARN and role. Times, revision and state history are left to the caller. It returns
// nil for other policy types.
func ManagedAlarms(t ScalableTarget, p ScalingPolicy, region string, timing AlarmTiming) []MetricAlarm {
	tt := p.TargetTracking
	if p.PolicyType != PolicyTypeTargetTrackingScaling || tt == nil {
		return nil
	}
	timing = timing.withDefaults()
	account := p.Account
	if account == "" {
		account = t.Account
	}
	partition := PartitionOf(p.ARN)
	std := int32(timing.StandardPeriod / time.Second)

	name := func(role string) string {
		for _, a := range p.Alarms {
			if AlarmRoleOf(p.ResourceID, a.AlarmName) == role {
				return a.AlarmName
			}
		}
		id := uuid.NewSHA1(uuid.NameSpaceURL, []byte(p.ARN+"#"+role)).String()
		return ManagedAlarmName(p.ResourceID, role, id)
	}
	base := func(role string) MetricAlarm {
		n := name(role)
		return MetricAlarm{
			Account:          account,
			AlarmName:        n,
			AlarmARN:         AlarmARN(partition, region, account, n),
			AlarmDescription: "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy " + p.ARN + ".",
			ActionsEnabled:   true,
			AlarmActions:     []string{p.ARN},
			TreatMissingData: "missing",
			StateValue:       AlarmInsufficientData,
			StateReason:      "Unchecked: Initial alarm creation",
			ManagedBy:        p.ARN,
		}
	}
	scaleIn := !(tt.DisableScaleIn != nil && *tt.DisableScaleIn) && p.Namespace != "kafka"

	// The metric (or metric-math queries) and the period of the high alarm.
	var (
		metricNS, metricName, stat, unit string
		metricDims                       []MetricDimension
		queries                          []MetricDataQuery
		highPeriod                       = std
	)
	switch {
	case tt.PredefinedMetricSpecification != nil:
		pm, ok := ResolvePredefinedMetric(t.TargetKey, *tt.PredefinedMetricSpecification)
		if !ok {
			return nil
		}
		if isCapacityUnitsMetric(tt.PredefinedMetricSpecification.PredefinedMetricType) {
			return capacityUnitAlarms(t, tt, pm, std, timing, scaleIn, base)
		}
		metricNS, metricName, stat, metricDims = pm.Namespace, pm.MetricName, pm.Statistic, pm.Dimensions
		if pm.Resolution > 0 {
			hp := timing.HighResolutionPeriod
			if pm.Resolution > hp {
				hp = pm.Resolution
			}
			highPeriod = int32(hp / time.Second)
		}
	case tt.CustomizedMetricSpecification != nil:
		c := tt.CustomizedMetricSpecification
		if len(c.Metrics) > 0 {
			queries = metricQueries(c.Metrics, std)
		} else {
			metricNS, metricName, stat, unit = c.Namespace, c.MetricName, c.Statistic, c.Unit
			metricDims = append([]MetricDimension(nil), c.Dimensions...)
		}
	default:
		return nil
	}
	withMetric := func(a MetricAlarm) MetricAlarm {
		if queries != nil {
			a.Metrics = queries
		} else {
			a.Namespace, a.MetricName, a.Statistic, a.Unit = metricNS, metricName, stat, unit
			a.Dimensions = append([]MetricDimension(nil), metricDims...)
		}
		return a
	}

	high := withMetric(base(AlarmRoleHigh))
	high.ComparisonOperator = "GreaterThanThreshold"
	high.Threshold = tt.TargetValue
	high.Period = highPeriod
	high.EvaluationPeriods = timing.HighEvaluationPeriods
	high.DatapointsToAlarm = timing.HighEvaluationPeriods
	if queries != nil {
		high.Metrics = metricQueries(tt.CustomizedMetricSpecification.Metrics, highPeriod)
	}
	out := []MetricAlarm{high}
	if scaleIn {
		low := withMetric(base(AlarmRoleLow))
		low.ComparisonOperator = "LessThanThreshold"
		low.Threshold = roundThreshold(0.9 * tt.TargetValue)
		low.Period = std
		low.EvaluationPeriods = timing.LowEvaluationPeriods
		low.DatapointsToAlarm = timing.LowEvaluationPeriods
		out = append(out, low)
	}
	return out
}

func isCapacityUnitsMetric(t string) bool {
	switch t {
	case "DynamoDBReadCapacityUtilization", "DynamoDBWriteCapacityUtilization",
		"CassandraReadCapacityUtilization", "CassandraWriteCapacityUtilization":
		return true
	}
	return false
}

// capacityUnitAlarms builds the DynamoDB/Keyspaces alarm set: consumed units summed per
// period against TargetValue% (high) and TargetValue-20 % (low) of the provisioned units,
// plus the ProvisionedCapacity alarms that notice capacity changed elsewhere.
func capacityUnitAlarms(t ScalableTarget, tt *TargetTrackingScalingPolicyConfiguration, pm PredefinedMetric, std int32, timing AlarmTiming, scaleIn bool, base func(string) MetricAlarm) []MetricAlarm {
	provisioned := float64(t.MinCapacity)
	if provisioned < 1 {
		provisioned = 1
	}
	perPeriod := provisioned * float64(std)
	consumed := func(role string) MetricAlarm {
		a := base(role)
		a.Namespace, a.MetricName, a.Statistic = pm.Namespace, pm.MetricName, "Sum"
		a.Dimensions = append([]MetricDimension(nil), pm.Dimensions...)
		a.Period = std
		return a
	}
	high := consumed(AlarmRoleHigh)
	high.ComparisonOperator = "GreaterThanThreshold"
	high.Threshold = roundThreshold(tt.TargetValue / 100 * perPeriod)
	high.EvaluationPeriods, high.DatapointsToAlarm = 2, 2
	out := []MetricAlarm{high}
	if scaleIn {
		low := consumed(AlarmRoleLow)
		low.ComparisonOperator = "LessThanThreshold"
		low.Threshold = roundThreshold(math.Max(0, tt.TargetValue-20) / 100 * perPeriod)
		low.EvaluationPeriods, low.DatapointsToAlarm = timing.LowEvaluationPeriods, timing.LowEvaluationPeriods
		out = append(out, low)
	}
	provMetric := strings.Replace(pm.MetricName, "Consumed", "Provisioned", 1)
	for _, role := range []string{AlarmRoleProvisionedCapacityHi, AlarmRoleProvisionedCapacityLo} {
		a := base(role)
		a.Namespace, a.MetricName, a.Statistic = pm.Namespace, provMetric, "Average"
		a.Dimensions = append([]MetricDimension(nil), pm.Dimensions...)
		a.Period = 300
		a.Threshold = provisioned
		// They record the provisioned units; scaled's control loop does not act on them.
		a.AlarmActions = nil
		if role == AlarmRoleProvisionedCapacityHi {
			a.ComparisonOperator = "GreaterThanThreshold"
			a.EvaluationPeriods, a.DatapointsToAlarm = 2, 2
		} else {
			a.ComparisonOperator = "LessThanThreshold"
			a.EvaluationPeriods, a.DatapointsToAlarm = 3, 3
		}
		out = append(out, a)
	}
	return out
}

func metricQueries(in []TargetTrackingMetricDataQuery, period int32) []MetricDataQuery {
	out := make([]MetricDataQuery, 0, len(in))
	for _, q := range in {
		mq := MetricDataQuery{ID: q.ID, Expression: q.Expression, Label: q.Label}
		if q.ReturnData != nil {
			v := *q.ReturnData
			mq.ReturnData = &v
		}
		if q.MetricStat != nil {
			mq.MetricStat = &MetricStat{
				Namespace:  q.MetricStat.Metric.Namespace,
				MetricName: q.MetricStat.Metric.MetricName,
				Dimensions: append([]MetricDimension(nil), q.MetricStat.Metric.Dimensions...),
				Period:     period,
				Stat:       q.MetricStat.Stat,
				Unit:       q.MetricStat.Unit,
			}
		}
		out = append(out, mq)
	}
	return out
}

// roundThreshold removes binary noise such as 63.00000000000001 from computed thresholds.
func roundThreshold(v float64) float64 {
	r := math.Round(v*1e9) / 1e9
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return v
	}
	return r
}

// AlarmsOf returns the {AlarmName, AlarmARN} list of alarms, in order.
func AlarmsOf(alarms []MetricAlarm) []Alarm {
	out := make([]Alarm, len(alarms))
	for i, a := range alarms {
		out[i] = Alarm{AlarmName: a.AlarmName, AlarmARN: a.AlarmARN}
	}
	return out
}

// String renders a role-qualified description used in logs.
func (t AlarmTiming) String() string {
	return fmt.Sprintf("standard=%s high-resolution=%s high-evaluations=%d low-evaluations=%d",
		t.StandardPeriod, t.HighResolutionPeriod, t.HighEvaluationPeriods, t.LowEvaluationPeriods)
}
