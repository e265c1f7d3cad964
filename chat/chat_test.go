package chat_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/chatapi/chatapi/chat"
	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/store"
)

func newService(t *testing.T) (*chat.Service, *store.Store, *event.Recorder, string) {
	t.Helper()
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "chat.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tn, err := st.CreateTenant(t.Context(), "acme", 0, rand.Text())
	if err != nil {
		t.Fatal(err)
	}
	rec := &event.Recorder{}
	return chat.New(st, rec), st, rec, tn.ID
}

// Every change is stored and announced once, by the service; a refused
// change announces nothing, nor does the replay of a message already stored.
func TestServiceAnnouncesWhatItStored(t *testing.T) {
	svc, st, rec, tn := newService(t)
	ctx := t.Context()
	room, err := st.CreateRoom(ctx, tn, "alice", store.NewRoom{Type: store.RoomGroup, Members: []string{"bob"}})
	if err != nil {
		t.Fatal(err)
	}
	clientID := "c-1"
	var first store.Message

	for _, tt := range []struct {
		name     string
		do       func(ctx context.Context) error
		want     event.Type // "" for no announcement
		wantErr  error
		wantUser string
	}{
		{name: "send", want: event.MessageCreated, do: func(ctx context.Context) error {
			var err error
			first, _, err = svc.SendMessage(ctx, tn, "alice", room.ID, store.NewMessage{Content: "hi", ClientMsgID: &clientID}, nil)
			return err
		}},
		{name: "send again with the same client_msg_id", do: func(ctx context.Context) error {
			_, created, err := svc.SendMessage(ctx, tn, "alice", room.ID, store.NewMessage{Content: "hi", ClientMsgID: &clientID}, nil)
			if err == nil && created {
				return errors.New("replay reported as created")
			}
			return err
		}},
		{name: "send to a room not joined", wantErr: store.ErrForbidden, do: func(ctx context.Context) error {
			_, _, err := svc.SendMessage(ctx, tn, "zoe", room.ID, store.NewMessage{Content: "hi"}, nil)
			return err
		}},
		{name: "edit", want: event.MessageUpdated, do: func(ctx context.Context) error {
			_, err := svc.EditMessage(ctx, tn, "alice", room.ID, first.ID, store.MessageUpdate{Content: new("edited")})
			return err
		}},
		{name: "edit another's message", wantErr: store.ErrForbidden, do: func(ctx context.Context) error {
			_, err := svc.EditMessage(ctx, tn, "bob", room.ID, first.ID, store.MessageUpdate{Content: new("no")})
			return err
		}},
		{name: "ack", want: event.AckReceived, wantUser: "bob", do: func(ctx context.Context) error {
			_, err := svc.Ack(ctx, tn, "bob", room.ID, 1)
			return err
		}},
		{name: "send another", want: event.MessageCreated, do: func(ctx context.Context) error {
			_, _, err := svc.SendMessage(ctx, tn, "alice", room.ID, store.NewMessage{Content: "two"}, nil)
			return err
		}},
		{name: "delivered what was read already", do: func(ctx context.Context) error {
			cur, err := svc.Delivered(ctx, tn, "bob", room.ID, 1)
			if err == nil && cur != (store.Cursor{From: 1, To: 1}) {
				return fmt.Errorf("got %+v, want bob's cursor at 1, his ack", cur)
			}
			return err
		}},
		{name: "delivered", want: event.DeliveryReceived, wantUser: "bob", do: func(ctx context.Context) error {
			_, err := svc.Delivered(ctx, tn, "bob", room.ID, 2)
			return err
		}},
		{name: "delivered beyond the last message", wantErr: store.ErrConflict, do: func(ctx context.Context) error {
			_, err := svc.Delivered(ctx, tn, "bob", room.ID, 3)
			return err
		}},
		{name: "delete", want: event.MessageDeleted, do: func(ctx context.Context) error {
			_, err := svc.DeleteMessage(ctx, tn, "alice", room.ID, first.ID)
			return err
		}},
		{name: "delete the deleted message again", do: func(ctx context.Context) error {
			_, err := svc.DeleteMessage(ctx, tn, "alice", room.ID, first.ID)
			return err
		}},
		{name: "update room", want: event.RoomUpdated, do: func(ctx context.Context) error {
			_, err := svc.UpdateRoom(ctx, tn, "alice", room.ID, store.RoomUpdate{SetName: true, Name: new("renamed")})
			return err
		}},
		{name: "add member", want: event.MemberJoined, wantUser: "carol", do: func(ctx context.Context) error {
			_, err := svc.AddMember(ctx, tn, "alice", room.ID, "carol", "")
			return err
		}},
		{name: "remove member", want: event.MemberLeft, wantUser: "carol", do: func(ctx context.Context) error {
			return svc.RemoveMember(ctx, tn, "alice", room.ID, "carol")
		}},
		{name: "typing", want: event.Typing, wantUser: "bob", do: func(ctx context.Context) error {
			return svc.Typing(ctx, tn, room.ID, "bob", "start")
		}},
		{name: "typing in a missing room", wantErr: store.ErrNotFound, do: func(ctx context.Context) error {
			return svc.Typing(ctx, tn, "room_missing", "bob", "start")
		}},
		{name: "notification", want: event.Notification, do: func(ctx context.Context) error {
			_, _, err := svc.SendNotification(ctx, tn, "alice", store.NewNotification{Topic: "news", Payload: []byte(`{}`), UserIDs: []string{"bob"}})
			return err
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := len(rec.Events())
			err := tt.do(ctx)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("got error %v, want %v", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			got := rec.Events()[before:]
			if tt.want == "" {
				if len(got) != 0 {
					t.Fatalf("announced %+v, want nothing", got)
				}
				return
			}
			if len(got) != 1 || got[0].Type != tt.want || got[0].TenantID != tn {
				t.Fatalf("announced %+v, want one %s of tenant %s", got, tt.want, tn)
			}
			if tt.wantUser != "" && got[0].UserID != tt.wantUser {
				t.Errorf("announced user %q, want %q", got[0].UserID, tt.wantUser)
			}
		})
	}
}

// A message is confirmed to its sender before it is announced, new or not,
// so the sender's confirmation is queued ahead of the message.
func TestSendMessageConfirmsBeforeAnnouncing(t *testing.T) {
	svc, st, rec, tn := newService(t)
	ctx := t.Context()
	room, err := st.CreateRoom(ctx, tn, "alice", store.NewRoom{Type: store.RoomGroup, Members: []string{"bob"}})
	if err != nil {
		t.Fatal(err)
	}
	clientID := "c-1"
	for _, wantAnnounced := range []int{0, 1} { // the first send, then its replay
		var announcedAtConfirm = -1
		msg, _, err := svc.SendMessage(ctx, tn, "alice", room.ID, store.NewMessage{Content: "hi", ClientMsgID: &clientID}, func(m store.Message) {
			announcedAtConfirm = len(rec.Events())
			if m.Seq != 1 {
				t.Errorf("confirmed seq %d, want 1", m.Seq)
			}
		})
		if err != nil || msg.Seq != 1 {
			t.Fatalf("SendMessage = %+v, %v", msg, err)
		}
		if announcedAtConfirm != wantAnnounced {
			t.Errorf("%d announcements when confirmed, want %d", announcedAtConfirm, wantAnnounced)
		}
	}
}

// One classification for every transport: each store refusal has its
// code, status and field; anything else is not classified.
func TestClassify(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want chat.Refusal
		ok   bool
	}{
		{"invalid", &store.InvalidError{Field: "content", Message: "too long"}, chat.Refusal{Status: http.StatusBadRequest, Code: chat.CodeValidation, Field: "content", Message: "too long"}, true},
		{"conflict naming a room", &store.ConflictError{Message: "exists", RoomID: "room_1"}, chat.Refusal{Status: http.StatusConflict, Code: chat.CodeConflict, Message: "exists", Details: map[string]any{"room_id": "room_1"}}, true},
		{"conflict on a field", &store.ConflictError{Message: "beyond", Field: "seq"}, chat.Refusal{Status: http.StatusConflict, Code: chat.CodeConflict, Message: "beyond", Field: "seq"}, true},
		{"forbidden", &store.ForbiddenError{Message: "not a member of this room"}, chat.Refusal{Status: http.StatusForbidden, Code: chat.CodeAuthorization, Message: "not a member of this room"}, true},
		{"gone", &store.GoneError{Message: "too old", LastEventSeq: 7}, chat.Refusal{Status: http.StatusGone, Code: chat.CodeSyncReset, Message: "too old", Details: map[string]any{"last_event_seq": int64(7)}}, true},
		{"wrapped not found", errors.Join(errors.New("room x"), store.ErrNotFound), chat.Refusal{Status: http.StatusNotFound, Code: chat.CodeNotFound, Message: "not found"}, true},
		{"bare forbidden", store.ErrForbidden, chat.Refusal{Status: http.StatusForbidden, Code: chat.CodeAuthorization, Message: "not allowed"}, true},
		{"bare conflict", store.ErrConflict, chat.Refusal{Status: http.StatusConflict, Code: chat.CodeConflict, Message: "conflict"}, true},
		{"bare invalid", store.ErrInvalid, chat.Refusal{Status: http.StatusBadRequest, Code: chat.CodeValidation, Message: "invalid request"}, true},
		{"internal", errors.New("disk on fire"), chat.Refusal{}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := chat.Classify(tt.err)
			if ok != tt.ok || got.Status != tt.want.Status || got.Code != tt.want.Code || got.Message != tt.want.Message || got.Field != tt.want.Field || !sameDetails(got.Details, tt.want.Details) {
				t.Errorf("got %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func sameDetails(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
