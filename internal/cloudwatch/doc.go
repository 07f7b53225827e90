// Package cloudwatch serves the subset of the Amazon CloudWatch API that scaled needs on
// the same endpoint as Application Auto Scaling: PutMetricData, GetMetricData (with metric
// math), GetMetricStatistics, ListMetrics, PutMetricAlarm, DescribeAlarms,
// DescribeAlarmsForMetric, DeleteAlarms, SetAlarmState, EnableAlarmActions and
// DisableAlarmActions.
//
// Three wire protocols reach one typed operation layer (decode → typed input → operation
// → typed output → encode):
//
//   - Smithy RPC v2 CBOR (current AWS SDKs, e.g. aws-sdk-go-v2 and recent botocore):
//     POST /service/GraniteServiceVersion20100801/operation/<Op>, CBOR bodies, errors as
//     {"__type": "com.amazonaws.cloudwatch#<Shape>", "message": ...};
//   - AWS JSON 1.0: X-Amz-Target: GraniteServiceVersion20100801.<Op>, JSON bodies;
//   - awsQuery (older botocore, AWS CLI v1): form-encoded Action=<Op>&Version=2010-08-01,
//     XML responses and <ErrorResponse> errors.
//
// Every error response also carries x-amzn-query-error: <Code>;Sender|Receiver, so
// query-compatible clients report the awsQuery error code (for example
// InvalidParameterValue) whatever protocol they use.
//
// Alarms live in a store.Alarms; this package validates and stores them but does not
// evaluate them (the control loop does and writes their state back).
package cloudwatch
