// Package customresource is the resource.Actuator for the AWS Application Auto Scaling
// custom-resource protocol. The scalable target's ResourceId is the URL of one "scalable
// target dimension": a GET returns its state as JSON (actualCapacity, desiredCapacity,
// scalingStatus, failureReason) and a PATCH with {"desiredCapacity": n} asks for a new
// desired capacity. Requests have a per-request timeout, are retried with exponential
// backoff and jitter on network errors, 429 and 5xx answers, and can be signed with SigV4
// for the execute-api service (Amazon API Gateway with IAM authorization).
package customresource
