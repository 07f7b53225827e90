package app

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
)

// TestAccessLog: every request is logged at debug level with its operation, account and
// status; a request refused for its signature is logged at warn level.
func TestAccessLog(t *testing.T) {
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := startServer(t, testConfig(t), Options{Logger: log})
	c := s.app.Credential
	if _, err := s.aasClient(c.AccessKeyID, c.SecretAccessKey).DescribeScalableTargets(context.Background(),
		&aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceSagemaker}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, s.app.Endpoint+"/", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "AnyScaleFrontendService.DescribeScalableTargets")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	s.stop()
	out := logs.String()
	var ok, refused bool
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, "msg=request ") || !strings.Contains(line, "operation=DescribeScalableTargets") {
			continue
		}
		switch {
		case strings.Contains(line, "level=DEBUG") && strings.Contains(line, "status=200") && strings.Contains(line, "account="+c.AccountID):
			ok = true
		case strings.Contains(line, "level=WARN") && strings.Contains(line, "status=400") && strings.Contains(line, "refused="):
			refused = true
		}
	}
	if !ok || !refused {
		t.Errorf("access log lacks the signed request (%v) or the refused one (%v):\n%s", ok, refused, out)
	}
}
