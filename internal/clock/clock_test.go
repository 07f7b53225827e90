package clock

import (
	"context"
	"runtime"
	"testing"
	"time"
)

func TestFakeTickerFiresOnAdvance(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f := NewFake(start)
	tk := f.NewTicker(10 * time.Second)
	defer tk.Stop()
	select {
	case <-tk.C():
		t.Fatal("tick before advance")
	default:
	}
	f.Advance(10 * time.Second)
	select {
	case got := <-tk.C():
		if !got.Equal(start.Add(10 * time.Second)) {
			t.Fatalf("tick at %v", got)
		}
	default:
		t.Fatal("no tick after advance")
	}
	after := f.After(5 * time.Second)
	f.Advance(4 * time.Second)
	select {
	case <-after:
		t.Fatal("After fired early")
	default:
	}
	f.Advance(time.Second)
	select {
	case <-after:
	default:
		t.Fatal("After did not fire")
	}
	if got, want := f.Now(), start.Add(15*time.Second); !got.Equal(want) {
		t.Fatalf("Now = %v, want %v", got, want)
	}
}

func TestEveryCallsOnEachTickUntilCanceled(t *testing.T) {
	f := NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	ctx, cancel := context.WithCancel(context.Background())
	calls := make(chan time.Time)
	done := make(chan struct{})
	go func() {
		Every(ctx, f, time.Minute, func(context.Context) { calls <- f.Now() })
		close(done)
	}()
	// Wait until Every has created its ticker, then tick twice.
	for {
		f.mu.Lock()
		n := len(f.waiters)
		f.mu.Unlock()
		if n == 1 {
			break
		}
		runtime.Gosched()
	}
	for i := 1; i <= 2; i++ {
		f.Advance(time.Minute)
		if got := <-calls; !got.Equal(time.Date(2026, 1, 1, 0, i, 0, 0, time.UTC)) {
			t.Fatalf("call %d at %v", i, got)
		}
	}
	cancel()
	<-done
}
