package tsdb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/model"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func mid(name string, dims ...string) metrics.MetricID {
	id := metrics.MetricID{Account: "111122223333", Namespace: "AWS/SageMaker", Name: name}
	for i := 0; i+1 < len(dims); i += 2 {
		id.Dimensions = append(id.Dimensions, model.MetricDimension{Name: dims[i], Value: dims[i+1]})
	}
	return id
}

func hr(d metrics.Datum) metrics.Datum { d.HighResolution = true; return d }

func at(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }

func TestQuery(t *testing.T) {
	m := mid("InvocationsPerCopy", "InferenceComponentName", "ic-1")
	data := []metrics.Datum{
		metrics.Value(m, at(0), 1),
		metrics.Value(m, at(10), 3),
		metrics.Value(m, at(59), 5),
		metrics.Value(m, at(61), 10),
		{Metric: m, Time: at(125), SampleCount: 4, Sum: 20, Min: 2, Max: 8},
		hr(metrics.Value(m, at(200), 7)),
		hr(metrics.Value(m, at(205), 9)),
	}
	tests := []struct {
		name string
		q    metrics.Query
		want []metrics.Sample
		err  error
	}{
		{"sum per minute", metrics.Query{Statistic: "Sum", Start: at(0), End: at(300), Period: time.Minute},
			[]metrics.Sample{smp(0, 9), smp(60, 10), smp(120, 20), smp(180, 16)}, nil},
		{"average per minute", metrics.Query{Statistic: "Average", Start: at(0), End: at(300), Period: time.Minute},
			[]metrics.Sample{smp(0, 3), smp(60, 10), smp(120, 5), smp(180, 8)}, nil},
		{"sample count over 5 minutes", metrics.Query{Statistic: "SampleCount", Start: at(0), End: at(300), Period: 5 * time.Minute},
			[]metrics.Sample{smp(0, 10)}, nil},
		{"min and max", metrics.Query{Statistic: "Minimum", Start: at(0), End: at(180), Period: 3 * time.Minute},
			[]metrics.Sample{smp(0, 1)}, nil},
		{"maximum", metrics.Query{Statistic: "Maximum", Start: at(0), End: at(180), Period: 3 * time.Minute},
			[]metrics.Sample{smp(0, 10)}, nil},
		{"start rounded down to the period", metrics.Query{Statistic: "Sum", Start: at(30), End: at(120), Period: time.Minute},
			[]metrics.Sample{smp(0, 9), smp(60, 10)}, nil},
		{"end exclusive", metrics.Query{Statistic: "Sum", Start: at(0), End: at(60), Period: time.Minute},
			[]metrics.Sample{smp(0, 9)}, nil},
		{"high resolution 10s", metrics.Query{Statistic: "Maximum", Start: at(180), End: at(240), Period: 10 * time.Second},
			[]metrics.Sample{smp(200, 9)}, nil},
		{"high resolution 5s", metrics.Query{Statistic: "Sum", Start: at(180), End: at(240), Period: 5 * time.Second},
			[]metrics.Sample{smp(200, 7), smp(205, 9)}, nil},
		{"empty window", metrics.Query{Statistic: "Sum", Start: at(600), End: at(900), Period: time.Minute}, nil, metrics.ErrNoData},
		{"unknown statistic", metrics.Query{Statistic: "Median", Start: at(0), End: at(900), Period: time.Minute}, nil, ErrUnsupportedStatistic},
		{"bad period", metrics.Query{Statistic: "Sum", Start: at(0), End: at(900), Period: 1500 * time.Millisecond}, nil, ErrInvalidQuery},
		{"end before start", metrics.Query{Statistic: "Sum", Start: at(10), End: at(0), Period: time.Minute}, nil, ErrInvalidQuery},
	}
	clk := clock.NewFake(at(300))
	db := New(Options{Clock: clk})
	if err := db.Put(context.Background(), data); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.Metric = m
			got, err := db.Query(context.Background(), q)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("samples (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDimensionOrderAndUnit(t *testing.T) {
	db := New(Options{Clock: clock.NewFake(at(0))})
	a := mid("M", "A", "1", "B", "2")
	b := mid("M", "B", "2", "A", "1")
	d := metrics.Value(a, at(0), 4)
	d.Unit = "Count"
	if err := db.Put(context.Background(), []metrics.Datum{d}); err != nil {
		t.Fatal(err)
	}
	got, err := db.Query(context.Background(), metrics.Query{Metric: b, Statistic: "Sum", Unit: "Count", Start: at(0), End: at(60), Period: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]metrics.Sample{smp(0, 4)}, got); diff != "" {
		t.Error(diff)
	}
	_, err = db.Query(context.Background(), metrics.Query{Metric: b, Statistic: "Sum", Unit: "Seconds", Start: at(0), End: at(60), Period: time.Minute})
	if !errors.Is(err, metrics.ErrNoData) {
		t.Errorf("unit mismatch: err = %v, want ErrNoData", err)
	}
}

func TestRetentionAndPrune(t *testing.T) {
	clk := clock.NewFake(at(0))
	db := New(Options{Clock: clk, Retention: time.Hour, HighResolutionRetention: 10 * time.Minute})
	m := mid("M")
	ctx := context.Background()
	if err := db.Put(ctx, []metrics.Datum{hr(metrics.Value(m, at(0), 1))}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(30 * time.Minute)
	// High-resolution data expired: a 10 s query falls back to the standard tier... which
	// still has the minute bucket.
	db.Prune()
	got, err := db.Query(ctx, metrics.Query{Metric: m, Statistic: "Sum", Start: at(0), End: at(60), Period: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]metrics.Sample{smp(0, 1)}, got); diff != "" {
		t.Error(diff)
	}
	clk.Advance(31 * time.Minute)
	db.Prune()
	if _, err := db.Query(ctx, metrics.Query{Metric: m, Statistic: "Sum", Start: at(0), End: at(3600), Period: time.Minute}); !errors.Is(err, metrics.ErrNoData) {
		t.Errorf("after retention: err = %v", err)
	}
	if got := db.Stats(); got != (Stats{}) {
		t.Errorf("stats after prune = %+v", got)
	}
	// Data older than the retention is dropped on Put.
	if err := db.Put(ctx, []metrics.Datum{metrics.Value(m, at(0), 1)}); err != nil {
		t.Fatal(err)
	}
	if got := db.Stats(); got != (Stats{}) {
		t.Errorf("stats after old put = %+v", got)
	}
}

func TestMaxSeriesAndInvalid(t *testing.T) {
	db := New(Options{Clock: clock.NewFake(at(0)), MaxSeries: 2})
	ctx := context.Background()
	var data []metrics.Datum
	for i := range 3 {
		data = append(data, metrics.Value(mid(fmt.Sprint("M", i)), at(0), 1))
	}
	data = append(data, metrics.Datum{Metric: mid("M0"), Time: at(0), SampleCount: 0})
	err := db.Put(ctx, data)
	if !errors.Is(err, ErrTooManySeries) {
		t.Errorf("err = %v, want ErrTooManySeries", err)
	}
	if got := db.Stats(); got != (Stats{Series: 2, Buckets: 2}) {
		t.Errorf("stats = %+v", got)
	}
}

func TestSeries(t *testing.T) {
	clk := clock.NewFake(at(0))
	db := New(Options{Clock: clk})
	ctx := context.Background()
	other := mid("Z")
	other.Account = "999999999999"
	_ = db.Put(ctx, []metrics.Datum{metrics.Value(mid("B", "X", "1"), at(0), 1), metrics.Value(mid("A"), at(-7200), 1), metrics.Value(other, at(0), 1)})
	got, err := db.Series(ctx, "111122223333", at(-3600))
	if err != nil {
		t.Fatal(err)
	}
	want := []SeriesInfo{{Metric: mid("B", "X", "1"), Last: at(0)}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
	all, _ := db.Series(ctx, "", time.Time{})
	if len(all) != 3 {
		t.Errorf("all series = %d, want 3", len(all))
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	clk := clock.NewFake(at(300))
	db := New(Options{Clock: clk})
	ctx := context.Background()
	m1 := mid("M1", "Name", "a")
	m2 := mid("M2")
	d := metrics.Value(m2, at(30), 2)
	d.Unit = "Percent"
	_ = db.Put(ctx, []metrics.Datum{metrics.Value(m1, at(0), 1), hr(metrics.Value(m1, at(12), 3)), d})
	var buf bytes.Buffer
	if err := db.Snapshot(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "metrics.snap")
	if err := db.SaveFile(path); err != nil {
		t.Fatal(err)
	}
	for _, restore := range []func() (*DB, error){
		func() (*DB, error) { r := New(Options{Clock: clk}); return r, r.Restore(bytes.NewReader(buf.Bytes())) },
		func() (*DB, error) { return Open(Options{Clock: clk, Path: path}) },
	} {
		r, err := restore()
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []metrics.Query{
			{Metric: m1, Statistic: "Sum", Start: at(0), End: at(60), Period: time.Minute},
			{Metric: m1, Statistic: "Maximum", Start: at(0), End: at(60), Period: time.Second},
			{Metric: m2, Statistic: "Average", Unit: "Percent", Start: at(0), End: at(60), Period: time.Minute},
		} {
			want, _ := db.Query(ctx, q)
			got, err := r.Query(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s %s: %s", q.Metric.Name, q.Statistic, diff)
			}
		}
	}
	if err := New(Options{}).Restore(bytes.NewReader(buf.Bytes()[:buf.Len()-5])); err == nil {
		t.Error("truncated snapshot restored without error")
	}
	if err := New(Options{}).Restore(bytes.NewReader([]byte("garbage"))); err == nil {
		t.Error("garbage restored without error")
	}
}

func TestRunWritesSnapshot(t *testing.T) {
	clk := clock.NewFake(at(0))
	path := filepath.Join(t.TempDir(), "m.snap")
	db, err := Open(Options{Clock: clk, Path: path, SnapshotInterval: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Put(context.Background(), []metrics.Datum{metrics.Value(mid("M"), at(0), 5)})
	if err := db.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(Options{Clock: clk, Path: path})
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Query(context.Background(), metrics.Query{Metric: mid("M"), Statistic: "Sum", Start: at(0), End: at(60), Period: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]metrics.Sample{smp(0, 5)}, got); diff != "" {
		t.Error(diff)
	}
}

func smp(sec int, v float64) metrics.Sample { return metrics.Sample{Time: at(sec), Value: v} }

func TestAppendKeyMatchesKey(t *testing.T) {
	for _, id := range []metrics.MetricID{mid("M"), mid("M", "B", "2", "A", "1"), mid("M", "A", "1", "B", "2", "C", "x=y")} {
		if got, want := string(appendKey(nil, id)), id.Key(); got != want {
			t.Errorf("appendKey(%v) = %q, want %q", id, got, want)
		}
	}
}

// TestConcurrent exercises Put, Query, Series, Snapshot and Prune together (run with -race).
func TestConcurrent(t *testing.T) {
	clk := clock.NewFake(at(3600))
	db := New(Options{Clock: clk})
	ctx := context.Background()
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 300 {
				m := mid("M", "G", fmt.Sprint(g%2), "I", fmt.Sprint(i%7))
				_ = db.Put(ctx, []metrics.Datum{hr(metrics.Value(m, at(i), float64(i)))})
				_, _ = db.Query(ctx, metrics.Query{Metric: m, Statistic: "Sum", Start: at(0), End: at(3600), Period: time.Minute})
				if i%50 == 0 {
					_, _ = db.Series(ctx, "", time.Time{})
					_ = db.Snapshot(io.Discard)
					db.Prune()
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
	if got := db.Stats().Series; got != 14 {
		t.Errorf("series = %d, want 14", got)
	}
}
