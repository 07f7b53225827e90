package sim

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/sim/trace"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenBase is the wall-clock start of the synthetic traces (offsets in seconds).
var goldenBase = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// loadCase reads testdata/<name>: scenario.json and trace.<format>.csv.
func loadCase(t *testing.T, dir string) (Scenario, []trace.Event, string) {
	t.Helper()
	sc, err := LoadScenario(filepath.Join(dir, "scenario.json"))
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "trace.*.csv"))
	if len(files) != 1 {
		t.Fatalf("%s: want exactly one trace.<format>.csv, found %v", dir, files)
	}
	format := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(files[0]), "trace."), ".csv")
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := trace.Builtin().Open(format, f, trace.OpenOptions{Base: goldenBase})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := trace.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return sc, ev, format
}

// renderGolden prints what a golden file pins: the summary, every scaling activity and
// the per-minute timeline.
func renderGolden(rep *Report) string {
	var b strings.Builder
	rep.Trace.File = ""
	_ = rep.WriteText(&b)
	b.WriteString("\nactivities (time from start, status, description, cause):\n")
	for _, a := range rep.activities {
		if a.NotScaled() {
			continue
		}
		end := "-"
		if a.EndTime != nil {
			end = a.EndTime.Sub(rep.Start).String()
		}
		fmt.Fprintf(&b, "  %-8s %-8s %-11s %s | %s\n", a.StartTime.Sub(rep.Start), end, a.StatusCode, a.Description, a.Cause)
	}
	b.WriteString("\nsteps:\n")
	for _, s := range rep.Steps.Steps {
		fmt.Fprintf(&b, "  %s %d -> %d covered=%v react=%gs\n", s.At.Sub(rep.Start), s.From, s.To, s.Covered, s.ReactSeconds)
	}
	b.WriteString("\nminute arrivals served violated failed copies billed desired oracle\n")
	for i, p := range rep.timeline {
		fmt.Fprintf(&b, "%6d %8g %6g %8g %6g %6.2f %6.2f %7d %6d\n", i, p.Arrivals, p.Served, p.Violated, p.Failed, p.Copies, p.Billed, p.Desired, p.Oracle)
	}
	// Managed alarm names carry the target's random UUID.
	return uuidRE.ReplaceAllString(b.String(), "<uuid>")
}

var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

func TestGoldenScenarios(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "*", "scenario.json"))
	if len(dirs) == 0 {
		t.Fatal("no scenarios in testdata")
	}
	for _, p := range dirs {
		dir := filepath.Dir(p)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			sc, ev, format := loadCase(t, dir)
			rep, err := Run(context.Background(), Config{Scenario: sc, Events: ev, TraceFormat: format})
			if err != nil {
				t.Fatal(err)
			}
			got := renderGolden(rep)
			golden := filepath.Join(dir, "report.golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("report differs from %s (-want +got; go test -update rewrites it):\n%s", golden, diff)
			}
		})
	}
}

func TestRunIsDeterministic(t *testing.T) {
	sc, ev, format := loadCase(t, filepath.Join("testdata", "step-up"))
	sc.Fleet.ServiceTime = ServiceTime{Distribution: DistExponential, Mean: Duration(time.Second)}
	var out [2]string
	for i := range out {
		rep, err := Run(context.Background(), Config{Scenario: sc, Events: ev, TraceFormat: format, Transform: trace.Options{Spread: trace.SpreadPoisson}, Seed: 42})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.WriteString(renderGolden(rep))
		out[i] = b.String()
	}
	if out[0] != out[1] {
		t.Error("two runs with the same seed differ")
	}
}
