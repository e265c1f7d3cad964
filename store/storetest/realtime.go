package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/chatapi/chatapi/store"
)

// testRealtimeReads covers the reads realtime delivery makes after a change
// was authorized: no actor check, but still scoped to the tenant.
func testRealtimeReads(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	a := newTenant(t, s)
	other := newTenant(t, s)
	group := newRoom(t, s, a, "alice", store.RoomGroup, "bob", "carol")
	dm := newRoom(t, s, a, "alice", store.RoomDM, "dave")
	for i := 1; i <= 7; i++ {
		send(t, s, a, "alice", group.ID, fmt.Sprintf("m%d", i))
	}
	send(t, s, a, "dave", dm.ID, "hi")
	if _, err := s.Ack(ctx, a, "bob", group.ID, 3); err != nil {
		t.Fatal(err)
	}

	t.Run("member ids", func(t *testing.T) {
		for _, tc := range []struct {
			name, tenant, room string
			want               []string
		}{
			{"group", a, group.ID, []string{"alice", "bob", "carol"}},
			{"dm", a, dm.ID, []string{"alice", "dave"}},
			{"other tenant", other, group.ID, nil},
			{"missing room", a, "room_nope", nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.RoomMemberIDs(ctx, tc.tenant, tc.room)
				slices.Sort(got)
				if err != nil || !slices.Equal(got, tc.want) {
					t.Errorf("RoomMemberIDs = %v, %v; want %v", got, err, tc.want)
				}
			})
		}
	})

	t.Run("member ids follow membership changes", func(t *testing.T) {
		a := newTenant(t, s)
		room := newRoom(t, s, a, "alice", store.RoomGroup, "bob")
		want := func(want ...string) {
			t.Helper()
			// Twice: the second answer may come from a cache.
			for range 2 {
				got, err := s.RoomMemberIDs(ctx, a, room.ID)
				slices.Sort(got)
				if err != nil || !slices.Equal(got, want) {
					t.Fatalf("RoomMemberIDs = %v, %v; want %v", got, err, want)
				}
			}
		}
		want("alice", "bob")
		if _, err := s.AddMember(ctx, a, "alice", room.ID, "erin", store.RoleMember); err != nil {
			t.Fatalf("AddMember: %v", err)
		}
		want("alice", "bob", "erin")
		if _, err := s.RemoveMember(ctx, a, "bob", room.ID, "bob"); err != nil {
			t.Fatalf("RemoveMember: %v", err)
		}
		want("alice", "erin")
		// A refused change changes nothing.
		if _, err := s.RemoveMember(ctx, a, "erin", room.ID, "alice"); err == nil {
			t.Fatal("a member removed an admin")
		}
		want("alice", "erin")
		got, _ := s.RoomMemberIDs(ctx, a, room.ID)
		got[0] = "mallory" // callers may change their copy
		want("alice", "erin")
	})

	t.Run("peer ids", func(t *testing.T) {
		for _, tc := range []struct {
			name, tenant, user string
			want               []string
		}{
			{"in two rooms", a, "alice", []string{"bob", "carol", "dave"}},
			{"in one room", a, "dave", []string{"alice"}},
			{"in no room", a, "zed", nil},
			{"other tenant", other, "alice", nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.RoomPeerIDs(ctx, tc.tenant, tc.user)
				if err != nil || !slices.Equal(got, tc.want) {
					t.Errorf("RoomPeerIDs = %v, %v; want %v", got, err, tc.want)
				}
			})
		}
	})

	t.Run("cursors", func(t *testing.T) {
		for _, tc := range []struct {
			name, tenant, user string
			want               map[string][2]int64 // room → last_seq, last_ack
		}{
			{"sender is caught up", a, "alice", map[string][2]int64{group.ID: {7, 7}, dm.ID: {1, 0}}},
			{"reader acked 3", a, "bob", map[string][2]int64{group.ID: {7, 3}}},
			{"other tenant sees none", other, "alice", map[string][2]int64{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.MemberCursors(ctx, tc.tenant, tc.user)
				if err != nil || len(got) != len(tc.want) {
					t.Fatalf("MemberCursors = %+v, %v; want %v", got, err, tc.want)
				}
				for _, c := range got {
					if w, ok := tc.want[c.RoomID]; !ok || c.LastSeq != w[0] || c.LastAck != w[1] {
						t.Errorf("cursor %+v, want %v", c, w)
					}
				}
				// A sync without a cursor reads the same with the log's ends.
				fresh, err := s.Sync(ctx, tc.tenant, tc.user, nil, 0)
				if err != nil || !slices.Equal(fresh.Members, got) {
					t.Errorf("Sync(no cursor).Members = %+v, %v; want MemberCursors' %+v", fresh.Members, err, got)
				}
			})
		}
	})

	t.Run("messages between", func(t *testing.T) {
		for _, tc := range []struct {
			name          string
			tenant        string
			after, before int64
			limit         int
			want          []int64
		}{
			{"gap", a, 2, 6, 100, []int64{3, 4, 5}},
			{"limit", a, 0, 8, 2, []int64{1, 2}},
			{"empty gap", a, 3, 4, 100, nil},
			{"other tenant", other, 0, 8, 100, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.RoomMessagesBetween(ctx, tc.tenant, group.ID, tc.after, tc.before, tc.limit)
				if err != nil {
					t.Fatal(err)
				}
				var seqs []int64
				for _, m := range got {
					seqs = append(seqs, m.Seq)
				}
				if !slices.Equal(seqs, tc.want) {
					t.Errorf("seqs = %v, want %v", seqs, tc.want)
				}
			})
		}
	})
}
