package trace

import (
	"math"
	"sort"
	"time"
)

// MinuteCounts bins events into calendar minutes (time truncated to the minute) and returns
// the first bin's start and one count per minute from the first bin to the last, zeros
// included. Count events wider than a minute are spread evenly over the minutes they cover.
func MinuteCounts(ev []Event) (time.Time, []float64) {
	return binCounts(ev, time.Minute)
}

// SecondCounts is MinuteCounts with one-second bins.
func SecondCounts(ev []Event) (time.Time, []float64) {
	return binCounts(ev, time.Second)
}

func binCounts(ev []Event, bin time.Duration) (time.Time, []float64) {
	if len(ev) == 0 {
		return time.Time{}, nil
	}
	start := ev[0].Time.Truncate(bin)
	var out []float64
	add := func(t time.Time, n float64) {
		i := int(t.Sub(start) / bin)
		for len(out) <= i {
			out = append(out, 0)
		}
		out[i] += n
	}
	for _, e := range ev {
		if e.Width <= bin {
			add(e.Time.Truncate(bin), e.Count)
			continue
		}
		k := int(e.Width / bin)
		for j := 0; j < k; j++ {
			add(e.Time.Add(time.Duration(j)*bin).Truncate(bin), e.Count/float64(k))
		}
	}
	return start, out
}

// Stats summarises per-minute counts over the interior minutes (the first and last bins are
// dropped because a trace starts and ends inside them), as in the traces' README.
type Stats struct {
	Minutes  int     `json:"minutes"`
	Total    float64 `json:"total"`
	Mean     float64 `json:"mean"`
	P50      float64 `json:"p50"`
	P99      float64 `json:"p99"`
	Max      float64 `json:"max"`
	Min      float64 `json:"min"`
	PeakMean float64 `json:"peak_to_mean"`
	// ZeroMinutes counts interior minutes without requests.
	ZeroMinutes int `json:"zero_minutes"`
	// LargestJump is the signed change c[i+1]-c[i] of largest magnitude; JumpAt is the later
	// minute of the pair. LargestRise and LargestFall are the most positive and negative.
	LargestJump float64   `json:"largest_jump"`
	JumpAt      time.Time `json:"jump_at"`
	LargestRise float64   `json:"largest_rise"`
	RiseAt      time.Time `json:"rise_at"`
	LargestFall float64   `json:"largest_fall"`
	FallAt      time.Time `json:"fall_at"`
}

// Summarize computes Stats from MinuteCounts output.
func Summarize(start time.Time, counts []float64) Stats {
	var s Stats
	if len(counts) < 3 {
		return s
	}
	in := counts[1 : len(counts)-1]
	first := start.Add(time.Minute)
	s.Minutes = len(in)
	s.Min = math.Inf(1)
	for _, c := range in {
		s.Total += c
		s.Max = math.Max(s.Max, c)
		s.Min = math.Min(s.Min, c)
		if c == 0 {
			s.ZeroMinutes++
		}
	}
	s.Mean = s.Total / float64(len(in))
	if s.Mean > 0 {
		s.PeakMean = s.Max / s.Mean
	}
	s.P50 = Percentile(in, 50)
	s.P99 = Percentile(in, 99)
	for i := 1; i < len(in); i++ {
		d := in[i] - in[i-1]
		at := first.Add(time.Duration(i) * time.Minute)
		if math.Abs(d) > math.Abs(s.LargestJump) {
			s.LargestJump, s.JumpAt = d, at
		}
		if d > s.LargestRise {
			s.LargestRise, s.RiseAt = d, at
		}
		if d < s.LargestFall {
			s.LargestFall, s.FallAt = d, at
		}
	}
	return s
}

// Percentile interpolates linearly between closest ranks (numpy's default method).
func Percentile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	pos := p / 100 * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	if hi >= len(s) {
		hi = len(s) - 1
	}
	return s[lo] + (s[hi]-s[lo])*(pos-float64(lo))
}

// BusiestSecond is the largest number of requests in one calendar second (single-request
// events only; count events are spread evenly).
func BusiestSecond(ev []Event) float64 {
	_, c := SecondCounts(ev)
	var m float64
	for _, x := range c {
		m = math.Max(m, x)
	}
	return m
}
