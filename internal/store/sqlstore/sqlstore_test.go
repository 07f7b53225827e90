package sqlstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/scaled-dev/scaled/internal/store"
	"github.com/scaled-dev/scaled/internal/store/storetest"
)

// PostgresDSNEnv names the environment variable with the DSN of a PostgreSQL database the
// tests may create schemas in. Without it the PostgreSQL tests are skipped.
const PostgresDSNEnv = "SCALED_TEST_POSTGRES_DSN"

// quiet keeps migration and election logs out of test output.
func quiet() Options { return Options{Logger: slog.New(slog.DiscardHandler)} }

func openSQLite(t *testing.T) *Store {
	t.Helper()
	s, err := OpenSQLite(t.Context(), filepath.Join(t.TempDir(), "scaled.db"), quiet())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// pgSchema returns the DSN of the test database and a fresh schema name, dropped (with
// everything in it) when the test ends.
func pgSchema(t testing.TB) (dsn, schema string) {
	t.Helper()
	dsn = os.Getenv(PostgresDSNEnv)
	if dsn == "" {
		t.Skip(PostgresDSNEnv + " not set")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema = "scaled_test_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		ctx := context.WithoutCancel(t.Context())
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return dsn, schema
}

func openPostgres(t testing.TB) *Store {
	t.Helper()
	dsn, schema := pgSchema(t)
	o := quiet()
	o.Schema = schema
	s, err := OpenPostgres(t.Context(), dsn, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformanceSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openSQLite(t) })
}

func TestConformancePostgres(t *testing.T) {
	if os.Getenv(PostgresDSNEnv) == "" {
		t.Skip(PostgresDSNEnv + " not set")
	}
	storetest.Run(t, func(t *testing.T) store.Store { return openPostgres(t) })
}

func TestRebind(t *testing.T) {
	q := "SELECT a FROM t WHERE a = ? AND (b, c) > (?, ?) LIMIT ?"
	if got := sqliteDialect().rebind(q); got != q {
		t.Errorf("SQLite rebind changed the query: %q", got)
	}
	want := "SELECT a FROM t WHERE a = $1 AND (b, c) > ($2, $3) LIMIT $4"
	if got := postgresDialect("public").rebind(q); got != want {
		t.Errorf("PostgreSQL rebind = %q, want %q", got, want)
	}
}

func TestMigrationsParse(t *testing.T) {
	for _, d := range []*dialect{sqliteDialect(), postgresDialect("public")} {
		ms, err := migrations(d)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 || ms[0].version != 1 || len(ms[0].stmts) < 8 {
			t.Fatalf("%s: unexpected migrations %+v", d.name, ms)
		}
	}
}

func migrationCount(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.r.QueryRowContext(t.Context(), "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSQLiteReopenKeepsDataAndMigratesOnce(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "scaled.db")
	s, err := OpenSQLite(ctx, path, quiet())
	if err != nil {
		t.Fatal(err)
	}
	k := testKey("a")
	if _, err := s.PutTarget(ctx, testTarget(k)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Two opens at once: both must succeed and agree on the schema.
	var wg sync.WaitGroup
	stores := make([]*Store, 2)
	errs := make([]error, 2)
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = OpenSQLite(ctx, path, quiet()) })
	}
	wg.Wait()
	for i, s := range stores {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		defer s.Close()
		if got, err := s.GetTarget(ctx, k); err != nil || got.Revision != 1 {
			t.Fatalf("reopened store: %+v, %v", got, err)
		}
		if n := migrationCount(t, s); n != 1 {
			t.Fatalf("schema_migrations has %d rows, want 1", n)
		}
	}
	// Both processes' stores write to the same file safely.
	for i, s := range stores {
		for j := range 20 {
			if _, err := s.PutTarget(ctx, testTarget(testKey(string(rune('b'+i))+string(rune('a'+j))))); err != nil {
				t.Fatal(err)
			}
		}
	}
	items, _, err := stores[0].ListTargets(ctx, store.TargetFilter{})
	if err != nil || len(items) != 41 {
		t.Fatalf("got %d targets, %v; want 41", len(items), err)
	}
}

func TestPostgresConcurrentOpen(t *testing.T) {
	dsn, schema := pgSchema(t)
	var wg sync.WaitGroup
	stores := make([]*Store, 4)
	errs := make([]error, len(stores))
	for i := range stores {
		wg.Go(func() {
			o := quiet()
			o.Schema = schema
			stores[i], errs[i] = OpenPostgres(t.Context(), dsn, o)
		})
	}
	wg.Wait()
	for i, s := range stores {
		if errs[i] != nil {
			t.Fatalf("open %d: %v", i, errs[i])
		}
		defer s.Close()
	}
	if n := migrationCount(t, stores[0]); n != 1 {
		t.Fatalf("schema_migrations has %d rows, want 1", n)
	}
}

func TestOptionsValidation(t *testing.T) {
	if _, err := OpenSQLite(t.Context(), ""); err == nil {
		t.Error("empty SQLite path accepted")
	}
	if _, err := OpenSQLite(t.Context(), filepath.Join(t.TempDir(), "a.db"), Options{}, Options{}); err == nil {
		t.Error("two Options accepted")
	}
	if _, err := OpenPostgres(t.Context(), "postgres://%zz"); err == nil {
		t.Error("bad DSN accepted")
	}
}
