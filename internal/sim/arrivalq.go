package sim

import "github.com/scaled-dev/scaled/internal/sim/trace"

// arrivalQueue adapts trace.Arrivals to Unix nanoseconds.
type arrivalQueue struct {
	a *trace.Arrivals
}

func (q *arrivalQueue) peek() (int64, bool) {
	t, ok := q.a.Peek()
	if !ok {
		return 0, false
	}
	return t.UnixNano(), true
}

func (q *arrivalQueue) pop() { q.a.Next() }

// tokens returns the token counts of the arrival peek returned.
func (q *arrivalQueue) tokens() trace.Tokens { return q.a.PeekTokens() }
