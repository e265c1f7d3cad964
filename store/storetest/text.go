package storetest

import (
	"encoding/json"
	"testing"

	"github.com/chatapi/chatapi/store"
)

// testStoredText holds both backends to one answer for text no database
// stores alike: PostgreSQL refuses a NUL character and invalid UTF-8 with an
// error of its own, SQLite keeps them. The store refuses both, and control
// characters, with an InvalidError naming the field, before any SQL runs;
// JSON objects are kept as the client wrote them, escapes and big numbers
// included.
func testStoredText(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	kept := send(t, s, tenant, "alice", room.ID, "kept")

	refusals := []struct {
		name  string
		field string
		call  func() error
	}{
		{"NUL in content", "content", func() error {
			_, _, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{Content: "a\x00b"})
			return err
		}},
		{"escape character in content", "content", func() error {
			_, _, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{Content: "a\x1b[31mb"})
			return err
		}},
		{"invalid UTF-8 in content", "content", func() error {
			_, _, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{Content: "a\xffb"})
			return err
		}},
		{"NUL in client_msg_id", "client_msg_id", func() error {
			_, _, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{Content: "x", ClientMsgID: ptr("c\x00")})
			return err
		}},
		{"line feed in client_msg_id", "client_msg_id", func() error {
			_, _, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{Content: "x", ClientMsgID: ptr("c\n")})
			return err
		}},
		{"invalid UTF-8 in meta", "meta", func() error {
			_, _, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{Content: "x", Meta: json.RawMessage("{\"a\":\"\xff\"}")})
			return err
		}},
		{"NUL in an edit", "content", func() error {
			_, err := s.EditMessage(ctx, tenant, "alice", room.ID, kept.ID, store.MessageUpdate{Content: ptr("\x00")})
			return err
		}},
		{"NUL in a room name", "name", func() error {
			_, err := s.CreateRoom(ctx, tenant, "alice", store.NewRoom{Type: store.RoomGroup, Name: ptr("a\x00")})
			return err
		}},
		{"line feed in a room name", "name", func() error {
			_, err := s.CreateRoom(ctx, tenant, "alice", store.NewRoom{Type: store.RoomGroup, Name: ptr("a\nb")})
			return err
		}},
		{"NUL in a room rename", "name", func() error {
			_, err := s.UpdateRoom(ctx, tenant, "alice", room.ID, store.RoomUpdate{SetName: true, Name: ptr("\x00")})
			return err
		}},
		{"invalid UTF-8 in room metadata", "metadata", func() error {
			_, err := s.UpdateRoom(ctx, tenant, "alice", room.ID, store.RoomUpdate{Metadata: json.RawMessage("{\"a\":\"\xc3\"}")})
			return err
		}},
		{"NUL in a tenant name", "name", func() error {
			_, err := s.CreateTenant(ctx, "acme\x00", 0, "hash-nul")
			return err
		}},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, tc.call(), store.ErrInvalid, tc.field)
		})
	}
	t.Run("nothing refused was stored", func(t *testing.T) {
		msgs, err := s.ListMessages(ctx, tenant, "alice", room.ID, store.MessagePage{})
		if err != nil || len(msgs) != 1 || msgs[0].Content != "kept" {
			t.Fatalf("ListMessages: %v, %+v; want only the kept message", err, msgs)
		}
		r, err := s.GetRoom(ctx, tenant, "alice", room.ID)
		if err != nil || r.Name != nil || string(r.Metadata) != "{}" {
			t.Fatalf("GetRoom: %v, %+v; want the room unchanged", err, r)
		}
	})

	t.Run("tab, line feed and carriage return in content", func(t *testing.T) {
		content := "line one\r\n\tline two"
		m := send(t, s, tenant, "alice", room.ID, content)
		if m.Content != content {
			t.Errorf("got content %q, want %q", m.Content, content)
		}
	})

	// A page reads a message's seq, time, ids and content as one value
	// split at spaces: the content's own spaces are its.
	for _, content := range []string{" leading and trailing ", "two  spaces", "1 2 3", " "} {
		t.Run("spaces in content read back: "+content, func(t *testing.T) {
			m := send(t, s, tenant, "alice", room.ID, content)
			msgs, err := s.ListMessages(ctx, tenant, "alice", room.ID, store.MessagePage{AfterSeq: ptr(m.Seq - 1), Limit: 1})
			if err != nil || len(msgs) != 1 {
				t.Fatalf("ListMessages: %v, %d messages", err, len(msgs))
			}
			if g := msgs[0]; g.Content != content || g.ID != m.ID || g.SenderID != "alice" || g.Seq != m.Seq || !g.CreatedAt.Equal(m.CreatedAt) {
				t.Errorf("read back %q %s %s %d %v, want %q %s alice %d %v", g.Content, g.ID, g.SenderID, g.Seq, g.CreatedAt,
					content, m.ID, m.Seq, m.CreatedAt)
			}
		})
	}

	// An escaped NUL, numbers beyond float64 and duplicate-free key order
	// are the client's: a JSON object is stored as written, compacted.
	const object = `{"z":"a\u0000b","big":9007199254740993,"huge":1e400,"neg":-0,"s":"\ud83d\ude00"}`
	t.Run("JSON objects kept as written", func(t *testing.T) {
		m, _, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{Content: "x", Meta: json.RawMessage(object)})
		if err != nil {
			t.Fatalf("SendMessage: %v", err)
		}
		msgs, err := s.ListMessages(ctx, tenant, "alice", room.ID, store.MessagePage{AfterSeq: ptr(m.Seq - 1), Limit: 1})
		if err != nil || len(msgs) != 1 || string(msgs[0].Meta) != object {
			t.Errorf("meta read back: %v, %q; want %s", err, metaOf(msgs), object)
		}
		r, err := s.UpdateRoom(ctx, tenant, "alice", room.ID, store.RoomUpdate{Metadata: json.RawMessage(object)})
		if err != nil {
			t.Fatalf("UpdateRoom: %v", err)
		}
		if r, err = s.GetRoom(ctx, tenant, "alice", r.ID); err != nil || string(r.Metadata) != object {
			t.Errorf("metadata read back: %v, %s; want %s", err, r.Metadata, object)
		}
		if _, _, err := s.CreateNotification(ctx, tenant, "alice", store.NewNotification{
			Topic: "t", Payload: json.RawMessage(object), UserIDs: []string{"bob"},
		}); err != nil {
			t.Fatalf("CreateNotification: %v", err)
		}
		ns, err := s.ListNotifications(ctx, tenant, "bob", 10)
		if err != nil || len(ns) != 1 || string(ns[0].Payload) != object {
			t.Errorf("payload read back: %v, %+v; want %s", err, ns, object)
		}
	})
}

func metaOf(msgs []store.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = string(m.Meta)
	}
	return out
}
