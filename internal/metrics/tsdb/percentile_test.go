package tsdb

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/metrics"
	"github.com/scaled-dev/scaled/internal/metrics/sketch"
)

// approx compares samples with the sketch's relative accuracy.
var approx = cmpopts.EquateApprox(sketch.RelativeAccuracy, 0)

func distOf(pairs ...float64) *sketch.Sketch {
	s := sketch.New()
	for i := 0; i+1 < len(pairs); i += 2 {
		s.Add(pairs[i], pairs[i+1])
	}
	return s
}

// percentileData is one series with, per minute:
//
//	0: the values 1..100, one datum each (at seconds v mod 60)
//	1: a datum carrying a distribution (10×1000, 10×2000) and a single value 1500
//	2: a statistic set with different values (no distribution) and a single value 5
//	3: a statistic set with Min == Max (7, three samples)
//	4: a negative value and a positive one
//	5: a statistic set with SampleCount 1 and Min < Max (the value is Sum)
//	6: high resolution values 10..19 at one per second
func percentileData(m metrics.MetricID) []metrics.Datum {
	var data []metrics.Datum
	for v := 1; v <= 100; v++ {
		data = append(data, metrics.Value(m, at(v%60), float64(v)))
	}
	d := metrics.Datum{Metric: m, Time: at(70), SampleCount: 20, Sum: 30000, Min: 1000, Max: 2000, Dist: distOf(1000, 10, 2000, 10)}
	data = append(data, d, metrics.Value(m, at(80), 1500),
		metrics.Datum{Metric: m, Time: at(120), SampleCount: 4, Sum: 20, Min: 2, Max: 8},
		metrics.Value(m, at(130), 5),
		metrics.Datum{Metric: m, Time: at(180), SampleCount: 3, Sum: 21, Min: 7, Max: 7},
		metrics.Value(m, at(240), -1), metrics.Value(m, at(241), 5),
		metrics.Datum{Metric: m, Time: at(300), SampleCount: 1, Sum: 3, Min: 1, Max: 4},
	)
	for i := range 10 {
		data = append(data, hr(metrics.Value(m, at(360+i), float64(10+i))))
	}
	return data
}

func TestPercentileQuery(t *testing.T) {
	m := mid("ModelLatency", "InferenceComponentName", "ic-1")
	tests := []struct {
		name string
		q    metrics.Query
		want []metrics.Sample
		err  error
	}{
		{"p50 per minute", metrics.Query{Statistic: "p50", Start: at(0), End: at(360), Period: time.Minute},
			[]metrics.Sample{smp(0, 50), smp(60, 1500), smp(180, 7), smp(300, 3)}, nil},
		{"p99 per minute", metrics.Query{Statistic: "p99", Start: at(0), End: at(120), Period: time.Minute},
			[]metrics.Sample{smp(0, 99), smp(60, 2000)}, nil},
		{"p100 is the maximum, p0 the minimum", metrics.Query{Statistic: "p100", Start: at(0), End: at(60), Period: time.Minute},
			[]metrics.Sample{smp(0, 100)}, nil},
		{"p0", metrics.Query{Statistic: "p0", Start: at(60), End: at(120), Period: time.Minute},
			[]metrics.Sample{smp(60, 1000)}, nil},
		{"merged across buckets", metrics.Query{Statistic: "p90", Start: at(0), End: at(120), Period: 2 * time.Minute},
			// 121 values: 1..100, 10×1000, 1500, 10×2000; rank ⌊0.9·120⌋ = 108 is 1000
			[]metrics.Sample{smp(0, 1000)}, nil},
		{"a period with a statistic set gives no percentile", metrics.Query{Statistic: "p50", Start: at(120), End: at(240), Period: 2 * time.Minute},
			nil, metrics.ErrNoData},
		{"a negative value gives no percentile", metrics.Query{Statistic: "p50", Start: at(240), End: at(300), Period: time.Minute},
			nil, metrics.ErrNoData},
		{"other statistics unaffected", metrics.Query{Statistic: "Sum", Start: at(120), End: at(180), Period: time.Minute},
			[]metrics.Sample{smp(120, 25)}, nil},
		{"high resolution 5 s", metrics.Query{Statistic: "p50", Start: at(360), End: at(420), Period: 5 * time.Second},
			[]metrics.Sample{smp(360, 12), smp(365, 17)}, nil},
		{"standard tier at one minute", metrics.Query{Statistic: "p90", Start: at(360), End: at(420), Period: time.Minute},
			[]metrics.Sample{smp(360, 18)}, nil},
		{"decimal percentile", metrics.Query{Statistic: "p99.9", Start: at(0), End: at(60), Period: time.Minute},
			[]metrics.Sample{smp(0, 99)}, nil},
		{"trimmed mean", metrics.Query{Statistic: "tm90", Start: at(0), End: at(60), Period: time.Minute}, []metrics.Sample{smp(0, 45.5)}, nil},
		{"bad trimmed mean", metrics.Query{Statistic: "TM90", Start: at(0), End: at(60), Period: time.Minute}, nil, ErrUnsupportedStatistic},
		{"bad percentile", metrics.Query{Statistic: "p101", Start: at(0), End: at(60), Period: time.Minute}, nil, ErrUnsupportedStatistic},
	}
	db := New(Options{Clock: clock.NewFake(at(600))})
	if err := db.Put(context.Background(), percentileData(m)); err != nil {
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
			if diff := cmp.Diff(tt.want, got, approx); diff != "" {
				t.Errorf("samples (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPercentileSketchesOnlyWhereNeeded(t *testing.T) {
	db := New(Options{Clock: clock.NewFake(at(600))})
	m := mid("M")
	data := []metrics.Datum{
		metrics.Value(m, at(0), 4), metrics.Value(m, at(1), 4), // equal values: no sketch
		metrics.Value(m, at(60), 1), metrics.Value(m, at(61), 2), // two values: a sketch
		{Metric: m, Time: at(120), SampleCount: 2, Sum: 3, Min: 1, Max: 2}, // no distribution
		metrics.Value(m, at(121), 1),
	}
	if err := db.Put(context.Background(), data); err != nil {
		t.Fatal(err)
	}
	want := Stats{Series: 1, Buckets: 3, Sketches: 1, SketchBins: 3} // two exact values: 1.5 slots each
	if diff := cmp.Diff(want, db.Stats()); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}
}

func TestPutDoesNotKeepCallersSketch(t *testing.T) {
	db := New(Options{Clock: clock.NewFake(at(600))})
	m := mid("M")
	dist := distOf(10, 1, 20, 1)
	if err := db.Put(context.Background(), []metrics.Datum{{Metric: m, Time: at(0), SampleCount: 2, Sum: 30, Min: 10, Max: 20, Dist: dist}}); err != nil {
		t.Fatal(err)
	}
	dist.Add(1000, 100)
	got, err := db.Query(context.Background(), metrics.Query{Metric: m, Statistic: "p100", Start: at(0), End: at(60), Period: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]metrics.Sample{smp(0, 20)}, got); diff != "" {
		t.Error(diff)
	}
}

func TestPercentileSnapshotRoundTrip(t *testing.T) {
	m := mid("ModelLatency", "InferenceComponentName", "ic-1")
	src := New(Options{Clock: clock.NewFake(at(600))})
	ctx := context.Background()
	if err := src.Put(ctx, percentileData(m)); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := src.Snapshot(&buf); err != nil {
		t.Fatal(err)
	}
	dst := New(Options{Clock: clock.NewFake(at(600))})
	if err := dst.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	for _, q := range []metrics.Query{
		{Metric: m, Statistic: "p50", Start: at(0), End: at(420), Period: time.Minute},
		{Metric: m, Statistic: "p90", Start: at(0), End: at(420), Period: 2 * time.Minute},
		{Metric: m, Statistic: "p50", Start: at(360), End: at(420), Period: 5 * time.Second},
		{Metric: m, Statistic: "Average", Start: at(0), End: at(420), Period: time.Minute},
	} {
		want, werr := src.Query(ctx, q)
		got, gerr := dst.Query(ctx, q)
		if werr != nil || gerr != nil {
			t.Fatalf("%s: errors %v, %v", q.Statistic, werr, gerr)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s over %v after restore (-want +got):\n%s", q.Statistic, q.Period, diff)
		}
	}
	if diff := cmp.Diff(src.Stats(), dst.Stats()); diff != "" {
		t.Errorf("Stats after restore (-want +got):\n%s", diff)
	}
}

// TestRestoreVersion1 reads a snapshot in the format written before percentiles were
// kept: buckets whose minimum equals their maximum answer percentiles, others do not.
func TestRestoreVersion1(t *testing.T) {
	var b []byte
	str := func(s string) { b = binary.AppendUvarint(b, uint64(len(s))); b = append(b, s...) }
	f64 := func(v float64) { b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v)) }
	m := mid("M", "InferenceComponentName", "ic-1")
	b = append(b, snapMagic...)
	b = binary.AppendUvarint(b, 1)  // version
	b = binary.AppendUvarint(b, 60) // resolutions
	b = binary.AppendUvarint(b, 1)
	b = binary.AppendUvarint(b, 1) // a series
	str(m.Account)
	str(m.Namespace)
	str(m.Name)
	b = binary.AppendUvarint(b, 1)
	str(m.Dimensions[0].Name)
	str(m.Dimensions[0].Value)
	str("Count")
	b = binary.AppendVarint(b, at(60).Unix())
	b = binary.AppendUvarint(b, 2) // standard buckets
	b = binary.AppendVarint(b, at(0).Unix())
	f64(3)
	f64(12)
	f64(4)
	f64(4)
	b = binary.AppendVarint(b, at(60).Unix())
	f64(2)
	f64(3)
	f64(1)
	f64(2)
	b = binary.AppendUvarint(b, 0) // high-resolution buckets
	b = binary.AppendUvarint(b, 0) // end
	db := New(Options{Clock: clock.NewFake(at(600))})
	if err := db.Restore(bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	got, err := db.Query(ctx, metrics.Query{Metric: m, Statistic: "p50", Start: at(0), End: at(120), Period: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]metrics.Sample{smp(0, 4)}, got); diff != "" {
		t.Errorf("p50 (-want +got):\n%s", diff)
	}
	got, err = db.Query(ctx, metrics.Query{Metric: m, Statistic: "Sum", Start: at(0), End: at(120), Period: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]metrics.Sample{smp(0, 12), smp(60, 3)}, got); diff != "" {
		t.Errorf("Sum (-want +got):\n%s", diff)
	}
}

func TestRestoreRejectsCorruptSketch(t *testing.T) {
	m := mid("M")
	src := New(Options{Clock: clock.NewFake(at(600))})
	if err := src.Put(context.Background(), []metrics.Datum{metrics.Value(m, at(0), 1), metrics.Value(m, at(1), 2)}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := src.Snapshot(&buf); err != nil {
		t.Fatal(err)
	}
	full := buf.Bytes()
	for n := len(snapMagic) + 1; n < len(full); n++ {
		db := New(Options{Clock: clock.NewFake(at(600))})
		_ = db.Restore(bytes.NewReader(full[:n])) // must not panic
	}
	corrupt := bytes.Clone(full)
	corrupt[len(corrupt)-3] ^= 0xff // inside the last bucket's sketch
	if err := New(Options{Clock: clock.NewFake(at(600))}).Restore(bytes.NewReader(corrupt)); err == nil {
		t.Error("Restore of a corrupt sketch succeeded")
	}
}
