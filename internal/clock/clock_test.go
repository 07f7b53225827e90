package clock

import (
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
