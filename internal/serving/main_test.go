package serving_test

import (
	"os"
	"testing"

	"github.com/scaled-dev/scaled/internal/modelserver/modelservertest"
	"github.com/scaled-dev/scaled/internal/serving"
)

func TestMain(m *testing.M) {
	modelservertest.Serve()
	os.Exit(m.Run())
}

// testCommands runs image scaled:model-server as this test binary in model-server mode.
var testCommands = serving.CommandTable{ModelServer: modelservertest.CommandLine()}.Command
