package app

import (
	"os"
	"testing"

	"github.com/scaled-dev/scaled/internal/modelserver/modelservertest"
)

func TestMain(m *testing.M) {
	modelservertest.Serve()
	os.Exit(m.Run())
}
