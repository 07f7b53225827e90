package sim

import (
	"fmt"

	"github.com/scaled-dev/scaled/internal/model"
	"io"
	"math"
	"sort"
	"strings"
	"time"
)

// Report is the result of one simulation.
type Report struct {
	Scenario string    `json:"scenario"`
	Trace    TraceInfo `json:"trace"`
	Fleet    FleetInfo `json:"fleet"`

	Start time.Time `json:"start"`
	End   time.Time `json:"end"`

	// CopyMinutes is the cost: copies billed (starting, serving or draining) × minutes.
	CopyMinutes float64 `json:"copy_minutes"`
	// OracleCopyMinutes is the cost of the oracle (OracleCopies summed).
	OracleCopyMinutes float64 `json:"oracle_copy_minutes"`
	// CostRatio is CopyMinutes / OracleCopyMinutes (0 when the oracle needs nothing).
	CostRatio  float64 `json:"cost_ratio"`
	PeakCopies int     `json:"peak_copies"`

	Requests   Requests       `json:"requests"`
	Latency    Percentiles    `json:"latency_seconds"`
	Wait       Percentiles    `json:"wait_seconds"`
	Activities ActivityCounts `json:"activities"`
	Steps      StepSummary    `json:"steps"`

	// Timeline has one point per minute (omitted from JSON unless asked for).
	Timeline []Point `json:"timeline,omitempty"`
	// StartupFailures counts copies that failed to start and were replaced.
	StartupFailures int `json:"startup_failures"`

	timeline   []Point                 // always kept, for charts
	activities []model.ScalingActivity // as recorded, for golden files
}

// TraceInfo describes the replayed trace.
type TraceInfo struct {
	File     string  `json:"file,omitempty"`
	Format   string  `json:"format"`
	Requests float64 `json:"requests"`
	Compress float64 `json:"compress"`
	Scale    float64 `json:"scale"`
	Arrivals string  `json:"arrivals"`
	Seed     uint64  `json:"seed"`
}

// FleetInfo restates the fleet model.
type FleetInfo struct {
	PerCopyThroughput float64 `json:"per_copy_requests_per_second"`
	Concurrency       int     `json:"concurrency"`
	MeanServiceTime   float64 `json:"mean_service_seconds"`
	StartupSeconds    float64 `json:"startup_seconds"`
	SLOSeconds        float64 `json:"slo_wait_seconds"`
	IntervalSeconds   float64 `json:"evaluation_interval_seconds"`
	// Tokens describes the token-based service time, when the scenario uses it; the
	// throughput and mean service time above are then the trace's averages.
	Tokens *TokenModel `json:"tokens,omitempty"`
	// Batching restates the continuous-batching model, when the scenario uses it; the
	// throughput above is then that of a full batch, the mean service time a solo one.
	Batching *BatchingModel `json:"batching,omitempty"`
}

// BatchingModel restates Fleet.Batching.
type BatchingModel struct {
	Slowdown float64 `json:"slowdown"`
	// FullBatchFactor is how many times slower than alone each request of a full batch
	// (Concurrency requests) runs: 1 + Slowdown × (Concurrency − 1).
	FullBatchFactor float64 `json:"full_batch_factor"`
	// FullBatchGain is the throughput of a full batch in lone requests: Concurrency /
	// FullBatchFactor.
	FullBatchGain float64 `json:"full_batch_gain"`
}

// TokenModel restates the tokens service-time distribution and what it made of the trace.
type TokenModel struct {
	BaseSeconds           float64 `json:"base_seconds"`
	PerInputTokenSeconds  float64 `json:"per_input_token_seconds"`
	PerOutputTokenSeconds float64 `json:"per_output_token_seconds"`
	CV                    float64 `json:"cv"`
	// RequestsWithTokens counts the trace's requests that carry token counts (before rate
	// scaling); MeanInputTokens and MeanOutputTokens are their means.
	RequestsWithTokens float64 `json:"requests_with_tokens"`
	MeanInputTokens    float64 `json:"mean_input_tokens"`
	MeanOutputTokens   float64 `json:"mean_output_tokens"`
	// DefaultInputTokens and DefaultOutputTokens were used for requests without counts.
	DefaultInputTokens  float64 `json:"default_input_tokens"`
	DefaultOutputTokens float64 `json:"default_output_tokens"`
	// WorkSeconds is the service time of every arrival, served or not: the oracle's input.
	WorkSeconds float64 `json:"work_seconds"`
}

// Requests counts request outcomes. Served includes Violated (served, but waited longer
// than the SLO); Failed requests were not served.
type Requests struct {
	Arrived    float64 `json:"arrived"`
	Served     float64 `json:"served"`
	Violated   float64 `json:"violated"`
	Failed     float64 `json:"failed"`
	NoCapacity float64 `json:"failed_no_capacity"`
	QueueFull  float64 `json:"failed_queue_full"`
	TimedOut   float64 `json:"failed_timeout"`
	// GoodFraction is (Served − Violated) / Arrived: the share that met the SLO.
	GoodFraction float64 `json:"good_fraction"`
}

// Percentiles of a duration distribution, in seconds.
type Percentiles struct {
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p999"`
	Max  float64 `json:"max"`
}

// ActivityCounts summarises the scaling activities recorded in the activity store.
type ActivityCounts struct {
	Total      int `json:"total"`
	ScaleOut   int `json:"scale_out"`
	ScaleIn    int `json:"scale_in"`
	Successful int `json:"successful"`
	Failed     int `json:"failed"`
	Other      int `json:"other"`
	NotScaled  int `json:"not_scaled"`
}

// StepSummary summarises the reaction to load steps.
type StepSummary struct {
	Count        int     `json:"count"`
	Covered      int     `json:"covered"`
	MedianReact  float64 `json:"median_react_seconds"`
	P90React     float64 `json:"p90_react_seconds"`
	MaxReact     float64 `json:"max_react_seconds"`
	Steps        []Step  `json:"list,omitempty"`
	HorizonHours float64 `json:"horizon_hours"`
}

// Point is one minute of the timeline.
type Point struct {
	Time     time.Time `json:"t"`
	Arrivals float64   `json:"arrivals"`
	Served   float64   `json:"served"`
	Violated float64   `json:"violated"`
	Failed   float64   `json:"failed"`
	// Copies is the mean number of copies in service; Billed the mean billed.
	Copies  float64 `json:"copies"`
	Billed  float64 `json:"billed"`
	Desired int32   `json:"desired"`
	Oracle  int     `json:"oracle"`
	// Need is the fractional copies the minute's load needs (arrivals / per-copy capacity).
	Need float64 `json:"need"`
}

func percentiles(h *histogram) Percentiles {
	r := func(v float64) float64 { return math.Round(v*1e4) / 1e4 }
	return Percentiles{
		Mean: r(h.mean()), P50: r(h.quantile(0.5)), P90: r(h.quantile(0.9)),
		P99: r(h.quantile(0.99)), P999: r(h.quantile(0.999)), Max: r(h.max),
	}
}

func summarizeSteps(steps []Step) StepSummary {
	s := StepSummary{Count: len(steps), Steps: steps, HorizonHours: StepHorizon.Hours()}
	var react []float64
	for _, st := range steps {
		if st.Covered {
			s.Covered++
			react = append(react, st.ReactSeconds)
		}
	}
	if len(react) > 0 {
		sort.Float64s(react)
		s.MedianReact = quantileSorted(react, 0.5)
		s.P90React = quantileSorted(react, 0.9)
		s.MaxReact = react[len(react)-1]
	}
	return s
}

func quantileSorted(v []float64, q float64) float64 {
	pos := q * float64(len(v)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	return v[lo] + (v[hi]-v[lo])*(pos-float64(lo))
}

// WriteText writes the terminal summary of one report.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "scenario   %s\n", r.Scenario)
	file := r.Trace.Format
	if r.Trace.File != "" {
		file += " " + r.Trace.File
	}
	fmt.Fprintf(&b, "trace      %s, %s to %s (%s), %s requests (compress ×%g, rate ×%g, arrivals %s, seed %d)\n",
		file, r.Start.UTC().Format("2006-01-02 15:04:05"), r.End.UTC().Format("2006-01-02 15:04:05"),
		fmtDur(r.End.Sub(r.Start).Seconds()), fmtNum(r.Requests.Arrived), r.Trace.Compress, r.Trace.Scale, r.Trace.Arrivals, r.Trace.Seed)
	fmt.Fprintf(&b, "fleet      %.4g req/s per copy (concurrency %d, mean service %s), start-up %s, SLO wait %s, evaluation every %s\n",
		r.Fleet.PerCopyThroughput, r.Fleet.Concurrency, fmtDur(r.Fleet.MeanServiceTime), fmtDur(r.Fleet.StartupSeconds),
		fmtDur(r.Fleet.SLOSeconds), fmtDur(r.Fleet.IntervalSeconds))
	if tk := r.Fleet.Tokens; tk != nil {
		fmt.Fprintf(&b, "tokens     service %s + %s/input + %s/output token (CV %g); trace means %s in, %s out (%s requests with counts; defaults %s in, %s out)\n",
			secDur(tk.BaseSeconds), secDur(tk.PerInputTokenSeconds), secDur(tk.PerOutputTokenSeconds), tk.CV,
			fmtNum(tk.MeanInputTokens), fmtNum(tk.MeanOutputTokens), fmtNum(tk.RequestsWithTokens),
			fmtNum(tk.DefaultInputTokens), fmtNum(tk.DefaultOutputTokens))
	}
	if bm := r.Fleet.Batching; bm != nil {
		fmt.Fprintf(&b, "batching   slowdown %g per other request: a full batch of %d runs each request %.4gx slower than alone, for %.4gx the throughput of one\n",
			bm.Slowdown, r.Fleet.Concurrency, bm.FullBatchFactor, bm.FullBatchGain)
	}
	fmt.Fprintf(&b, "cost       %s copy-minutes; oracle %s; ratio %.2f; peak %d copies\n",
		fmtNum(r.CopyMinutes), fmtNum(r.OracleCopyMinutes), r.CostRatio, r.PeakCopies)
	q := r.Requests
	fmt.Fprintf(&b, "requests   served %s, violated %s (%s), failed %s (%s: no capacity %s, queue full %s, timeout %s); good %s\n",
		fmtNum(q.Served), fmtNum(q.Violated), pct(q.Violated, q.Arrived), fmtNum(q.Failed), pct(q.Failed, q.Arrived),
		fmtNum(q.NoCapacity), fmtNum(q.QueueFull), fmtNum(q.TimedOut), pct(q.Served-q.Violated, q.Arrived))
	fmt.Fprintf(&b, "latency    p50 %s  p90 %s  p99 %s  p99.9 %s  max %s\n",
		fmtDur(r.Latency.P50), fmtDur(r.Latency.P90), fmtDur(r.Latency.P99), fmtDur(r.Latency.P999), fmtDur(r.Latency.Max))
	fmt.Fprintf(&b, "wait       p50 %s  p90 %s  p99 %s  p99.9 %s  max %s\n",
		fmtDur(r.Wait.P50), fmtDur(r.Wait.P90), fmtDur(r.Wait.P99), fmtDur(r.Wait.P999), fmtDur(r.Wait.Max))
	a := r.Activities
	n := func(v int) string { return fmtNum(float64(v)) }
	fmt.Fprintf(&b, "scaling    %s activities (%s out, %s in; %s successful, %s failed, %s other), %s not-scaled records, %s start-up failures\n",
		n(a.Total), n(a.ScaleOut), n(a.ScaleIn), n(a.Successful), n(a.Failed), n(a.Other), n(a.NotScaled), n(r.StartupFailures))
	s := r.Steps
	fmt.Fprintf(&b, "steps      %d load steps, %d covered within %s; reaction median %s, p90 %s, max %s\n",
		s.Count, s.Covered, fmtDur(s.HorizonHours*3600), fmtDur(s.MedianReact), fmtDur(s.P90React), fmtDur(s.MaxReact))
	_, err := io.WriteString(w, b.String())
	return err
}

// secDur prints seconds as a Go duration (150µs, 20ms): the token costs are often below a
// millisecond.
func secDur(sec float64) string { return time.Duration(math.Round(sec * 1e9)).String() }

func pct(a, b float64) string {
	if b == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.3g%%", 100*a/b)
}

// fmtNum prints a count with thousands separators (one decimal if fractional).
func fmtNum(v float64) string {
	neg := v < 0
	v = math.Abs(v)
	whole := math.Floor(v)
	frac := v - whole
	s := fmt.Sprintf("%.0f", whole)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if frac >= 0.05 {
		out += fmt.Sprintf(".%d", int(math.Round(frac*10))%10)
	}
	if neg {
		out = "-" + out
	}
	return out
}

// fmtDur prints seconds compactly: 350ms, 1.2s, 4m05s, 3h10m, 2d04h.
func fmtDur(sec float64) string {
	switch {
	case sec == 0:
		return "0s"
	case sec < 1:
		return fmt.Sprintf("%.0fms", sec*1000)
	case sec < 60:
		return fmt.Sprintf("%.3gs", sec)
	case sec < 3600:
		return fmt.Sprintf("%dm%02ds", int(sec)/60, int(sec)%60)
	case sec < 86400:
		return fmt.Sprintf("%dh%02dm", int(sec)/3600, int(sec)%3600/60)
	}
	return fmt.Sprintf("%dd%02dh", int(sec)/86400, int(sec)%86400/3600)
}

// WriteCompare writes reports side by side, one column per scenario.
func WriteCompare(w io.Writer, reports []*Report) error {
	if len(reports) == 0 {
		return nil
	}
	rows := []struct {
		name string
		f    func(r *Report) string
	}{
		{"copy-minutes", func(r *Report) string { return fmtNum(r.CopyMinutes) }},
		{"oracle copy-minutes", func(r *Report) string { return fmtNum(r.OracleCopyMinutes) }},
		{"cost / oracle", func(r *Report) string { return fmt.Sprintf("%.2f", r.CostRatio) }},
		{"peak copies", func(r *Report) string { return fmt.Sprint(r.PeakCopies) }},
		{"served", func(r *Report) string { return fmtNum(r.Requests.Served) }},
		{"violated (wait > SLO)", func(r *Report) string {
			return fmtNum(r.Requests.Violated) + " (" + pct(r.Requests.Violated, r.Requests.Arrived) + ")"
		}},
		{"failed", func(r *Report) string {
			return fmtNum(r.Requests.Failed) + " (" + pct(r.Requests.Failed, r.Requests.Arrived) + ")"
		}},
		{"met SLO", func(r *Report) string { return pct(r.Requests.Served-r.Requests.Violated, r.Requests.Arrived) }},
		{"latency p50", func(r *Report) string { return fmtDur(r.Latency.P50) }},
		{"latency p99", func(r *Report) string { return fmtDur(r.Latency.P99) }},
		{"wait p99", func(r *Report) string { return fmtDur(r.Wait.P99) }},
		{"scaling activities", func(r *Report) string {
			a := r.Activities
			return fmt.Sprintf("%s (%s out, %s in)", fmtNum(float64(a.Total)), fmtNum(float64(a.ScaleOut)), fmtNum(float64(a.ScaleIn)))
		}},
		{"load steps covered", func(r *Report) string { return fmt.Sprintf("%d / %d", r.Steps.Covered, r.Steps.Count) }},
		{"reaction median", func(r *Report) string { return fmtDur(r.Steps.MedianReact) }},
		{"reaction p90", func(r *Report) string { return fmtDur(r.Steps.P90React) }},
	}
	cells := make([][]string, len(rows)+1)
	cells[0] = append([]string{""}, names(reports)...)
	for i, row := range rows {
		cells[i+1] = []string{row.name}
		for _, r := range reports {
			cells[i+1] = append(cells[i+1], row.f(r))
		}
	}
	width := make([]int, len(cells[0]))
	for _, line := range cells {
		for j, c := range line {
			width[j] = max(width[j], len([]rune(c)))
		}
	}
	var b strings.Builder
	for i, line := range cells {
		for j, c := range line {
			if j == 0 {
				b.WriteString(c + strings.Repeat(" ", width[j]-len([]rune(c))))
			} else {
				b.WriteString("  " + strings.Repeat(" ", width[j]-len([]rune(c))) + c)
			}
		}
		b.WriteByte('\n')
		if i == 0 {
			total := 0
			for _, wd := range width {
				total += wd + 2
			}
			b.WriteString(strings.Repeat("-", total-2) + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func names(reports []*Report) []string {
	out := make([]string, len(reports))
	for i, r := range reports {
		out[i] = r.Scenario
	}
	return out
}
