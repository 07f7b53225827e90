package model

import (
	"crypto/rand"
	"fmt"
	"strings"
)

// DefaultPartition is the ARN partition scaled uses unless configured otherwise.
const DefaultPartition = "aws"

// NewScalableTargetID returns a fresh 36-character lowercase alphanumeric scalable-target ID:
// a four-character prefix derived from the namespace followed by 32 random hex digits (the
// shape of the IDs AWS hands out).
func NewScalableTargetID(namespace string) string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("model: crypto/rand failed: " + err.Error()) // never happens on supported platforms
	}
	prefix := "0"
	for _, r := range namespace {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			prefix += string(r)
		}
		if len(prefix) == 4 {
			break
		}
	}
	for len(prefix) < 4 {
		prefix += "0"
	}
	return fmt.Sprintf("%s%x", prefix, b)
}

// ScalableTargetARN returns the ARN of a scalable target with the given ID.
func ScalableTargetARN(partition, region, account, id string) string {
	return fmt.Sprintf("arn:%s:application-autoscaling:%s:%s:scalable-target/%s", orAWS(partition), region, account, id)
}

// IsScalableTargetARN reports whether s has the form of a scalable-target ARN.
func IsScalableTargetARN(s string) bool { return scalableTargetARNRE.MatchString(s) }

// PolicyARN returns the ARN of a scaling policy; uuid is the target's UUID.
func PolicyARN(partition, region string, k PolicyKey, uuid string) string {
	return fmt.Sprintf("arn:%s:autoscaling:%s:%s:scalingPolicy:%s:resource/%s/%s:policyName/%s",
		orAWS(partition), region, k.Account, uuid, k.Namespace, k.ResourceID, k.Name)
}

// ScheduledActionARN returns the ARN of a scheduled action; uuid is the target's UUID.
func ScheduledActionARN(partition, region string, k ScheduledActionKey, uuid string) string {
	return fmt.Sprintf("arn:%s:autoscaling:%s:%s:scheduledAction:%s:resource/%s/%s:scheduledActionName/%s",
		orAWS(partition), region, k.Account, uuid, k.Namespace, k.ResourceID, k.Name)
}

// AlarmARN returns the ARN of a CloudWatch alarm.
func AlarmARN(partition, region, account, name string) string {
	return fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:%s", orAWS(partition), region, account, name)
}

// PartitionOf returns the partition of an ARN ("aws" when s is not an ARN).
func PartitionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 || parts[0] != "arn" || parts[1] == "" {
		return DefaultPartition
	}
	return parts[1]
}

// ServiceLinkedRoleARN returns the service-linked role ARN AWS reports for targets of a
// namespace, or "" if the namespace has none (elasticmapreduce takes a caller role).
func ServiceLinkedRoleARN(partition, account, namespace string) string {
	ns, ok := LookupNamespace(namespace)
	if !ok || ns.SLRSuffix == "" {
		return ""
	}
	return fmt.Sprintf("arn:%s:iam::%s:role/aws-service-role/%s.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_%s",
		orAWS(partition), account, namespace, ns.SLRSuffix)
}

func orAWS(p string) string {
	if p == "" {
		return DefaultPartition
	}
	return p
}
