// Package metrics is the contract for measurements: where the control loop reads metric
// samples from (Source) and where producers write them (Sink). Implementations: the
// built-in time-series store (tsdb), the Prometheus source (promsource) and the simulator's
// replay source.
package metrics

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

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
}

// Value returns a Datum for a single observed value.
func Value(m MetricID, t time.Time, v float64) Datum {
	return Datum{Metric: m, Time: t, SampleCount: 1, Sum: v, Min: v, Max: v}
}

// Sink accepts observations.
type Sink interface {
	Put(ctx context.Context, data []Datum) error
}
