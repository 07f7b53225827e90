package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/smithy-go"

	"github.com/scaled-dev/scaled/internal/clock"
	"github.com/scaled-dev/scaled/internal/config"
)

// testServer is a whole scaled server on a loopback port.
type testServer struct {
	app    *App
	cfg    config.Config
	cancel context.CancelFunc
	done   chan error
}

func startServer(t *testing.T, cfg config.Config, o Options) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	o.Listener = ln
	if o.Getenv == nil {
		o.Getenv = func(string) string { return "" }
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := New(ctx, cfg, o)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	s := &testServer{app: a, cfg: cfg, cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- a.Run(ctx) }()
	t.Cleanup(s.stop)
	return s
}

func (s *testServer) stop() {
	if s.cancel == nil {
		return
	}
	s.cancel()
	<-s.done
	s.app.Close()
	s.cancel = nil
}

func testConfig(t *testing.T) config.Config {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Runtime.Enabled = false
	cfg.Addr = "127.0.0.1:0"
	return cfg
}

func (s *testServer) awsConfig(id, secret string) aws.Config {
	return aws.Config{
		Region:      s.cfg.Region,
		Credentials: credentials.NewStaticCredentialsProvider(id, secret, ""),
	}
}

func (s *testServer) aasClient(id, secret string) *aas.Client {
	return aas.NewFromConfig(s.awsConfig(id, secret), func(o *aas.Options) { o.BaseEndpoint = aws.String(s.app.Endpoint) })
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

const (
	icID  = "inference-component/my-ic"
	icDim = aastypes.ScalableDimensionSageMakerInferenceComponentDesiredCopyCount
)

// TestQuickstart is README's story: register an inference component, put a target-tracking
// policy with cooldowns, describe both, delete the policy, deregister — with the real,
// signing SDK client and the key generated on first start.
func TestQuickstart(t *testing.T) {
	s := startServer(t, testConfig(t), Options{})
	c := s.app.Credential
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		t.Fatal("no key generated on first start")
	}
	cl := s.aasClient(c.AccessKeyID, c.SecretAccessKey)
	ctx := context.Background()
	reg, err := cl.RegisterScalableTarget(ctx, &aas.RegisterScalableTargetInput{
		ServiceNamespace: aastypes.ServiceNamespaceSagemaker, ResourceId: aws.String(icID), ScalableDimension: icDim,
		MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(6),
	})
	if err != nil {
		t.Fatalf("RegisterScalableTarget: %v", err)
	}
	if !strings.HasPrefix(aws.ToString(reg.ScalableTargetARN), "arn:aws:application-autoscaling:us-east-1:000000000000:scalable-target/") {
		t.Fatalf("ARN %q", aws.ToString(reg.ScalableTargetARN))
	}
	pol, err := cl.PutScalingPolicy(ctx, &aas.PutScalingPolicyInput{
		PolicyName: aws.String("my-ic-invocations"), ServiceNamespace: aastypes.ServiceNamespaceSagemaker,
		ResourceId: aws.String(icID), ScalableDimension: icDim, PolicyType: aastypes.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &aastypes.TargetTrackingScalingPolicyConfiguration{
			TargetValue: aws.Float64(10),
			PredefinedMetricSpecification: &aastypes.PredefinedMetricSpecification{
				PredefinedMetricType: aastypes.MetricTypeSageMakerInferenceComponentInvocationsPerCopy,
			},
			ScaleInCooldown: aws.Int32(300), ScaleOutCooldown: aws.Int32(60),
		},
	})
	if err != nil {
		t.Fatalf("PutScalingPolicy: %v", err)
	}
	if len(pol.Alarms) != 2 || !strings.Contains(aws.ToString(pol.Alarms[0].AlarmName), "AlarmHigh") {
		t.Fatalf("alarms %+v", pol.Alarms)
	}
	tg, err := cl.DescribeScalableTargets(ctx, &aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceSagemaker})
	if err != nil || len(tg.ScalableTargets) != 1 || aws.ToInt32(tg.ScalableTargets[0].MaxCapacity) != 6 {
		t.Fatalf("DescribeScalableTargets: %+v, %v", tg, err)
	}
	ps, err := cl.DescribeScalingPolicies(ctx, &aas.DescribeScalingPoliciesInput{ServiceNamespace: aastypes.ServiceNamespaceSagemaker})
	if err != nil || len(ps.ScalingPolicies) != 1 || aws.ToInt32(ps.ScalingPolicies[0].TargetTrackingScalingPolicyConfiguration.ScaleInCooldown) != 300 {
		t.Fatalf("DescribeScalingPolicies: %+v, %v", ps, err)
	}
	if _, err := cl.DeleteScalingPolicy(ctx, &aas.DeleteScalingPolicyInput{
		PolicyName: aws.String("my-ic-invocations"), ServiceNamespace: aastypes.ServiceNamespaceSagemaker,
		ResourceId: aws.String(icID), ScalableDimension: icDim,
	}); err != nil {
		t.Fatalf("DeleteScalingPolicy: %v", err)
	}
	if _, err := cl.DeregisterScalableTarget(ctx, &aas.DeregisterScalableTargetInput{
		ServiceNamespace: aastypes.ServiceNamespaceSagemaker, ResourceId: aws.String(icID), ScalableDimension: icDim,
	}); err != nil {
		t.Fatalf("DeregisterScalableTarget: %v", err)
	}
	_, err = cl.DeregisterScalableTarget(ctx, &aas.DeregisterScalableTargetInput{
		ServiceNamespace: aastypes.ServiceNamespaceSagemaker, ResourceId: aws.String(icID), ScalableDimension: icDim,
	})
	var nf *aastypes.ObjectNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("second deregister: %v, want ObjectNotFoundException", err)
	}
}

// TestAuthentication checks the refusals of unsigned, unknown-key and wrongly signed
// requests end to end.
func TestAuthentication(t *testing.T) {
	s := startServer(t, testConfig(t), Options{})
	ctx := context.Background()
	c := s.app.Credential
	in := &aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs}
	for _, tc := range []struct {
		name, id, secret, want string
	}{
		{"unknown key", "AKIAUNKNOWNUNKNOWN00", "x", "UnrecognizedClientException"},
		{"wrong secret", c.AccessKeyID, c.SecretAccessKey + "x", "InvalidSignatureException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.aasClient(tc.id, tc.secret).DescribeScalableTargets(ctx, in)
			if got := apiCode(err); got != tc.want {
				t.Fatalf("error %v: code %q, want %q", err, got, tc.want)
			}
		})
	}
	t.Run("unsigned", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, s.app.Endpoint+"/", strings.NewReader(`{"ServiceNamespace":"ecs"}`))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "AnyScaleFrontendService.DescribeScalableTargets")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if !bytes.Contains(body, []byte("MissingAuthenticationToken")) || resp.Header.Get("x-amzn-RequestId") == "" {
			t.Fatalf("body %s, headers %v", body, resp.Header)
		}
	})
}

// TestInsecureMode accepts unsigned requests when the operator asks for it.
func TestInsecureMode(t *testing.T) {
	cfg := testConfig(t)
	cfg.Insecure = true
	s := startServer(t, cfg, Options{})
	out, err := s.aasClient("anything", "anything").DescribeScalableTargets(context.Background(), &aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs})
	if err != nil || out.ScalableTargets == nil {
		t.Fatalf("insecure describe: %+v %v", out, err)
	}
}

// TestRestartKeepsState: what a server acknowledged is there after a restart on the same
// data directory, and the generated key still works.
func TestRestartKeepsState(t *testing.T) {
	cfg := testConfig(t)
	s := startServer(t, cfg, Options{})
	c := s.app.Credential
	ctx := context.Background()
	if _, err := s.aasClient(c.AccessKeyID, c.SecretAccessKey).RegisterScalableTarget(ctx, &aas.RegisterScalableTargetInput{
		ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: aws.String("service/default/web-app"),
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(10),
	}); err != nil {
		t.Fatal(err)
	}
	s.stop()
	s2 := startServer(t, cfg, Options{})
	if s2.app.Credential != c {
		t.Fatalf("key changed across restart")
	}
	out, err := s2.aasClient(c.AccessKeyID, c.SecretAccessKey).DescribeScalableTargets(ctx, &aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs})
	if err != nil || len(out.ScalableTargets) != 1 || aws.ToString(out.ScalableTargets[0].ResourceId) != "service/default/web-app" {
		t.Fatalf("after restart: %+v %v", out, err)
	}
}

// TestHealthAndMetrics: the operational endpoints answer without signatures.
func TestHealthAndMetrics(t *testing.T) {
	s := startServer(t, testConfig(t), Options{})
	// One API call so that the request counter has a series.
	if _, err := s.aasClient(s.app.Credential.AccessKeyID, s.app.Credential.SecretAccessKey).DescribeScalableTargets(context.Background(),
		&aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/healthz", "/metrics"} {
		resp, err := http.Get(s.app.Endpoint + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", p, resp.StatusCode, body)
		}
		if p == "/metrics" {
			for _, name := range []string{"scaled_control_tick_duration_seconds", "scaled_control_targets", "scaled_api_requests_total"} {
				if !bytes.Contains(body, []byte(name)) {
					t.Errorf("/metrics lacks %s", name)
				}
			}
		}
	}
}

var _ = clock.Real{}
var _ = time.Second
