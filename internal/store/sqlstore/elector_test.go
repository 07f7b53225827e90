package sqlstore

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/scaled-dev/scaled/internal/clock"
)

type campaignResult struct {
	leader  context.Context
	release func()
	err     error
}

// advanceUntil steps the fake clock by d until ch is ready, yielding between steps so the
// goroutine waiting on the clock gets to run its database round trip.
func advanceUntil[T any](t *testing.T, fc *clock.Fake, d time.Duration, ch <-chan T) T {
	t.Helper()
	for {
		select {
		case v := <-ch:
			return v
		case <-t.Context().Done():
			t.Fatal("test context ended")
		default:
			fc.Advance(d)
			runtime.Gosched()
		}
	}
}

// waitReleased waits until no session holds the lock of name. Release unlocks at once when
// the leader's connection is healthy; when resigning interrupted a connection check, the
// connection is closed instead and the server frees the lock as the session ends.
func waitReleased(t *testing.T, e *pgElector, name string) {
	t.Helper()
	for {
		held, err := e.held(t.Context(), name)
		if err != nil {
			t.Fatal(err)
		}
		if !held {
			return
		}
		runtime.Gosched()
	}
}

func TestPostgresElector(t *testing.T) {
	dsn, schema := pgSchema(t)
	ctx := t.Context()
	fc := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	const poll = time.Second
	open := func() *Store {
		s, err := OpenPostgres(ctx, dsn, Options{Schema: schema, Clock: fc, ElectionPoll: poll, Logger: quiet().Logger})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open() // two replicas
	ea, eb := a.Elector().(*pgElector), b.Elector().(*pgElector)

	leaderA, releaseA, err := ea.Campaign(ctx, "control")
	if err != nil {
		t.Fatal(err)
	}
	if held, err := ea.held(ctx, "control"); err != nil || !held {
		t.Fatalf("lock not held after winning: %v %v", held, err)
	}

	// B waits while A leads.
	second := make(chan campaignResult, 1)
	go func() {
		l, r, err := eb.Campaign(ctx, "control")
		second <- campaignResult{l, r, err}
	}()
	for range 5 {
		fc.Advance(poll)
		runtime.Gosched()
	}
	select {
	case <-second:
		t.Fatal("second replica leads while the first holds the lock")
	default:
	}
	// A different name is independent.
	lo, ro, err := eb.Campaign(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	ro()
	<-lo.Done()

	releaseA()
	<-leaderA.Done()
	rb := advanceUntil(t, fc, poll, second)
	if rb.err != nil {
		t.Fatal(rb.err)
	}

	// Losing the connection ends leadership: terminate B's session from outside.
	key := eb.s.d.advisoryKey("control")
	if _, err := a.w.ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'
AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1`,
		int64(uint64(key)>>32), int64(uint64(key)&0xffffffff)); err != nil {
		t.Fatal(err)
	}
	advanceUntil(t, fc, poll, rb.leader.Done())
	rb.release()

	// A can lead again.
	third := make(chan campaignResult, 1)
	go func() {
		l, r, err := ea.Campaign(ctx, "control")
		third <- campaignResult{l, r, err}
	}()
	ra := advanceUntil(t, fc, poll, third)
	if ra.err != nil {
		t.Fatal(ra.err)
	}
	ra.release()
	waitReleased(t, ea, "control")

	// A campaign ends with its context.
	cctx, cancel := context.WithCancel(ctx)
	cl, cr, err := ea.Campaign(cctx, "control")
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan error, 1)
	go func() {
		_, _, err := eb.Campaign(cctx, "control")
		waiting <- err
	}()
	cancel()
	<-cl.Done()
	if err := advanceUntil(t, fc, poll, waiting); err == nil {
		t.Fatal("campaign with a canceled context succeeded")
	}
	cr()
	waitReleased(t, ea, "control")
}

func TestSQLiteElectorLeadsAtOnce(t *testing.T) {
	s := openSQLite(t)
	l, r, err := s.Elector().Campaign(t.Context(), "control")
	if err != nil || l.Err() != nil {
		t.Fatalf("campaign: %v", err)
	}
	r()
	<-l.Done()
}
