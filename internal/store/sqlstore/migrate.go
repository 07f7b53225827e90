package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	stmts   []string
}

// migrations returns the embedded migrations in version order. A file is named
// NNNN_description.sql; statements are separated by a semicolon at the end of a line.
func migrations(d *dialect) ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration file %q: name must start with a positive number and '_'", e.Name())
		}
		b, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		m := migration{version: v, name: e.Name()}
		for _, chunk := range strings.Split(d.ddl.Replace(string(b)), ";\n") {
			if hasSQL(chunk) {
				m.stmts = append(m.stmts, chunk)
			}
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("migrations %q and %q have the same number", out[i-1].name, out[i].name)
		}
	}
	return out, nil
}

// hasSQL reports whether chunk has anything but blank lines and comments.
func hasSQL(chunk string) bool {
	for line := range strings.Lines(chunk) {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "--") {
			return true
		}
	}
	return false
}

// migrate applies the missing migrations in one transaction. On PostgreSQL a transaction
// advisory lock serializes processes opening the database at once; on SQLite the
// immediate transaction takes the write lock first.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations(s.d)
	if err != nil {
		return fmt.Errorf("read migrations: %w", err)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if s.d.dollar {
			if _, err := s.exec(ctx, tx, "SELECT pg_advisory_xact_lock(?)", s.d.advisoryKey("schema_migrations")); err != nil {
				return fmt.Errorf("lock migrations: %w", err)
			}
		}
		if _, err := s.exec(ctx, tx, `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER NOT NULL PRIMARY KEY,
	name       TEXT NOT NULL,
	applied_ms BIGINT NOT NULL
)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		applied := map[int]bool{}
		rows, err := s.query(ctx, tx, "SELECT version FROM schema_migrations")
		if err != nil {
			return fmt.Errorf("read schema_migrations: %w", err)
		}
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return fmt.Errorf("read schema_migrations: %w", err)
			}
			applied[v] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read schema_migrations: %w", err)
		}
		latest := 0
		for v := range applied {
			latest = max(latest, v)
		}
		if n := ms[len(ms)-1].version; latest > n {
			return fmt.Errorf("database schema version %d is newer than this binary's %d", latest, n)
		}
		for _, m := range ms {
			if applied[m.version] {
				continue
			}
			for _, stmt := range m.stmts {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("migration %s: %w", m.name, err)
				}
			}
			if _, err := s.exec(ctx, tx, "INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)",
				m.version, m.name, s.opts.Clock.Now().UnixMilli()); err != nil {
				return fmt.Errorf("record migration %s: %w", m.name, err)
			}
			s.opts.Logger.InfoContext(ctx, "applied store migration", "backend", s.d.name, "migration", m.name)
		}
		return nil
	})
}
