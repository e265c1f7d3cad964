package store

import (
	"context"
	"fmt"
)

// maxCachedTenants bounds the mods and notes caches.
const maxCachedTenants = 65536

// moderationFreeSQL is true when a tenant has no moderation state. Expired
// bans and mutes still count (rows not yet swept): the cache only ever
// errs towards reading.
const moderationFreeSQL = `
	SELECT NOT (
		EXISTS (SELECT 1 FROM room_bans WHERE tenant_id = ?) OR
		EXISTS (SELECT 1 FROM tenant_bans WHERE tenant_id = ?) OR
		EXISTS (SELECT 1 FROM room_mutes WHERE tenant_id = ?) OR
		EXISTS (SELECT 1 FROM user_blocks WHERE tenant_id = ?) OR
		EXISTS (SELECT 1 FROM shadow_messages WHERE tenant_id = ?) OR
		EXISTS (SELECT 1 FROM rooms WHERE tenant_id = ? AND (frozen <> 0 OR slow_mode_seconds > 0)))`

// moderationFree reports whether the tenant has no moderation state, from
// the cache on SQLite; false (read the rules) on PostgreSQL.
//
// The store's mods cache remembers, on SQLite, the tenants that have no
// moderation state at all: no room or tenant ban, mute, block or shadow
// message, and no frozen or slow-mode room. For them every moderation read
// (the rules of a send or an edit, the tenant-wide ban of each request, the
// shadow messages of a history page, whom a connecting user blocks) has
// nothing to find and is skipped: profiles of the send path gave those
// reads a tenth of the server's CPU. Every change to that state goes
// through this Store's single writer, which forgets the tenant once its
// transaction has ended (a writerCache). PostgreSQL serves several
// instances and reads every time.
func (s *Store) moderationFree(ctx context.Context, tenantID string) (bool, error) {
	if s.mods == nil {
		return false, nil
	}
	return s.mods.load(tenantID, func() (free bool, err error) {
		if err := s.r.GetContext(ctx, &free, s.r.Rebind(moderationFreeSQL),
			tenantID, tenantID, tenantID, tenantID, tenantID, tenantID); err != nil {
			return false, fmt.Errorf("moderation state: %w", err)
		}
		return free, nil
	})
}

// moderationChanged tells the cache, if any, that a transaction that may
// have changed the tenant's moderation state has ended. On PostgreSQL this
// instance then reads the tenant's flag again (Store.unmoderatedTenant),
// so its own changes apply to its next CheckSend; another instance's
// apply through the send's transaction.
func (s *Store) moderationChanged(tenantID string) {
	if s.mods != nil {
		s.mods.forget(tenantID)
	}
	if s.unmoderated != nil {
		s.unmoderated.forget(tenantID)
	}
}
