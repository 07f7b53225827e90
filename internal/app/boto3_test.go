package app

import (
	"os/exec"
	"strings"
	"testing"
)

// pythonWithBoto3 finds an interpreter that can import boto3 (Debian's python3-boto3 lives
// in the system interpreter, which may not be first on PATH).
func pythonWithBoto3(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if err := exec.Command(py, "-c", "import boto3").Run(); err == nil {
			return py
		}
	}
	t.Skip("no python3 with boto3 (apt-get install python3-boto3)")
	return ""
}

// TestBoto3Quickstart runs the setup script a SageMaker user writes, with boto3 signing
// its requests, against a real server.
func TestBoto3Quickstart(t *testing.T) {
	py := pythonWithBoto3(t)
	s := startServer(t, testConfig(t), Options{})
	c := s.app.Credential
	cmd := exec.Command(py, "testdata/boto3_quickstart.py")
	cmd.Env = []string{
		"SCALED_ENDPOINT=" + s.app.Endpoint,
		"AWS_ACCESS_KEY_ID=" + c.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + c.SecretAccessKey,
		"AWS_REGION=" + s.cfg.Region,
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"HOME=" + t.TempDir(),
	}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "boto3 quickstart ok") {
		t.Fatalf("boto3 script: %v\n%s", err, out)
	}
}
