package realtime_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

// roomEventTypes are the events of a room's log.
var roomEventTypes = map[string]bool{
	"message": true, "message.updated": true, "message.deleted": true,
	"member.joined": true, "member.left": true, "room.updated": true,
}

// readUntilSync reads frames up to sync.complete and returns those before it
// and the cursor it carries.
func (c *client) readUntilSync() ([]frame, string) {
	c.t.Helper()
	var got []frame
	for {
		f := c.next()
		if f.Type == "sync.complete" {
			if f.str("cursor") == "" {
				c.t.Fatalf("sync.complete without a cursor: %s", f.Raw)
			}
			return got, f.str("cursor")
		}
		got = append(got, f)
	}
}

// The offline-edit case: a client that read and acked everything up to seq
// 10 disconnects; message 5 is edited and message 6 deleted; resuming from
// its cursor it receives message.updated then message.deleted, in order,
// each with its event_seq, and then nothing it had already.
func TestResumeReplaysChangesMadeOffline(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	ctx := context.Background()
	room := e.room(store.RoomGroup, "alice", "bob")
	var msgs []store.Message
	for i := range 10 {
		m, _, err := e.st.SendMessage(ctx, e.tenant, "alice", room, store.NewMessage{Content: fmt.Sprintf("m%d", i+1)})
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	bob := e.dial("bob", nil)
	synced, cursor := bob.readUntilSync()
	if len(synced) != 10 {
		t.Fatalf("connect-time sync gave %d frames, want the 10 messages", len(synced))
	}
	for i, f := range synced {
		if f.Type != "message" || f.num("seq") != int64(i+1) || f.num("event_seq") != msgs[i].EventSeq {
			t.Fatalf("sync frame %d: %s, want message seq %d with event_seq %d", i, f.Raw, i+1, msgs[i].EventSeq)
		}
	}
	bob.send(map[string]any{"type": "ack", "room_id": room, "seq": 10})
	bob.until()
	_ = bob.ws.CloseNow()

	edited, err := e.st.EditMessage(ctx, e.tenant, "alice", room, msgs[4].ID, store.MessageUpdate{Content: new("m5, edited")})
	if err != nil {
		t.Fatal(err)
	}
	e.hub.Publish(ctx, event.ForMessage(event.MessageUpdated, e.tenant, edited))
	deleted, err := e.st.DeleteMessage(ctx, e.tenant, "alice", room, msgs[5].ID)
	if err != nil {
		t.Fatal(err)
	}
	e.hub.Publish(ctx, event.ForMessage(event.MessageDeleted, e.tenant, deleted))

	got, next := e.dialURL("bob", e.resumeURL("bob", cursor), nil).readUntilSync()
	want := []struct {
		typ      string
		seq      int64
		eventSeq int64
	}{
		{"message.updated", 5, edited.EventSeq},
		{"message.deleted", 6, deleted.EventSeq},
	}
	if len(got) != len(want) {
		t.Fatalf("resume replayed %v, want %d events", types(got), len(want))
	}
	for i, w := range want {
		f := got[i]
		if f.Type != w.typ || f.num("seq") != w.seq || f.num("event_seq") != w.eventSeq {
			t.Fatalf("replayed %d: %s, want %s of seq %d with event_seq %d", i, f.Raw, w.typ, w.seq, w.eventSeq)
		}
	}
	if got[0].str("content") != "m5, edited" || got[1].str("content") != "" {
		t.Fatalf("replayed content %q and %q, want the edit and the emptied delete", got[0].str("content"), got[1].str("content"))
	}
	// From the new cursor nothing is owed.
	again, _ := e.dialURL("bob", e.resumeURL("bob", next), nil).readUntilSync()
	if len(again) != 0 {
		t.Fatalf("resume from the cursor after the replay gave %v, want nothing", types(again))
	}
}

// A cursor whose events the retention pruned cannot be replayed: the client
// is told to reset, with a fresh cursor, gets the messages after its read
// cursor as without a cursor, and sync.complete.
func TestResumePastRetention(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	ctx := context.Background()
	room := e.room(store.RoomGroup, "alice", "bob")
	_, cursor := e.dial("bob", nil).readUntilSync()
	name := "renamed"
	if _, err := e.st.UpdateRoom(ctx, e.tenant, "alice", room, store.RoomUpdate{SetName: true, Name: &name}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.st.SendMessage(ctx, e.tenant, "alice", room, store.NewMessage{Content: "after"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.PruneEvents(ctx, time.Now().Add(time.Hour), 0); err != nil {
		t.Fatal(err)
	}

	got, next := e.dialURL("bob", e.resumeURL("bob", cursor), nil).readUntilSync()
	if len(got) != 2 || got[0].Type != "sync.reset_required" || got[1].Type != "message" || got[1].str("content") != "after" {
		t.Fatalf("resume past the retention gave %v, want sync.reset_required then the unread message", types(got))
	}
	if _, err := store.ParseSyncCursor(got[0].str("cursor")); err != nil {
		t.Fatalf("sync.reset_required cursor %q: %v", got[0].str("cursor"), err)
	}
	if again, _ := e.dialURL("bob", e.resumeURL("bob", next), nil).readUntilSync(); len(again) != 0 {
		t.Fatalf("resume from the fresh cursor gave %v, want nothing", types(again))
	}
}

// Live room events reach each connection in event_seq order, however many
// writers commit and announce at once, and a client that resumes while they
// write gets the replay and then the live stream with no gap and no
// duplicate at the switch.
func TestLiveEventsInEventSeqOrderUnderConcurrentWriters(t *testing.T) {
	e := newEnv(t, realtime.Config{QueueSize: 4096})
	ctx := context.Background()
	writers := []string{"w1", "w2", "w3", "w4", "w5", "w6"}
	room := e.room(store.RoomGroup, "owner", append([]string{"reader", "resumer"}, writers...)...)
	reader, _, _ := e.connect("reader")
	_, resumeFrom := e.dial("resumer", nil).readUntilSync()
	start, err := e.st.GetRoom(ctx, e.tenant, "owner", room)
	if err != nil {
		t.Fatal(err)
	}

	const perWriter = 40
	var wg sync.WaitGroup
	half := make(chan struct{})
	var halfOnce sync.Once
	for wi, w := range writers {
		wg.Go(func() {
			for k := range perWriter {
				if wi == 0 && k == perWriter/2 {
					halfOnce.Do(func() { close(half) })
				}
				m, _, err := e.st.SendMessage(ctx, e.tenant, w, room, store.NewMessage{Content: fmt.Sprintf("%s %d", w, k)})
				if err != nil {
					t.Error(err)
					return
				}
				e.hub.Publish(ctx, event.ForMessage(event.MessageCreated, e.tenant, m))
				switch k % 4 {
				case 1:
					u, err := e.st.EditMessage(ctx, e.tenant, w, room, m.ID, store.MessageUpdate{Content: new("edited")})
					if err != nil {
						t.Error(err)
						return
					}
					e.hub.Publish(ctx, event.ForMessage(event.MessageUpdated, e.tenant, u))
				case 2:
					d, err := e.st.DeleteMessage(ctx, e.tenant, w, room, m.ID)
					if err != nil {
						t.Error(err)
						return
					}
					e.hub.Publish(ctx, event.ForMessage(event.MessageDeleted, e.tenant, d))
				}
			}
		})
	}
	<-half
	resumer := e.dialURL("resumer", e.resumeURL("resumer", resumeFrom), nil)
	wg.Wait()
	end, err := e.st.GetRoom(ctx, e.tenant, "owner", room)
	if err != nil {
		t.Fatal(err)
	}
	if end.LastEventSeq-start.LastEventSeq < int64(len(writers)*perWriter) {
		t.Fatalf("the writers appended %d events, want at least %d", end.LastEventSeq-start.LastEventSeq, len(writers)*perWriter)
	}
	for name, c := range map[string]*client{"reader": reader, "resumer": resumer} {
		want := start.LastEventSeq + 1
		for want <= end.LastEventSeq {
			f := c.next()
			if !roomEventTypes[f.Type] {
				continue // presence, sync.complete
			}
			if got := f.num("event_seq"); got != want {
				t.Fatalf("%s: got %s event_seq %d, want %d", name, f.Type, got, want)
			}
			want++
		}
		for _, f := range c.until() {
			if roomEventTypes[f.Type] {
				t.Fatalf("%s: got %s after the last event", name, f.Raw)
			}
		}
	}
	st := e.hub.Stats()
	t.Logf("%d events; gaps read from the log %d (events filled %d, skipped %d), late announcements dropped %d",
		end.LastEventSeq-start.LastEventSeq, st.OrderGaps, st.OrderFilled, st.OrderSkipped, st.OrderDropped)
	if st.OrderSkipped != 0 {
		t.Errorf("%d events skipped: the log has every event of the room", st.OrderSkipped)
	}
}
