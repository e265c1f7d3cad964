package realtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

// TestWriteTimeout checks the drain's per-connection write timer: a client
// that stops reading is dropped once a write has been stuck for
// WriteTimeout, while a client that reads keeps its connection however many
// writes re-arm the timer. The queue is large enough never to overflow, so
// only the timeout can close the stuck client. Real sockets cannot run
// under testing/synctest, so the test waits on the real clock, bounded.
func TestWriteTimeout(t *testing.T) {
	const timeout = 300 * time.Millisecond
	publish := func(e *env, room string, n int, content string, meta json.RawMessage) {
		for seq := int64(1); seq <= int64(n); seq++ {
			m := store.Message{ID: fmt.Sprintf("msg_%d", seq), RoomID: room, SenderID: "carol", Seq: seq, Content: content, Meta: meta, CreatedAt: time.Now().UTC()}
			e.hub.Publish(context.Background(), event.Event{Type: event.MessageCreated, TenantID: e.tenant, RoomID: room, Seq: seq, Message: &m})
		}
	}

	t.Run("a stuck client is dropped", func(t *testing.T) {
		opts := smallReadBuffer()
		if opts == nil {
			t.Skip("needs a small socket receive buffer (unix)")
		}
		e := newEnv(t, realtime.Config{QueueSize: 4096, WriteTimeout: timeout})
		room := e.room(store.RoomGroup, "alice", "carol")
		stuck := e.dial("alice", opts)
		if f := stuck.next(); f.Type != "sync.complete" {
			t.Fatalf("got %s, want sync.complete", f.Raw)
		}
		// About 10 MB: more than the socket buffers hold.
		publish(e, room, 400, strings.Repeat("x", 4000), json.RawMessage(`{"pad":"`+strings.Repeat("p", 20<<10)+`"}`))
		deadline := time.Now().Add(10 * time.Second)
		for e.hub.Connections() != 0 {
			if time.Now().After(deadline) {
				t.Fatalf("stuck client still connected %v after the writes began, write timeout %v", 10*time.Second, timeout)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})

	t.Run("a reading client stays", func(t *testing.T) {
		e := newEnv(t, realtime.Config{QueueSize: 4096, WriteTimeout: timeout})
		room := e.room(store.RoomGroup, "alice", "carol")
		c, _, _ := e.connect("alice")
		const n = 200
		publish(e, room, n, "hello", nil)
		for want := int64(1); want <= n; want++ {
			if f := c.next(); f.Type != "message" || f.num("seq") != want {
				t.Fatalf("got %s, want message seq %d", f.Raw, want)
			}
		}
		time.Sleep(2 * timeout) // every timer armed so far has fired or been stopped
		if got := e.hub.Connections(); got != 1 {
			t.Fatalf("got %d connections after the timeout passed, want 1", got)
		}
	})
}
