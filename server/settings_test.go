package server_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/chatapi/chatapi/gen/chatclient"
)

func TestMemberSettings(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	other := e.newTenant("other", 100000)
	ctx := context.Background()
	a := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	b := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	h := map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice", "Content-Type": "application/json"}

	patch := func(t *testing.T, roomID, user, body string) (int, chatclient.MemberSettings, []byte) {
		t.Helper()
		status, _, raw := e.raw("PATCH", "/rooms/"+roomID+"/members/"+user, h, body)
		var env chatclient.MemberSettingsResponse
		if status == 200 {
			if err := json.Unmarshal(raw, &env); err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
		}
		return status, env.Data, raw
	}
	list := func(t *testing.T, archived *bool) ([]string, []chatclient.RoomSummary) {
		t.Helper()
		r, err := tn.as("alice").ListRoomsWithResponse(ctx, &chatclient.ListRoomsParams{Archived: archived})
		if err != nil || r.JSON200 == nil {
			t.Fatalf("list: %v %s", err, bodyOf(r))
		}
		var ids []string
		for _, room := range r.JSON200.Data {
			ids = append(ids, room.RoomId)
		}
		return ids, r.JSON200.Data
	}

	until := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	steps := []struct {
		name, room, user, body string
		check                  func(t *testing.T, ms chatclient.MemberSettings)
		wantList, wantArchived []string
	}{
		{"pin by me", a.RoomId, "me", `{"pinned":true}`, func(t *testing.T, ms chatclient.MemberSettings) {
			if !ms.Pinned || ms.Archived || ms.MutedUntil != nil || ms.RoomId != a.RoomId {
				t.Errorf("got %+v", ms)
			}
		}, []string{a.RoomId, b.RoomId}, nil},
		{"mute by own id", b.RoomId, "alice", `{"muted_until":"` + until.Format(time.RFC3339) + `"}`, func(t *testing.T, ms chatclient.MemberSettings) {
			if ms.MutedUntil == nil || !ms.MutedUntil.Equal(until) {
				t.Errorf("got %+v, want muted until %v", ms, until)
			}
		}, []string{a.RoomId, b.RoomId}, nil},
		{"absent muted_until stays", b.RoomId, "me", `{"pinned":false}`, func(t *testing.T, ms chatclient.MemberSettings) {
			if ms.MutedUntil == nil {
				t.Errorf("got %+v, want still muted", ms)
			}
		}, []string{a.RoomId, b.RoomId}, nil},
		{"null unmutes", b.RoomId, "me", `{"muted_until":null}`, func(t *testing.T, ms chatclient.MemberSettings) {
			if ms.MutedUntil != nil {
				t.Errorf("got %+v, want unmuted", ms)
			}
		}, []string{a.RoomId, b.RoomId}, nil},
		{"archive", a.RoomId, "me", `{"archived":true}`, func(t *testing.T, ms chatclient.MemberSettings) {
			if !ms.Archived || !ms.Pinned {
				t.Errorf("got %+v", ms)
			}
		}, []string{b.RoomId}, []string{a.RoomId}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			status, ms, raw := patch(t, st.room, st.user, st.body)
			if status != 200 {
				t.Fatalf("status %d %s", status, raw)
			}
			st.check(t, ms)
			if got, _ := list(t, nil); !slices.Equal(got, st.wantList) {
				t.Errorf("list: got %v, want %v", got, st.wantList)
			}
			if got, _ := list(t, new(true)); !slices.Equal(got, st.wantArchived) {
				t.Errorf("archived: got %v, want %v", got, st.wantArchived)
			}
		})
	}

	t.Run("a new message un-archives", func(t *testing.T) {
		if r, err := tn.as("bob").SendMessageWithResponse(ctx, a.RoomId, chatclient.SendMessageRequest{Content: "back"}); err != nil || r.JSON201 == nil {
			t.Fatalf("send: %v %s", err, bodyOf(r))
		}
		got, rooms := list(t, nil)
		if !slices.Equal(got, []string{a.RoomId, b.RoomId}) || rooms[0].Archived || !rooms[0].Pinned {
			t.Errorf("got %v %+v", got, rooms)
		}
		// bob's settings are his own: his list is by activity only.
		r, err := tn.as("bob").ListRoomsWithResponse(ctx, nil)
		if err != nil || r.JSON200 == nil || len(r.JSON200.Data) != 2 || r.JSON200.Data[0].Pinned {
			t.Errorf("bob: %v %s", err, bodyOf(r))
		}
	})

	t.Run("refusals", func(t *testing.T) {
		tests := []struct {
			name, room, user, body string
			want                   refusal
		}{
			{"another user's settings", a.RoomId, "bob", `{"pinned":true}`, refusal{403, "AUTHORIZATION_ERROR", ""}},
			{"empty change", a.RoomId, "me", `{}`, refusal{400, "VALIDATION_ERROR", ""}},
			{"not a time", a.RoomId, "me", `{"muted_until":"tomorrow"}`, refusal{400, "VALIDATION_ERROR", "muted_until"}},
			{"not a boolean", a.RoomId, "me", `{"pinned":"yes"}`, refusal{400, "VALIDATION_ERROR", "pinned"}},
			{"unknown field", a.RoomId, "me", `{"starred":true}`, refusal{400, "VALIDATION_ERROR", ""}},
			{"missing room", "room_00000000000000000000", "me", `{"pinned":true}`, refusal{404, "NOT_FOUND", ""}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				status, _, raw := patch(t, tt.room, tt.user, tt.body)
				checkRefusal(t, status, raw, tt.want)
			})
		}
		status, _, raw := e.raw("PATCH", "/rooms/"+a.RoomId+"/members/me", map[string]string{"X-API-Key": other.key, "X-User-Id": "alice", "Content-Type": "application/json"}, `{"pinned":true}`)
		checkRefusal(t, status, raw, refusal{404, "NOT_FOUND", ""})
	})
}
