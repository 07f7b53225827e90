// Package tsdb is scaled's built-in time-series store: a bounded, in-memory
// metrics.Source and metrics.Sink with CloudWatch GetMetricStatistics semantics.
//
// # Storage layout
//
// Every series (account, namespace, metric name, dimensions) keeps two tiers of
// fixed-width buckets. A bucket holds SampleCount, Sum, Minimum and Maximum of the
// data that fell into it, so Average, Sum, Minimum, Maximum and SampleCount are exact
// at every period that is a multiple of the bucket width. Percentiles are not kept.
//
//   - the standard tier: Options.Resolution wide buckets (default 60 s) kept for
//     Options.Retention (default 24 h). Every datum lands here.
//   - the high-resolution tier: Options.HighResolution wide buckets (default 1 s) kept
//     for Options.HighResolutionRetention (default 3 h). Only data marked
//     HighResolution (CloudWatch StorageResolution 1) lands here as well.
//
// Buckets are stored sparsely (a sorted slice per tier), so a series costs memory only
// for the buckets that received data: 40 bytes per bucket, at most 1440 buckets a day in
// the standard tier and 10 800 in the high-resolution tier. Options.MaxSeries bounds the
// number of series; a Put that would create more fails with ErrTooManySeries (the other
// data of the same Put are stored).
//
// # Queries
//
// A query for period P is answered from the high-resolution tier when P is shorter than
// (or not a multiple of) the standard resolution and the series has high-resolution data,
// otherwise from the standard tier. Periods are aligned to multiples of P since the Unix
// epoch: Start is rounded down to a period boundary and every bucket that starts in
// [Start, End) is aggregated into the period containing it. Periods without data are
// absent; an empty window returns metrics.ErrNoData. A query naming a Unit only matches a
// series whose data carried that unit.
//
// # Persistence
//
// Snapshot and Restore write and read the whole store in a compact binary format. When
// Options.Path is set, Open restores from the file and Tick (run by Run every
// Options.SnapshotInterval) and Close rewrite it atomically (temporary file + rename).
package tsdb
