package api

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestTokens(t *testing.T) {
	tk := tokens{key: []byte("k")}
	if got := tk.issue("Op", "f", ""); got != "" {
		t.Errorf("issue with no cursor = %q, want empty", got)
	}
	tok := tk.issue("Op", "f", "cursor-1")
	tests := []struct {
		name, op, filter string
		token            *string
		want             string
		wantErr          bool
	}{
		{"first page", "Op", "f", nil, "", false},
		{"empty", "Op", "f", ptr(""), "", false},
		{"round trip", "Op", "f", &tok, "cursor-1", false},
		{"other op", "Other", "f", &tok, "", true},
		{"other filter", "Op", "g", &tok, "", true},
		{"no separator", "Op", "f", ptr("abc"), "", true},
		{"bad base64", "Op", "f", ptr("!!.!!"), "", true},
		{"forged", "Op", "f", ptr("Y3Vyc29yLTI." + tok[len("Y3Vyc29yLTE."):]), "", true},
	}
	for _, tc := range tests {
		got, err := tk.open(tc.op, tc.filter, tc.token)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("%s: open = %q, %v; want %q, error %v", tc.name, got, err, tc.want, tc.wantErr)
		}
	}
	other := tokens{key: []byte("other")}
	if _, err := other.open("Op", "f", &tok); err == nil {
		t.Errorf("token accepted under another key")
	}
}

func ptr[T any](v T) *T { return &v }

func TestTimes(t *testing.T) {
	out := []outTime{
		outTime(time.Unix(1557141706, 199_000_000)),
		outTime(time.Unix(1557141706, 0)),
		outTime(time.Unix(1557141706, 230_000_000)),
		outTime(time.Unix(1557141706, 999_999_999)),
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`[1557141706.199,1557141706,1557141706.23,1557141706.999]`, string(b)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for in, want := range map[string]time.Time{
		`1557141706.199`:             time.UnixMilli(1557141706199).UTC(),
		`1557141706`:                 time.Unix(1557141706, 0).UTC(),
		`"2019-05-06T11:21:46.199Z"`: time.UnixMilli(1557141706199).UTC(),
		`"2019-05-06T11:21:46"`:      time.Unix(1557141706, 0).UTC(),
		`"1557141706.5"`:             time.UnixMilli(1557141706500).UTC(),
	} {
		var got inTime
		if err := json.Unmarshal([]byte(in), &got); err != nil || !got.Equal(want) {
			t.Errorf("inTime(%s) = %v, %v; want %v", in, got.Time, err, want)
		}
	}
	for _, bad := range []string{`"yesterday"`, `true`, `1e300`, `"NaN"`} {
		var got inTime
		if err := json.Unmarshal([]byte(bad), &got); err == nil {
			t.Errorf("inTime(%s) accepted: %v", bad, got.Time)
		}
	}
}
