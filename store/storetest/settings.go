package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
)

// testMemberSettings pins, archives and mutes rooms for one member: the
// room list orders and filters by them, a new message un-archives, and
// nobody else's list changes.
func testMemberSettings(t *testing.T, b Backend) {
	s, clk := newStoreClock(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	other := newTenant(t, s)
	// Created in this order: newest activity first is c, b, a.
	a := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	b2 := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	c := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	channel := newRoom(t, s, tenant, "carol", store.RoomChannel)
	closed := newRoom(t, s, tenant, "carol", store.RoomGroup)

	list := func(t *testing.T, user string, archived bool) []string {
		t.Helper()
		got, err := s.ListRooms(ctx, tenant, user, store.RoomFilter{Archived: archived})
		if err != nil {
			t.Fatalf("ListRooms: %v", err)
		}
		return roomIDs(got)
	}
	change := func(t *testing.T, roomID string, ch store.SettingsChange) store.MemberSettings {
		t.Helper()
		ms, err := s.UpdateMemberSettings(ctx, tenant, "alice", roomID, "alice", ch)
		if err != nil {
			t.Fatalf("UpdateMemberSettings: %v", err)
		}
		if ms.RoomID != roomID {
			t.Errorf("settings of room %s, want %s", ms.RoomID, roomID)
		}
		return ms
	}
	send := func(t *testing.T, roomID string) {
		t.Helper()
		if _, _, err := s.SendMessage(ctx, tenant, "bob", roomID, store.NewMessage{Content: "hi"}); err != nil {
			t.Fatalf("SendMessage: %v", err)
		}
	}

	// Each step works on what the previous left.
	steps := []struct {
		name         string
		do           func(t *testing.T)
		want         []string // alice's list
		wantArchived []string // alice's archived list
	}{
		{"activity order", func(*testing.T) {}, []string{c.ID, b2.ID, a.ID}, nil},
		{"pinned first", func(t *testing.T) {
			if ms := change(t, a.ID, store.SettingsChange{Pinned: ptr(true)}); !ms.Pinned || ms.Archived || ms.MutedUntil != nil {
				t.Errorf("got %+v", ms)
			}
		}, []string{a.ID, c.ID, b2.ID}, nil},
		{"archived left out", func(t *testing.T) {
			if ms := change(t, b2.ID, store.SettingsChange{Archived: ptr(true)}); !ms.Archived || ms.Pinned {
				t.Errorf("got %+v", ms)
			}
		}, []string{a.ID, c.ID}, []string{b2.ID}},
		{"a message to another room changes nothing", func(t *testing.T) { send(t, c.ID) }, []string{a.ID, c.ID}, []string{b2.ID}},
		{"a new message un-archives", func(t *testing.T) { send(t, b2.ID) }, []string{a.ID, b2.ID, c.ID}, nil},
		{"archived again after it", func(t *testing.T) { change(t, b2.ID, store.SettingsChange{Archived: ptr(true)}) }, []string{a.ID, c.ID}, []string{b2.ID}},
		{"pinned and archived", func(t *testing.T) { change(t, a.ID, store.SettingsChange{Archived: ptr(true)}) }, []string{c.ID}, []string{a.ID, b2.ID}},
		{"unarchived and unpinned", func(t *testing.T) {
			ms := change(t, a.ID, store.SettingsChange{Archived: ptr(false), Pinned: ptr(false)})
			if ms.Archived || ms.Pinned {
				t.Errorf("got %+v", ms)
			}
		}, []string{c.ID, a.ID}, []string{b2.ID}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.do(t)
			if got := list(t, "alice", false); !slices.Equal(got, st.want) {
				t.Errorf("list: got %v, want %v", got, st.want)
			}
			if got := list(t, "alice", true); !slices.Equal(got, st.wantArchived) {
				t.Errorf("archived: got %v, want %v", got, st.wantArchived)
			}
			// bob's view of the same rooms follows activity only.
			if got := list(t, "bob", false); len(got) != 3 {
				t.Errorf("bob's list changed: %v", got)
			}
		})
	}

	t.Run("mute", func(t *testing.T) {
		until := clk.Now().Add(time.Hour).Truncate(time.Millisecond)
		ms := change(t, c.ID, store.SettingsChange{SetMutedUntil: true, MutedUntil: &until})
		if ms.MutedUntil == nil || !ms.MutedUntil.Equal(until) {
			t.Errorf("muted: got %+v, want until %v", ms, until)
		}
		// Other changes keep the mute.
		if ms := change(t, c.ID, store.SettingsChange{Pinned: ptr(true)}); ms.MutedUntil == nil || !ms.Pinned {
			t.Errorf("pin kept the mute: got %+v", ms)
		}
		rooms, err := s.ListRooms(ctx, tenant, "alice", store.RoomFilter{})
		if err != nil || rooms[0].ID != c.ID || rooms[0].Settings.MutedUntil == nil || !rooms[0].Settings.Pinned {
			t.Errorf("listed: %+v, %v", rooms, err)
		}
		// A mute that ran out is no mute.
		clk.Advance(2 * time.Hour)
		rooms, err = s.ListRooms(ctx, tenant, "alice", store.RoomFilter{})
		if err != nil || rooms[0].Settings.MutedUntil != nil {
			t.Errorf("after the mute's end: %+v, %v", rooms[0].Settings, err)
		}
		change(t, c.ID, store.SettingsChange{SetMutedUntil: true, MutedUntil: ptr(clk.Now().Add(time.Hour))})
		if ms := change(t, c.ID, store.SettingsChange{SetMutedUntil: true}); ms.MutedUntil != nil {
			t.Errorf("unmuted: got %+v", ms)
		}
	})

	t.Run("refused", func(t *testing.T) {
		tests := []struct {
			name    string
			tenant  string
			room    string
			user    string
			wantErr error
		}{
			{"another member's settings", tenant, a.ID, "bob", store.ErrForbidden},
			{"channel only watched", tenant, channel.ID, "alice", store.ErrForbidden},
			{"group not joined", tenant, closed.ID, "alice", store.ErrForbidden},
			{"missing room", tenant, "room_missing", "alice", store.ErrNotFound},
			{"other tenant's room", other, a.ID, "alice", store.ErrNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.UpdateMemberSettings(ctx, tt.tenant, "alice", tt.room, tt.user, store.SettingsChange{Pinned: ptr(true)})
				checkErr(t, err, tt.wantErr, "")
			})
		}
	})
}
