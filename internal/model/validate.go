package model

import (
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// MaxStepAdjustments is the default quota of step adjustments per step scaling policy.
const MaxStepAdjustments = 20

func fmtBound(p *float64) string {
	if p == nil {
		return "unspecified"
	}
	return strconv.FormatFloat(*p, 'g', -1, 64)
}

// ValidateStepScaling checks a step scaling configuration (after any merge with the stored
// one): AdjustmentType and at least one step are present, the steps fit the quota, bounds
// follow AWS's rules and adjustments suit the adjustment type.
func ValidateStepScaling(c *StepScalingPolicyConfiguration, maxSteps int) error {
	if c == nil {
		return Invalidf("StepScalingPolicyConfiguration is required for policy type StepScaling")
	}
	if maxSteps <= 0 {
		maxSteps = MaxStepAdjustments
	}
	if c.AdjustmentType == "" {
		return Invalidf("StepScalingPolicyConfiguration.AdjustmentType is required when creating a step scaling policy")
	}
	if len(c.StepAdjustments) == 0 {
		return Invalidf("StepScalingPolicyConfiguration.StepAdjustments must contain at least one step adjustment")
	}
	if len(c.StepAdjustments) > maxSteps {
		return Limitf("There can be at most %d step adjustments per scaling policy, got %d", maxSteps, len(c.StepAdjustments))
	}
	if c.Cooldown != nil && *c.Cooldown < 0 {
		return Invalidf("StepScalingPolicyConfiguration.Cooldown %d is invalid: must be at least 0", *c.Cooldown)
	}
	if c.MinAdjustmentMagnitude != nil {
		if c.AdjustmentType != "PercentChangeInCapacity" {
			return Invalidf("StepScalingPolicyConfiguration.MinAdjustmentMagnitude is only supported with AdjustmentType PercentChangeInCapacity, not %s", c.AdjustmentType)
		}
		if *c.MinAdjustmentMagnitude < 1 {
			return Invalidf("StepScalingPolicyConfiguration.MinAdjustmentMagnitude %d is invalid: must be at least 1", *c.MinAdjustmentMagnitude)
		}
	}
	var nullLower, nullUpper int
	var posUpper, negLower bool
	for _, s := range c.StepAdjustments {
		if s.MetricIntervalLowerBound == nil && s.MetricIntervalUpperBound == nil {
			return Invalidf("Both lower and upper bounds of a step adjustment cannot be left unspecified")
		}
		if s.MetricIntervalLowerBound != nil && s.MetricIntervalUpperBound != nil && *s.MetricIntervalUpperBound <= *s.MetricIntervalLowerBound {
			return Invalidf("Step adjustment with lower bound %s and upper bound %s is invalid: the upper bound must be greater than the lower bound",
				fmtBound(s.MetricIntervalLowerBound), fmtBound(s.MetricIntervalUpperBound))
		}
		if s.MetricIntervalLowerBound == nil {
			nullLower++
		} else if *s.MetricIntervalLowerBound < 0 {
			negLower = true
		}
		if s.MetricIntervalUpperBound == nil {
			nullUpper++
		} else if *s.MetricIntervalUpperBound > 0 {
			posUpper = true
		}
		if c.AdjustmentType == "ExactCapacity" && s.ScalingAdjustment < 0 {
			return Invalidf("ScalingAdjustment %d is invalid for AdjustmentType ExactCapacity: must be at least 0", s.ScalingAdjustment)
		}
	}
	if nullLower > 1 {
		return Invalidf("Only one step adjustment can have an unspecified lower bound, got %d", nullLower)
	}
	if nullUpper > 1 {
		return Invalidf("Only one step adjustment can have an unspecified upper bound, got %d", nullUpper)
	}
	if posUpper && nullUpper == 0 {
		return Invalidf("There must be a step adjustment with an unspecified upper bound when one step adjustment has a positive upper bound")
	}
	if negLower && nullLower == 0 {
		return Invalidf("There must be a step adjustment with an unspecified lower bound when one step adjustment has a negative lower bound")
	}
	steps := append([]StepAdjustment(nil), c.StepAdjustments...)
	lower := func(s StepAdjustment) float64 {
		if s.MetricIntervalLowerBound == nil {
			return math.Inf(-1)
		}
		return *s.MetricIntervalLowerBound
	}
	sort.SliceStable(steps, func(i, j int) bool { return lower(steps[i]) < lower(steps[j]) })
	for i := 0; i+1 < len(steps); i++ {
		up, next := steps[i].MetricIntervalUpperBound, steps[i+1].MetricIntervalLowerBound
		switch {
		case up == nil || next == nil || *up > *next:
			return Invalidf("Step adjustments must not overlap: the step with bounds [%s, %s] overlaps the step with bounds [%s, %s]",
				fmtBound(steps[i].MetricIntervalLowerBound), fmtBound(up), fmtBound(next), fmtBound(steps[i+1].MetricIntervalUpperBound))
		case *up < *next:
			return Invalidf("Step adjustments must not leave gaps: no step covers the interval between %s and %s", fmtBound(up), fmtBound(next))
		}
	}
	return nil
}

// Bounds of TargetValue (the magnitudes AWS documents, about 2^±360).
const (
	maxTargetValue = 1.174271e+108
	minTargetValue = 8.515920e-109
)

var (
	metricQueryID = regexp.MustCompile(`^[a-z][a-zA-Z0-9_]*$`)
	albLabel      = regexp.MustCompile(`^app/[^/]+/[^/]+/targetgroup/[^/]+/[^/]+$`)
)

// ValidateTargetTracking checks a target-tracking configuration for a target.
func ValidateTargetTracking(k TargetKey, c *TargetTrackingScalingPolicyConfiguration) error {
	if c == nil {
		return Invalidf("TargetTrackingScalingPolicyConfiguration is required for policy type TargetTrackingScaling")
	}
	v := c.TargetValue
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > maxTargetValue || (v != 0 && math.Abs(v) < minTargetValue) {
		return Invalidf("TargetValue %s is invalid: must be a finite number whose magnitude is between %g and %g", strconv.FormatFloat(v, 'g', -1, 64), minTargetValue, maxTargetValue)
	}
	for name, cd := range map[string]*int32{"ScaleOutCooldown": c.ScaleOutCooldown, "ScaleInCooldown": c.ScaleInCooldown} {
		if cd != nil && *cd < 0 {
			return Invalidf("TargetTrackingScalingPolicyConfiguration.%s %d is invalid: must be at least 0", name, *cd)
		}
	}
	if (c.PredefinedMetricSpecification == nil) == (c.CustomizedMetricSpecification == nil) {
		return Invalidf("Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be specified")
	}
	if p := c.PredefinedMetricSpecification; p != nil {
		d, _ := LookupDimension(k.Dimension)
		if !slices.Contains(d.PredefinedMetrics, p.PredefinedMetricType) {
			return Invalidf("PredefinedMetricType %s is not supported for scalable dimension %s", p.PredefinedMetricType, k.Dimension)
		}
		if p.PredefinedMetricType == "ALBRequestCountPerTarget" {
			if p.ResourceLabel == "" {
				return Invalidf("ResourceLabel is required for PredefinedMetricType ALBRequestCountPerTarget")
			}
			if !albLabel.MatchString(p.ResourceLabel) {
				return Invalidf("ResourceLabel '%s' is invalid: must look like app/<load-balancer-name>/<load-balancer-id>/targetgroup/<target-group-name>/<target-group-id>", p.ResourceLabel)
			}
		} else if p.ResourceLabel != "" {
			return Invalidf("ResourceLabel is only supported for PredefinedMetricType ALBRequestCountPerTarget, not %s", p.PredefinedMetricType)
		}
		return nil
	}
	return validateCustomizedMetric(k, c.CustomizedMetricSpecification)
}

func validateCustomizedMetric(k TargetKey, c *CustomizedMetricSpecification) error {
	flat := c.MetricName != "" || c.Namespace != "" || len(c.Dimensions) > 0 || c.Statistic != "" || c.Unit != ""
	if len(c.Metrics) == 0 {
		switch {
		case c.MetricName == "":
			return Invalidf("CustomizedMetricSpecification.MetricName is required unless Metrics is specified")
		case c.Namespace == "":
			return Invalidf("CustomizedMetricSpecification.Namespace is required unless Metrics is specified")
		case c.Statistic == "":
			return Invalidf("CustomizedMetricSpecification.Statistic is required unless Metrics is specified")
		}
		return nil
	}
	if flat {
		return Invalidf("CustomizedMetricSpecification must use either MetricName, Namespace, Dimensions, Statistic and Unit, or Metrics, not both")
	}
	if ns, _ := LookupNamespace(k.Namespace); !ns.MetricMath {
		return Invalidf("Metric math (CustomizedMetricSpecification.Metrics) is not supported for service namespace %s", k.Namespace)
	}
	seen := map[string]bool{}
	returning := 0
	for i, q := range c.Metrics {
		if !metricQueryID.MatchString(q.ID) {
			return Invalidf("Metrics[%d].Id '%s' is invalid: must start with a lowercase letter and contain only letters, digits and underscores", i, q.ID)
		}
		if seen[q.ID] {
			return Invalidf("Metrics[%d].Id '%s' is not unique within the policy", i, q.ID)
		}
		seen[q.ID] = true
		if (q.Expression == "") == (q.MetricStat == nil) {
			return Invalidf("Metrics[%d] (Id '%s') must specify exactly one of Expression and MetricStat", i, q.ID)
		}
		if ms := q.MetricStat; ms != nil {
			switch {
			case ms.Metric.MetricName == "":
				return Invalidf("Metrics[%d].MetricStat.Metric.MetricName is required", i)
			case ms.Metric.Namespace == "":
				return Invalidf("Metrics[%d].MetricStat.Metric.Namespace is required", i)
			case ms.Stat == "":
				return Invalidf("Metrics[%d].MetricStat.Stat is required", i)
			}
		}
		if q.ReturnData == nil || *q.ReturnData {
			returning++
		}
	}
	if returning != 1 {
		return Invalidf("Exactly one of the Metrics must return data (ReturnData true or omitted), got %d", returning)
	}
	return nil
}

// MetricSpecIdentity returns a string that identifies the metric a target-tracking policy
// tracks; two policies of one target must not share it.
func MetricSpecIdentity(c *TargetTrackingScalingPolicyConfiguration) string {
	if c == nil {
		return ""
	}
	var v any = c.CustomizedMetricSpecification
	if c.PredefinedMetricSpecification != nil {
		v = c.PredefinedMetricSpecification
	}
	b, _ := json.Marshal(v)
	return string(b)
}

type predictiveMetricRef struct {
	PredefinedMetricType string `json:"PredefinedMetricType"`
	ResourceLabel        string `json:"ResourceLabel"`
}

type predictiveCustomized struct {
	MetricDataQueries []struct {
		ID         string          `json:"Id"`
		Expression string          `json:"Expression"`
		MetricStat json.RawMessage `json:"MetricStat"`
		ReturnData *bool           `json:"ReturnData"`
	} `json:"MetricDataQueries"`
}

type predictiveConfig struct {
	MetricSpecifications []struct {
		TargetValue                           *float64              `json:"TargetValue"`
		PredefinedMetricPairSpecification     *predictiveMetricRef  `json:"PredefinedMetricPairSpecification"`
		PredefinedScalingMetricSpecification  *predictiveMetricRef  `json:"PredefinedScalingMetricSpecification"`
		PredefinedLoadMetricSpecification     *predictiveMetricRef  `json:"PredefinedLoadMetricSpecification"`
		CustomizedScalingMetricSpecification  *predictiveCustomized `json:"CustomizedScalingMetricSpecification"`
		CustomizedLoadMetricSpecification     *predictiveCustomized `json:"CustomizedLoadMetricSpecification"`
		CustomizedCapacityMetricSpecification *predictiveCustomized `json:"CustomizedCapacityMetricSpecification"`
	} `json:"MetricSpecifications"`
	Mode                      string `json:"Mode"`
	SchedulingBufferTime      *int32 `json:"SchedulingBufferTime"`
	MaxCapacityBreachBehavior string `json:"MaxCapacityBreachBehavior"`
	MaxCapacityBuffer         *int32 `json:"MaxCapacityBuffer"`
}

// ValidatePredictive checks a predictive scaling configuration beyond the Smithy
// constraints: one metric specification with a positive target, a metric pair or a load and
// a scaling metric, and MaxCapacityBuffer exactly when MaxCapacityBreachBehavior is
// IncreaseMaxCapacity.
func ValidatePredictive(raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return Invalidf("PredictiveScalingPolicyConfiguration is required for policy type PredictiveScaling")
	}
	var c predictiveConfig
	if err := json.Unmarshal(raw, &c); err != nil {
		return Invalidf("PredictiveScalingPolicyConfiguration is invalid: %v", err)
	}
	if len(c.MetricSpecifications) != 1 {
		return Invalidf("PredictiveScalingPolicyConfiguration.MetricSpecifications must contain exactly one metric specification, got %d", len(c.MetricSpecifications))
	}
	s := c.MetricSpecifications[0]
	if s.TargetValue == nil || !(*s.TargetValue > 0) || math.IsInf(*s.TargetValue, 0) {
		return Invalidf("MetricSpecifications[0].TargetValue %s is invalid: must be a finite number greater than 0", fmtBound(s.TargetValue))
	}
	hasScaling := s.PredefinedScalingMetricSpecification != nil || s.CustomizedScalingMetricSpecification != nil
	hasLoad := s.PredefinedLoadMetricSpecification != nil || s.CustomizedLoadMetricSpecification != nil
	switch {
	case s.PredefinedMetricPairSpecification != nil && (hasScaling || hasLoad):
		return Invalidf("MetricSpecifications[0] must specify either PredefinedMetricPairSpecification or a scaling and a load metric, not both")
	case s.PredefinedMetricPairSpecification == nil && !(hasScaling && hasLoad):
		return Invalidf("MetricSpecifications[0] must specify PredefinedMetricPairSpecification, or both a scaling metric and a load metric")
	case s.PredefinedScalingMetricSpecification != nil && s.CustomizedScalingMetricSpecification != nil:
		return Invalidf("MetricSpecifications[0] must specify only one of PredefinedScalingMetricSpecification and CustomizedScalingMetricSpecification")
	case s.PredefinedLoadMetricSpecification != nil && s.CustomizedLoadMetricSpecification != nil:
		return Invalidf("MetricSpecifications[0] must specify only one of PredefinedLoadMetricSpecification and CustomizedLoadMetricSpecification")
	}
	for name, cm := range map[string]*predictiveCustomized{
		"CustomizedScalingMetricSpecification":  s.CustomizedScalingMetricSpecification,
		"CustomizedLoadMetricSpecification":     s.CustomizedLoadMetricSpecification,
		"CustomizedCapacityMetricSpecification": s.CustomizedCapacityMetricSpecification,
	} {
		if cm == nil {
			continue
		}
		returning := 0
		for i, q := range cm.MetricDataQueries {
			if (q.Expression == "") == (len(q.MetricStat) == 0) {
				return Invalidf("MetricSpecifications[0].%s.MetricDataQueries[%d] (Id '%s') must specify exactly one of Expression and MetricStat", name, i, q.ID)
			}
			if q.ReturnData == nil || *q.ReturnData {
				returning++
			}
		}
		if returning != 1 {
			return Invalidf("Exactly one of MetricSpecifications[0].%s.MetricDataQueries must return data, got %d", name, returning)
		}
	}
	if c.MaxCapacityBreachBehavior == "IncreaseMaxCapacity" {
		if c.MaxCapacityBuffer == nil {
			return Invalidf("MaxCapacityBuffer is required when MaxCapacityBreachBehavior is IncreaseMaxCapacity")
		}
	} else if c.MaxCapacityBuffer != nil {
		return Invalidf("MaxCapacityBuffer is only allowed when MaxCapacityBreachBehavior is IncreaseMaxCapacity, not %s", orDefault(c.MaxCapacityBreachBehavior, "HonorMaxCapacity"))
	}
	return nil
}

// PredictiveMetricSpecifications returns the raw MetricSpecifications of a stored
// predictive configuration (for forecasts).
func PredictiveMetricSpecifications(raw json.RawMessage) []json.RawMessage {
	var c struct {
		MetricSpecifications []json.RawMessage `json:"MetricSpecifications"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil
	}
	return c.MetricSpecifications
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// ValidateCapacity checks MinCapacity/MaxCapacity against each other and the dimension's floor.
func ValidateCapacity(dimension string, min, max *int32) error {
	d, _ := LookupDimension(dimension)
	for name, v := range map[string]*int32{"MinCapacity": min, "MaxCapacity": max} {
		if v != nil && *v < 0 {
			return Invalidf("%s %d is invalid: must be at least 0", name, *v)
		}
	}
	if min != nil && *min < d.MinCapacityFloor {
		return Invalidf("MinCapacity %d is invalid for scalable dimension %s: must be at least %d", *min, dimension, d.MinCapacityFloor)
	}
	if min != nil && max != nil && *min > *max {
		return Invalidf("MinCapacity %d must not be greater than MaxCapacity %d", *min, *max)
	}
	return nil
}

// ValidateUserTags checks user tag keys (the aws: prefix is reserved).
func ValidateUserTags(keys []string) error {
	sorted := append([]string(nil), keys...)
	sort.Strings(sorted)
	for _, k := range sorted {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return Invalidf("Tag key '%s' is invalid: the aws: prefix is reserved for AWS use", k)
		}
	}
	return nil
}
