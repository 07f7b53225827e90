package scaling

import (
	"math"
	"sort"
	"time"

	"github.com/scaled-dev/scaled/internal/metrics"
)

// Predictive scaling (AWS-SPEC §13) forecasts hourly from hourly history.
const (
	// ForecastStep is the granularity of forecasts and of the history they are built from.
	ForecastStep = time.Hour
	// ForecastLookback is how much history a forecast uses at most.
	ForecastLookback = 14 * 24 * time.Hour
	// MinForecastHistory is the number of hourly samples a forecast needs at least.
	MinForecastHistory = 24

	day  = 24 * time.Hour
	week = 7 * day
)

// Breach behaviours of a predictive policy (PredictiveScalingMaxCapacityBreachBehavior).
const (
	HonorMaxCapacity    = "HonorMaxCapacity"
	IncreaseMaxCapacity = "IncreaseMaxCapacity"
)

// SeasonalForecast forecasts a metric for every whole hour in [start, end) from its hourly
// history (samples at hour boundaries, any order; samples at or after start are ignored, so
// a forecast never looks at what it forecasts). It returns nil when fewer than
// MinForecastHistory hourly samples remain.
//
// The model is seasonal with a daily and a weekly period. For a future hour t:
//
//   - daily: the samples at the same hour of day on up to 14 earlier days, starting with
//     the most recent day whose hour lies in the history (t-k·24h for k = k0, k0+1, …,
//     k0+13). The i-th of these days (i = 1 for the most recent) has weight 1/i, so recent
//     days count more; missing days are skipped.
//   - weekly: when the history spans at least 7 days, the samples at the same hour of the
//     week one and two weeks earlier (again starting with the most recent week in the
//     history), weighted 1 and 1/2.
//
// The forecast is the daily value, or the mean of the daily and the weekly value when both
// exist. An hour with neither (gaps in the history) gets the mean of the whole history.
// Negative forecasts cannot arise from non-negative history; the result is never below 0.
func SeasonalForecast(history []metrics.Sample, start, end time.Time) []metrics.Sample {
	byHour := make(map[int64]float64, len(history))
	var first, last int64
	sum := 0.0
	for _, s := range history {
		if !s.Time.Before(start) || math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
			continue
		}
		h := s.Time.Truncate(ForecastStep).Unix()
		if _, dup := byHour[h]; dup {
			continue
		}
		byHour[h] = s.Value
		sum += s.Value
		if len(byHour) == 1 || h < first {
			first = h
		}
		if len(byHour) == 1 || h > last {
			last = h
		}
	}
	if len(byHour) < MinForecastHistory {
		return nil
	}
	mean := sum / float64(len(byHour))
	weekly := time.Duration(last-first)*time.Second+ForecastStep >= week
	var out []metrics.Sample
	for _, t := range ForecastHours(start, end) {
		d, okD := seasonal(byHour, t.Unix(), last, int64(day/time.Second), 14)
		v := d
		if weekly {
			if w, okW := seasonal(byHour, t.Unix(), last, int64(week/time.Second), 2); okW {
				if okD {
					v = (d + w) / 2
				} else {
					v, okD = w, true
				}
			}
		}
		if !okD {
			v = mean
		}
		out = append(out, metrics.Sample{Time: t, Value: math.Max(v, 0)})
	}
	return out
}

// seasonal is the weighted average of the samples at t-k·period for up to n periods,
// starting with the first that is not after last; weights 1, 1/2, 1/3, ….
func seasonal(byHour map[int64]float64, t, last, period int64, n int) (float64, bool) {
	k0 := int64(1)
	if t-period > last {
		k0 = (t - last + period - 1) / period
	}
	var num, den float64
	for i := range int64(n) {
		v, ok := byHour[t-(k0+i)*period]
		if !ok {
			continue
		}
		w := 1 / float64(i+1)
		num += w * v
		den += w
	}
	if den == 0 {
		return 0, false
	}
	return num / den, true
}

// ForecastHours lists the whole hours in [start, end), oldest first.
func ForecastHours(start, end time.Time) []time.Time {
	t := start.Truncate(ForecastStep)
	if t.Before(start) {
		t = t.Add(ForecastStep)
	}
	var out []time.Time
	for ; t.Before(end); t = t.Add(ForecastStep) {
		out = append(out, t.UTC())
	}
	return out
}

// CapacityBounds are the limits a capacity forecast honours: the scalable target's
// MinCapacity and MaxCapacity and the policy's MaxCapacityBreachBehavior and
// MaxCapacityBuffer.
type CapacityBounds struct {
	Min, Max          int32
	BreachBehavior    string // HonorMaxCapacity (also when empty) or IncreaseMaxCapacity
	MaxCapacityBuffer int32  // percent, 0..100; only with IncreaseMaxCapacity
}

// PredictiveCapacity is the capacity that keeps the scaling metric at targetValue when the
// total load is load: ceil(load / targetValue), at least b.Min. With HonorMaxCapacity it is
// at most b.Max; with IncreaseMaxCapacity the forecast may exceed b.Max (AWS raises the
// maximum to EffectiveMaxCapacity when it scales). A non-positive target or a load that is
// not a finite non-negative number gives b.Min.
func PredictiveCapacity(load, targetValue float64, b CapacityBounds) int32 {
	n := int32(0)
	if targetValue > 0 && load >= 0 && !math.IsInf(load, 0) {
		n = ceilCapacity(load / targetValue)
	}
	if b.BreachBehavior != IncreaseMaxCapacity && n > b.Max {
		n = b.Max
	}
	return max(n, b.Min)
}

// EffectiveMaxCapacity is the maximum capacity while a forecast of forecast units applies
// (AWS-SPEC §13): b.Max with HonorMaxCapacity; with IncreaseMaxCapacity, when the forecast
// exceeds b.Max, the forecast plus MaxCapacityBuffer percent of it, rounded up (forecast
// 50, max 40, buffer 10 → 55).
func EffectiveMaxCapacity(forecast int32, b CapacityBounds) int32 {
	if b.BreachBehavior != IncreaseMaxCapacity || forecast <= b.Max {
		return b.Max
	}
	return ceilCapacity(float64(forecast) * (1 + float64(b.MaxCapacityBuffer)/100))
}

// PredictiveInput is the history and the configuration of one forecast.
type PredictiveInput struct {
	// Load is the hourly history of the load metric.
	Load []metrics.Sample
	// LoadPerUnit says the load metric is an average per unit of capacity (the ECS
	// CPUUtilization and MemoryUtilization metrics): the total load of an hour is then the
	// metric times the capacity of that hour.
	LoadPerUnit bool
	// Capacity is the hourly history of the capacity, if known. An hour without a capacity
	// sample uses the latest earlier one, else the earliest one; without capacity samples
	// every hour uses CurrentCapacity.
	Capacity        []metrics.Sample
	CurrentCapacity float64
	// Start and End bound the forecast: every whole hour in [Start, End).
	Start, End time.Time
	// TargetValue is the policy's target for the scaling metric, per unit of capacity.
	TargetValue float64
	Bounds      CapacityBounds
}

// PredictiveForecast is an hourly forecast: the total load and the capacity it needs.
// All three slices have the same length; they are empty when the history is too short.
type PredictiveForecast struct {
	Times    []time.Time
	Load     []float64
	Capacity []int32
}

// Predict forecasts the total load for every whole hour in [Start, End) with
// SeasonalForecast and the capacity each hour needs with PredictiveCapacity.
func Predict(in PredictiveInput) PredictiveForecast {
	load := in.Load
	if in.LoadPerUnit {
		load = totalLoad(in.Load, in.Capacity, in.CurrentCapacity)
	}
	fc := SeasonalForecast(load, in.Start, in.End)
	out := PredictiveForecast{Times: []time.Time{}, Load: []float64{}, Capacity: []int32{}}
	for _, s := range fc {
		out.Times = append(out.Times, s.Time)
		out.Load = append(out.Load, s.Value)
		out.Capacity = append(out.Capacity, PredictiveCapacity(s.Value, in.TargetValue, in.Bounds))
	}
	return out
}

// totalLoad multiplies each per-unit sample by the capacity of its hour.
func totalLoad(load, capacity []metrics.Sample, current float64) []metrics.Sample {
	caps := append([]metrics.Sample(nil), capacity...)
	sort.Slice(caps, func(i, j int) bool { return caps[i].Time.Before(caps[j].Time) })
	out := make([]metrics.Sample, 0, len(load))
	for _, s := range load {
		c := current
		// The latest capacity sample not after the load sample's hour, else the earliest.
		if i := sort.Search(len(caps), func(i int) bool { return caps[i].Time.After(s.Time) }); i > 0 {
			c = caps[i-1].Value
		} else if len(caps) > 0 {
			c = caps[0].Value
		}
		out = append(out, metrics.Sample{Time: s.Time, Value: s.Value * c})
	}
	return out
}
