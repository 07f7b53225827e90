package trace

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// traceDir finds the bundled real traces: $SCALED_TRACE_DIR, else testdata/traces at the
// repository root. Tests that need them skip when they are absent.
func traceDir(t *testing.T) string {
	t.Helper()
	dirs := []string{os.Getenv("SCALED_TRACE_DIR"), filepath.Join("..", "..", "..", "testdata", "traces")}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "worldcup98-per-minute.csv")); err == nil {
			return d
		}
	}
	t.Skip("real traces not found; set SCALED_TRACE_DIR to the directory holding them")
	return ""
}

func readFile(t *testing.T, format, path string) []Event {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := Builtin().Open(format, f, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// got is the part of the statistics the traces' README publishes, rounded as printed there.
type published struct {
	Requests      float64
	Span          time.Duration
	Minutes       int
	Mean, P50     float64
	P99, Max      float64
	PeakMean      float64
	Jump          float64
	JumpAt        string
	Rise, Fall    float64
	RiseAt        string
	FallAt        string
	ZeroMinutes   int
	BusiestSecond float64
}

func summarizeFile(ev []Event, spanUnit time.Duration, at func(time.Time) string) published {
	start, counts := MinuteCounts(ev)
	s := Summarize(start, counts)
	first, _ := Span(ev)
	last := ev[len(ev)-1].Time
	p := published{
		Requests: Total(ev), Span: last.Sub(first).Truncate(spanUnit), Minutes: s.Minutes,
		Mean: round(s.Mean, 1), P50: round(s.P50, 1), P99: round(s.P99, 1), Max: s.Max,
		PeakMean: round(s.PeakMean, 2), Jump: s.LargestJump, JumpAt: at(s.JumpAt),
		Rise: s.LargestRise, RiseAt: at(s.RiseAt), Fall: s.LargestFall, FallAt: at(s.FallAt),
		ZeroMinutes: s.ZeroMinutes,
	}
	if ev[0].Width == 0 {
		p.BusiestSecond = BusiestSecond(ev)
	}
	return p
}

func TestRealTraceStatistics(t *testing.T) {
	dir := traceDir(t)
	clockAt := func(t time.Time) string { return t.Format("2006-01-02 15:04") }
	tests := []struct {
		file, format string
		spanUnit     time.Duration
		at           func(time.Time) string
		want         published
	}{
		{
			file: "azure-llm-2023-code.csv", format: "azure-llm", spanUnit: time.Second, at: clockAt,
			want: published{
				Requests: 8819, Span: 57*time.Minute + 15*time.Second, Minutes: 56,
				Mean: 152.1, P50: 105, P99: 555.3, Max: 585, PeakMean: 3.85,
				Jump: 585, JumpAt: "2023-11-16 18:31", Rise: 585, RiseAt: "2023-11-16 18:31",
				Fall: -365, FallAt: "2023-11-16 18:21", ZeroMinutes: 13, BusiestSecond: 67,
			},
		},
		{
			file: "mooncake-fast25-conversation.jsonl", format: "mooncake", spanUnit: time.Millisecond,
			at: func(t time.Time) string { return "minute " + strconv.Itoa(int(t.Sub(DefaultBase)/time.Minute)) },
			want: published{
				Requests: 12031, Span: 3536999 * time.Millisecond, Minutes: 57,
				Mean: 204.7, P50: 208, P99: 247, Max: 247, PeakMean: 1.21,
				Jump: -71, JumpAt: "minute 37", Rise: 68, RiseAt: "minute 25", Fall: -71, FallAt: "minute 37",
				BusiestSecond: 28,
			},
		},
		{
			file: "worldcup98-per-minute.csv", format: "worldcup98", spanUnit: time.Minute, at: clockAt,
			want: published{
				Requests: 1352804107, Span: (87*24*60 + 29) * time.Minute, Minutes: 125308,
				Mean: 10795.8, P50: 3883.5, P99: 109924.6, Max: 229426, PeakMean: 21.25,
				Jump: 31935, JumpAt: "1998-05-12 06:40", Rise: 31935, RiseAt: "1998-05-12 06:40",
				Fall: -27464, FallAt: "1998-05-12 06:43", ZeroMinutes: 10,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			ev := readFile(t, tc.format, filepath.Join(dir, tc.file))
			got := summarizeFile(ev, tc.spanUnit, tc.at)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("statistics of %s (-want +got):\n%s", tc.file, diff)
			}
		})
	}
}

// TestCloudWatchJSONErrors: exports that cannot be replayed are refused with what is wrong.
func TestCloudWatchJSONErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"Label": "x"}`, "neither Datapoints"},
		{`{"Datapoints": [{"Timestamp": "2030-01-01T00:00:00Z", "Average": 3}]}`, "Datapoints[0] has no Sum"},
		{`{"Datapoints": [{"Timestamp": "yesterday", "Sum": 3}]}`, `"yesterday" is not an ISO 8601 time`},
		{`{"Datapoints": [{"Timestamp": "2030-01-01T00:00:00Z", "Sum": -1}]}`, "not a non-negative number"},
		{`{"Datapoints": [{"Timestamp": "2030-01-01T00:00:00Z", "Sum": 1}, {"Timestamp": "2030-01-01T00:00:00Z", "Sum": 2}]}`, "two datapoints at"},
		{`{"MetricDataResults": [{"Id": "m", "Timestamps": [1], "Values": []}]}`, "1 timestamps and 0 values"},
		{`not json`, "cloudwatch-json:"},
	}
	for _, tc := range tests {
		_, err := Builtin().Open("cloudwatch-json", strings.NewReader(tc.in), OpenOptions{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%s) = %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
}

func TestFormatsParseSmallInputs(t *testing.T) {
	base := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s string) time.Time { return base.Add(mustDur(s)) }
	tests := []struct {
		format, in string
		want       []Event
	}{
		{"azure-llm", "TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:17:03.9799600,4808,10\r\n2023-11-16 18:17:04.0000000,1,2",
			[]Event{
				{Time: time.Date(2023, 11, 16, 18, 17, 3, 979960000, time.UTC), Count: 1, Tokens: Tokens{Input: 4808, Output: 10, Known: true}},
				{Time: time.Date(2023, 11, 16, 18, 17, 4, 0, time.UTC), Count: 1, Tokens: Tokens{Input: 1, Output: 2, Known: true}},
			}},
		{"azure-llm", "TIMESTAMP\r\n2023-11-16 18:17:04.0000000\r\n",
			[]Event{{Time: time.Date(2023, 11, 16, 18, 17, 4, 0, time.UTC), Count: 1}}},
		{"mooncake", "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 0}\n{\"timestamp\": 1500, \"hash_ids\": [1,2]}\n",
			[]Event{{Time: base, Count: 1, Tokens: Tokens{Input: 1, Known: true}}, {Time: at("1.5s"), Count: 1}}},
		{"worldcup98", "period,count\n1998-04-30 21:30:00,2\n1998-04-30 21:31:00,11\n",
			[]Event{{Time: time.Date(1998, 4, 30, 21, 30, 0, 0, time.UTC), Width: time.Minute, Count: 2}, {Time: time.Date(1998, 4, 30, 21, 31, 0, 0, time.UTC), Width: time.Minute, Count: 11}}},
		{"counts-per-second", "time,count\n0,5\n1,0\n2.5,3\n",
			[]Event{{Time: base, Width: time.Second, Count: 5}, {Time: at("1s"), Width: time.Second, Count: 0}, {Time: at("2.5s"), Width: time.Second, Count: 3}}},
		{"counts-per-minute", "time,count\n2030-01-01T00:00:00Z,60\n2030-01-01 00:01:00,120\n",
			[]Event{{Time: base, Width: time.Minute, Count: 60}, {Time: at("1m"), Width: time.Minute, Count: 120}}},
		{"requests", "time\n0.25\n0.5\n",
			[]Event{{Time: at("250ms"), Count: 1}, {Time: at("500ms"), Count: 1}}},
		{"requests", "time,input_tokens,output_tokens\n0.25,100,7\n0.5,,\n",
			[]Event{{Time: at("250ms"), Count: 1, Tokens: Tokens{Input: 100, Output: 7, Known: true}}, {Time: at("500ms"), Count: 1}}},
		// get-metric-statistics as AWS CLI v2 prints it: unordered, ISO times, a gap.
		{"cloudwatch-json", `{"Label": "Invocations", "Datapoints": [
			{"Timestamp": "2030-01-01T00:03:00+00:00", "Sum": 7.0, "Unit": "None"},
			{"Timestamp": "2030-01-01T00:00:00+00:00", "Sum": 120.0, "Unit": "None"},
			{"Timestamp": "2030-01-01T00:01:00+00:00", "Sum": 60.0, "Unit": "None"}]}`,
			[]Event{{Time: base, Width: time.Minute, Count: 120}, {Time: at("1m"), Width: time.Minute, Count: 60}, {Time: at("3m"), Width: time.Minute, Count: 7}}},
		// get-metric-data: newest first, epoch seconds (AWS CLI v1), 10-second periods.
		{"cloudwatch-json", `{"MetricDataResults": [{"Id": "m1", "Label": "Invocations", "Timestamps": [1893456020, 1893456010, 1893456000], "Values": [3, 2, 1], "StatusCode": "Complete"}]}`,
			[]Event{{Time: base, Width: 10 * time.Second, Count: 1}, {Time: at("10s"), Width: 10 * time.Second, Count: 2}, {Time: at("20s"), Width: 10 * time.Second, Count: 3}}},
	}
	for _, tc := range tests {
		t.Run(tc.format+"/"+strings.SplitN(tc.in, "\n", 2)[0], func(t *testing.T) {
			r, err := Builtin().Open(tc.format, strings.NewReader(tc.in), OpenOptions{Base: base})
			if err != nil {
				t.Fatal(err)
			}
			got, err := ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func mustDur(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestFormatErrorsNameTheProblem(t *testing.T) {
	tests := []struct {
		format, in, want string
	}{
		{"azure-llm", "TIMESTAMP\r\nyesterday\r\n", `line 2: TIMESTAMP "yesterday"`},
		{"azure-llm", "WHEN,x\n", `no column "TIMESTAMP"`},
		{"mooncake", "{\"timestamp\": -5}\n", "line 1: missing or negative"},
		{"mooncake", "{\"timestamp\": 1}\nnot json\n", "line 2:"},
		{"worldcup98", "period,count\n1998-04-30 21:30:00,-2\n", `line 2: count "-2"`},
		{"counts-per-minute", "time,count\nnoon,2\n", `line 2: time "noon"`},
		{"nope", "", `unknown trace format "nope"`},
		{"requests", "time\n5\n1\n", "earlier than the previous one"},
		{"azure-llm", "TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:17:04.0000000,12,many\r\n", `line 2: GeneratedTokens "many" is not a whole number of tokens`},
		{"azure-llm", "TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:17:04.0000000,-1,3\r\n", `line 2: ContextTokens "-1"`},
		{"azure-llm", "TIMESTAMP,ContextTokens\r\n", `has a "ContextTokens" column but no "GeneratedTokens" column`},
		{"requests", "time,output_tokens\n1,2\n", `has a "output_tokens" column but no "input_tokens" column`},
		{"requests", "time,input_tokens,output_tokens\n1,5,\n", `line 2: output_tokens "" is not a whole number`},
		{"mooncake", "{\"timestamp\": 1, \"input_length\": 10}\n", `line 1: give both "input_length" and "output_length" or neither`},
		{"mooncake", "{\"timestamp\": 1, \"input_length\": 10, \"output_length\": -1}\n", "line 1: token counts input_length 10, output_length -1"},
	}
	for _, tc := range tests {
		t.Run(tc.format+"/"+tc.want, func(t *testing.T) {
			r, err := Builtin().Open(tc.format, strings.NewReader(tc.in), OpenOptions{})
			if err == nil {
				_, err = ReadAll(r)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestPercentileMatchesNumpy(t *testing.T) {
	v := []float64{1, 2, 3, 4}
	got := []float64{Percentile(v, 0), Percentile(v, 50), Percentile(v, 99), Percentile(v, 100)}
	want := []float64{1, 2.5, 3.97, 4}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Error(diff)
	}
}

func TestTransformAndArrivals(t *testing.T) {
	base := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	ev := []Event{{Time: base, Width: time.Minute, Count: 4}, {Time: base.Add(time.Minute), Width: time.Minute, Count: 2}}
	tr := Transform(ev, Options{Compress: 2, Scale: 0.5})
	want := []Event{{Time: base, Width: 30 * time.Second, Count: 2}, {Time: base.Add(30 * time.Second), Width: 30 * time.Second, Count: 1}}
	if diff := cmp.Diff(want, tr); diff != "" {
		t.Fatalf("Transform (-want +got):\n%s", diff)
	}
	a := NewArrivals(tr, SpreadEven, 1)
	var got []time.Duration
	for {
		at, ok := a.Next()
		if !ok {
			break
		}
		got = append(got, at.Sub(base))
	}
	wantAt := []time.Duration{7500 * time.Millisecond, 22500 * time.Millisecond, 45 * time.Second}
	if diff := cmp.Diff(wantAt, got); diff != "" {
		t.Errorf("even arrivals (-want +got):\n%s", diff)
	}
}

func TestTokensFollowTheirRequests(t *testing.T) {
	base := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	a := Tokens{Input: 100, Output: 10, Known: true}
	b := Tokens{Input: 3000, Output: 1, Known: true}
	ev := []Event{
		{Time: base, Count: 1, Tokens: a},
		{Time: base.Add(time.Second), Count: 1},
		{Time: base.Add(2 * time.Second), Count: 1, Tokens: b},
	}
	tr := Transform(ev, Options{Compress: 2, Scale: 2})
	want := []Event{
		{Time: base, Count: 2, Tokens: a},
		{Time: base.Add(500 * time.Millisecond), Count: 2},
		{Time: base.Add(time.Second), Count: 2, Tokens: b},
	}
	if diff := cmp.Diff(want, tr); diff != "" {
		t.Fatalf("Transform (-want +got):\n%s", diff)
	}
	type req struct {
		At     time.Duration
		Tokens Tokens
	}
	var got []req
	arr := NewArrivals(tr, SpreadEven, 1)
	for {
		at, ok := arr.Peek()
		if !ok {
			break
		}
		got = append(got, req{at.Sub(base), arr.PeekTokens()})
		arr.Next()
	}
	wantReq := []req{{0, a}, {0, a}, {500 * time.Millisecond, Tokens{}}, {500 * time.Millisecond, Tokens{}}, {time.Second, b}, {time.Second, b}}
	if diff := cmp.Diff(wantReq, got); diff != "" {
		t.Errorf("arrivals (-want +got):\n%s", diff)
	}
	in, out, n := MeanTokens(ev)
	if diff := cmp.Diff([3]float64{1550, 5.5, 2}, [3]float64{in, out, n}); diff != "" {
		t.Errorf("MeanTokens (-want +got):\n%s", diff)
	}
	if in, out, n := MeanTokens(ev[1:2]); in != 0 || out != 0 || n != 0 {
		t.Errorf("MeanTokens without counts = %v, %v, %v; want zeros", in, out, n)
	}
}

func TestRealLLMTracesCarryTokens(t *testing.T) {
	dir := traceDir(t)
	tests := []struct {
		file, format string
		want         [3]float64 // mean input, mean output (rounded to 0.01), requests with counts
	}{
		{"azure-llm-2023-code.csv", "azure-llm", [3]float64{2047.85, 27.88, 8819}},
		{"mooncake-fast25-conversation.jsonl", "mooncake", [3]float64{12035.06, 342.62, 12031}},
		{"worldcup98-per-minute.csv", "worldcup98", [3]float64{0, 0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			in, out, n := MeanTokens(readFile(t, tc.format, filepath.Join(dir, tc.file)))
			if diff := cmp.Diff(tc.want, [3]float64{round(in, 2), round(out, 2), n}); diff != "" {
				t.Errorf("token means of %s (-want +got):\n%s", tc.file, diff)
			}
		})
	}
}

func TestRandomSpreadsKeepTheRate(t *testing.T) {
	base := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	var ev []Event
	for i := range 2000 {
		ev = append(ev, Event{Time: base.Add(time.Duration(i) * time.Minute), Width: time.Minute, Count: 37.5})
	}
	for _, sp := range []Spread{SpreadEven, SpreadUniform, SpreadPoisson} {
		a := NewArrivals(ev, sp, 7)
		n := 0
		var last time.Time
		for {
			at, ok := a.Next()
			if !ok {
				break
			}
			if at.Before(last) {
				t.Fatalf("%s: arrivals out of order at %d", sp, n)
			}
			last = at
			n++
		}
		mean := float64(n) / 2000
		if math.Abs(mean-37.5) > 0.5 {
			t.Errorf("%s: mean arrivals per bucket = %v, want about 37.5", sp, mean)
		}
	}
	// Same seed, same draws.
	a, b := NewArrivals(ev[:10], SpreadPoisson, 3), NewArrivals(ev[:10], SpreadPoisson, 3)
	for {
		x, ok1 := a.Next()
		y, ok2 := b.Next()
		if ok1 != ok2 || !x.Equal(y) {
			t.Fatal("same seed gave different arrivals")
		}
		if !ok1 {
			break
		}
	}
}

func TestRegistryRejectsDuplicatesAndNamesFormats(t *testing.T) {
	if _, err := NewRegistry(CountsPerMinute(), CountsPerMinute()); err == nil || !strings.Contains(err.Error(), `duplicate format "counts-per-minute"`) {
		t.Errorf("duplicate registration error = %v", err)
	}
	want := []string{"azure-llm", "cloudwatch-json", "counts-per-minute", "counts-per-second", "mooncake", "requests", "worldcup98"}
	if diff := cmp.Diff(want, Builtin().Names()); diff != "" {
		t.Errorf("Names (-want +got):\n%s", diff)
	}
}

func TestScalingSingleRequests(t *testing.T) {
	base := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	var ev []Event
	for i := range 10000 {
		ev = append(ev, Event{Time: base.Add(time.Duration(i) * time.Second), Count: 1})
	}
	count := func(a *Arrivals) int {
		n := 0
		for {
			if _, ok := a.Next(); !ok {
				return n
			}
			n++
		}
	}
	// Even spreading carries the fraction: exactly 2,500 of 10,000 at scale 1/4.
	if got := count(NewArrivals(Transform(ev, Options{Scale: 0.25}), SpreadEven, 1)); got != 2500 {
		t.Errorf("even thinning kept %d requests, want 2500", got)
	}
	// Random thinning keeps about a quarter.
	if got := count(NewArrivals(Transform(ev, Options{Scale: 0.25}), SpreadUniform, 1)); got < 2300 || got > 2700 {
		t.Errorf("random thinning kept %d requests, want about 2500", got)
	}
	// Scaling up repeats requests: 2.5 per request on average, exactly with even.
	if got := count(NewArrivals(Transform(ev, Options{Scale: 2.5}), SpreadEven, 1)); got != 25000 {
		t.Errorf("even scaling up gave %d requests, want 25000", got)
	}
	// Compression halves the span.
	tr := Transform(ev, Options{Compress: 2})
	if _, end := Span(tr); end.Sub(base) != 9999*time.Second/2 {
		t.Errorf("compressed span ends at %s, want %s", end.Sub(base), 9999*time.Second/2)
	}
}
