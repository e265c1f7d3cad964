package chat_test

import (
	"context"
	"crypto/rand"
	"net/http"
	"testing"

	"github.com/chatapi/chatapi/chat"
	"github.com/chatapi/chatapi/store"
	"github.com/chatapi/chatapi/store/pgtest"
)

// Two instances on one PostgreSQL database: instance A has seen the tenant
// without moderation state, so its sends defer the rules to their
// transaction; each moderation change made through instance B applies to
// A's very next sends all the same.
func TestRulesFollowAnotherInstance(t *testing.T) {
	url := pgtest.Schema(t)
	open := func() *store.Store {
		st, err := store.Open(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	a, b := open(), open()
	svcA := chat.New(a, nil)

	yes, minute := true, 60
	tests := []struct {
		name   string
		dm     bool
		change func(ctx context.Context, tenantID, roomID string) error
		// The outcome of bob's sends through A after the change: the HTTP
		// status of each refusal, 0 for a message stored.
		want []int
		// shadow: the stored message is bob's alone.
		shadow bool
	}{
		{name: "nothing changes", change: func(context.Context, string, string) error { return nil }, want: []int{0, 0}},
		{name: "another tenant's ban", change: func(ctx context.Context, _, _ string) error {
			other, err := b.CreateTenant(ctx, "other", 0, rand.Text())
			if err != nil {
				return err
			}
			_, err = b.BanFromTenant(ctx, other.ID, "admin", store.NewBan{UserID: "bob"})
			return err
		}, want: []int{0}},
		{name: "tenant ban", change: func(ctx context.Context, tenantID, _ string) error {
			_, err := b.BanFromTenant(ctx, tenantID, "admin", store.NewBan{UserID: "bob"})
			return err
		}, want: []int{http.StatusForbidden, http.StatusForbidden}},
		{name: "room ban", change: func(ctx context.Context, tenantID, roomID string) error {
			_, err := b.BanFromRoom(ctx, tenantID, "alice", roomID, store.NewBan{UserID: "bob"})
			return err
		}, want: []int{http.StatusForbidden}},
		{name: "shadow ban", change: func(ctx context.Context, tenantID, roomID string) error {
			_, err := b.BanFromRoom(ctx, tenantID, "alice", roomID, store.NewBan{UserID: "bob", Shadow: true})
			return err
		}, want: []int{0}, shadow: true},
		{name: "mute", change: func(ctx context.Context, tenantID, roomID string) error {
			_, err := b.MuteInRoom(ctx, tenantID, "alice", roomID, "bob", nil)
			return err
		}, want: []int{http.StatusForbidden}},
		{name: "frozen room", change: func(ctx context.Context, tenantID, roomID string) error {
			_, err := b.UpdateRoom(ctx, tenantID, "alice", roomID, store.RoomUpdate{Frozen: &yes})
			return err
		}, want: []int{http.StatusConflict}},
		{name: "slow mode", change: func(ctx context.Context, tenantID, roomID string) error {
			_, err := b.UpdateRoom(ctx, tenantID, "alice", roomID, store.RoomUpdate{SlowModeSeconds: &minute})
			return err
		}, want: []int{0, http.StatusTooManyRequests}},
		{name: "block in a dm", dm: true, change: func(ctx context.Context, tenantID, _ string) error {
			_, _, err := b.BlockUser(ctx, tenantID, "alice", "bob")
			return err
		}, want: []int{http.StatusForbidden}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			tn, err := b.CreateTenant(ctx, "acme", 0, rand.Text())
			if err != nil {
				t.Fatal(err)
			}
			kind := store.RoomGroup
			if tt.dm {
				kind = store.RoomDM
			}
			room, err := b.CreateRoom(ctx, tn.ID, "alice", store.NewRoom{Type: kind, Members: []string{"bob"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := svcA.SendMessage(ctx, tn.ID, "bob", room.ID, store.NewMessage{Content: "before"}, nil); err != nil {
				t.Fatalf("send before the change: %v", err)
			}
			if err := tt.change(ctx, tn.ID, room.ID); err != nil {
				t.Fatalf("change: %v", err)
			}
			for i, want := range tt.want {
				_, _, err := svcA.SendMessage(ctx, tn.ID, "bob", room.ID, store.NewMessage{Content: "after"}, nil)
				got := 0
				if err != nil {
					r, ok := chat.Classify(err)
					if !ok {
						t.Fatalf("send %d after the change: unclassified %v", i+1, err)
					}
					got = r.Status
				}
				if got != want {
					t.Fatalf("send %d after the change: status %d (%v), want %d", i+1, got, err, want)
				}
			}
			msgs, err := b.ListMessages(ctx, tn.ID, "alice", room.ID, store.MessagePage{})
			if err != nil {
				t.Fatal(err)
			}
			stored := 1
			for _, w := range tt.want {
				if w == 0 && !tt.shadow {
					stored++
				}
			}
			if len(msgs) != stored {
				t.Fatalf("alice sees %d messages, want %d", len(msgs), stored)
			}
		})
	}
}
