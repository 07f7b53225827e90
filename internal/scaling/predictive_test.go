package scaling

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scaled-dev/scaled/internal/metrics"
)

// hourly returns n hourly samples starting at from, valued f(i).
func hourly(from time.Time, n int, f func(i int) float64) []metrics.Sample {
	out := make([]metrics.Sample, n)
	for i := range out {
		out[i] = metrics.Sample{Time: from.Add(time.Duration(i) * time.Hour), Value: f(i)}
	}
	return out
}

// daily is 100 from 09:00 to 16:59 and 20 otherwise (t0 is 08:00).
func daily(i int) float64 {
	if h := (8 + i) % 24; h >= 9 && h < 17 {
		return 100
	}
	return 20
}

func TestSeasonalForecast(t *testing.T) {
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	h7 := 1 + 1.0/2 + 1.0/3 + 1.0/4 + 1.0/5 + 1.0/6 + 1.0/7
	tests := []struct {
		name       string
		history    []metrics.Sample
		start, end time.Time
		want       []metrics.Sample
	}{
		{"flat", hourly(t0, 48, func(int) float64 { return 10 }), h(48), h(51),
			hourly(h(48), 3, func(int) float64 { return 10 })},
		{"daily step pattern repeats", hourly(t0, 72, daily), h(72), h(96),
			hourly(h(72), 24, daily)},
		{"recent days weigh more", hourly(t0, 72, func(i int) float64 { return []float64{90, 60, 30}[i/24] }), h(72), h(74),
			// (30·1 + 60·1/2 + 90·1/3) / (1 + 1/2 + 1/3) = 540/11
			hourly(h(72), 2, func(int) float64 { return 540.0 / 11 })},
		{"start not on the hour, end exclusive", hourly(t0, 24, func(i int) float64 { return float64(i) }), h(24).Add(30 * time.Minute), h(27),
			hourly(h(25), 2, func(i int) float64 { return float64(1 + i) })},
		{"far ahead uses the latest day in the history", hourly(t0, 24, func(i int) float64 { return float64(i) }), h(24 * 5), h(24*5 + 2),
			hourly(h(24*5), 2, func(i int) float64 { return float64(i) })},
		{"history at or after start is ignored", hourly(t0, 48, func(i int) float64 { return float64(i / 24) }), h(23), h(25), nil},
		{"less than 24 h of history", hourly(t0, 23, func(int) float64 { return 10 }), h(23), h(30), nil},
		{"weekly blend", hourly(t0, 168, func(i int) float64 {
			if i == 0 {
				return 80
			}
			return 10
		}), h(168), h(170), []metrics.Sample{
			// daily: 10 + (80-10)/7 / H7; weekly: 80; forecast: their mean.
			{Time: h(168), Value: (10 + 10/h7 + 80) / 2},
			// hour 1 of the week has neither an outlier nor a weekly difference.
			{Time: h(169), Value: 10},
		}},
		{"gap at an hour of day falls back to the mean", append(hourly(t0, 20, func(int) float64 { return 10 }), hourly(h(21), 10, func(int) float64 { return 40 })...), h(44), h(46),
			[]metrics.Sample{{Time: h(44), Value: (20*10 + 10*40) / 30.0}, {Time: h(45), Value: 40}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := SeasonalForecast(tc.history, tc.start, tc.end)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateApprox(0, 1e-9), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("SeasonalForecast (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPredictiveCapacity(t *testing.T) {
	honor := CapacityBounds{Min: 1, Max: 10}
	increase := CapacityBounds{Min: 1, Max: 10, BreachBehavior: IncreaseMaxCapacity, MaxCapacityBuffer: 10}
	tests := []struct {
		name          string
		load, target  float64
		b             CapacityBounds
		want, wantMax int32
	}{
		{"rounded up", 100, 40, honor, 3, 10},
		{"exact", 120, 40, honor, 3, 10},
		{"never below min", 0, 40, CapacityBounds{Min: 2, Max: 10}, 2, 10},
		{"honor max clamps", 1000, 40, honor, 10, 10},
		{"increase max exceeds it", 1000, 40, increase, 25, 28},
		{"AWS example: forecast 50, max 40, buffer 10", 500, 10, CapacityBounds{Max: 40, BreachBehavior: IncreaseMaxCapacity, MaxCapacityBuffer: 10}, 50, 55},
		{"increase max with buffer 0", 500, 10, CapacityBounds{Max: 40, BreachBehavior: IncreaseMaxCapacity}, 50, 50},
		{"below max keeps max", 100, 40, increase, 3, 10},
		{"bad load", math.NaN(), 40, honor, 1, 10},
		{"bad target", 100, 0, honor, 1, 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := PredictiveCapacity(tc.load, tc.target, tc.b)
			gotMax := EffectiveMaxCapacity(got, tc.b)
			if got != tc.want || gotMax != tc.wantMax {
				t.Errorf("capacity, effective max = %d, %d; want %d, %d", got, gotMax, tc.want, tc.wantMax)
			}
		})
	}
}

func TestPredict(t *testing.T) {
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	b := CapacityBounds{Min: 1, Max: 10}
	half := hourly(h(24), 12, func(int) float64 { return 0 })
	tests := []struct {
		name string
		in   PredictiveInput
		want PredictiveForecast
	}{
		{"per-unit load times capacity history",
			PredictiveInput{Load: hourly(t0, 24, func(int) float64 { return 50 }), LoadPerUnit: true,
				Capacity: []metrics.Sample{{Time: h(0), Value: 2}, {Time: h(12), Value: 4}},
				Start:    h(24), End: h(36), TargetValue: 40, Bounds: b},
			// hours 0-11: 50 % × 2 = 100 → ceil(100/40) = 3; hours 12-23: 200 → 5.
			PredictiveForecast{Times: times(half), Load: []float64{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100},
				Capacity: []int32{3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}}},
		{"per-unit load with the current capacity",
			PredictiveInput{Load: hourly(t0, 24, daily), LoadPerUnit: true, CurrentCapacity: 3,
				Start: h(24), End: h(27), TargetValue: 40, Bounds: b},
			// 08:00 → 20 × 3 = 60 → 2; 09:00, 10:00 → 300 → 8.
			PredictiveForecast{Times: []time.Time{h(24), h(25), h(26)}, Load: []float64{60, 300, 300}, Capacity: []int32{2, 8, 8}}},
		{"hours before the first capacity sample use it",
			PredictiveInput{Load: hourly(t0, 24, func(int) float64 { return 50 }), LoadPerUnit: true, CurrentCapacity: 1,
				Capacity: []metrics.Sample{{Time: h(12), Value: 4}}, Start: h(24), End: h(25), TargetValue: 40, Bounds: b},
			PredictiveForecast{Times: []time.Time{h(24)}, Load: []float64{200}, Capacity: []int32{5}}},
		{"total load, honor max",
			PredictiveInput{Load: hourly(t0, 24, func(int) float64 { return 1000 }), Start: h(24), End: h(25), TargetValue: 40, Bounds: b},
			PredictiveForecast{Times: []time.Time{h(24)}, Load: []float64{1000}, Capacity: []int32{10}}},
		{"short history",
			PredictiveInput{Load: hourly(t0, 10, func(int) float64 { return 10 }), Start: h(24), End: h(48), TargetValue: 40, Bounds: b},
			PredictiveForecast{Times: []time.Time{}, Load: []float64{}, Capacity: []int32{}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Predict(tc.in), cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("Predict (-want +got):\n%s", diff)
			}
		})
	}
	// The second half of the day of the first case needs 5.
	got := Predict(PredictiveInput{Load: hourly(t0, 24, func(int) float64 { return 50 }), LoadPerUnit: true,
		Capacity: []metrics.Sample{{Time: h(0), Value: 2}, {Time: h(12), Value: 4}}, Start: h(36), End: h(37), TargetValue: 40, Bounds: b})
	if diff := cmp.Diff(PredictiveForecast{Times: []time.Time{h(36)}, Load: []float64{200}, Capacity: []int32{5}}, got); diff != "" {
		t.Errorf("Predict (-want +got):\n%s", diff)
	}
}

func times(s []metrics.Sample) []time.Time {
	out := make([]time.Time, len(s))
	for i, x := range s {
		out[i] = x.Time
	}
	return out
}
