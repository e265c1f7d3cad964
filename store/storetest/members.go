package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/chatapi/chatapi/store"
)

func testListMembers(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	other := newTenant(t, s)
	group := newRoom(t, s, tenant, "alice", store.RoomGroup, "dave", "bob")
	// Joins one clock tick apart, after the creation.
	for _, u := range []string{"erin", "carol"} {
		if _, err := s.AddMember(ctx, tenant, "alice", group.ID, u, ""); err != nil {
			t.Fatalf("AddMember %s: %v", u, err)
		}
	}
	channel := newRoom(t, s, tenant, "alice", store.RoomChannel)

	tests := []struct {
		name    string
		tenant  string
		actor   string
		roomID  string
		want    []string
		wantErr error
	}{
		// Created together: by user id; then in the order they joined.
		{"member", tenant, "bob", group.ID, []string{"alice", "bob", "dave", "erin", "carol"}, nil},
		{"outsider", tenant, "mallory", group.ID, nil, store.ErrForbidden},
		{"channel outsider", tenant, "mallory", channel.ID, []string{"alice"}, nil},
		{"missing room", tenant, "alice", "room_missing", nil, store.ErrNotFound},
		{"other tenant", other, "alice", group.ID, nil, store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ListMembers(ctx, tt.tenant, tt.actor, tt.roomID)
			checkErr(t, err, tt.wantErr, "")
			if err != nil {
				return
			}
			var ids []string
			for _, m := range got {
				ids = append(ids, m.UserID)
				if m.RoomID != tt.roomID {
					t.Errorf("member %s: got room %s, want %s", m.UserID, m.RoomID, tt.roomID)
				}
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("got %v, want %v", ids, tt.want)
			}
		})
	}
}

func testAddMember(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	other := newTenant(t, s)

	tests := []struct {
		name      string
		typ       store.RoomType
		actor     string // the room is created by alice with bob as a member
		user      string
		role      store.Role
		otherTen  bool
		roomID    string // instead of the created room's
		wantErr   error
		wantField string
		wantRole  store.Role
	}{
		{name: "group admin adds", typ: store.RoomGroup, actor: "alice", user: "carol", wantRole: store.RoleMember},
		{name: "group admin adds an admin", typ: store.RoomGroup, actor: "alice", user: "carol", role: store.RoleAdmin, wantRole: store.RoleAdmin},
		{name: "group member adds", typ: store.RoomGroup, actor: "bob", user: "carol", wantErr: store.ErrForbidden},
		{name: "group outsider adds themself", typ: store.RoomGroup, actor: "carol", user: "carol", wantErr: store.ErrForbidden},
		{name: "channel outsider joins", typ: store.RoomChannel, actor: "carol", user: "carol", wantRole: store.RoleMember},
		{name: "channel outsider joins as admin", typ: store.RoomChannel, actor: "carol", user: "carol", role: store.RoleAdmin, wantErr: store.ErrForbidden},
		{name: "channel member adds another", typ: store.RoomChannel, actor: "bob", user: "carol", wantErr: store.ErrForbidden},
		{name: "channel admin adds another", typ: store.RoomChannel, actor: "alice", user: "carol", wantRole: store.RoleMember},
		{name: "channel admin adds an admin", typ: store.RoomChannel, actor: "alice", user: "carol", role: store.RoleAdmin, wantRole: store.RoleAdmin},
		// A dm's members are fixed: a state of the room, so a conflict, not a bad request.
		{name: "dm", typ: store.RoomDM, actor: "alice", user: "carol", wantErr: store.ErrConflict, wantField: "room_id"},
		{name: "already a member", typ: store.RoomGroup, actor: "alice", user: "bob", wantErr: store.ErrConflict, wantField: "user_id"},
		{name: "channel member joins again", typ: store.RoomChannel, actor: "bob", user: "bob", wantErr: store.ErrConflict, wantField: "user_id"},
		{name: "unknown role", typ: store.RoomGroup, actor: "alice", user: "carol", role: "owner", wantErr: store.ErrInvalid, wantField: "role"},
		{name: "empty user", typ: store.RoomGroup, actor: "alice", user: "", wantErr: store.ErrInvalid, wantField: "user_id"},
		{name: "missing room", typ: store.RoomGroup, actor: "alice", user: "carol", roomID: "room_missing", wantErr: store.ErrNotFound},
		{name: "other tenant's channel", typ: store.RoomChannel, actor: "carol", user: "carol", otherTen: true, wantErr: store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tenant := newTenant(t, s)
			room := newRoom(t, s, tenant, "alice", tt.typ, "bob")
			callTenant, roomID := tenant, room.ID
			if tt.otherTen {
				callTenant = other
			}
			if tt.roomID != "" {
				roomID = tt.roomID
			}
			got, err := s.AddMember(ctx, callTenant, tt.actor, roomID, tt.user, tt.role)
			checkErr(t, err, tt.wantErr, tt.wantField)
			if tt.wantErr == store.ErrConflict {
				var ce *store.ConflictError
				if !errors.As(err, &ce) {
					t.Errorf("got %T, want *store.ConflictError", err)
				}
			}

			after, gerr := s.GetRoom(ctx, tenant, "alice", room.ID)
			if gerr != nil {
				t.Fatalf("GetRoom: %v", gerr)
			}
			if err != nil {
				if !roomsEqual(after, room) {
					t.Errorf("a refused add changed the room: got %+v, want %+v", after, room)
				}
				return
			}
			if got.RoomID != room.ID || got.UserID != tt.user || got.Role != tt.wantRole || got.LastAck != room.LastSeq {
				t.Errorf("got %+v, want user %s, role %s, last_ack %d", got, tt.user, tt.wantRole, room.LastSeq)
			}
			if after.MemberCount != room.MemberCount+1 || !after.UpdatedAt.After(room.UpdatedAt) {
				t.Errorf("got member_count %d, updated_at %v; want %d, later than %v",
					after.MemberCount, after.UpdatedAt, room.MemberCount+1, room.UpdatedAt)
			}
			m, err := s.IsMember(ctx, tenant, room.ID, tt.user)
			if err != nil || m.Role != tt.wantRole || !m.JoinedAt.Equal(got.JoinedAt) {
				t.Errorf("IsMember got %+v, %v; want %+v", m, err, got)
			}
		})
	}
}

func testRemoveMember(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	other := newTenant(t, s)

	tests := []struct {
		name      string
		typ       store.RoomType
		actor     string // the room is created by alice with bob and carol as members
		user      string
		otherTen  bool
		wantErr   error
		wantField string
	}{
		{name: "admin removes a member", typ: store.RoomGroup, actor: "alice", user: "bob"},
		{name: "member leaves", typ: store.RoomGroup, actor: "bob", user: "bob"},
		{name: "admin leaves", typ: store.RoomChannel, actor: "alice", user: "alice"},
		{name: "member removes another", typ: store.RoomGroup, actor: "bob", user: "carol", wantErr: store.ErrForbidden},
		{name: "member removes the admin", typ: store.RoomChannel, actor: "bob", user: "alice", wantErr: store.ErrForbidden},
		{name: "outsider removes a member", typ: store.RoomChannel, actor: "mallory", user: "bob", wantErr: store.ErrForbidden},
		{name: "outsider leaves", typ: store.RoomChannel, actor: "mallory", user: "mallory", wantErr: store.ErrNotFound},
		{name: "admin removes an outsider", typ: store.RoomGroup, actor: "alice", user: "mallory", wantErr: store.ErrNotFound},
		{name: "dm", typ: store.RoomDM, actor: "bob", user: "bob", wantErr: store.ErrConflict, wantField: "room_id"},
		{name: "other tenant", typ: store.RoomGroup, actor: "alice", user: "bob", otherTen: true, wantErr: store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tenant := newTenant(t, s)
			members := []string{"bob", "carol"}
			if tt.typ == store.RoomDM {
				members = members[:1]
			}
			room := newRoom(t, s, tenant, "alice", tt.typ, members...)
			callTenant := tenant
			if tt.otherTen {
				callTenant = other
			}
			_, err := s.RemoveMember(ctx, callTenant, tt.actor, room.ID, tt.user)
			checkErr(t, err, tt.wantErr, tt.wantField)

			after, gerr := s.GetRoom(ctx, tenant, "bob", room.ID)
			if gerr != nil && !errors.Is(gerr, store.ErrForbidden) {
				t.Fatalf("GetRoom: %v", gerr)
			}
			_, merr := s.IsMember(ctx, tenant, room.ID, tt.user)
			if err != nil {
				if gerr == nil && !roomsEqual(after, room) {
					t.Errorf("a refused removal changed the room: got %+v, want %+v", after, room)
				}
				return
			}
			if !errors.Is(merr, store.ErrNotFound) {
				t.Errorf("IsMember after removal: got %v, want ErrNotFound", merr)
			}
			members2, lerr := s.ListMembers(ctx, tenant, "carol", room.ID)
			if lerr != nil {
				t.Fatalf("ListMembers: %v", lerr)
			}
			if len(members2) != room.MemberCount-1 {
				t.Errorf("got %d members, want %d", len(members2), room.MemberCount-1)
			}
			stored, gerr := s.GetRoom(ctx, tenant, "carol", room.ID)
			if gerr != nil {
				t.Fatalf("GetRoom: %v", gerr)
			}
			if stored.MemberCount != room.MemberCount-1 || !stored.UpdatedAt.After(room.UpdatedAt) {
				t.Errorf("got member_count %d, updated_at %v; want %d, later than %v",
					stored.MemberCount, stored.UpdatedAt, room.MemberCount-1, room.UpdatedAt)
			}
		})
	}
}

func testIsMember(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	other := newTenant(t, s)
	room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")

	tests := []struct {
		name     string
		tenant   string
		user     string
		wantRole store.Role
		wantErr  error
	}{
		{"admin", tenant, "alice", store.RoleAdmin, nil},
		{"member", tenant, "bob", store.RoleMember, nil},
		{"outsider", tenant, "carol", "", store.ErrNotFound},
		{"other tenant", other, "alice", "", store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.IsMember(ctx, tt.tenant, room.ID, tt.user)
			checkErr(t, err, tt.wantErr, "")
			if err == nil && (got.Role != tt.wantRole || got.UserID != tt.user || got.RoomID != room.ID) {
				t.Errorf("got %+v, want %s as %s of %s", got, tt.user, tt.wantRole, room.ID)
			}
		})
	}
}

// testRoomRules covers the rules the WebSocket transport asks about: who
// may type in a room and which rooms may be watched.
func testRoomRules(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	other := newTenant(t, s)
	group := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	channel := newRoom(t, s, tenant, "alice", store.RoomChannel)

	t.Run("typing", func(t *testing.T) {
		for _, tt := range []struct {
			name    string
			tenant  string
			room    string
			user    string
			wantErr error
		}{
			{"admin", tenant, group.ID, "alice", nil},
			{"member", tenant, group.ID, "bob", nil},
			{"outsider", tenant, group.ID, "carol", store.ErrForbidden},
			{"outsider of a channel", tenant, channel.ID, "carol", store.ErrForbidden},
			{"missing room", tenant, "room_missing", "alice", store.ErrNotFound},
			{"other tenant", other, group.ID, "alice", store.ErrNotFound},
		} {
			t.Run(tt.name, func(t *testing.T) {
				checkErr(t, s.CanType(ctx, tt.tenant, tt.room, tt.user), tt.wantErr, "")
			})
		}
	})
	t.Run("watching", func(t *testing.T) {
		for _, tt := range []struct {
			name      string
			tenant    string
			room      string
			user      string
			wantErr   error
			wantField string
		}{
			{"channel, outsider", tenant, channel.ID, "carol", nil, ""},
			{"channel, member", tenant, channel.ID, "alice", nil, ""},
			{"group, member", tenant, group.ID, "bob", store.ErrConflict, "room_id"},
			{"group, outsider", tenant, group.ID, "carol", store.ErrForbidden, ""},
			{"missing room", tenant, "room_missing", "alice", store.ErrNotFound, ""},
			{"other tenant", other, channel.ID, "carol", store.ErrNotFound, ""},
		} {
			t.Run(tt.name, func(t *testing.T) {
				checkErr(t, s.CanWatch(ctx, tt.tenant, tt.user, tt.room), tt.wantErr, tt.wantField)
			})
		}
	})
}

// testConcurrentMembership joins and leaves one room from many goroutines at
// once: member_count must end equal to the real number of members.
func testConcurrentMembership(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	room := newRoom(t, s, tenant, "admin", store.RoomChannel)

	const users = 16
	var mu sync.Mutex
	joined, conflicts := 0, 0
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 2 * users { // every user tries to join twice
		user := fmt.Sprintf("user-%02d", i%users)
		wg.Go(func() {
			<-start
			_, err := s.AddMember(ctx, tenant, user, room.ID, user, "")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				joined++
			case errors.Is(err, store.ErrConflict):
				conflicts++
			default:
				t.Errorf("AddMember %s: %v", user, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if joined != users || conflicts != users {
		t.Errorf("got %d joins and %d conflicts, want %d of each", joined, conflicts, users)
	}
	checkCount(t, s, tenant, room.ID, 1+users)

	// Half leave while the admin adds newcomers.
	start = make(chan struct{})
	for i := range users / 2 {
		leaver := fmt.Sprintf("user-%02d", i)
		newcomer := fmt.Sprintf("new-%02d", i)
		wg.Go(func() {
			<-start
			if _, err := s.RemoveMember(ctx, tenant, leaver, room.ID, leaver); err != nil {
				t.Errorf("RemoveMember %s: %v", leaver, err)
			}
		})
		wg.Go(func() {
			<-start
			if _, err := s.AddMember(ctx, tenant, "admin", room.ID, newcomer, ""); err != nil {
				t.Errorf("AddMember %s: %v", newcomer, err)
			}
		})
	}
	close(start)
	wg.Wait()
	checkCount(t, s, tenant, room.ID, 1+users)
}

// checkCount checks that the room's member_count and its member list agree
// with want.
func checkCount(t *testing.T, s *store.Store, tenant, roomID string, want int) {
	t.Helper()
	room, err := s.GetRoom(t.Context(), tenant, "admin", roomID)
	if err != nil {
		t.Fatalf("GetRoom: %v", err)
	}
	members, err := s.ListMembers(t.Context(), tenant, "admin", roomID)
	if err != nil {
		t.Fatalf("ListMembers: %v", err)
	}
	if room.MemberCount != want || len(members) != want {
		t.Errorf("got member_count %d and %d members, want %d", room.MemberCount, len(members), want)
	}
}
