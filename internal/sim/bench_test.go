package sim

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/scaled-dev/scaled/internal/sim/trace"
)

// BenchmarkWorldCup98 replays the whole World Cup 98 trace (87 days, per minute) at 1/1000
// of its rate with one target-tracking policy. It needs the real traces
// ($SCALED_TRACE_DIR or testdata/traces at the repository root).
func BenchmarkWorldCup98(b *testing.B) {
	dir := os.Getenv("SCALED_TRACE_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "testdata", "traces")
	}
	f, err := os.Open(filepath.Join(dir, "worldcup98-per-minute.csv"))
	if err != nil {
		b.Skip("World Cup 98 trace not found; set SCALED_TRACE_DIR")
	}
	r, err := trace.Builtin().Open("worldcup98", f, trace.OpenOptions{})
	if err != nil {
		b.Fatal(err)
	}
	ev, err := trace.ReadAll(r)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	sc, err := LoadScenario(filepath.Join("..", "..", "examples", "sim", "tt-invocations.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Run(context.Background(), Config{Scenario: sc, Events: ev, TraceFormat: "worldcup98", Transform: trace.Options{Scale: 0.001}})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(rep.Requests.Arrived, "requests/op")
	}
}
