package mathexpr

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/model"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

func pts(vals ...float64) []metrics.Sample {
	var out []metrics.Sample
	for i := 0; i+1 < len(vals); i += 2 {
		out = append(out, metrics.Sample{Time: at(int(vals[i])), Value: vals[i+1]})
	}
	return out
}

// fakeSource answers by metric name and statistic and records the queries it saw.
type fakeSource struct {
	data map[string][]metrics.Sample // "Name/Stat"
	seen []metrics.Query
}

func (f *fakeSource) Query(ctx context.Context, q metrics.Query) ([]metrics.Sample, error) {
	f.seen = append(f.seen, q)
	if q.Metric.Name == "Broken" {
		return nil, errors.New("backend down")
	}
	s, ok := f.data[q.Metric.Name+"/"+q.Statistic]
	if !ok {
		return nil, metrics.ErrNoData
	}
	return s, nil
}

func stat(id, name, st string, ret bool) model.MetricDataQuery {
	return model.MetricDataQuery{ID: id, MetricStat: &model.MetricStat{Namespace: "NS", MetricName: name, Stat: st, Period: 60}, ReturnData: &ret}
}

func expr(id, e string) model.MetricDataQuery { return model.MetricDataQuery{ID: id, Expression: e} }

func TestEvaluate(t *testing.T) {
	src := &fakeSource{data: map[string][]metrics.Sample{
		"Errors/Sum":   pts(0, 2, 1, 4, 3, 6),
		"Requests/Sum": pts(0, 10, 1, 20, 2, 30, 3, 0),
		"Busy/Average": pts(0, 1, 2, 3),
	}}
	tests := []struct {
		name    string
		queries []model.MetricDataQuery
		want    map[string][]metrics.Sample
	}{
		{"single metric", []model.MetricDataQuery{stat("m1", "Errors", "Sum", true)},
			map[string][]metrics.Sample{"m1": pts(0, 2, 1, 4, 3, 6)}},
		{"ratio drops division by zero and unmatched timestamps",
			[]model.MetricDataQuery{stat("m1", "Errors", "Sum", false), stat("m2", "Requests", "Sum", false), expr("e1", "100*m1/m2")},
			map[string][]metrics.Sample{"e1": pts(0, 20, 1, 20)}},
		{"SUM(METRICS()) per timestamp",
			[]model.MetricDataQuery{stat("m1", "Errors", "Sum", false), stat("m2", "Requests", "Sum", false), expr("e1", "SUM(METRICS())")},
			map[string][]metrics.Sample{"e1": pts(0, 12, 1, 24, 2, 30, 3, 6)}},
		{"METRICS filter and AVG",
			[]model.MetricDataQuery{stat("errors", "Errors", "Sum", false), stat("m2", "Requests", "Sum", false), expr("e1", "AVG(METRICS(\"err\"))")},
			map[string][]metrics.Sample{"e1": pts(0, 2, 1, 4, 3, 6)}},
		{"scalar functions of one series",
			[]model.MetricDataQuery{stat("m1", "Errors", "Sum", false), expr("e1", "m1 - MIN(m1) + MAX(m1) / 2 - SUM(m1) * 0")},
			map[string][]metrics.Sample{"e1": pts(0, 3, 1, 5, 3, 7)}},
		{"array literal MAX and arithmetic precedence",
			[]model.MetricDataQuery{stat("m1", "Errors", "Sum", false), stat("m2", "Busy", "Average", false), expr("e1", "MAX([m1, m2]) + 2 ^ 2 * -1")},
			map[string][]metrics.Sample{"e1": pts(0, -2, 1, 0, 2, -1, 3, 2)}},
		{"FILL with a number",
			[]model.MetricDataQuery{stat("m1", "Errors", "Sum", false), expr("e1", "FILL(m1, 0)")},
			map[string][]metrics.Sample{"e1": pts(0, 2, 1, 4, 2, 0, 3, 6, 4, 0)}},
		{"FILL REPEAT and LINEAR",
			[]model.MetricDataQuery{stat("m1", "Errors", "Sum", false), expr("e1", "FILL(m1, REPEAT)"), expr("e2", "FILL(m1, LINEAR)")},
			map[string][]metrics.Sample{"e1": pts(0, 2, 1, 4, 2, 4, 3, 6, 4, 6), "e2": pts(0, 2, 1, 4, 2, 5, 3, 6, 4, 6)}},
		{"IF with comparison",
			[]model.MetricDataQuery{stat("m1", "Errors", "Sum", false), expr("e1", "IF(m1 > 3 AND m1 != 6, m1, 0)"), expr("e2", "IF(m1 >= 4, m1)")},
			map[string][]metrics.Sample{"e1": pts(0, 0, 1, 4, 3, 0), "e2": pts(1, 4, 3, 6)}},
		{"expressions referencing expressions, ABS",
			[]model.MetricDataQuery{stat("m1", "Errors", "Sum", false), {ID: "e1", Expression: "m1 - 5", ReturnData: ptr(false)}, expr("e2", "ABS(e1) * PERIOD(m1)")},
			map[string][]metrics.Sample{"e2": pts(0, 180, 1, 60, 3, 60)}},
		{"no data is an empty series",
			[]model.MetricDataQuery{stat("m1", "Missing", "Sum", false), expr("e1", "m1 * 2")},
			map[string][]metrics.Sample{"e1": {}}},
		{"scalar result covers the window",
			[]model.MetricDataQuery{expr("e1", "(1 + 2) * 3")},
			map[string][]metrics.Sample{"e1": pts(0, 9, 1, 9, 2, 9, 3, 9, 4, 9)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Evaluate(context.Background(), src, "acct", tt.queries, at(0), at(5), time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestRunArrayLabelsAndQuery(t *testing.T) {
	src := &fakeSource{data: map[string][]metrics.Sample{"A/Sum": pts(0, 1), "B/Sum": pts(0, 2)}}
	qs := []model.MetricDataQuery{stat("m1", "A", "Sum", false), stat("m2", "B", "Sum", false), {ID: "e1", Expression: "METRICS() * 10", Label: "x10"}}
	got, err := Run(context.Background(), src, "acct", qs, at(0), at(1), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []Result{{ID: "e1", Label: "x10 A", Samples: pts(0, 10)}, {ID: "e1", Label: "x10 B", Samples: pts(0, 20)}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
	wantQ := metrics.Query{Metric: metrics.MetricID{Account: "acct", Namespace: "NS", Name: "A"}, Statistic: "Sum", Start: at(0), End: at(1), Period: time.Minute}
	if diff := cmp.Diff(wantQ, src.seen[0]); diff != "" {
		t.Error(diff)
	}
	if _, err := Evaluate(context.Background(), src, "acct", qs, at(0), at(1), 0); err == nil || !strings.Contains(err.Error(), "several time series") {
		t.Errorf("Evaluate of an array: err = %v", err)
	}
}

func TestErrors(t *testing.T) {
	m1 := stat("m1", "A", "Sum", false)
	tests := []struct {
		name    string
		queries []model.MetricDataQuery
		want    string
	}{
		{"trailing operator", []model.MetricDataQuery{m1, expr("e1", "m1 +")}, `query "e1": invalid metric query: invalid expression "m1 +" at position 5: unexpected end of the expression`},
		{"bad character", []model.MetricDataQuery{m1, expr("e1", "m1 $ 2")}, `at position 4: unexpected character '$'`},
		{"unclosed paren", []model.MetricDataQuery{m1, expr("e1", "(m1 * 2")}, `missing ")"`},
		{"unknown function", []model.MetricDataQuery{m1, expr("e1", "RATE2(m1)")}, `unknown function RATE2`},
		{"uppercase id", []model.MetricDataQuery{m1, expr("e1", "M1 + 1")}, `"M1" is not a query id`},
		{"unknown reference", []model.MetricDataQuery{m1, expr("e1", "m9 + 1")}, `refers to "m9", which is not the id of a query`},
		{"cycle", []model.MetricDataQuery{expr("e1", "e2 + 1"), expr("e2", "e1 * 2")}, `cycle`},
		{"duplicate id", []model.MetricDataQuery{m1, m1, expr("e1", "m1")}, `used by more than one query`},
		{"bad id", []model.MetricDataQuery{expr("E1", "1")}, `must be 1 to 255 letters`},
		{"both", []model.MetricDataQuery{{ID: "e1", Expression: "1", MetricStat: m1.MetricStat}}, `not both`},
		{"neither", []model.MetricDataQuery{{ID: "e1"}}, `either MetricStat or Expression is required`},
		{"nothing returned", []model.MetricDataQuery{m1}, `no query has ReturnData`},
		{"empty expression", []model.MetricDataQuery{expr("e1", "  ")}, `the expression is empty`},
		{"arity", []model.MetricDataQuery{m1, expr("e1", "FILL(m1)")}, `FILL takes 2 argument(s), got 1`},
		{"FILL keyword", []model.MetricDataQuery{m1, expr("e1", "FILL(m1, m1)")}, `FILL's second argument must be a number, REPEAT or LINEAR`},
		{"two arrays", []model.MetricDataQuery{m1, expr("e1", "METRICS() + METRICS()")}, `cannot combine two arrays`},
		{"string result", []model.MetricDataQuery{m1, expr("e1", `"x"`)}, `does not produce a number or a time series`},
		{"backend error", []model.MetricDataQuery{stat("m1", "Broken", "Sum", true)}, `query "m1": reading NS/Broken Sum: backend down`},
		{"deep nesting", []model.MetricDataQuery{expr("e1", strings.Repeat("(", 300)+"1"+strings.Repeat(")", 300))}, `nested too deeply`},
	}
	src := &fakeSource{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Evaluate(context.Background(), src, "acct", tt.queries, at(0), at(5), time.Minute)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if tt.name != "backend error" && !errors.Is(err, ErrInvalid) {
				t.Errorf("err %v is not ErrInvalid", err)
			}
		})
	}
}

func TestFromTargetTracking(t *testing.T) {
	in := []model.TargetTrackingMetricDataQuery{
		{ID: "m1", ReturnData: ptr(false), MetricStat: &model.TargetTrackingMetricStat{Metric: model.TargetTrackingMetric{Namespace: "NS", MetricName: "A", Dimensions: []model.MetricDimension{{Name: "D", Value: "1"}}}, Stat: "Sum", Unit: "Count"}},
		{ID: "e1", Expression: "m1 / 60", Label: "per second"},
	}
	want := []model.MetricDataQuery{
		{ID: "m1", ReturnData: ptr(false), MetricStat: &model.MetricStat{Namespace: "NS", MetricName: "A", Dimensions: []model.MetricDimension{{Name: "D", Value: "1"}}, Period: 60, Stat: "Sum", Unit: "Count"}},
		{ID: "e1", Expression: "m1 / 60", Label: "per second"},
	}
	got := FromTargetTracking(in, 60)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
	if err := Validate(got); err != nil {
		t.Error(err)
	}
}
