package app

import (
	"context"
	"io"
)

// runDemo drives the demo against a running App.
func runDemo(ctx context.Context, a *App, out io.Writer) error {
	_ = ctx
	_ = a
	_ = out
	return nil
}
