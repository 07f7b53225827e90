// Package auth verifies AWS Signature Version 4 on incoming requests against configured
// access keys, and carries the caller's account through the request context.
package auth

import "context"

type accountKey struct{}

// WithAccount returns ctx carrying the caller's account ID.
func WithAccount(ctx context.Context, account string) context.Context {
	return context.WithValue(ctx, accountKey{}, account)
}

// AccountFrom returns the account ID of the authenticated caller, or "" if none.
func AccountFrom(ctx context.Context) string {
	s, _ := ctx.Value(accountKey{}).(string)
	return s
}
