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

func TestRedelivery(t *testing.T) {
	const ackTimeout = 100 * time.Millisecond
	// Receipts are flushed on a timer; none falls into these subtests.
	e := newEnv(t, realtime.Config{AckTimeout: ackTimeout, RetryMaxAttempts: 3, ReceiptsInterval: time.Hour})
	ctx := context.Background()
	room := e.room(store.RoomGroup, "alice", "bob")
	a, _, _ := e.connect("alice")
	b, _, _ := e.connect("bob")
	settle(t, a, b)

	// expect reads the next frame of c, which must be of typ with the given
	// key, and returns when it came.
	expect := func(c *client, typ, key string, want any) time.Time {
		t.Helper()
		f := c.next()
		if f.Type != typ || (key == "seq" && f.num(key) != want.(int64)) || (key != "seq" && f.str(key) != want) {
			t.Fatalf("got %s, want %s with %s %v", f.Raw, typ, key, want)
		}
		return time.Now()
	}
	quiet := func(c *client, d time.Duration) {
		t.Helper()
		time.Sleep(d)
		if got := c.until(); len(got) != 0 {
			t.Fatalf("got %v, want nothing more", types(got))
		}
	}
	deadLetters := func(messages, notifications int) store.DeadLetters {
		t.Helper()
		deadline := time.Now().Add(ioTimeout)
		for {
			dl, err := e.st.ListDeadLetters(ctx, e.tenant, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(dl.Messages) >= messages && len(dl.Notifications) >= notifications {
				if len(dl.Messages) != messages || len(dl.Notifications) != notifications {
					t.Fatalf("dead letters %+v, want %d messages, %d notifications", dl, messages, notifications)
				}
				return dl
			}
			if time.Now().After(deadline) {
				t.Fatalf("dead letters %+v, want %d messages, %d notifications", dl, messages, notifications)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	sendAs := func(c *client) {
		t.Helper()
		c.send(map[string]any{"type": "send_message", "request_id": "s", "room_id": room, "content": "hi"})
		if got := c.until(); len(got) != 2 || got[0].Type != "message.sent" {
			t.Fatalf("sender got %v, want message.sent and the message", types(got))
		}
	}

	t.Run("unacked message is resent with backoff, then dead-lettered", func(t *testing.T) {
		sendAs(b)
		live := expect(a, "message", "seq", int64(1))
		again := expect(a, "message", "seq", int64(1))
		third := expect(a, "message", "seq", int64(1))
		// Measured at the client, so allow 10% of jitter against the server's timers.
		if again.Sub(live) < ackTimeout*9/10 || third.Sub(again) < 2*ackTimeout*9/10 {
			t.Fatalf("resent after %v then %v, want at least %v then %v", again.Sub(live), third.Sub(again), ackTimeout, 2*ackTimeout)
		}
		dl := deadLetters(1, 0)
		if f := dl.Messages[0]; f.UserID != "alice" || f.RoomID != room || f.Attempts != 3 {
			t.Fatalf("dead letter %+v, want alice's, after 3 attempts", f)
		}
		quiet(a, 3*ackTimeout)
		quiet(b, 0) // the sender owes no ack for their own message
	})

	t.Run("an ack stops the resending of what it covers", func(t *testing.T) {
		sendAs(b)
		sendAs(b)
		expect(a, "message", "seq", int64(2))
		expect(a, "message", "seq", int64(3))
		// ackUpTo acks seq and reads up to ack.received; resends of what it
		// covers may precede it on a slow machine.
		ackUpTo := func(seq int64) {
			t.Helper()
			a.send(map[string]any{"type": "ack", "room_id": room, "seq": seq})
			for {
				f := a.next()
				if f.Type == "ack.received" && f.num("seq") == seq {
					return
				}
				if f.Type != "message" || f.num("seq") > seq+1 {
					t.Fatalf("got %s, want ack.received %d", f.Raw, seq)
				}
			}
		}
		ackUpTo(2)
		expect(a, "message", "seq", int64(3)) // 2 is acked, 3 is not
		ackUpTo(3)
		quiet(a, 3*ackTimeout)
		for _, f := range b.until() {
			if f.Type != "receipts" {
				t.Fatalf("sender got %s", f.Raw)
			}
		}
	})

	t.Run("notifications", func(t *testing.T) {
		publish := func() store.Notification {
			n, recipients, err := e.st.CreateNotification(ctx, e.tenant, "bob", store.NewNotification{
				Topic: "t", Payload: json.RawMessage(`{}`), UserIDs: []string{"alice"},
			})
			if err != nil {
				t.Fatal(err)
			}
			e.hub.Publish(ctx, event.Event{Type: event.Notification, TenantID: e.tenant, Notification: &n, Recipients: recipients})
			return n
		}
		acked := publish()
		expect(a, "notification", "notification_id", acked.ID)
		expect(a, "notification", "notification_id", acked.ID)
		a.send(map[string]any{"type": "notification.ack", "notification_id": acked.ID})
		quiet(a, 3*ackTimeout)

		dropped := publish()
		for range 3 {
			expect(a, "notification", "notification_id", dropped.ID)
		}
		dl := deadLetters(1, 1)
		if f := dl.Notifications[0]; f.NotificationID != dropped.ID || f.UserID != "alice" || f.Attempts != 3 {
			t.Fatalf("dead letter %+v, want alice's of %s after 3 attempts", f, dropped.ID)
		}
		quiet(a, 3*ackTimeout)
	})
}
