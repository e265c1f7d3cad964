package realtime

import (
	"context"
	"slices"

	"github.com/chatapi/chatapi/event"
)

// deliverUserUpdated tells the connections of the users who share a room
// with e's user, on this instance, their new profile; the user's own other
// connections too. Not a room event: a user not connected learns the
// profile from GET /users.
func (h *Hub) deliverUserUpdated(ctx context.Context, e event.Event) {
	if e.Profile == nil {
		h.cfg.Logger.Error("realtime: user.updated without a profile", "tenant_id", e.TenantID, "user_id", e.UserID)
		return
	}
	peers, err := h.presencePeers(ctx, e.TenantID, e.UserID)
	if err != nil {
		if ctx.Err() == nil {
			h.cfg.Logger.Error("realtime: user.updated peers", "tenant_id", e.TenantID, "user_id", e.UserID, "error", err)
		}
		return
	}
	// presencePeers may hand back the store's own slice: never append to it.
	to := h.recipients(e.TenantID, append(slices.Clip(peers), e.UserID), "", "")
	if len(to) == 0 {
		return
	}
	deliver(mustEncode(newUserUpdatedFrame(e.Profile)), to)
}
