package storetest

import (
	"testing"

	"github.com/chatapi/chatapi/store"
)

// testTenantIsolation acts from tenant B, with the very user ids of tenant
// A, on A's rooms: nothing may be read, changed or even confirmed to exist.
func testTenantIsolation(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	a := newTenant(t, s)
	bTenant := newTenant(t, s)
	group := newRoom(t, s, a, "alice", store.RoomGroup, "bob")
	channel := newRoom(t, s, a, "alice", store.RoomChannel)
	dm := newRoom(t, s, a, "alice", store.RoomDM, "bob")
	msgIDs := map[string]string{} // room id → its one message
	for _, r := range []*store.Room{&group, &channel, &dm} {
		// A message with the client_msg_id tenant B will try to repeat.
		m, _, err := s.SendMessage(ctx, a, "alice", r.ID, store.NewMessage{Content: "secret", ClientMsgID: ptr("k")})
		if err != nil {
			t.Fatalf("SendMessage: %v", err)
		}
		msgIDs[r.ID] = m.ID
		if *r, err = s.GetRoom(ctx, a, "alice", r.ID); err != nil {
			t.Fatalf("GetRoom: %v", err)
		}
	}

	for _, room := range []store.Room{group, channel, dm} {
		t.Run(string(room.Type), func(t *testing.T) {
			tests := []struct {
				name string
				call func() error
			}{
				{"GetRoom", func() error { _, err := s.GetRoom(ctx, bTenant, "alice", room.ID); return err }},
				{"UpdateRoom", func() error {
					_, err := s.UpdateRoom(ctx, bTenant, "alice", room.ID, store.RoomUpdate{SetName: true, Name: ptr("x")})
					return err
				}},
				{"ListMembers", func() error { _, err := s.ListMembers(ctx, bTenant, "alice", room.ID); return err }},
				{"AddMember self", func() error { _, err := s.AddMember(ctx, bTenant, "carol", room.ID, "carol", ""); return err }},
				{"AddMember as admin", func() error { _, err := s.AddMember(ctx, bTenant, "alice", room.ID, "carol", ""); return err }},
				{"RemoveMember", func() error { _, err := s.RemoveMember(ctx, bTenant, "alice", room.ID, "bob"); return err }},
				{"IsMember", func() error { _, err := s.IsMember(ctx, bTenant, room.ID, "alice"); return err }},
				{"SendMessage", func() error {
					_, _, err := s.SendMessage(ctx, bTenant, "alice", room.ID, store.NewMessage{Content: "x", ClientMsgID: ptr("k")})
					return err
				}},
				{"ListMessages", func() error {
					_, err := s.ListMessages(ctx, bTenant, "alice", room.ID, store.MessagePage{})
					return err
				}},
				{"Ack", func() error { _, err := s.Ack(ctx, bTenant, "alice", room.ID, 0); return err }},
				{"EditMessage", func() error {
					_, err := s.EditMessage(ctx, bTenant, "alice", room.ID, msgIDs[room.ID], store.MessageUpdate{Content: ptr("x")})
					return err
				}},
				{"DeleteMessage", func() error { _, err := s.DeleteMessage(ctx, bTenant, "alice", room.ID, msgIDs[room.ID]); return err }},
				{"AddReaction", func() error {
					_, err := s.AddReaction(ctx, bTenant, "alice", room.ID, msgIDs[room.ID], "x")
					return err
				}},
				{"RemoveReaction", func() error {
					_, err := s.RemoveReaction(ctx, bTenant, "alice", room.ID, msgIDs[room.ID], "x")
					return err
				}},
				{"ListReactions", func() error {
					_, err := s.ListReactions(ctx, bTenant, "alice", room.ID, msgIDs[room.ID], store.ReactionPage{})
					return err
				}},
				{"AddPin", func() error { _, err := s.AddPin(ctx, bTenant, "alice", room.ID, msgIDs[room.ID]); return err }},
				{"RemovePin", func() error { _, err := s.RemovePin(ctx, bTenant, "alice", room.ID, msgIDs[room.ID]); return err }},
				{"ListPins", func() error { _, err := s.ListPins(ctx, bTenant, "alice", room.ID); return err }},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					checkErr(t, tt.call(), store.ErrNotFound, "")
				})
			}
			after, err := s.GetRoom(ctx, a, "alice", room.ID)
			if err != nil {
				t.Fatalf("GetRoom in tenant A: %v", err)
			}
			if !roomsEqual(after, room) {
				t.Errorf("tenant B changed tenant A's room: got %+v, want %+v", after, room)
			}
			msgs, err := s.ListMessages(ctx, a, "alice", room.ID, store.MessagePage{})
			if err != nil {
				t.Fatalf("ListMessages in tenant A: %v", err)
			}
			if len(msgs) != 1 || msgs[0].Content != "secret" || msgs[0].EditedAt != nil || msgs[0].DeletedAt != nil {
				t.Errorf("tenant B changed tenant A's messages: got %+v", msgs)
			}
		})
	}

	t.Run("ListRooms", func(t *testing.T) {
		for _, user := range []string{"alice", "bob"} {
			got, err := s.ListRooms(ctx, bTenant, user, store.RoomFilter{})
			if err != nil {
				t.Fatalf("ListRooms: %v", err)
			}
			if len(got) != 0 {
				t.Errorf("tenant B's %s sees %v", user, roomIDs(got))
			}
		}
	})

	t.Run("the same dm pair in another tenant", func(t *testing.T) {
		other := newRoom(t, s, bTenant, "bob", store.RoomDM, "alice")
		if other.ID == dm.ID || deref(other.UniqueKey) != deref(dm.UniqueKey) {
			t.Errorf("got room %s key %s, want a new room with key %s", other.ID, deref(other.UniqueKey), deref(dm.UniqueKey))
		}
	})
}
