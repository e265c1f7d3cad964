package realtime

import "testing"

// Presence and typing frames give way when a connection is behind; owed
// frames (messages, notifications) still queue up to the limit. The
// connection here has not finished its sync, so its queue is held and
// nothing drains it: the test sees exactly what was queued.
func TestEphemeralFramesGiveWayWhenBehind(t *testing.T) {
	for _, tc := range []struct {
		name string
		// ephemeral frames, then owed ones, then ephemeral ones again
		ephemeral, owed, thenEphemeral int
		wantQueued, skipped            int
	}{
		{"a few presence frames all queue", 3, 0, 0, 3, 0},
		{"presence stops at half the queue", 20, 0, 0, 4, 16},
		{"owed frames fill the rest", 20, 4, 0, 8, 16},
		{"owed first, then presence is skipped", 0, 6, 2, 6, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := New(Config{QueueSize: 8}, nil)
			if err != nil {
				t.Fatal(err)
			}
			c := newConn(h, Session{TenantID: "tn", UserID: "alice"})
			for range tc.ephemeral {
				c.enqueueEphemeral([]byte(`{"type":"presence.update"}`))
			}
			for range tc.owed {
				c.enqueue([]byte(`{"type":"message"}`))
			}
			for range tc.thenEphemeral {
				c.enqueueEphemeral([]byte(`{"type":"typing"}`))
			}
			c.mu.Lock()
			queued := len(c.queue)
			c.mu.Unlock()
			if queued != tc.wantQueued || c.closing.Load() {
				t.Errorf("queued %d (closing %v), want %d and open", queued, c.closing.Load(), tc.wantQueued)
			}
			if got := h.Stats().EphemeralSkipped; got != uint64(tc.skipped) {
				t.Errorf("skipped %d, want %d", got, tc.skipped)
			}
		})
	}
}
