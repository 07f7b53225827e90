package sim

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/scaled-dev/scaled/internal/sim/trace"
)

func TestScratchFlash(t *testing.T) {
	f, _ := os.Open("/work/shared/traces/worldcup98-per-minute.csv")
	r, _ := trace.Builtin().Open("worldcup98", f, trace.OpenOptions{})
	ev, _ := trace.ReadAll(r)
	var w []trace.Event
	from := time.Date(1998, 5, 11, 0, 0, 0, 0, time.UTC)
	to := time.Date(1998, 5, 12, 9, 0, 0, 0, time.UTC)
	for _, e := range ev {
		if !e.Time.Before(from) && e.Time.Before(to) {
			w = append(w, e)
		}
	}
	for _, name := range []string{"tt-invocations", "step", "tt-concurrency"} {
		sc, _ := LoadScenario("../../examples/sim/" + name + ".json")
		rep, err := Run(context.Background(), Config{Scenario: sc, Events: w, Transform: trace.Options{Scale: 0.01}})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println(name)
		for _, p := range rep.timeline {
			if p.Time.After(time.Date(1998, 5, 12, 6, 36, 0, 0, time.UTC)) && p.Time.Before(time.Date(1998, 5, 12, 6, 47, 0, 0, time.UTC)) {
				fmt.Printf("  %s arr=%g copies=%.1f desired=%d oracle=%d viol=%g fail=%g\n", p.Time.Format("15:04"), p.Arrivals, p.Copies, p.Desired, p.Oracle, p.Violated, p.Failed)
			}
		}
	}
}
