package sim

import (
	"math"
	"time"
)

// Failure reasons.
const (
	reasonNoCapacity = iota
	reasonQueueFull
	reasonTimeout
	numReasons
)

// minute is one minute of the timeline.
type minute struct {
	Arrivals  float64 // requests that arrived
	Served    float64
	Violated  float64
	Failed    float64
	BilledSec float64 // copy-seconds billed (starting, serving, draining)
	ServeSec  float64 // copy-seconds in service
	Desired   int32   // desired copies at the end of the minute
	MaxServe  int     // most copies in service during the minute
	// Work is the service seconds of the requests that arrived in the minute (tokens
	// distribution only: there every arrival's service time is drawn when it arrives).
	Work float64
}

// capChange is a change of the number of copies in service.
type capChange struct {
	at     int64
	copies int
}

// accounting collects everything the report needs while the fleet runs.
type accounting struct {
	start   int64
	minutes []minute

	last          int64
	billed        int
	inService     int
	desired       int32
	changes       []capChange
	total         minute
	failures      [numReasons]float64
	startFailures int
	latency       *histogram
	wait          *histogram
	closed        bool // billing stopped at the end of the run
}

func newAccounting(start int64, initialDesired int32) *accounting {
	return &accounting{start: start, last: start, desired: initialDesired, latency: newHistogram(), wait: newHistogram()}
}

func (a *accounting) bin(t int64) *minute {
	i := int((t - a.start) / int64(time.Minute))
	if i < 0 {
		i = 0
	}
	for len(a.minutes) <= i {
		a.minutes = append(a.minutes, minute{Desired: a.desired, MaxServe: a.inService})
	}
	return &a.minutes[i]
}

// integrate adds copy-seconds from a.last to t at the current counts.
func (a *accounting) integrate(t int64) {
	for !a.closed && a.last < t {
		m := a.bin(a.last)
		i := (a.last - a.start) / int64(time.Minute)
		end := a.start + (i+1)*int64(time.Minute)
		if end > t {
			end = t
		}
		d := float64(end-a.last) / 1e9
		m.BilledSec += d * float64(a.billed)
		m.ServeSec += d * float64(a.inService)
		a.total.BilledSec += d * float64(a.billed)
		a.total.ServeSec += d * float64(a.inService)
		if a.inService > m.MaxServe {
			m.MaxServe = a.inService
		}
		m.Desired = a.desired
		a.last = end
	}
}

func (a *accounting) setCopies(t int64, billed, inService int) {
	a.integrate(t)
	if a.closed {
		return
	}
	if inService != a.inService {
		a.changes = append(a.changes, capChange{at: t, copies: inService})
	}
	a.billed, a.inService = billed, inService
	m := a.bin(t)
	if inService > m.MaxServe {
		m.MaxServe = inService
	}
}

func (a *accounting) setDesired(t int64, n int32) {
	a.integrate(t)
	if a.closed {
		return
	}
	a.desired = n
	a.bin(t).Desired = n
}

func (a *accounting) arrived(t int64) {
	a.bin(t).Arrivals++
	a.total.Arrivals++
}

// work adds the service time (ns) of a request that arrived at t.
func (a *accounting) work(arrival, svc int64) {
	w := float64(svc) / 1e9
	a.bin(arrival).Work += w
	a.total.Work += w
}

func (a *accounting) failed(arrival int64, reason int) {
	a.bin(arrival).Failed++
	a.total.Failed++
	a.failures[reason]++
}

func (a *accounting) served(arrival, wait, latency int64, violated bool) {
	m := a.bin(arrival)
	m.Served++
	a.total.Served++
	if violated {
		m.Violated++
		a.total.Violated++
	}
	a.latency.add(float64(latency) / 1e9)
	a.wait.add(float64(wait) / 1e9)
}

// finish closes the timeline at end.
func (a *accounting) finish(end int64) {
	a.integrate(end)
	n := int((end - a.start + int64(time.Minute) - 1) / int64(time.Minute))
	for len(a.minutes) < n {
		a.minutes = append(a.minutes, minute{Desired: a.desired, MaxServe: a.inService})
	}
	a.closed = true
}

// histogram is a log-bucketed histogram of non-negative values (seconds) with about 1 %
// relative precision, so percentiles of millions of requests need constant memory.
type histogram struct {
	zero   float64
	counts map[int]float64
	n      float64
	sum    float64
	max    float64
}

const histBase = 1.01

func newHistogram() *histogram { return &histogram{counts: map[int]float64{}} }

func (h *histogram) add(v float64) {
	h.n++
	h.sum += v
	if v > h.max {
		h.max = v
	}
	if v < 1e-6 {
		h.zero++
		return
	}
	h.counts[int(math.Floor(math.Log(v)/math.Log(histBase)))]++
}

// quantile returns the value below which a fraction q of the observations fall.
func (h *histogram) quantile(q float64) float64 {
	if h.n == 0 {
		return 0
	}
	rank := q * h.n
	if rank <= h.zero {
		return 0
	}
	keys := make([]int, 0, len(h.counts))
	for k := range h.counts {
		keys = append(keys, k)
	}
	sortInts(keys)
	acc := h.zero
	for _, k := range keys {
		acc += h.counts[k]
		if acc >= rank {
			// Midpoint of the bucket, capped at the maximum seen.
			v := math.Pow(histBase, float64(k)+0.5)
			return math.Min(v, h.max)
		}
	}
	return h.max
}

func (h *histogram) mean() float64 {
	if h.n == 0 {
		return 0
	}
	return h.sum / h.n
}
