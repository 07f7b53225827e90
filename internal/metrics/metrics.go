// Package metrics is the contract for measurements: where the control loop reads metric
// samples from (Source) and where producers write them (Sink). Implementations: the
// built-in time-series store (tsdb), the Prometheus source (promsource) and the simulator's
// replay source.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/scaled-dev/scaled/internal/metrics/sketch"
	"github.com/scaled-dev/scaled/internal/model"
)

// ErrNoData is returned by Source.Query when nothing was recorded in the window.
var ErrNoData = errors.New("metrics: no data")

// MetricID names one time series the CloudWatch way: namespace, metric name, dimensions.
type MetricID struct {
	Account    string
	Namespace  string
	Name       string
	Dimensions []model.MetricDimension
}

// Key is a canonical string for the series (dimensions sorted by name).
func (m MetricID) Key() string {
	d := append([]model.MetricDimension(nil), m.Dimensions...)
	sort.Slice(d, func(i, j int) bool { return d[i].Name < d[j].Name })
	var b strings.Builder
	b.WriteString(m.Account)
	b.WriteByte('\x1f')
	b.WriteString(m.Namespace)
	b.WriteByte('\x1f')
	b.WriteString(m.Name)
	for _, x := range d {
		b.WriteByte('\x1f')
		b.WriteString(x.Name)
		b.WriteByte('=')
		b.WriteString(x.Value)
	}
	return b.String()
}

// Statistics.
const (
	StatAverage     = "Average"
	StatSum         = "Sum"
	StatMinimum     = "Minimum"
	StatMaximum     = "Maximum"
	StatSampleCount = "SampleCount"
)

// Query asks for one statistic of one series over [Start, End), aggregated per Period.
type Query struct {
	Metric    MetricID
	Statistic string // one of the Stat* constants (or a percentile such as "p99")
	Unit      string
	Start     time.Time
	End       time.Time
	Period    time.Duration
}

// Sample is one aggregated datapoint: the statistic over [Time, Time+Period).
type Sample struct {
	Time  time.Time
	Value float64
}

// Source answers queries. Periods without data are absent from the result (not zero);
// ErrNoData when the whole window is empty.
type Source interface {
	Query(ctx context.Context, q Query) ([]Sample, error)
}

// Datum is one observation, either a single value (SampleCount 1, Sum=Min=Max=value) or a
// pre-aggregated statistic set as CloudWatch PutMetricData accepts.
type Datum struct {
	Metric      MetricID
	Time        time.Time
	Unit        string
	SampleCount float64
	Sum         float64
	Min         float64
	Max         float64
	// HighResolution marks 1-second storage resolution (StorageResolution 1).
	HighResolution bool
	// Dist, when set, is the distribution of the datum's samples, from which percentile
	// statistics are answered. A datum without Dist has a distribution implicitly when it
	// is a single value (SampleCount 1 or Min == Max, as CloudWatch treats statistic
	// sets); otherwise percentiles are unavailable for the periods it falls in. Sinks do
	// not modify or keep Dist.
	Dist *sketch.Sketch
}

// HasDistribution reports whether percentiles can be computed from d: it carries Dist,
// or it is a single value (SampleCount 1, or Min == Max).
func (d *Datum) HasDistribution() bool {
	return d.Dist != nil || d.SampleCount == 1 || d.Min == d.Max
}

// Value returns a Datum for a single observed value.
func Value(m MetricID, t time.Time, v float64) Datum {
	return Datum{Metric: m, Time: t, SampleCount: 1, Sum: v, Min: v, Max: v}
}

// Sink accepts observations.
type Sink interface {
	Put(ctx context.Context, data []Datum) error
}

// ErrUnsupportedExtendedStatistic is returned by ParsePercentile for valid CloudWatch
// extended statistics other than percentiles (trimmed mean tm, winsorized mean wm, trimmed
// count tc, trimmed sum ts, percentile rank PR, IQM); ParseExtendedStatistic parses them.
var ErrUnsupportedExtendedStatistic = errors.New("metrics: unsupported extended statistic")

// ErrInvalidStatistic is returned for a string that is no statistic.
var ErrInvalidStatistic = errors.New("metrics: invalid statistic")

// ParsePercentile recognises a CloudWatch percentile statistic, "p" followed by a number
// from 0 to 100 with at most ten decimals ("p99", "p99.9", "p95.45", "p0.5", "p100"), and returns
// the quantile it names (0.99, 0.999, 0.005, 1). For other valid extended statistics it
// returns ErrUnsupportedExtendedStatistic, for anything else an error wrapping
// ErrInvalidStatistic. ParseExtendedStatistic parses every extended statistic.
func ParsePercentile(stat string) (float64, error) {
	e, err := ParseExtendedStatistic(stat)
	switch {
	case err != nil:
		return 0, err
	case e.Kind != Percentile:
		return 0, fmt.Errorf("%w %q: it is a %s, not a percentile (p0 to p100)", ErrUnsupportedExtendedStatistic, stat, e.Kind)
	}
	return e.Quantile, nil
}

// IsPercentile reports whether stat is a valid percentile statistic.
func IsPercentile(stat string) bool {
	_, err := ParsePercentile(stat)
	return err == nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
