// Package tsdb is scaled's built-in time-series store: a bounded, in-memory
// metrics.Source and metrics.Sink with CloudWatch GetMetricStatistics semantics.
//
// # Storage layout
//
// Every series (account, namespace, metric name, dimensions) keeps two tiers of
// fixed-width buckets. A bucket holds SampleCount, Sum, Minimum and Maximum of the
// data that fell into it, so Average, Sum, Minimum, Maximum and SampleCount are exact
// at every period that is a multiple of the bucket width, and, where the data allow it,
// the distribution of the values for percentiles (see below).
//
//   - the standard tier: Options.Resolution wide buckets (default 60 s) kept for
//     Options.Retention (default 24 h). Every datum lands here.
//   - the high-resolution tier: Options.HighResolution wide buckets (default 1 s) kept
//     for Options.HighResolutionRetention (default 3 h). Only data marked
//     HighResolution (CloudWatch StorageResolution 1) lands here as well.
//
// Buckets are stored sparsely (a sorted slice per tier), so a series costs memory only
// for the buckets that received data: 56 bytes per bucket without a sketch, at most 1440
// buckets a day in the standard tier and 10 800 in the high-resolution tier.
// Options.MaxSeries bounds the number of series; a Put that would create more fails with
// ErrTooManySeries (the other data of the same Put are stored).
//
// # Percentiles and other extended statistics
//
// Percentile statistics ("p99", "p99.9", p0 to p100) and the other CloudWatch extended
// statistics (trimmed means "tm90", "TM(10%:90%)", "TM(150:1000)", winsorized means "wm90",
// "WM(…)", trimmed counts "tc90", "TC(…)", trimmed sums "ts90", "TS(…)", percentile ranks
// "PR(:300)" and "IQM"; see metrics.ParseExtendedStatistic) follow CloudWatch: they are
// computed from the values themselves, so only data that carry their distribution count. A datum does when it has a metrics.Datum.Dist sketch, or when it is
// a single value (SampleCount 1, or Minimum equal to Maximum). A statistic set of several
// different values has no distribution; a period containing one, or containing a negative
// value, has no datapoint for any extended statistic (the standard statistics are
// unaffected). A trimmed mean whose bounds keep no data has no datapoint either; trimmed
// counts and sums are then 0. The accuracy is the sketch's (see package sketch): exact while
// a period holds at most sketch.MaxExact distinct values; beyond, trimmed and winsorized
// means and trimmed sums within 1 %, counts and percentile ranks exact except for values
// within 2 % of a value bound.
//
// A bucket keeps a sketch (package sketch: exact up to sketch.MaxExact distinct values,
// then 1 % relative error, at most sketch.MaxBins bins) only once it has received two
// different values with distributions; a bucket whose values are all equal — the common
// case of one datum per bucket — needs none. An exact sketch costs 72 bytes plus 12 bytes
// per value (at most 840 bytes); a binned one 72 bytes plus 8 bytes per bin between its
// smallest and largest value:
// about 120 bins (1 KB) for request latencies spread over a factor of 10, 230 bins (2 KB)
// over a factor of 100, and never more than 16.5 KB. Stats reports the sketches and bins
// held. An extended-statistic query merges the sketches of the buckets of each period into one
// scratch sketch, so its cost is one sketch per query whatever the period.
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
// Snapshot and Restore write and read the whole store in a compact binary format
// (version 2, with the sketches; files of version 1 are still read). When
// Options.Path is set, Open restores from the file and Tick (run by Run every
// Options.SnapshotInterval) and Close rewrite it atomically (temporary file + rename).
package tsdb
