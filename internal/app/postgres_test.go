package app

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/scaled-dev/scaled/internal/config"
)

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestTwoReplicasSharePostgres runs two servers on one PostgreSQL database: what one
// acknowledges the other serves, exactly one runs the control loop, and the other takes
// over when the leader stops.
func TestTwoReplicasSharePostgres(t *testing.T) {
	dsn := os.Getenv("SCALED_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("SCALED_TEST_POSTGRES_DSN is not set (.ci/postgres.sh starts a server)")
	}
	schema := fmt.Sprintf("app_replicas_%d", time.Now().UnixNano())
	t.Cleanup(func() {
		db, err := sql.Open("pgx", dsn)
		if err == nil {
			_, _ = db.Exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE")
			db.Close()
		}
	})
	keys := map[string]string{
		"SCALED_ACCESS_KEY_ID": "AKIAREPLICATESTKEY01", "SCALED_SECRET_ACCESS_KEY": "replica-test-secret-0123456789abcdefghijk",
		"SCALED_ACCOUNT_ID": "111122223333",
	}
	getenv := func(k string) string { return keys[k] }
	start := func() (*testServer, *syncBuffer) {
		cfg := testConfig(t)
		cfg.Store, cfg.PostgresDSN, cfg.PostgresSchema = "postgres", dsn, schema
		cfg.EvalInterval = config.Duration(200 * time.Millisecond)
		logs := &syncBuffer{}
		return startServer(t, cfg, Options{Getenv: getenv, Logger: slog.New(slog.NewTextHandler(logs, nil))}), logs
	}
	a, logA := start()
	b, logB := start()
	ctx := context.Background()
	clA := a.aasClient(keys["SCALED_ACCESS_KEY_ID"], keys["SCALED_SECRET_ACCESS_KEY"])
	clB := b.aasClient(keys["SCALED_ACCESS_KEY_ID"], keys["SCALED_SECRET_ACCESS_KEY"])

	if _, err := clA.RegisterScalableTarget(ctx, &aas.RegisterScalableTargetInput{
		ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: aws.String("service/default/web-app"),
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(10),
	}); err != nil {
		t.Fatalf("register on replica A: %v", err)
	}
	out, err := clB.DescribeScalableTargets(ctx, &aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs})
	if err != nil || len(out.ScalableTargets) != 1 || !strings.HasPrefix(aws.ToString(out.ScalableTargets[0].ScalableTargetARN), "arn:aws:application-autoscaling:us-east-1:111122223333:") {
		t.Fatalf("describe on replica B: %+v %v", out, err)
	}

	const leading = "leading the control loop"
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("waiting for %s\nA:\n%s\nB:\n%s", what, logA, logB)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor("a leader", func() bool {
		return strings.Contains(logA.String(), leading) || strings.Contains(logB.String(), leading)
	})
	time.Sleep(time.Second) // give a wrongly elected second leader the chance to show
	if strings.Contains(logA.String(), leading) == strings.Contains(logB.String(), leading) {
		t.Fatalf("want exactly one leader\nA:\n%s\nB:\n%s", logA, logB)
	}
	leader, followerLog := a, logB
	if strings.Contains(logB.String(), leading) {
		leader, followerLog = b, logA
	}
	leader.stop()
	waitFor("the other replica to take over", func() bool { return strings.Contains(followerLog.String(), leading) })
}
