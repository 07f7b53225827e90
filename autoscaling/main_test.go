package autoscaling_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	cw "github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/scaled-dev/scaled/internal/api"
	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/awsjson"
	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/cloudwatch"
	"github.com/scaled-dev/scaled/internal/metrics/tsdb"
	"github.com/scaled-dev/scaled/internal/store/memstore"
)

// The examples and integration tests talk to a real scaled API server: SigV4 verification in
// front of the Application Auto Scaling handlers over an in-memory store.
var (
	endpoint        string
	accessKeyID     string
	secretAccessKey string
)

// exampleAccount is the account of the examples' access key.
const exampleAccount = "123456789012"

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	cred, err := auth.Generate("default", exampleAccount)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	keys, err := auth.NewKeyRing(cred)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// The SDK signs with the wall clock; the server's fake clock starts there and stays.
	clk := clock.NewFake(clock.Real{}.Now())
	st := memstore.New()
	svc := api.New(api.Options{Store: st, Clock: clk, Region: "us-east-1"})
	// CloudWatch shares the alarms with the API, as in scaled serve (for the wake-from-zero
	// alarm).
	db := tsdb.New(tsdb.Options{Clock: clk})
	cw := cloudwatch.New(cloudwatch.Options{Source: db, Sink: db, Alarms: st, Region: "us-east-1", Clock: clk})
	verifier := auth.NewVerifier(auth.VerifierOptions{Keys: keys, Clock: clk, Region: "us-east-1", Services: []string{"application-autoscaling", cloudwatch.SigningName}})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := verifier.Verify(r)
		if err != nil {
			var ae *awsjson.Error
			if !errors.As(err, &ae) {
				ae = &awsjson.Error{Type: "InternalFailure", Status: http.StatusInternalServerError, Message: err.Error()}
			}
			svc.WriteError(w, ae)
			return
		}
		r = r.WithContext(auth.WithAccount(r.Context(), c.AccountID))
		if cw.Match(r) {
			cw.ServeHTTP(w, r)
			return
		}
		svc.ServeHTTP(w, r)
	}))
	defer srv.Close()
	endpoint, accessKeyID, secretAccessKey = srv.URL, cred.AccessKeyID, cred.SecretAccessKey
	return m.Run()
}

// newAlarmsClient returns an aws-sdk-go-v2 CloudWatch client for the test server.
func newAlarmsClient() *cw.Client {
	return cw.New(cw.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(accessKeyID, secretAccessKey, ""),
	})
}

// newClient returns an aws-sdk-go-v2 client for the test server.
func newClient() *applicationautoscaling.Client {
	return applicationautoscaling.New(applicationautoscaling.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(accessKeyID, secretAccessKey, ""),
	})
}
