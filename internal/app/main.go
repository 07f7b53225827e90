package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/scaled-dev/scaled/internal/config"
	"github.com/scaled-dev/scaled/internal/modelserver"
	"github.com/scaled-dev/scaled/internal/sim"
)

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// ServeMain implements `scaled serve`. With --demo it also runs the demo against itself
// once it is up, and keeps serving afterwards.
func ServeMain(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	withDemo := false
	rest := args[:0:0]
	for _, a := range args {
		if a == "--demo" || a == "-demo" {
			withDemo = true
			continue
		}
		rest = append(rest, a)
	}
	if withDemo {
		rest = append(demoDefaults(rest), rest...)
	}
	cfg, err := config.Load(rest, getenv)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stderr, "  -demo\n    \talso run the demo against this server once it is up (shortens the alarm periods; see docs/extensions.md)")
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "scaled serve: %v\n", err)
		return 2
	}
	log := newLogger(stderr, cfg.LogLevel)
	a, err := New(ctx, cfg, Options{Logger: log, Stdout: stdout, Getenv: getenv})
	if err != nil {
		fmt.Fprintf(stderr, "scaled serve: %v\n", err)
		return 1
	}
	defer a.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if withDemo {
		go func() {
			if err := runDemo(ctx, a, stdout); err != nil && ctx.Err() == nil {
				log.Error("demo failed", "err", err)
			}
			fmt.Fprintf(stdout, "\nThe demo is over; scaled keeps serving at %s (Ctrl-C to stop).\n", a.Endpoint)
		}()
	}
	if err := a.Run(ctx); err != nil {
		fmt.Fprintf(stderr, "scaled serve: %v\n", err)
		return 1
	}
	return 0
}

// demoDefaults shortens the managed alarm periods and the evaluation interval so the demo
// shows a rise and a fall within minutes; explicit flags still win.
func demoDefaults(args []string) []string {
	has := func(name string) bool {
		for _, a := range args {
			if a == "--"+name || a == "-"+name || strings.HasPrefix(a, "--"+name+"=") || strings.HasPrefix(a, "-"+name+"=") {
				return true
			}
		}
		return false
	}
	var d []string
	if !has("alarm-period") {
		d = append(d, "--alarm-period", "10s")
	}
	if !has("high-res-alarm-period") {
		d = append(d, "--high-res-alarm-period", "5s")
	}
	if !has("eval-interval") {
		d = append(d, "--eval-interval", "2s")
	}
	if !has("metric-resolution") {
		// The runtime's metrics must be finer than the shortened alarm periods.
		d = append(d, "--metric-resolution", "5s")
	}
	return d
}

// DemoMain implements `scaled demo`: a server with the local runtime plus the demo, in a
// fresh data directory unless --data-dir is given; it exits when the demo ends.
func DemoMain(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	args = append(demoDefaults(args), args...)
	hasDir := false
	for _, a := range args {
		if a == "--data-dir" || strings.HasPrefix(a, "--data-dir=") || a == "-data-dir" {
			hasDir = true
		}
	}
	if !hasDir {
		dir, err := os.MkdirTemp("", "scaled-demo-")
		if err != nil {
			fmt.Fprintf(stderr, "scaled demo: %v\n", err)
			return 1
		}
		defer os.RemoveAll(dir)
		args = append(args, "--data-dir", dir)
	}
	cfg, err := config.Load(append([]string{"--addr", "127.0.0.1:0"}, args...), getenv)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "scaled demo: %v\n", err)
		return 2
	}
	log := newLogger(stderr, "warn")
	a, err := New(ctx, cfg, Options{Logger: log, Stdout: io.Discard, Getenv: getenv})
	if err != nil {
		fmt.Fprintf(stderr, "scaled demo: %v\n", err)
		return 1
	}
	defer a.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	err = runDemo(ctx, a, stdout)
	cancel()
	if rerr := <-done; rerr != nil && err == nil {
		err = rerr
	}
	if err != nil && ctx.Err() == nil {
		fmt.Fprintf(stderr, "scaled demo: %v\n", err)
		return 1
	}
	return 0
}

// SimulateMain implements `scaled simulate`.
func SimulateMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return sim.Main(ctx, args, stdout, stderr)
}

// ModelServerMain implements `scaled model-server`, the synthetic model server one
// inference-component copy runs. It is configured from the environment (see docs/runtime.md).
func ModelServerMain(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "scaled model-server takes no arguments; configure it with environment variables (docs/runtime.md)\n")
		return 2
	}
	cfg, err := modelserver.ConfigFromEnv(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "scaled model-server: %v\n", err)
		return 2
	}
	if err := modelserver.Run(ctx, cfg); err != nil && ctx.Err() == nil {
		fmt.Fprintf(stderr, "scaled model-server: %v\n", err)
		return 1
	}
	return 0
}
