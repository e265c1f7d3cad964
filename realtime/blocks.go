package realtime

import (
	"context"
	"slices"
	"sync"

	"github.com/chatapi/chatapi/store"
	"github.com/coder/websocket"
)

// Moderation in live delivery. A user who blocks another does not receive
// the other's messages over WebSocket: the hub keeps, for the users
// connected here, whom they block, read from the store when they connect
// and again when they block or unblock someone (event.BlocksChanged, on
// every instance), and leaves their connections out of the fan-out of the
// blocked users' messages. The index is by the blocked user, so that a
// message of a user nobody here blocks costs one map lookup. A user banned
// from the tenant (event.UserBanned) has every connection closed with
// closeBanned.

// closeBanned is the close code of a connection whose user was banned from
// the tenant (asyncapi.yaml): do not reconnect.
const closeBanned websocket.StatusCode = 4003

// blockIndex is whom the users connected here block.
type blockIndex struct {
	mu sync.RWMutex
	// of holds the users each blocker blocks; by, for a blocked user, the
	// blockers connected here. Only users with blocks have entries.
	of map[userKey][]string
	by map[userKey]map[string]struct{}
}

func newBlockIndex() *blockIndex {
	return &blockIndex{of: make(map[userKey][]string), by: make(map[userKey]map[string]struct{})}
}

// set replaces whom k blocks.
func (b *blockIndex) set(k userKey, blocked []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.forgetLocked(k)
	if len(blocked) == 0 {
		return
	}
	b.of[k] = blocked
	for _, id := range blocked {
		bk := userKey{k.tenantID, id}
		if b.by[bk] == nil {
			b.by[bk] = make(map[string]struct{})
		}
		b.by[bk][k.userID] = struct{}{}
	}
}

// forget drops k's blocks (their last connection here closed).
func (b *blockIndex) forget(k userKey) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.forgetLocked(k)
}

func (b *blockIndex) forgetLocked(k userKey) {
	for _, id := range b.of[k] {
		bk := userKey{k.tenantID, id}
		delete(b.by[bk], k.userID)
		if len(b.by[bk]) == 0 {
			delete(b.by, bk)
		}
	}
	delete(b.of, k)
}

// without leaves out of to, whose first ofUsers are users' connections,
// the connections of the users who block sender, keeping the order; it
// returns to itself when no one here blocks sender.
func (b *blockIndex) without(tenantID, sender string, to []*conn, ofUsers int) ([]*conn, int) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	blockers := b.by[userKey{tenantID, sender}]
	if len(blockers) == 0 {
		return to, ofUsers
	}
	out := make([]*conn, 0, len(to))
	n := ofUsers
	for i, c := range to {
		if _, blocks := blockers[c.userID]; blocks {
			if i < ofUsers {
				n--
			}
			continue
		}
		out = append(out, c)
	}
	return out, n
}

// blocks reports whether k blocks sender.
func (b *blockIndex) blocks(k userKey, sender string) bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return slices.Contains(b.of[k], sender)
}

// blocks reports whether c's user blocks sender: the connect-time sync,
// a resume and redelivery leave sender's messages out, as live delivery does.
func (c *conn) blocks(sender string) bool {
	return c.hub.blocks.blocks(userKey{c.tenantID, c.userID}, sender)
}

// loadBlocks reads whom k blocks into the index, if k is connected here.
func (h *Hub) loadBlocks(ctx context.Context, k userKey) {
	ids, err := h.store.BlockedUsers(ctx, k.tenantID, k.userID)
	if err != nil {
		h.cfg.Logger.Error("realtime: blocked users", "tenant_id", k.tenantID, "user_id", k.userID, "error", err)
		return
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	if len(h.users[k]) == 0 {
		return
	}
	h.blocks.set(k, ids)
}

// blocksChanged reloads whom a user connected here blocks.
func (h *Hub) blocksChanged(ctx context.Context, k userKey) {
	h.mu.RLock()
	here := len(h.users[k]) > 0
	h.mu.RUnlock()
	if here {
		h.loadBlocks(ctx, k)
	}
}

// banned closes every connection here of a user banned from the tenant.
func (h *Hub) banned(k userKey) {
	for _, c := range h.userConns(k.tenantID, k.userID) {
		c.closeAsync(closeBanned, "banned from the tenant", nil)
	}
}

// withoutBlocked is blockIndex.without for a room event: only messages are
// held back from their senders' blockers.
func (h *Hub) withoutBlocked(tenantID string, ev roomEvent, to []*conn, ofUsers int) ([]*conn, int) {
	if ev.typ != store.EventMessage || ev.userID == "" {
		return to, ofUsers
	}
	return h.blocks.without(tenantID, ev.userID, to, ofUsers)
}
