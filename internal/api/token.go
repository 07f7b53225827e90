package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// tokens signs and checks NextToken values. A token carries the store's cursor and an HMAC
// over (operation, filter, cursor), so a token only works for the listing that issued it.
type tokens struct{ key []byte }

func (t tokens) mac(op, filter, cursor string) []byte {
	h := hmac.New(sha256.New, t.key)
	h.Write([]byte(op))
	h.Write([]byte{0})
	fh := sha256.Sum256([]byte(filter))
	h.Write(fh[:])
	h.Write([]byte{0})
	h.Write([]byte(cursor))
	return h.Sum(nil)[:16]
}

// issue returns the NextToken for cursor ("" when there are no more pages).
func (t tokens) issue(op, filter, cursor string) string {
	if cursor == "" {
		return ""
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(cursor)) + "." + enc.EncodeToString(t.mac(op, filter, cursor))
}

// open returns the cursor inside a NextToken (token "" means the first page).
func (t tokens) open(op, filter string, token *string) (string, error) {
	if token == nil || *token == "" {
		return "", nil
	}
	enc := base64.RawURLEncoding
	c, m, ok := strings.Cut(*token, ".")
	if !ok {
		return "", &invalidTokenError{reason: "the token is malformed"}
	}
	cursor, err1 := enc.DecodeString(c)
	sum, err2 := enc.DecodeString(m)
	if err1 != nil || err2 != nil || len(cursor) == 0 {
		return "", &invalidTokenError{reason: "the token is malformed"}
	}
	if !hmac.Equal(sum, t.mac(op, filter, string(cursor))) {
		return "", &invalidTokenError{reason: "the token was not issued for this request"}
	}
	return string(cursor), nil
}
