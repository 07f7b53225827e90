// Package promsource is a metrics.Source that answers CloudWatch-style queries from
// Prometheus. Configured rules map a metric (namespace and name, optionally a set of
// statistics) to a PromQL template; the template is filled with the query's dimensions,
// statistic and period, and run through the Prometheus HTTP API (/api/v1/query_range).
// The configuration format is documented in docs/prometheus.md.
package promsource

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/metrics"
)

// ErrNoRule is returned by Query when no rule matches the metric and statistic.
var ErrNoRule = errors.New("promsource: no rule matches")

// Rule maps metrics to a PromQL template.
type Rule struct {
	// Namespace and MetricName select the metric; "" or "*" matches any.
	Namespace  string `json:"namespace,omitempty" yaml:"namespace,omitempty"`
	MetricName string `json:"metricName,omitempty" yaml:"metricName,omitempty"`
	// Statistics, if set, limits the rule to these statistics (e.g. ["Sum"]).
	Statistics []string `json:"statistics,omitempty" yaml:"statistics,omitempty"`
	// Query is a text/template producing PromQL; see TemplateData for its fields.
	Query string `json:"query" yaml:"query"`
}

// Config is the promsource configuration file.
type Config struct {
	// URL is the Prometheus base URL, e.g. http://prometheus:9090.
	URL string `json:"url" yaml:"url"`
	// Headers are sent with every request (for example Authorization).
	Headers map[string]string `json:"headers,omitempty" yaml:"headers,omitempty"`
	// Timeout bounds each request (Go duration, default "10s").
	Timeout string `json:"timeout,omitempty" yaml:"timeout,omitempty"`
	// IncludePartialPeriod also returns the period that has not ended yet.
	IncludePartialPeriod bool   `json:"includePartialPeriod,omitempty" yaml:"includePartialPeriod,omitempty"`
	Rules                []Rule `json:"rules" yaml:"rules"`
}

// LoadConfig reads a JSON configuration file.
func LoadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("promsource: reading config: %w", err)
	}
	var c Config
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("promsource: parsing config %s: %w", path, err)
	}
	return c, nil
}

// TemplateData is what a rule's query template sees.
type TemplateData struct {
	Account    string
	Namespace  string
	MetricName string
	Statistic  string
	Unit       string
	// Dimensions holds the dimension values escaped for use inside a double-quoted PromQL
	// string ("{{.Dimensions.ServiceName}}"). A template that uses a dimension the query
	// does not have fails, so the query fails with an error naming it.
	Dimensions map[string]string
	// RawDimensions holds the values unescaped.
	RawDimensions map[string]string
	// Period is the query period as a PromQL duration, e.g. "60s"; PeriodSeconds the
	// same as a number.
	Period        string
	PeriodSeconds int64
}

// Template functions: {{regex .RawDimensions.X}} escapes a value for a =~ matcher,
// {{quote .RawDimensions.X}} escapes and quotes a value as a PromQL string, and
// {{quantile .Statistic}} turns a percentile statistic (p99, p99.9) into the φ of PromQL's
// histogram_quantile and quantile_over_time (0.99, 0.999); any other statistic is an error.
var funcs = template.FuncMap{
	"regex": func(s string) string { return escape(regexp.QuoteMeta(s)) },
	"quote": func(s string) string { return `"` + escape(s) + `"` },
	"quantile": func(stat string) (string, error) {
		q, err := metrics.ParsePercentile(stat)
		if err != nil {
			return "", err
		}
		return strconv.FormatFloat(q, 'g', -1, 64), nil
	},
}

func escape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return r.Replace(s)
}

// Options configures a Source.
type Options struct {
	Config Config
	// Client is the HTTP client (default: a client with the configured timeout).
	Client *http.Client
	Clock  clock.Clock
	Logger *slog.Logger
}

type compiledRule struct {
	Rule
	tmpl *template.Template
}

// Source queries Prometheus.
type Source struct {
	base    *url.URL
	headers map[string]string
	partial bool
	rules   []compiledRule
	client  *http.Client
	clk     clock.Clock
	log     *slog.Logger
}

// New validates the configuration and returns a Source.
func New(opts Options) (*Source, error) {
	c := opts.Config
	if c.URL == "" {
		return nil, errors.New("promsource: url is required")
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("promsource: url %q must be an absolute http(s) URL", c.URL)
	}
	timeout := 10 * time.Second
	if c.Timeout != "" {
		if timeout, err = time.ParseDuration(c.Timeout); err != nil || timeout <= 0 {
			return nil, fmt.Errorf("promsource: timeout %q is not a positive Go duration", c.Timeout)
		}
	}
	if len(c.Rules) == 0 {
		return nil, errors.New("promsource: at least one rule is required")
	}
	s := &Source{base: u, headers: c.Headers, partial: c.IncludePartialPeriod, client: opts.Client, clk: opts.Clock, log: opts.Logger}
	if s.client == nil {
		s.client = &http.Client{Timeout: timeout}
	}
	if s.clk == nil {
		s.clk = clock.Real{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	for i, r := range c.Rules {
		if strings.TrimSpace(r.Query) == "" {
			return nil, fmt.Errorf("promsource: rules[%d] (%s/%s): query is required", i, r.Namespace, r.MetricName)
		}
		t, err := template.New(fmt.Sprintf("rules[%d]", i)).Funcs(funcs).Option("missingkey=error").Parse(r.Query)
		if err != nil {
			return nil, fmt.Errorf("promsource: rules[%d] (%s/%s): invalid query template: %w", i, r.Namespace, r.MetricName, err)
		}
		for _, st := range r.Statistics {
			if st == "" {
				return nil, fmt.Errorf("promsource: rules[%d]: empty statistic", i)
			}
		}
		s.rules = append(s.rules, compiledRule{Rule: r, tmpl: t})
	}
	return s, nil
}

func matches(pattern, v string) bool { return pattern == "" || pattern == "*" || pattern == v }

func (s *Source) rule(q metrics.Query) (*compiledRule, error) {
	for i := range s.rules {
		r := &s.rules[i]
		if matches(r.Namespace, q.Metric.Namespace) && matches(r.MetricName, q.Metric.Name) &&
			(len(r.Statistics) == 0 || slices.Contains(r.Statistics, q.Statistic)) {
			return r, nil
		}
	}
	return nil, fmt.Errorf("%w %s/%s with statistic %s", ErrNoRule, q.Metric.Namespace, q.Metric.Name, q.Statistic)
}

// PromQL renders the PromQL a query runs.
func (s *Source) PromQL(q metrics.Query) (string, error) {
	r, err := s.rule(q)
	if err != nil {
		return "", err
	}
	d := TemplateData{
		Account: q.Metric.Account, Namespace: q.Metric.Namespace, MetricName: q.Metric.Name,
		Statistic: q.Statistic, Unit: q.Unit,
		Dimensions: map[string]string{}, RawDimensions: map[string]string{},
		Period: strconv.FormatInt(int64(q.Period/time.Second), 10) + "s", PeriodSeconds: int64(q.Period / time.Second),
	}
	for _, x := range q.Metric.Dimensions {
		d.Dimensions[x.Name] = escape(x.Value)
		d.RawDimensions[x.Name] = x.Value
	}
	var b strings.Builder
	if err := r.tmpl.Execute(&b, d); err != nil {
		return "", fmt.Errorf("promsource: rendering the query for %s/%s: %w", q.Metric.Namespace, q.Metric.Name, err)
	}
	return b.String(), nil
}

// apiResponse is the Prometheus HTTP API envelope.
type apiResponse struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Metric map[string]string `json:"metric"`
			Values [][2]any          `json:"values"`
		} `json:"result"`
	} `json:"data"`
}

// Query implements metrics.Source. Each period [t, t+P) is the value of the PromQL
// evaluated at t+P (so range vectors such as [{{.Period}}] cover exactly the period);
// periods that have not ended yet are left out unless IncludePartialPeriod is set.
func (s *Source) Query(ctx context.Context, q metrics.Query) ([]metrics.Sample, error) {
	if q.Period < time.Second || q.Period%time.Second != 0 {
		return nil, fmt.Errorf("promsource: period %v must be a positive whole number of seconds", q.Period)
	}
	if !q.End.After(q.Start) {
		return nil, fmt.Errorf("promsource: end %v is not after start %v", q.End, q.Start)
	}
	expr, err := s.PromQL(q)
	if err != nil {
		return nil, err
	}
	p := int64(q.Period / time.Second)
	first := floorDiv(q.Start.Unix(), p) * p
	last := floorDiv(q.End.Unix()-1, p) * p
	if q.End.Nanosecond() != 0 {
		last = floorDiv(q.End.Unix(), p) * p
	}
	if !s.partial {
		if done := floorDiv(s.clk.Now().Unix(), p)*p - p; last > done {
			last = done
		}
	}
	if last < first {
		return nil, metrics.ErrNoData
	}
	form := url.Values{
		"query": {expr},
		"start": {strconv.FormatInt(first+p, 10)},
		"end":   {strconv.FormatInt(last+p, 10)},
		"step":  {strconv.FormatInt(p, 10)},
	}
	u := s.base.JoinPath("api/v1/query_range")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("promsource: building request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range s.headers {
		req.Header.Set(k, v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("promsource: querying %s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("promsource: reading the response of %s: %w", u.Redacted(), err)
	}
	var ar apiResponse
	if err := json.Unmarshal(body, &ar); err != nil {
		return nil, fmt.Errorf("promsource: %s answered HTTP %d with a body that is not the Prometheus API format: %.200q", u.Redacted(), resp.StatusCode, body)
	}
	if ar.Status != "success" {
		return nil, fmt.Errorf("promsource: query %q failed: %s: %s (HTTP %d)", expr, ar.ErrorType, ar.Error, resp.StatusCode)
	}
	if ar.Data.ResultType != "matrix" {
		return nil, fmt.Errorf("promsource: query %q returned a %s, not a range of one series", expr, ar.Data.ResultType)
	}
	switch len(ar.Data.Result) {
	case 0:
		return nil, metrics.ErrNoData
	case 1:
	default:
		return nil, fmt.Errorf("promsource: query %q returned %d series; aggregate it to one (for example with sum())", expr, len(ar.Data.Result))
	}
	var out []metrics.Sample
	for _, pair := range ar.Data.Result[0].Values {
		ts, ok1 := pair[0].(float64)
		vs, ok2 := pair[1].(string)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("promsource: query %q: malformed sample %v", expr, pair)
		}
		v, err := strconv.ParseFloat(vs, 64)
		if err != nil {
			return nil, fmt.Errorf("promsource: query %q: malformed value %q", expr, vs)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		t := int64(math.Round(ts)) - p
		if t < first || t > last {
			continue
		}
		out = append(out, metrics.Sample{Time: time.Unix(t, 0).UTC(), Value: v})
	}
	if len(out) == 0 {
		return nil, metrics.ErrNoData
	}
	return out, nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
