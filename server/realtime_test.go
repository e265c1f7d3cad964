package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/chatapi/chatapi/gen/chatclient"
	"github.com/chatapi/chatapi/realtime"
)

// The whole path: a browser-style client opens /ws with a user token through
// the server's handshake authentication, another user sends over REST, and
// the message arrives as a `message` event from the real hub.
func TestRESTMessageReachesWebSocketClient(t *testing.T) {
	e := newEnvWith(t, envOptions{hub: realHub(t, realtime.Config{})})
	tn := e.newTenant("acme", 1000)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")

	tok, err := tn.as("bob").CreateTokenWithResponse(ctx, nil, chatclient.CreateTokenRequest{})
	if err != nil || tok.JSON201 == nil {
		t.Fatalf("token: %v %s", err, bodyOf(tok))
	}
	wsURL := "ws" + strings.TrimPrefix(e.url, "http") + "/ws?token=" + url.QueryEscape(tok.JSON201.Data.Token)
	conn, _, err := websocket.Dial(ctx, wsURL, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.CloseNow()

	next := func() map[string]any {
		t.Helper()
		_, data, err := conn.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		var ev map[string]any
		if err := json.Unmarshal(data, &ev); err != nil {
			t.Fatalf("frame %q: %v", data, err)
		}
		return ev
	}
	if ev := next(); ev["type"] != "sync.complete" {
		t.Fatalf("first event = %v, want sync.complete", ev)
	}
	sent := tn.send("alice", room.RoomId, "over REST")
	ev := next()
	if ev["type"] != "message" || ev["message_id"] != sent.MessageId || ev["content"] != "over REST" || ev["seq"] != float64(1) {
		t.Errorf("event = %v, want the message %s", ev, sent.MessageId)
	}
	pr, err := tn.as("alice").GetPresenceWithResponse(ctx, &chatclient.GetPresenceParams{UserIds: []string{"bob", "zed"}})
	if err != nil || pr.JSON200 == nil || len(pr.JSON200.Data) != 2 {
		t.Fatalf("presence: %v %s", err, bodyOf(pr))
	}
	if bob, zed := pr.JSON200.Data[0], pr.JSON200.Data[1]; bob.UserId != "bob" || bob.Status != chatclient.PresenceStatusOnline || bob.LastSeen == nil ||
		zed.UserId != "zed" || zed.Status != chatclient.PresenceStatusOffline || zed.LastSeen != nil {
		t.Errorf("presence = %s", pr.Body)
	}
	if h, err := e.client(nil).GetHealthWithResponse(ctx); err != nil || h.JSON200 == nil || h.JSON200.Data.Connections != 1 {
		t.Errorf("health connections: %v %s", err, bodyOf(h))
	}
}

// What the handshake let in ends with its credentials: a token's connection
// when the token expires, every connection of a tenant key when the key is
// rotated, both with 1008. A user's connections are capped, and one over
// the cap is refused with a 429 envelope.
func TestConnectionsEndWithTheirCredentials(t *testing.T) {
	e := newEnvWith(t, envOptions{hub: realHub(t, realtime.Config{
		CredentialCheckInterval: 20 * time.Millisecond, MaxConnsPerUser: 2,
	})})
	tn := e.newTenant("acme", 1000)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	wsURL := "ws" + strings.TrimPrefix(e.url, "http") + "/ws"
	dial := func(key, user, token string) (*websocket.Conn, *http.Response, error) {
		q := url.Values{}
		if token != "" {
			q.Set("token", token)
		} else {
			q.Set("api_key", key)
			q.Set("user_id", user)
		}
		c, resp, err := websocket.Dial(ctx, wsURL+"?"+q.Encode(), nil)
		if err == nil {
			t.Cleanup(func() { _ = c.CloseNow() })
			if _, data, err := c.Read(ctx); err != nil || !strings.Contains(string(data), `"sync.complete"`) {
				t.Fatalf("%s: first frame %s, %v; want sync.complete", user, data, err)
			}
		}
		return c, resp, err
	}
	// closedWith reads c until it ends and checks the close code.
	closedWith := func(c *websocket.Conn, want websocket.StatusCode) {
		t.Helper()
		for {
			if _, _, err := c.Read(ctx); err != nil {
				if got := websocket.CloseStatus(err); got != want {
					t.Fatalf("connection ended with %v (%v), want close %d", got, err, want)
				}
				return
			}
		}
	}

	tok, err := tn.as("bob").CreateTokenWithResponse(ctx, nil, chatclient.CreateTokenRequest{TtlSeconds: ptr(600)})
	if err != nil || tok.JSON201 == nil {
		t.Fatalf("token: %v %s", err, bodyOf(tok))
	}
	byToken, _, err := dial("", "bob", tok.JSON201.Data.Token)
	if err != nil {
		t.Fatalf("dial with the token: %v", err)
	}
	byKey, _, err := dial(tn.key, "alice", "")
	if err != nil {
		t.Fatalf("dial with the key: %v", err)
	}

	t.Run("expired token", func(t *testing.T) {
		e.advance(601 * time.Second)
		closedWith(byToken, websocket.StatusPolicyViolation)
	})

	t.Run("rotated key", func(t *testing.T) {
		rot, err := e.admin().RotateTenantKeyWithResponse(ctx, tn.id)
		if err != nil || rot.JSON200 == nil {
			t.Fatalf("rotate: %v %s", err, bodyOf(rot))
		}
		closedWith(byKey, websocket.StatusPolicyViolation)
		tn.key = rot.JSON200.Data.ApiKey
	})

	t.Run("connections per user", func(t *testing.T) {
		for i := range 2 {
			if _, _, err := dial(tn.key, "carol", ""); err != nil {
				t.Fatalf("connection %d: %v", i+1, err)
			}
		}
		_, resp, err := dial(tn.key, "carol", "")
		if err == nil || resp == nil {
			t.Fatalf("a third connection: %v, want refused", err)
		}
		body, _ := io.ReadAll(resp.Body)
		checkRefusal(t, resp.StatusCode, body, refusal{429, "RATE_LIMIT_EXCEEDED", ""})
		var env envelope
		if err := json.Unmarshal(body, &env); err != nil || env.Error.Details["limit"] != float64(2) {
			t.Errorf("refusal %s: want details.limit 2", body)
		}
		if _, _, err := dial(tn.key, "dave", ""); err != nil {
			t.Errorf("another user: %v", err)
		}
	})
}

// Received is not read, through the whole path: what bob's client confirms
// with `delivered` shows in the members list as his last_delivered, while
// his last_ack and unread count stay; an ack then moves both cursors.
func TestDeliveredShowsInMembersList(t *testing.T) {
	e := newEnvWith(t, envOptions{hub: realHub(t, realtime.Config{})})
	tn := e.newTenant("acme", 1000)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	for range 3 {
		tn.send("alice", room.RoomId, "hi")
	}

	tok, err := tn.as("bob").CreateTokenWithResponse(ctx, nil, chatclient.CreateTokenRequest{})
	if err != nil || tok.JSON201 == nil {
		t.Fatalf("token: %v %s", err, bodyOf(tok))
	}
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.url, "http")+"/ws?token="+url.QueryEscape(tok.JSON201.Data.Token), nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.CloseNow()
	send := func(v map[string]any) {
		t.Helper()
		b, _ := json.Marshal(v)
		if err := conn.Write(ctx, websocket.MessageText, b); err != nil {
			t.Fatal(err)
		}
	}
	// waitPong reads up to the pong of a ping sent after everything else,
	// so the events before it have been handled.
	waitPong := func() []map[string]any {
		t.Helper()
		send(map[string]any{"type": "ping", "request_id": "end"})
		var got []map[string]any
		for {
			_, data, err := conn.Read(ctx)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			var ev map[string]any
			if err := json.Unmarshal(data, &ev); err != nil {
				t.Fatal(err)
			}
			if ev["type"] == "pong" && ev["request_id"] == "end" {
				return got
			}
			got = append(got, ev)
		}
	}
	cursors := func() (lastAck, lastDelivered, unread int64) {
		t.Helper()
		ms, err := tn.as("alice").ListMembersWithResponse(ctx, room.RoomId)
		if err != nil || ms.JSON200 == nil {
			t.Fatalf("members: %v %s", err, bodyOf(ms))
		}
		for _, m := range ms.JSON200.Data {
			if m.UserId == "bob" {
				lastAck, lastDelivered = m.LastAck, m.LastDelivered
			}
		}
		return lastAck, lastDelivered, unreadOf(t, tn, "bob", room.RoomId)
	}

	waitPong() // the sync: three messages
	send(map[string]any{"type": "delivered", "room_id": room.RoomId, "seq": 3})
	if got := waitPong(); len(got) != 0 {
		t.Fatalf("delivered answered %v, want nothing", got)
	}
	if a, d, u := cursors(); a != 0 || d != 3 || u != 3 {
		t.Errorf("after delivered 3: last_ack %d, last_delivered %d, unread %d; want 0, 3, 3", a, d, u)
	}
	send(map[string]any{"type": "delivered", "room_id": room.RoomId, "seq": 4, "request_id": "r1"})
	if got := waitPong(); len(got) != 1 || got[0]["code"] != "CONFLICT" || got[0]["field"] != "seq" || got[0]["request_id"] != "r1" {
		t.Errorf("delivered beyond the last message answered %v, want CONFLICT on seq", got)
	}
	if r, err := tn.as("bob").AckMessagesWithResponse(ctx, chatclient.AckRequest{RoomId: room.RoomId, Seq: 2}); err != nil || r.JSON200 == nil {
		t.Fatalf("ack: %v %s", err, bodyOf(r))
	}
	if a, d, u := cursors(); a != 2 || d != 3 || u != 1 {
		t.Errorf("after ack 2: last_ack %d, last_delivered %d, unread %d; want 2, 3, 1", a, d, u)
	}
}
