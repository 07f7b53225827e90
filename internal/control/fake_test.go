package control_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/resource"
)

// fakeActuator is a simulated fleet: SetDesired sets the desired capacity at once and the
// actual capacity follows after a delay (fake time). Failures are injected per resource.
type fakeActuator struct {
	clk *clock.Fake

	mu    sync.Mutex
	res   map[string]*fakeResource
	calls []string // "set <resource> <n>" per accepted or attempted SetDesired
}

type fakeResource struct {
	desired, actual int32
	readyAt         time.Time
	delay           time.Duration
	// setErr makes SetDesired fail with this message.
	setErr string
	// fulfilErr makes an accepted change end Failed with this message.
	fulfilErr string
	failed    bool
	// notScalable makes State return resource.ErrNotScalable with this message.
	notScalable string
	// stateErr makes State fail with this message.
	stateErr string
	// timeout: "lost" answers SetDesired with a deadline error without applying it;
	// "applied" applies it and still answers with a deadline error.
	timeout string
	// stuck keeps the actual capacity from ever reaching the desired one.
	stuck bool
}

func newFakeActuator(clk *clock.Fake) *fakeActuator {
	return &fakeActuator{clk: clk, res: map[string]*fakeResource{}}
}

func (f *fakeActuator) resource(id string) *fakeResource {
	r, ok := f.res[id]
	if !ok {
		r = &fakeResource{}
		f.res[id] = r
	}
	return r
}

func (f *fakeActuator) configure(id string, fn func(r *fakeResource)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f.resource(id))
}

func (f *fakeActuator) State(_ context.Context, k model.TargetKey) (resource.State, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.res[k.ResourceID]
	if !ok {
		return resource.State{}, fmt.Errorf("%s: %w", k.ResourceID, resource.ErrNotFound)
	}
	if r.notScalable != "" {
		return resource.State{}, fmt.Errorf("%s: %w", r.notScalable, resource.ErrNotScalable)
	}
	if r.stateErr != "" {
		return resource.State{}, errors.New(r.stateErr)
	}
	f.settle(r)
	st := resource.State{Desired: r.desired, Actual: r.actual, Status: resource.StatusSuccessful}
	switch {
	case r.failed:
		st.Status, st.Message = resource.StatusFailed, r.fulfilErr
	case r.actual != r.desired:
		st.Status = resource.StatusInProgress
	}
	return st, nil
}

func (f *fakeActuator) settle(r *fakeResource) {
	if r.actual != r.desired && !r.failed && !r.stuck && !f.clk.Now().Before(r.readyAt) {
		r.actual = r.desired
	}
}

func (f *fakeActuator) SetDesired(_ context.Context, k model.TargetKey, n int32) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.resource(k.ResourceID)
	f.calls = append(f.calls, fmt.Sprintf("set %s %d", k.ResourceID, n))
	if r.setErr != "" {
		return errors.New(r.setErr)
	}
	if r.timeout == "lost" {
		return fmt.Errorf("no answer: %w", context.DeadlineExceeded)
	}
	r.desired, r.failed = n, false
	r.readyAt = f.clk.Now().Add(r.delay)
	if r.fulfilErr != "" {
		r.failed = true
	}
	f.settle(r)
	if r.timeout == "applied" {
		return fmt.Errorf("no answer: %w", context.DeadlineExceeded)
	}
	return nil
}

// takeCalls returns and forgets the SetDesired calls so far.
func (f *fakeActuator) takeCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	return c
}

// snapshot describes every resource, sorted by ID.
func (f *fakeActuator) snapshot() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := make([]string, 0, len(f.res))
	for id := range f.res {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		r := f.res[id]
		f.settle(r)
		out = append(out, fmt.Sprintf("%s desired=%d actual=%d", id, r.desired, r.actual))
	}
	return out
}
