package sagemaker_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"

	"github.com/scaled-dev/scaled/internal/modelserver"
	"github.com/scaled-dev/scaled/internal/serving"
)

// envRunModelServer makes the test binary act as the model server, so copies need no build.
const envRunModelServer = "SCALED_TEST_RUN_MODEL_SERVER"

func TestMain(m *testing.M) {
	if os.Getenv(envRunModelServer) == "1" {
		os.Exit(runModelServer())
	}
	os.Exit(m.Run())
}

func runModelServer() int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	cfg, err := modelserver.ConfigFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if err := modelserver.Run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func testCommands(image string, env map[string]string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd, err := serving.CommandTable{ModelServer: []string{exe, "-test.run=^$"}}.Command(image, env)
	if err != nil {
		return nil, err
	}
	cmd.Env = append(os.Environ(), envRunModelServer+"=1", "GORACE=atexit_sleep_ms=0")
	return cmd, nil
}
