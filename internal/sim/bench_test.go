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

// BenchmarkWorldCup98Batching is BenchmarkWorldCup98 with continuous batching on
// (Batching.Slowdown 0.1 on the example's 4 slots): every arrival and departure then
// updates its copy's batch.
func BenchmarkWorldCup98Batching(b *testing.B) {
	ev := loadBenchTrace(b, "worldcup98-per-minute.csv", "worldcup98")
	sc, err := LoadScenario(filepath.Join("..", "..", "examples", "sim", "tt-invocations.json"))
	if err != nil {
		b.Fatal(err)
	}
	sc.Fleet.Batching = &Batching{Slowdown: 0.1}
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Run(context.Background(), Config{Scenario: sc, Events: ev, TraceFormat: "worldcup98", Transform: trace.Options{Scale: 0.001}})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(rep.Requests.Arrived, "requests/op")
	}
}

// BenchmarkAzureTokens replays the Azure LLM code trace (8,819 requests, one hour) through
// the token-based concurrency example without and with continuous batching.
func BenchmarkAzureTokens(b *testing.B) {
	ev := loadBenchTrace(b, "azure-llm-2023-code.csv", "azure-llm")
	for _, name := range []string{"tt-concurrency-tokens", "tt-concurrency-tokens-batching"} {
		sc, err := LoadScenario(filepath.Join("..", "..", "examples", "sim", name+".json"))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rep, err := Run(context.Background(), Config{Scenario: sc, Events: ev, TraceFormat: "azure-llm"})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(rep.Requests.Arrived, "requests/op")
			}
		})
	}
}

// loadBenchTrace reads one of the real traces ($SCALED_TRACE_DIR or testdata/traces at the
// repository root), skipping the benchmark when it is absent.
func loadBenchTrace(b *testing.B, file, format string) []trace.Event {
	b.Helper()
	dir := os.Getenv("SCALED_TRACE_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "testdata", "traces")
	}
	f, err := os.Open(filepath.Join(dir, file))
	if err != nil {
		b.Skipf("%s not found; set SCALED_TRACE_DIR", file)
	}
	defer f.Close()
	r, err := trace.Builtin().Open(format, f, trace.OpenOptions{})
	if err != nil {
		b.Fatal(err)
	}
	ev, err := trace.ReadAll(r)
	if err != nil {
		b.Fatal(err)
	}
	return ev
}
