// Command scaled is a self-hosted Application Auto Scaling service for model-inference
// serving. Subcommands: serve, demo, simulate, model-server, version.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/scaled-dev/scaled/internal/app"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage: scaled <command> [flags]

commands:
  serve         run the API server, control loop and local runtime (see scaled serve -h)
  demo          run the server and a demo that scales a local inference component, then exit
  simulate      replay a request trace through the control loop and report cost and SLO
  model-server  run the synthetic model server (one inference-component copy)
  version       print the version
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return app.ServeMain(ctx, rest, os.Getenv, stdout, stderr)
	case "demo":
		return app.DemoMain(ctx, rest, os.Getenv, stdout, stderr)
	case "simulate":
		return app.SimulateMain(ctx, rest, stdout, stderr)
	case "model-server":
		return app.ModelServerMain(ctx, rest, os.Getenv, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "scaled", app.Version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "scaled: unknown command %q\n\n%s", cmd, usage)
	return 2
}
