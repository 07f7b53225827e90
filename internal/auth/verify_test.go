package auth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/awsjson"
	"github.com/scaled-dev/scaled/internal/clock"
)

var (
	t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

	testCred  = Credential{Profile: "default", AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", AccountID: "123456789012"}
	otherCred = Credential{Profile: "other", AccessKeyID: "AKIAI44QH8DHBEXAMPLE", SecretAccessKey: "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY", AccountID: DefaultAccountID}

	testServices = []string{"application-autoscaling", "monitoring", "sagemaker"}
)

const (
	testRegion  = "us-east-1"
	testService = "application-autoscaling"
	testBody    = `{"ServiceNamespace":"sagemaker","ResourceId":"inference-component/my-ic","ScalableDimension":"sagemaker:inference-component:DesiredCopyCount"}`
)

func testKeys(t testing.TB) *KeyRing {
	t.Helper()
	k, err := NewKeyRing(testCred, otherCred)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// signing says how the client signs a request.
type signing struct {
	key, secret, token string
	region, service    string
	at                 time.Time
	payloadHash        string // "" means the SHA-256 of the body
}

func defaultSigning() signing {
	return signing{key: testCred.AccessKeyID, secret: testCred.SecretAccessKey, region: testRegion, service: testService, at: t0}
}

func (s signing) creds() aws.Credentials {
	return aws.Credentials{AccessKeyID: s.key, SecretAccessKey: s.secret, SessionToken: s.token}
}

func (s signing) sign(t testing.TB, req *http.Request, body []byte) {
	t.Helper()
	h := s.payloadHash
	if h == "" {
		h = sha(body)
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), s.creds(), req, h, s.service, s.region, s.at); err != nil {
		t.Fatal(err)
	}
}

// result is what the server saw: the credential Verify returned or its error, and on
// success the body the handler read after Verify.
type result struct {
	Cred Credential
	Err  *awsjson.Error
	Body string
}

// roundTrip sends the request built by build to a real HTTP server whose handler calls
// v.Verify, and returns what the handler saw.
func roundTrip(t *testing.T, v *Verifier, build func(base string) *http.Request) result {
	t.Helper()
	got := make(chan result, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cred, err := v.Verify(r)
		var res result
		if err != nil {
			var ae *awsjson.Error
			if !errors.As(err, &ae) {
				ae = &awsjson.Error{Type: "not an awsjson.Error: " + err.Error()}
			}
			res.Err = ae
		} else {
			b, _ := io.ReadAll(r.Body)
			res.Cred, res.Body = cred, string(b)
		}
		got <- res
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	resp, err := srv.Client().Do(build(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return <-got
}

func newRequest(t testing.TB, method, url string, body []byte) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// jsonRequest is the request an AWS SDK sends for an AWS JSON 1.1 call.
func jsonRequest(t testing.TB, base string, body []byte) *http.Request {
	req := newRequest(t, http.MethodPost, base+"/", body)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AnyScaleFrontendService.DescribeScalableTargets")
	return req
}

func authErr(code, msg string) *awsjson.Error {
	return &awsjson.Error{Type: code, Status: http.StatusBadRequest, Message: msg}
}

func TestVerify(t *testing.T) {
	body := []byte(testBody)
	ok := result{Cred: testCred, Body: testBody}
	mismatch := result{Err: authErr(CodeInvalidSignature, msgSignatureInvalid)}

	tests := []struct {
		name    string
		opts    func(*VerifierOptions)
		build   func(t *testing.T, base string) *http.Request
		advance time.Duration // clock offset from t0 when the server checks
		want    result
	}{
		{
			name: "good",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				defaultSigning().sign(t, req, body)
				return req
			},
			want: ok,
		},
		{
			name: "second key maps to its own account",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				s := defaultSigning()
				s.key, s.secret = otherCred.AccessKeyID, otherCred.SecretAccessKey
				s.sign(t, req, body)
				return req
			},
			want: result{Cred: otherCred, Body: testBody},
		},
		{
			name: "empty body GET",
			build: func(t *testing.T, base string) *http.Request {
				req := newRequest(t, http.MethodGet, base+"/", nil)
				defaultSigning().sign(t, req, nil)
				return req
			},
			want: result{Cred: testCred},
		},
		{
			name: "query string, escaped path, repeated and padded headers",
			build: func(t *testing.T, base string) *http.Request {
				req := newRequest(t, http.MethodPost, base+"/endpoints/my%20ep/invocations?b=2&a=1&a=0&sp=x%20y", body)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Add("X-Custom", "  spaced    out   value ")
				req.Header.Add("X-Custom", "second")
				defaultSigning().sign(t, req, body)
				return req
			},
			want: ok,
		},
		{
			name: "Host header differs from the dialled address",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				req.Host = "application-autoscaling.us-east-1.amazonaws.com"
				defaultSigning().sign(t, req, body)
				return req
			},
			want: ok,
		},
		{
			name: "session token is signed",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				s := defaultSigning()
				s.token = "FwoGZXIvYXdzEXAMPLETOKEN"
				s.sign(t, req, body)
				if req.Header.Get("X-Amz-Security-Token") == "" {
					t.Fatal("signer did not add X-Amz-Security-Token")
				}
				return req
			},
			want: ok,
		},
		{
			name: "tampered body",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				defaultSigning().sign(t, req, body)
				evil := bytes.Replace(body, []byte("my-ic"), []byte("ur-ic"), 1)
				req.Body = io.NopCloser(bytes.NewReader(evil))
				return req
			},
			want: mismatch,
		},
		{
			name: "tampered signed header",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				defaultSigning().sign(t, req, body)
				req.Header.Set("X-Amz-Target", "AnyScaleFrontendService.DeregisterScalableTarget")
				return req
			},
			want: mismatch,
		},
		{
			name: "tampered query string",
			build: func(t *testing.T, base string) *http.Request {
				req := newRequest(t, http.MethodGet, base+"/?a=1", nil)
				defaultSigning().sign(t, req, nil)
				req.URL.RawQuery = "a=2"
				return req
			},
			want: mismatch,
		},
		{
			name: "unsigned header may change",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				defaultSigning().sign(t, req, body)
				req.Header.Set("User-Agent", "changed-after-signing")
				return req
			},
			want: ok,
		},
		{
			name: "wrong secret",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				s := defaultSigning()
				s.secret = otherCred.SecretAccessKey
				s.sign(t, req, body)
				return req
			},
			want: mismatch,
		},
		{
			name: "unknown key",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				s := defaultSigning()
				s.key = "AKIAUNKNOWNKEY000000"
				s.sign(t, req, body)
				return req
			},
			want: result{Err: authErr(CodeUnrecognizedClient, "The security token included in the request is invalid.")},
		},
		{
			name: "stale date",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				defaultSigning().sign(t, req, body)
				return req
			},
			advance: 16 * time.Minute,
			want:    result{Err: authErr(CodeInvalidSignature, "Signature expired: 20260301T120000Z is now earlier than 20260301T120100Z (20260301T121600Z - 15 min.)")},
		},
		{
			name: "old but within skew",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				defaultSigning().sign(t, req, body)
				return req
			},
			advance: 15 * time.Minute,
			want:    ok,
		},
		{
			name: "future date",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				s := defaultSigning()
				s.at = t0.Add(16 * time.Minute)
				s.sign(t, req, body)
				return req
			},
			want: result{Err: authErr(CodeInvalidSignature, "Signature not yet current: 20260301T121600Z is still later than 20260301T121500Z (20260301T120000Z + 15 min.)")},
		},
		{
			name: "custom skew",
			opts: func(o *VerifierOptions) { o.MaxSkew = 90 * time.Second },
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				defaultSigning().sign(t, req, body)
				return req
			},
			advance: 2 * time.Minute,
			want:    result{Err: authErr(CodeInvalidSignature, "Signature expired: 20260301T120000Z is now earlier than 20260301T120030Z (20260301T120200Z - 90 sec.)")},
		},
		{
			name: "wrong region",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				s := defaultSigning()
				s.region = "eu-west-1"
				s.sign(t, req, body)
				return req
			},
			want: result{Err: authErr(CodeInvalidSignature, "Credential should be scoped to a valid region, not 'eu-west-1'. ")},
		},
		{
			name: "any region when none is configured",
			opts: func(o *VerifierOptions) { o.Region = "" },
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				s := defaultSigning()
				s.region = "eu-west-1"
				s.sign(t, req, body)
				return req
			},
			want: ok,
		},
		{
			name: "wrong service",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				s := defaultSigning()
				s.service = "dynamodb"
				s.sign(t, req, body)
				return req
			},
			want: result{Err: authErr(CodeInvalidSignature, "Credential should be scoped to correct service: 'application-autoscaling'. ")},
		},
		{
			name: "other accepted service",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				s := defaultSigning()
				s.service = "sagemaker"
				s.sign(t, req, body)
				return req
			},
			want: ok,
		},
		{
			name: "unsigned payload",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
				s := defaultSigning()
				s.payloadHash = "UNSIGNED-PAYLOAD"
				s.sign(t, req, body)
				// Content-Length is signed, so the unsigned body keeps its length.
				req.Body = io.NopCloser(strings.NewReader(strings.Replace(testBody, "my-ic", "ur-ic", 1)))
				return req
			},
			want: result{Cred: testCred, Body: strings.Replace(testBody, "my-ic", "ur-ic", 1)},
		},
		{
			name: "declared payload hash",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				req.Header.Set("X-Amz-Content-Sha256", sha(body))
				defaultSigning().sign(t, req, body)
				return req
			},
			want: ok,
		},
		{
			name: "declared payload hash does not match the body",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				req.Header.Set("X-Amz-Content-Sha256", sha(body))
				defaultSigning().sign(t, req, body)
				evil := bytes.Replace(body, []byte("my-ic"), []byte("ur-ic"), 1)
				req.Body = io.NopCloser(bytes.NewReader(evil))
				return req
			},
			want: result{Err: authErr(CodeInvalidSignature, "The provided 'x-amz-content-sha256' header does not match what was computed.")},
		},
		{
			name: "presigned URL",
			build: func(t *testing.T, base string) *http.Request {
				return presign(t, base+"/?Action=ListMetrics&X-Amz-Expires=300", defaultSigning(), sha(nil))
			},
			want: result{Cred: testCred},
		},
		{
			name: "presigned URL with unsigned payload",
			build: func(t *testing.T, base string) *http.Request {
				return presign(t, base+"/?Action=ListMetrics", defaultSigning(), "UNSIGNED-PAYLOAD")
			},
			want: result{Cred: testCred},
		},
		{
			name: "presigned URL with session token",
			build: func(t *testing.T, base string) *http.Request {
				s := defaultSigning()
				s.token = "FwoGZXIvYXdzEXAMPLETOKEN"
				req := presign(t, base+"/?Action=ListMetrics", s, sha(nil))
				if !req.URL.Query().Has("X-Amz-Security-Token") {
					t.Fatal("presigned URL has no X-Amz-Security-Token")
				}
				return req
			},
			want: result{Cred: testCred},
		},
		{
			name: "presigned URL used after X-Amz-Expires",
			build: func(t *testing.T, base string) *http.Request {
				return presign(t, base+"/?Action=ListMetrics&X-Amz-Expires=300", defaultSigning(), sha(nil))
			},
			advance: 301 * time.Second,
			want: result{Err: authErr(CodeInvalidSignature,
				"Signature expired: the presigned request was signed at 20260301T120000Z and was valid for 300 seconds; it is now 20260301T120501Z.")},
		},
		{
			name: "presigned URL with tampered query",
			build: func(t *testing.T, base string) *http.Request {
				req := presign(t, base+"/?Action=ListMetrics", defaultSigning(), sha(nil))
				req.URL.RawQuery = strings.Replace(req.URL.RawQuery, "ListMetrics", "DeleteAlarms", 1)
				return req
			},
			want: mismatch,
		},
		{
			name: "missing Authorization",
			build: func(t *testing.T, base string) *http.Request {
				return jsonRequest(t, base, body)
			},
			want: result{Err: authErr(CodeMissingAuthenticationToken, "Missing Authentication Token")},
		},
		{
			name: "bearer token",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				req.Header.Set("Authorization", "Bearer abc")
				return req
			},
			want: result{Err: authErr(CodeIncompleteSignature, "'abc' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer abc'.")},
		},
		{
			name: "parameters missing",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260301/us-east-1/application-autoscaling/aws4_request")
				return req
			},
			want: result{Err: authErr(CodeIncompleteSignature,
				"Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "+
					"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "+
					"Authorization=AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260301/us-east-1/application-autoscaling/aws4_request")},
		},
		{
			name: "credential with four elements",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				req.Header.Set("X-Amz-Date", "20260301T120000Z")
				req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260301/us-east-1/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
				return req
			},
			want: result{Err: authErr(CodeIncompleteSignature,
				"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIAIOSFODNN7EXAMPLE/20260301/us-east-1/aws4_request'")},
		},
		{
			name: "scope date differs from X-Amz-Date",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				req.Header.Set("X-Amz-Date", "20260301T120000Z")
				req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260228/us-east-1/application-autoscaling/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
				return req
			},
			want: result{Err: authErr(CodeInvalidSignature,
				"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260228' != '20260301', from '20260301T120000Z'.")},
		},
		{
			name: "malformed X-Amz-Date",
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				req.Header.Set("X-Amz-Date", "2026-03-01T12:00:00Z")
				req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260301/us-east-1/application-autoscaling/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
				return req
			},
			want: result{Err: authErr(CodeIncompleteSignature,
				"X-Amz-Date must be in the ISO 8601 basic format yyyyMMdd'T'HHmmss'Z', got '2026-03-01T12:00:00Z'.")},
		},
		{
			name: "body over the limit",
			opts: func(o *VerifierOptions) { o.MaxBody = 16 },
			build: func(t *testing.T, base string) *http.Request {
				req := jsonRequest(t, base, body)
				defaultSigning().sign(t, req, body)
				return req
			},
			want: result{Err: &awsjson.Error{Type: "SerializationException", Status: http.StatusRequestEntityTooLarge, Message: "Request body exceeds the limit of 16 bytes"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := clock.NewFake(t0)
			o := VerifierOptions{Keys: testKeys(t), Clock: clk, Region: testRegion, Services: testServices}
			if tt.opts != nil {
				tt.opts(&o)
			}
			v := NewVerifier(o)
			clk.Advance(tt.advance)
			got := roundTrip(t, v, func(base string) *http.Request { return tt.build(t, base) })
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Verify mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// presign returns a GET request for the presigned form of url.
func presign(t *testing.T, url string, s signing, payloadHash string) *http.Request {
	t.Helper()
	req := newRequest(t, http.MethodGet, url, nil)
	uri, hdr, err := v4.NewSigner().PresignHTTP(context.Background(), s.creds(), req, payloadHash, s.service, s.region, s.at)
	if err != nil {
		t.Fatal(err)
	}
	out := newRequest(t, http.MethodGet, uri, nil)
	for k, vals := range hdr {
		if k != "Host" {
			out.Header[k] = vals
		}
	}
	return out
}

func TestVerifyWithoutKeys(t *testing.T) {
	v := NewVerifier(VerifierOptions{Clock: clock.NewFake(t0)})
	body := []byte(testBody)
	got := roundTrip(t, v, func(base string) *http.Request {
		req := jsonRequest(t, base, body)
		defaultSigning().sign(t, req, body)
		return req
	})
	want := result{Err: authErr(CodeUnrecognizedClient, msgUnknownKey)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Verify mismatch (-want +got):\n%s", diff)
	}
}

// TestVerifyTwoAuthMechanisms: a request may not carry both a header and a query signature.
func TestVerifyTwoAuthMechanisms(t *testing.T) {
	v := NewVerifier(VerifierOptions{Keys: testKeys(t), Clock: clock.NewFake(t0)})
	req := httptest.NewRequest(http.MethodGet, "/?X-Amz-Signature=00", nil)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request, SignedHeaders=host, Signature=00")
	_, err := v.Verify(req)
	var ae *awsjson.Error
	if !errors.As(err, &ae) || ae.Type != CodeIncompleteSignature {
		t.Fatalf("Verify = %v, want %s", err, CodeIncompleteSignature)
	}
}

// TestVerifyBodyStillReadable checks that the handler after Verify reads the same bytes and
// that closing the restored body closes the original.
func TestVerifyBodyStillReadable(t *testing.T) {
	body := []byte(testBody)
	req := httptest.NewRequest(http.MethodPost, "http://application-autoscaling.us-east-1.amazonaws.com/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	defaultSigning().sign(t, req, body)
	closed := false
	req.Body = closeRecorder{Reader: bytes.NewReader(body), closed: &closed}
	v := NewVerifier(VerifierOptions{Keys: testKeys(t), Clock: clock.NewFake(t0), Region: testRegion, Services: testServices})
	if _, err := v.Verify(req); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != testBody {
		t.Errorf("body after Verify = %q, want %q", got, testBody)
	}
	if err := req.Body.Close(); err != nil || !closed {
		t.Errorf("Close = %v, original closed = %v; want nil, true", err, closed)
	}
}

type closeRecorder struct {
	io.Reader
	closed *bool
}

func (c closeRecorder) Close() error { *c.closed = true; return nil }

func BenchmarkVerify(b *testing.B) {
	body := []byte(testBody)
	req := httptest.NewRequest(http.MethodPost, "http://application-autoscaling.us-east-1.amazonaws.com/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AnyScaleFrontendService.RegisterScalableTarget")
	req.Header.Set("Amz-Sdk-Invocation-Id", "c2d9e0a4-6f4c-4d8e-9d4b-1b5f3f0e8a11")
	req.Header.Set("Amz-Sdk-Request", "attempt=1; max=3")
	defaultSigning().sign(b, req, body)
	v := NewVerifier(VerifierOptions{Keys: testKeys(b), Clock: clock.NewFake(t0), Region: testRegion, Services: testServices})
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		req.Body = io.NopCloser(bytes.NewReader(body))
		if _, err := v.Verify(req); err != nil {
			b.Fatal(err)
		}
	}
}

// TestVerifySignedUserAgent covers clients that sign headers the SDK signer itself skips
// (older signers sign User-Agent).
func TestVerifySignedUserAgent(t *testing.T) {
	body := []byte(testBody)
	req := httptest.NewRequest(http.MethodPost, "http://application-autoscaling.us-east-1.amazonaws.com/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("User-Agent", "Boto3/1.0 Python/3.12")
	// Sign a copy whose User-Agent key is not canonical, so the SDK signer includes it.
	c := req.Clone(context.Background())
	c.Header = http.Header{"Content-Type": req.Header["Content-Type"], "user-agent": req.Header["User-Agent"]}
	defaultSigning().sign(t, c, body)
	if !strings.Contains(c.Header.Get("Authorization"), "SignedHeaders=content-length;content-type;host;user-agent;x-amz-date") {
		t.Fatalf("unexpected Authorization %q", c.Header.Get("Authorization"))
	}
	req.Header.Set("Authorization", c.Header.Get("Authorization"))
	req.Header.Set("X-Amz-Date", c.Header.Get("X-Amz-Date"))
	v := NewVerifier(VerifierOptions{Keys: testKeys(t), Clock: clock.NewFake(t0), Region: testRegion, Services: testServices})
	got, err := v.Verify(req)
	if err != nil {
		t.Fatal(err)
	}
	if got != testCred {
		t.Errorf("Verify = %+v, want %+v", got, testCred)
	}
	req.Header.Set("User-Agent", "changed")
	req.Body = io.NopCloser(bytes.NewReader(body))
	if _, err := v.Verify(req); err == nil {
		t.Error("Verify accepted a changed signed User-Agent")
	}
}

// TestVerifyConcurrent verifies requests of two keys from many goroutines (run with -race).
func TestVerifyConcurrent(t *testing.T) {
	v := NewVerifier(VerifierOptions{Keys: testKeys(t), Clock: clock.NewFake(t0), Region: testRegion, Services: testServices})
	body := []byte(testBody)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			s := defaultSigning()
			want := testCred
			if i%2 == 1 {
				s.key, s.secret, want = otherCred.AccessKeyID, otherCred.SecretAccessKey, otherCred
			}
			for range 50 {
				req := httptest.NewRequest(http.MethodPost, "http://scaled.test/", bytes.NewReader(body))
				if err := v4.NewSigner().SignHTTP(context.Background(), s.creds(), req, sha(body), s.service, s.region, s.at); err != nil {
					t.Error(err)
					return
				}
				got, err := v.Verify(req)
				if err != nil || got != want {
					t.Errorf("Verify = %+v, %v; want %+v", got, err, want)
					return
				}
			}
		})
	}
	wg.Wait()
}
