package storetest

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
)

// send sends a message or fails the test.
func send(t *testing.T, s *store.Store, tenant, sender, roomID, content string) store.Message {
	t.Helper()
	m, created, err := s.SendMessage(t.Context(), tenant, sender, roomID, store.NewMessage{Content: content})
	if err != nil || !created {
		t.Fatalf("SendMessage(%s in %s): created %v, %v", sender, roomID, created, err)
	}
	return m
}

func testSendMessage(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	other := newTenant(t, s)

	t.Run("seqs, fields, read marks", func(t *testing.T) {
		tenant := newTenant(t, s)
		room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
		first, created, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{
			Content: "hello", Meta: json.RawMessage(`{ "type": "text" }`), ClientMsgID: ptr("c-1"),
		})
		if err != nil || !created {
			t.Fatalf("SendMessage: created %v, %v", created, err)
		}
		if !strings.HasPrefix(first.ID, "msg_") || first.RoomID != room.ID || first.SenderID != "alice" ||
			first.Seq != 1 || first.Content != "hello" || string(first.Meta) != `{"type":"text"}` ||
			deref(first.ClientMsgID) != "c-1" || first.CreatedAt.Location() != time.UTC ||
			first.EditedAt != nil || first.DeletedAt != nil {
			t.Errorf("got %+v", first)
		}
		second := send(t, s, tenant, "bob", room.ID, "hi")
		if second.Seq != 2 || second.Meta != nil || second.ClientMsgID != nil {
			t.Errorf("got %+v, want seq 2 without meta or client_msg_id", second)
		}

		after, err := s.GetRoom(ctx, tenant, "alice", room.ID)
		if err != nil {
			t.Fatalf("GetRoom: %v", err)
		}
		if after.LastSeq != 2 {
			t.Errorf("got last_seq %d, want 2", after.LastSeq)
		}
		// Sending marks the room read for the sender only.
		for user, want := range map[string]int64{"alice": 1, "bob": 2} {
			m, err := s.IsMember(ctx, tenant, room.ID, user)
			if err != nil || m.LastAck != want {
				t.Errorf("%s: got %+v, %v; want last_ack %d", user, m, err, want)
			}
		}
	})

	t.Run("refused", func(t *testing.T) {
		tenant := newTenant(t, s)
		group := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
		channel := newRoom(t, s, tenant, "alice", store.RoomChannel)
		tests := []struct {
			name      string
			tenant    string
			sender    string
			roomID    string
			msg       store.NewMessage
			wantErr   error
			wantField string
		}{
			{"empty content", tenant, "alice", group.ID, store.NewMessage{}, store.ErrInvalid, "content"},
			{"content too long", tenant, "alice", group.ID,
				store.NewMessage{Content: strings.Repeat("é", store.MaxMessageContentLength+1)}, store.ErrInvalid, "content"},
			{"meta not an object", tenant, "alice", group.ID,
				store.NewMessage{Content: "x", Meta: json.RawMessage(`"text"`)}, store.ErrInvalid, "meta"},
			{"client_msg_id too long", tenant, "alice", group.ID,
				store.NewMessage{Content: "x", ClientMsgID: ptr(strings.Repeat("c", store.MaxClientMsgIDLength+1))}, store.ErrInvalid, "client_msg_id"},
			{"group outsider", tenant, "mallory", group.ID, store.NewMessage{Content: "x"}, store.ErrForbidden, ""},
			{"channel outsider", tenant, "mallory", channel.ID, store.NewMessage{Content: "x"}, store.ErrForbidden, ""},
			{"missing room", tenant, "alice", "room_missing", store.NewMessage{Content: "x"}, store.ErrNotFound, ""},
			{"other tenant", other, "alice", group.ID, store.NewMessage{Content: "x"}, store.ErrNotFound, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, _, err := s.SendMessage(ctx, tt.tenant, tt.sender, tt.roomID, tt.msg)
				checkErr(t, err, tt.wantErr, tt.wantField)
			})
		}
		// A refused send takes no seq: the next one is 1.
		if m := send(t, s, tenant, "alice", group.ID, "first"); m.Seq != 1 {
			t.Errorf("got seq %d after refused sends, want 1", m.Seq)
		}
	})

	t.Run("client_msg_id makes the send idempotent", func(t *testing.T) {
		tenant := newTenant(t, s)
		room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
		room2 := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
		first, _, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{Content: "once", ClientMsgID: ptr("k")})
		if err != nil {
			t.Fatalf("SendMessage: %v", err)
		}
		tests := []struct {
			name        string
			sender      string
			roomID      string
			wantCreated bool
		}{
			{"repeat", "alice", room.ID, false},
			{"repeat with other content", "alice", room.ID, false},
			{"other sender", "bob", room.ID, true},
			{"other room", "alice", room2.ID, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, created, err := s.SendMessage(ctx, tenant, tt.sender, tt.roomID,
					store.NewMessage{Content: "again " + tt.name, ClientMsgID: ptr("k")})
				if err != nil {
					t.Fatalf("SendMessage: %v", err)
				}
				if created != tt.wantCreated {
					t.Errorf("got created %v, want %v", created, tt.wantCreated)
				}
				if !tt.wantCreated && (got.ID != first.ID || got.Seq != first.Seq || got.Content != first.Content) {
					t.Errorf("got %+v, want the first message %+v", got, first)
				}
				if tt.wantCreated && got.ID == first.ID {
					t.Errorf("got the first message again, want a new one")
				}
			})
		}
		after, err := s.GetRoom(ctx, tenant, "alice", room.ID)
		if err != nil || after.LastSeq != 2 {
			t.Errorf("got last_seq %d, %v; want 2 (one repeat stored nothing)", after.LastSeq, err)
		}
	})
}

// testConcurrentSends has many members send to one room at once: the seqs
// must be exactly 1..N with each sender's messages in its own order, and
// racing repeats of one client_msg_id store one message.
func testConcurrentSends(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)

	const senders, perSender = 50, 4
	users := make([]string, senders)
	for i := range users {
		users[i] = fmt.Sprintf("user-%02d", i)
	}
	room := newRoom(t, s, tenant, users[0], store.RoomGroup, users[1:]...)

	seqs := make([][]int64, senders) // per sender, in the order it sent
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, user := range users {
		wg.Go(func() {
			<-start
			for j := range perSender {
				m, created, err := s.SendMessage(ctx, tenant, user, room.ID,
					store.NewMessage{Content: fmt.Sprintf("%s #%d", user, j)})
				if err != nil || !created {
					t.Errorf("SendMessage %s #%d: created %v, %v", user, j, created, err)
					return
				}
				seqs[i] = append(seqs[i], m.Seq)
			}
		})
	}
	close(start)
	wg.Wait()
	var all []int64
	for i, own := range seqs {
		if !slices.IsSorted(own) || len(slices.Compact(slices.Clone(own))) != len(own) {
			t.Errorf("%s got seqs %v, want them increasing in send order", users[i], own)
		}
		all = append(all, own...)
	}
	slices.Sort(all)
	if len(all) != senders*perSender {
		t.Fatalf("got %d seqs, want %d", len(all), senders*perSender)
	}
	for i, seq := range all {
		if seq != int64(i+1) {
			t.Fatalf("got seqs %v, want exactly 1..%d", all, senders*perSender)
		}
	}
	// The stored messages agree: seq i is the sender's message with that seq.
	stored, err := s.ListMessages(ctx, tenant, users[0], room.ID, store.MessagePage{AfterSeq: ptr[int64](0), Limit: store.MaxMessagesLimit})
	if err != nil {
		t.Fatalf("ListMessages: %v", err)
	}
	for _, m := range stored {
		i := slices.Index(users, m.SenderID)
		j := slices.Index(seqs[i], m.Seq)
		if j < 0 || m.Content != fmt.Sprintf("%s #%d", m.SenderID, j) {
			t.Errorf("stored seq %d is %q from %s, want that sender's #%d", m.Seq, m.Content, m.SenderID, j)
		}
	}

	const repeats = 20
	ids := make([]string, repeats)
	created := make([]bool, repeats)
	start = make(chan struct{})
	for i := range repeats {
		wg.Go(func() {
			<-start
			m, c, err := s.SendMessage(ctx, tenant, users[1], room.ID, store.NewMessage{Content: "dup", ClientMsgID: ptr("same")})
			if err != nil {
				t.Errorf("SendMessage: %v", err)
			}
			ids[i], created[i] = m.ID, c
		})
	}
	close(start)
	wg.Wait()
	if got := slices.Compact(slices.Sorted(slices.Values(ids))); len(got) != 1 || got[0] == "" {
		t.Errorf("racing repeats got message ids %v, want one", got)
	}
	if got := len(slices.DeleteFunc(created, func(c bool) bool { return !c })); got != 1 {
		t.Errorf("racing repeats created %d messages, want 1", got)
	}
	after, err := s.GetRoom(ctx, tenant, users[0], room.ID)
	if err != nil || after.LastSeq != senders*perSender+1 {
		t.Errorf("got last_seq %d, %v; want %d", after.LastSeq, err, senders*perSender+1)
	}
}

func testListMessages(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	other := newTenant(t, s)
	room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	channel := newRoom(t, s, tenant, "alice", store.RoomChannel)
	for i := range 7 {
		send(t, s, tenant, []string{"alice", "bob"}[i%2], room.ID, fmt.Sprintf("m%d", i+1))
	}

	tests := []struct {
		name      string
		tenant    string
		actor     string
		roomID    string
		page      store.MessagePage
		want      []int64
		wantErr   error
		wantField string
	}{
		{name: "latest", tenant: tenant, actor: "bob", roomID: room.ID, page: store.MessagePage{}, want: []int64{1, 2, 3, 4, 5, 6, 7}},
		{name: "latest 3", tenant: tenant, actor: "bob", roomID: room.ID, page: store.MessagePage{Limit: 3}, want: []int64{5, 6, 7}},
		{name: "after 2", tenant: tenant, actor: "bob", roomID: room.ID, page: store.MessagePage{AfterSeq: ptr[int64](2), Limit: 3}, want: []int64{3, 4, 5}},
		{name: "after the last", tenant: tenant, actor: "bob", roomID: room.ID, page: store.MessagePage{AfterSeq: ptr[int64](7)}, want: nil},
		{name: "before 6", tenant: tenant, actor: "bob", roomID: room.ID, page: store.MessagePage{BeforeSeq: ptr[int64](6), Limit: 2}, want: []int64{4, 5}},
		{name: "before 2", tenant: tenant, actor: "bob", roomID: room.ID, page: store.MessagePage{BeforeSeq: ptr[int64](2), Limit: 5}, want: []int64{1}},
		{name: "empty channel", tenant: tenant, actor: "alice", roomID: channel.ID, want: nil},
		{name: "limit too large", tenant: tenant, actor: "bob", roomID: room.ID, page: store.MessagePage{Limit: store.MaxMessagesLimit + 1}, wantErr: store.ErrInvalid, wantField: "limit"},
		{name: "between 1 and 5", tenant: tenant, actor: "bob", roomID: room.ID, page: store.MessagePage{AfterSeq: ptr[int64](1), BeforeSeq: ptr[int64](5)}, want: []int64{2, 3, 4}},
		{name: "between 1 and 7, limit 2", tenant: tenant, actor: "bob", roomID: room.ID, page: store.MessagePage{AfterSeq: ptr[int64](1), BeforeSeq: ptr[int64](7), Limit: 2}, want: []int64{2, 3}},
		{name: "empty window", tenant: tenant, actor: "bob", roomID: room.ID, page: store.MessagePage{AfterSeq: ptr[int64](4), BeforeSeq: ptr[int64](5)}, want: nil},
		{name: "inverted window", tenant: tenant, actor: "bob", roomID: room.ID, page: store.MessagePage{AfterSeq: ptr[int64](10), BeforeSeq: ptr[int64](1)}, want: nil},
		{name: "outsider", tenant: tenant, actor: "mallory", roomID: room.ID, wantErr: store.ErrForbidden},
		{name: "channel outsider", tenant: tenant, actor: "mallory", roomID: channel.ID, wantErr: store.ErrForbidden},
		{name: "other tenant", tenant: other, actor: "bob", roomID: room.ID, wantErr: store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ListMessages(ctx, tt.tenant, tt.actor, tt.roomID, tt.page)
			checkErr(t, err, tt.wantErr, tt.wantField)
			var seqs []int64
			for _, m := range got {
				seqs = append(seqs, m.Seq)
				if m.Content != fmt.Sprintf("m%d", m.Seq) || m.RoomID != tt.roomID {
					t.Errorf("got %+v", m)
				}
			}
			if !slices.Equal(seqs, tt.want) {
				t.Errorf("got seqs %v, want %v", seqs, tt.want)
			}
		})
	}
}

func testAck(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	other := newTenant(t, s)
	room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	for range 5 {
		send(t, s, tenant, "alice", room.ID, "x")
	}

	// In order: each step starts from the cursor the previous one left.
	tests := []struct {
		name      string
		tenant    string
		user      string
		seq       int64
		want      int64
		wantErr   error
		wantField string
	}{
		{name: "forward", tenant: tenant, user: "bob", seq: 3, want: 3},
		{name: "never backwards", tenant: tenant, user: "bob", seq: 1, want: 3},
		{name: "to the end", tenant: tenant, user: "bob", seq: 5, want: 5},
		// Beyond the room's last_seq: valid by itself, refused by the room's state.
		{name: "beyond the last message", tenant: tenant, user: "bob", seq: 6, wantErr: store.ErrConflict, wantField: "seq"},
		{name: "negative", tenant: tenant, user: "bob", seq: -1, wantErr: store.ErrInvalid, wantField: "seq"},
		{name: "outsider", tenant: tenant, user: "mallory", seq: 1, wantErr: store.ErrForbidden},
		{name: "other tenant", tenant: other, user: "bob", seq: 1, wantErr: store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Ack(ctx, tt.tenant, tt.user, room.ID, tt.seq)
			checkErr(t, err, tt.wantErr, tt.wantField)
			if err == nil && got != tt.want {
				t.Errorf("got last_ack %d, want %d", got, tt.want)
			}
		})
	}
	m, err := s.IsMember(ctx, tenant, room.ID, "bob")
	if err != nil || m.LastAck != 5 {
		t.Errorf("got %+v, %v; want last_ack 5", m, err)
	}
}

// testListRoomsWithMessages checks what messages change in ListRooms:
// activity order, unread counts, the last message.
func testListRoomsWithMessages(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	older := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	newer := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	send(t, s, tenant, "alice", older.ID, "one")
	last := send(t, s, tenant, "alice", older.ID, "two")
	if _, err := s.Ack(ctx, tenant, "bob", older.ID, 1); err != nil {
		t.Fatalf("Ack: %v", err)
	}

	tests := []struct {
		user       string
		wantUnread int64
	}{
		{"alice", 0}, // her own sends marked the room read
		{"bob", 1},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			got, err := s.ListRooms(ctx, tenant, tt.user, store.RoomFilter{})
			if err != nil {
				t.Fatalf("ListRooms: %v", err)
			}
			// The older room has the newer activity now.
			if ids := roomIDs(got); !slices.Equal(ids, []string{older.ID, newer.ID}) {
				t.Fatalf("got %v, want %v", ids, []string{older.ID, newer.ID})
			}
			if got[0].UnreadCount != tt.wantUnread || got[0].LastSeq != 2 {
				t.Errorf("got unread %d, last_seq %d; want %d, 2", got[0].UnreadCount, got[0].LastSeq, tt.wantUnread)
			}
			lm := got[0].LastMessage
			if lm == nil || lm.ID != last.ID || lm.Seq != 2 || lm.Content != "two" || lm.SenderID != "alice" ||
				lm.RoomID != older.ID || !lm.CreatedAt.Equal(last.CreatedAt) {
				t.Errorf("got last message %+v, want %+v", lm, last)
			}
			if got[1].LastMessage != nil || got[1].UnreadCount != 0 {
				t.Errorf("room without messages: got %+v", got[1])
			}
		})
	}

	t.Run("a new member owes nothing from before", func(t *testing.T) {
		if _, err := s.AddMember(ctx, tenant, "alice", older.ID, "carol", ""); err != nil {
			t.Fatalf("AddMember: %v", err)
		}
		got, err := s.ListRooms(ctx, tenant, "carol", store.RoomFilter{})
		if err != nil || len(got) != 1 || got[0].UnreadCount != 0 {
			t.Errorf("got %+v, %v; want one room with nothing unread", got, err)
		}
	})
}

func testEditMessage(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	other := newTenant(t, s)

	tests := []struct {
		name      string
		actor     string
		otherTen  bool
		msgID     string // instead of the sent message's
		deleted   bool   // delete the message first
		update    store.MessageUpdate
		wantErr   error
		wantField string
		wantBody  string
		wantMeta  string
	}{
		{name: "sender edits content", actor: "alice", update: store.MessageUpdate{Content: ptr("edited")},
			wantBody: "edited", wantMeta: `{"v":1}`},
		{name: "sender edits meta", actor: "alice", update: store.MessageUpdate{Meta: json.RawMessage(`{"v": 2}`)},
			wantBody: "original", wantMeta: `{"v":2}`},
		{name: "nothing to change", actor: "alice", update: store.MessageUpdate{}, wantErr: store.ErrInvalid, wantField: "content"},
		{name: "empty content", actor: "alice", update: store.MessageUpdate{Content: ptr("")}, wantErr: store.ErrInvalid, wantField: "content"},
		{name: "bad meta", actor: "alice", update: store.MessageUpdate{Meta: json.RawMessage(`[]`)}, wantErr: store.ErrInvalid, wantField: "meta"},
		{name: "room admin is not the sender", actor: "bob", update: store.MessageUpdate{Content: ptr("x")}, wantErr: store.ErrForbidden},
		{name: "member is not the sender", actor: "carol", update: store.MessageUpdate{Content: ptr("x")}, wantErr: store.ErrForbidden},
		{name: "outsider", actor: "mallory", update: store.MessageUpdate{Content: ptr("x")}, wantErr: store.ErrForbidden},
		{name: "deleted", actor: "alice", deleted: true, update: store.MessageUpdate{Content: ptr("x")}, wantErr: store.ErrConflict, wantField: "message_id"},
		{name: "missing message", actor: "alice", msgID: "msg_missing", update: store.MessageUpdate{Content: ptr("x")}, wantErr: store.ErrNotFound},
		{name: "other tenant", actor: "alice", otherTen: true, update: store.MessageUpdate{Content: ptr("x")}, wantErr: store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tenant := newTenant(t, s)
			room := newRoom(t, s, tenant, "bob", store.RoomGroup, "alice", "carol")
			msg, _, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{Content: "original", Meta: json.RawMessage(`{"v":1}`)})
			if err != nil {
				t.Fatalf("SendMessage: %v", err)
			}
			if tt.deleted {
				if _, err := s.DeleteMessage(ctx, tenant, "alice", room.ID, msg.ID); err != nil {
					t.Fatalf("DeleteMessage: %v", err)
				}
			}
			callTenant, msgID := tenant, msg.ID
			if tt.otherTen {
				callTenant = other
			}
			if tt.msgID != "" {
				msgID = tt.msgID
			}
			got, err := s.EditMessage(ctx, callTenant, tt.actor, room.ID, msgID, tt.update)
			checkErr(t, err, tt.wantErr, tt.wantField)
			stored, lerr := s.ListMessages(ctx, tenant, "alice", room.ID, store.MessagePage{})
			if lerr != nil || len(stored) != 1 {
				t.Fatalf("ListMessages: %v, %v", stored, lerr)
			}
			if err != nil {
				if stored[0].EditedAt != nil {
					t.Errorf("a refused edit changed the message: %+v", stored[0])
				}
				return
			}
			if got.Content != tt.wantBody || string(got.Meta) != tt.wantMeta || got.EditedAt == nil ||
				!got.EditedAt.After(got.CreatedAt) || got.Seq != msg.Seq {
				t.Errorf("got %+v, want content %q, meta %s, edited_at set", got, tt.wantBody, tt.wantMeta)
			}
			if s := stored[0]; s.Content != got.Content || string(s.Meta) != string(got.Meta) || !s.EditedAt.Equal(*got.EditedAt) {
				t.Errorf("stored %+v, want %+v", s, got)
			}
		})
	}
}

func testDeleteMessage(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	other := newTenant(t, s)

	tests := []struct {
		name     string
		actor    string
		otherTen bool
		twice    bool
		wantErr  error
	}{
		{name: "sender", actor: "alice"},
		{name: "room admin", actor: "bob"},
		{name: "twice", actor: "alice", twice: true},
		{name: "another member", actor: "carol", wantErr: store.ErrForbidden},
		{name: "outsider", actor: "mallory", wantErr: store.ErrForbidden},
		{name: "other tenant", actor: "alice", otherTen: true, wantErr: store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tenant := newTenant(t, s)
			room := newRoom(t, s, tenant, "bob", store.RoomGroup, "alice", "carol")
			msg, _, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{Content: "oops", Meta: json.RawMessage(`{"a":1}`)})
			if err != nil {
				t.Fatalf("SendMessage: %v", err)
			}
			send(t, s, tenant, "carol", room.ID, "after")
			callTenant := tenant
			if tt.otherTen {
				callTenant = other
			}
			got, err := s.DeleteMessage(ctx, callTenant, tt.actor, room.ID, msg.ID)
			if tt.twice && err == nil {
				var again store.Message
				again, err = s.DeleteMessage(ctx, callTenant, tt.actor, room.ID, msg.ID)
				if err == nil && !again.DeletedAt.Equal(*got.DeletedAt) {
					t.Errorf("second delete moved deleted_at: %v, then %v", got.DeletedAt, again.DeletedAt)
				}
			}
			checkErr(t, err, tt.wantErr, "")
			stored, lerr := s.ListMessages(ctx, tenant, "alice", room.ID, store.MessagePage{})
			if lerr != nil || len(stored) != 2 {
				t.Fatalf("ListMessages: %v, %v", stored, lerr)
			}
			if err != nil {
				if stored[0].DeletedAt != nil || stored[0].Content != "oops" {
					t.Errorf("a refused delete changed the message: %+v", stored[0])
				}
				return
			}
			if got.Content != "" || got.Meta != nil || got.DeletedAt == nil || got.Seq != msg.Seq || got.ID != msg.ID {
				t.Errorf("got %+v, want the message emptied, deleted_at set, seq kept", got)
			}
			if s := stored[0]; s.ID != msg.ID || s.Content != "" || s.Meta != nil || s.DeletedAt == nil || s.Seq != 1 {
				t.Errorf("stored %+v, want the deleted message at seq 1", s)
			}
			if stored[1].Seq != 2 {
				t.Errorf("got next seq %d, want 2", stored[1].Seq)
			}
		})
	}
}

// testDelivered checks the delivered cursor: Ack's rules, never backwards,
// reading implies receipt, and the read cursor (unread counts) untouched.
func testDelivered(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	other := newTenant(t, s)
	room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob", "carol")
	for range 10 {
		send(t, s, tenant, "alice", room.ID, "x")
	}

	// In order: each step starts from the cursors the previous one left.
	tests := []struct {
		name      string
		tenant    string
		user      string
		ack       bool // move the read cursor instead
		seq       int64
		want      store.Cursor
		wantErr   error
		wantField string
	}{
		{name: "forward", tenant: tenant, user: "bob", seq: 3, want: store.Cursor{From: 0, To: 3}},
		{name: "never backwards", tenant: tenant, user: "bob", seq: 2, want: store.Cursor{From: 3, To: 3}},
		{name: "the same again", tenant: tenant, user: "bob", seq: 3, want: store.Cursor{From: 3, To: 3}},
		{name: "read past it", tenant: tenant, user: "bob", ack: true, seq: 6, want: store.Cursor{To: 6}},
		{name: "covered by the read cursor", tenant: tenant, user: "bob", seq: 5, want: store.Cursor{From: 6, To: 6}},
		{name: "past the read cursor", tenant: tenant, user: "bob", seq: 9, want: store.Cursor{From: 6, To: 9}},
		{name: "beyond the last message", tenant: tenant, user: "bob", seq: 11, wantErr: store.ErrConflict, wantField: "seq"},
		{name: "negative", tenant: tenant, user: "bob", seq: -1, wantErr: store.ErrInvalid, wantField: "seq"},
		{name: "outsider", tenant: tenant, user: "mallory", seq: 1, wantErr: store.ErrForbidden},
		{name: "other tenant", tenant: other, user: "bob", seq: 1, wantErr: store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.ack {
				got, err := s.Ack(ctx, tt.tenant, tt.user, room.ID, tt.seq)
				if err != nil || got != tt.want.To {
					t.Fatalf("Ack: got %d, %v; want %d", got, err, tt.want.To)
				}
				return
			}
			got, err := s.Delivered(ctx, tt.tenant, tt.user, room.ID, tt.seq)
			checkErr(t, err, tt.wantErr, tt.wantField)
			if err == nil && got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}

	// Many movers at once (clients confirm every ~200 ms), refused ones
	// among them: each member ends at the highest seq it confirmed,
	// whatever order the writes took, and the moves each report cover
	// every seq once, as if they had run one by one (a receipt per
	// message, none twice). The refused ones are refused as alone.
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		moved = map[string][]store.Cursor{}
	)
	for _, user := range []string{"alice", "carol"} {
		for seq := int64(1); seq <= 10; seq++ {
			wg.Go(func() {
				cur, err := s.Delivered(ctx, tenant, user, room.ID, seq)
				if err != nil {
					t.Errorf("Delivered %s %d: %v", user, seq, err)
					return
				}
				if cur.Moved() {
					mu.Lock()
					moved[user] = append(moved[user], cur)
					mu.Unlock()
				}
			})
		}
	}
	for _, tt := range tests[6:] { // the refusals
		wg.Go(func() {
			_, err := s.Delivered(ctx, tt.tenant, tt.user, room.ID, tt.seq)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("%s, among other moves: got %v, want %v", tt.name, err, tt.wantErr)
			}
		})
	}
	wg.Wait()
	for user, from := range map[string]int64{"alice": 10, "carol": 0} {
		// alice's own messages moved her read cursor to 10 already.
		curs := moved[user]
		slices.SortFunc(curs, func(a, b store.Cursor) int { return cmp.Compare(a.From, b.From) })
		at := from
		for _, c := range curs {
			if c.From != at {
				t.Errorf("%s: moves %+v do not follow each other from %d", user, curs, from)
				break
			}
			at = c.To
		}
		if at != max(from, 10) {
			t.Errorf("%s: moves %+v end at %d, want 10", user, curs, at)
		}
	}

	members, err := s.ListMembers(ctx, tenant, "bob", room.ID)
	if err != nil {
		t.Fatalf("ListMembers: %v", err)
	}
	want := map[string][2]int64{"alice": {10, 10}, "bob": {6, 9}, "carol": {0, 10}}
	for _, m := range members {
		if got := [2]int64{m.LastAck, m.LastDelivered}; got != want[m.UserID] {
			t.Errorf("%s: got last_ack, last_delivered %v, want %v", m.UserID, got, want[m.UserID])
		}
	}
	// Receipt is not reading: carol's unread count is still every message.
	rooms, err := s.ListRooms(ctx, tenant, "carol", store.RoomFilter{})
	if err != nil || len(rooms) != 1 || rooms[0].UnreadCount != 10 {
		t.Errorf("carol's rooms %+v, %v; want one with 10 unread", rooms, err)
	}
}
