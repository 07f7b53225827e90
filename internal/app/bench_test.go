package app

import (
	"context"
	"fmt"
	"net"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	"github.com/scaled-dev/scaled/internal/config"
)

// benchServer is a whole server (SigV4 verification, embedded SQLite on disk) for the
// benchmarks of the signed API path.
func benchServer(b *testing.B) (*aas.Client, func()) {
	b.Helper()
	cfg := config.Default()
	cfg.DataDir = b.TempDir()
	cfg.Runtime.Enabled = false
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := New(ctx, cfg, Options{Listener: ln, Getenv: func(string) string { return "" }})
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	s := &testServer{app: a, cfg: cfg}
	c := a.Credential
	return s.aasClient(c.AccessKeyID, c.SecretAccessKey), func() { cancel(); <-done; a.Close() }
}

// BenchmarkSignedDescribeScalableTargets1000 lists 1,000 targets (20 signed pages of 50)
// with the real SDK paginator against the SQLite-backed server.
func BenchmarkSignedDescribeScalableTargets1000(b *testing.B) {
	cl, stop := benchServer(b)
	defer stop()
	ctx := context.Background()
	for i := range 1000 {
		if _, err := cl.RegisterScalableTarget(ctx, &aas.RegisterScalableTargetInput{
			ServiceNamespace:  aastypes.ServiceNamespaceEcs,
			ResourceId:        aws.String(fmt.Sprintf("service/bench/svc-%04d", i)),
			ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount,
			MinCapacity:       aws.Int32(1), MaxCapacity: aws.Int32(10),
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		n := 0
		p := aas.NewDescribeScalableTargetsPaginator(cl, &aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				b.Fatal(err)
			}
			n += len(out.ScalableTargets)
		}
		if n != 1000 {
			b.Fatalf("listed %d targets", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/20, "µs/page")
}

// BenchmarkSignedRegisterScalableTarget registers new targets, each a signed request that
// commits to SQLite.
func BenchmarkSignedRegisterScalableTarget(b *testing.B) {
	cl, stop := benchServer(b)
	defer stop()
	ctx := context.Background()
	i := 0
	for b.Loop() {
		// Re-register in a ring of 400 targets (creates first, then merging updates).
		if _, err := cl.RegisterScalableTarget(ctx, &aas.RegisterScalableTargetInput{
			ServiceNamespace:  aastypes.ServiceNamespaceEcs,
			ResourceId:        aws.String(fmt.Sprintf("service/bench/svc-%04d", i%400)),
			ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount,
			MinCapacity:       aws.Int32(1), MaxCapacity: aws.Int32(int32(10 + i)),
		}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
