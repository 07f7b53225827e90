package api_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/scaled-dev/scaled/internal/api"
	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/store/memstore"
)

// accountHeader carries the test caller's account (standing in for SigV4 authentication).
const accountHeader = "X-Test-Account"

const testAccount = "123456789012"

var epoch = time.Date(2026, 5, 6, 11, 21, 46, 199_000_000, time.UTC)

type env struct {
	srv   *httptest.Server
	store api.Store
	clock *clock.Fake
}

func withAccount(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get(accountHeader); a != "" {
			r = r.WithContext(auth.WithAccount(r.Context(), a))
		}
		next.ServeHTTP(w, r)
	})
}

// newEnv starts the API over a memory store behind a real HTTP server.
func newEnv(t testing.TB, opts ...func(*api.Options)) *env {
	t.Helper()
	st := memstore.New()
	return newEnvWithStore(t, st, opts...)
}

func newEnvWithStore(t testing.TB, st api.Store, opts ...func(*api.Options)) *env {
	t.Helper()
	clk := clock.NewFake(epoch)
	o := api.Options{Store: st, Region: "us-west-2", Clock: clk, TokenKey: []byte("test-key")}
	for _, f := range opts {
		f(&o)
	}
	srv := httptest.NewServer(withAccount(api.New(o)))
	t.Cleanup(srv.Close)
	return &env{srv: srv, store: st, clock: clk}
}

// testRetryer retries without delay. The SDK can lose a keep-alive connection to a race
// between its request-body close and the transport's write loop ("use of closed network
// connection", aws/aws-sdk-go-v2#2737); its standard retryer retries that, so tests use it too,
// without backoff or retry quota. Server errors (HTTP 500) are retried as well and still
// surface after the last attempt.
func testRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 3
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		o.RateLimiter = ratelimit.None
	})
}

// client returns a real SDK client calling the server as account.
func (e *env) client(account string) *aas.Client {
	return aas.New(aas.Options{
		Region:       "us-west-2",
		BaseEndpoint: aws.String(e.srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient:   e.srv.Client(),
		Retryer:      testRetryer(),
		APIOptions:   []func(*middleware.Stack) error{smithyhttp.AddHeaderValue(accountHeader, account)},
	})
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// apiErr asserts err is an AWS API error with the given code and returns it.
func apiErr(t testing.TB, err error, code string) smithy.APIError {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v, want API error %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code = %s (%s), want %s", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
	return ae
}
