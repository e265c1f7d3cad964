package realtime_test

import (
	"testing"

	"github.com/coder/websocket"

	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

func TestStats(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	room := e.room(store.RoomGroup, "alice", "bob")
	a, before, _ := e.connect("alice")
	received := len(before) + 1 // and sync.complete
	b, before, _ := e.connect("bob")
	received += len(before) + 1

	a.send(map[string]any{"type": "send_message", "room_id": room, "content": "hi"})
	a.sendRaw(websocket.MessageText, []byte("not json"))
	got := a.until() // its ping is the third event
	received += len(got) + 1
	if want := []string{"presence.update", "message.sent", "message", "error"}; len(got) != len(want) {
		t.Fatalf("alice got %v, want %v in some order", types(got), want)
	}
	got = b.until()
	received += len(got) + 1
	if len(got) != 1 || got[0].Type != "message" {
		t.Fatalf("bob got %v, want the message", types(got))
	}

	want := realtime.Stats{EventsIn: 4, EventsOut: uint64(received)}
	if s := e.hub.Stats(); s != want {
		t.Fatalf("Stats() = %+v, want %+v", s, want)
	}
}
