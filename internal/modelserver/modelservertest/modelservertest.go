// Package modelservertest lets a test binary stand in for `scaled model-server`, so tests
// that run inference-component copies as real processes need no build step: TestMain calls
// Serve first, and the runtime starts copies with CommandLine.
package modelservertest

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/scaled-dev/scaled/internal/modelserver"
)

// env marks a process started by CommandLine.
const env = "SCALED_TEST_RUN_MODEL_SERVER"

// Serve runs the model server and exits the process when this test binary was started by
// CommandLine; otherwise it returns at once. Call it first thing in TestMain.
func Serve() {
	if os.Getenv(env) != "1" {
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	cfg, err := modelserver.ConfigFromEnv(os.Getenv)
	if err == nil {
		err = modelserver.Run(ctx, cfg)
	}
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// CommandLine is the command line that starts this test binary as the model server (for
// serving.CommandTable.ModelServer). The runtime adds the container environment.
func CommandLine() []string {
	exe, err := os.Executable()
	if err != nil {
		panic(fmt.Sprintf("modelservertest: finding the test binary: %v", err))
	}
	return []string{"/usr/bin/env", env + "=1", "GORACE=atexit_sleep_ms=0", exe, "-test.run=^$"}
}
