package control_test

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/api"
	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/awsjson"
	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/control"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/metrics/tsdb"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
	"github.com/scaled-dev/scaled/internal/store"
	"github.com/scaled-dev/scaled/internal/store/memstore"
)

var update = flag.Bool("update", false, "rewrite the golden files of the control scenarios")

const scenarioAccount = "123456789012"

// TestScenarios runs every testdata/scenarios/*.txt through the real Evaluator (memstore,
// tsdb, the real API service, a fake clock and a simulated fleet) and compares the event log
// with the .golden file beside it. Regenerate with: go test ./internal/control -update
//
// Scenario commands, one per line ("#" starts a comment):
//
//	start <RFC 3339 time>               clock start (default 2026-01-05T00:00:00Z)
//	interval <duration>                 evaluator tick (default 10s)
//	inflight-timeout <duration>         Options.InFlightTimeout
//	alarm-timing high=<n> low=<n>       evaluation periods of target-tracking alarms
//	actuator <namespace> <dimension>    register the simulated fleet for a kind
//	resource <id> key=value...          fleet resource: desired= actual= delay= set-error=
//	                                    fulfil-error= not-scalable= state-error=
//	                                    timeout=lost|applied|off stuck=true|false
//	api <Operation> <JSON>              call the Application Auto Scaling API
//	user-alarm <JSON>                   a CloudWatch alarm; "policy:<name>" in AlarmActions
//	                                    stands for that policy's ARN
//	metric <label> <namespace> <name> [Dim=Value...]
//	set <label> <value> [per=<resource>] publish value (divided by the resource's actual
//	                                    capacity with per=) at every whole minute
//	run <duration>                      tick every interval for duration
//	restart                             a new Evaluator over the same store (a crash)
//
// The golden log has one line per event, stamped with the clock: actuator calls, alarm
// state changes, activities (new ones in full, later status changes), capacity and bounds.
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/scenarios/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scenarios found")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txt")
		t.Run(name, func(t *testing.T) {
			got := runScenario(t, file)
			golden := strings.TrimSuffix(file, ".txt") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("scenario %s (-want +got):\n%s", name, diff)
			}
		})
	}
}

type metricFeed struct {
	id    metrics.MetricID
	value *float64
	per   string
	// last is the last minute published.
	last time.Time
}

type scenario struct {
	t        *testing.T
	ctx      context.Context
	clk      *clock.Fake
	store    *memstore.Store
	tsdb     *tsdb.DB
	fleet    *fakeActuator
	kinds    []resource.Kind
	timing   model.AlarmTiming
	svc      *awsjson.Service
	eval     *control.Evaluator
	interval time.Duration
	inflight time.Duration
	feeds    map[string]*metricFeed
	order    []string

	out      strings.Builder
	acts     map[string]model.ScalingActivity
	actLabel map[string]string
	alarms   map[string]string
	caps     map[string]string
	bounds   map[string]string
}

func runScenario(t *testing.T, file string) string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := &scenario{
		t:        t,
		ctx:      auth.WithAccount(context.Background(), scenarioAccount),
		clk:      clock.NewFake(time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)),
		store:    memstore.New(),
		interval: 10 * time.Second,
		feeds:    map[string]*metricFeed{},
		acts:     map[string]model.ScalingActivity{},
		actLabel: map[string]string{},
		alarms:   map[string]string{},
		caps:     map[string]string{},
		bounds:   map[string]string{},
	}
	s.fleet = newFakeActuator(s.clk)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cmd, rest, _ := strings.Cut(line, " ")
		if err := s.exec(cmd, strings.TrimSpace(rest)); err != nil {
			t.Fatalf("%s:%d: %s: %v", file, lineNo, cmd, err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return normalizeUUIDs(s.out.String())
}

func (s *scenario) exec(cmd, rest string) error {
	switch cmd {
	case "start":
		t0, err := time.Parse(time.RFC3339, rest)
		if err != nil {
			return err
		}
		if s.svc != nil {
			return fmt.Errorf("start must come before api calls")
		}
		s.clk = clock.NewFake(t0)
		s.fleet = newFakeActuator(s.clk)
	case "interval", "inflight-timeout":
		d, err := time.ParseDuration(rest)
		if err != nil {
			return err
		}
		if cmd == "interval" {
			s.interval = d
		} else {
			s.inflight = d
		}
	case "alarm-timing":
		kv, err := parseKV(rest)
		if err != nil {
			return err
		}
		s.timing = model.DefaultAlarmTiming()
		for k, v := range kv {
			n, err := strconv.Atoi(v)
			if err != nil {
				return err
			}
			switch k {
			case "high":
				s.timing.HighEvaluationPeriods = int32(n)
			case "low":
				s.timing.LowEvaluationPeriods = int32(n)
			default:
				return fmt.Errorf("unknown key %q", k)
			}
		}
	case "actuator":
		ns, dim, ok := strings.Cut(rest, " ")
		if !ok {
			return fmt.Errorf("want: actuator <namespace> <dimension>")
		}
		s.kinds = append(s.kinds, resource.Kind{Namespace: ns, Dimension: strings.TrimSpace(dim)})
	case "resource":
		id, kvs, _ := strings.Cut(rest, " ")
		kv, err := parseKV(kvs)
		if err != nil {
			return err
		}
		return s.configureResource(id, kv)
	case "api":
		op, body, _ := strings.Cut(rest, " ")
		h, ok := s.service().Ops[op]
		if !ok {
			return fmt.Errorf("unknown operation %q", op)
		}
		if _, err := h(s.ctx, []byte(body)); err != nil {
			s.logf("api %s failed: %v", op, err)
		}
	case "user-alarm":
		return s.userAlarm(rest)
	case "metric":
		f := strings.Fields(rest)
		if len(f) < 3 {
			return fmt.Errorf("want: metric <label> <namespace> <name> [Dim=Value...]")
		}
		id := metrics.MetricID{Account: scenarioAccount, Namespace: f[1], Name: f[2]}
		for _, d := range f[3:] {
			n, v, ok := strings.Cut(d, "=")
			if !ok {
				return fmt.Errorf("dimension %q: want Name=Value", d)
			}
			id.Dimensions = append(id.Dimensions, model.MetricDimension{Name: n, Value: v})
		}
		if _, dup := s.feeds[f[0]]; !dup {
			s.order = append(s.order, f[0])
		}
		s.feeds[f[0]] = &metricFeed{id: id}
	case "set":
		f := strings.Fields(rest)
		if len(f) < 2 {
			return fmt.Errorf("want: set <label> <value> [per=<resource>]")
		}
		feed, ok := s.feeds[f[0]]
		if !ok {
			return fmt.Errorf("unknown metric %q", f[0])
		}
		if f[1] == "none" {
			feed.value = nil
		} else {
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				return err
			}
			feed.value = &v
		}
		feed.per = ""
		if len(f) > 2 {
			feed.per = strings.TrimPrefix(f[2], "per=")
		}
		s.logf("metric %s = %s%s", f[0], f[1], map[bool]string{true: " divided by the copies of " + feed.per}[feed.per != ""])
		s.publish() // from the next whole minute on, unless this one is not published yet
	case "run":
		d, err := time.ParseDuration(rest)
		if err != nil {
			return err
		}
		return s.run(d)
	case "restart":
		s.eval = nil
		s.logf("evaluator restarted")
	default:
		return fmt.Errorf("unknown command")
	}
	return nil
}

func (s *scenario) configureResource(id string, kv map[string]string) error {
	var err error
	s.fleet.configure(id, func(r *fakeResource) {
		for k, v := range kv {
			switch k {
			case "desired", "actual":
				n, perr := strconv.Atoi(v)
				if perr != nil {
					err = perr
					return
				}
				if k == "desired" {
					r.desired = int32(n)
				} else {
					r.actual = int32(n)
				}
			case "delay":
				r.delay, err = time.ParseDuration(v)
			case "set-error":
				r.setErr = v
			case "fulfil-error":
				r.fulfilErr = v
			case "not-scalable":
				r.notScalable = v
			case "state-error":
				r.stateErr = v
			case "timeout":
				r.timeout = strings.TrimSuffix(v, "off")
			case "stuck":
				r.stuck = v == "true"
			default:
				err = fmt.Errorf("unknown key %q", k)
			}
		}
	})
	return err
}

func (s *scenario) service() *awsjson.Service {
	if s.svc == nil {
		s.svc = api.New(api.Options{
			Store:       s.store,
			Region:      "us-west-2",
			Clock:       s.clk,
			TokenKey:    []byte("scenario"),
			AlarmTiming: s.timing,
		})
	}
	return s.svc
}

func (s *scenario) evaluator() *control.Evaluator {
	if s.eval != nil {
		return s.eval
	}
	if s.tsdb == nil {
		s.tsdb = tsdb.New(tsdb.Options{Clock: s.clk})
	}
	reg := resource.NewRegistry()
	for _, k := range s.kinds {
		reg.Register(k, s.fleet)
	}
	e, err := control.New(control.Options{
		Store:           s.store,
		Metrics:         s.tsdb,
		Resources:       reg,
		Clock:           s.clk,
		Interval:        s.interval,
		Workers:         2,
		InFlightTimeout: s.inflight,
	})
	if err != nil {
		s.t.Fatal(err)
	}
	s.eval = e
	return e
}

// userAlarm stores a CloudWatch alarm as PutMetricAlarm would.
func (s *scenario) userAlarm(body string) error {
	var a struct {
		AlarmName          string
		Namespace          string
		MetricName         string
		Dimensions         []model.MetricDimension
		Statistic          string
		Period             int32
		EvaluationPeriods  int32
		DatapointsToAlarm  int32
		Threshold          float64
		ComparisonOperator string
		TreatMissingData   string
		AlarmActions       []string
		ActionsEnabled     *bool
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return err
	}
	for i, act := range a.AlarmActions {
		name, ok := strings.CutPrefix(act, "policy:")
		if !ok {
			continue
		}
		ps, _, err := s.store.ListPolicies(s.ctx, store.PolicyFilter{Account: scenarioAccount, Names: []string{name}})
		if err != nil || len(ps) != 1 {
			return fmt.Errorf("policy %q: %d found, err %v", name, len(ps), err)
		}
		a.AlarmActions[i] = ps[0].ARN
	}
	enabled := a.ActionsEnabled == nil || *a.ActionsEnabled
	_, err := s.store.PutAlarm(s.ctx, model.MetricAlarm{
		Account:            scenarioAccount,
		AlarmName:          a.AlarmName,
		AlarmARN:           "arn:aws:cloudwatch:us-west-2:" + scenarioAccount + ":alarm:" + a.AlarmName,
		ActionsEnabled:     enabled,
		AlarmActions:       a.AlarmActions,
		MetricName:         a.MetricName,
		Namespace:          a.Namespace,
		Statistic:          a.Statistic,
		Dimensions:         a.Dimensions,
		Period:             a.Period,
		EvaluationPeriods:  a.EvaluationPeriods,
		DatapointsToAlarm:  a.DatapointsToAlarm,
		Threshold:          a.Threshold,
		ComparisonOperator: a.ComparisonOperator,
		TreatMissingData:   a.TreatMissingData,
		StateValue:         model.AlarmInsufficientData,
		StateUpdatedAt:     s.clk.Now(),
		ConfigUpdatedAt:    s.clk.Now(),
	})
	return err
}

// publish writes every fed metric at the current whole minute, once per minute.
func (s *scenario) publish() {
	m := s.clk.Now().Truncate(time.Minute)
	if s.tsdb == nil {
		s.tsdb = tsdb.New(tsdb.Options{Clock: s.clk})
	}
	var data []metrics.Datum
	for _, label := range s.order {
		f := s.feeds[label]
		if f.value == nil || (!f.last.IsZero() && !m.After(f.last)) {
			continue
		}
		v := *f.value
		if f.per != "" {
			st, err := s.fleet.State(s.ctx, model.TargetKey{ResourceID: f.per})
			if err != nil || st.Actual == 0 {
				continue
			}
			v /= float64(st.Actual)
		}
		f.last = m
		data = append(data, metrics.Value(f.id, m, v))
	}
	if err := s.tsdb.Put(s.ctx, data); err != nil {
		s.t.Fatalf("put metrics: %v", err)
	}
}

func (s *scenario) run(d time.Duration) error {
	e := s.evaluator()
	s.report() // changes made by commands since the last run
	end := s.clk.Now().Add(d)
	for s.clk.Now().Before(end) {
		s.clk.Advance(s.interval)
		s.publish()
		if err := e.Tick(s.ctx); err != nil {
			s.logf("tick error: %v", err)
		}
		s.report()
	}
	return nil
}

func (s *scenario) logf(format string, args ...any) {
	fmt.Fprintf(&s.out, "%s %s\n", s.clk.Now().UTC().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// report logs what changed since the last report.
func (s *scenario) report() {
	for _, c := range s.fleet.takeCalls() {
		s.logf("actuator %s", c)
	}
	alarms, _, err := s.store.ListAlarms(s.ctx, store.AlarmFilter{})
	if err != nil {
		s.t.Fatal(err)
	}
	for _, a := range alarms {
		if old := s.alarms[a.AlarmName]; old != a.StateValue {
			if old == "" {
				old = "(new)"
			}
			s.logf("alarm %s %s -> %s", a.AlarmName, old, a.StateValue)
			s.alarms[a.AlarmName] = a.StateValue
		}
	}
	acts, _, err := s.store.ListActivities(s.ctx, store.ActivityFilter{IncludeNotScaled: true})
	if err != nil {
		s.t.Fatal(err)
	}
	sort.SliceStable(acts, func(i, j int) bool { return acts[i].StartTime.Before(acts[j].StartTime) })
	for _, a := range acts {
		old, seen := s.acts[a.ActivityID]
		if !seen {
			label := fmt.Sprintf("A%d", len(s.actLabel)+1)
			s.actLabel[a.ActivityID] = label
			s.logf("%s %s %s", label, a.StatusCode, describeActivity(a))
		} else if old.StatusCode != a.StatusCode || old.StatusMessage != a.StatusMessage || (old.EndTime == nil) != (a.EndTime == nil) {
			s.logf("%s -> %s msg=%q%s", s.actLabel[a.ActivityID], a.StatusCode, a.StatusMessage, endMark(a))
		}
		s.acts[a.ActivityID] = a
	}
	for _, c := range s.fleet.snapshot() {
		id, rest, _ := strings.Cut(c, " ")
		if s.caps[id] != rest {
			s.logf("capacity %s", c)
			s.caps[id] = rest
		}
	}
	targets, _, err := s.store.ListTargets(s.ctx, store.TargetFilter{})
	if err != nil {
		s.t.Fatal(err)
	}
	for _, t := range targets {
		b := fmt.Sprintf("min=%d max=%d suspended=%+v", t.MinCapacity, t.MaxCapacity, t.SuspendedState)
		if s.bounds[t.ResourceID] != b {
			s.logf("target %s %s", t.ResourceID, b)
			s.bounds[t.ResourceID] = b
		}
	}
}

func describeActivity(a model.ScalingActivity) string {
	var b strings.Builder
	fmt.Fprintf(&b, "desc=%q cause=%q", a.Description, a.Cause)
	if a.StatusMessage != "" {
		fmt.Fprintf(&b, " msg=%q", a.StatusMessage)
	}
	if len(a.NotScaledReasons) > 0 {
		j, _ := json.Marshal(a.NotScaledReasons)
		fmt.Fprintf(&b, " notScaled=%s", j)
	}
	b.WriteString(endMark(a))
	return b.String()
}

func endMark(a model.ScalingActivity) string {
	if a.EndTime == nil {
		return ""
	}
	return " end=" + a.EndTime.UTC().Format("15:04:05")
}

var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// normalizeUUIDs replaces each distinct UUID by <uuid-N> in order of appearance.
func normalizeUUIDs(s string) string {
	seen := map[string]string{}
	return uuidRE.ReplaceAllStringFunc(s, func(u string) string {
		if r, ok := seen[u]; ok {
			return r
		}
		r := fmt.Sprintf("<uuid-%d>", len(seen)+1)
		seen[u] = r
		return r
	})
}

// parseKV splits `a=1 b="two words"` into a map.
func parseKV(s string) (map[string]string, error) {
	out := map[string]string{}
	s = strings.TrimSpace(s)
	for s != "" {
		k, rest, ok := strings.Cut(s, "=")
		if !ok {
			return nil, fmt.Errorf("%q: want key=value", s)
		}
		var v string
		if strings.HasPrefix(rest, `"`) {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return nil, err
			}
			v, _ = strconv.Unquote(q)
			rest = rest[len(q):]
		} else {
			v, rest, _ = strings.Cut(rest, " ")
		}
		out[strings.TrimSpace(k)] = v
		s = strings.TrimSpace(rest)
	}
	return out, nil
}
