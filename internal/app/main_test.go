package app

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"testing"
)

// envModelServer makes the test binary act as `scaled model-server`, so inference-component
// copies in these tests are real processes without a build step.
const envModelServer = "SCALED_APP_TEST_MODEL_SERVER"

func TestMain(m *testing.M) {
	if os.Getenv(envModelServer) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
		code := ModelServerMain(ctx, nil, os.Getenv, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// modelServerCommand is the command line the runtime runs for image scaled:model-server.
func modelServerCommand(t *testing.T) []string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return []string{"/usr/bin/env", envModelServer + "=1", exe, "-test.run=^$"}
}
