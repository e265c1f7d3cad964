package store

import (
	"context"
	"fmt"
)

// notificationFreeSQL is true when no notification was ever owed to anyone
// in the tenant (through notification_recipients_user). Acked, dead and
// expired recipient rows still count: the cache only ever errs towards
// reading.
const notificationFreeSQL = `
	SELECT NOT EXISTS (SELECT 1 FROM notification_recipients WHERE tenant_id = ?)`

// notificationFree reports whether the tenant has no notification
// recipients at all, from the cache on SQLite; false (read them) on
// PostgreSQL.
//
// Every WebSocket connect reads the user's pending notifications, and in a
// tenant that never sends any that read finds nothing: profiles of 10,000
// clients connecting gave it 6 % of the server's CPU. The store's notes
// cache remembers, on SQLite, the tenants without recipient rows, whose
// ListNotifications is then answered without a read. Every notification is
// stored by this Store's single writer (CreateNotification, and a send's
// mentions in the group committer), which forgets the tenant once its
// transaction has ended and before the caller publishes the notification:
// a connect that still found the tenant free was registered with the hub
// before the publish, and gets the notification live.
//
// PostgreSQL serves several instances, where another instance may store
// the notification; it reads every time.
func (s *Store) notificationFree(ctx context.Context, tenantID string) (bool, error) {
	if s.notes == nil {
		return false, nil
	}
	return s.notes.load(tenantID, func() (free bool, err error) {
		st, err := s.reads.get(ctx, s.r.Rebind(notificationFreeSQL))
		if err == nil {
			err = st.GetContext(ctx, &free, tenantID)
		}
		if err != nil {
			return false, fmt.Errorf("notification recipients: %w", err)
		}
		return free, nil
	})
}

// notificationsChanged tells the cache, if any, that a transaction that may
// have stored a notification of the tenant has ended.
func (s *Store) notificationsChanged(tenantID string) {
	if s.notes != nil {
		s.notes.forget(tenantID)
	}
}
