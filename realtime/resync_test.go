package realtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

// Resync hands each connection what it missed while no event announced
// it (the cluster bus's listener was reconnecting): per room, the messages
// after the last one the connection got, in order, once; and pending
// notifications. A second resync, or a late announcement, sends nothing
// again.
func TestResync(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	ctx := context.Background()
	room := e.room(store.RoomGroup, "alice", "bob")
	a, _, _ := e.connect("alice")

	send := func(content string) store.Message {
		t.Helper()
		m, _, err := e.st.SendMessage(ctx, e.tenant, "bob", room, store.NewMessage{Content: content})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	// Announced: alice gets seq 1 live.
	m1 := send("announced")
	e.hub.Publish(ctx, event.ForMessage(event.MessageCreated, e.tenant, m1))
	// Missed: stored, never announced here.
	var missed []store.Message
	for i := range 3 {
		missed = append(missed, send(fmt.Sprintf("missed %d", i)))
	}
	n, _, err := e.st.CreateNotification(ctx, e.tenant, "bob", store.NewNotification{
		Topic: "t", Payload: json.RawMessage(`{"k":1}`), UserIDs: []string{"alice"},
	})
	if err != nil {
		t.Fatal(err)
	}

	e.hub.Resync(ctx)
	e.hub.Resync(ctx)
	// The missed messages' announcements arrive late after all.
	for _, m := range missed {
		e.hub.Publish(ctx, event.ForMessage(event.MessageCreated, e.tenant, m))
	}

	var seqs []int64
	notes := 0
	for _, f := range a.until() {
		switch f.Type {
		case "message":
			seqs = append(seqs, f.num("seq"))
		case "notification":
			if f.str("notification_id") != n.ID {
				t.Errorf("notification %s, want %s", f.str("notification_id"), n.ID)
			}
			notes++
		}
	}
	if fmt.Sprint(seqs) != "[1 2 3 4]" || notes != 1 {
		t.Fatalf("alice got message seqs %v and %d notifications, want [1 2 3 4] and 1", seqs, notes)
	}
}
