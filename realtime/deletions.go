package realtime

import (
	"context"
	"time"
)

// Deletions and usage. A deleted tenant's connections are closed by the
// credential checks (its key generation is gone); a deleted user's are
// closed there too, from the user deletions recorded since the last round,
// so that a deletion through any instance reaches every instance's
// connections. The instance that takes the deletion closes its own at once
// (CloseTenant, CloseUser). Both close with 1008, as asyncapi.yaml says.

// Close reasons of deletions (code 1008).
const (
	reasonTenantDeleted = "credentials revoked: the tenant was deleted"
	reasonUserDeleted   = "credentials revoked: the user was deleted"
)

// CloseTenant closes every connection of the tenant on this instance.
func (h *Hub) CloseTenant(tenantID string) {
	var gone []*conn
	h.mu.RLock()
	for c := range h.conns {
		if c.tenantID == tenantID {
			gone = append(gone, c)
		}
	}
	h.mu.RUnlock()
	closePolicy(gone, reasonTenantDeleted)
}

// CloseUser closes the user's connections on this instance opened before
// before; those opened since are a new user's of the same id.
func (h *Hub) CloseUser(tenantID, userID string, before time.Time) {
	at := before.UnixNano()
	var gone []*conn
	h.mu.RLock()
	for _, c := range h.users[userKey{tenantID, userID}] {
		if c.opened < at {
			gone = append(gone, c)
		}
	}
	h.mu.RUnlock()
	closePolicy(gone, reasonUserDeleted)
}

// closeDeletedUsers is the credential checks' part for user deletions:
// those recorded since the last round (with an overlap of a round, so
// that one committed late is not missed) close the users' connections
// opened before them.
func (h *Hub) closeDeletedUsers(ctx context.Context, now time.Time) {
	since := h.deletionsSince
	if since.IsZero() {
		// The first round: connections opened since the hub started
		// are at most a round old.
		since = now.Add(-h.cfg.CredentialCheckInterval)
	}
	ds, err := h.store.UserDeletionsSince(ctx, since.Add(-h.cfg.CredentialCheckInterval))
	if err != nil {
		if ctx.Err() == nil {
			h.cfg.Logger.Warn("realtime: check user deletions", "error", err)
		}
		return
	}
	h.deletionsSince = now
	for _, d := range ds {
		h.CloseUser(d.TenantID, d.UserID, d.RequestedAt)
	}
}

// connectionPeaks keeps the most connections each tenant had open at once
// on this instance today (UTC), for GET /admin/tenants/{tenant_id}/usage.
// Guarded by hub.mu; New makes its maps.
type connectionPeaks struct {
	day   string
	open  map[string]int
	peaks map[string]int
	// dirty are the tenants whose peak rose since the last flush.
	dirty map[string]bool
}

// openedLocked counts a connection of the tenant in; h.mu is held.
func (h *Hub) openedLocked(tenantID string) {
	p := &h.peaks
	p.open[tenantID]++
	if n := p.open[tenantID]; n > p.peaks[tenantID] {
		p.peaks[tenantID] = n
		p.dirty[tenantID] = true
	}
}

// closedLocked counts a connection of the tenant out; h.mu is held.
func (h *Hub) closedLocked(tenantID string) {
	p := &h.peaks
	if p.open[tenantID]--; p.open[tenantID] <= 0 {
		delete(p.open, tenantID)
	}
}

// flushPeaks stores the peaks that rose since the last flush. A new day
// starts from the connections open at its beginning.
func (h *Hub) flushPeaks(ctx context.Context, now time.Time) {
	day := now.UTC().Format(time.DateOnly)
	h.mu.Lock()
	p := &h.peaks
	if p.day != day {
		// What rose in the last moments of the day before is flushed
		// under the new day: a few seconds' error at midnight, for not
		// keeping two days apart.
		p.day = day
		p.peaks = make(map[string]int, len(p.open))
		for t, n := range p.open {
			p.peaks[t] = n
			p.dirty[t] = true
		}
	}
	if len(p.dirty) == 0 {
		h.mu.Unlock()
		return
	}
	out := make(map[string]int, len(p.dirty))
	for t := range p.dirty {
		out[t] = p.peaks[t]
	}
	p.dirty = map[string]bool{}
	h.mu.Unlock()
	if err := h.store.RecordConnectionPeaks(ctx, h.cfg.Instance.InstanceID, now, out); err != nil {
		if ctx.Err() == nil {
			h.cfg.Logger.Warn("realtime: record connection peaks", "error", err)
		}
		// Tried again at the next round.
		h.mu.Lock()
		for t := range out {
			h.peaks.dirty[t] = true
		}
		h.mu.Unlock()
	}
}
