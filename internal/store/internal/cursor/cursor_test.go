package cursor

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/store"
)

func TestRoundTrip(t *testing.T) {
	for _, p := range []Pos{
		{Kind: Targets, Seq: 42},
		{Kind: Activities, Time: 1767225600123, Key: "6f1c2d3e-0000-4000-8000-000000000001"},
		{Kind: Alarms, Key: "name with | and \"quotes\" and ünïcode", Key2: "111111111111"},
	} {
		got, ok, err := Decode(Encode(p), p.Kind)
		if err != nil || !ok {
			t.Fatalf("decode %+v: ok=%v err=%v", p, ok, err)
		}
		if d := cmp.Diff(p, got); d != "" {
			t.Errorf("round trip (-want +got):\n%s", d)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	if _, ok, err := Decode("", Targets); ok || err != nil {
		t.Errorf("empty cursor: ok=%v err=%v", ok, err)
	}
	for _, s := range []string{"x", "!!", Encode(Pos{Kind: Policies, Seq: 1}), "eyJrIjoidCJ9x", "bnVsbA"} {
		if _, _, err := Decode(s, Targets); !errors.Is(err, store.ErrInvalidCursor) {
			t.Errorf("Decode(%q) error = %v, want ErrInvalidCursor", s, err)
		}
	}
}
