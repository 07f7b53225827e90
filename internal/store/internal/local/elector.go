// Package local is the in-process store.Elector used by the embedded backends: one
// process, so the first campaigner of a name leads at once and later campaigners of the
// same name wait until it resigns.
package local

import (
	"context"
	"sync"
)

// Elector grants leadership of each name to one campaigner at a time. The zero value is
// ready to use.
type Elector struct {
	mu   sync.Mutex
	held map[string]chan struct{}
}

// Campaign blocks until name is free or ctx ends. The leader context ends when release is
// called or ctx ends; either resigns.
func (e *Elector) Campaign(ctx context.Context, name string) (context.Context, func(), error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		e.mu.Lock()
		if e.held == nil {
			e.held = make(map[string]chan struct{})
		}
		ch, taken := e.held[name]
		if !taken {
			ch = make(chan struct{})
			e.held[name] = ch
			e.mu.Unlock()
			leader, cancel := context.WithCancel(ctx)
			resign := sync.OnceFunc(func() {
				e.mu.Lock()
				delete(e.held, name)
				e.mu.Unlock()
				close(ch)
			})
			context.AfterFunc(leader, resign)
			return leader, func() { cancel(); resign() }, nil
		}
		e.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
}
