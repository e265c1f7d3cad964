package store

import (
	"context"
	"fmt"
)

// CheckWritable proves the database takes writes by rewriting the one
// health_probe row, within ctx's deadline. A read would pass on a full disk
// or a read-only replica; this does not.
func (s *Store) CheckWritable(ctx context.Context) error {
	_, err := s.w.ExecContext(ctx, s.w.Rebind(`
		INSERT INTO health_probe (id, checked_at) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at`), s.nowMillis())
	if err != nil {
		s.dropIdle()
		return fmt.Errorf("check writable: %w", err)
	}
	return nil
}

// dropIdle closes the pool's idle connections after a failed probe: when
// the database restarted they are dead, and each would fail the next
// request that takes it. Connections are opened afresh as needed. SQLite's
// connections are files, not sessions: kept. On PostgreSQL s.r is s.w, one
// pool, whose idle limit goes back to openPostgres's.
func (s *Store) dropIdle() {
	if s.dialect.name != "postgres" {
		return
	}
	s.w.SetMaxIdleConns(0)
	s.w.SetMaxIdleConns(postgresMaxOpenConns)
}
