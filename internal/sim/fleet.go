package sim

import (
	"container/heap"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
	"github.com/scaled-dev/scaled/internal/sim/trace"
)

// recorder is the part of icmetrics.Recorder the fleet drives (the same calls the local
// serving runtime makes).
type recorder interface {
	RequestStarted(t time.Time)
	RequestFinished(t time.Time, modelLatency, overheadLatency time.Duration, status int)
	NoCapacity(t time.Time)
	SetCopies(t time.Time, n int)
}

// fleetConfig is the resolved fleet model.
type fleetConfig struct {
	service     ServiceTime
	concurrency int
	startup     int64 // ns
	failProb    float64
	initial     int
	queueLimit  int
	slo         int64 // ns, on the wait before service
	timeout     int64 // ns, longest wait before a queued request fails
	// token counts of requests without counts (tokens distribution)
	defIn, defOut float64
	// slowdown is Batching.Slowdown: a copy serving n requests runs each at
	// 1 / (1 + slowdown × (n − 1)) of its solo speed (0: no batching model).
	slowdown float64
}

type simCopy struct {
	inflight int
	draining bool
	removed  bool
	pos      int // index in its pool level

	// Continuous batching only (fleetConfig.slowdown > 0).
	batch []batchReq // requests in service, in the order they started
	last  int64      // time up to which the batch's progress is accounted
	next  int64      // next completion
	hidx  int        // index in fleet.batchDone, -1 when the batch is empty
}

// batchReq is a request in service on a batching copy.
type batchReq struct {
	rem     float64 // solo service time left, ns
	arrival int64
	start   int64
}

func newCopy() *simCopy { return &simCopy{hidx: -1} }

// pool holds the copies in service grouped by their requests in flight, so that the
// least-loaded copy is found in amortised constant time however large the fleet is.
type pool struct {
	levels [][]*simCopy // levels[k]: copies with k requests in flight
	lo     int          // no copy has fewer than lo requests in flight
	n      int
}

func (p *pool) put(c *simCopy) {
	for len(p.levels) <= c.inflight {
		p.levels = append(p.levels, nil)
	}
	c.pos = len(p.levels[c.inflight])
	p.levels[c.inflight] = append(p.levels[c.inflight], c)
	if c.inflight < p.lo {
		p.lo = c.inflight
	}
}

func (p *pool) take(c *simCopy) {
	l := p.levels[c.inflight]
	last := l[len(l)-1]
	l[c.pos] = last
	last.pos = c.pos
	p.levels[c.inflight] = l[:len(l)-1]
}

func (p *pool) add(c *simCopy)    { p.put(c); p.n++ }
func (p *pool) remove(c *simCopy) { p.take(c); p.n-- }

// set changes the requests in flight of a copy in the pool.
func (p *pool) set(c *simCopy, inflight int) {
	p.take(c)
	c.inflight = inflight
	p.put(c)
}

// least returns a copy with the fewest requests in flight, or nil if the pool is empty.
func (p *pool) least() *simCopy {
	if p.n == 0 {
		return nil
	}
	for len(p.levels[p.lo]) == 0 {
		p.lo++
	}
	l := p.levels[p.lo]
	return l[len(l)-1]
}

type completion struct {
	at   int64
	c    *simCopy
	wait int64
	svc  int64
}

type completions []completion

func (h completions) Len() int           { return len(h) }
func (h completions) Less(i, j int) bool { return h[i].at < h[j].at }
func (h completions) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *completions) Push(x any)        { *h = append(*h, x.(completion)) }
func (h *completions) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// batchHeap orders the batching copies that serve requests by their next completion.
type batchHeap []*simCopy

func (h batchHeap) Len() int           { return len(h) }
func (h batchHeap) Less(i, j int) bool { return h[i].next < h[j].next }
func (h batchHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].hidx = i
	h[j].hidx = j
}
func (h *batchHeap) Push(x any) {
	c := x.(*simCopy)
	c.hidx = len(*h)
	*h = append(*h, c)
}
func (h *batchHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	old[len(old)-1] = nil
	c.hidx = -1
	*h = old[:len(old)-1]
	return c
}

// fleet is the simulated inference component: copies with a start-up delay and a per-copy
// concurrency limit, a bounded FIFO queue in front of them, and an event loop that serves
// requests in time order. It implements resource.Actuator for the control loop.
type fleet struct {
	mu  sync.Mutex
	cfg fleetConfig
	rec recorder
	rng *rand.Rand
	svc *sampler

	now      int64
	desired  int32
	copies   pool    // in service (not draining)
	draining int     // copies draining (still billed)
	starting []int64 // ready times of copies starting, ascending
	queue    []int64 // arrival times of waiting requests (FIFO ring)
	qsvc     []int64 // their service times, parallel to queue (tokens distribution only)
	qhead    int
	tokens   bool // service times depend on the request's tokens: drawn at arrival
	done     completions

	// Continuous batching (cfg.slowdown > 0): requests share their copy's speed, so
	// completions are kept per copy instead of per request in done.
	batching  bool
	batchDone batchHeap
	finished  []batchReq // scratch for the requests one completion event ends

	acc *accounting
}

func newFleet(cfg fleetConfig, rec recorder, seed uint64, start int64, acc *accounting) *fleet {
	rng := rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
	svcRng := rng
	if cfg.service.tokenBased() {
		// Token service times are drawn at arrival from their own stream, so that the
		// same trace and seed give every scenario the same per-request work (and oracle)
		// whatever its scaling does with the start-up failure draws.
		svcRng = rand.New(rand.NewPCG(seed^0x2545f4914f6cdd1d, seed^0x9e3779b97f4a7c15))
	}
	f := &fleet{cfg: cfg, rec: rec, rng: rng, svc: newSampler(cfg.service, cfg.defIn, cfg.defOut, svcRng), now: start, acc: acc,
		tokens: cfg.service.tokenBased(), batching: cfg.slowdown > 0}
	for range cfg.initial {
		f.copies.add(newCopy())
	}
	f.desired = int32(cfg.initial)
	rec.SetCopies(time.Unix(0, start), f.copies.n)
	acc.setCopies(start, f.billed(), f.copies.n)
	return f
}

func (f *fleet) billed() int { return f.copies.n + f.draining + len(f.starting) }

func (f *fleet) queued() int { return len(f.queue) - f.qhead }

// nextInternal returns the time of the next internal event (completion, copy ready, queue
// timeout) or -1.
func (f *fleet) nextInternal() int64 {
	next := int64(-1)
	if len(f.done) > 0 {
		next = f.done[0].at
	}
	if len(f.batchDone) > 0 && (next < 0 || f.batchDone[0].next < next) {
		next = f.batchDone[0].next
	}
	if len(f.starting) > 0 && (next < 0 || f.starting[0] < next) {
		next = f.starting[0]
	}
	if f.queued() > 0 {
		if dl := f.queue[f.qhead] + f.cfg.timeout; next < 0 || dl < next {
			next = dl
		}
	}
	return next
}

// runUntil processes internal events and arrivals up to and including t in time order,
// then sets the fleet's time to t, so a control-loop tick at t sees everything that
// happened by then.
func (f *fleet) runUntil(t int64, arr *arrivalQueue) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for {
		ie := f.nextInternal()
		at, ok := arr.peek()
		if ok && at > t {
			ok = false
		}
		if ie >= 0 && ie > t {
			ie = -1
		}
		switch {
		case ie < 0 && !ok:
			f.now = t
			return
		case ie >= 0 && (!ok || ie <= at):
			f.now = ie
			f.internal(ie)
		default:
			var tok trace.Tokens
			if f.tokens {
				tok = arr.tokens()
			}
			arr.pop()
			f.now = at
			f.arrive(at, tok)
		}
	}
}

func (f *fleet) internal(t int64) {
	if len(f.done) > 0 && f.done[0].at == t {
		c := heap.Pop(&f.done).(completion)
		f.finish(t, c)
		return
	}
	if len(f.batchDone) > 0 && f.batchDone[0].next == t {
		f.batchFinish(t, f.batchDone[0])
		return
	}
	if len(f.starting) > 0 && f.starting[0] == t {
		f.starting = f.starting[1:]
		if f.cfg.failProb > 0 && f.rng.Float64() < f.cfg.failProb {
			// The copy failed to start; the runtime launches a replacement at once.
			f.acc.startFailures++
			f.insertStarting(t + f.cfg.startup)
			return
		}
		f.copies.add(newCopy())
		f.copiesChanged(t)
		f.dispatch(t)
		return
	}
	if f.queued() > 0 && f.queue[f.qhead]+f.cfg.timeout == t {
		arr, _ := f.popQueue()
		f.rec.RequestFinished(time.Unix(0, t), 0, time.Duration(t-arr), 504)
		f.acc.failed(arr, reasonTimeout)
	}
}

func (f *fleet) insertStarting(at int64) {
	i := len(f.starting)
	for i > 0 && f.starting[i-1] > at {
		i--
	}
	f.starting = append(f.starting, 0)
	copy(f.starting[i+1:], f.starting[i:])
	f.starting[i] = at
}

// popQueue removes the oldest waiting request and returns its arrival time and, with the
// tokens distribution, its service time (0 otherwise).
func (f *fleet) popQueue() (arrival, svc int64) {
	arrival = f.queue[f.qhead]
	if f.tokens {
		svc = f.qsvc[f.qhead]
	}
	f.qhead++
	if f.qhead > 1024 && f.qhead*2 > len(f.queue) {
		n := copy(f.queue, f.queue[f.qhead:])
		f.queue = f.queue[:n]
		if f.tokens {
			f.qsvc = f.qsvc[:copy(f.qsvc, f.qsvc[f.qhead:])]
		}
		f.qhead = 0
	}
	return arrival, svc
}

func (f *fleet) copiesChanged(t int64) {
	f.rec.SetCopies(time.Unix(0, t), f.copies.n)
	f.acc.setCopies(t, f.billed(), f.copies.n)
}

// leastLoaded returns the in-service copy with the fewest requests in flight if it has a
// free slot.
func (f *fleet) leastLoaded() *simCopy {
	c := f.copies.least()
	if c == nil || c.inflight >= f.cfg.concurrency {
		return nil
	}
	return c
}

// start serves a request on c; s is its service time if already drawn (tokens), else 0.
func (f *fleet) start(t int64, c *simCopy, arrival, s int64) {
	f.copies.set(c, c.inflight+1)
	if s == 0 {
		s = f.svc.draw()
	}
	if f.batching {
		f.advance(c, t)
		c.batch = append(c.batch, batchReq{rem: float64(s), arrival: arrival, start: t})
		f.reschedule(c)
		return
	}
	heap.Push(&f.done, completion{at: t + s, c: c, wait: t - arrival, svc: s})
}

func (f *fleet) arrive(t int64, tok trace.Tokens) {
	f.acc.arrived(t)
	var s int64
	if f.tokens {
		// Drawn for every arrival, served or not, so that the oracle knows the work of
		// the whole trace.
		s = f.svc.drawTokens(tok)
		f.acc.work(t, s)
	}
	tt := time.Unix(0, t)
	if f.copies.n == 0 {
		f.rec.NoCapacity(tt)
		f.acc.failed(t, reasonNoCapacity)
		return
	}
	if c := f.leastLoaded(); c != nil && f.queued() == 0 {
		f.rec.RequestStarted(tt)
		f.start(t, c, t, s)
		return
	}
	if f.queued() >= f.cfg.queueLimit {
		f.rec.RequestStarted(tt)
		f.rec.RequestFinished(tt, 0, 0, 503)
		f.acc.failed(t, reasonQueueFull)
		return
	}
	f.rec.RequestStarted(tt)
	f.queue = append(f.queue, t)
	if f.tokens {
		f.qsvc = append(f.qsvc, s)
	}
}

func (f *fleet) finish(t int64, c completion) {
	if c.c.draining {
		c.c.inflight--
	} else {
		f.copies.set(c.c, c.c.inflight-1)
	}
	f.rec.RequestFinished(time.Unix(0, t), time.Duration(c.svc), time.Duration(c.wait), 200)
	f.acc.served(t-c.svc-c.wait, c.wait, c.wait+c.svc, c.wait > f.cfg.slo)
	if c.c.draining && c.c.inflight == 0 && !c.c.removed {
		c.c.removed = true
		f.draining--
		f.acc.setCopies(t, f.billed(), f.copies.n)
	}
	f.dispatch(t)
}

// advance accounts the progress of c's requests up to t: each did (t − last) / batchFactor(n)
// of solo work, n being the batch size since the last change.
func (f *fleet) advance(c *simCopy, t int64) {
	if dt := t - c.last; dt > 0 && len(c.batch) > 0 {
		done := float64(dt) / f.cfg.batchFactor(len(c.batch))
		for i := range c.batch {
			c.batch[i].rem -= done
		}
	}
	c.last = t
}

// batchDueNanos: a request with at most half a nanosecond left at the batch's current speed
// (plus float slack) finishes now. Completions are rounded to the nearest nanosecond, so a
// due request has at most half a nanosecond left, and one still in the batch is at least a
// nanosecond away: rounding never drifts in one direction and every event makes progress.
const batchDueNanos = 0.5 + 1e-6

// reschedule sets c's next completion (the request with the least solo work left, at the
// current batch's speed, rounded to the nanosecond) and its place in batchDone; c.last must
// be current. O(batch) plus O(log copies).
func (f *fleet) reschedule(c *simCopy) {
	if len(c.batch) == 0 {
		if c.hidx >= 0 {
			heap.Remove(&f.batchDone, c.hidx)
		}
		return
	}
	m := c.batch[0].rem
	for _, r := range c.batch[1:] {
		m = min(m, r.rem)
	}
	// A request still in the batch has more than batchDueNanos left (batchFinish ends the
	// others), so the next completion is at least a nanosecond away.
	d := math.Round(m * f.cfg.batchFactor(len(c.batch)))
	d = max(0, min(d, maxServiceNanos)) // a capped wait is an event that finishes nothing
	c.next = c.last + int64(d)
	if c.hidx >= 0 {
		heap.Fix(&f.batchDone, c.hidx)
	} else {
		heap.Push(&f.batchDone, c)
	}
}

// batchFinish is a completion event of batching copy c at t: the requests whose solo work is
// done leave (in the order they started), the others speed up, and queued requests take the
// free slots.
func (f *fleet) batchFinish(t int64, c *simCopy) {
	f.advance(c, t)
	fac := f.cfg.batchFactor(len(c.batch))
	kept, done := c.batch[:0], f.finished[:0]
	for _, r := range c.batch {
		if r.rem*fac < batchDueNanos {
			done = append(done, r)
		} else {
			kept = append(kept, r)
		}
	}
	clear(c.batch[len(kept):])
	c.batch = kept
	f.finished = done
	f.reschedule(c)
	for _, r := range done {
		if c.draining {
			c.inflight--
		} else {
			f.copies.set(c, c.inflight-1)
		}
		svc, wait := t-r.start, r.start-r.arrival
		f.rec.RequestFinished(time.Unix(0, t), time.Duration(svc), time.Duration(wait), 200)
		f.acc.served(r.arrival, wait, wait+svc, wait > f.cfg.slo)
	}
	if len(done) > 0 && c.draining && c.inflight == 0 && !c.removed {
		c.removed = true
		f.draining--
		f.acc.setCopies(t, f.billed(), f.copies.n)
	}
	f.dispatch(t)
}

// dispatch starts queued requests while a copy has a free slot.
func (f *fleet) dispatch(t int64) {
	for f.queued() > 0 {
		c := f.leastLoaded()
		if c == nil {
			return
		}
		arr, s := f.popQueue()
		f.start(t, c, arr, s)
	}
}

// State implements resource.Actuator.
func (f *fleet) State(_ context.Context, _ model.TargetKey) (resource.State, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := resource.State{Desired: f.desired, Actual: int32(f.copies.n), Status: resource.StatusSuccessful}
	if len(f.starting) > 0 || int32(f.copies.n) != f.desired {
		st.Status = resource.StatusInProgress
		st.Message = fmt.Sprintf("%d of %d copies in service, %d starting", f.copies.n, f.desired, len(f.starting))
	}
	return st, nil
}

// SetDesired implements resource.Actuator: extra copies start now and serve after the
// start-up time; on scale-in, copies still starting are cancelled first (newest first), then
// the least-loaded copies stop taking requests and leave once their requests finish.
func (f *fleet) SetDesired(_ context.Context, _ model.TargetKey, n int32) error {
	if n < 0 {
		return fmt.Errorf("desired copies %d: %w", n, resource.ErrNotScalable)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.now
	f.acc.setDesired(t, n)
	f.desired = n
	have := f.copies.n + len(f.starting)
	for ; have < int(n); have++ {
		f.insertStarting(t + f.cfg.startup)
	}
	for have > int(n) && len(f.starting) > 0 {
		f.starting = f.starting[:len(f.starting)-1]
		have--
	}
	changed := false
	for have > int(n) && f.copies.n > 0 {
		// Remove the least-loaded copy.
		c := f.copies.least()
		f.copies.remove(c)
		if c.inflight > 0 {
			c.draining = true
			f.draining++
		} else {
			c.removed = true
		}
		have--
		changed = true
	}
	if changed {
		f.copiesChanged(t)
	} else {
		f.acc.setCopies(t, f.billed(), f.copies.n)
	}
	return nil
}
