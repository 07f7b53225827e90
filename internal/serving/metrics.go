package serving

import (
	"context"
	"fmt"
	"time"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/serving/icmetrics"
)

// Run writes the components' metrics to the sink every MetricResolution until ctx ends.
func (r *Runtime) Run(ctx context.Context) error {
	clock.Every(ctx, r.clk, r.opts.MetricResolution, func(ctx context.Context) {
		if err := r.Tick(ctx); err != nil {
			r.log.Warn("publishing inference component metrics", "err", err)
		}
	})
	return nil
}

// Tick writes the metrics of every complete 10-second bucket to the sink.
func (r *Runtime) Tick(ctx context.Context) error {
	return r.FlushMetrics(ctx, r.clk.Now())
}

// FlushMetrics writes the metrics of every bucket complete at now to the sink.
func (r *Runtime) FlushMetrics(ctx context.Context, now time.Time) error {
	data := r.Collect(now)
	if len(data) == 0 || r.opts.Sink == nil {
		return nil
	}
	if err := r.opts.Sink.Put(ctx, data); err != nil {
		return fmt.Errorf("writing %d datums: %w", len(data), err)
	}
	return nil
}

// Collect returns the datums of every bucket complete at now without writing them.
func (r *Runtime) Collect(now time.Time) []metrics.Datum {
	r.mu.Lock()
	recs := make([]*icmetrics.Recorder, 0, len(r.comps)+len(r.retired))
	for _, c := range r.comps {
		recs = append(recs, c.rec)
	}
	recs = append(recs, r.retired...)
	r.retired = nil
	r.mu.Unlock()
	var data []metrics.Datum
	for _, rec := range recs {
		data = append(data, rec.Flush(now)...)
	}
	return data
}
