// Package trace reads request-arrival traces for the simulator and turns them into arrival
// times.
//
// A trace is read through a Reader, which yields Events in time order: either single requests
// (Width 0, Count 1) or counts over a time bucket (Width > 0). Each supported file format is
// one Format value in its own file; Builtin lists them. Adding a format is one new file that
// declares a Format and one line in Builtin.
//
// Arrivals turns events into individual arrival times, applying time compression, rate
// scaling and the spreading of counted requests inside their bucket (evenly, uniformly at
// random, or as a Poisson process), from a seeded random source so runs are reproducible.
// MinuteCounts and Summarize compute the per-minute statistics documented for the bundled
// traces.
package trace
