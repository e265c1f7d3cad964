package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/gen/chatclient"
)

// eventOut is a room event as the API sends it, decoded loosely.
type eventOut struct {
	Type      string  `json:"type"`
	RoomID    string  `json:"room_id"`
	EventSeq  int64   `json:"event_seq"`
	Seq       int64   `json:"seq"`
	MessageID string  `json:"message_id"`
	Content   *string `json:"content"`
	UserID    string  `json:"user_id"`
	Room      *struct {
		RoomID string `json:"room_id"`
	} `json:"room"`
}

// String is the event as "event_seq type subject", for comparing lists.
func (e eventOut) String() string {
	switch e.Type {
	case "message", "message.updated", "message.deleted":
		c := ""
		if e.Content != nil {
			c = *e.Content
		}
		return fmt.Sprintf("%d %s #%d %q", e.EventSeq, e.Type, e.Seq, c)
	case "member.joined", "member.left":
		return fmt.Sprintf("%d %s %s", e.EventSeq, e.Type, e.UserID)
	}
	return fmt.Sprintf("%d %s", e.EventSeq, e.Type)
}

func strs[T fmt.Stringer](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.String()
	}
	return out
}

// specOnce is openapi.yaml as the server embeds it.
var specOnce = sync.OnceValues(chatapi.GetSwagger)

// conforms checks that body is what openapi.yaml says operation method path
// answers with status.
func conforms(t *testing.T, method, path string, status int, body []byte) {
	t.Helper()
	spec, err := specOnce()
	if err != nil {
		t.Fatal(err)
	}
	op := spec.Paths.Find(path).GetOperation(method)
	resp := op.Responses.Status(status)
	if resp == nil {
		t.Fatalf("%s %s documents no %d", method, path, status)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("body is not JSON: %s", body)
	}
	if err := resp.Value.Content.Get("application/json").Schema.Value.VisitJSON(v, openapi3.MultiErrors()); err != nil {
		t.Errorf("%s %s %d does not match the contract: %v\n%s", method, path, status, err, body)
	}
}

// roomEvents reads GET /rooms/{room_id}/events as user and checks the answer
// against the contract.
func (tn tenant) roomEvents(user, roomID string, after *int64, limit *int) (int, []eventOut, []byte) {
	tn.e.t.Helper()
	r, err := tn.as(user).ListRoomEventsWithResponse(context.Background(), roomID, &chatclient.ListRoomEventsParams{After: after, Limit: limit})
	if err != nil {
		tn.e.t.Fatalf("list room events: %v", err)
	}
	t := tn.e.t.(*testing.T)
	conforms(t, http.MethodGet, "/rooms/{room_id}/events", r.StatusCode(), r.Body)
	var env struct {
		Data []eventOut `json:"data"`
	}
	if r.StatusCode() == http.StatusOK {
		if err := json.Unmarshal(r.Body, &env); err != nil {
			t.Fatalf("decode: %v", err)
		}
	}
	return r.StatusCode(), env.Data, r.Body
}

// syncOut is the data of a GET /sync answer.
type syncOut struct {
	Events     []eventOut `json:"events"`
	NextCursor string     `json:"next_cursor"`
	HasMore    bool       `json:"has_more"`
}

// sync calls GET /sync as user and checks the answer against the contract.
func (tn tenant) sync(user string, cursor *string, limit *int) (int, syncOut, []byte) {
	tn.e.t.Helper()
	t := tn.e.t.(*testing.T)
	r, err := tn.as(user).SyncWithResponse(context.Background(), &chatclient.SyncParams{Cursor: cursor, Limit: limit})
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	conforms(t, http.MethodGet, "/sync", r.StatusCode(), r.Body)
	var env struct {
		Data syncOut `json:"data"`
	}
	if r.StatusCode() == http.StatusOK {
		if err := json.Unmarshal(r.Body, &env); err != nil {
			t.Fatalf("decode: %v", err)
		}
	}
	return r.StatusCode(), env.Data, r.Body
}

// syncAll pages GET /sync from cursor to the end.
func (tn tenant) syncAll(user, cursor string) ([]eventOut, string) {
	tn.e.t.Helper()
	var all []eventOut
	for {
		status, page, body := tn.sync(user, &cursor, nil)
		if status != http.StatusOK {
			tn.e.t.Fatalf("sync: %d %s", status, body)
		}
		all, cursor = append(all, page.Events...), page.NextCursor
		if !page.HasMore {
			return all, cursor
		}
	}
}

// freshCursor is the cursor GET /sync gives without one.
func (tn tenant) freshCursor(user string) string {
	tn.e.t.Helper()
	status, page, body := tn.sync(user, nil, nil)
	if status != http.StatusOK || len(page.Events) != 0 || page.HasMore || page.NextCursor == "" {
		tn.e.t.Fatalf("sync without a cursor: %d %s", status, body)
	}
	return page.NextCursor
}

func TestRoomEvents(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	other := e.newTenant("other", 100000)
	ctx := context.Background()
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	channel := tn.createRoom("alice", chatclient.RoomTypeChannel)
	m := tn.send("alice", room.RoomId, "hello")
	if _, err := tn.as("alice").UpdateMessageWithResponse(ctx, room.RoomId, m.MessageId, chatclient.UpdateMessageRequest{Content: ptr("hello!")}); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.as("alice").AddMemberWithResponse(ctx, room.RoomId, nil, chatclient.AddMemberRequest{UserId: "carol"}); err != nil {
		t.Fatal(err)
	}
	name := "Apollo"
	if _, err := tn.as("alice").UpdateRoomWithResponse(ctx, room.RoomId, chatclient.UpdateRoomRequest{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.as("carol").RemoveMemberWithResponse(ctx, room.RoomId, "carol"); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.as("alice").DeleteMessageWithResponse(ctx, room.RoomId, m.MessageId); err != nil {
		t.Fatal(err)
	}

	status, events, body := tn.roomEvents("bob", room.RoomId, nil, nil)
	want := []string{
		"1 member.joined alice", "2 member.joined bob",
		`3 message #1 ""`, `4 message.updated #1 ""`, // the message is deleted since
		"5 member.joined carol", "6 room.updated", "7 member.left carol",
		`8 message.deleted #1 ""`,
	}
	if status != http.StatusOK || !slices.Equal(strs(events), want) {
		t.Fatalf("events = %d %q, want %q\n%s", status, strs(events), want, body)
	}
	if j := events[4]; j.Room == nil || j.Room.RoomID != room.RoomId {
		t.Errorf("carol's member.joined carries no room: %s", body)
	}

	after, limit := int64(2), 3
	if status, page, body := tn.roomEvents("bob", room.RoomId, &after, &limit); status != http.StatusOK || !slices.Equal(strs(page), want[2:5]) {
		t.Errorf("after 2, limit 3 = %d %q, want %q\n%s", status, strs(page), want[2:5], body)
	}
	// A channel's log is open to every user of the tenant, as its messages.
	if status, page, body := tn.roomEvents("zoe", channel.RoomId, nil, nil); status != http.StatusOK || len(page) != 1 {
		t.Errorf("channel log for a non-member = %d %s", status, body)
	}

	for _, tc := range []struct {
		name  string
		path  string
		user  string
		as    *tenant
		want  refusal
		query url.Values
	}{
		{"not a member", "/rooms/" + room.RoomId + "/events", "zoe", &tn, refusal{403, "AUTHORIZATION_ERROR", ""}, nil},
		{"another tenant", "/rooms/" + room.RoomId + "/events", "alice", &other, refusal{404, "NOT_FOUND", ""}, nil},
		{"no such room", "/rooms/room_nope/events", "alice", &tn, refusal{404, "NOT_FOUND", ""}, nil},
		{"limit over 500", "/rooms/" + room.RoomId + "/events", "alice", &tn, refusal{400, "VALIDATION_ERROR", "limit"}, url.Values{"limit": {"501"}}},
		{"negative after", "/rooms/" + room.RoomId + "/events", "alice", &tn, refusal{400, "VALIDATION_ERROR", "after"}, url.Values{"after": {"-1"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if tc.query != nil {
				path += "?" + tc.query.Encode()
			}
			status, _, raw := e.raw(http.MethodGet, path, map[string]string{"X-API-Key": tc.as.key, "X-User-Id": tc.user}, "")
			checkRefusal(t, status, raw, tc.want)
			conforms(t, http.MethodGet, "/rooms/{room_id}/events", status, raw)
		})
	}
}

func TestSync(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	ctx := context.Background()

	t.Run("edits and deletes made while away, in order", func(t *testing.T) {
		room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
		var msgs []chatclient.Message
		for i := range 10 {
			msgs = append(msgs, tn.send("alice", room.RoomId, fmt.Sprintf("m%d", i+1)))
		}
		// bob has read up to seq 10, keeps his cursor and goes away.
		if r, err := tn.as("bob").AckMessagesWithResponse(ctx, chatclient.AckRequest{RoomId: room.RoomId, Seq: 10}); err != nil || r.JSON200 == nil {
			t.Fatalf("ack: %v %s", err, bodyOf(r))
		}
		cursor := tn.freshCursor("bob")
		if r, err := tn.as("alice").UpdateMessageWithResponse(ctx, room.RoomId, msgs[4].MessageId, chatclient.UpdateMessageRequest{Content: ptr("m5 (edited)")}); err != nil || r.JSON200 == nil {
			t.Fatalf("edit: %v %s", err, bodyOf(r))
		}
		if r, err := tn.as("alice").DeleteMessageWithResponse(ctx, room.RoomId, msgs[5].MessageId); err != nil || r.JSON200 == nil {
			t.Fatalf("delete: %v %s", err, bodyOf(r))
		}
		got, next := tn.syncAll("bob", cursor)
		if want := []string{`13 message.updated #5 "m5 (edited)"`, `14 message.deleted #6 ""`}; !slices.Equal(strs(got), want) {
			t.Errorf("sync = %q, want %q", strs(got), want)
		}
		if again, _ := tn.syncAll("bob", next); len(again) != 0 {
			t.Errorf("sync from next_cursor = %q, want nothing", strs(again))
		}
	})

	t.Run("rooms joined and left while away", func(t *testing.T) {
		tn := e.newTenant("away", 100000)
		left := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
		cursor := tn.freshCursor("bob")
		joined := tn.createRoom("alice", chatclient.RoomTypeGroup, "carol")
		tn.send("alice", joined.RoomId, "before bob")
		if r, err := tn.as("alice").AddMemberWithResponse(ctx, joined.RoomId, nil, chatclient.AddMemberRequest{UserId: "bob"}); err != nil || r.JSON201 == nil {
			t.Fatalf("add bob: %v %s", err, bodyOf(r))
		}
		tn.send("carol", joined.RoomId, "hi bob")
		tn.send("alice", left.RoomId, "bye")
		if r, err := tn.as("alice").RemoveMemberWithResponse(ctx, left.RoomId, "bob"); err != nil || r.JSON200 == nil {
			t.Fatalf("remove bob: %v %s", err, bodyOf(r))
		}
		tn.send("alice", left.RoomId, "bob is gone")

		got, next := tn.syncAll("bob", cursor)
		want := []string{`3 message #1 "bye"`, "4 member.left bob", "4 member.joined bob", `5 message #2 "hi bob"`}
		if !slices.Equal(strs(got), want) {
			t.Fatalf("sync = %q, want %q", strs(got), want)
		}
		if got[2].RoomID != joined.RoomId || got[2].Room == nil || got[2].Room.RoomID != joined.RoomId {
			t.Errorf("bob's member.joined does not carry the room: %+v", got[2])
		}
		tn.send("alice", left.RoomId, "still gone")
		if again, _ := tn.syncAll("bob", next); len(again) != 0 {
			t.Errorf("sync from next_cursor = %q, want nothing of the room bob left", strs(again))
		}
	})

	t.Run("pages", func(t *testing.T) {
		tn := e.newTenant("pages", 100000)
		var rooms []string
		for range 3 {
			rooms = append(rooms, tn.createRoom("alice", chatclient.RoomTypeGroup, "bob").RoomId)
		}
		cursor := tn.freshCursor("bob")
		for i := range 7 {
			for _, r := range rooms {
				tn.send("alice", r, fmt.Sprintf("m%d", i))
			}
		}
		limit := 4
		var got []eventOut
		for pages := 0; ; pages++ {
			status, page, body := tn.sync("bob", &cursor, &limit)
			if status != http.StatusOK || len(page.Events) > limit {
				t.Fatalf("page %d: %d %s", pages, status, body)
			}
			got, cursor = append(got, page.Events...), page.NextCursor
			if !page.HasMore {
				break
			}
		}
		if len(got) != 21 {
			t.Fatalf("synced %d events, want 21", len(got))
		}
		for i, ev := range got {
			if ev.RoomID != rooms[i/7] || ev.EventSeq != int64(3+i%7) {
				t.Fatalf("event %d = %s of %s, want event %d of room %d", i, ev, ev.RoomID, 3+i%7, i/7)
			}
		}
	})

	t.Run("a cursor past the retention", func(t *testing.T) {
		tn := e.newTenant("retention", 100000)
		room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
		cursor := tn.freshCursor("bob")
		name := "long ago"
		if r, err := tn.as("alice").UpdateRoomWithResponse(ctx, room.RoomId, chatclient.UpdateRoomRequest{Name: &name}); err != nil || r.JSON200 == nil {
			t.Fatalf("rename: %v %s", err, bodyOf(r))
		}
		e.advanceStore(31 * 24 * time.Hour)
		if _, err := e.store.PruneEvents(ctx, time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), 0); err != nil {
			t.Fatal(err)
		}
		status, _, body := tn.sync("bob", &cursor, nil)
		checkRefusal(t, status, body, refusal{http.StatusGone, "SYNC_RESET_REQUIRED", ""})
		var env envelope
		if err := json.Unmarshal(body, &env); err != nil || env.Error == nil {
			t.Fatalf("410 body: %s", body)
		}
		fresh, ok := env.Error.Details["cursor"].(string)
		if !ok || fresh == "" {
			t.Fatalf("410 without details.cursor: %s", body)
		}
		after := int64(1)
		status, _, body = tn.roomEvents("bob", room.RoomId, &after, nil)
		checkRefusal(t, status, body, refusal{http.StatusGone, "SYNC_RESET_REQUIRED", ""})

		tn.send("alice", room.RoomId, "after the reset")
		got, _ := tn.syncAll("bob", fresh)
		if want := []string{`4 message #1 "after the reset"`}; !slices.Equal(strs(got), want) {
			t.Errorf("sync from details.cursor = %q, want %q", strs(got), want)
		}
	})

	t.Run("malformed cursors", func(t *testing.T) {
		for _, cursor := range []string{"garbage", "v1.1-", "v2", "v1.A-1", "v1.1-5.", ""} {
			t.Run(cursor, func(t *testing.T) {
				status, _, raw := e.raw(http.MethodGet, "/sync?"+url.Values{"cursor": {cursor}}.Encode(),
					map[string]string{"X-API-Key": tn.key, "X-User-Id": "bob"}, "")
				checkRefusal(t, status, raw, refusal{400, "VALIDATION_ERROR", "cursor"})
			})
		}
	})
}
