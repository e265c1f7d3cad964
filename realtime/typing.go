package realtime

import (
	"context"
	"time"
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
	to, err := h.roomRecipients(ctx, k.tenantID, k.roomID, k.userID)
	if err != nil {
		h.cfg.Logger.Error("realtime: typing stop", "tenant_id", k.tenantID, "room_id", k.roomID, "error", err)
		return
	}
	deliverEphemeral(mustEncode(typingFrame{Type: "typing", RoomID: k.roomID, UserID: k.userID, Action: "stop"}), to)
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
