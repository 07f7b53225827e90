package sqlstore

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/scaled-dev/scaled/internal/store"
	"github.com/scaled-dev/scaled/internal/store/storetest"
)

func BenchmarkSQLite(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store {
		s, err := OpenSQLite(b.Context(), filepath.Join(b.TempDir(), "bench.db"), quiet())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	})
}

func BenchmarkPostgres(b *testing.B) {
	if os.Getenv(PostgresDSNEnv) == "" {
		b.Skip(PostgresDSNEnv + " not set")
	}
	storetest.Bench(b, func(b *testing.B) store.Store { return openPostgres(b) })
}
