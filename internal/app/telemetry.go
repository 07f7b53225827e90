package app

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scaled-dev/scaled/internal/serving"
)

// controlMetrics exports the control loop's measurements (control.Observer).
type controlMetrics struct {
	tick       prometheus.Histogram
	targets    prometheus.Gauge
	failures   prometheus.Counter
	activities *prometheus.CounterVec
}

func newControlMetrics(reg prometheus.Registerer) *controlMetrics {
	m := &controlMetrics{
		tick: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "scaled_control_tick_duration_seconds", Help: "Duration of one pass of the control loop over every target.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 16),
		}),
		targets: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "scaled_control_targets", Help: "Scalable targets evaluated by the last pass of the control loop.",
		}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "scaled_control_target_failures_total", Help: "Target evaluations that failed (the other targets are evaluated all the same).",
		}),
		activities: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scaled_scaling_activities_total", Help: "Scaling activities written, by status (NotScaled for not-scaled records).",
		}, []string{"status"}),
	}
	reg.MustRegister(m.tick, m.targets, m.failures, m.activities)
	return m
}

func (m *controlMetrics) ObserveTick(d time.Duration, targets, failed int) {
	m.tick.Observe(d.Seconds())
	m.targets.Set(float64(targets))
	m.failures.Add(float64(failed))
}

func (m *controlMetrics) ObserveActivity(status string, notScaled bool) {
	if notScaled {
		status = "NotScaled"
	}
	m.activities.WithLabelValues(status).Inc()
}

// runtimeCollector exports the local runtime's copies per inference component at scrape time.
type runtimeCollector struct {
	rt                                 *serving.Runtime
	desired, current, pending, restart *prometheus.Desc
	inflight                           *prometheus.Desc
}

func newRuntimeCollector(rt *serving.Runtime) *runtimeCollector {
	labels := []string{"account", "inference_component"}
	d := func(name, help string) *prometheus.Desc { return prometheus.NewDesc(name, help, labels, nil) }
	return &runtimeCollector{
		rt:       rt,
		desired:  d("scaled_inference_component_desired_copies", "Desired copy count of an inference component."),
		current:  d("scaled_inference_component_copies_in_service", "Copies in service (ready, not draining)."),
		pending:  d("scaled_inference_component_copies_pending", "Copies waiting for room on the host."),
		restart:  d("scaled_inference_component_copy_restarts_total", "Copies restarted after they crashed."),
		inflight: d("scaled_inference_component_requests_in_flight", "Requests being served or queued in the copies."),
	}
}

func (c *runtimeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.desired, c.current, c.pending, c.restart, c.inflight} {
		ch <- d
	}
}

func (c *runtimeCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.rt.States() {
		l := []string{s.Account, s.State.Name}
		ch <- prometheus.MustNewConstMetric(c.desired, prometheus.GaugeValue, float64(s.State.Desired), l...)
		ch <- prometheus.MustNewConstMetric(c.current, prometheus.GaugeValue, float64(s.State.Current), l...)
		ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(s.State.Pending), l...)
		ch <- prometheus.MustNewConstMetric(c.restart, prometheus.CounterValue, float64(s.State.Restarts), l...)
		ch <- prometheus.MustNewConstMetric(c.inflight, prometheus.GaugeValue, float64(s.State.InFlight), l...)
	}
}
