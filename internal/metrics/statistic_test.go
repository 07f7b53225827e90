package metrics

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scaled-dev/scaled/internal/metrics/sketch"
)

func TestParseExtendedStatistic(t *testing.T) {
	ninf, inf := math.Inf(-1), math.Inf(1)
	pct := func(name string, k ExtendedKind, lo, hi float64) ExtendedStatistic {
		return ExtendedStatistic{Name: name, Kind: k, Percent: true, Lower: lo, Upper: hi}
	}
	val := func(name string, k ExtendedKind, lo, hi float64) ExtendedStatistic {
		return ExtendedStatistic{Name: name, Kind: k, Lower: lo, Upper: hi}
	}
	valid := []ExtendedStatistic{
		{Name: "p99", Kind: Percentile, Quantile: 0.99},
		{Name: "p99.9", Kind: Percentile, Quantile: 0.999},
		{Name: "p0", Kind: Percentile, Quantile: 0},
		{Name: "p100", Kind: Percentile, Quantile: 1},
		{Name: "p12.0123456789", Kind: Percentile, Quantile: 0.120123456789},
		pct("tm90", TrimmedMean, 0, 0.9),
		pct("tm99", TrimmedMean, 0, 0.99),
		pct("tm99.5", TrimmedMean, 0, 0.995),
		pct("tm100", TrimmedMean, 0, 1),
		pct("tm0", TrimmedMean, 0, 0),
		pct("wm98", WinsorizedMean, 0, 0.98),
		pct("tc90", TrimmedCount, 0, 0.9),
		pct("ts90", TrimmedSum, 0, 0.9),
		pct("IQM", TrimmedMean, 0.25, 0.75),
		pct("TM(2%:98%)", TrimmedMean, 0.02, 0.98),
		pct("TM(:95%)", TrimmedMean, 0, 0.95),
		pct("TM(10%:)", TrimmedMean, 0.1, 1),
		pct("TM(10%:99%)", TrimmedMean, 0.1, 0.99),
		pct("TM(0.5%:99.5%)", TrimmedMean, 0.005, 0.995),
		pct("TM(99%:100%)", TrimmedMean, 0.99, 1),
		pct("TM(50%:50%)", TrimmedMean, 0.5, 0.5),
		pct("WM(10%:90%)", WinsorizedMean, 0.1, 0.9),
		pct("TC(10%:90%)", TrimmedCount, 0.1, 0.9),
		pct("TS(80%:)", TrimmedSum, 0.8, 1),
		val("TM(150:1000)", TrimmedMean, 150, 1000),
		val("TM(:0.5)", TrimmedMean, ninf, 0.5),
		val("TC(0.005:0.030)", TrimmedCount, 0.005, 0.03),
		val("TC(80:500)", TrimmedCount, 80, 500),
		val("TS(100:)", TrimmedSum, 100, inf),
		val("WM(150:1000)", WinsorizedMean, 150, 1000),
		val("PR(:300)", PercentileRank, ninf, 300),
		val("PR(100:2000)", PercentileRank, 100, 2000),
		val("PR(10:)", PercentileRank, 10, inf),
		val("PR(0:1)", PercentileRank, 0, 1),
		val("PR(:1.0000000001)", PercentileRank, ninf, 1.0000000001),
	}
	for _, want := range valid {
		got, err := ParseExtendedStatistic(want.Name)
		if err != nil {
			t.Errorf("ParseExtendedStatistic(%q): %v", want.Name, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ParseExtendedStatistic(%q) (-want +got)\n%s", want.Name, diff)
		}
		if err := ValidateStatistic(want.Name); err != nil {
			t.Errorf("ValidateStatistic(%q): %v", want.Name, err)
		}
	}

	// Invalid spellings, with a word the error must contain.
	invalid := []struct{ in, says string }{
		{"", "not an extended statistic"},
		{"Average", "not an extended statistic"},
		{"p101", "0 to 100"},
		{"p100.1", "0 to 100"},
		{"p099", "0 to 100"},
		{"p99.", "0 to 100"},
		{"p99.12345678901", "ten decimals"},
		{"p", "0 to 100"},
		{"P99", "not an extended statistic"},
		{"p-1", "0 to 100"},
		{"TM90", "written tm followed by a percentage"},
		{"Tm90", "written tm"},
		{"tm", "tm followed by"},
		{"tm101", "0 to 100"},
		{"tm(10%:90%)", "upper case, as TM(10%:90%)"},
		{"tc(:0.5)", "upper case"},
		{"pr(:300)", "percentile rank is written PR"},
		{"PR90", "percentile rank is written PR"},
		{"pr90", "percentile rank is written PR"},
		{"iqm", "written IQM"},
		{"IQM(25%:75%)", "written IQM"},
		{"TM()", "colon"},
		{"TM(:)", "at least one bound"},
		{"PR(:)", "at least one bound"},
		{"TM(10%)", "colon"},
		{"TM(10%:90%", "parentheses"},
		{"TM((10%:90%))", "parentheses"},
		{"TM(10%:90%:95%)", "colon"},
		{"TM(10%:500)", "both bounds must be percentages, or both values"},
		{"TM(10:50%)", "both bounds must be percentages, or both values"},
		{"TM(90%:10%)", "exceeds"},
		{"TM(500:100)", "exceeds"},
		{"TM(10%:101%)", "0 to 100"},
		{"TM(-1:5)", "non-negative"},
		{"TM(1e3:)", "non-negative number"},
		{"TM(:.5)", "non-negative number"},
		{"TM(:5.)", "non-negative number"},
		{"TM( 10%:90%)", "0 to 100"},
		{"TM(:0.12345678901)", "ten decimals"},
		{"PR(10%:90%)", "values, not percentages"},
		{"PR(:90%)", "values, not percentages"},
		{"XX(1:2)", "not an extended statistic"},
	}
	for _, tt := range invalid {
		_, err := ParseExtendedStatistic(tt.in)
		var se *StatisticError
		if !errors.As(err, &se) || !errors.Is(err, ErrInvalidStatistic) {
			t.Errorf("ParseExtendedStatistic(%q) = %v, want a *StatisticError", tt.in, err)
			continue
		}
		if se.Statistic != tt.in || !strings.Contains(err.Error(), tt.says) || !strings.Contains(err.Error(), `"`+tt.in+`"`) {
			t.Errorf("ParseExtendedStatistic(%q) = %q, want it to name the statistic and say %q", tt.in, err, tt.says)
		}
		if err := ValidateStatistic(tt.in); err == nil && tt.in != "Average" {
			t.Errorf("ValidateStatistic(%q) = nil", tt.in)
		}
	}
}

func TestValidateStatistic(t *testing.T) {
	for _, s := range []string{"SampleCount", "Average", "Sum", "Minimum", "Maximum", "p50", "tm90", "IQM", "PR(:300)", "TC(10%:90%)"} {
		if err := ValidateStatistic(s); err != nil {
			t.Errorf("ValidateStatistic(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"average", "Avg", "Count", "", "TM90"} {
		err := ValidateStatistic(s)
		if !errors.Is(err, ErrInvalidStatistic) || !strings.Contains(err.Error(), `"`+s+`"`) {
			t.Errorf("ValidateStatistic(%q) = %v, want an error naming it", s, err)
		}
	}
	if err := ValidateStatistic("average"); !strings.Contains(err.Error(), "SampleCount, Average, Sum, Minimum, Maximum") {
		t.Errorf("ValidateStatistic(average) = %v, want the standard statistics listed", err)
	}
}

func TestParsePercentileOfOtherExtendedStatistics(t *testing.T) {
	for _, s := range []string{"tm90", "IQM", "PR(:300)", "WM(10%:90%)"} {
		if _, err := ParsePercentile(s); !errors.Is(err, ErrUnsupportedExtendedStatistic) {
			t.Errorf("ParsePercentile(%q) = %v, want ErrUnsupportedExtendedStatistic", s, err)
		}
	}
	for _, s := range []string{"tmx", "TM90", "pr90"} {
		if _, err := ParsePercentile(s); !errors.Is(err, ErrInvalidStatistic) {
			t.Errorf("ParsePercentile(%q) = %v, want ErrInvalidStatistic", s, err)
		}
	}
}

// TestCompute checks every statistic and form on small data sets computed by hand.
func TestCompute(t *testing.T) {
	sk := func(vals ...float64) *sketch.Sketch {
		s := sketch.New()
		for _, v := range vals {
			s.Add(v, 1)
		}
		return s
	}
	one2ten := sk(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	lat := sk(100, 250, 350, 500) // request latencies
	withZeros := sk(0, 0, 5, 5, 5, 100)
	type res struct {
		V  float64
		OK bool
	}
	tests := []struct {
		stat string
		s    *sketch.Sketch
		want res
	}{
		{"p50", one2ten, res{5, true}},
		{"p90", one2ten, res{9, true}},
		// trimmed mean
		{"tm90", one2ten, res{5, true}},               // mean of 1..9
		{"tm95", one2ten, res{50 / 9.5, true}},        // 1..9 and half of 10
		{"TM(10%:90%)", one2ten, res{5.5, true}},      // 2..9
		{"TM(:90%)", one2ten, res{5, true}},           // = tm90
		{"TM(80%:)", one2ten, res{9.5, true}},         // 9, 10
		{"IQM", one2ten, res{5.5, true}},              // half 3, 4..7, half 8: 27.5/5
		{"IQM", sk(1, 2, 4, 100), res{3, true}},       // middle two
		{"TM(2:5)", one2ten, res{4, true}},            // 3, 4, 5
		{"TM(:0.5)", withZeros, res{0, true}},         // the zeros
		{"TM(0:10)", withZeros, res{5, true}},         // 5, 5, 5 (0 excluded)
		{"TM(150:1000)", lat, res{1100. / 3, true}},   // 250, 350, 500
		{"TM(600:)", lat, res{0, false}},              // nothing: no mean
		{"TM(50%:50%)", one2ten, res{0, false}},       // empty range
		{"tm100", one2ten, res{5.5, true}},            // everything
		{"tm90", sk(10, 20, 30), res{51 / 2.7, true}}, // 10, 20 and 0.7 of 30
		// winsorized mean
		{"wm80", one2ten, res{5.2, true}},           // 9, 10 -> 8
		{"WM(10%:90%)", one2ten, res{5.5, true}},    // 1 -> 2, 10 -> 9
		{"WM(3:7)", one2ten, res{5.2, true}},        // 3,3,3,4,5,6,7,7,7,7
		{"WM(:300)", lat, res{237.5, true}},         // 100, 250, 300, 300
		{"WM(200:)", lat, res{325, true}},           // 200, 250, 350, 500
		{"WM(1:50)", withZeros, res{67. / 6, true}}, // 1,1,5,5,5,50
		// trimmed count
		{"tc90", one2ten, res{9, true}},
		{"TC(10%:90%)", one2ten, res{8, true}},
		{"TC(:0.5)", withZeros, res{2, true}},
		{"TC(0.005:0.030)", sk(0.001, 0.005, 0.01, 0.03, 0.05), res{2, true}}, // 0.01, 0.03
		{"TC(80:500)", lat, res{4, true}},
		{"TC(600:)", lat, res{0, true}},
		// trimmed sum
		{"ts90", one2ten, res{45, true}},
		{"TS(80%:)", one2ten, res{19, true}},
		{"TS(10%:90%)", one2ten, res{44, true}},
		{"TS(100:400)", lat, res{600, true}}, // 250, 350
		// percentile rank
		{"PR(:300)", lat, res{50, true}},
		{"PR(100:2000)", lat, res{75, true}}, // 100 excluded
		{"PR(:100)", lat, res{25, true}},
		{"PR(500:)", lat, res{0, true}},
		{"PR(:0)", withZeros, res{100. / 3, true}},
		// negative values: nothing
		{"tm90", sk(-1, 5), res{}},
		{"PR(:300)", sk(-1, 5), res{}},
		{"TC(10%:90%)", sk(-1, 5), res{}},
		{"WM(1:2)", sk(-1, 5), res{}},
		{"IQM", sketch.New(), res{}},
	}
	for _, tt := range tests {
		e, err := ParseExtendedStatistic(tt.stat)
		if err != nil {
			t.Fatal(err)
		}
		var got res
		got.V, got.OK = e.Compute(tt.s)
		if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(sketch.RelativeAccuracy, 1e-9)); diff != "" {
			t.Errorf("%s (-want +got)\n%s", tt.stat, diff)
		}
	}
	if _, ok := (ExtendedStatistic{Kind: TrimmedMean}).Compute(nil); ok {
		t.Error("Compute(nil) is ok")
	}
}

func BenchmarkParseExtendedStatistic(b *testing.B) {
	for _, stat := range []string{"p99.9", "tm90", "IQM", "TM(10%:90%)", "PR(100:2000)"} {
		b.Run(stat, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseExtendedStatistic(stat); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// FuzzParseExtendedStatistic checks that no input panics and that every accepted
// statistic has well-formed bounds.
func FuzzParseExtendedStatistic(f *testing.F) {
	for _, s := range []string{"p99", "tm90", "IQM", "TM(10%:90%)", "PR(:300)", "TC(0.005:0.030)", "TM(", "tm(", "PR(:", "p", "", "TM(:)", "IQ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseExtendedStatistic(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidStatistic) || !strings.Contains(err.Error(), strconvQuote(s)) {
				t.Fatalf("ParseExtendedStatistic(%q) = %v, want an error naming it", s, err)
			}
			return
		}
		switch {
		case e.Name != s:
			t.Fatalf("Name = %q, want %q", e.Name, s)
		case e.Kind == Percentile && !(e.Quantile >= 0 && e.Quantile <= 1):
			t.Fatalf("%q: quantile %v", s, e.Quantile)
		case e.Kind != Percentile && !(e.Lower <= e.Upper):
			t.Fatalf("%q: bounds %v > %v", s, e.Lower, e.Upper)
		case e.Percent && !(e.Lower >= 0 && e.Upper <= 1):
			t.Fatalf("%q: percentage bounds %v, %v", s, e.Lower, e.Upper)
		case !e.Percent && e.Kind != Percentile && (e.Lower < 0 && !math.IsInf(e.Lower, -1)):
			t.Fatalf("%q: negative lower bound %v", s, e.Lower)
		}
	})
}

func strconvQuote(s string) string { return fmt.Sprintf("%q", s) }
