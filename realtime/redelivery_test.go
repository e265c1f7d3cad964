package realtime_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

// TestRedelivery runs on an injected clock: each resend is checked to come
// exactly when its backoff ends, not a moment before, however loaded the
// machine.
func TestRedelivery(t *testing.T) {
	const ackTimeout = 10 * time.Second
	clock := newFakeClock()
	// Receipts are flushed on the same clock; none falls into these subtests.
	e := newEnv(t, realtime.Config{Clock: clock, AckTimeout: ackTimeout, RetryMaxAttempts: 3, ReceiptsInterval: 1000 * time.Hour})
	ctx := context.Background()
	room := e.room(store.RoomGroup, "alice", "bob")
	a, _, _ := e.connect("alice")
	b, _, _ := e.connect("bob")
	settle(t, a, b)

	// expect reads what c was sent so far, which must be exactly frames of
	// typ with key = each of want.
	expect := func(c *client, typ, key string, want ...any) {
		t.Helper()
		got := c.until()
		if len(got) != len(want) {
			t.Fatalf("got %v, want %d %s", types(got), len(want), typ)
		}
		for i, f := range got {
			if f.Type != typ || (key == "seq" && f.num(key) != want[i].(int64)) || (key != "seq" && f.str(key) != want[i]) {
				t.Fatalf("got %s, want %s with %s %v", f.Raw, typ, key, want[i])
			}
		}
	}
	// quiet advances the clock by d and checks c was sent nothing meanwhile;
	// quiet(c, 0) also makes sure what c sent before it was handled.
	quiet := func(c *client, d time.Duration) {
		t.Helper()
		clock.Advance(d)
		if got := c.until(); len(got) != 0 {
			t.Fatalf("got %v, want nothing more", types(got))
		}
	}
	deadLetters := func(messages, notifications int) store.DeadLetters {
		t.Helper()
		dl, err := e.st.ListDeadLetters(ctx, e.tenant, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(dl.Messages) != messages || len(dl.Notifications) != notifications {
			t.Fatalf("dead letters %+v, want %d messages, %d notifications", dl, messages, notifications)
		}
		return dl
	}
	sendAs := func(c *client) {
		t.Helper()
		c.send(map[string]any{"type": "send_message", "request_id": "s", "room_id": room, "content": "hi"})
		if got := c.until(); len(got) != 2 || got[0].Type != "message.sent" {
			t.Fatalf("sender got %v, want message.sent and the message", types(got))
		}
	}

	t.Run("unconfirmed message is resent with backoff, then dead-lettered", func(t *testing.T) {
		sendAs(b)
		expect(a, "message", "seq", int64(1))
		quiet(a, ackTimeout-time.Millisecond)
		clock.Advance(time.Millisecond)
		expect(a, "message", "seq", int64(1))
		quiet(a, 2*ackTimeout-time.Millisecond)
		clock.Advance(time.Millisecond)
		expect(a, "message", "seq", int64(1))
		// The third delivery was the last: the next due time dead-letters it.
		quiet(a, 4*ackTimeout)
		dl := deadLetters(1, 0)
		if f := dl.Messages[0]; f.UserID != "alice" || f.RoomID != room || f.Attempts != 3 {
			t.Fatalf("dead letter %+v, want alice's, after 3 attempts", f)
		}
		quiet(a, 10*ackTimeout)
		quiet(b, 0) // the sender owes no confirmation for their own message
	})

	t.Run("an ack stops the resending of what it covers", func(t *testing.T) {
		sendAs(b)
		sendAs(b)
		expect(a, "message", "seq", int64(2), int64(3))
		a.send(map[string]any{"type": "ack", "room_id": room, "seq": 2})
		expect(a, "ack.received", "seq", int64(2)) // the user's own devices learn it
		clock.Advance(ackTimeout)
		expect(a, "message", "seq", int64(3)) // 2 is acked, 3 is not
		a.send(map[string]any{"type": "ack", "room_id": room, "seq": 3})
		expect(a, "ack.received", "seq", int64(3))
		quiet(a, 10*ackTimeout)
		quiet(b, 0)
	})

	t.Run("delivered stops the resending on the connection that sent it", func(t *testing.T) {
		a2, _, _ := e.connect("alice") // a second device: nothing is owed on connect
		sendAs(b)
		expect(a, "message", "seq", int64(4))
		expect(a2, "message", "seq", int64(4))
		a.send(map[string]any{"type": "delivered", "room_id": room, "seq": 4})
		quiet(a, 0)
		clock.Advance(ackTimeout)
		quiet(a, 0)
		// The other device did not confirm it: it is sent again there.
		expect(a2, "message", "seq", int64(4))
		a2.send(map[string]any{"type": "delivered", "room_id": room, "seq": 4})
		quiet(a2, 0) // handled before the clock moves
		quiet(a2, 10*ackTimeout)
		quiet(a, 0)
		deadLetters(1, 0) // the first subtest's only
	})

	t.Run("notifications", func(t *testing.T) {
		publish := func() store.Notification {
			n, recipients, err := e.st.CreateNotification(ctx, e.tenant, "bob", store.NewNotification{
				Topic: "t", Payload: json.RawMessage(`{}`), UserIDs: []string{"bob"},
			})
			if err != nil {
				t.Fatal(err)
			}
			e.hub.Publish(ctx, event.Event{Type: event.Notification, TenantID: e.tenant, Notification: &n, Recipients: recipients})
			return n
		}
		acked := publish()
		expect(b, "notification", "notification_id", acked.ID)
		clock.Advance(ackTimeout)
		expect(b, "notification", "notification_id", acked.ID)
		b.send(map[string]any{"type": "notification.ack", "notification_id": acked.ID})
		quiet(b, 0) // handled before the clock moves
		quiet(b, 10*ackTimeout)

		dropped := publish()
		expect(b, "notification", "notification_id", dropped.ID)
		clock.Advance(ackTimeout)
		expect(b, "notification", "notification_id", dropped.ID)
		clock.Advance(2 * ackTimeout)
		expect(b, "notification", "notification_id", dropped.ID)
		quiet(b, 4*ackTimeout)
		dl := deadLetters(1, 1)
		if f := dl.Notifications[0]; f.NotificationID != dropped.ID || f.UserID != "bob" || f.Attempts != 3 {
			t.Fatalf("dead letter %+v, want bob's of %s after 3 attempts", f, dropped.ID)
		}
		quiet(b, 10*ackTimeout)
	})
}
