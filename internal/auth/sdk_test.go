package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	"github.com/aws/aws-sdk-go-v2/service/sagemakerruntime"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/awsjson"
	"github.com/scaled-dev/scaled/internal/clock"
)

// sdkServer is a real HTTP server whose handler verifies every request and then answers
// with a fixed, valid response for the operation.
type sdkServer struct {
	*httptest.Server
	seen chan seen
}

// seen is the server's view of one request.
type seen struct {
	Account string
	Code    string // error code when verification failed
}

func newSDKServer(t *testing.T, keys *auth.KeyRing) *sdkServer {
	t.Helper()
	// The SDK signs with the wall clock; the verifier's fake clock starts there.
	v := auth.NewVerifier(auth.VerifierOptions{
		Keys:     keys,
		Clock:    clock.NewFake(clock.Real{}.Now()),
		Region:   "us-east-1",
		Services: []string{"application-autoscaling", "monitoring", "sagemaker"},
	})
	s := &sdkServer{seen: make(chan seen, 16)}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cred, err := v.Verify(r)
		if err != nil {
			var ae *awsjson.Error
			if !errors.As(err, &ae) {
				t.Errorf("Verify returned %T %v, want *awsjson.Error", err, err)
				ae = &awsjson.Error{Type: "InternalFailure", Status: 500, Message: err.Error()}
			}
			s.seen <- seen{Code: ae.Type}
			awsjson.WriteError(w, "application/x-amz-json-1.1", ae)
			return
		}
		s.seen <- seen{Account: cred.AccountID}
		switch target := r.Header.Get("X-Amz-Target"); {
		case target == "AnyScaleFrontendService.DescribeScalableTargets":
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			_, _ = w.Write([]byte(`{"ScalableTargets":[]}`))
		case target == "AnyScaleFrontendService.RegisterScalableTarget":
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			_, _ = w.Write([]byte(`{"ScalableTargetARN":"arn:aws:application-autoscaling:us-east-1:` + cred.AccountID + `:scalable-target/0123456789abcdef0123456789abcdef0123"}`))
		case strings.HasPrefix(target, "SageMaker."):
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			_, _ = w.Write([]byte(`{}`))
		case strings.HasPrefix(r.URL.Path, "/endpoints/"):
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"ok":true}`))
		default:
			// Other protocols (CloudWatch's CBOR): verification is what is under test.
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *sdkServer) next(t *testing.T) seen {
	t.Helper()
	select {
	case got := <-s.seen:
		return got
	default:
		t.Fatal("the server saw no request")
		return seen{}
	}
}

func sdkKeys(t *testing.T) *auth.KeyRing {
	t.Helper()
	a, err := auth.Generate("default", "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := auth.Generate("tenant", "210987654321")
	if err != nil {
		t.Fatal(err)
	}
	k, err := auth.NewKeyRing(a, b)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func aasClient(url, region, key, secret string) *applicationautoscaling.Client {
	return applicationautoscaling.New(applicationautoscaling.Options{
		Region:           region,
		BaseEndpoint:     aws.String(url),
		Credentials:      credentials.NewStaticCredentialsProvider(key, secret, ""),
		RetryMaxAttempts: 1,
	})
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "non-API error: " + err.Error()
	}
	return ""
}

// TestSDKRequestsVerify proves that requests signed by the real aws-sdk-go-v2 clients verify,
// and that a bad signer gets the AWS error code back through the SDK.
func TestSDKRequestsVerify(t *testing.T) {
	keys := sdkKeys(t)
	all := keys.All()
	good, tenant := all[0], all[1]
	srv := newSDKServer(t, keys)
	ctx := context.Background()

	tests := []struct {
		name           string
		region         string
		key, secret    string
		wantSeen       seen
		wantClientCode string
	}{
		{name: "good key", region: "us-east-1", key: good.AccessKeyID, secret: good.SecretAccessKey, wantSeen: seen{Account: good.AccountID}},
		{name: "tenant key", region: "us-east-1", key: tenant.AccessKeyID, secret: tenant.SecretAccessKey, wantSeen: seen{Account: tenant.AccountID}},
		{name: "wrong secret", region: "us-east-1", key: good.AccessKeyID, secret: tenant.SecretAccessKey,
			wantSeen: seen{Code: auth.CodeInvalidSignature}, wantClientCode: auth.CodeInvalidSignature},
		{name: "unknown key", region: "us-east-1", key: "AKIAUNKNOWN000000000", secret: good.SecretAccessKey,
			wantSeen: seen{Code: auth.CodeUnrecognizedClient}, wantClientCode: auth.CodeUnrecognizedClient},
		{name: "wrong region", region: "eu-west-1", key: good.AccessKeyID, secret: good.SecretAccessKey,
			wantSeen: seen{Code: auth.CodeInvalidSignature}, wantClientCode: auth.CodeInvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := aasClient(srv.URL, tt.region, tt.key, tt.secret)

			_, err := c.DescribeScalableTargets(ctx, &applicationautoscaling.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceSagemaker})
			if diff := cmp.Diff(tt.wantClientCode, apiCode(err)); diff != "" {
				t.Errorf("DescribeScalableTargets error code (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantSeen, srv.next(t)); diff != "" {
				t.Errorf("server view (-want +got):\n%s", diff)
			}

			out, err := c.RegisterScalableTarget(ctx, &applicationautoscaling.RegisterScalableTargetInput{
				ServiceNamespace:  aastypes.ServiceNamespaceSagemaker,
				ResourceId:        aws.String("inference-component/my-ic"),
				ScalableDimension: aastypes.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount,
				MinCapacity:       aws.Int32(1),
				MaxCapacity:       aws.Int32(4),
			})
			if diff := cmp.Diff(tt.wantClientCode, apiCode(err)); diff != "" {
				t.Errorf("RegisterScalableTarget error code (-want +got):\n%s", diff)
			}
			if err == nil && !strings.Contains(aws.ToString(out.ScalableTargetARN), ":"+tt.wantSeen.Account+":") {
				t.Errorf("ScalableTargetARN = %q, want the caller's account %s", aws.ToString(out.ScalableTargetARN), tt.wantSeen.Account)
			}
			if diff := cmp.Diff(tt.wantSeen, srv.next(t)); diff != "" {
				t.Errorf("server view (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSDKOtherServicesVerify covers the other signing names and protocols the server speaks:
// SageMaker (AWS JSON), SageMaker Runtime (REST JSON with a path) and CloudWatch.
func TestSDKOtherServicesVerify(t *testing.T) {
	keys := sdkKeys(t)
	cred := keys.All()[1]
	srv := newSDKServer(t, keys)
	ctx := context.Background()
	provider := credentials.NewStaticCredentialsProvider(cred.AccessKeyID, cred.SecretAccessKey, "")
	want := seen{Account: cred.AccountID}

	sm := sagemaker.New(sagemaker.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: provider, RetryMaxAttempts: 1})
	if _, err := sm.DescribeInferenceComponent(ctx, &sagemaker.DescribeInferenceComponentInput{InferenceComponentName: aws.String("my-ic")}); err != nil {
		t.Errorf("DescribeInferenceComponent: %v", err)
	}
	if diff := cmp.Diff(want, srv.next(t)); diff != "" {
		t.Errorf("sagemaker: server view (-want +got):\n%s", diff)
	}

	rt := sagemakerruntime.New(sagemakerruntime.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: provider, RetryMaxAttempts: 1})
	if _, err := rt.InvokeEndpoint(ctx, &sagemakerruntime.InvokeEndpointInput{
		EndpointName:           aws.String("my-endpoint"),
		InferenceComponentName: aws.String("my-ic"),
		ContentType:            aws.String("application/json"),
		Body:                   []byte(`{"inputs":"hello world"}`),
	}); err != nil {
		t.Errorf("InvokeEndpoint: %v", err)
	}
	if diff := cmp.Diff(want, srv.next(t)); diff != "" {
		t.Errorf("sagemaker runtime: server view (-want +got):\n%s", diff)
	}

	cw := cloudwatch.New(cloudwatch.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: provider, RetryMaxAttempts: 1})
	_, _ = cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{
		Namespace:  aws.String("AWS/SageMaker"),
		MetricData: []cwtypes.MetricDatum{{MetricName: aws.String("InvocationsPerCopy"), Value: aws.Float64(3)}},
	})
	if diff := cmp.Diff(want, srv.next(t)); diff != "" {
		t.Errorf("cloudwatch: server view (-want +got):\n%s", diff)
	}
}
