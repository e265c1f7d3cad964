package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/chatapi/chatapi/gen/chatclient"
	"github.com/chatapi/chatapi/realtime"
)

// A request to /ws that is not a WebSocket handshake, or one from a foreign
// origin, is refused in the envelope like every other refusal.
func TestWebSocketRefusalsUseEnvelope(t *testing.T) {
	e := newEnvWith(t, envOptions{hub: realHub(t, realtime.Config{})})
	tn := e.newTenant("acme", 100000)
	creds := map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice"}
	upgrade := map[string]string{
		"X-API-Key": tn.key, "X-User-Id": "alice",
		"Connection": "Upgrade", "Upgrade": "websocket",
		"Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
	}
	with := func(h map[string]string, k, v string) map[string]string {
		out := map[string]string{k: v}
		for hk, hv := range h {
			if hk != k {
				out[hk] = hv
			}
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		method  string
		headers map[string]string
		want    refusal
		header  [2]string // a response header the refusal must keep
	}{
		{"no upgrade", "GET", creds, refusal{426, "VALIDATION_ERROR", ""}, [2]string{"Upgrade", "websocket"}},
		{"upgrade to something else", "GET", with(upgrade, "Upgrade", "h2c"), refusal{426, "VALIDATION_ERROR", ""}, [2]string{"Upgrade", "websocket"}},
		{"wrong version", "GET", with(upgrade, "Sec-WebSocket-Version", "8"), refusal{400, "VALIDATION_ERROR", ""}, [2]string{"Sec-WebSocket-Version", "13"}},
		{"cross-origin", "GET", with(upgrade, "Origin", "https://elsewhere.example"), refusal{403, "AUTHORIZATION_ERROR", ""}, [2]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, h, raw := e.raw(tc.method, "/ws", tc.headers, "")
			checkRefusal(t, status, raw, tc.want)
			checkNoGoText(t, raw)
			if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			if k := tc.header[0]; k != "" && h.Get(k) != tc.header[1] {
				t.Errorf("%s = %q, want %q", k, h.Get(k), tc.header[1])
			}
		})
	}
}

// A resume cursor that is not one refuses the handshake with 400 on field
// cursor, before any socket is opened; a good one is accepted.
func TestWebSocketResumeCursorIsChecked(t *testing.T) {
	e := newEnvWith(t, envOptions{hub: realHub(t, realtime.Config{})})
	tn := e.newTenant("acme", 100000)
	upgrade := map[string]string{
		"X-API-Key": tn.key, "X-User-Id": "alice",
		"Connection": "Upgrade", "Upgrade": "websocket",
		"Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
	}
	for _, tc := range []struct {
		name, query string
	}{
		{"not a cursor", "cursor=abc"},
		{"empty", "cursor="},
		{"another version", "cursor=v2.1-4"},
		{"a bad room entry", "cursor=v1.1-"},
		{"two cursors", "cursor=v1.1-4&cursor=v1.2-4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, raw := e.raw("GET", "/ws?"+tc.query, upgrade, "")
			checkRefusal(t, status, raw, refusal{400, "VALIDATION_ERROR", "cursor"})
		})
	}
	t.Run("a good cursor", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		h := http.Header{}
		h.Set("X-API-Key", tn.key)
		h.Set("X-User-Id", "alice")
		ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.url, "http")+"/ws?cursor=v1.1-4", &websocket.DialOptions{HTTPHeader: h})
		if err != nil {
			t.Fatalf("dial with a good cursor: %v", err)
		}
		_ = ws.CloseNow()
	})
}

// The handshake's 101 (which the hub writes with the connection's first
// frames) keeps the headers of every answer, and a user who only connects
// is counted among the day's active users, though the handshake does not
// wait for that write.
func TestWebSocketHandshakeAnswerAndActivity(t *testing.T) {
	e := newEnvWith(t, envOptions{hub: realHub(t, realtime.Config{})})
	tn := e.newTenant("acme", 100000)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	users := []string{"alice", "bob", "carol"}
	for _, u := range users {
		h := http.Header{}
		h.Set("X-API-Key", tn.key)
		h.Set("X-User-Id", u)
		ws, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.url, "http")+"/ws", &websocket.DialOptions{HTTPHeader: h})
		if err != nil {
			t.Fatalf("dial as %s: %v", u, err)
		}
		for _, k := range []string{"X-Request-Id", "X-Ratelimit-Limit", "X-Ratelimit-Remaining", "Date"} {
			if resp.Header.Get(k) == "" {
				t.Errorf("the 101 has no %s: %v", k, resp.Header)
			}
		}
		if _, data, err := ws.Read(ctx); err != nil || !strings.Contains(string(data), `"sync.complete"`) {
			t.Fatalf("first frame: %s, %v, want sync.complete", data, err)
		}
		_ = ws.CloseNow()
	}
	today := e.now().UTC()
	span := &chatclient.GetTenantUsageParams{From: &openapi_types.Date{Time: today}, To: &openapi_types.Date{Time: today}}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		r, err := e.admin().GetTenantUsageWithResponse(ctx, tn.id, span)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("usage: %v %s", err, bodyOf(r))
		}
		dau := r.JSON200.Data.DailyActiveUsers
		if len(dau) == 1 && dau[0].Count == int64(len(users)) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("daily active users: got %+v, want %d today", dau, len(users))
		}
	}
}
