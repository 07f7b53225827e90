package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// pgElector elects leaders with PostgreSQL session advisory locks. A leader holds its lock
// on a dedicated connection for as long as it leads and checks that connection every
// ElectionPoll; if the connection fails the server has dropped the lock, so the leader
// context is canceled at once. Resigning unlocks and closes the connection; if the unlock
// cannot run (the connection broke, or resigning interrupted a check), closing the session
// frees the lock on the server shortly after.
type pgElector struct {
	s *Store
}

// Campaign blocks until this process holds the advisory lock of name or ctx ends.
func (e *pgElector) Campaign(ctx context.Context, name string) (context.Context, func(), error) {
	key := e.s.d.advisoryKey(name)
	log := e.s.opts.Logger.With("election", name)
	var conn *sql.Conn
	for {
		if err := ctx.Err(); err != nil {
			if conn != nil {
				discardConn(conn)
			}
			return nil, nil, err
		}
		if conn == nil {
			c, err := e.s.elect.Conn(ctx)
			if err != nil {
				log.WarnContext(ctx, "election: no database connection", "err", err)
			}
			conn = c
		}
		if conn != nil {
			var got bool
			err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&got)
			switch {
			case err != nil:
				if ctx.Err() == nil {
					log.WarnContext(ctx, "election: lock attempt failed", "err", err)
				}
				discardConn(conn)
				conn = nil
			case got:
				log.InfoContext(ctx, "election: leading")
				return e.lead(ctx, conn, key, name)
			}
		}
		select {
		case <-e.s.opts.Clock.After(e.s.opts.ElectionPoll):
		case <-ctx.Done():
		}
	}
}

func (e *pgElector) lead(ctx context.Context, conn *sql.Conn, key int64, name string) (context.Context, func(), error) {
	leader, cancel := context.WithCancel(ctx)
	log := e.s.opts.Logger.With("election", name)
	var once sync.Once
	stop := make(chan struct{})
	done := make(chan struct{})
	resign := func() {
		once.Do(func() {
			cancel()
			close(stop)
			<-done
			// Unlock politely, then drop the session anyway: closing it releases every
			// lock it holds even if the unlock failed.
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key)
			discardConn(conn)
			log.InfoContext(ctx, "election: resigned")
		})
	}
	go func() {
		defer close(done)
		t := e.s.opts.Clock.NewTicker(e.s.opts.ElectionPoll)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-leader.Done():
				go resign()
				return
			case <-t.C():
				if err := conn.PingContext(leader); err != nil {
					if leader.Err() == nil {
						log.WarnContext(ctx, "election: lost the leadership connection", "err", err)
					}
					cancel()
					go resign()
					return
				}
			}
		}
	}()
	return leader, resign, nil
}

// held reports whether some session of this database holds the advisory lock of name
// (used by tests).
func (e *pgElector) held(ctx context.Context, name string) (bool, error) {
	key := e.s.d.advisoryKey(name)
	var n int
	err := e.s.r.QueryRowContext(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1 AND granted`,
		int64(uint64(key)>>32), int64(uint64(key)&0xffffffff)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read advisory locks: %w", err)
	}
	return n > 0, nil
}
