// Package scaling holds the pure decisions of the scaling engine, matching AWS Application
// Auto Scaling: CloudWatch-style alarm evaluation, target tracking, step scaling, cooldowns,
// suspension, multi-policy arbitration, scheduled actions (at/rate/cron with time zones),
// min/max clamping, the exact text of scaling activities and predictive-scaling forecasts.
//
// Nothing here does I/O, reads a clock or logs: callers pass state, metric samples and the
// current time as values and receive a decision plus the updated state to persist. Functions
// never retain or modify the slices and maps they receive; returned state is a fresh copy.
package scaling
