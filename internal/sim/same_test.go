package sim

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/api"
	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/control"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/metrics/tsdb"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
	"github.com/scaled-dev/scaled/internal/store"
	"github.com/scaled-dev/scaled/internal/store/memstore"
)

// delayActuator is a hand-written actuator: a new desired count is accepted at once, added
// capacity is in service a fixed delay later, removed capacity goes at once. Without
// start-up failures the simulated fleet reports the same desired/actual/status sequence.
type delayActuator struct {
	mu      sync.Mutex
	clk     clock.Clock
	delay   time.Duration
	desired int32
	actual  int32
	readyAt time.Time
}

func (d *delayActuator) State(context.Context, model.TargetKey) (resource.State, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.actual < d.desired && !d.clk.Now().Before(d.readyAt) {
		d.actual = d.desired
	}
	st := resource.State{Desired: d.desired, Actual: d.actual, Status: resource.StatusSuccessful}
	if d.actual != d.desired {
		st.Status = resource.StatusInProgress
	}
	return st, nil
}

func (d *delayActuator) SetDesired(_ context.Context, _ model.TargetKey, n int32) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.desired = n
	if n < d.actual {
		d.actual = n
	}
	d.readyAt = d.clk.Now().Add(d.delay)
	return nil
}

type decision struct {
	Start, End  time.Duration
	Status      string
	Description string
	Cause       string
}

func decisions(start time.Time, acts []model.ScalingActivity) []decision {
	var out []decision
	for _, a := range acts {
		if a.NotScaled() {
			continue
		}
		d := decision{Start: a.StartTime.Sub(start), Status: a.StatusCode, Description: a.Description, Cause: uuidRE.ReplaceAllString(a.Cause, "<uuid>")}
		if a.EndTime != nil {
			d.End = a.EndTime.Sub(start)
		}
		out = append(out, d)
	}
	return out
}

// TestSimulatorAndLiveEngineDecideAlike records the metric data the simulator stores before
// each tick, replays the same data into a fresh tsdb driven by control.Evaluator.Tick
// directly (as the server does, with a plain actuator), and compares the activities.
func TestSimulatorAndLiveEngineDecideAlike(t *testing.T) {
	for _, name := range []string{"step-up", "ramp"} {
		t.Run(name, func(t *testing.T) {
			sc, ev, format := loadCase(t, filepath.Join("testdata", name))
			type batch struct {
				at   time.Time
				data []metrics.Datum
			}
			var seen []batch
			rep, err := Run(context.Background(), Config{
				Scenario: sc, Events: ev, TraceFormat: format,
				observe: func(at time.Time, d []metrics.Datum) { seen = append(seen, batch{at, d}) },
			})
			if err != nil {
				t.Fatal(err)
			}

			ctx := context.Background()
			clk := clock.NewFake(rep.Start)
			st := memstore.New()
			db := tsdb.New(tsdb.Options{Clock: clk, Retention: 3 * time.Hour, HighResolution: 10 * time.Second, HighResolutionRetention: time.Hour})
			key, err := targetKey(sc.RegisterScalableTarget, DefaultAccount)
			if err != nil {
				t.Fatal(err)
			}
			act := &delayActuator{clk: clk, delay: sc.Fleet.StartupTime.D(), desired: int32(sc.Fleet.InitialCopies), actual: int32(sc.Fleet.InitialCopies)}
			reg := resource.NewRegistry()
			reg.Register(resource.Kind{Namespace: key.Namespace, Dimension: key.Dimension}, act)
			svc := api.New(api.Options{Store: st, Resources: reg, Clock: clk})
			actx := auth.WithAccount(ctx, DefaultAccount)
			if err := call(actx, svc, "RegisterScalableTarget", sc.RegisterScalableTarget, nil); err != nil {
				t.Fatal(err)
			}
			for _, p := range sc.PutScalingPolicy {
				if err := call(actx, svc, "PutScalingPolicy", p, nil); err != nil {
					t.Fatal(err)
				}
			}
			evl, err := control.New(control.Options{Store: st, Metrics: db, Resources: reg, Clock: clk, Interval: sc.Fleet.interval(), Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range seen {
				clk.Set(b.at)
				if len(b.data) > 0 {
					if err := db.Put(ctx, b.data); err != nil {
						t.Fatal(err)
					}
				}
				if err := evl.Tick(ctx); err != nil {
					t.Fatal(err)
				}
			}
			live, _, err := st.ListActivities(ctx, store.ActivityFilter{Account: DefaultAccount})
			if err != nil {
				t.Fatal(err)
			}
			// The store lists newest first.
			for i, j := 0, len(live)-1; i < j; i, j = i+1, j-1 {
				live[i], live[j] = live[j], live[i]
			}
			want := decisions(rep.Start, live)
			got := decisions(rep.Start, rep.activities)
			if len(want) == 0 {
				t.Fatal("the live engine made no decision; the comparison would prove nothing")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("simulator decisions differ from the live engine's (-live +sim):\n%s", diff)
			}
		})
	}
}
