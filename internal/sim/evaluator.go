package sim

import (
	"fmt"

	"github.com/scaled-dev/scaled/internal/control"
	"github.com/scaled-dev/scaled/internal/resource"
)

// newEvaluator builds the real control loop over the simulation's store, metrics source,
// actuators and fake clock: the simulator and the server share one decision code.
func newEvaluator(st *recordingStore, reg *resource.Registry, o loopOptions) (ticker, error) {
	ev, err := control.New(control.Options{
		Store:     st,
		Metrics:   o.Metrics,
		Resources: reg,
		Clock:     o.Clock,
		Logger:    o.Logger,
		Interval:  o.Scenario.Fleet.interval(),
		Workers:   1,
		// Metric data are stored synchronously before each tick.
		MetricDelay: o.Scenario.Fleet.MetricDelay.D(),
	})
	if err != nil {
		return nil, fmt.Errorf("control: %w", err)
	}
	return ev, nil
}
