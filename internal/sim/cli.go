package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/sim/trace"
)

const usage = `usage: scaled simulate [flags] --trace FILE --format FORMAT scenario.json...

Replays a request trace through scaled's control loop (the same code the server runs, on a
fake clock) against a simulated fleet of copies, and reports cost and SLO. With several
scenario files the results are printed side by side.

Flags:
`

// Main implements "scaled simulate". It returns the process exit code: 0 on success, 1 when
// the simulation fails, 2 for bad usage.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	formats := trace.Builtin()
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		traceFile = fs.String("trace", "", "trace `file` to replay")
		format    = fs.String("format", "", "trace format: "+strings.Join(formats.Names(), ", "))
		compress  = fs.Float64("compress", 1, "time compression `factor` (2 replays twice as fast)")
		scale     = fs.Float64("scale", 1, "rate scale `factor` (0.001 divides the request rate by 1000)")
		arrivals  = fs.String("arrivals", "even", "placement of counted requests inside their bucket: even, uniform or poisson")
		seed      = fs.Uint64("seed", 0, "random seed (overrides the scenarios' Fleet.Seed; 0 keeps them)")
		base      = fs.String("start", "", "wall-clock start (RFC 3339) for traces with relative timestamps (default "+trace.DefaultBase.Format(time.RFC3339)+")")
		asJSON    = fs.Bool("json", false, "print the report(s) as JSON")
		timeline  = fs.Bool("timeline", false, "include the per-minute timeline in the JSON output")
		svgFile   = fs.String("svg", "", "write a chart of load, oracle and capacity to this SVG `file`")
		htmlFile  = fs.String("html", "", "write a self-contained HTML page with the chart and the summary to this `file`")
		chartFrom = fs.String("chart-from", "", "start of the chart window (RFC 3339 or 2006-01-02 15:04)")
		chartTo   = fs.String("chart-to", "", "end of the chart window")
		zoomSVG   = fs.String("zoom-svg", "", "also write a chart of the window --zoom to this SVG `file`")
		zoom      = fs.String("zoom", "", "window of the --zoom-svg chart: `FROM,TO` (2006-01-02 15:04 or RFC 3339)")
		title     = fs.String("title", "", "chart title")
		progress  = fs.Bool("progress", false, "show a progress bar on stderr even when it is not a terminal")
	)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	// Flags may come before or after the scenario files.
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "scaled simulate: "+format+"\n", a...)
		return code
	}
	if *traceFile == "" || *format == "" || len(files) == 0 {
		fs.Usage()
		return fail(2, "--trace, --format and at least one scenario file are required")
	}
	spread, err := trace.ParseSpread(*arrivals)
	if err != nil {
		return fail(2, "--arrivals: %v", err)
	}
	if *compress <= 0 {
		return fail(2, "--compress %v must be positive", *compress)
	}
	if *scale <= 0 {
		return fail(2, "--scale %v must be positive", *scale)
	}
	var opts trace.OpenOptions
	if *base != "" {
		t, err := time.Parse(time.RFC3339, *base)
		if err != nil {
			return fail(2, "--start %q: want an RFC 3339 time such as 2025-01-01T00:00:00Z", *base)
		}
		opts.Base = t
	}
	var chart ChartOptions
	chart.Title = *title
	for _, w := range []struct {
		flag string
		s    string
		t    *time.Time
	}{{"--chart-from", *chartFrom, &chart.From}, {"--chart-to", *chartTo, &chart.To}} {
		if w.s == "" {
			continue
		}
		t, err := parseWhen(w.s)
		if err != nil {
			return fail(2, "%s: %v", w.flag, err)
		}
		*w.t = t
	}

	var zoomChart ChartOptions
	if *zoomSVG != "" {
		from, to, ok := strings.Cut(*zoom, ",")
		if !ok {
			return fail(2, "--zoom %q: want FROM,TO", *zoom)
		}
		var err error
		if zoomChart.From, err = parseWhen(strings.TrimSpace(from)); err != nil {
			return fail(2, "--zoom: %v", err)
		}
		if zoomChart.To, err = parseWhen(strings.TrimSpace(to)); err != nil {
			return fail(2, "--zoom: %v", err)
		}
		zoomChart.Title = *title
		if zoomChart.Title != "" {
			zoomChart.Title += " (detail)"
		}
	}

	var scenarios []Scenario
	for _, p := range files {
		sc, err := LoadScenario(p)
		if err != nil {
			return fail(2, "%v", err)
		}
		scenarios = append(scenarios, sc)
	}
	f, err := os.Open(*traceFile)
	if err != nil {
		return fail(1, "opening the trace: %v", err)
	}
	r, err := formats.Open(*format, f, opts)
	if err != nil {
		f.Close()
		return fail(2, "%v", err)
	}
	events, err := trace.ReadAll(r)
	f.Close()
	if err != nil {
		return fail(1, "reading %s: %v", *traceFile, err)
	}
	if len(events) == 0 {
		return fail(1, "%s holds no requests", *traceFile)
	}

	cfg := Config{
		Events: events, TraceFile: *traceFile, TraceFormat: *format,
		Transform: trace.Options{Compress: *compress, Scale: *scale, Spread: spread},
		Seed:      *seed, Timeline: *timeline,
	}
	var bar *progressBar
	if *progress || isTerminal(stderr) {
		bar = &progressBar{w: stderr, label: fmt.Sprintf("simulating %d scenario(s)", len(scenarios))}
		cfg.Progress = bar.set
	}
	wall := clock.Real{}
	began := wall.Now()
	// The run allocates many short-lived values; collecting less often saves about a third
	// of the CPU time of long traces.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	reports, err := Compare(ctx, cfg, scenarios)
	if bar != nil {
		bar.finish()
	}
	if err != nil {
		return fail(1, "%v", err)
	}
	elapsed := wall.Now().Sub(began)

	if *svgFile != "" {
		if err := writeFile(*svgFile, func(w io.Writer) error { return WriteSVG(w, reports, chart) }); err != nil {
			return fail(1, "writing the chart: %v", err)
		}
	}
	if *zoomSVG != "" {
		if err := writeFile(*zoomSVG, func(w io.Writer) error { return WriteSVG(w, reports, zoomChart) }); err != nil {
			return fail(1, "writing the detail chart: %v", err)
		}
	}
	if *htmlFile != "" {
		if err := writeFile(*htmlFile, func(w io.Writer) error { return WriteHTML(w, reports, chart) }); err != nil {
			return fail(1, "writing the page: %v", err)
		}
	}
	if *asJSON {
		var v any = reports[0]
		if len(reports) > 1 {
			v = struct {
				Reports []*Report `json:"reports"`
			}{reports}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return fail(1, "writing JSON: %v", err)
		}
		return 0
	}
	for _, rep := range reports {
		if err := rep.WriteText(stdout); err != nil {
			return fail(1, "%v", err)
		}
		fmt.Fprintln(stdout)
	}
	if len(reports) > 1 {
		if err := WriteCompare(stdout, reports); err != nil {
			return fail(1, "%v", err)
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprintf(stdout, "simulated %s of traffic in %.2fs\n", fmtDur(reports[0].End.Sub(reports[0].Start).Seconds()), elapsed.Seconds())
	return 0
}

func parseWhen(s string) (time.Time, error) {
	for _, l := range []string{time.RFC3339, "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time like 2006-01-02 15:04 or RFC 3339", s)
}

func writeFile(path string, write func(io.Writer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar draws a one-line bar, redrawn only when the shown percentage changes.
type progressBar struct {
	w     io.Writer
	label string
	last  int
	drawn bool
}

func (p *progressBar) set(f float64) {
	pct := int(f * 100)
	if p.drawn && pct == p.last {
		return
	}
	p.last, p.drawn = pct, true
	const width = 40
	n := min(width, max(0, int(f*width)))
	fmt.Fprintf(p.w, "\r%s [%s%s] %3d%%", p.label, strings.Repeat("#", n), strings.Repeat(".", width-n), pct)
}

func (p *progressBar) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
