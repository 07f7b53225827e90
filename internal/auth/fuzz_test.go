package auth

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/scaled-dev/scaled/internal/awsjson"
	"github.com/scaled-dev/scaled/internal/clock"
)

// FuzzVerify feeds arbitrary Authorization headers, query strings and bodies to Verify: it
// must never panic, must fail with an *awsjson.Error, and may succeed only for the one
// correctly signed seed.
func FuzzVerify(f *testing.F) {
	body := []byte(testBody)
	signed := httptest.NewRequest(http.MethodPost, "http://scaled.test/", bytes.NewReader(body))
	signed.Header.Set("X-Amz-Target", "AnyScaleFrontendService.DescribeScalableTargets")
	defaultSigning().sign(f, signed, body)
	good := signed.Header.Get("Authorization")
	amzDate := signed.Header.Get("X-Amz-Date")

	f.Add(good, "", body)
	f.Add(good, "", []byte(`{}`))
	f.Add("", "", body)
	f.Add("Bearer abc", "", body)
	f.Add("AWS4-HMAC-SHA256", "", body)
	f.Add("AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature=", "", []byte{})
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260301/us-east-1/application-autoscaling/aws4_request, SignedHeaders=;;;, Signature=zz", "", body)
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/e/f, SignedHeaders=host, Signature=00", "", body)
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260301/us-east-1/application-autoscaling/aws4_request,SignedHeaders=content-length;host;x-amz-date,Signature=00,Signature=01", "", body)
	f.Add("", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260301%2Fus-east-1%2Fmonitoring%2Faws4_request&X-Amz-Date=20260301T120000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00&X-Amz-Expires=99999999999", []byte{})
	f.Add("", "X-Amz-Signature=&X-Amz-Signature=", []byte{})
	f.Add("", "%zz=1;2", body)

	v := NewVerifier(VerifierOptions{Keys: testKeys(f), Clock: clock.NewFake(t0), Region: testRegion, Services: testServices, MaxBody: 4096})
	f.Fuzz(func(t *testing.T, authz, query string, b []byte) {
		req := httptest.NewRequest(http.MethodPost, "http://scaled.test/", bytes.NewReader(b))
		req.URL.RawQuery = query
		req.Header.Set("X-Amz-Target", "AnyScaleFrontendService.DescribeScalableTargets")
		req.Header.Set("X-Amz-Date", amzDate)
		if authz != "" {
			req.Header["Authorization"] = []string{authz}
		}
		cred, err := v.Verify(req)
		if err == nil {
			if authz != good || query != "" || !bytes.Equal(b, body) || cred != testCred {
				t.Fatalf("Verify accepted authz=%q query=%q body=%q as %+v", authz, query, b, cred)
			}
			return
		}
		var ae *awsjson.Error
		if !errors.As(err, &ae) || ae.Type == "" || ae.Status == 0 {
			t.Fatalf("Verify error %T %v is not a complete *awsjson.Error", err, err)
		}
	})
}
