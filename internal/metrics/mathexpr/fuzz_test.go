package mathexpr

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/model"
)

// FuzzExpression feeds arbitrary metric-math expressions, alongside two metric queries,
// through validation and evaluation: nothing panics, an invalid expression is an ErrInvalid
// error that says why, and evaluation of a valid one returns finite values only.
func FuzzExpression(f *testing.F) {
	for _, e := range []string{
		"m1", "100*m1/m2", "SUM(METRICS())", "AVG(METRICS(\"m\"))", "MAX([m1, m2]) + 2 ^ 2 * -1",
		"FILL(m1, 0)", "FILL(m1, REPEAT)", "IF(m1 > m2, m1, m2)", "RATE(m1)", "DIFF(m2)",
		"m1 / 0", "((((m1))))", "-(-m1)", "SUM([m1, [m2]])", "m1 +", "\"unterminated", "e1", "METRICS(1)",
		"2 ^ 2000", "LOG(m1 - m1)", "SQRT(-m1)", "ABS(m1) AND m2", "m1 != m2 || m1 == 0",
	} {
		f.Add(e)
	}
	src := &fakeSource{data: map[string][]metrics.Sample{
		"Errors/Sum":   pts(-4, 2, -3, 0, -1, 6, 0, -1),
		"Requests/Sum": pts(-4, 10, -3, 20, -2, 30, 0, 0),
	}}
	f.Fuzz(func(t *testing.T, e string) {
		src.seen = nil
		qs := []model.MetricDataQuery{stat("m1", "Errors", "Sum", false), stat("m2", "Requests", "Sum", false), expr("e1", e)}
		err := Validate(qs)
		if err != nil {
			if !errors.Is(err, ErrInvalid) || err.Error() == "" {
				t.Fatalf("Validate(%q) = %v; want an ErrInvalid with a message", e, err)
			}
			return
		}
		out, err := Evaluate(context.Background(), src, "acct", qs, at(-5), at(5), 0)
		if err != nil {
			return // data-dependent failures (no data, mismatched shapes) are fine
		}
		for id, ss := range out {
			for _, s := range ss {
				if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
					t.Fatalf("Evaluate(%q): %s has a non-finite value %v", e, id, s.Value)
				}
			}
		}
	})
}
