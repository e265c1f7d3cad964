package realtime

import (
	"context"
	"time"

	"github.com/chatapi/chatapi/event"
)

type typingKey struct{ tenantID, roomID, userID string }

// typist is one user typing in one room: a single timer, pushed back by
// every refresh, stops it after TypingTimeout.
type typist struct {
	timer    *time.Timer
	deadline time.Time
}

// typingStarted starts or pushes back k's typing timer.
func (h *Hub) typingStarted(k typingKey) {
	h.typingMu.Lock()
	defer h.typingMu.Unlock()
	if h.typingStopped {
		return
	}
	deadline := time.Now().Add(h.cfg.TypingTimeout)
	if t := h.typing[k]; t != nil {
		t.deadline = deadline
		// Reset reschedules the func, or schedules it again if it already
		// fired; either way it runs after the new deadline.
		t.timer.Reset(h.cfg.TypingTimeout)
		return
	}
	t := &typist{deadline: deadline}
	t.timer = time.AfterFunc(h.cfg.TypingTimeout, func() { h.typingExpired(k, t) })
	h.typing[k] = t
}

// typingStoppedBy forgets k's typing after an explicit stop.
func (h *Hub) typingStoppedBy(k typingKey) {
	h.typingMu.Lock()
	defer h.typingMu.Unlock()
	if t := h.typing[k]; t != nil {
		t.timer.Stop()
		delete(h.typing, k)
	}
}

// typingExpired relays the stop the client did not send.
func (h *Hub) typingExpired(k typingKey, t *typist) {
	if !h.bg.enter() {
		return
	}
	defer h.bg.leave()
	h.typingMu.Lock()
	if h.typing[k] != t || time.Now().Before(t.deadline) {
		// Stopped, or refreshed: the rescheduled run will decide.
		h.typingMu.Unlock()
		return
	}
	delete(h.typing, k)
	h.typingMu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), h.cfg.WriteTimeout)
	defer cancel()
	h.Publish(ctx, event.ForTyping(k.tenantID, k.roomID, k.userID, "stop"))
}

// deliverTyping relays a typing event to the connections of the room's
// other members on this instance.
func (h *Hub) deliverTyping(ctx context.Context, e event.Event) {
	to, err := h.roomRecipients(ctx, e.TenantID, e.RoomID, e.UserID)
	if err != nil {
		h.cfg.Logger.Error("realtime: typing", "tenant_id", e.TenantID, "room_id", e.RoomID, "error", err)
		return
	}
	deliverEphemeral(mustEncode(typingFrame{Type: "typing", RoomID: e.RoomID, UserID: e.UserID, Action: e.Action}), to)
}

// stopTyping cancels every typing timer, for Shutdown.
func (h *Hub) stopTyping() {
	h.typingMu.Lock()
	defer h.typingMu.Unlock()
	h.typingStopped = true
	for k, t := range h.typing {
		t.timer.Stop()
		delete(h.typing, k)
	}
}
