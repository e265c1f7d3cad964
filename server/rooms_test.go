package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/gen/chatclient"
)

func ptr[T any](v T) *T { return &v }

func TestCreateRoom(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 1000)
	ctx := context.Background()

	t.Run("group: creator admin, others members", func(t *testing.T) {
		r, err := tn.as("alice").CreateRoomWithResponse(ctx, nil, chatclient.CreateRoomRequest{
			Type: chatclient.RoomTypeGroup, Name: ptr("Apollo"), Members: &[]string{"bob", "carol", "alice", "bob"},
			Metadata: &chatclient.Metadata{"topic": "launch"},
		})
		if err != nil || r.JSON201 == nil {
			t.Fatalf("create: %v %s", err, bodyOf(r))
		}
		room := r.JSON201.Data
		if room.Type != chatclient.RoomTypeGroup || *room.Name != "Apollo" || room.UniqueKey != nil || room.MemberCount != 3 ||
			room.LastSeq != 0 || room.Metadata["topic"] != "launch" || len(room.RoomId) < 6 || room.RoomId[:5] != "room_" {
			t.Errorf("room = %+v", room)
		}
		roles := memberRoles(t, tn.as("alice"), room.RoomId)
		want := map[string]chatclient.Role{"alice": "admin", "bob": "member", "carol": "member"}
		if len(roles) != len(want) {
			t.Fatalf("members = %v, want %v", roles, want)
		}
		for u, role := range want {
			if roles[u] != role {
				t.Errorf("role of %s = %s, want %s", u, roles[u], role)
			}
		}
	})

	t.Run("dm: both members, unique key sorted", func(t *testing.T) {
		room := tn.createRoom("zed", chatclient.RoomTypeDm, "amy")
		if room.UniqueKey == nil || *room.UniqueKey != "dm:amy:zed" || room.MemberCount != 2 {
			t.Errorf("dm = %+v", room)
		}
		roles := memberRoles(t, tn.as("zed"), room.RoomId)
		if roles["zed"] != "member" || roles["amy"] != "member" {
			t.Errorf("dm roles = %v", roles)
		}
		for _, tc := range []struct{ name, creator, other string }{
			{"same order", "zed", "amy"},
			{"other side", "amy", "zed"},
		} {
			t.Run("second dm "+tc.name, func(t *testing.T) {
				r, err := tn.as(tc.creator).CreateRoomWithResponse(ctx, nil, chatclient.CreateRoomRequest{Type: chatclient.RoomTypeDm, Members: &[]string{tc.other}})
				refused(t, r, err, refusal{409, "CONFLICT", ""})
				if r.JSON409 == nil || r.JSON409.Error.Details == nil || (*r.JSON409.Error.Details)["room_id"] != room.RoomId {
					t.Errorf("409 lacks details.room_id %s: %s", room.RoomId, r.Body)
				}
			})
		}
	})

	// SPEC: "dm: members names the other user (naming the creator too is
	// allowed)". The pair is the same whichever way it is written.
	t.Run("dm naming the creator too", func(t *testing.T) {
		r, err := tn.as("alice").CreateRoomWithResponse(ctx, nil, chatclient.CreateRoomRequest{Type: chatclient.RoomTypeDm, Members: &[]string{"dave", "alice"}})
		if err != nil || r.JSON201 == nil {
			t.Fatalf("create: %v %s", err, bodyOf(r))
		}
		room := r.JSON201.Data
		if room.UniqueKey == nil || *room.UniqueKey != "dm:alice:dave" || room.MemberCount != 2 {
			t.Errorf("dm = %+v", room)
		}
		for _, tc := range []struct {
			creator string
			members []string
		}{
			{"alice", []string{"alice", "dave"}},
			{"alice", []string{"dave"}},
			{"dave", []string{"dave", "alice"}},
			{"dave", []string{"alice"}},
		} {
			r, err := tn.as(tc.creator).CreateRoomWithResponse(ctx, nil, chatclient.CreateRoomRequest{Type: chatclient.RoomTypeDm, Members: &tc.members})
			refused(t, r, err, refusal{409, "CONFLICT", "members"})
			if r.JSON409 == nil || r.JSON409.Error.Details == nil || (*r.JSON409.Error.Details)["room_id"] != room.RoomId {
				t.Errorf("%s %v: 409 lacks details.room_id %s: %s", tc.creator, tc.members, room.RoomId, r.Body)
			}
		}
	})

	for _, tc := range []struct {
		name    string
		members []string
		field   string
	}{
		{"dm with nobody", nil, "members"},
		{"dm with an empty list", []string{}, "members"},
		{"dm with myself", []string{"alice"}, "members"},
		{"dm with myself twice", []string{"alice", "alice"}, "members"},
		{"dm with two others and me", []string{"bob", "alice", "carol"}, "members"},
		{"dm with a malformed id", []string{"b o b"}, "members.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := chatclient.CreateRoomRequest{Type: chatclient.RoomTypeDm}
			if tc.members != nil {
				req.Members = &tc.members
			}
			r, err := tn.as("alice").CreateRoomWithResponse(ctx, nil, req)
			refused(t, r, err, refusal{400, "VALIDATION_ERROR", tc.field})
		})
	}
	// Two users besides the caller fit the schema (which cannot know the
	// caller) but make a dm between others: the caller may open only their
	// own dms.
	t.Run("dm between two others", func(t *testing.T) {
		r, err := tn.as("alice").CreateRoomWithResponse(ctx, nil, chatclient.CreateRoomRequest{Type: chatclient.RoomTypeDm, Members: &[]string{"bob", "carol"}})
		refused(t, r, err, refusal{403, "AUTHORIZATION_ERROR", ""})
	})
}

func memberRoles(t *testing.T, c *chatclient.ClientWithResponses, roomID string) map[string]chatclient.Role {
	t.Helper()
	r, err := c.ListMembersWithResponse(context.Background(), roomID)
	if err != nil || r.JSON200 == nil {
		t.Fatalf("list members: %v %s", err, bodyOf(r))
	}
	out := map[string]chatclient.Role{}
	for _, m := range r.JSON200.Data {
		out[m.UserId] = m.Role
	}
	return out
}

// Who may see, change and join a room, per SPEC's Rooms section.
func TestRoomAuthorization(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 1000)
	ctx := context.Background()
	group := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	channel := tn.createRoom("alice", chatclient.RoomTypeChannel)
	dm := tn.createRoom("alice", chatclient.RoomTypeDm, "bob")

	type check struct {
		name string
		call func() (response, error)
		want int // status
		code string
	}
	as := tn.as
	checks := []check{
		{"member reads group", func() (response, error) { return as("bob").GetRoomWithResponse(ctx, group.RoomId) }, 200, ""},
		{"outsider reads group", func() (response, error) { return as("eve").GetRoomWithResponse(ctx, group.RoomId) }, 403, "AUTHORIZATION_ERROR"},
		{"outsider lists group members", func() (response, error) { return as("eve").ListMembersWithResponse(ctx, group.RoomId) }, 403, "AUTHORIZATION_ERROR"},
		{"outsider reads channel", func() (response, error) { return as("eve").GetRoomWithResponse(ctx, channel.RoomId) }, 200, ""},
		{"outsider lists channel members", func() (response, error) { return as("eve").ListMembersWithResponse(ctx, channel.RoomId) }, 200, ""},
		{"missing room", func() (response, error) { return as("alice").GetRoomWithResponse(ctx, "room_nope") }, 404, "NOT_FOUND"},
		{"member patches group", func() (response, error) {
			return as("bob").UpdateRoomWithResponse(ctx, group.RoomId, chatclient.UpdateRoomRequest{Name: ptr("x")})
		}, 403, "AUTHORIZATION_ERROR"},
		{"admin patches group", func() (response, error) {
			return as("alice").UpdateRoomWithResponse(ctx, group.RoomId, chatclient.UpdateRoomRequest{Name: ptr("Renamed")})
		}, 200, ""},
		{"dm member patches dm", func() (response, error) {
			return as("alice").UpdateRoomWithResponse(ctx, dm.RoomId, chatclient.UpdateRoomRequest{Name: ptr("x")})
		}, 403, "AUTHORIZATION_ERROR"},
		{"member adds to group", func() (response, error) {
			return as("bob").AddMemberWithResponse(ctx, group.RoomId, nil, chatclient.AddMemberRequest{UserId: "carol"})
		}, 403, "AUTHORIZATION_ERROR"},
		{"outsider joins group", func() (response, error) {
			return as("eve").AddMemberWithResponse(ctx, group.RoomId, nil, chatclient.AddMemberRequest{UserId: "eve"})
		}, 403, "AUTHORIZATION_ERROR"},
		{"admin adds to group", func() (response, error) {
			return as("alice").AddMemberWithResponse(ctx, group.RoomId, nil, chatclient.AddMemberRequest{UserId: "carol"})
		}, 201, ""},
		{"admin adds an existing member", func() (response, error) {
			return as("alice").AddMemberWithResponse(ctx, group.RoomId, nil, chatclient.AddMemberRequest{UserId: "bob"})
		}, 409, "CONFLICT"},
		{"anyone joins channel", func() (response, error) {
			return as("eve").AddMemberWithResponse(ctx, channel.RoomId, nil, chatclient.AddMemberRequest{UserId: "eve"})
		}, 201, ""},
		{"channel member adds someone else", func() (response, error) {
			return as("eve").AddMemberWithResponse(ctx, channel.RoomId, nil, chatclient.AddMemberRequest{UserId: "frank"})
		}, 403, "AUTHORIZATION_ERROR"},
		{"joiner asks to be channel admin", func() (response, error) {
			return as("gina").AddMemberWithResponse(ctx, channel.RoomId, nil, chatclient.AddMemberRequest{UserId: "gina", Role: ptr(chatclient.RoleAdmin)})
		}, 403, "AUTHORIZATION_ERROR"},
		{"channel admin adds anyone", func() (response, error) {
			return as("alice").AddMemberWithResponse(ctx, channel.RoomId, nil, chatclient.AddMemberRequest{UserId: "frank"})
		}, 201, ""},
		{"add to a dm", func() (response, error) {
			return as("alice").AddMemberWithResponse(ctx, dm.RoomId, nil, chatclient.AddMemberRequest{UserId: "carol"})
		}, 409, "CONFLICT"},
		{"leave a dm", func() (response, error) { return as("bob").RemoveMemberWithResponse(ctx, dm.RoomId, "bob") }, 409, "CONFLICT"},
		{"member removes another", func() (response, error) { return as("bob").RemoveMemberWithResponse(ctx, group.RoomId, "carol") }, 403, "AUTHORIZATION_ERROR"},
		{"admin removes a non-member", func() (response, error) { return as("alice").RemoveMemberWithResponse(ctx, group.RoomId, "zoe") }, 404, "NOT_FOUND"},
		{"admin removes a member", func() (response, error) { return as("alice").RemoveMemberWithResponse(ctx, group.RoomId, "carol") }, 200, ""},
		{"member leaves", func() (response, error) { return as("eve").RemoveMemberWithResponse(ctx, channel.RoomId, "eve") }, 200, ""},
		{"leaver reads channel still", func() (response, error) { return as("eve").GetRoomWithResponse(ctx, channel.RoomId) }, 200, ""},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			r, err := c.call()
			answered(t, r, err, c.want, c.code)
		})
	}

	// The effects: group has alice, bob (carol added then removed), channel
	// has alice and frank (eve joined then left), counts agree.
	for _, tc := range []struct {
		room string
		want []string
	}{
		{group.RoomId, []string{"alice", "bob"}},
		{channel.RoomId, []string{"alice", "frank"}},
	} {
		roles := memberRoles(t, as("alice"), tc.room)
		if len(roles) != len(tc.want) {
			t.Errorf("room %s members = %v, want %v", tc.room, roles, tc.want)
		}
		r, _ := as("alice").GetRoomWithResponse(ctx, tc.room)
		if r.JSON200 == nil || r.JSON200.Data.MemberCount != len(tc.want) {
			t.Errorf("member_count of %s: %s", tc.room, bodyOf(r))
		}
	}
	r, _ := as("alice").GetRoomWithResponse(ctx, group.RoomId)
	if r.JSON200 == nil || *r.JSON200.Data.Name != "Renamed" {
		t.Errorf("rename not stored: %s", bodyOf(r))
	}

	// Every change was announced, in order.
	var got []event.Type
	for _, ev := range e.events.Events() {
		got = append(got, ev.Type)
	}
	want := []event.Type{event.RoomUpdated, event.MemberJoined, event.MemberJoined, event.MemberJoined, event.MemberLeft, event.MemberLeft}
	if len(got) != len(want) {
		t.Fatalf("events = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d = %s, want %s", i, got[i], want[i])
		}
	}
}

// A request valid by the contract but refused because of the state of what
// it names is 409 CONFLICT, naming the input and the state (SPEC's "400 or
// 409"); 400 stays for requests wrong whatever the state.
func TestStateConflicts(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 1000)
	ctx := context.Background()
	dm := tn.createRoom("alice", chatclient.RoomTypeDm, "bob")
	group := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	tn.send("alice", group.RoomId, "hi")

	for _, tc := range []struct {
		name  string
		call  func() (response, error)
		want  refusal
		state string // a word of the message naming the state
	}{
		{"add to a dm", func() (response, error) {
			return tn.as("alice").AddMemberWithResponse(ctx, dm.RoomId, nil, chatclient.AddMemberRequest{UserId: "carol"})
		}, refusal{409, "CONFLICT", "room_id"}, "dm"},
		{"leave a dm", func() (response, error) { return tn.as("bob").RemoveMemberWithResponse(ctx, dm.RoomId, "bob") },
			refusal{409, "CONFLICT", "room_id"}, "dm"},
		{"remove the other user of a dm", func() (response, error) { return tn.as("alice").RemoveMemberWithResponse(ctx, dm.RoomId, "bob") },
			refusal{409, "CONFLICT", "room_id"}, "dm"},
		{"ack beyond the room's last_seq", func() (response, error) {
			return tn.as("bob").AckMessagesWithResponse(ctx, chatclient.AckRequest{RoomId: group.RoomId, Seq: 2})
		}, refusal{409, "CONFLICT", "seq"}, "last_seq"},
		{"add an existing member", func() (response, error) {
			return tn.as("alice").AddMemberWithResponse(ctx, group.RoomId, nil, chatclient.AddMemberRequest{UserId: "bob"})
		}, refusal{409, "CONFLICT", "user_id"}, "member"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tc.call()
			refused(t, r, err, tc.want)
			if !strings.Contains(string(r.GetBody()), tc.state) {
				t.Errorf("message does not name the state %q: %s", tc.state, r.GetBody())
			}
		})
	}
}

// Nothing of tenant A's is visible or changeable from tenant B: always 404.
func TestTenantIsolation(t *testing.T) {
	e := newEnv(t)
	a := e.newTenant("a", 1000)
	b := e.newTenant("b", 1000)
	ctx := context.Background()
	group := a.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	channel := a.createRoom("alice", chatclient.RoomTypeChannel)
	intruder := b.as("alice") // same user id, other tenant

	for _, room := range []chatclient.Room{group, channel} {
		for _, tc := range []struct {
			name string
			call func() (response, error)
		}{
			{"get", func() (response, error) { return intruder.GetRoomWithResponse(ctx, room.RoomId) }},
			{"patch", func() (response, error) {
				return intruder.UpdateRoomWithResponse(ctx, room.RoomId, chatclient.UpdateRoomRequest{Name: ptr("pwned")})
			}},
			{"list members", func() (response, error) { return intruder.ListMembersWithResponse(ctx, room.RoomId) }},
			{"join", func() (response, error) {
				return intruder.AddMemberWithResponse(ctx, room.RoomId, nil, chatclient.AddMemberRequest{UserId: "alice"})
			}},
			{"remove", func() (response, error) { return intruder.RemoveMemberWithResponse(ctx, room.RoomId, "bob") }},
		} {
			t.Run(string(room.Type)+" "+tc.name, func(t *testing.T) {
				r, err := tc.call()
				refused(t, r, err, refusal{404, "NOT_FOUND", ""})
			})
		}
	}
	list, err := intruder.ListRoomsWithResponse(ctx, nil)
	if err != nil || list.JSON200 == nil || len(list.JSON200.Data) != 0 {
		t.Errorf("tenant b lists a's rooms: %v %s", err, bodyOf(list))
	}
	// A dm of the same pair in another tenant is no conflict.
	a.createRoom("alice", chatclient.RoomTypeDm, "bob")
	b.createRoom("alice", chatclient.RoomTypeDm, "bob")
	// And a's room is untouched.
	r, _ := a.as("alice").GetRoomWithResponse(ctx, group.RoomId)
	if r.JSON200 == nil || r.JSON200.Data.Name != nil || r.JSON200.Data.MemberCount != 2 {
		t.Errorf("a's room changed: %s", bodyOf(r))
	}
}

func TestListRooms(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 1000)
	ctx := context.Background()
	first := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	second := tn.createRoom("alice", chatclient.RoomTypeChannel)
	third := tn.createRoom("alice", chatclient.RoomTypeDm, "bob")
	tn.createRoom("carol", chatclient.RoomTypeGroup) // not alice's

	ids := func(p *chatclient.ListRoomsParams) []string {
		t.Helper()
		r, err := tn.as("alice").ListRoomsWithResponse(ctx, p)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("list: %v %s", err, bodyOf(r))
		}
		var out []string
		for _, room := range r.JSON200.Data {
			if room.UnreadCount != 0 || room.LastMessage != nil {
				t.Errorf("new room %s has unread %d / last message %v", room.RoomId, room.UnreadCount, room.LastMessage)
			}
			out = append(out, room.RoomId)
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		params *chatclient.ListRoomsParams
		want   []string
	}{
		{"newest activity first", nil, []string{third.RoomId, second.RoomId, first.RoomId}},
		{"type filter", &chatclient.ListRoomsParams{Type: ptr(chatclient.RoomTypeGroup)}, []string{first.RoomId}},
		{"limit", &chatclient.ListRoomsParams{Limit: ptr(2)}, []string{third.RoomId, second.RoomId}},
		{"offset", &chatclient.ListRoomsParams{Limit: ptr(2), Offset: ptr(2)}, []string{first.RoomId}},
		{"offset past the end", &chatclient.ListRoomsParams{Offset: ptr(10)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(tc.params)
			if len(got) != len(tc.want) {
				t.Fatalf("rooms = %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("rooms = %v, want %v", got, tc.want)
					break
				}
			}
		})
	}
}
