// Package mathexpr parses and evaluates the CloudWatch metric-math subset that target
// tracking, metric-math alarms and GetMetricData need, over any metrics.Source.
//
// Supported: numbers; query ids (lowercase first letter) referring to MetricStat queries
// or other expressions; arithmetic + - * / ^ and unary minus; comparisons == != < <= > >=
// and AND (&&), OR (||), NOT producing 1 or 0; parentheses; arrays [a, b]; and the
// functions SUM, AVG, MIN, MAX, STDDEV (over an array: one time series aggregated per
// timestamp; over one time series: a number), ABS, FILL(x, number|REPEAT|LINEAR),
// IF(condition, a[, b]), METRICS([filter]) (every MetricStat query of the request whose id
// or label contains filter) and PERIOD(x).
//
// Two time series combine on the timestamps both have; a number combines with every
// datapoint. Datapoints that become NaN or infinite (a division by zero) are dropped.
// An expression whose result is a number yields that number at every period of the window.
package mathexpr
