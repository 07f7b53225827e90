package cloudwatch_test

import (
	"context"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// TestBoto3 runs testdata/boto3_client.py (boto3 over CBOR, JSON 1.0 and awsQuery)
// against the handler. It skips when python3 or boto3 is missing.
func TestBoto3(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	if err := exec.Command(py, "-c", "import boto3").Run(); err != nil {
		t.Skip("boto3 not installed (apt-get install python3-boto3)")
	}
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, py, "testdata/boto3_client.py", e.srv.URL, strconv.FormatInt(now.Unix(), 10)).CombinedOutput()
	t.Logf("boto3:\n%s", out)
	if err != nil {
		t.Fatalf("boto3 client failed: %v", err)
	}
}
