package mathexpr

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/model"
)

// QueryError is an error about one query of a request: a bad id, a malformed expression,
// an unknown reference or a failed metric read. It wraps the underlying error.
type QueryError struct {
	ID  string
	Err error
}

func (e *QueryError) Error() string { return fmt.Sprintf("query %q: %v", e.ID, e.Err) }
func (e *QueryError) Unwrap() error { return e.Err }

// ErrInvalid marks validation failures (as opposed to failures reading metrics); test with
// errors.Is.
var ErrInvalid = errors.New("invalid metric query")

func invalid(id, format string, args ...any) error {
	return &QueryError{ID: id, Err: fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))}
}

// Result is one time series a query returned. An expression producing an array of time
// series yields several Results with the same ID.
type Result struct {
	ID      string
	Label   string
	Samples []metrics.Sample
}

// Limits of the CloudWatch model.
const (
	MaxQueries          = 500
	MaxExpressionLength = 2048
)

var idPattern = regexp.MustCompile(`^[a-z][a-zA-Z0-9_]*$`)

// compiled is a validated request.
type compiled struct {
	queries []model.MetricDataQuery
	byID    map[string]int
	exprs   map[string]node
}

// Validate checks a request without reading metrics: ids (pattern, uniqueness), that each
// query has exactly one of MetricStat and Expression, that expressions parse, reference
// existing ids and have no cycles, and that at least one query returns data.
func Validate(queries []model.MetricDataQuery) error {
	_, err := compile(queries)
	return err
}

func compile(queries []model.MetricDataQuery) (*compiled, error) {
	if len(queries) == 0 {
		return nil, fmt.Errorf("%w: at least one metric data query is required", ErrInvalid)
	}
	if len(queries) > MaxQueries {
		return nil, fmt.Errorf("%w: %d metric data queries exceed the limit of %d", ErrInvalid, len(queries), MaxQueries)
	}
	c := &compiled{queries: queries, byID: make(map[string]int, len(queries)), exprs: map[string]node{}}
	returning := 0
	for i, q := range queries {
		if len(q.ID) == 0 || len(q.ID) > 255 || !idPattern.MatchString(q.ID) {
			return nil, invalid(q.ID, "the id %q must be 1 to 255 letters, digits or underscores starting with a lowercase letter", q.ID)
		}
		if _, dup := c.byID[q.ID]; dup {
			return nil, invalid(q.ID, "the id %q is used by more than one query", q.ID)
		}
		c.byID[q.ID] = i
		switch {
		case q.MetricStat != nil && q.Expression != "":
			return nil, invalid(q.ID, "specify either MetricStat or Expression, not both")
		case q.MetricStat == nil && q.Expression == "":
			return nil, invalid(q.ID, "either MetricStat or Expression is required")
		case q.MetricStat != nil:
			ms := q.MetricStat
			if ms.MetricName == "" || ms.Namespace == "" {
				return nil, invalid(q.ID, "MetricStat needs a Namespace and a MetricName")
			}
			if ms.Stat == "" {
				return nil, invalid(q.ID, "MetricStat needs a Stat")
			}
		default:
			if len(q.Expression) > MaxExpressionLength {
				return nil, invalid(q.ID, "the expression is %d characters long; the limit is %d", len(q.Expression), MaxExpressionLength)
			}
			n, err := parse(q.Expression)
			if err != nil {
				return nil, &QueryError{ID: q.ID, Err: fmt.Errorf("%w: %w", ErrInvalid, err)}
			}
			c.exprs[q.ID] = n
		}
		if q.ReturnData == nil || *q.ReturnData {
			returning++
		}
	}
	if returning == 0 {
		return nil, fmt.Errorf("%w: no query has ReturnData set to true", ErrInvalid)
	}
	// References and cycles.
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(id string) error
	visit = func(id string) error {
		switch state[id] {
		case 1:
			return invalid(id, "the expression refers to itself through a cycle")
		case 2:
			return nil
		}
		state[id] = 1
		if n, ok := c.exprs[id]; ok {
			for _, r := range refs(n, nil) {
				if _, ok := c.byID[r]; !ok {
					return invalid(id, "the expression refers to %q, which is not the id of a query in this request", r)
				}
				if err := visit(r); err != nil {
					return err
				}
			}
		}
		state[id] = 2
		return nil
	}
	for _, q := range queries {
		if err := visit(q.ID); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Evaluate runs the queries over [start, end) and returns the samples of every query
// whose ReturnData is true or absent, keyed by id, oldest first. defaultPeriod is used by
// MetricStat queries without a Period (the Period of the MetricStat, then of the query,
// take precedence). A query whose result is an array of several time series is an error;
// use Run for those. Queries without data map to an empty slice.
func Evaluate(ctx context.Context, src metrics.Source, account string, queries []model.MetricDataQuery, start, end time.Time, defaultPeriod time.Duration) (map[string][]metrics.Sample, error) {
	res, err := Run(ctx, src, account, queries, start, end, defaultPeriod)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]metrics.Sample, len(res))
	for _, r := range res {
		if _, dup := out[r.ID]; dup {
			return nil, invalid(r.ID, "the expression returns several time series; a single time series is required")
		}
		out[r.ID] = r.Samples
	}
	return out, nil
}

// Run is Evaluate returning every series with its label, in query order.
func Run(ctx context.Context, src metrics.Source, account string, queries []model.MetricDataQuery, start, end time.Time, defaultPeriod time.Duration) ([]Result, error) {
	if !end.After(start) {
		return nil, fmt.Errorf("%w: the end time %s must be after the start time %s", ErrInvalid, end.Format(time.RFC3339), start.Format(time.RFC3339))
	}
	if defaultPeriod <= 0 {
		defaultPeriod = time.Minute
	}
	c, err := compile(queries)
	if err != nil {
		return nil, err
	}
	ev := &evaluator{ctx: ctx, src: src, account: account, c: c, start: start, end: end, period: defaultPeriod, memo: map[string]value{}}
	var out []Result
	for _, q := range queries {
		if q.ReturnData != nil && !*q.ReturnData {
			continue
		}
		v, err := ev.query(q.ID)
		if err != nil {
			return nil, err
		}
		label := q.Label
		switch v.kind {
		case kindScalar:
			p := ev.periodOf(q)
			out = append(out, Result{ID: q.ID, Label: labelOr(label, q.ID), Samples: constant(v.scalar, start, end, p)})
		case kindSeries:
			out = append(out, Result{ID: q.ID, Label: labelOr(label, v.series.label), Samples: clean(v.series.pts)})
		case kindArray:
			for _, s := range v.array {
				l := s.label
				if label != "" {
					l = label + " " + s.label
				}
				out = append(out, Result{ID: q.ID, Label: l, Samples: clean(s.pts)})
			}
		}
	}
	return out, nil
}

func labelOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// clean drops non-finite points (for example from a division by zero).
func clean(pts []metrics.Sample) []metrics.Sample {
	out := make([]metrics.Sample, 0, len(pts))
	for _, p := range pts {
		if !math.IsNaN(p.Value) && !math.IsInf(p.Value, 0) {
			out = append(out, p)
		}
	}
	return out
}

func constant(v float64, start, end time.Time, p time.Duration) []metrics.Sample {
	var out []metrics.Sample
	for _, t := range grid(start, end, p) {
		out = append(out, metrics.Sample{Time: t, Value: v})
	}
	return clean(out)
}

// grid returns the period boundaries in [floor(start), end).
func grid(start, end time.Time, p time.Duration) []time.Time {
	ps := int64(p / time.Second)
	if ps <= 0 {
		ps = 60
	}
	s := start.Unix()
	s -= ((s % ps) + ps) % ps
	var out []time.Time
	for t := s; t < end.Unix() || (t == end.Unix() && end.Nanosecond() > 0); t += ps {
		out = append(out, time.Unix(t, 0).UTC())
		if len(out) > 1_000_000 {
			break
		}
	}
	return out
}

type kind int

const (
	kindScalar kind = iota
	kindSeries
	kindArray
	kindString
	kindKeyword
)

type series struct {
	label  string
	period time.Duration
	pts    []metrics.Sample // sorted by time
}

type value struct {
	kind   kind
	scalar float64
	series series
	array  []series
	str    string
}

func (v value) describe() string {
	switch v.kind {
	case kindScalar:
		return "a number"
	case kindSeries:
		return "a time series"
	case kindArray:
		return "an array of time series"
	case kindString:
		return "a string"
	}
	return "a keyword"
}

type evaluator struct {
	ctx        context.Context
	src        metrics.Source
	account    string
	c          *compiled
	start, end time.Time
	period     time.Duration
	memo       map[string]value
}

func (ev *evaluator) periodOf(q model.MetricDataQuery) time.Duration {
	switch {
	case q.MetricStat != nil && q.MetricStat.Period > 0:
		return time.Duration(q.MetricStat.Period) * time.Second
	case q.Period > 0:
		return time.Duration(q.Period) * time.Second
	}
	return ev.period
}

func (ev *evaluator) query(id string) (value, error) {
	if v, ok := ev.memo[id]; ok {
		return v, nil
	}
	q := ev.c.queries[ev.c.byID[id]]
	var v value
	if q.MetricStat != nil {
		ms := q.MetricStat
		p := ev.periodOf(q)
		pts, err := ev.src.Query(ev.ctx, metrics.Query{
			Metric:    metrics.MetricID{Account: ev.account, Namespace: ms.Namespace, Name: ms.MetricName, Dimensions: ms.Dimensions},
			Statistic: ms.Stat,
			Unit:      ms.Unit,
			Start:     ev.start,
			End:       ev.end,
			Period:    p,
		})
		if err != nil && !errors.Is(err, metrics.ErrNoData) {
			return value{}, &QueryError{ID: id, Err: fmt.Errorf("reading %s/%s %s: %w", ms.Namespace, ms.MetricName, ms.Stat, err)}
		}
		v = value{kind: kindSeries, series: series{label: labelOr(q.Label, ms.MetricName), period: p, pts: pts}}
	} else {
		var err error
		v, err = ev.eval(ev.c.exprs[id], id)
		if err != nil {
			var qe *QueryError
			if errors.As(err, &qe) {
				return value{}, err
			}
			return value{}, &QueryError{ID: id, Err: err}
		}
		if v.kind == kindSeries && q.Label != "" {
			v.series.label = q.Label
		}
		if v.kind == kindString || v.kind == kindKeyword {
			return value{}, invalid(id, "the expression %q does not produce a number or a time series", q.Expression)
		}
	}
	ev.memo[id] = v
	return v, nil
}

func (ev *evaluator) eval(n node, self string) (value, error) {
	switch n := n.(type) {
	case *numNode:
		return value{kind: kindScalar, scalar: n.v}, nil
	case *strNode:
		return value{kind: kindString, str: n.s}, nil
	case *kwNode:
		return value{kind: kindKeyword, str: n.name}, nil
	case *refNode:
		return ev.query(n.id)
	case *unaryNode:
		x, err := ev.eval(n.x, self)
		if err != nil {
			return value{}, err
		}
		if n.op == "NOT" {
			return mapValue(x, func(f float64) float64 { return b2f(f == 0) }, "NOT")
		}
		return mapValue(x, func(f float64) float64 { return -f }, "-")
	case *binNode:
		l, err := ev.eval(n.l, self)
		if err != nil {
			return value{}, err
		}
		r, err := ev.eval(n.r, self)
		if err != nil {
			return value{}, err
		}
		return binary(n.op, l, r)
	case *arrayNode:
		var arr []series
		for _, e := range n.elems {
			v, err := ev.eval(e, self)
			if err != nil {
				return value{}, err
			}
			switch v.kind {
			case kindSeries:
				arr = append(arr, v.series)
			case kindArray:
				arr = append(arr, v.array...)
			default:
				return value{}, fmt.Errorf("%w: array elements must be time series, not %s", ErrInvalid, v.describe())
			}
		}
		return value{kind: kindArray, array: arr}, nil
	case *callNode:
		return ev.call(n, self)
	}
	return value{}, fmt.Errorf("%w: unsupported expression", ErrInvalid)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func mapSeries(s series, f func(float64) float64) series {
	out := series{label: s.label, period: s.period, pts: make([]metrics.Sample, len(s.pts))}
	for i, p := range s.pts {
		out.pts[i] = metrics.Sample{Time: p.Time, Value: f(p.Value)}
	}
	return out
}

func mapValue(v value, f func(float64) float64, what string) (value, error) {
	switch v.kind {
	case kindScalar:
		return value{kind: kindScalar, scalar: f(v.scalar)}, nil
	case kindSeries:
		return value{kind: kindSeries, series: mapSeries(v.series, f)}, nil
	case kindArray:
		arr := make([]series, len(v.array))
		for i, s := range v.array {
			arr[i] = mapSeries(s, f)
		}
		return value{kind: kindArray, array: arr}, nil
	}
	return value{}, fmt.Errorf("%w: %s cannot be applied to %s", ErrInvalid, what, v.describe())
}

func opFunc(op string) func(a, b float64) float64 {
	switch op {
	case "+":
		return func(a, b float64) float64 { return a + b }
	case "-":
		return func(a, b float64) float64 { return a - b }
	case "*":
		return func(a, b float64) float64 { return a * b }
	case "/":
		return func(a, b float64) float64 { return a / b }
	case "^":
		return math.Pow
	case "==":
		return func(a, b float64) float64 { return b2f(a == b) }
	case "!=":
		return func(a, b float64) float64 { return b2f(a != b) }
	case "<":
		return func(a, b float64) float64 { return b2f(a < b) }
	case "<=":
		return func(a, b float64) float64 { return b2f(a <= b) }
	case ">":
		return func(a, b float64) float64 { return b2f(a > b) }
	case ">=":
		return func(a, b float64) float64 { return b2f(a >= b) }
	case "&&":
		return func(a, b float64) float64 { return b2f(a != 0 && b != 0) }
	case "||":
		return func(a, b float64) float64 { return b2f(a != 0 || b != 0) }
	}
	return nil
}

// zip combines two series on the timestamps both have.
func zip(a, b series, f func(x, y float64) float64) series {
	out := series{label: a.label, period: a.period}
	i, j := 0, 0
	for i < len(a.pts) && j < len(b.pts) {
		ta, tb := a.pts[i].Time, b.pts[j].Time
		switch {
		case ta.Before(tb):
			i++
		case tb.Before(ta):
			j++
		default:
			out.pts = append(out.pts, metrics.Sample{Time: ta, Value: f(a.pts[i].Value, b.pts[j].Value)})
			i++
			j++
		}
	}
	return out
}

func binary(op string, l, r value) (value, error) {
	f := opFunc(op)
	if f == nil {
		return value{}, fmt.Errorf("%w: unknown operator %q", ErrInvalid, op)
	}
	for _, v := range []value{l, r} {
		if v.kind == kindString || v.kind == kindKeyword {
			return value{}, fmt.Errorf("%w: operator %s cannot be applied to %s", ErrInvalid, op, v.describe())
		}
	}
	switch {
	case l.kind == kindScalar && r.kind == kindScalar:
		return value{kind: kindScalar, scalar: f(l.scalar, r.scalar)}, nil
	case l.kind == kindScalar:
		return mapValue(r, func(x float64) float64 { return f(l.scalar, x) }, op)
	case r.kind == kindScalar:
		return mapValue(l, func(x float64) float64 { return f(x, r.scalar) }, op)
	case l.kind == kindSeries && r.kind == kindSeries:
		return value{kind: kindSeries, series: zip(l.series, r.series, f)}, nil
	case l.kind == kindArray && r.kind == kindSeries:
		arr := make([]series, len(l.array))
		for i, s := range l.array {
			arr[i] = zip(s, r.series, f)
		}
		return value{kind: kindArray, array: arr}, nil
	case l.kind == kindSeries && r.kind == kindArray:
		arr := make([]series, len(r.array))
		for i, s := range r.array {
			arr[i] = zip(l.series, s, f)
			arr[i].label = s.label
		}
		return value{kind: kindArray, array: arr}, nil
	}
	return value{}, fmt.Errorf("%w: operator %s cannot combine two arrays of time series", ErrInvalid, op)
}

// functions lists the supported functions with their arity (min, max).
var functions = map[string][2]int{
	"SUM":     {1, 1},
	"AVG":     {1, 1},
	"MIN":     {1, 1},
	"MAX":     {1, 1},
	"STDDEV":  {1, 1},
	"ABS":     {1, 1},
	"FILL":    {2, 2},
	"IF":      {2, 3},
	"METRICS": {0, 1},
	"PERIOD":  {1, 1},
}

type reducer func(vals []float64) float64

var reducers = map[string]reducer{
	"SUM": func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x
		}
		return s
	},
	"AVG": func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x
		}
		return s / float64(len(v))
	},
	"MIN": func(v []float64) float64 {
		m := math.Inf(1)
		for _, x := range v {
			m = math.Min(m, x)
		}
		return m
	},
	"MAX": func(v []float64) float64 {
		m := math.Inf(-1)
		for _, x := range v {
			m = math.Max(m, x)
		}
		return m
	},
	"STDDEV": func(v []float64) float64 {
		if len(v) < 2 {
			return 0
		}
		mean := 0.0
		for _, x := range v {
			mean += x
		}
		mean /= float64(len(v))
		ss := 0.0
		for _, x := range v {
			ss += (x - mean) * (x - mean)
		}
		return math.Sqrt(ss / float64(len(v)-1))
	},
}

func (ev *evaluator) call(n *callNode, self string) (value, error) {
	ar := functions[n.name]
	if len(n.args) < ar[0] || len(n.args) > ar[1] {
		if ar[0] == ar[1] {
			return value{}, fmt.Errorf("%w: %s takes %d argument(s), got %d", ErrInvalid, n.name, ar[0], len(n.args))
		}
		return value{}, fmt.Errorf("%w: %s takes %d to %d arguments, got %d", ErrInvalid, n.name, ar[0], ar[1], len(n.args))
	}
	if n.name == "METRICS" {
		return ev.metricsFunc(n, self)
	}
	args := make([]value, len(n.args))
	for i, a := range n.args {
		v, err := ev.eval(a, self)
		if err != nil {
			return value{}, err
		}
		args[i] = v
	}
	switch n.name {
	case "SUM", "AVG", "MIN", "MAX", "STDDEV":
		red := reducers[n.name]
		switch a := args[0]; a.kind {
		case kindScalar:
			return a, nil
		case kindSeries:
			if len(a.series.pts) == 0 {
				return value{kind: kindScalar, scalar: math.NaN()}, nil
			}
			vals := make([]float64, len(a.series.pts))
			for i, p := range a.series.pts {
				vals[i] = p.Value
			}
			return value{kind: kindScalar, scalar: red(vals)}, nil
		case kindArray:
			return value{kind: kindSeries, series: across(a.array, red, n.name)}, nil
		default:
			return value{}, fmt.Errorf("%w: %s cannot be applied to %s", ErrInvalid, n.name, a.describe())
		}
	case "ABS":
		return mapValue(args[0], math.Abs, "ABS")
	case "PERIOD":
		switch a := args[0]; a.kind {
		case kindSeries:
			return value{kind: kindScalar, scalar: a.series.period.Seconds()}, nil
		case kindArray:
			if len(a.array) > 0 {
				return value{kind: kindScalar, scalar: a.array[0].period.Seconds()}, nil
			}
		}
		return value{}, fmt.Errorf("%w: PERIOD needs a time series, not %s", ErrInvalid, args[0].describe())
	case "FILL":
		return ev.fill(args[0], args[1])
	case "IF":
		return ifFunc(args)
	}
	return value{}, fmt.Errorf("%w: unknown function %s", ErrInvalid, n.name)
}

// across aggregates an array of series per timestamp over the series that have a value.
func across(arr []series, red reducer, name string) series {
	byTime := map[int64][]float64{}
	var period time.Duration
	for _, s := range arr {
		if period == 0 {
			period = s.period
		}
		for _, p := range s.pts {
			k := p.Time.UnixNano()
			byTime[k] = append(byTime[k], p.Value)
		}
	}
	out := series{label: name, period: period}
	for k, vals := range byTime {
		out.pts = append(out.pts, metrics.Sample{Time: time.Unix(0, k).UTC(), Value: red(vals)})
	}
	sort.Slice(out.pts, func(i, j int) bool { return out.pts[i].Time.Before(out.pts[j].Time) })
	return out
}

func (ev *evaluator) metricsFunc(n *callNode, self string) (value, error) {
	filter := ""
	if len(n.args) == 1 {
		s, ok := n.args[0].(*strNode)
		if !ok {
			return value{}, fmt.Errorf("%w: METRICS takes an optional string argument", ErrInvalid)
		}
		filter = s.s
	}
	var arr []series
	for _, q := range ev.c.queries {
		if q.MetricStat == nil || q.ID == self {
			continue
		}
		if filter != "" && !strings.Contains(q.ID, filter) && !strings.Contains(q.Label, filter) {
			continue
		}
		v, err := ev.query(q.ID)
		if err != nil {
			return value{}, err
		}
		arr = append(arr, v.series)
	}
	return value{kind: kindArray, array: arr}, nil
}

func (ev *evaluator) fill(x, with value) (value, error) {
	var filler func(s series) series
	switch {
	case with.kind == kindScalar:
		filler = func(s series) series {
			return fillSeries(s, ev.start, ev.end, func(i int, have []bool, vals []float64) float64 { return with.scalar })
		}
	case with.kind == kindKeyword && with.str == "REPEAT":
		filler = func(s series) series { return fillSeries(s, ev.start, ev.end, repeatFill) }
	case with.kind == kindKeyword && with.str == "LINEAR":
		filler = func(s series) series { return fillSeries(s, ev.start, ev.end, linearFill) }
	default:
		return value{}, fmt.Errorf("%w: FILL's second argument must be a number, REPEAT or LINEAR, not %s", ErrInvalid, with.describe())
	}
	switch x.kind {
	case kindSeries:
		return value{kind: kindSeries, series: filler(x.series)}, nil
	case kindArray:
		arr := make([]series, len(x.array))
		for i, s := range x.array {
			arr[i] = filler(s)
		}
		return value{kind: kindArray, array: arr}, nil
	}
	return value{}, fmt.Errorf("%w: FILL's first argument must be a time series, not %s", ErrInvalid, x.describe())
}

// fillSeries lays s on the period grid of [start, end) and fills the gaps.
func fillSeries(s series, start, end time.Time, f func(i int, have []bool, vals []float64) float64) series {
	g := grid(start, end, s.period)
	vals := make([]float64, len(g))
	have := make([]bool, len(g))
	j := 0
	for i, t := range g {
		for j < len(s.pts) && s.pts[j].Time.Before(t) {
			j++
		}
		if j < len(s.pts) && s.pts[j].Time.Equal(t) {
			vals[i], have[i] = s.pts[j].Value, true
		}
	}
	out := series{label: s.label, period: s.period, pts: make([]metrics.Sample, 0, len(g))}
	for i, t := range g {
		v := vals[i]
		if !have[i] {
			v = f(i, have, vals)
		}
		out.pts = append(out.pts, metrics.Sample{Time: t, Value: v})
	}
	return out
}

// repeatFill uses the previous value, or the next one before the first datapoint.
func repeatFill(i int, have []bool, vals []float64) float64 {
	for k := i - 1; k >= 0; k-- {
		if have[k] {
			return vals[k]
		}
	}
	for k := i + 1; k < len(have); k++ {
		if have[k] {
			return vals[k]
		}
	}
	return math.NaN()
}

// linearFill interpolates between the neighbours, or repeats at the edges.
func linearFill(i int, have []bool, vals []float64) float64 {
	lo, hi := -1, -1
	for k := i - 1; k >= 0; k-- {
		if have[k] {
			lo = k
			break
		}
	}
	for k := i + 1; k < len(have); k++ {
		if have[k] {
			hi = k
			break
		}
	}
	switch {
	case lo >= 0 && hi >= 0:
		return vals[lo] + (vals[hi]-vals[lo])*float64(i-lo)/float64(hi-lo)
	case lo >= 0:
		return vals[lo]
	case hi >= 0:
		return vals[hi]
	}
	return math.NaN()
}

// ifFunc is IF(condition, a[, b]): per timestamp, a where the condition is non-zero, else
// b (or no datapoint when b is absent).
func ifFunc(args []value) (value, error) {
	cond := args[0]
	for _, a := range args {
		if a.kind != kindScalar && a.kind != kindSeries {
			return value{}, fmt.Errorf("%w: IF arguments must be numbers or time series, not %s", ErrInvalid, a.describe())
		}
	}
	pick := func(v value, t time.Time, idx map[int64]float64) (float64, bool) {
		if v.kind == kindScalar {
			return v.scalar, true
		}
		x, ok := idx[t.UnixNano()]
		return x, ok
	}
	index := func(v value) map[int64]float64 {
		if v.kind != kindSeries {
			return nil
		}
		m := make(map[int64]float64, len(v.series.pts))
		for _, p := range v.series.pts {
			m[p.Time.UnixNano()] = p.Value
		}
		return m
	}
	if cond.kind == kindScalar {
		if cond.scalar != 0 {
			return args[1], nil
		}
		if len(args) == 3 {
			return args[2], nil
		}
		return value{kind: kindSeries}, nil
	}
	ia := index(args[1])
	var b value
	var ib map[int64]float64
	if len(args) == 3 {
		b = args[2]
		ib = index(b)
	}
	out := series{label: cond.series.label, period: cond.series.period}
	for _, p := range cond.series.pts {
		var x float64
		var ok bool
		if p.Value != 0 {
			x, ok = pick(args[1], p.Time, ia)
		} else if len(args) == 3 {
			x, ok = pick(b, p.Time, ib)
		}
		if ok {
			out.pts = append(out.pts, metrics.Sample{Time: p.Time, Value: x})
		}
	}
	return value{kind: kindSeries, series: out}, nil
}
