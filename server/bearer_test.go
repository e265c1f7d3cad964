package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chatapi/chatapi/gen/chatclient"
)

// A user token in Authorization stands in for the tenant key and user id on
// every user-level operation: alice, holding only her token, lists her
// rooms, sends and reads, as herself and in her tenant only. A tenant-level
// operation (POST /tokens) refuses the same token with 403.
func TestBearerTokenActsAsItsUser(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 1000)
	other := e.newTenant("other", 1000)
	ctx := context.Background()
	room := tn.createRoom("bob", chatclient.RoomTypeGroup, "alice")
	foreign := other.createRoom("alice", chatclient.RoomTypeGroup)
	alice := e.bearer(tn.token("alice"))

	rooms, err := alice.ListRoomsWithResponse(ctx, nil)
	if err != nil || rooms.JSON200 == nil {
		t.Fatalf("list rooms: %v %s", err, bodyOf(rooms))
	}
	if got := rooms.JSON200.Data; len(got) != 1 || got[0].RoomId != room.RoomId {
		t.Errorf("rooms = %+v, want only %s", got, room.RoomId)
	}
	sent, err := alice.SendMessageWithResponse(ctx, room.RoomId, chatclient.SendMessageRequest{Content: "hi from a browser"})
	if err != nil || sent.JSON201 == nil {
		t.Fatalf("send: %v %s", err, bodyOf(sent))
	}
	page, err := alice.ListMessagesWithResponse(ctx, room.RoomId, nil)
	if err != nil || page.JSON200 == nil {
		t.Fatalf("read: %v %s", err, bodyOf(page))
	}
	if got := page.JSON200.Data; len(got) != 1 || got[0].SenderId != "alice" || got[0].Content != "hi from a browser" {
		t.Errorf("messages = %+v, want alice's one", got)
	}
	// Her token is of her tenant: the other tenant's room is not there.
	r, err := alice.GetRoomWithResponse(ctx, foreign.RoomId)
	refused(t, r, err, refusal{404, "NOT_FOUND", ""})

	tok, err := alice.CreateTokenWithResponse(ctx, nil, chatclient.CreateTokenRequest{})
	refused(t, tok, err, refusal{403, "AUTHORIZATION_ERROR", "Authorization"})
}

// What a request with Authorization is answered, operation by operation.
func TestBearerTokenRefusals(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 1000)
	good := tn.token("alice")
	expiring := func() string {
		ttl := 1
		r, err := tn.as("carol").CreateTokenWithResponse(context.Background(), nil, chatclient.CreateTokenRequest{TtlSeconds: &ttl})
		if err != nil || r.JSON201 == nil {
			t.Fatalf("token: %v %s", err, bodyOf(r))
		}
		return r.JSON201.Data.Token
	}()
	forged := good[:strings.LastIndexByte(good, '.')+1] + strings.Repeat("A", 43)
	for _, tc := range []struct {
		name, method, path string
		headers            map[string]string
		status             int
		code, field        string
	}{
		{"user-level", "GET", "/rooms", map[string]string{"Authorization": "Bearer " + good}, 200, "", ""},
		{"scheme in any case", "GET", "/rooms", map[string]string{"Authorization": "bearer " + good}, 200, "", ""},
		{"forged", "GET", "/rooms", map[string]string{"Authorization": "Bearer " + forged}, 401, "AUTHENTICATION_ERROR", ""},
		{"garbage", "GET", "/rooms", map[string]string{"Authorization": "Bearer nope"}, 401, "AUTHENTICATION_ERROR", ""},
		{"another scheme", "GET", "/rooms", map[string]string{"Authorization": "Basic YTpi"}, 401, "AUTHENTICATION_ERROR", ""},
		{"tenant-level", "POST", "/tokens", map[string]string{"Authorization": "Bearer " + good}, 403, "AUTHORIZATION_ERROR", "Authorization"},
		{"tenant-level, bad token", "POST", "/tokens", map[string]string{"Authorization": "Bearer nope"}, 401, "AUTHENTICATION_ERROR", ""},
		{"tenant-level with the key too", "POST", "/tokens", map[string]string{"Authorization": "Bearer " + good, "X-API-Key": tn.key, "X-User-Id": "alice"}, 201, "", ""},
		{"admin", "GET", "/admin/tenants", map[string]string{"Authorization": "Bearer " + good}, 401, "AUTHENTICATION_ERROR", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := e.raw(tc.method, tc.path, tc.headers, "")
			if tc.code != "" {
				checkRefusal(t, status, body, refusal{tc.status, tc.code, tc.field})
			} else if status != tc.status {
				t.Errorf("status = %d, want %d: %s", status, tc.status, body)
			}
		})
	}
	t.Run("expired", func(t *testing.T) {
		e.advance(2 * time.Second)
		status, h, body := e.raw("GET", "/rooms", map[string]string{"Authorization": "Bearer " + expiring}, "")
		checkRefusal(t, status, body, refusal{401, "AUTHENTICATION_ERROR", ""})
		if got := h.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
			t.Errorf("WWW-Authenticate = %q, want the Bearer challenge", got)
		}
	})
	t.Run("after a key rotation", func(t *testing.T) {
		rot, err := e.admin().RotateTenantKeyWithResponse(context.Background(), tn.id)
		if err != nil || rot.JSON200 == nil {
			t.Fatalf("rotate: %v %s", err, bodyOf(rot))
		}
		status, _, body := e.raw("GET", "/rooms", map[string]string{"Authorization": "Bearer " + good}, "")
		checkRefusal(t, status, body, refusal{401, "AUTHENTICATION_ERROR", ""})
		status, _, body = e.raw("GET", "/ws?token="+url.QueryEscape(good), nil, "")
		checkRefusal(t, status, body, refusal{401, "AUTHENTICATION_ERROR", ""})
	})
	if logs := e.logs.String(); strings.Contains(logs, good) {
		t.Error("a token reached the log")
	}
}
