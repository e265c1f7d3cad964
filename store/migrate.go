package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
)

// migrationFiles holds each dialect's migrations as NNNN_name.sql, applied in
// version order.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

type migration struct {
	version int64
	name    string
	sql     string
}

// loadMigrations reads the embedded migrations of one dialect, sorted by version.
func loadMigrations(dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []migration
	seen := map[int64]string{}
	for _, e := range entries {
		prefix, _, ok := strings.Cut(e.Name(), "_")
		version, err := strconv.ParseInt(prefix, 10, 64)
		if !ok || err != nil || version <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive version and _", e.Name())
		}
		if other, dup := seen[version]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", other, e.Name(), version)
		}
		seen[version] = e.Name()
		body, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: version, name: e.Name(), sql: string(body)})
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("no migrations for %s", dialect)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

const createSchemaMigrations = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    BIGINT PRIMARY KEY,
    applied_at BIGINT NOT NULL
)`

// migrate applies the migrations the database lacks, each in its own
// transaction together with its schema_migrations row, and refuses a
// database that a newer binary has migrated.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations(s.dialect.name)
	if err != nil {
		return err
	}
	latest := ms[len(ms)-1].version
	for {
		var applied *migration
		err := s.withTx(ctx, func(tx *sqlx.Tx) error {
			if s.dialect.migrationLock != "" {
				if _, err := tx.ExecContext(ctx, s.dialect.migrationLock); err != nil {
					return fmt.Errorf("lock migrations: %w", err)
				}
			}
			if _, err := tx.ExecContext(ctx, createSchemaMigrations); err != nil {
				return fmt.Errorf("create schema_migrations: %w", err)
			}
			// Read under the lock: another instance may have just migrated.
			var done []int64
			if err := tx.SelectContext(ctx, &done, `SELECT version FROM schema_migrations ORDER BY version`); err != nil {
				return fmt.Errorf("read schema versions: %w", err)
			}
			if n := len(done); n > 0 && done[n-1] > latest {
				return fmt.Errorf("%w: the database is at schema version %d, this binary knows versions up to %d; run a newer binary",
					ErrSchemaTooNew, done[n-1], latest)
			}
			// The first migration not recorded, even below the highest
			// recorded one: branches developed side by side can land their
			// migrations out of number order, and a database migrated in
			// between must still get every one.
			applied = firstMissing(ms, done)
			if applied == nil {
				return nil
			}
			if _, err := tx.ExecContext(ctx, applied.sql); err != nil {
				return fmt.Errorf("apply migration %s: %w", applied.name, err)
			}
			_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`),
				applied.version, s.nowMillis())
			if err != nil {
				return fmt.Errorf("record migration %s: %w", applied.name, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if applied == nil {
			return nil
		}
	}
}

// firstMissing is the first of ms (sorted by version) whose version is not
// in done (sorted), or nil when every one is.
func firstMissing(ms []migration, done []int64) *migration {
	j := 0
	for i := range ms {
		for j < len(done) && done[j] < ms[i].version {
			j++
		}
		if j == len(done) || done[j] != ms[i].version {
			return &ms[i]
		}
	}
	return nil
}
