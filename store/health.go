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
		return fmt.Errorf("check writable: %w", err)
	}
	return nil
}
