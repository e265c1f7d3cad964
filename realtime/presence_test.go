package realtime_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

func TestPresence(t *testing.T) {
	const grace = 250 * time.Millisecond
	e := newEnv(t, realtime.Config{PresenceGrace: grace})
	e.room(store.RoomGroup, "alice", "bob")
	e.room(store.RoomDM, "alice", "carol")
	e.room(store.RoomGroup, "dave", "erin")
	a, _, _ := e.connect("alice")
	stranger, _, _ := e.connect("dave") // shares no room with bob

	presence := func(user string) realtime.PresenceInfo {
		t.Helper()
		got := e.hub.Presence(e.tenant, []string{user})
		if len(got) != 1 || got[0].UserID != user {
			t.Fatalf("Presence(%s) = %+v", user, got)
		}
		return got[0]
	}
	expectUpdate := func(c *client, user, status string) frame {
		t.Helper()
		f := c.next()
		if f.Type != "presence.update" || f.str("user_id") != user || f.str("status") != status || f.str("last_seen") == "" {
			t.Fatalf("got %s, want presence.update of %s %s", f.Raw, user, status)
		}
		return f
	}

	if p := presence("bob"); p.Online || p.LastSeen != nil {
		t.Fatalf("never seen: %+v, want offline with no last_seen", p)
	}

	// The first connection is announced to those who share a room, only.
	b1, _, _ := e.connect("bob")
	expectUpdate(a, "bob", "online")
	if got := stranger.until(); len(got) != 0 {
		t.Fatalf("user sharing no room got %v", types(got))
	}
	if p := presence("bob"); !p.Online || p.LastSeen == nil || time.Since(*p.LastSeen) > time.Minute {
		t.Fatalf("connected: %+v, want online, seen now", p)
	}

	// A second device, its close, and a reconnect within the grace say nothing.
	b2, _, _ := e.connect("bob")
	_ = b2.ws.Close(websocket.StatusNormalClosure, "")
	_ = b1.ws.Close(websocket.StatusNormalClosure, "")
	b3, _, _ := e.connect("bob")
	time.Sleep(2 * grace)
	if got := a.until(); len(got) != 0 {
		t.Fatalf("reconnect within the grace announced %v", types(got))
	}

	// The last close is announced after the grace.
	closed := time.Now()
	_ = b3.ws.Close(websocket.StatusNormalClosure, "")
	f := expectUpdate(a, "bob", "offline")
	if waited := time.Since(closed); waited < grace {
		t.Fatalf("offline after %v, want at least the grace %v", waited, grace)
	}
	p := presence("bob")
	if p.Online || p.LastSeen == nil || p.LastSeen.Format(time.RFC3339Nano) != f.str("last_seen") {
		t.Fatalf("after offline: %+v, want offline, last seen %s", p, f.str("last_seen"))
	}
	if got := stranger.until(); len(got) != 0 {
		t.Fatalf("user sharing no room got %v", types(got))
	}

	// Coming back after the grace is a new online; other tenants know nothing.
	e.connect("bob")
	expectUpdate(a, "bob", "online")
	if got := e.hub.Presence("ten_other", []string{"bob"}); got[0].Online || got[0].LastSeen != nil {
		t.Fatalf("other tenant sees %+v", got[0])
	}
}

// A connect's online announcement reaches those who share a room with the
// user, whether the connect's sync read the user's rooms (no cursor: the
// announcement uses them) or not (a resume: it reads them), and the user is
// online by the time their client has sync.complete.
func TestPresenceAnnouncedOnConnect(t *testing.T) {
	tests := []struct {
		name   string
		resume bool
	}{
		{"without a cursor", false},
		{"resuming from a cursor", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const grace = 50 * time.Millisecond
			e := newEnv(t, realtime.Config{PresenceGrace: grace})
			e.room(store.RoomGroup, "alice", "bob")
			e.room(store.RoomDM, "bob", "carol")
			e.room(store.RoomGroup, "dave", "erin")
			a, _, _ := e.connect("alice")
			c, _, _ := e.connect("carol")
			stranger, _, _ := e.connect("dave") // shares no room with bob
			expectUpdate := func(to *client, status string) {
				t.Helper()
				f := to.next()
				if f.Type != "presence.update" || f.str("user_id") != "bob" || f.str("status") != status {
					t.Fatalf("got %s, want presence.update of bob %s", f.Raw, status)
				}
			}

			u := e.url("bob")
			if tt.resume {
				first := e.dial("bob", nil)
				_, cursor := first.readUntilSync()
				expectUpdate(a, "online")
				expectUpdate(c, "online")
				_ = first.ws.Close(websocket.StatusNormalClosure, "")
				expectUpdate(a, "offline")
				expectUpdate(c, "offline")
				u = e.resumeURL("bob", cursor)
			}
			bob := e.dialURL("bob", u, nil)
			bob.readUntilSync()
			if p := e.hub.Presence(e.tenant, []string{"bob"}); !p[0].Online {
				t.Fatalf("bob has sync.complete but is %+v, want online", p[0])
			}
			expectUpdate(a, "online")
			expectUpdate(c, "online")
			if got := stranger.until(); len(got) != 0 {
				t.Fatalf("user sharing no room got %v", types(got))
			}
		})
	}
}

// The hub remembers a bounded number of users gone offline: past
// PresenceMemory the longest gone are forgotten, the latest kept.
func TestPresenceForgetsTheLongestGone(t *testing.T) {
	const memory = 4
	e := newEnv(t, realtime.Config{PresenceGrace: time.Millisecond, PresenceMemory: memory})
	users := []string{"u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"}
	for _, u := range users {
		c, _, _ := e.connect(u)
		_ = c.ws.Close(websocket.StatusNormalClosure, "")
		deadline := time.Now().Add(10 * time.Second)
		for e.hub.Presence(e.tenant, []string{u})[0].Online {
			if time.Now().After(deadline) {
				t.Fatalf("%s still online 10 s after closing", u)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	got := e.hub.Presence(e.tenant, users)
	var remembered []string
	for _, p := range got {
		if p.LastSeen != nil {
			remembered = append(remembered, p.UserID)
		}
	}
	if len(remembered) == 0 || len(remembered) > memory {
		t.Fatalf("remembered %v, want between 1 and %d users", remembered, memory)
	}
	if last := remembered[len(remembered)-1]; last != users[len(users)-1] {
		t.Errorf("remembered %v, want the latest gone (%s) among them", remembered, users[len(users)-1])
	}
	if remembered[0] == users[0] {
		t.Errorf("remembered %v, want the first gone (%s) forgotten", remembered, users[0])
	}
	// Forgetting does not stop anyone coming back.
	e.connect(users[0])
	if p := e.hub.Presence(e.tenant, users[:1])[0]; !p.Online {
		t.Errorf("%s reconnected: %+v, want online", users[0], p)
	}
}

// Many members coming online at once reach a connection as PresenceBurst
// presence.update frames, then presence.batch frames with the rest: every
// change once, in fewer frames than changes. Once an interval
// passes without a change, the next one comes alone, at once.
func TestPresenceStormIsBatched(t *testing.T) {
	const burst, n = 3, 40
	const interval = 500 * time.Millisecond
	e := newEnv(t, realtime.Config{PresenceBurst: burst, PresenceInterval: interval})
	users := make([]string, n)
	for i := range users {
		users[i] = fmt.Sprintf("u%02d", i)
	}
	e.room(store.RoomGroup, "watcher", append(users, "late")...)
	w, _, _ := e.connect("watcher")
	for _, u := range users {
		e.dial(u, nil) // connect without waiting for the sync
	}

	var got []string
	frames := 0
	for len(got) < n {
		f := w.next()
		frames++
		var updates []map[string]any
		switch f.Type {
		case "presence.update":
			updates = []map[string]any{f.F}
		case "presence.batch":
			if frames <= burst {
				t.Fatalf("frame %d is a batch, want the first %d alone: %s", frames, burst, f.Raw)
			}
			for _, u := range f.F["updates"].([]any) {
				updates = append(updates, u.(map[string]any))
			}
		default:
			t.Fatalf("got %s, want presence", f.Raw)
		}
		for _, u := range updates {
			if u["status"] != "online" {
				t.Fatalf("got %v, want online", u)
			}
			got = append(got, u["user_id"].(string))
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, users) {
		t.Fatalf("online updates for %v, want each of %v once", got, users)
	}
	if frames > n/2 {
		t.Errorf("%d changes came in %d frames, want them batched", n, frames)
	}

	time.Sleep(3 * interval) // the run ends
	e.dial("late", nil)
	if f := w.next(); f.Type != "presence.update" || f.str("user_id") != "late" {
		t.Fatalf("after a quiet interval got %s, want late's presence.update alone", f.Raw)
	}
}

// peersHeld is a store whose MemberCursors, the read of a user's rooms
// that a presence change from another instance needs, waits until release
// is closed.
type peersHeld struct {
	*store.Store
	release chan struct{}
}

func (s peersHeld) MemberCursors(ctx context.Context, tenantID, userID string) ([]store.RoomCursor, error) {
	select {
	case <-s.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.Store.MemberCursors(ctx, tenantID, userID)
}

// The bus hands the hub another instance's events one after another. A
// presence change whose peers are still being read does not hold back the
// room events behind it, and is delivered once they are read.
func TestPresenceDoesNotHoldBackRoomEvents(t *testing.T) {
	release := make(chan struct{})
	e := newEnvOver(t, realtime.Config{}, func(st *store.Store) realtime.Store {
		return peersHeld{Store: st, release: release}
	})
	ctx := context.Background()
	room := e.room(store.RoomGroup, "alice", "bob", "carol")
	a, _, _ := e.connect("alice")
	m, _, err := e.st.SendMessage(ctx, e.tenant, "bob", room, store.NewMessage{Content: "after the presence"})
	if err != nil {
		t.Fatal(err)
	}

	delivered := make(chan struct{})
	go func() {
		defer close(delivered)
		e.hub.Deliver(ctx, event.ForPresence(e.tenant, "carol", "offline", time.Now().UTC()))
		e.hub.Deliver(ctx, event.ForMessage(event.MessageCreated, e.tenant, m))
	}()
	if f := a.next(); f.Type != "message" || f.str("message_id") != m.ID {
		t.Fatalf("got %s, want the message while carol's peers are read", f.Raw)
	}
	select {
	case <-delivered:
	case <-time.After(5 * time.Second):
		t.Fatal("Deliver waited for the presence change's store read")
	}
	close(release)
	if f := a.next(); f.Type != "presence.update" || f.str("user_id") != "carol" || f.str("status") != "offline" {
		t.Fatalf("got %s, want carol's presence.update offline", f.Raw)
	}
}
