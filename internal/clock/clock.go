// Package clock is the only place in scaled that reads the wall clock or creates tickers.
// Everything else receives a Clock, so control-loop and simulator tests are deterministic.
package clock

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Clock tells the time and makes tickers.
type Clock interface {
	Now() time.Time
	NewTicker(d time.Duration) Ticker
	// After returns a channel that receives once d has elapsed.
	After(d time.Duration) <-chan time.Time
}

// Ticker delivers ticks on C until stopped.
type Ticker interface {
	C() <-chan time.Time
	Stop()
}

// Real is the wall clock.
type Real struct{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// NewTicker wraps time.NewTicker.
func (Real) NewTicker(d time.Duration) Ticker { return realTicker{time.NewTicker(d)} }

// After wraps time.After.
func (Real) After(d time.Duration) <-chan time.Time { return time.After(d) }

type realTicker struct{ t *time.Ticker }

func (r realTicker) C() <-chan time.Time { return r.t.C }
func (r realTicker) Stop()               { r.t.Stop() }

// Fake is a manually advanced clock. Ticks and timers due at or before the new time are
// delivered (non-blocking, buffered by one like time.Ticker) before Advance or Set returns.
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	waiters []*fakeWaiter
}

type fakeWaiter struct {
	next   time.Time
	period time.Duration // 0 for one-shot
	ch     chan time.Time
	done   bool
}

// NewFake returns a Fake clock reading start.
func NewFake(start time.Time) *Fake { return &Fake{now: start} }

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Advance moves the clock forward by d.
func (f *Fake) Advance(d time.Duration) { f.Set(f.Now().Add(d)) }

// Set moves the clock to t (never backwards) and fires what is due.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if t.Before(f.now) {
		return
	}
	f.now = t
	sort.SliceStable(f.waiters, func(i, j int) bool { return f.waiters[i].next.Before(f.waiters[j].next) })
	kept := f.waiters[:0]
	for _, w := range f.waiters {
		for !w.done && !w.next.After(t) {
			select {
			case w.ch <- w.next:
			default:
			}
			if w.period == 0 {
				w.done = true
				break
			}
			w.next = w.next.Add(w.period)
		}
		if !w.done {
			kept = append(kept, w)
		}
	}
	f.waiters = kept
}

// NewTicker returns a ticker driven by Advance/Set.
func (f *Fake) NewTicker(d time.Duration) Ticker {
	if d <= 0 {
		panic("clock: non-positive ticker interval")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	w := &fakeWaiter{next: f.now.Add(d), period: d, ch: make(chan time.Time, 1)}
	f.waiters = append(f.waiters, w)
	return &fakeTicker{f: f, w: w}
}

// After returns a channel that fires once the fake time passes now+d.
func (f *Fake) After(d time.Duration) <-chan time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	w := &fakeWaiter{next: f.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		w.ch <- f.now
		return w.ch
	}
	f.waiters = append(f.waiters, w)
	return w.ch
}

type fakeTicker struct {
	f *Fake
	w *fakeWaiter
}

func (t *fakeTicker) C() <-chan time.Time { return t.w.ch }
func (t *fakeTicker) Stop() {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	t.w.done = true
	kept := t.f.waiters[:0]
	for _, w := range t.f.waiters {
		if w != t.w {
			kept = append(kept, w)
		}
	}
	t.f.waiters = kept
}

// Every calls f on each tick of a ticker with period d until ctx ends; it is the thin Run
// around a synchronous Tick that every loop of scaled uses.
func Every(ctx context.Context, c Clock, d time.Duration, f func(context.Context)) {
	t := c.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C():
			f(ctx)
		}
	}
}
