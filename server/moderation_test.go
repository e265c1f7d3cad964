package server_test

import (
	"context"
	"encoding/json"
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

// Moderation over HTTP and WebSocket, on both databases: room bans (timed
// and shadow), tenant-wide bans, mutes, blocks, slow mode and frozen
// rooms, each change in the room's log where it concerns a room.
func TestModeration(t *testing.T) {
	onBothDatabases(t, testModeration)
}

// modWS is a user's WebSocket connection in a moderation test.
type modWS struct {
	t    *testing.T
	conn *websocket.Conn
}

func (e *env) dialWS(t *testing.T, tn tenant, user string) *modWS {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u := "ws" + strings.TrimPrefix(e.url, "http") + "/ws?token=" + url.QueryEscape(tn.token(user))
	conn, _, err := websocket.Dial(ctx, u, nil)
	if err != nil {
		t.Fatalf("dial as %s: %v", user, err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	c := &modWS{t: t, conn: conn}
	c.next("sync.complete")
	return c
}

// syncedContents connects as user and returns the contents of the messages
// the connect-time sync streams before sync.complete.
func (e *env) syncedContents(t *testing.T, tn tenant, user string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u := "ws" + strings.TrimPrefix(e.url, "http") + "/ws?token=" + url.QueryEscape(tn.token(user))
	conn, _, err := websocket.Dial(ctx, u, nil)
	if err != nil {
		t.Fatalf("dial as %s: %v", user, err)
	}
	defer conn.CloseNow()
	var out []string
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		var ev map[string]any
		if err := json.Unmarshal(data, &ev); err != nil {
			t.Fatalf("frame %q: %v", data, err)
		}
		switch ev["type"] {
		case "sync.complete":
			return out
		case "message":
			out = append(out, ev["content"].(string))
		}
	}
}

// next reads frames until one of the types, skipping presence and receipts.
func (c *modWS) next(types ...string) map[string]any {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		_, data, err := c.conn.Read(ctx)
		if err != nil {
			c.t.Fatalf("read, waiting for %v: %v", types, err)
		}
		var ev map[string]any
		if err := json.Unmarshal(data, &ev); err != nil {
			c.t.Fatalf("frame %q: %v", data, err)
		}
		if typ, _ := ev["type"].(string); slices.Contains(types, typ) {
			return ev
		}
	}
}

// closed waits for the server to close the connection and returns its code.
func (c *modWS) closed() websocket.StatusCode {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		if _, _, err := c.conn.Read(ctx); err != nil {
			return websocket.CloseStatus(err)
		}
	}
}

// refusedWith checks a refusal's status, code, field and details keys.
func refusedWith(t *testing.T, status int, body []byte, want refusal, details ...string) {
	t.Helper()
	checkRefusal(t, status, body, want)
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil || env.Error == nil {
		t.Fatalf("body %s: %v", body, err)
	}
	for _, k := range details {
		if _, ok := env.Error.Details[k]; !ok {
			t.Errorf("details %v lack %q: %s", env.Error.Details, k, body)
		}
	}
}

// logTypes lists the types of a room's log after event_seq after, as user.
func (tn tenant) logTypes(t *testing.T, user, roomID string, after int64) []string {
	t.Helper()
	r, err := tn.as(user).ListRoomEventsWithResponse(context.Background(), roomID, &chatclient.ListRoomEventsParams{After: &after, Limit: new(500)})
	if err != nil || r.JSON200 == nil {
		t.Fatalf("events: %v %s", err, bodyOf(r))
	}
	var page struct {
		Data []struct {
			Type     string `json:"type"`
			UserID   string `json:"user_id"`
			SenderID string `json:"sender_id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(r.Body, &page); err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(page.Data))
	for _, e := range page.Data {
		out = append(out, strings.TrimSpace(e.Type+" "+e.UserID+e.SenderID))
	}
	return out
}

func (tn tenant) lastEventSeq(t *testing.T, user, roomID string) int64 {
	t.Helper()
	var after int64
	for {
		ev, err := tn.as(user).ListRoomEventsWithResponse(context.Background(), roomID, &chatclient.ListRoomEventsParams{After: &after, Limit: new(500)})
		if err != nil || ev.JSON200 == nil {
			t.Fatalf("events: %v %s", err, bodyOf(ev))
		}
		var page struct {
			Data []struct {
				EventSeq int64 `json:"event_seq"`
			} `json:"data"`
		}
		if err := json.Unmarshal(ev.Body, &page); err != nil {
			t.Fatalf("events %s: %v", ev.Body, err)
		}
		if len(page.Data) == 0 {
			return after
		}
		after = page.Data[len(page.Data)-1].EventSeq
	}
}

func (tn tenant) sendRaw(user, roomID, content string) (int, []byte) {
	tn.e.t.Helper()
	r, err := tn.as(user).SendMessageWithResponse(context.Background(), roomID, chatclient.SendMessageRequest{Content: content})
	if err != nil {
		tn.e.t.Fatalf("send: %v", err)
	}
	return r.StatusCode(), r.Body
}

func contents(t *testing.T, tn tenant, user, roomID string) []string {
	t.Helper()
	r, err := tn.as(user).ListMessagesWithResponse(context.Background(), roomID, nil)
	if err != nil || r.JSON200 == nil {
		t.Fatalf("history as %s: %v %s", user, err, bodyOf(r))
	}
	var out []string
	for _, m := range r.JSON200.Data {
		out = append(out, m.SenderId+": "+m.Content)
	}
	return out
}

func testModeration(t *testing.T, databaseURL string) {
	e := newEnvWith(t, envOptions{databaseURL: databaseURL, hub: realHub(t, realtime.Config{})})
	tn := e.newTenant("acme", 100000)
	ctx := context.Background()

	t.Run("room bans", func(t *testing.T) {
		channel := tn.createRoom("alice", chatclient.RoomTypeChannel)
		if r, err := tn.as("mallory").AddMemberWithResponse(ctx, channel.RoomId, nil, chatclient.AddMemberRequest{UserId: "mallory"}); err != nil || r.JSON201 == nil {
			t.Fatalf("join: %v %s", err, bodyOf(r))
		}
		before := tn.lastEventSeq(t, "alice", channel.RoomId)
		ban := func(user string, req chatclient.BanRequest) (int, []byte) {
			r, err := tn.as(user).BanFromRoomWithResponse(ctx, channel.RoomId, nil, req)
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode(), r.Body
		}
		join := func(user string) (int, []byte) {
			r, err := tn.as(user).AddMemberWithResponse(ctx, channel.RoomId, nil, chatclient.AddMemberRequest{UserId: user})
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode(), r.Body
		}
		steps := []struct {
			name string
			do   func() (int, []byte)
			want refusal
			det  []string
		}{
			{"a member may not ban", func() (int, []byte) { return ban("mallory", chatclient.BanRequest{UserId: "alice"}) }, refusal{403, "AUTHORIZATION_ERROR", ""}, nil},
			{"a duration under 1 is refused", func() (int, []byte) {
				return ban("alice", chatclient.BanRequest{UserId: "mallory", DurationSeconds: new(0)})
			}, refusal{400, "VALIDATION_ERROR", "duration_seconds"}, nil},
			{"an admin bans for a minute", func() (int, []byte) {
				return ban("alice", chatclient.BanRequest{UserId: "mallory", Reason: new("spam"), DurationSeconds: new(60)})
			}, refusal{201, "", ""}, nil},
			{"the banned user may not rejoin", func() (int, []byte) { return join("mallory") }, refusal{403, "AUTHORIZATION_ERROR", ""}, []string{"until"}},
			{"nor send", func() (int, []byte) { return tn.sendRaw("mallory", channel.RoomId, "let me in") }, refusal{403, "AUTHORIZATION_ERROR", ""}, []string{"until"}},
		}
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				status, body := s.do()
				if s.want.code == "" {
					if status != s.want.status {
						t.Fatalf("status = %d, want %d: %s", status, s.want.status, body)
					}
					return
				}
				refusedWith(t, status, body, s.want, s.det...)
			})
		}
		members, err := tn.as("alice").ListMembersWithResponse(ctx, channel.RoomId)
		if err != nil || members.JSON200 == nil {
			t.Fatalf("members: %v %s", err, bodyOf(members))
		}
		for _, m := range members.JSON200.Data {
			if m.UserId == "mallory" {
				t.Errorf("the banned user is still a member: %s", members.Body)
			}
		}
		bans, err := tn.as("alice").ListRoomBansWithResponse(ctx, channel.RoomId)
		if err != nil || bans.JSON200 == nil || len(bans.JSON200.Data) != 1 || bans.JSON200.Data[0].UserId != "mallory" ||
			bans.JSON200.Data[0].ExpiresAt == nil || bans.JSON200.Data[0].Reason == nil {
			t.Fatalf("bans: %v %s", err, bodyOf(bans))
		}
		if got, want := tn.logTypes(t, "alice", channel.RoomId, before), []string{"member.left mallory", "ban.added mallory"}; !slices.Equal(got, want) {
			t.Errorf("log = %q, want %q", got, want)
		}
		// The ban expires by itself.
		e.advanceStore(61 * time.Second)
		if status, body := join("mallory"); status != http.StatusCreated {
			t.Fatalf("rejoin after the ban expired: %d %s", status, body)
		}
		// A ban lifted by hand.
		if status, body := ban("alice", chatclient.BanRequest{UserId: "mallory"}); status != http.StatusCreated {
			t.Fatalf("ban: %d %s", status, body)
		}
		before = tn.lastEventSeq(t, "alice", channel.RoomId)
		if r, err := tn.as("alice").UnbanFromRoomWithResponse(ctx, channel.RoomId, "mallory"); err != nil || r.JSON200 == nil {
			t.Fatalf("unban: %v %s", err, bodyOf(r))
		}
		r, err := tn.as("alice").UnbanFromRoomWithResponse(ctx, channel.RoomId, "mallory")
		refused(t, r, err, refusal{404, "NOT_FOUND", ""})
		if got, want := tn.logTypes(t, "alice", channel.RoomId, before), []string{"ban.removed mallory"}; !slices.Equal(got, want) {
			t.Errorf("log = %q, want %q", got, want)
		}
		if status, body := join("mallory"); status != http.StatusCreated {
			t.Fatalf("rejoin after unban: %d %s", status, body)
		}
	})

	t.Run("mutes", func(t *testing.T) {
		group := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
		tn.send("alice", group.RoomId, "hello")
		before := tn.lastEventSeq(t, "alice", group.RoomId)
		r, err := tn.as("bob").MuteInRoomWithResponse(ctx, group.RoomId, nil, chatclient.MuteRequest{UserId: "alice"})
		refused(t, r, err, refusal{403, "AUTHORIZATION_ERROR", ""})
		r, err = tn.as("alice").MuteInRoomWithResponse(ctx, group.RoomId, nil, chatclient.MuteRequest{UserId: "bob", DurationSeconds: new(3600)})
		if err != nil || r.JSON201 == nil || r.JSON201.Data.ExpiresAt == nil {
			t.Fatalf("mute: %v %s", err, bodyOf(r))
		}
		status, body := tn.sendRaw("bob", group.RoomId, "can I talk?")
		refusedWith(t, status, body, refusal{403, "AUTHORIZATION_ERROR", ""}, "until")
		if got := contents(t, tn, "bob", group.RoomId); !slices.Equal(got, []string{"alice: hello"}) {
			t.Errorf("a muted member reads %q", got)
		}
		if l, err := tn.as("alice").ListRoomMutesWithResponse(ctx, group.RoomId); err != nil || l.JSON200 == nil || len(l.JSON200.Data) != 1 {
			t.Fatalf("mutes: %v %s", err, bodyOf(l))
		}
		if u, err := tn.as("alice").UnmuteInRoomWithResponse(ctx, group.RoomId, "bob"); err != nil || u.JSON200 == nil {
			t.Fatalf("unmute: %v %s", err, bodyOf(u))
		}
		tn.send("bob", group.RoomId, "thanks")
		if got, want := tn.logTypes(t, "alice", group.RoomId, before), []string{"mute.added bob", "mute.removed bob", "message bob"}; !slices.Equal(got, want) {
			t.Errorf("log = %q, want %q", got, want)
		}
	})

	t.Run("slow mode and frozen rooms", func(t *testing.T) {
		group := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
		patch := func(user string, req chatclient.UpdateRoomRequest) (int, []byte) {
			r, err := tn.as(user).UpdateRoomWithResponse(ctx, group.RoomId, req)
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode(), r.Body
		}
		status, body := patch("alice", chatclient.UpdateRoomRequest{SlowModeSeconds: new(3601)})
		refusedWith(t, status, body, refusal{400, "VALIDATION_ERROR", "slow_mode_seconds"})
		status, body = patch("bob", chatclient.UpdateRoomRequest{SlowModeSeconds: new(30)})
		refusedWith(t, status, body, refusal{403, "AUTHORIZATION_ERROR", ""})
		if status, body = patch("alice", chatclient.UpdateRoomRequest{SlowModeSeconds: new(30)}); status != 200 || !strings.Contains(string(body), `"slow_mode_seconds":30`) {
			t.Fatalf("slow mode: %d %s", status, body)
		}
		tn.send("bob", group.RoomId, "first")
		r, err := tn.as("bob").SendMessageWithResponse(ctx, group.RoomId, chatclient.SendMessageRequest{Content: "second"})
		refused(t, r, err, refusal{429, "RATE_LIMIT_EXCEEDED", ""})
		if ra := r.HTTPResponse.Header.Get("Retry-After"); ra == "" || ra == "0" {
			t.Errorf("Retry-After = %q", ra)
		}
		tn.send("alice", group.RoomId, "admins are exempt")
		tn.send("alice", group.RoomId, "twice")
		e.advanceStore(31 * time.Second)
		tn.send("bob", group.RoomId, "after the window")

		before := tn.lastEventSeq(t, "alice", group.RoomId)
		if status, body = patch("alice", chatclient.UpdateRoomRequest{Frozen: new(true), SlowModeSeconds: new(0)}); status != 200 || !strings.Contains(string(body), `"frozen":true`) {
			t.Fatalf("freeze: %d %s", status, body)
		}
		for _, user := range []string{"alice", "bob"} {
			status, body := tn.sendRaw(user, group.RoomId, "frozen?")
			refusedWith(t, status, body, refusal{409, "CONFLICT", "room_id"})
		}
		first := contents(t, tn, "alice", group.RoomId)
		msgs, err := tn.as("bob").ListMessagesWithResponse(ctx, group.RoomId, nil)
		if err != nil || msgs.JSON200 == nil {
			t.Fatal(err)
		}
		edit, err := tn.as("bob").UpdateMessageWithResponse(ctx, group.RoomId, msgs.JSON200.Data[0].MessageId, chatclient.UpdateMessageRequest{Content: new("edited")})
		refused(t, edit, err, refusal{409, "CONFLICT", "room_id"})
		if status, _ = patch("alice", chatclient.UpdateRoomRequest{Frozen: new(false)}); status != 200 {
			t.Fatalf("unfreeze: %d", status)
		}
		tn.send("bob", group.RoomId, "thawed")
		if got := contents(t, tn, "alice", group.RoomId); len(got) != len(first)+1 {
			t.Errorf("history = %q", got)
		}
		if got, want := tn.logTypes(t, "alice", group.RoomId, before), []string{"room.updated", "room.updated", "message bob"}; !slices.Equal(got, want) {
			t.Errorf("log = %q, want %q", got, want)
		}
	})

	t.Run("blocks", func(t *testing.T) {
		dm := tn.createRoom("erin", chatclient.RoomTypeDm, "frank")
		group := tn.createRoom("erin", chatclient.RoomTypeGroup, "frank", "gina")
		erinWS := e.dialWS(t, tn, "erin")

		// The collection takes GET only: 405, not the profile of "me/blocks".
		var status int
		var body []byte
		for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodPost, http.MethodDelete} {
			var hd http.Header
			status, hd, body = e.raw(m, "/users/me/blocks", map[string]string{"X-API-Key": tn.key, "X-User-Id": "erin"}, "")
			refusedWith(t, status, body, refusal{405, "VALIDATION_ERROR", ""})
			if a := hd.Get("Allow"); a != "OPTIONS, GET" {
				t.Errorf("%s: Allow = %q", m, a)
			}
		}
		b, err := tn.as("erin").BlockUserWithResponse(ctx, "erin")
		refused(t, b, err, refusal{400, "VALIDATION_ERROR", "user_id"})
		if b, err = tn.as("erin").BlockUserWithResponse(ctx, "frank"); err != nil || b.JSON201 == nil {
			t.Fatalf("block: %v %s", err, bodyOf(b))
		}
		if b, err = tn.as("erin").BlockUserWithResponse(ctx, "frank"); err != nil || b.JSON200 == nil {
			t.Fatalf("block again: %v %s", err, bodyOf(b))
		}
		l, err := tn.as("erin").ListBlocksWithResponse(ctx)
		if err != nil || l.JSON200 == nil || len(l.JSON200.Data) != 1 || l.JSON200.Data[0].UserId != "frank" {
			t.Fatalf("blocks: %v %s", err, bodyOf(l))
		}
		status, body = tn.sendRaw("frank", dm.RoomId, "hey")
		refusedWith(t, status, body, refusal{403, "AUTHORIZATION_ERROR", ""})
		tn.send("erin", dm.RoomId, "the blocker may still write")
		cr, err := tn.as("frank").CreateRoomWithResponse(ctx, nil, chatclient.CreateRoomRequest{Type: chatclient.RoomTypeDm, Members: &[]string{"erin"}})
		refused(t, cr, err, refusal{403, "AUTHORIZATION_ERROR", ""})

		// In a shared room, the blocked user's message reaches everyone but
		// the blocker.
		tn.send("frank", group.RoomId, "from frank")
		tn.send("gina", group.RoomId, "from gina")
		if ev := erinWS.next("message"); ev["sender_id"] == "frank" {
			t.Errorf("the blocker got the blocked user's message: %v", ev)
		}
		// Nor does the connect-time sync of a new connection bring it.
		if got := e.syncedContents(t, tn, "erin"); slices.Contains(got, "from frank") || !slices.Contains(got, "from gina") {
			t.Errorf("the blocker's connect-time sync = %q", got)
		}
		if u, err := tn.as("erin").UnblockUserWithResponse(ctx, "frank"); err != nil || u.JSON200 == nil {
			t.Fatalf("unblock: %v %s", err, bodyOf(u))
		}
		u, err := tn.as("erin").UnblockUserWithResponse(ctx, "frank")
		refused(t, u, err, refusal{404, "NOT_FOUND", ""})
		tn.send("frank", dm.RoomId, "friends again")
		tn.send("frank", group.RoomId, "frank again")
		for {
			ev := erinWS.next("message")
			if ev["sender_id"] == "frank" && ev["content"] == "frank again" {
				break
			}
		}
	})

	t.Run("tenant-wide bans", func(t *testing.T) {
		group := tn.createRoom("alice", chatclient.RoomTypeGroup, "henry")
		ws := e.dialWS(t, tn, "henry")
		tok := e.bearer(tn.token("alice"))
		r, err := tok.BanFromTenantWithResponse(ctx, nil, chatclient.TenantBanRequest{UserId: "henry"})
		refused(t, r, err, refusal{403, "AUTHORIZATION_ERROR", "Authorization"})
		status, _, body := e.raw(http.MethodPost, "/bans", map[string]string{"X-API-Key": tn.key, "X-User-Id": "moderation-bot", "Content-Type": "application/json"}, `{"user_id":"henry","shadow":true}`)
		refusedWith(t, status, body, refusal{400, "VALIDATION_ERROR", ""})
		if r, err = tn.as("moderation-bot").BanFromTenantWithResponse(ctx, nil, chatclient.TenantBanRequest{UserId: "henry", Reason: new("fraud")}); err != nil || r.JSON201 == nil || r.JSON201.Data.RoomId != nil {
			t.Fatalf("tenant ban: %v %s", err, bodyOf(r))
		}
		if code := ws.closed(); code != 4003 {
			t.Errorf("close code = %d, want 4003", code)
		}
		status, body = tn.sendRaw("henry", group.RoomId, "still here?")
		refusedWith(t, status, body, refusal{403, "AUTHORIZATION_ERROR", ""})
		rooms, err := tn.as("henry").ListRoomsWithResponse(ctx, nil)
		refused(t, rooms, err, refusal{403, "AUTHORIZATION_ERROR", ""})
		hs, _, _ := e.raw(http.MethodGet, "/ws", map[string]string{"X-API-Key": tn.key, "X-User-Id": "henry"}, "")
		if hs != http.StatusForbidden {
			t.Errorf("handshake of a banned user = %d, want 403", hs)
		}
		l, err := tn.as("moderation-bot").ListTenantBansWithResponse(ctx)
		if err != nil || l.JSON200 == nil || len(l.JSON200.Data) != 1 || l.JSON200.Data[0].UserId != "henry" {
			t.Fatalf("tenant bans: %v %s", err, bodyOf(l))
		}
		if u, err := tn.as("moderation-bot").UnbanFromTenantWithResponse(ctx, "henry"); err != nil || u.JSON200 == nil {
			t.Fatalf("unban: %v %s", err, bodyOf(u))
		}
		tn.send("henry", group.RoomId, "back")
	})

	t.Run("shadow bans", func(t *testing.T) {
		group := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob", "sam")
		tn.send("alice", group.RoomId, "welcome")
		bobWS := e.dialWS(t, tn, "bob")
		samWS := e.dialWS(t, tn, "sam")
		bobSync, err := tn.as("bob").SyncWithResponse(ctx, nil)
		if err != nil || bobSync.JSON200 == nil {
			t.Fatalf("sync: %v %s", err, bodyOf(bobSync))
		}
		before := tn.lastEventSeq(t, "alice", group.RoomId)
		r, err := tn.as("alice").BanFromRoomWithResponse(ctx, group.RoomId, nil, chatclient.BanRequest{UserId: "sam", Shadow: new(true)})
		if err != nil || r.JSON201 == nil || !r.JSON201.Data.Shadow {
			t.Fatalf("shadow ban: %v %s", err, bodyOf(r))
		}
		// Sent over REST and over WebSocket: both succeed for sam.
		shadowed := tn.send("sam", group.RoomId, "buy cheap watches")
		if ev := samWS.next("message"); ev["content"] != "buy cheap watches" || ev["message_id"] != shadowed.MessageId {
			t.Errorf("sam's own message live = %v", ev)
		}
		if err := samWS.conn.Write(ctx, websocket.MessageText, []byte(`{"type":"send_message","room_id":"`+group.RoomId+`","content":"really cheap","request_id":"r1"}`)); err != nil {
			t.Fatal(err)
		}
		if ev := samWS.next("message.sent", "error"); ev["type"] != "message.sent" {
			t.Fatalf("ws send = %v", ev)
		}
		if ev := samWS.next("message"); ev["content"] != "really cheap" {
			t.Errorf("sam's own second message live = %v", ev)
		}
		tn.send("alice", group.RoomId, "real news")
		if ev := bobWS.next("message"); ev["content"] != "real news" {
			t.Errorf("bob's next message = %v, want alice's (sam's reach no one)", ev)
		}
		if got, want := contents(t, tn, "bob", group.RoomId), []string{"alice: welcome", "alice: real news"}; !slices.Equal(got, want) {
			t.Errorf("bob's history = %q, want %q", got, want)
		}
		if got, want := contents(t, tn, "sam", group.RoomId), []string{"alice: welcome", "sam: buy cheap watches", "sam: really cheap", "alice: real news"}; !slices.Equal(got, want) {
			t.Errorf("sam's history = %q, want %q", got, want)
		}
		if got, want := tn.logTypes(t, "bob", group.RoomId, before), []string{"message alice"}; !slices.Equal(got, want) {
			t.Errorf("log = %q, want %q", got, want)
		}
		s, err := tn.as("bob").SyncWithResponse(ctx, &chatclient.SyncParams{Cursor: &bobSync.JSON200.Data.NextCursor})
		if err != nil || s.JSON200 == nil {
			t.Fatalf("sync: %v %s", err, bodyOf(s))
		}
		if strings.Contains(string(s.Body), "cheap") || strings.Contains(string(s.Body), shadowed.MessageId) || !strings.Contains(string(s.Body), "real news") {
			t.Errorf("bob's sync = %s", s.Body)
		}
		bans, err := tn.as("alice").ListRoomBansWithResponse(ctx, group.RoomId)
		if err != nil || bans.JSON200 == nil || len(bans.JSON200.Data) != 1 || !bans.JSON200.Data[0].Shadow {
			t.Fatalf("bans: %v %s", err, bodyOf(bans))
		}
		if u, err := tn.as("alice").UnbanFromRoomWithResponse(ctx, group.RoomId, "sam"); err != nil || u.JSON200 == nil {
			t.Fatalf("unban: %v %s", err, bodyOf(u))
		}
		tn.send("sam", group.RoomId, "reformed")
		if ev := bobWS.next("message"); ev["content"] != "reformed" {
			t.Errorf("bob's next message = %v, want sam's after the unban", ev)
		}
	})
}
