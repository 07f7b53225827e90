package api_test

import (
	"context"
	"errors"
	"fmt"
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

	"github.com/scaled-dev/scaled/internal/api"
	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/awsjson"
	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/store/memstore"
)

const testAccount = "123456789012"

// testKeys holds one SigV4 key per account the tests call as; requests are verified by the
// real verifier, as the server does.
var testKeys = func() *auth.KeyRing {
	accounts := []string{testAccount, "111111111111", "210987654321", "222222222222"}
	for i := range 200 {
		accounts = append(accounts, fmt.Sprintf("%012d", i)) // includes the default account
	}
	creds := make([]auth.Credential, len(accounts))
	for i, a := range accounts {
		creds[i] = keyFor(a)
	}
	ring, err := auth.NewKeyRing(creds...)
	if err != nil {
		panic(err)
	}
	return ring
}()

// keyFor is the test credential of account ("" is the default account).
func keyFor(account string) auth.Credential {
	if account == "" {
		account = api.DefaultAccount
	}
	return auth.Credential{Profile: "acct-" + account, AccessKeyID: "AKIA" + account + "TEST", SecretAccessKey: "secret-of-" + account, AccountID: account}
}

var epoch = time.Date(2026, 5, 6, 11, 21, 46, 199_000_000, time.UTC)

type env struct {
	srv   *httptest.Server
	store api.Store
	clock *clock.Fake
}

// signed verifies each request's SigV4 signature with the real verifier (wall clock, as the
// SDK signs with it) and passes the caller's account on, as the server's router does.
func signed(next http.Handler) http.Handler {
	v := auth.NewVerifier(auth.VerifierOptions{Keys: testKeys, Clock: clock.Real{}, Region: "us-west-2",
		Services: []string{"application-autoscaling"}})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cred, err := v.Verify(r)
		if err != nil {
			var ae *awsjson.Error
			if !errors.As(err, &ae) {
				ae = &awsjson.Error{Type: "InternalFailure", Status: http.StatusInternalServerError, Message: err.Error()}
			}
			awsjson.WriteError(w, "application/x-amz-json-1.1", ae)
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.WithAccount(r.Context(), cred.AccountID)))
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
	srv := httptest.NewServer(signed(api.New(o)))
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

// client returns a real SDK client signing its requests with account's key.
func (e *env) client(account string) *aas.Client {
	k := keyFor(account)
	return aas.New(aas.Options{
		Region:       "us-west-2",
		BaseEndpoint: aws.String(e.srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(k.AccessKeyID, k.SecretAccessKey, ""),
		HTTPClient:   e.srv.Client(),
		Retryer:      testRetryer(),
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
