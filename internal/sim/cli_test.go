package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMainCompareJSONAndCharts(t *testing.T) {
	dir := t.TempDir()
	traceFile := filepath.Join("testdata", "step-up", "trace.counts-per-minute.csv")
	svg := filepath.Join(dir, "chart.svg")
	page := filepath.Join(dir, "chart.html")
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{
		"--trace", traceFile, "--format", "counts-per-minute", "--start", "2030-01-01T00:00:00Z", "--json",
		filepath.Join("testdata", "step-up", "scenario.json"), filepath.Join("testdata", "ramp", "scenario.json"),
		"--svg", svg, "--html", page,
	}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var got struct {
		Reports []Report `json:"reports"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("JSON output: %v\n%s", err, out.String())
	}
	names := []string{got.Reports[0].Scenario, got.Reports[1].Scenario}
	if diff := cmp.Diff([]string{"step-up", "ramp"}, names); diff != "" {
		t.Errorf("scenarios (-want +got):\n%s", diff)
	}
	if got.Reports[0].Requests.Arrived != 14100 {
		t.Errorf("arrived = %v, want 14100", got.Reports[0].Requests.Arrived)
	}
	b, err := os.ReadFile(svg)
	if err != nil || !bytes.HasPrefix(b, []byte("<svg ")) || !bytes.Contains(b, []byte("ramp")) {
		t.Errorf("SVG chart missing or incomplete (%v)", err)
	}
	h, err := os.ReadFile(page)
	if err != nil || !bytes.Contains(h, []byte("<svg ")) || !bytes.Contains(h, []byte("cost / oracle")) {
		t.Errorf("HTML page missing or incomplete (%v)", err)
	}
}

func TestMainTextSummary(t *testing.T) {
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{
		"--trace", filepath.Join("testdata", "burst-from-zero", "trace.counts-per-minute.csv"), "--format", "counts-per-minute",
		filepath.Join("testdata", "burst-from-zero", "scenario.json"),
	}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"scenario   burst-from-zero", "copy-minutes; oracle", "no capacity 360", "simulated 45m00s of traffic"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	if errb.Len() != 0 {
		t.Errorf("unexpected stderr (no progress bar when stderr is not a terminal): %q", errb.String())
	}
}

func TestMainUsageErrors(t *testing.T) {
	scen := filepath.Join("testdata", "step-up", "scenario.json")
	tr := filepath.Join("testdata", "step-up", "trace.counts-per-minute.csv")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{scen}, 2, "--trace, --format and at least one scenario file are required"},
		{[]string{"--trace", tr, "--format", "bogus", scen}, 2, `unknown trace format "bogus"`},
		{[]string{"--trace", tr, "--format", "counts-per-minute", "--arrivals", "lumpy", scen}, 2, `arrivals "lumpy"`},
		{[]string{"--trace", tr, "--format", "counts-per-minute", "--scale", "-1", scen}, 2, "--scale -1 must be positive"},
		{[]string{"--trace", tr, "--format", "counts-per-minute", "missing.json"}, 2, "reading scenario"},
		{[]string{"--trace", "nope.csv", "--format", "counts-per-minute", scen}, 1, "opening the trace"},
	}
	for _, tc := range tests {
		var out, errb bytes.Buffer
		code := Main(context.Background(), tc.args, &out, &errb)
		if code != tc.code || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("Main(%q) = %d, stderr %q; want %d and %q", tc.args, code, errb.String(), tc.code, tc.want)
		}
	}
}

func TestScenarioValidation(t *testing.T) {
	base := `"RegisterScalableTarget": {"ServiceNamespace": "sagemaker", "ResourceId": "inference-component/x", "ScalableDimension": "sagemaker:inference-component:DesiredCopyCount", "MinCapacity": 1, "MaxCapacity": 2}`
	tests := []struct {
		in, want string
	}{
		{`{"Fleet": {"ServiceTime": {"Mean": "1s"}}}`, "RegisterScalableTarget is required"},
		{`{` + base + `, "Fleet": {}}`, "Fleet.ServiceTime.Mean 0s must be positive"},
		{`{` + base + `, "Fleet": {"ServiceTime": {"Mean": "1s", "Distribution": "pareto"}}}`, `Distribution "pareto"`},
		{`{` + base + `, "Fleet": {"ServiceTime": {"Mean": "1s", "Distribution": "lognormal"}}}`, "Fleet.ServiceTime.CV 0"},
		{`{` + base + `, "Fleet": {"ServiceTime": {"Mean": "soon"}}}`, `duration "soon"`},
		{`{` + base + `, "Fleet": {"ServiceTime": {"Mean": 1}, "Throughput": 3}}`, "either ServiceTime.Mean or Throughput"},
		{`{` + base + `, "Fleet": {"Throughput": 3, "StartupFailureProbability": 1}}`, "Fleet.StartupFailureProbability 1"},
		{`{` + base + `, "Fleet": {"Throughput": 3, "QueueLimit": -1}}`, "Fleet.QueueLimit -1"},
		{`{` + base + `, "Fleet": {"Throughput": 3, "EvaluationInterval": "1500ms"}}`, "Fleet.EvaluationInterval 1.5s"},
		{`{` + base + `, "Fleet": {"Throughput": 3}, "Extra": 1}`, `unknown field "Extra"`},
	}
	for _, tc := range tests {
		_, err := ParseScenario([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseScenario(%s) error = %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
	sc, err := ParseScenario([]byte(`{` + base + `, "Fleet": {"Throughput": 4, "Concurrency": 2}}`))
	if err != nil {
		t.Fatal(err)
	}
	fc := sc.Fleet.resolve()
	if fc.service.Mean.D().Seconds() != 0.5 || fc.perCopyThroughput() != 4 || fc.queueLimit != DefaultQueueLimit {
		t.Errorf("resolved fleet = %+v", fc)
	}
}

func TestAPIRejectsBadPolicyBody(t *testing.T) {
	sc, ev, format := loadCase(t, filepath.Join("testdata", "step-up"))
	sc.PutScalingPolicy[0] = json.RawMessage(`{"ServiceNamespace": "sagemaker", "ResourceId": "inference-component/ic", "ScalableDimension": "sagemaker:inference-component:DesiredCopyCount", "PolicyName": "p", "PolicyType": "TargetTrackingScaling"}`)
	_, err := Run(context.Background(), Config{Scenario: sc, Events: ev, TraceFormat: format})
	if err == nil || !strings.Contains(err.Error(), "PutScalingPolicy[0]") || !strings.Contains(err.Error(), "ValidationException") {
		t.Errorf("error = %v, want the API's ValidationException for PutScalingPolicy[0]", err)
	}
}

// TestExampleScenariosRun replays the Azure code trace through every scenario in
// examples/sim: each loads, runs and serves requests, and the latency-percentile policy
// (p90 of OverheadLatency, a percentile over the fleet's per-request waits) really acts:
// it scales out further than invocation tracking alone.
func TestExampleScenariosRun(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "examples", "sim", "*.json"))
	if err != nil || len(files) < 7 {
		t.Fatalf("example scenarios: %v %v", files, err)
	}
	args := append([]string{"--trace", filepath.Join("..", "..", "testdata", "traces", "azure-llm-2023-code.csv"), "--format", "azure-llm", "--json"}, files...)
	var out, errb bytes.Buffer
	if code := Main(context.Background(), args, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var got struct {
		Reports []Report `json:"reports"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("JSON output: %v", err)
	}
	peak := map[string]int{}
	for _, r := range got.Reports {
		if r.Requests.Served == 0 {
			t.Errorf("%s served nothing", r.Scenario)
		}
		peak[r.Scenario] = r.PeakCopies
	}
	if len(peak) != len(files) {
		t.Fatalf("reports for %v, want one per file of %v", peak, files)
	}
	if peak["tt-latency-p90"] <= peak["tt-invocations"] {
		t.Errorf("peak copies: tt-latency-p90 %d, tt-invocations %d; the p90 wait policy should add copies", peak["tt-latency-p90"], peak["tt-invocations"])
	}
}
