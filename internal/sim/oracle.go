package sim

import (
	"math"
	"sort"
	"time"
)

// OracleCopies returns, per minute, the copies an oracle needs: ceil(demand / (60 ×
// per-copy throughput)), with no start-up delay and perfect knowledge of the future. It is
// a lower bound on the cost of any policy that serves the same load at full utilisation.
func OracleCopies(arrivalsPerMinute []float64, perCopyPerSecond float64) []int {
	out := make([]int, len(arrivalsPerMinute))
	perMin := perCopyPerSecond * 60
	for i, a := range arrivalsPerMinute {
		if a <= 0 || perMin <= 0 {
			continue
		}
		out[i] = int(math.Ceil(a/perMin - 1e-9))
	}
	return out
}

// OracleCopiesFromWork is the oracle for per-request service times (the tokens
// distribution): minute i needs ceil(work[i] / (60 × concurrency)) copies, where work[i] is
// the total service seconds of the requests that arrive in minute i. A copy supplies at
// most 60 × concurrency service seconds per minute, so fewer copies could not serve that
// minute's arrivals even with perfect packing, no start-up delay and no queueing slack;
// with equal service times it is OracleCopies.
func OracleCopiesFromWork(work []float64, concurrency int) []int {
	return OracleCopiesFromWorkBatching(work, concurrency, 0)
}

// BatchCapacity is the solo work one copy completes per second at its best, in seconds of
// service time per second: concurrency requests served at once, each at 1 / (1 + slowdown ×
// (concurrency − 1)) of its solo speed. The rate n / (1 + s(n − 1)) of a batch of n grows with
// n when s ≤ 1 (its increment from n to n + 1 has the sign of 1 − s), so no batch smaller than
// concurrency does better. Without batching (slowdown 0) it is concurrency.
func BatchCapacity(concurrency int, slowdown float64) float64 {
	return float64(concurrency) / (1 + slowdown*float64(concurrency-1))
}

// OracleCopiesFromWorkBatching is OracleCopiesFromWork for copies with continuous batching
// (Fleet.Batching): minute i needs ceil(work[i] / (60 × BatchCapacity(concurrency,
// slowdown))) copies. Whatever the mix of batch sizes over the minute, a copy completes at
// most 60 × BatchCapacity seconds of solo service time in it, so it stays a lower bound in
// the same sense; slowdown 0 gives OracleCopiesFromWork.
func OracleCopiesFromWorkBatching(work []float64, concurrency int, slowdown float64) []int {
	out := make([]int, len(work))
	perMin := 60 * BatchCapacity(concurrency, slowdown)
	for i, w := range work {
		if w <= 0 || perMin <= 0 {
			continue
		}
		out[i] = int(math.Ceil(w/perMin - 1e-9))
	}
	return out
}

// Step is a load step: a minute whose oracle capacity rose sharply.
type Step struct {
	At time.Time `json:"at"`
	// From is the most copies needed in the three minutes before; To the copies needed now.
	From int `json:"from_copies"`
	To   int `json:"to_copies"`
	// Covered reports that copies in service reached To within the horizon; ReactSeconds is
	// the time from the start of the minute until then (0 if already covered).
	Covered      bool    `json:"covered"`
	ReactSeconds float64 `json:"react_seconds,omitempty"`
}

// StepHorizon is how long after a step the reaction is looked for.
const StepHorizon = time.Hour

// DetectSteps finds minutes m ≥ 1 where need[m] exceeds the largest need of the three minutes
// before by at least max(1, 50 %), and measures how long the fleet took to have need[m]
// copies in service. changes are the moments the number of copies in service changed
// (ascending); initial is the number in service at start.
func DetectSteps(start time.Time, need []int, initial int, changes []capChange) []Step {
	var out []Step
	for m := 1; m < len(need); m++ {
		prev := 0
		for k := max(0, m-3); k < m; k++ {
			prev = max(prev, need[k])
		}
		if need[m] <= prev || need[m]-prev < max(1, int(math.Ceil(0.5*float64(prev)))) {
			continue
		}
		at := start.Add(time.Duration(m) * time.Minute)
		s := Step{At: at, From: prev, To: need[m]}
		t0 := at.UnixNano()
		// copies in service at t0
		i := sort.Search(len(changes), func(i int) bool { return changes[i].at > t0 })
		cur := initial
		if i > 0 {
			cur = changes[i-1].copies
		}
		if cur >= need[m] {
			s.Covered = true
		} else {
			limit := t0 + int64(StepHorizon)
			for ; i < len(changes) && changes[i].at <= limit; i++ {
				if changes[i].copies >= need[m] {
					s.Covered = true
					s.ReactSeconds = float64(changes[i].at-t0) / 1e9
					break
				}
			}
		}
		out = append(out, s)
	}
	return out
}
