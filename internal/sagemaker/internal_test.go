package sagemaker

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestEpoch(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{in: `1767323045`, want: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		{in: `1767323045.25`, want: time.Date(2026, 1, 2, 3, 4, 5, 250e6, time.UTC)},
		{in: `null`},
		{in: `"2026-01-02"`, wantErr: true},
		{in: `1e400`, wantErr: true},
		{in: `1e300`, wantErr: true},
		{in: `1767323045.123`, want: time.Date(2026, 1, 2, 3, 4, 5, 123e6, time.UTC)},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			var e Epoch
			err := json.Unmarshal([]byte(tc.in), &e)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Unmarshal(%s) error %v, wantErr %v", tc.in, err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, time.Time(e)); err == nil && diff != "" {
				t.Errorf("Unmarshal(%s) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
	b, err := json.Marshal(Epoch(time.Date(2026, 1, 2, 3, 4, 5, 250e6, time.UTC)))
	if err != nil || string(b) != "1767323045.25" {
		t.Errorf("Marshal = %s, %v", b, err)
	}
}

func TestEpochRoundTripsMilliseconds(t *testing.T) {
	for ms := int64(1767323045000); ms < 1767323046000; ms += 7 {
		want := time.UnixMilli(ms).UTC()
		b, err := json.Marshal(Epoch(want))
		if err != nil {
			t.Fatal(err)
		}
		var got Epoch
		if err := json.Unmarshal(b, &got); err != nil || !time.Time(got).Equal(want) {
			t.Fatalf("%s read back as %v (%v), want %v", b, time.Time(got), err, want)
		}
	}
}

func TestEveryOperationHasAnInputShape(t *testing.T) {
	for op := range (&API{}).Service().Ops {
		if inputShapes[op] == nil {
			t.Errorf("operation %s has no input shape", op)
		}
	}
	if len(inputShapes) != 14 {
		t.Errorf("%d input shapes, want 14", len(inputShapes))
	}
}
