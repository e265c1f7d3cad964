package storetest

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
)

func testCreateRoom(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()

	tests := []struct {
		name      string
		actor     string
		room      store.NewRoom
		wantErr   error
		wantField string
		wantKey   *string
		wantRoles map[string]store.Role
		wantMeta  string
	}{
		{
			name:      "group: creator admin, others members, duplicates and creator dropped",
			actor:     "alice",
			room:      store.NewRoom{Type: store.RoomGroup, Name: ptr("team"), Members: []string{"bob", "alice", "carol", "bob"}},
			wantRoles: map[string]store.Role{"alice": store.RoleAdmin, "bob": store.RoleMember, "carol": store.RoleMember},
			wantMeta:  `{}`,
		},
		{
			name:      "channel alone",
			actor:     "alice",
			room:      store.NewRoom{Type: store.RoomChannel, Metadata: json.RawMessage(` {"topic": "news", "n": [1, 2]} `)},
			wantRoles: map[string]store.Role{"alice": store.RoleAdmin},
			wantMeta:  `{"topic":"news","n":[1,2]}`,
		},
		{
			name:      "dm: sorted unique key, both members",
			actor:     "zed",
			room:      store.NewRoom{Type: store.RoomDM, Members: []string{"amy"}},
			wantKey:   ptr("dm:amy:zed"),
			wantRoles: map[string]store.Role{"amy": store.RoleMember, "zed": store.RoleMember},
			wantMeta:  `{}`,
		},
		{
			name:      "dm listing the creator too",
			actor:     "bob",
			room:      store.NewRoom{Type: store.RoomDM, Members: []string{"bob", "carol"}},
			wantKey:   ptr("dm:bob:carol"),
			wantRoles: map[string]store.Role{"bob": store.RoleMember, "carol": store.RoleMember},
			wantMeta:  `{}`,
		},
		{
			name:      "dm with oneself",
			actor:     "alice",
			room:      store.NewRoom{Type: store.RoomDM, Members: []string{"alice"}},
			wantErr:   store.ErrInvalid,
			wantField: "members",
		},
		{
			name:      "dm with oneself twice",
			actor:     "alice",
			room:      store.NewRoom{Type: store.RoomDM, Members: []string{"alice", "alice"}},
			wantErr:   store.ErrInvalid,
			wantField: "members",
		},
		{
			name:    "dm of three, the creator listed",
			actor:   "alice",
			room:    store.NewRoom{Type: store.RoomDM, Members: []string{"bob", "alice", "carol"}},
			wantErr: store.ErrForbidden,
		},
		{
			name:      "dm with nobody",
			actor:     "alice",
			room:      store.NewRoom{Type: store.RoomDM},
			wantErr:   store.ErrInvalid,
			wantField: "members",
		},
		{
			// Valid in form, but a dm between two other users: the caller
			// may open only their own.
			name:    "dm between two others",
			actor:   "alice",
			room:    store.NewRoom{Type: store.RoomDM, Members: []string{"bob", "carol"}},
			wantErr: store.ErrForbidden,
		},
		{
			name:      "empty member id",
			actor:     "alice",
			room:      store.NewRoom{Type: store.RoomGroup, Members: []string{""}},
			wantErr:   store.ErrInvalid,
			wantField: "members",
		},
		{
			name:      "unknown type",
			actor:     "alice",
			room:      store.NewRoom{Type: "forum"},
			wantErr:   store.ErrInvalid,
			wantField: "type",
		},
		{
			name:      "name too long",
			actor:     "alice",
			room:      store.NewRoom{Type: store.RoomGroup, Name: ptr(strings.Repeat("é", store.MaxRoomNameLength+1))},
			wantErr:   store.ErrInvalid,
			wantField: "name",
		},
		{
			name:      "metadata not an object",
			actor:     "alice",
			room:      store.NewRoom{Type: store.RoomGroup, Metadata: json.RawMessage(`[1]`)},
			wantErr:   store.ErrInvalid,
			wantField: "metadata",
		},
		{
			name:      "metadata too large",
			actor:     "alice",
			room:      store.NewRoom{Type: store.RoomGroup, Metadata: json.RawMessage(`{"x":"` + strings.Repeat("a", store.MaxRoomMetadataSize) + `"}`)},
			wantErr:   store.ErrInvalid,
			wantField: "metadata",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tenant := newTenant(t, s)
			got, err := s.CreateRoom(ctx, tenant, tt.actor, tt.room)
			checkErr(t, err, tt.wantErr, tt.wantField)
			if err != nil {
				return
			}
			if !strings.HasPrefix(got.ID, "room_") {
				t.Errorf("got id %q, want room_…", got.ID)
			}
			if got.TenantID != tenant || got.Type != tt.room.Type || got.LastSeq != 0 {
				t.Errorf("got %+v, want tenant %s, type %s, last_seq 0", got, tenant, tt.room.Type)
			}
			if (got.Name == nil) != (tt.room.Name == nil) || (got.Name != nil && *got.Name != *tt.room.Name) {
				t.Errorf("got name %v, want %v", got.Name, tt.room.Name)
			}
			if (got.UniqueKey == nil) != (tt.wantKey == nil) || (got.UniqueKey != nil && *got.UniqueKey != *tt.wantKey) {
				t.Errorf("got unique key %v, want %v", deref(got.UniqueKey), deref(tt.wantKey))
			}
			if string(got.Metadata) != tt.wantMeta {
				t.Errorf("got metadata %s, want %s", got.Metadata, tt.wantMeta)
			}
			if got.MemberCount != len(tt.wantRoles) {
				t.Errorf("got member_count %d, want %d", got.MemberCount, len(tt.wantRoles))
			}
			if got.CreatedAt.Location() != time.UTC || !got.CreatedAt.Equal(got.UpdatedAt) {
				t.Errorf("got created_at %v, updated_at %v; want equal, UTC", got.CreatedAt, got.UpdatedAt)
			}

			stored, err := s.GetRoom(ctx, tenant, tt.actor, got.ID)
			if err != nil {
				t.Fatalf("GetRoom: %v", err)
			}
			if !roomsEqual(stored, got) {
				t.Errorf("GetRoom got %+v, want %+v", stored, got)
			}
			members, err := s.ListMembers(ctx, tenant, tt.actor, got.ID)
			if err != nil {
				t.Fatalf("ListMembers: %v", err)
			}
			roles := map[string]store.Role{}
			for _, m := range members {
				roles[m.UserID] = m.Role
				if m.LastAck != 0 || !m.JoinedAt.Equal(got.CreatedAt) {
					t.Errorf("member %+v: want last_ack 0, joined at creation", m)
				}
			}
			if !maps.Equal(roles, tt.wantRoles) {
				t.Errorf("got roles %v, want %v", roles, tt.wantRoles)
			}
		})
	}
}

func testDMConflict(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	first := newRoom(t, s, tenant, "alice", store.RoomDM, "bob")

	tests := []struct {
		name    string
		actor   string
		members []string
	}{
		{"same creator", "alice", []string{"bob"}},
		{"other side", "bob", []string{"alice"}},
		{"creator listed", "bob", []string{"bob", "alice"}},
		{"creator listed last", "alice", []string{"bob", "alice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.CreateRoom(ctx, tenant, tt.actor, store.NewRoom{Type: store.RoomDM, Members: tt.members})
			checkErr(t, err, store.ErrConflict, "members")
			var ce *store.ConflictError
			if !errors.As(err, &ce) || ce.RoomID != first.ID {
				t.Errorf("got %#v, want a ConflictError naming room %s", err, first.ID)
			}
		})
	}

	t.Run("other pairs are free", func(t *testing.T) {
		newRoom(t, s, tenant, "alice", store.RoomDM, "carol")
	})
}

// testConcurrentDMCreates races creators of one dm: the UNIQUE constraint
// must let exactly one win and every other learn the winner's id.
func testConcurrentDMCreates(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)

	const n = 12
	rooms := make([]store.Room, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		actor, other := "alice", "bob"
		if i%2 == 1 {
			actor, other = other, actor
		}
		wg.Go(func() {
			<-start
			rooms[i], errs[i] = s.CreateRoom(ctx, tenant, actor, store.NewRoom{Type: store.RoomDM, Members: []string{other}})
		})
	}
	close(start)
	wg.Wait()

	var winner string
	for i, err := range errs {
		if err == nil {
			if winner != "" {
				t.Fatalf("two dm rooms for one pair: %s and %s", winner, rooms[i].ID)
			}
			winner = rooms[i].ID
		}
	}
	if winner == "" {
		t.Fatalf("no create succeeded: %v", errors.Join(errs...))
	}
	for _, err := range errs {
		if err == nil {
			continue
		}
		var ce *store.ConflictError
		if !errors.As(err, &ce) || ce.RoomID != winner {
			t.Errorf("got %v, want a ConflictError naming room %s", err, winner)
		}
	}
	listed, err := s.ListRooms(ctx, tenant, "alice", store.RoomFilter{})
	if err != nil {
		t.Fatalf("ListRooms: %v", err)
	}
	if len(listed) != 1 || listed[0].ID != winner || listed[0].MemberCount != 2 {
		t.Errorf("got rooms %+v, want just %s with 2 members", listed, winner)
	}
}

func testGetRoom(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	other := newTenant(t, s)
	group := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	channel := newRoom(t, s, tenant, "alice", store.RoomChannel)
	dm := newRoom(t, s, tenant, "alice", store.RoomDM, "bob")

	tests := []struct {
		name    string
		tenant  string
		actor   string
		roomID  string
		wantErr error
	}{
		{"group admin", tenant, "alice", group.ID, nil},
		{"group member", tenant, "bob", group.ID, nil},
		{"group outsider", tenant, "mallory", group.ID, store.ErrForbidden},
		{"dm member", tenant, "bob", dm.ID, nil},
		{"dm outsider", tenant, "carol", dm.ID, store.ErrForbidden},
		{"channel outsider", tenant, "mallory", channel.ID, nil},
		{"missing room", tenant, "alice", "room_missing", store.ErrNotFound},
		{"other tenant's group", other, "alice", group.ID, store.ErrNotFound},
		{"other tenant's channel", other, "alice", channel.ID, store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.GetRoom(ctx, tt.tenant, tt.actor, tt.roomID)
			checkErr(t, err, tt.wantErr, "")
			if err == nil && got.ID != tt.roomID {
				t.Errorf("got room %s, want %s", got.ID, tt.roomID)
			}
		})
	}
}

func testUpdateRoom(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	other := newTenant(t, s)

	tests := []struct {
		name      string
		typ       store.RoomType
		actor     string
		otherTen  bool
		update    store.RoomUpdate
		wantErr   error
		wantField string
		wantName  *string
		wantMeta  string
	}{
		{name: "admin renames", typ: store.RoomGroup, actor: "alice",
			update: store.RoomUpdate{SetName: true, Name: ptr("renamed")}, wantName: ptr("renamed"), wantMeta: `{"v":1}`},
		{name: "admin clears the name", typ: store.RoomGroup, actor: "alice",
			update: store.RoomUpdate{SetName: true}, wantName: nil, wantMeta: `{"v":1}`},
		{name: "admin sets metadata only", typ: store.RoomChannel, actor: "alice",
			update: store.RoomUpdate{Metadata: json.RawMessage(`{"v": 2}`)}, wantName: ptr("original"), wantMeta: `{"v":2}`},
		{name: "member", typ: store.RoomGroup, actor: "bob",
			update: store.RoomUpdate{SetName: true, Name: ptr("x")}, wantErr: store.ErrForbidden},
		{name: "channel outsider", typ: store.RoomChannel, actor: "mallory",
			update: store.RoomUpdate{SetName: true, Name: ptr("x")}, wantErr: store.ErrForbidden},
		{name: "dm has no admins", typ: store.RoomDM, actor: "alice",
			update: store.RoomUpdate{SetName: true, Name: ptr("x")}, wantErr: store.ErrForbidden},
		{name: "other tenant", typ: store.RoomGroup, actor: "alice", otherTen: true,
			update: store.RoomUpdate{SetName: true, Name: ptr("x")}, wantErr: store.ErrNotFound},
		{name: "bad metadata", typ: store.RoomGroup, actor: "alice",
			update: store.RoomUpdate{Metadata: json.RawMessage(`"text"`)}, wantErr: store.ErrInvalid, wantField: "metadata"},
		{name: "name too long", typ: store.RoomGroup, actor: "alice",
			update: store.RoomUpdate{SetName: true, Name: ptr(strings.Repeat("n", store.MaxRoomNameLength+1))}, wantErr: store.ErrInvalid, wantField: "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tenant := newTenant(t, s)
			room, err := s.CreateRoom(ctx, tenant, "alice", store.NewRoom{
				Type: tt.typ, Name: ptr("original"), Metadata: json.RawMessage(`{"v":1}`), Members: []string{"bob"},
			})
			if err != nil {
				t.Fatalf("CreateRoom: %v", err)
			}
			callTenant := tenant
			if tt.otherTen {
				callTenant = other
			}
			got, err := s.UpdateRoom(ctx, callTenant, tt.actor, room.ID, tt.update)
			checkErr(t, err, tt.wantErr, tt.wantField)
			stored, gerr := s.GetRoom(ctx, tenant, "alice", room.ID)
			if gerr != nil {
				t.Fatalf("GetRoom: %v", gerr)
			}
			if err != nil {
				if !roomsEqual(stored, room) {
					t.Errorf("a refused update changed the room: got %+v, want %+v", stored, room)
				}
				return
			}
			if deref(got.Name) != deref(tt.wantName) || (got.Name == nil) != (tt.wantName == nil) {
				t.Errorf("got name %v, want %v", got.Name, tt.wantName)
			}
			if string(got.Metadata) != tt.wantMeta {
				t.Errorf("got metadata %s, want %s", got.Metadata, tt.wantMeta)
			}
			if !got.UpdatedAt.After(room.UpdatedAt) || !got.CreatedAt.Equal(room.CreatedAt) {
				t.Errorf("got created %v updated %v; want created %v, updated later than %v",
					got.CreatedAt, got.UpdatedAt, room.CreatedAt, room.UpdatedAt)
			}
			if !roomsEqual(stored, got) {
				t.Errorf("GetRoom got %+v, want %+v", stored, got)
			}
		})
	}
}

func testListRooms(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()

	t.Run("order, filter and paging", func(t *testing.T) {
		tenant := newTenant(t, s)
		// Created in this order, one clock tick apart: newest activity first
		// is the reverse.
		g1 := newRoom(t, s, tenant, "alice", store.RoomGroup)
		dm := newRoom(t, s, tenant, "bob", store.RoomDM, "alice")
		c1 := newRoom(t, s, tenant, "carol", store.RoomChannel)
		if _, err := s.AddMember(ctx, tenant, "alice", c1.ID, "alice", ""); err != nil {
			t.Fatalf("join channel: %v", err)
		}
		g2 := newRoom(t, s, tenant, "bob", store.RoomGroup, "alice")
		newRoom(t, s, tenant, "bob", store.RoomGroup, "carol") // not alice's
		newRoom(t, s, tenant, "carol", store.RoomChannel)      // not joined

		tests := []struct {
			name   string
			filter store.RoomFilter
			want   []string
		}{
			{"all", store.RoomFilter{}, []string{g2.ID, c1.ID, dm.ID, g1.ID}},
			{"groups", store.RoomFilter{Type: ptr(store.RoomGroup)}, []string{g2.ID, g1.ID}},
			{"dms", store.RoomFilter{Type: ptr(store.RoomDM)}, []string{dm.ID}},
			{"channels", store.RoomFilter{Type: ptr(store.RoomChannel)}, []string{c1.ID}},
			{"first page", store.RoomFilter{Limit: 2}, []string{g2.ID, c1.ID}},
			{"second page", store.RoomFilter{Limit: 2, Offset: 2}, []string{dm.ID, g1.ID}},
			{"past the end", store.RoomFilter{Limit: 2, Offset: 4}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.ListRooms(ctx, tenant, "alice", tt.filter)
				if err != nil {
					t.Fatalf("ListRooms: %v", err)
				}
				if ids := roomIDs(got); !slices.Equal(ids, tt.want) {
					t.Errorf("got %v, want %v", ids, tt.want)
				}
				for _, r := range got {
					if r.UnreadCount != 0 || r.LastMessage != nil {
						t.Errorf("room %s: got unread %d, last message %v; want 0, nil", r.ID, r.UnreadCount, r.LastMessage)
					}
				}
			})
		}
	})

	t.Run("summary fields", func(t *testing.T) {
		tenant := newTenant(t, s)
		room, err := s.CreateRoom(ctx, tenant, "alice", store.NewRoom{
			Type: store.RoomGroup, Name: ptr("g"), Metadata: json.RawMessage(`{"a":"b"}`), Members: []string{"bob"},
		})
		if err != nil {
			t.Fatalf("CreateRoom: %v", err)
		}
		got, err := s.ListRooms(ctx, tenant, "bob", store.RoomFilter{})
		if err != nil {
			t.Fatalf("ListRooms: %v", err)
		}
		if len(got) != 1 || !roomsEqual(got[0].Room, room) {
			t.Fatalf("got %+v, want just %+v", got, room)
		}
	})

	t.Run("default limit", func(t *testing.T) {
		tenant := newTenant(t, s)
		for range store.DefaultRoomsLimit + 1 {
			newRoom(t, s, tenant, "alice", store.RoomGroup)
		}
		got, err := s.ListRooms(ctx, tenant, "alice", store.RoomFilter{})
		if err != nil {
			t.Fatalf("ListRooms: %v", err)
		}
		if len(got) != store.DefaultRoomsLimit {
			t.Errorf("got %d rooms, want %d", len(got), store.DefaultRoomsLimit)
		}
	})

	t.Run("refused filters", func(t *testing.T) {
		tenant := newTenant(t, s)
		tests := []struct {
			name      string
			filter    store.RoomFilter
			wantField string
		}{
			{"negative limit", store.RoomFilter{Limit: -1}, "limit"},
			{"negative offset", store.RoomFilter{Offset: -1}, "offset"},
			{"unknown type", store.RoomFilter{Type: ptr(store.RoomType("forum"))}, "type"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.ListRooms(ctx, tenant, "alice", tt.filter)
				checkErr(t, err, store.ErrInvalid, tt.wantField)
			})
		}
	})
}

// roomsEqual compares rooms field by field (times with Equal, JSON as text).
func roomsEqual(a, b store.Room) bool {
	return a.ID == b.ID && a.TenantID == b.TenantID && a.Type == b.Type &&
		deref(a.Name) == deref(b.Name) && (a.Name == nil) == (b.Name == nil) &&
		deref(a.UniqueKey) == deref(b.UniqueKey) && (a.UniqueKey == nil) == (b.UniqueKey == nil) &&
		string(a.Metadata) == string(b.Metadata) && a.LastSeq == b.LastSeq && a.MemberCount == b.MemberCount &&
		a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt)
}

func roomIDs(rooms []store.RoomSummary) []string {
	var ids []string
	for _, r := range rooms {
		ids = append(ids, r.ID)
	}
	return ids
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
