package app

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
)

// selfSigned writes a self-signed certificate for 127.0.0.1 and its key into dir.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "scaled test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestServesHTTPS: with --tls-cert and --tls-key the endpoint is https, the real SDK client
// that trusts the certificate works, the banner points tools at the certificate, and a
// plain-HTTP request gets no API answer.
func TestServesHTTPS(t *testing.T) {
	cfg := testConfig(t)
	certFile, keyFile, pool := selfSigned(t, t.TempDir())
	cfg.TLSCertFile, cfg.TLSKeyFile = certFile, keyFile
	var out bytes.Buffer
	s := startServer(t, cfg, Options{Stdout: &out})
	if !strings.HasPrefix(s.app.Endpoint, "https://127.0.0.1:") {
		t.Fatalf("endpoint %s is not https", s.app.Endpoint)
	}
	if !strings.Contains(out.String(), "export AWS_CA_BUNDLE="+certFile) {
		t.Errorf("banner does not point tools at the certificate:\n%s", out.String())
	}
	c := s.app.Credential
	awsCfg := s.awsConfig(c.AccessKeyID, c.SecretAccessKey)
	awsCfg.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	})
	cl := aas.NewFromConfig(awsCfg, func(o *aas.Options) { o.BaseEndpoint = aws.String(s.app.Endpoint) })
	ctx := context.Background()
	if _, err := cl.RegisterScalableTarget(ctx, &aas.RegisterScalableTargetInput{
		ServiceNamespace: aastypes.ServiceNamespaceSagemaker, ResourceId: aws.String(icID), ScalableDimension: icDim,
		MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(4),
	}); err != nil {
		t.Fatalf("RegisterScalableTarget over HTTPS: %v", err)
	}
	got, err := cl.DescribeScalableTargets(ctx, &aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceSagemaker})
	if err != nil || len(got.ScalableTargets) != 1 {
		t.Fatalf("DescribeScalableTargets over HTTPS: %v %+v", err, got)
	}

	// A client that does not trust the certificate is refused by TLS itself.
	untrusted := aas.NewFromConfig(s.awsConfig(c.AccessKeyID, c.SecretAccessKey), func(o *aas.Options) {
		o.BaseEndpoint = aws.String(s.app.Endpoint)
		o.RetryMaxAttempts = 1
	})
	if _, err := untrusted.DescribeScalableTargets(ctx, &aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceSagemaker}); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusted client: err = %v, want a certificate error", err)
	}
	// Plain HTTP to the TLS port gets no API answer.
	resp, err := http.Post("http://"+strings.TrimPrefix(s.app.Endpoint, "https://")+"/", "application/x-amz-json-1.1", strings.NewReader("{}"))
	if err == nil {
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("plain HTTP to the TLS port: status %d", resp.StatusCode)
		}
	}
}

// TestTLSConfigErrors: a missing half of the pair is a configuration error; an unreadable
// certificate fails start-up with a message naming the files.
func TestTLSConfigErrors(t *testing.T) {
	cfg := testConfig(t)
	cfg.TLSCertFile = "cert.pem"
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "tls-cert and tls-key must be given together") {
		t.Errorf("Validate with only a certificate: %v", err)
	}
	cfg.TLSKeyFile = filepath.Join(t.TempDir(), "missing-key.pem")
	cfg.TLSCertFile = filepath.Join(t.TempDir(), "missing-cert.pem")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	a, err := New(context.Background(), cfg, Options{Listener: ln, Getenv: func(string) string { return "" }})
	if err == nil {
		a.Close()
		t.Fatal("New with a missing certificate succeeded")
	}
	if !strings.Contains(err.Error(), "missing-cert.pem") {
		t.Errorf("error %q does not name the certificate file", err)
	}
}
