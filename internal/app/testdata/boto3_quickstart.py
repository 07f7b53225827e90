"""What a SageMaker user's script does, against scaled: register an inference component as a
scalable target, put a target-tracking policy, describe both, delete and deregister.
Reads SCALED_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION."""
import os
import sys

import boto3
from botocore.exceptions import ClientError

ep = os.environ["SCALED_ENDPOINT"]
client = boto3.client("application-autoscaling", endpoint_url=ep, region_name=os.environ["AWS_REGION"])

rid = "inference-component/my-ic"
dim = "sagemaker:inference-component:DesiredCopyCount"

resp = client.register_scalable_target(
    ServiceNamespace="sagemaker", ResourceId=rid, ScalableDimension=dim, MinCapacity=1, MaxCapacity=6,
)
# botocore models older than 2023 do not know the ScalableTargetARN member and drop it.
arn = resp.get("ScalableTargetARN", "arn:aws:application-autoscaling:")
assert arn.startswith("arn:aws:application-autoscaling:"), resp

resp = client.put_scaling_policy(
    PolicyName="my-ic-invocations", ServiceNamespace="sagemaker", ResourceId=rid, ScalableDimension=dim,
    PolicyType="TargetTrackingScaling",
    TargetTrackingScalingPolicyConfiguration={
        "TargetValue": 10.0,
        "PredefinedMetricSpecification": {"PredefinedMetricType": "SageMakerInferenceComponentInvocationsPerCopy"},
        "ScaleInCooldown": 300, "ScaleOutCooldown": 60,
    },
)
assert resp["PolicyARN"].startswith("arn:aws:autoscaling:"), resp
assert [a["AlarmName"].split("-Alarm")[1][:4] for a in resp["Alarms"]] == ["High", "Low-"], resp["Alarms"]

targets = client.describe_scalable_targets(ServiceNamespace="sagemaker")["ScalableTargets"]
assert len(targets) == 1 and targets[0]["MaxCapacity"] == 6, targets
assert targets[0]["CreationTime"].year >= 2024, targets  # epoch seconds parsed as a datetime
policies = client.describe_scaling_policies(ServiceNamespace="sagemaker", ResourceId=rid, ScalableDimension=dim)["ScalingPolicies"]
assert policies[0]["TargetTrackingScalingPolicyConfiguration"]["ScaleInCooldown"] == 300, policies

# Bad input gets the AWS error code and a message naming the problem.
try:
    client.register_scalable_target(ServiceNamespace="sagemaker", ResourceId="endpoint/x", ScalableDimension=dim, MinCapacity=1, MaxCapacity=2)
    sys.exit("expected a ValidationException")
except ClientError as e:
    assert e.response["Error"]["Code"] == "ValidationException", e.response

client.delete_scaling_policy(PolicyName="my-ic-invocations", ServiceNamespace="sagemaker", ResourceId=rid, ScalableDimension=dim)
client.deregister_scalable_target(ServiceNamespace="sagemaker", ResourceId=rid, ScalableDimension=dim)
try:
    client.deregister_scalable_target(ServiceNamespace="sagemaker", ResourceId=rid, ScalableDimension=dim)
    sys.exit("expected an ObjectNotFoundException")
except ClientError as e:
    assert e.response["Error"]["Code"] == "ObjectNotFoundException", e.response
print("boto3 quickstart ok")
