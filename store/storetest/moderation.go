package storetest

import (
	"errors"
	"slices"
	"testing"

	"github.com/chatapi/chatapi/store"
)

// Each moderation rule holds for the very next check after the change that
// sets it, and lifting it frees the next one, although the checks before
// it found the tenant without any moderation state (which SQLite caches).
func testModerationRules(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	restricted := func(err error) bool { var e *store.RestrictedError; return errors.As(err, &e) }
	forbidden := func(err error) bool { var e *store.ForbiddenError; return errors.As(err, &e) }
	conflict := func(err error) bool { var e *store.ConflictError; return errors.As(err, &e) }
	retry := func(err error) bool { var e *store.RetryError; return errors.As(err, &e) }
	tru, fals, minute := true, false, 60

	tests := []struct {
		name string
		dm   bool
		// set and lift change the rule, as alice (the group's admin, or
		// bob's dm partner) or the tenant.
		set, lift func(tenant, room string) error
		// refused tells the refusal of bob's send while the rule holds
		// (checked twice: slow mode lets the first through).
		refused func(error) bool
		// alsoTenant: the tenant-wide ban check refuses bob too.
		alsoTenant bool
		shadow     bool
	}{
		{name: "room ban", refused: restricted,
			set: func(tn, room string) error {
				_, err := s.BanFromRoom(ctx, tn, "alice", room, store.NewBan{UserID: "bob"})
				return err
			},
			lift: func(tn, room string) error { _, err := s.UnbanFromRoom(ctx, tn, "alice", room, "bob"); return err }},
		{name: "tenant ban", refused: restricted, alsoTenant: true,
			set: func(tn, _ string) error {
				_, err := s.BanFromTenant(ctx, tn, "ops", store.NewBan{UserID: "bob"})
				return err
			},
			lift: func(tn, _ string) error { return s.UnbanFromTenant(ctx, tn, "bob") }},
		{name: "mute", refused: restricted,
			set:  func(tn, room string) error { _, err := s.MuteInRoom(ctx, tn, "alice", room, "bob", nil); return err },
			lift: func(tn, room string) error { _, err := s.UnmuteInRoom(ctx, tn, "alice", room, "bob"); return err }},
		{name: "dm block", dm: true, refused: forbidden,
			set:  func(tn, _ string) error { _, _, err := s.BlockUser(ctx, tn, "alice", "bob"); return err },
			lift: func(tn, _ string) error { return s.UnblockUser(ctx, tn, "alice", "bob") }},
		{name: "frozen room", refused: conflict,
			set: func(tn, room string) error {
				_, err := s.UpdateRoom(ctx, tn, "alice", room, store.RoomUpdate{Frozen: &tru})
				return err
			},
			lift: func(tn, room string) error {
				_, err := s.UpdateRoom(ctx, tn, "alice", room, store.RoomUpdate{Frozen: &fals})
				return err
			}},
		{name: "slow mode", refused: retry,
			set: func(tn, room string) error {
				_, err := s.UpdateRoom(ctx, tn, "alice", room, store.RoomUpdate{SlowModeSeconds: &minute})
				return err
			},
			lift: func(tn, room string) error {
				zero := 0
				_, err := s.UpdateRoom(ctx, tn, "alice", room, store.RoomUpdate{SlowModeSeconds: &zero})
				return err
			}},
		{name: "shadow ban", shadow: true,
			set: func(tn, room string) error {
				_, err := s.BanFromRoom(ctx, tn, "alice", room, store.NewBan{UserID: "bob", Shadow: true})
				return err
			},
			lift: func(tn, room string) error { _, err := s.UnbanFromRoom(ctx, tn, "alice", room, "bob"); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := newTenant(t, s)
			typ := store.RoomGroup
			if tt.dm {
				typ = store.RoomDM
			}
			room := newRoom(t, s, tn, "alice", typ, "bob").ID
			free := func(when string) {
				t.Helper()
				if v, err := s.CheckSend(ctx, tn, "bob", room); err != nil || v.Shadow {
					t.Fatalf("%s: CheckSend = %+v, %v; want a plain send", when, v, err)
				}
				if err := s.CheckTenantBan(ctx, tn, "bob"); err != nil {
					t.Fatalf("%s: CheckTenantBan = %v", when, err)
				}
				if ids, err := s.BlockedUsers(ctx, tn, "alice"); err != nil || len(ids) != 0 {
					t.Fatalf("%s: BlockedUsers = %v, %v", when, ids, err)
				}
			}
			free("before")
			if err := tt.set(tn, room); err != nil {
				t.Fatalf("set: %v", err)
			}
			v, err := s.CheckSend(ctx, tn, "bob", room)
			if tt.refused != nil && tt.refused(err) == false {
				// Slow mode lets the first send of the window through.
				if v, err = s.CheckSend(ctx, tn, "bob", room); !tt.refused(err) {
					t.Fatalf("CheckSend after the change = %+v, %v; want the rule's refusal", v, err)
				}
			}
			if tt.shadow && (err != nil || !v.Shadow) {
				t.Fatalf("CheckSend after a shadow ban = %+v, %v; want a shadow send", v, err)
			}
			if err := s.CheckTenantBan(ctx, tn, "bob"); restricted(err) != tt.alsoTenant {
				t.Fatalf("CheckTenantBan = %v, want refused %v", err, tt.alsoTenant)
			}
			if ids, err := s.BlockedUsers(ctx, tn, "alice"); err != nil || slices.Contains(ids, "bob") != tt.dm {
				t.Fatalf("BlockedUsers = %v, %v", ids, err)
			}
			if err := tt.lift(tn, room); err != nil {
				t.Fatalf("lift: %v", err)
			}
			if tt.name == "room ban" {
				// The ban removed bob from the room.
				if _, err := s.AddMember(ctx, tn, "alice", room, "bob", store.RoleMember); err != nil {
					t.Fatalf("re-add bob: %v", err)
				}
			}
			free("after lifting")
		})
	}
}

// A shadow-banned sender's send is refused exactly where a member's would
// be (the same kind of error, the same field), so that a refusal does not
// give the ban away; a valid one is stored, though its references are not
// kept.
func testShadowRefusals(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tn := newTenant(t, s)
	room := newRoom(t, s, tn, "alice", store.RoomGroup, "bob", "carol").ID
	if _, err := s.BanFromRoom(ctx, tn, "alice", room, store.NewBan{UserID: "bob", Shadow: true}); err != nil {
		t.Fatalf("shadow ban: %v", err)
	}
	top, _, err := s.SendMessage(ctx, tn, "alice", room, store.NewMessage{Content: "top"})
	if err != nil {
		t.Fatalf("send top: %v", err)
	}
	reply, _, err := s.SendMessage(ctx, tn, "alice", room, store.NewMessage{Content: "reply", ParentID: &top.ID})
	if err != nil {
		t.Fatalf("send reply: %v", err)
	}
	kind := func(err error) string {
		var ie *store.InvalidError
		var ce *store.ConflictError
		switch {
		case err == nil:
			return "ok"
		case errors.As(err, &ie):
			return "invalid " + ie.Field
		case errors.As(err, &ce):
			return "conflict " + ce.Field
		case errors.Is(err, store.ErrNotFound):
			return "not found"
		}
		return "other: " + err.Error()
	}
	ptr := func(s string) *string { return &s }
	tests := []struct {
		name string
		m    store.NewMessage
		want string
	}{
		{"control character in client_msg_id", store.NewMessage{Content: "x", ClientMsgID: ptr("a\x01b")}, "invalid client_msg_id"},
		{"empty content", store.NewMessage{Content: ""}, "invalid content"},
		{"missing parent", store.NewMessage{Content: "x", ParentID: ptr("nope")}, "not found"},
		{"reply to a reply", store.NewMessage{Content: "x", ParentID: &reply.ID}, "conflict parent_id"},
		{"missing quote", store.NewMessage{Content: "x", QuotedID: ptr("nope")}, "not found"},
		{"mention of a non-member", store.NewMessage{Content: "x", Mentions: []string{"dave"}}, "conflict mentions"},
		{"another's upload", store.NewMessage{Content: "x", Attachments: []string{"nope"}}, "not found"},
		{"valid, with references", store.NewMessage{Content: "x", ParentID: &top.ID, QuotedID: &top.ID, Mentions: []string{"alice"}}, "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := s.SendMessage(ctx, tn, "carol", room, tt.m)
			if got := kind(err); got != tt.want {
				t.Fatalf("member's send: %s (%v), want %s", got, err, tt.want)
			}
			_, _, err = s.SendShadow(ctx, tn, "bob", room, tt.m)
			if got := kind(err); got != tt.want {
				t.Fatalf("shadow send: %s (%v), want %s as a member gets", got, err, tt.want)
			}
		})
	}
}
