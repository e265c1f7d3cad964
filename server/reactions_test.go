package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/chatapi/chatapi/gen/chatclient"
	"github.com/chatapi/chatapi/realtime"
)

// eventReader is a WebSocket connection of one user, read frame by frame.
type eventReader struct {
	t    *testing.T
	conn *websocket.Conn
}

// dialEvents connects user of tn to /ws (with query, e.g. a resume cursor).
func (tn tenant) dialEvents(ctx context.Context, t *testing.T, user string, query url.Values) *eventReader {
	t.Helper()
	u := "ws" + strings.TrimPrefix(tn.e.url, "http") + "/ws"
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	conn, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: http.Header{"X-API-Key": {tn.key}, "X-User-Id": {user}}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	return &eventReader{t: t, conn: conn}
}

// until reads frames until one of type last, and returns the log events
// among them (those with an event_seq) whose type is in types.
func (c *eventReader) until(ctx context.Context, last string, types ...string) []eventOut {
	c.t.Helper()
	var out []eventOut
	for {
		_, data, err := c.conn.Read(ctx)
		if err != nil {
			c.t.Fatalf("read (waiting for %s): %v", last, err)
		}
		var ev eventOut
		if err := json.Unmarshal(data, &ev); err != nil {
			c.t.Fatalf("frame %q: %v", data, err)
		}
		if ev.EventSeq > 0 && slices.Contains(types, ev.Type) {
			out = append(out, ev)
		}
		if ev.Type == last {
			return out
		}
	}
}

// reactionEvent is a reaction or pin event as clients get it.
type reactionEvent struct {
	Type      string           `json:"type"`
	EventSeq  int64            `json:"event_seq"`
	MessageID string           `json:"message_id"`
	UserID    string           `json:"user_id"`
	Reaction  string           `json:"reaction"`
	Counts    map[string]int64 `json:"counts"`
}

// Reactions and pins over HTTP, and their events: a live client gets each
// as it happens, a resuming client and /sync from the log, all three the
// same events in event_seq order.
func TestReactionsAndPins(t *testing.T) {
	e := newEnvWith(t, envOptions{hub: realHub(t, realtime.Config{})})
	tn := e.newTenant("acme", 100000)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob", "carol")
	m := tn.send("alice", room.RoomId, "react to me")
	cursor := tn.freshCursor("bob")
	live := tn.dialEvents(ctx, t, "bob", nil)
	live.until(ctx, "sync.complete")

	type step struct {
		name   string
		do     func() (int, []byte)
		path   string // the operation, for the contract check
		method string
		status int
	}
	reactionPath := "/rooms/{room_id}/messages/{message_id}/reactions/{type}"
	pinPath := "/rooms/{room_id}/pins/{message_id}"
	react := func(user, typ string) func() (int, []byte) {
		return func() (int, []byte) {
			r, err := tn.as(user).AddReactionWithResponse(ctx, room.RoomId, m.MessageId, typ)
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode(), r.Body
		}
	}
	unreact := func(user, typ string) func() (int, []byte) {
		return func() (int, []byte) {
			r, err := tn.as(user).RemoveReactionWithResponse(ctx, room.RoomId, m.MessageId, typ)
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode(), r.Body
		}
	}
	pin := func(user string, on bool) func() (int, []byte) {
		return func() (int, []byte) {
			if on {
				r, err := tn.as(user).AddPinWithResponse(ctx, room.RoomId, m.MessageId)
				if err != nil {
					t.Fatal(err)
				}
				return r.StatusCode(), r.Body
			}
			r, err := tn.as(user).RemovePinWithResponse(ctx, room.RoomId, m.MessageId)
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode(), r.Body
		}
	}
	edit := func() (int, []byte) {
		r, err := tn.as("alice").UpdateMessageWithResponse(ctx, room.RoomId, m.MessageId, chatclient.UpdateMessageRequest{Content: ptr("edited")})
		if err != nil {
			t.Fatal(err)
		}
		return r.StatusCode(), r.Body
	}
	steps := []step{
		{"bob reacts", react("bob", "👍"), reactionPath, http.MethodPut, http.StatusCreated},
		{"bob again", react("bob", "👍"), reactionPath, http.MethodPut, http.StatusOK},
		{"carol reacts", react("carol", "👍"), reactionPath, http.MethodPut, http.StatusCreated},
		{"carol a shortcode", react("carol", ":tada:"), reactionPath, http.MethodPut, http.StatusCreated},
		{"carol takes one back", unreact("carol", "👍"), reactionPath, http.MethodDelete, http.StatusOK},
		{"carol again", unreact("carol", "👍"), reactionPath, http.MethodDelete, http.StatusOK},
		{"alice pins", pin("alice", true), pinPath, http.MethodPut, http.StatusCreated},
		{"alice pins again", pin("alice", true), pinPath, http.MethodPut, http.StatusOK},
		{"alice edits", edit, "/rooms/{room_id}/messages/{message_id}", http.MethodPatch, http.StatusOK},
	}
	for _, s := range steps {
		status, body := s.do()
		if status != s.status {
			t.Fatalf("%s: %d %s, want %d", s.name, status, body, s.status)
		}
		conforms(t, s.method, s.path, status, body)
	}

	// The edit kept the reactions and the pin.
	list, err := tn.as("bob").ListMessagesWithResponse(ctx, room.RoomId, &chatclient.ListMessagesParams{})
	if err != nil || list.JSON200 == nil || len(list.JSON200.Data) != 1 {
		t.Fatalf("list: %v %s", err, bodyOf(list))
	}
	conforms(t, http.MethodGet, "/rooms/{room_id}/messages", list.StatusCode(), list.Body)
	got := list.JSON200.Data[0]
	if got.Content != "edited" || got.Reactions == nil ||
		fmt.Sprint(got.Reactions.Counts) != fmt.Sprint(map[string]int64{"👍": 1, ":tada:": 1}) || !slices.Equal(got.Reactions.Own, []string{"👍"}) {
		t.Errorf("bob's listing after the edit: %s", list.Body)
	}
	pins, err := tn.as("carol").ListPinsWithResponse(ctx, room.RoomId)
	if err != nil || pins.JSON200 == nil || len(pins.JSON200.Data) != 1 {
		t.Fatalf("pins: %v %s", err, bodyOf(pins))
	}
	conforms(t, http.MethodGet, "/rooms/{room_id}/pins", pins.StatusCode(), pins.Body)
	if p := pins.JSON200.Data[0]; p.PinnedBy != "alice" || p.Message.Content != "edited" || p.Message.Reactions == nil || !slices.Equal(p.Message.Reactions.Own, []string{":tada:"}) {
		t.Errorf("carol's pins: %s", pins.Body)
	}
	who, err := tn.as("carol").ListReactionsWithResponse(ctx, room.RoomId, m.MessageId, &chatclient.ListReactionsParams{})
	if err != nil || who.JSON200 == nil {
		t.Fatalf("who reacted: %v %s", err, bodyOf(who))
	}
	conforms(t, http.MethodGet, "/rooms/{room_id}/messages/{message_id}/reactions", who.StatusCode(), who.Body)
	if len(who.JSON200.Data) != 2 || who.JSON200.Data[0].UserId != "bob" || who.JSON200.Data[1].Type != ":tada:" {
		t.Errorf("who reacted: %s", who.Body)
	}
	if status, body := pin("alice", false)(); status != http.StatusOK {
		t.Fatalf("unpin: %d %s", status, body)
	}
	// The marker: a message after everything, so the live client knows it
	// has seen all.
	tn.send("alice", room.RoomId, "the end")

	types := []string{"reaction.added", "reaction.removed", "pin.added", "pin.removed", "message.updated", "message"}
	want := []string{
		"5 reaction.added", "6 reaction.added", "7 reaction.added", "8 reaction.removed",
		"9 pin.added", `10 message.updated #1 "edited"`, "11 pin.removed", `12 message #2 "the end"`,
	}
	if got := strs(live.until(ctx, "message", types...)); !slices.Equal(got, want) {
		t.Errorf("live client got %q, want %q", got, want)
	}
	resumed := tn.dialEvents(ctx, t, "bob", url.Values{"cursor": {cursor}})
	if got := strs(resumed.until(ctx, "sync.complete", types...)); !slices.Equal(got, want) {
		t.Errorf("resuming client got %q, want %q", got, want)
	}
	synced, _ := tn.syncAll("bob", cursor)
	if got := strs(synced); !slices.Equal(got, want) {
		t.Errorf("sync got %q, want %q", got, want)
	}

	// The events' bodies, as the log serves them.
	_, _, body := tn.roomEvents("bob", room.RoomId, ptr(int64(4)), ptr(4))
	var page struct {
		Data []reactionEvent `json:"data"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatal(err)
	}
	wantBodies := []string{"bob 👍 map[👍:1]", "carol 👍 map[👍:2]", "carol :tada: map[:tada::1 👍:2]", "carol 👍 map[:tada::1 👍:1]"}
	for i, ev := range page.Data {
		if got := fmt.Sprintf("%s %s %v", ev.UserID, ev.Reaction, ev.Counts); ev.MessageID != m.MessageId || got != wantBodies[i] {
			t.Errorf("event %d: %s, want %s", ev.EventSeq, got, wantBodies[i])
		}
	}
}

// The refusals of the new endpoints, each with its SPEC code, and tenant
// isolation: another tenant's room and message ids are 404 everywhere.
func TestReactionAndPinRefusals(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	other := e.newTenant("other", 100000)
	ctx := context.Background()
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	m := tn.send("alice", room.RoomId, "hi")
	theirs := other.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	theirMsg := other.send("alice", theirs.RoomId, "theirs")
	for i := range 20 {
		if r, err := tn.as("bob").AddReactionWithResponse(ctx, room.RoomId, m.MessageId, fmt.Sprintf("r%d", i)); err != nil || r.StatusCode() != http.StatusCreated {
			t.Fatalf("reaction %d: %v %s", i, err, bodyOf(r))
		}
	}

	reactions := func(roomID, msgID string) string { return "/rooms/" + roomID + "/messages/" + msgID + "/reactions" }
	pins := func(roomID string) string { return "/rooms/" + roomID + "/pins" }
	for _, tc := range []struct {
		name, method, path, op string
		as                     *tenant
		user                   string
		want                   refusal
	}{
		{"type too long", http.MethodPut, reactions(room.RoomId, m.MessageId) + "/" + strings.Repeat("x", 33), "/rooms/{room_id}/messages/{message_id}/reactions/{type}", &tn, "alice", refusal{400, "VALIDATION_ERROR", "type"}},
		{"type with a space", http.MethodPut, reactions(room.RoomId, m.MessageId) + "/a%20b", "/rooms/{room_id}/messages/{message_id}/reactions/{type}", &tn, "alice", refusal{400, "VALIDATION_ERROR", "type"}},
		{"type with an ideographic space", http.MethodPut, reactions(room.RoomId, m.MessageId) + "/a%E3%80%80b", "/rooms/{room_id}/messages/{message_id}/reactions/{type}", &tn, "alice", refusal{400, "VALIDATION_ERROR", "type"}},
		{"21st type", http.MethodPut, reactions(room.RoomId, m.MessageId) + "/one-more", "/rooms/{room_id}/messages/{message_id}/reactions/{type}", &tn, "bob", refusal{409, "CONFLICT", "type"}},
		{"not a member reacts", http.MethodPut, reactions(room.RoomId, m.MessageId) + "/x", "/rooms/{room_id}/messages/{message_id}/reactions/{type}", &tn, "zoe", refusal{403, "AUTHORIZATION_ERROR", ""}},
		{"not a member lists", http.MethodGet, reactions(room.RoomId, m.MessageId), "/rooms/{room_id}/messages/{message_id}/reactions", &tn, "zoe", refusal{403, "AUTHORIZATION_ERROR", ""}},
		{"a member may not pin in a group", http.MethodPut, pins(room.RoomId) + "/" + m.MessageId, "/rooms/{room_id}/pins/{message_id}", &tn, "bob", refusal{403, "AUTHORIZATION_ERROR", ""}},
		{"not a member lists pins", http.MethodGet, pins(room.RoomId), "/rooms/{room_id}/pins", &tn, "zoe", refusal{403, "AUTHORIZATION_ERROR", ""}},
		{"limit over 100", http.MethodGet, reactions(room.RoomId, m.MessageId) + "?limit=101", "/rooms/{room_id}/messages/{message_id}/reactions", &tn, "alice", refusal{400, "VALIDATION_ERROR", "limit"}},
		// Tenant isolation: the other tenant's ids, from this tenant.
		{"their room: react", http.MethodPut, reactions(theirs.RoomId, theirMsg.MessageId) + "/x", "/rooms/{room_id}/messages/{message_id}/reactions/{type}", &tn, "alice", refusal{404, "NOT_FOUND", ""}},
		{"their room: unreact", http.MethodDelete, reactions(theirs.RoomId, theirMsg.MessageId) + "/x", "/rooms/{room_id}/messages/{message_id}/reactions/{type}", &tn, "alice", refusal{404, "NOT_FOUND", ""}},
		{"their room: who reacted", http.MethodGet, reactions(theirs.RoomId, theirMsg.MessageId), "/rooms/{room_id}/messages/{message_id}/reactions", &tn, "alice", refusal{404, "NOT_FOUND", ""}},
		{"their room: pin", http.MethodPut, pins(theirs.RoomId) + "/" + theirMsg.MessageId, "/rooms/{room_id}/pins/{message_id}", &tn, "alice", refusal{404, "NOT_FOUND", ""}},
		{"their room: unpin", http.MethodDelete, pins(theirs.RoomId) + "/" + theirMsg.MessageId, "/rooms/{room_id}/pins/{message_id}", &tn, "alice", refusal{404, "NOT_FOUND", ""}},
		{"their room: pins", http.MethodGet, pins(theirs.RoomId), "/rooms/{room_id}/pins", &tn, "alice", refusal{404, "NOT_FOUND", ""}},
		{"their message in our room: react", http.MethodPut, reactions(room.RoomId, theirMsg.MessageId) + "/x", "/rooms/{room_id}/messages/{message_id}/reactions/{type}", &tn, "alice", refusal{404, "NOT_FOUND", ""}},
		{"their message in our room: unreact", http.MethodDelete, reactions(room.RoomId, theirMsg.MessageId) + "/x", "/rooms/{room_id}/messages/{message_id}/reactions/{type}", &tn, "alice", refusal{404, "NOT_FOUND", ""}},
		{"their message in our room: who reacted", http.MethodGet, reactions(room.RoomId, theirMsg.MessageId), "/rooms/{room_id}/messages/{message_id}/reactions", &tn, "alice", refusal{404, "NOT_FOUND", ""}},
		{"their message in our room: pin", http.MethodPut, pins(room.RoomId) + "/" + theirMsg.MessageId, "/rooms/{room_id}/pins/{message_id}", &tn, "alice", refusal{404, "NOT_FOUND", ""}},
		{"their message in our room: unpin", http.MethodDelete, pins(room.RoomId) + "/" + theirMsg.MessageId, "/rooms/{room_id}/pins/{message_id}", &tn, "alice", refusal{404, "NOT_FOUND", ""}},
		{"our ids from their tenant: react", http.MethodPut, reactions(room.RoomId, m.MessageId) + "/x", "/rooms/{room_id}/messages/{message_id}/reactions/{type}", &other, "alice", refusal{404, "NOT_FOUND", ""}},
		{"our ids from their tenant: pins", http.MethodGet, pins(room.RoomId), "/rooms/{room_id}/pins", &other, "alice", refusal{404, "NOT_FOUND", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, raw := e.raw(tc.method, tc.path, map[string]string{"X-API-Key": tc.as.key, "X-User-Id": tc.user}, "")
			checkRefusal(t, status, raw, tc.want)
			conforms(t, tc.method, tc.op, status, raw)
		})
	}
	// Nothing of the above changed their message.
	list, err := other.as("bob").ListMessagesWithResponse(ctx, theirs.RoomId, &chatclient.ListMessagesParams{})
	if err != nil || list.JSON200 == nil || len(list.JSON200.Data) != 1 || len(list.JSON200.Data[0].Reactions.Counts) != 0 {
		t.Errorf("their message: %v %s", err, bodyOf(list))
	}
}

// A profile change reaches, live, the users who share a room with its user
// (and the user's own connections), not the others.
func TestUserUpdatedReachesRoomPeers(t *testing.T) {
	e := newEnvWith(t, envOptions{hub: realHub(t, realtime.Config{})})
	tn := e.newTenant("acme", 100000)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	tn.createRoom("carol", chatclient.RoomTypeGroup, "dave")
	conns := map[string]*eventReader{}
	for _, u := range []string{"alice", "bob", "carol"} {
		conns[u] = tn.dialEvents(ctx, t, u, nil)
		conns[u].until(ctx, "sync.complete")
	}
	name := "Alice L."
	r, err := tn.as("alice").PatchUserWithResponse(ctx, "alice", chatclient.PatchUserJSONRequestBody{DisplayName: &name})
	if err != nil || r.JSON200 == nil {
		t.Fatalf("patch: %v %s", err, bodyOf(r))
	}
	// A message after it, to every member of the room: what comes before it
	// on a connection is all the change sent there.
	tn.send("bob", room.RoomId, "marker")
	for user, want := range map[string]bool{"alice": true, "bob": true} {
		var got []map[string]any
		for {
			_, data, err := conns[user].conn.Read(ctx)
			if err != nil {
				t.Fatalf("%s: read: %v", user, err)
			}
			var f map[string]any
			if err := json.Unmarshal(data, &f); err != nil {
				t.Fatal(err)
			}
			if f["type"] == "message" {
				break
			}
			if f["type"] == "user.updated" {
				got = append(got, f)
			}
		}
		if want != (len(got) == 1) || (len(got) == 1 && (got[0]["user_id"] != "alice" || got[0]["display_name"] != name)) {
			t.Errorf("%s got %v", user, got)
		}
	}
	// carol shares no room with alice: a change of her own is the first
	// user.updated she sees.
	if _, err := tn.as("dave").PatchUserWithResponse(ctx, "dave", chatclient.PatchUserJSONRequestBody{DisplayName: &name}); err != nil {
		t.Fatal(err)
	}
	for {
		_, data, err := conns["carol"].conn.Read(ctx)
		if err != nil {
			t.Fatalf("carol: read: %v", err)
		}
		var f map[string]any
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatal(err)
		}
		if f["type"] == "user.updated" {
			if f["user_id"] != "dave" {
				t.Errorf("carol got %v, want dave's change only", f)
			}
			break
		}
	}
}
