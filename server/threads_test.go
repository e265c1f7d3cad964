package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/chatapi/chatapi/gen/chatclient"
	"github.com/chatapi/chatapi/realtime"
)

// wsClient is a WebSocket connection of one user, reading frames loosely.
type wsClient struct {
	t    *testing.T
	ctx  context.Context
	conn *websocket.Conn
	// held are frames read while waiting for another type, in order.
	held []map[string]any
}

func (tn tenant) dial(t *testing.T, ctx context.Context, user, query string) *wsClient {
	t.Helper()
	h := http.Header{}
	h.Set("X-API-Key", tn.key)
	h.Set("X-User-Id", user)
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(tn.e.url, "http")+"/ws"+query, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		t.Fatalf("dial as %s: %v", user, err)
	}
	t.Cleanup(func() { _ = c.CloseNow() })
	return &wsClient{t: t, ctx: ctx, conn: c}
}

// next returns the first frame whose type is in types (any when none),
// holding the others read meanwhile for later calls.
func (w *wsClient) next(types ...string) map[string]any {
	w.t.Helper()
	match := func(ev map[string]any) bool { return len(types) == 0 || slices.Contains(types, ev["type"].(string)) }
	for i, ev := range w.held {
		if match(ev) {
			w.held = slices.Delete(w.held, i, i+1)
			return ev
		}
	}
	for {
		_, data, err := w.conn.Read(w.ctx)
		if err != nil {
			w.t.Fatalf("read: %v", err)
		}
		var ev map[string]any
		if err := json.Unmarshal(data, &ev); err != nil {
			w.t.Fatalf("frame %q: %v", data, err)
		}
		if match(ev) {
			return ev
		}
		w.held = append(w.held, ev)
	}
}

func (w *wsClient) send(frame map[string]any) {
	w.t.Helper()
	b, _ := json.Marshal(frame)
	if err := w.conn.Write(w.ctx, websocket.MessageText, b); err != nil {
		w.t.Fatalf("write: %v", err)
	}
}

// roomEventTypes are the frames of a room's log, in event_seq order.
var roomEventTypes = []string{"message", "message.updated", "message.deleted", "thread.updated", "member.joined", "member.left", "room.updated"}

// Threads, quotes and mentions over REST and WebSocket, with the real hub:
// a reply's thread.updated reaches a live client and a resuming one right
// after the reply, in event_seq order; the refusals are the SPEC's on both
// transports; a mention notifies once, and not a member who muted the room.
func TestThreadsQuotesMentions(t *testing.T) {
	e := newEnvWith(t, envOptions{hub: realHub(t, realtime.Config{})})
	tn := e.newTenant("acme", 100000)
	other := e.newTenant("other", 100000)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob", "carol")
	otherRoom := other.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	cursor := tn.freshCursor("carol")

	live := tn.dial(t, ctx, "bob", "")
	if ev := live.next(); ev["type"] != "sync.complete" {
		t.Fatalf("first frame %v, want sync.complete", ev)
	}
	parent := tn.send("alice", room.RoomId, "shall we ship on Friday?")

	// bob replies over WebSocket, quoting the parent and mentioning alice.
	live.send(map[string]any{"type": "send_message", "request_id": "r1", "room_id": room.RoomId, "content": "yes",
		"parent_id": parent.MessageId, "quoted_id": parent.MessageId, "mentions": []string{"alice"}})
	sent := live.next("message.sent", "error")
	if sent["type"] != "message.sent" {
		t.Fatalf("reply over WebSocket: %v", sent)
	}
	// carol replies over REST.
	r2, err := tn.as("carol").SendMessageWithResponse(ctx, room.RoomId, chatclient.SendMessageRequest{Content: "no", ParentId: &parent.MessageId})
	if err != nil || r2.JSON201 == nil {
		t.Fatalf("reply over REST: %v %s", err, bodyOf(r2))
	}
	if r2.JSON201.Data.ParentId == nil || *r2.JSON201.Data.ParentId != parent.MessageId {
		t.Errorf("reply %s has no parent", r2.Body)
	}

	wantOrder := func(t *testing.T, name string, evs []map[string]any) {
		t.Helper()
		var got []string
		last := 0.0
		for _, ev := range evs {
			seq, _ := ev["event_seq"].(float64)
			if seq <= last {
				t.Errorf("%s: event_seq %v after %v", name, seq, last)
			}
			last = seq
			s := ev["type"].(string)
			if s == "thread.updated" {
				th := ev["thread"].(map[string]any)
				s += " " + ev["message_id"].(string) + " " + strings.Repeat("+", int(th["reply_count"].(float64)))
			} else {
				s += " " + ev["message_id"].(string)
			}
			got = append(got, s)
		}
		want := []string{
			"message " + parent.MessageId,
			"message " + sent["message_id"].(string),
			"thread.updated " + parent.MessageId + " +",
			"message " + r2.JSON201.Data.MessageId,
			"thread.updated " + parent.MessageId + " ++",
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s got\n%s\nwant\n%s", name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	t.Run("live in event_seq order", func(t *testing.T) {
		var evs []map[string]any
		for range 5 {
			evs = append(evs, live.next(roomEventTypes...))
		}
		wantOrder(t, "live", evs)
		reply := evs[1]
		if q, _ := reply["quoted"].(map[string]any); q["message_id"] != parent.MessageId || q["content"] != "shall we ship on Friday?" {
			t.Errorf("live reply's quote %v", reply["quoted"])
		}
		if reply["parent_id"] != parent.MessageId || !slices.Equal(toStrings(reply["mentions"]), []string{"alice"}) {
			t.Errorf("live reply %v, want parent %s and mentions [alice]", reply, parent.MessageId)
		}
	})
	t.Run("resume in event_seq order", func(t *testing.T) {
		resumed := tn.dial(t, ctx, "carol", "?cursor="+cursor)
		var evs []map[string]any
		for len(evs) < 5 {
			ev := resumed.next(append(roomEventTypes, "sync.complete")...)
			if ev["type"] == "sync.complete" {
				t.Fatalf("sync.complete after %d events", len(evs))
			}
			evs = append(evs, ev)
		}
		wantOrder(t, "resume", evs)
		// From the log, the reply as it is: with its parent, quote and
		// mentions.
		reply := evs[1]
		if q, _ := reply["quoted"].(map[string]any); reply["parent_id"] != parent.MessageId || q["message_id"] != parent.MessageId ||
			!slices.Equal(toStrings(reply["mentions"]), []string{"alice"}) {
			t.Errorf("resumed reply %v, want its parent, quote and mentions", reply)
		}
	})
	t.Run("the log", func(t *testing.T) {
		status, evs, body := tn.roomEvents("alice", room.RoomId, nil, nil)
		if status != http.StatusOK {
			t.Fatalf("events: %d %s", status, body)
		}
		var n int
		for _, ev := range evs {
			if ev.Type == "thread.updated" {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d thread.updated in the log, want 2: %s", n, body)
		}
	})

	t.Run("refusals", func(t *testing.T) {
		reply := sent["message_id"].(string)
		nobody := "msg_nothing"
		for _, c := range []struct {
			name string
			tn   tenant
			room string
			body chatclient.SendMessageRequest
			want refusal
		}{
			{"reply to a reply", tn, room.RoomId, chatclient.SendMessageRequest{Content: "x", ParentId: &reply}, refusal{409, "CONFLICT", "parent_id"}},
			{"unknown parent", tn, room.RoomId, chatclient.SendMessageRequest{Content: "x", ParentId: &nobody}, refusal{404, "NOT_FOUND", ""}},
			{"mention of a non-member", tn, room.RoomId, chatclient.SendMessageRequest{Content: "x", Mentions: &[]string{"bob", "zed"}}, refusal{409, "CONFLICT", "mentions"}},
			{"another tenant's parent", other, otherRoom.RoomId, chatclient.SendMessageRequest{Content: "x", ParentId: &parent.MessageId}, refusal{404, "NOT_FOUND", ""}},
			{"another tenant's quote", other, otherRoom.RoomId, chatclient.SendMessageRequest{Content: "x", QuotedId: &parent.MessageId}, refusal{404, "NOT_FOUND", ""}},
		} {
			t.Run(c.name, func(t *testing.T) {
				r, err := c.tn.as("alice").SendMessageWithResponse(ctx, c.room, c.body)
				refused(t, r, err, c.want)
			})
		}
		for _, c := range []struct {
			name  string
			frame map[string]any
			want  refusal
		}{
			{"reply to a reply", map[string]any{"parent_id": reply}, refusal{0, "CONFLICT", "parent_id"}},
			{"mention of a non-member", map[string]any{"mentions": []string{"zed"}}, refusal{0, "CONFLICT", "mentions"}},
		} {
			t.Run("websocket "+c.name, func(t *testing.T) {
				c.frame["type"], c.frame["request_id"], c.frame["room_id"], c.frame["content"] = "send_message", "r-"+c.want.field, room.RoomId, "x"
				live.send(c.frame)
				ev := live.next("error", "message.sent")
				if ev["type"] != "error" || ev["code"] != c.want.code || ev["field"] != c.want.field {
					t.Errorf("got %v, want error %s on %s", ev, c.want.code, c.want.field)
				}
			})
		}
	})

	t.Run("thread summary, top_level and replies", func(t *testing.T) {
		all, err := tn.as("bob").ListMessagesWithResponse(ctx, room.RoomId, &chatclient.ListMessagesParams{})
		if err != nil || all.JSON200 == nil || len(all.JSON200.Data) != 3 {
			t.Fatalf("list: %v %s", err, bodyOf(all))
		}
		conforms(t, http.MethodGet, "/rooms/{room_id}/messages", 200, all.Body)
		th := all.JSON200.Data[0].Thread
		if th == nil || th.ReplyCount != 2 || !slices.Equal(th.ParticipantIds, []string{"carol", "bob"}) {
			t.Errorf("parent's thread %+v, want 2 replies by [carol bob]", th)
		}
		top, err := tn.as("bob").ListMessagesWithResponse(ctx, room.RoomId, &chatclient.ListMessagesParams{TopLevel: ptr(true)})
		if err != nil || top.JSON200 == nil || len(top.JSON200.Data) != 1 || top.JSON200.Data[0].MessageId != parent.MessageId {
			t.Errorf("top_level: %v %s", err, bodyOf(top))
		}
		rs, err := tn.as("carol").ListRepliesWithResponse(ctx, room.RoomId, parent.MessageId, &chatclient.ListRepliesParams{Limit: ptr(1)})
		if err != nil || rs.JSON200 == nil || len(rs.JSON200.Data) != 1 || rs.JSON200.Data[0].MessageId != r2.JSON201.Data.MessageId {
			t.Errorf("latest reply: %v %s", err, bodyOf(rs))
		}
		conforms(t, http.MethodGet, "/rooms/{room_id}/messages/{message_id}/replies", 200, rs.Body)
	})

	t.Run("edit keeps the thread, delete keeps the replies", func(t *testing.T) {
		ed, err := tn.as("alice").UpdateMessageWithResponse(ctx, room.RoomId, parent.MessageId, chatclient.UpdateMessageRequest{Content: ptr("Friday?")})
		if err != nil || ed.JSON200 == nil || ed.JSON200.Data.Thread == nil || ed.JSON200.Data.Thread.ReplyCount != 2 {
			t.Fatalf("edit: %v %s", err, bodyOf(ed))
		}
		del, err := tn.as("alice").DeleteMessageWithResponse(ctx, room.RoomId, parent.MessageId)
		if err != nil || del.JSON200 == nil {
			t.Fatalf("delete: %v %s", err, bodyOf(del))
		}
		rs, err := tn.as("bob").ListRepliesWithResponse(ctx, room.RoomId, parent.MessageId, &chatclient.ListRepliesParams{})
		if err != nil || rs.JSON200 == nil || len(rs.JSON200.Data) != 2 {
			t.Errorf("replies of the deleted parent: %v %s", err, bodyOf(rs))
		}
	})

	t.Run("tenant isolation", func(t *testing.T) {
		rs, err := other.as("alice").ListRepliesWithResponse(ctx, room.RoomId, parent.MessageId, &chatclient.ListRepliesParams{})
		refused(t, rs, err, refusal{404, "NOT_FOUND", ""})
		rs, err = other.as("alice").ListRepliesWithResponse(ctx, otherRoom.RoomId, parent.MessageId, &chatclient.ListRepliesParams{})
		refused(t, rs, err, refusal{404, "NOT_FOUND", ""})
		u, err := other.as("alice").GetUnreadWithResponse(ctx)
		if err != nil || u.JSON200 == nil || u.JSON200.Data != (chatclient.UnreadTotals{}) {
			t.Errorf("other tenant's alice unread: %v %s", err, bodyOf(u))
		}
	})

	t.Run("mention notifications and unread", func(t *testing.T) {
		mentions := func(user string) int {
			t.Helper()
			r, err := tn.as(user).ListNotificationsWithResponse(ctx, &chatclient.ListNotificationsParams{})
			if err != nil || r.JSON200 == nil {
				t.Fatalf("notifications: %v %s", err, bodyOf(r))
			}
			n := 0
			for _, x := range r.JSON200.Data {
				if x.Topic == "mention" {
					n++
				}
			}
			return n
		}
		r := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob", "carol")
		m, err := tn.as("alice").SendMessageWithResponse(ctx, r.RoomId, chatclient.SendMessageRequest{Content: "@bob @bob @carol", Mentions: &[]string{"bob", "bob", "carol", "alice"}})
		if err != nil || m.JSON201 == nil {
			t.Fatalf("send: %v %s", err, bodyOf(m))
		}
		if ev := live.next("notification"); ev["topic"] != "mention" {
			t.Errorf("live notification %v, want a mention", ev)
		}
		before := map[string]int{"bob": mentions("bob"), "carol": mentions("carol"), "alice": mentions("alice")}
		if before["bob"] != 1 || before["carol"] != 1 || before["alice"] != 1 {
			// alice was mentioned by bob's reply above; the sender is not.
			t.Errorf("mention notifications %v, want one each", before)
		}
		until := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		status, _, raw := e.raw("PATCH", "/rooms/"+r.RoomId+"/members/me",
			map[string]string{"X-API-Key": tn.key, "X-User-Id": "carol", "Content-Type": "application/json"}, `{"muted_until":"`+until+`"}`)
		if status != 200 {
			t.Fatalf("mute: %d %s", status, raw)
		}
		tn.as("bob").SendMessageWithResponse(ctx, r.RoomId, chatclient.SendMessageRequest{Content: "@carol", Mentions: &[]string{"carol"}})
		if got := mentions("carol"); got != 1 {
			t.Errorf("carol, who muted the room, has %d mention notifications, want still 1", got)
		}
		rooms, err := tn.as("carol").ListRoomsWithResponse(ctx, &chatclient.ListRoomsParams{})
		if err != nil || rooms.JSON200 == nil {
			t.Fatalf("rooms: %v %s", err, bodyOf(rooms))
		}
		for _, rs := range rooms.JSON200.Data {
			if rs.RoomId == r.RoomId && rs.UnreadMentions != 2 {
				t.Errorf("carol's unread_mentions %d, want 2", rs.UnreadMentions)
			}
		}
		u, err := tn.as("carol").GetUnreadWithResponse(ctx)
		if err != nil || u.JSON200 == nil {
			t.Fatalf("unread: %v %s", err, bodyOf(u))
		}
		conforms(t, http.MethodGet, "/unread", 200, u.Body)
		// carol read room up to her own reply, its last message; r, with
		// two unread messages that mention her, is muted and not counted.
		if got := u.JSON200.Data; got != (chatclient.UnreadTotals{}) {
			t.Errorf("carol's unread %+v, want none (the muted room left out)", got)
		}
		status, _, raw = e.raw("PATCH", "/rooms/"+r.RoomId+"/members/me",
			map[string]string{"X-API-Key": tn.key, "X-User-Id": "carol", "Content-Type": "application/json"}, `{"muted_until":null}`)
		if status != 200 {
			t.Fatalf("unmute: %d %s", status, raw)
		}
		u, err = tn.as("carol").GetUnreadWithResponse(ctx)
		if err != nil || u.JSON200 == nil || u.JSON200.Data != (chatclient.UnreadTotals{TotalUnread: 2, TotalUnreadMentions: 2, RoomsWithUnread: 1}) {
			t.Errorf("carol's unread once unmuted: %v %s, want 2 messages, 2 mentions, 1 room", err, bodyOf(u))
		}
	})
}

func toStrings(v any) []string {
	xs, _ := v.([]any)
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i], _ = x.(string)
	}
	return out
}
