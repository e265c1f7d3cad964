package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
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
// connections are files, not sessions: kept.
func (s *Store) dropIdle() {
	if s.dialect.name != "postgres" {
		return
	}
	for _, db := range []*sqlx.DB{s.w, s.r} {
		stats := db.Stats()
		db.SetMaxIdleConns(0)
		db.SetMaxIdleConns(max(stats.MaxOpenConnections, 2))
	}
}
