// Package cursor encodes the opaque page cursors the store backends hand out. A cursor
// names the listing it belongs to and the position of the last record returned, so a
// cursor from one listing is rejected by another.
package cursor

import (
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/scaled-dev/scaled/internal/store"
)

// Listing kinds.
const (
	Targets    = "t"
	Policies   = "p"
	Schedules  = "s"
	Activities = "a"
	Alarms     = "m"
)

// Pos is a position in a listing: Seq for creation-ordered listings, Time (Unix
// nanoseconds or milliseconds, as the backend chooses) and Key for the others.
type Pos struct {
	Kind string `json:"k"`
	Seq  int64  `json:"s,omitempty"`
	Time int64  `json:"t,omitempty"`
	Key  string `json:"n,omitempty"`
	Key2 string `json:"a,omitempty"`
}

// Encode returns the opaque form of p.
func Encode(p Pos) string {
	b, err := json.Marshal(p)
	if err != nil { // cannot happen: Pos has only strings and integers
		panic(fmt.Sprintf("cursor: encode: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Decode parses s, which must be a cursor of the given kind. An empty s decodes to the
// zero Pos and ok false.
func Decode(s, kind string) (p Pos, ok bool, err error) {
	if s == "" {
		return Pos{}, false, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Pos{}, false, fmt.Errorf("%w: %q", store.ErrInvalidCursor, s)
	}
	if err := json.Unmarshal(b, &p); err != nil || p.Kind != kind {
		return Pos{}, false, fmt.Errorf("%w: %q", store.ErrInvalidCursor, s)
	}
	return p, true, nil
}
