package storetest

import (
	"fmt"
	"testing"

	"github.com/scaled-dev/scaled/internal/model"
	"github.com/scaled-dev/scaled/internal/store"
)

// BenchOpener returns a new, empty store for one benchmark.
type BenchOpener func(b *testing.B) store.Store

// Bench runs the store benchmarks against the backend open returns: creating targets,
// updating one target (compare-and-swap), reading a target out of 1000, listing 1000
// targets, writing activities and the control loop's state read-modify-write.
func Bench(b *testing.B, open BenchOpener) {
	b.Run("PutTarget/create", func(b *testing.B) {
		s := open(b)
		ctx := b.Context()
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := s.PutTarget(ctx, newTarget(tkey(acct1, fmt.Sprint("t", i)))); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("PutTarget/update", func(b *testing.B) {
		s := open(b)
		ctx := b.Context()
		t, err := s.PutTarget(ctx, newTarget(tkey(acct1, "t")))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			t.MaxCapacity++
			if t, err = s.PutTarget(ctx, t); err != nil {
				b.Fatal(err)
			}
		}
	})
	populated := func(b *testing.B) store.Store {
		s := open(b)
		for i := range 1000 {
			if _, err := s.PutTarget(b.Context(), newTarget(tkey(acct1, fmt.Sprintf("t%04d", i)))); err != nil {
				b.Fatal(err)
			}
		}
		return s
	}
	b.Run("GetTarget", func(b *testing.B) {
		s := populated(b)
		ctx := b.Context()
		keys := make([]model.TargetKey, 1000)
		for i := range keys {
			keys[i] = tkey(acct1, fmt.Sprintf("t%04d", (i*7919)%1000))
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := s.GetTarget(ctx, keys[i%len(keys)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("ListTargets/1000", func(b *testing.B) {
		s := populated(b)
		ctx := b.Context()
		b.ReportAllocs()
		for b.Loop() {
			items, _, err := s.ListTargets(ctx, store.TargetFilter{Account: acct1})
			if err != nil || len(items) != 1000 {
				b.Fatalf("got %d targets, %v", len(items), err)
			}
		}
	})
	b.Run("PutActivity", func(b *testing.B) {
		s := open(b)
		ctx := b.Context()
		k := tkey(acct1, "t")
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if err := s.PutActivity(ctx, newActivity(fmt.Sprint("a", i), k, at(i))); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("TargetState/get+put", func(b *testing.B) {
		s := open(b)
		ctx := b.Context()
		k := tkey(acct1, "t")
		if _, err := s.PutTarget(ctx, newTarget(k)); err != nil {
			b.Fatal(err)
		}
		if _, err := s.PutTargetState(ctx, newState(k)); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			st, err := s.GetTargetState(ctx, k)
			if err != nil {
				b.Fatal(err)
			}
			st.InFlightDesired++
			if _, err := s.PutTargetState(ctx, st); err != nil {
				b.Fatal(err)
			}
		}
	})
}
