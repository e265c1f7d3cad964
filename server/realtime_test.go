package server_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/chatapi/chatapi/gen/chatclient"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

// The whole path: a browser-style client opens /ws with a user token through
// the server's handshake authentication, another user sends over REST, and
// the message arrives as a `message` event from the real hub.
func TestRESTMessageReachesWebSocketClient(t *testing.T) {
	e := newEnvWith(t, envOptions{hub: func(st *store.Store) hubUnderTest {
		h, err := realtime.New(realtime.Config{}, st)
		if err != nil {
			t.Fatalf("realtime.New: %v", err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			h.Shutdown(ctx)
		})
		return h
	}})
	tn := e.newTenant("acme", 1000)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")

	tok, err := tn.as("bob").CreateTokenWithResponse(ctx, chatclient.CreateTokenRequest{})
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
