package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/chatapi/chatapi/gen/chatclient"
)

// hookReceiver is a before-send hook on loopback: it records what it is
// sent and answers as told.
type hookReceiver struct {
	srv *httptest.Server

	mu      sync.Mutex
	answer  string        // the JSON answered
	status  int           // the status answered
	delay   time.Duration // waited before answering
	got     []hookCall
	secret  string
	invalid int // requests whose signature did not verify
}

// hookCall is one request the receiver got.
type hookCall struct {
	Type      string  `json:"type"`
	TenantID  string  `json:"tenant_id"`
	RoomID    string  `json:"room_id"`
	UserID    string  `json:"user_id"`
	MessageID *string `json:"message_id"`
	Content   string  `json:"content"`
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{status: http.StatusOK, answer: `{"action":"allow"}`}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		var c hookCall
		_ = json.Unmarshal(body, &c)
		h.got = append(h.got, c)
		if wh, err := standardwebhooks.NewWebhook(h.secret); err != nil || wh.Verify(body, r.Header) != nil {
			h.invalid++
		}
		delay, status, answer := h.delay, h.status, h.answer
		h.mu.Unlock()
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// set makes the receiver answer status and answer after delay.
func (h *hookReceiver) set(status int, answer string, delay time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.status, h.answer, h.delay = status, answer, delay
}

// calls returns and forgets what the receiver got, and how many of the
// requests failed their signature check.
func (h *hookReceiver) calls() ([]hookCall, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	got, invalid := h.got, h.invalid
	h.got, h.invalid = nil, 0
	return got, invalid
}

// The before-send hook over HTTP with a real receiver on loopback: allow,
// reject, replace, the on_error rules for a receiver that times out or
// fails, edits, the blocklist before it, and the hook's own endpoints.
func TestBeforeSendHook(t *testing.T) {
	e := newEnvWith(t, envOptions{allowPrivate: true})
	tn := e.newTenant("acme", 100000)
	other := e.newTenant("other", 100000)
	ctx := context.Background()
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	otherRoom := other.createRoom("alice", chatclient.RoomTypeGroup)
	recv := newHookReceiver(t)
	ops := tn.as("ops")

	setHook := func(t *testing.T, timeoutMS int, onError chatclient.BeforeSendOnError) *chatclient.SetBeforeSendHookResponse {
		t.Helper()
		r, err := ops.SetBeforeSendHookWithResponse(ctx, chatclient.SetBeforeSendHookRequest{Url: recv.srv.URL + "/hook", TimeoutMs: &timeoutMS, OnError: &onError})
		if err != nil || (r.JSON200 == nil && r.JSON201 == nil) {
			t.Fatalf("set hook: %v %s", err, bodyOf(r))
		}
		return r
	}

	t.Run("no hook", func(t *testing.T) {
		r, err := ops.GetBeforeSendHookWithResponse(ctx)
		refused(t, r, err, refusal{http.StatusNotFound, "NOT_FOUND", ""})
	})
	t.Run("created with its secret, shown once", func(t *testing.T) {
		r := setHook(t, 1000, "allow")
		if r.JSON201 == nil || r.JSON201.Data.Secret == nil || len(*r.JSON201.Data.Secret) < 10 {
			t.Fatalf("create: %s", r.Body)
		}
		recv.mu.Lock()
		recv.secret = *r.JSON201.Data.Secret
		recv.mu.Unlock()
		// The store holds it sealed, never as shown.
		cr, err := e.store.ContentRules(ctx, tn.id)
		if err != nil || cr.Hook == nil || cr.Hook.Secret == "" || strings.Contains(cr.Hook.Secret, strings.TrimPrefix(*r.JSON201.Data.Secret, "whsec_")) {
			t.Fatalf("stored hook secret %+v (%v) is empty or the secret shown", cr.Hook, err)
		}
		again := setHook(t, 1000, "allow")
		if again.JSON200 == nil || again.JSON200.Data.Secret != nil {
			t.Fatalf("replace: %s", again.Body)
		}
		g, err := ops.GetBeforeSendHookWithResponse(ctx)
		if err != nil || g.JSON200 == nil || g.JSON200.Data.Secret != nil || g.JSON200.Data.Url != recv.srv.URL+"/hook" {
			t.Fatalf("get: %v %s", err, bodyOf(g))
		}
	})

	cases := []struct {
		name      string
		timeoutMS int
		onError   chatclient.BeforeSendOnError
		status    int
		answer    string
		delay     time.Duration
		// want is the content stored, or "" for a refusal with reason.
		want   string
		reason string
	}{
		{"allow", 1000, "reject", 200, `{"action":"allow"}`, 0, "hello there", ""},
		{"reject with the hook's reason", 1000, "allow", 200, `{"action":"reject","reason":"no greetings here"}`, 0, "", "before_send"},
		{"replace", 1000, "reject", 200, `{"action":"replace","content":"[redacted]"}`, 0, "[redacted]", ""},
		{"times out, on_error allow", 100, "allow", 200, `{"action":"reject"}`, time.Second, "hello there", ""},
		{"times out, on_error reject", 100, "reject", 200, `{"action":"allow"}`, time.Second, "", "before_send_unavailable"},
		{"fails, on_error allow", 1000, "allow", 500, `oops`, 0, "hello there", ""},
		{"fails, on_error reject", 1000, "reject", 500, `oops`, 0, "", "before_send_unavailable"},
		{"unreadable answer, on_error reject", 1000, "reject", 200, `{"action":"shrug"}`, 0, "", "before_send_unavailable"},
		{"replace without content, on_error allow", 1000, "allow", 200, `{"action":"replace"}`, 0, "hello there", ""},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			setHook(t, tt.timeoutMS, tt.onError)
			recv.set(tt.status, tt.answer, tt.delay)
			start := time.Now()
			r, err := tn.as("bob").SendMessageWithResponse(ctx, room.RoomId, chatclient.SendMessageRequest{Content: "hello there"})
			took := time.Since(start)
			if tt.want == "" {
				refused(t, r, err, refusal{http.StatusBadRequest, "VALIDATION_ERROR", "content"})
				if got := reasonOf(t, r.Body); got != tt.reason {
					t.Fatalf("details.reason = %v, want %s", got, tt.reason)
				}
				if tt.reason == "before_send" {
					var env envelope
					_ = json.Unmarshal(r.Body, &env)
					if env.Error.Message != "no greetings here" {
						t.Fatalf("message = %q, want the hook's reason", env.Error.Message)
					}
				}
			} else if err != nil || r.JSON201 == nil || r.JSON201.Data.Content != tt.want {
				t.Fatalf("send: %v %s, want content %q", err, bodyOf(r), tt.want)
			}
			if tt.delay > 0 && took > tt.delay/2 {
				t.Fatalf("the send took %v: the hook's %d ms timeout was not kept", took, tt.timeoutMS)
			}
			calls, invalid := recv.calls()
			if len(calls) != 1 || invalid != 0 {
				t.Fatalf("hook got %d calls (%d badly signed), want 1 signed", len(calls), invalid)
			}
			if c := calls[0]; c.Type != "message.send" || c.TenantID != tn.id || c.RoomID != room.RoomId || c.UserID != "bob" || c.MessageID != nil || c.Content != "hello there" {
				t.Fatalf("hook got %+v", c)
			}
		})
	}

	t.Run("edit", func(t *testing.T) {
		setHook(t, 1000, "allow")
		recv.set(200, `{"action":"allow"}`, 0)
		m := tn.send("bob", room.RoomId, "first")
		recv.calls()
		recv.set(200, `{"action":"replace","content":"edited by the hook"}`, 0)
		edit := "second"
		r, err := tn.as("bob").UpdateMessageWithResponse(ctx, room.RoomId, m.MessageId, chatclient.UpdateMessageRequest{Content: &edit})
		if err != nil || r.JSON200 == nil || r.JSON200.Data.Content != "edited by the hook" {
			t.Fatalf("edit: %v %s", err, bodyOf(r))
		}
		calls, invalid := recv.calls()
		if len(calls) != 1 || invalid != 0 || calls[0].Type != "message.edit" || calls[0].MessageID == nil || *calls[0].MessageID != m.MessageId || calls[0].Content != "second" {
			t.Fatalf("hook got %+v (%d badly signed)", calls, invalid)
		}
	})
	t.Run("after the blocklist", func(t *testing.T) {
		tn.setBlocklist([]string{"darn"}, "word", "mask")
		defer tn.setBlocklist([]string{}, "word", "block")
		recv.set(200, `{"action":"allow"}`, 0)
		if m := tn.send("bob", room.RoomId, "darn it"); m.Content != "*** it" {
			t.Fatalf("stored %q", m.Content)
		}
		if calls, _ := recv.calls(); len(calls) != 1 || calls[0].Content != "*** it" {
			t.Fatalf("hook got %+v, want the masked content", calls)
		}
	})
	t.Run("not for sends the room refuses", func(t *testing.T) {
		r, err := tn.as("mallory").SendMessageWithResponse(ctx, room.RoomId, chatclient.SendMessageRequest{Content: "hi"})
		refused(t, r, err, refusal{http.StatusForbidden, "AUTHORIZATION_ERROR", ""})
		if calls, _ := recv.calls(); len(calls) != 0 {
			t.Fatalf("hook got %+v", calls)
		}
	})
	t.Run("other tenants are not posted", func(t *testing.T) {
		other.send("alice", otherRoom.RoomId, "hi")
		if calls, _ := recv.calls(); len(calls) != 0 {
			t.Fatalf("hook got %+v", calls)
		}
	})
	t.Run("deleted", func(t *testing.T) {
		r, err := ops.DeleteBeforeSendHookWithResponse(ctx)
		if err != nil || r.JSON200 == nil || !r.JSON200.Data.Deleted {
			t.Fatalf("delete: %v %s", err, bodyOf(r))
		}
		tn.send("bob", room.RoomId, "unhooked")
		if calls, _ := recv.calls(); len(calls) != 0 {
			t.Fatalf("hook got %+v after its deletion", calls)
		}
		again, err := ops.DeleteBeforeSendHookWithResponse(ctx)
		refused(t, again, err, refusal{http.StatusNotFound, "NOT_FOUND", ""})
	})
}

// The hook's endpoints refuse what they must: user tokens, timeouts over
// 3 s, URLs that are not http(s), and private targets without
// WEBHOOK_ALLOW_PRIVATE.
func TestBeforeSendHookRefusals(t *testing.T) {
	e := newEnv(t) // private targets not allowed
	tn := e.newTenant("acme", 100000)
	cases := []struct {
		name    string
		headers map[string]string
		body    string
		want    refusal
		reason  string
	}{
		{"user token", map[string]string{"Authorization": "Bearer " + tn.token("alice")}, `{"url":"https://hooks.example.com/x"}`, refusal{http.StatusForbidden, "AUTHORIZATION_ERROR", "Authorization"}, ""},
		{"timeout over 3 s", nil, `{"url":"https://hooks.example.com/x","timeout_ms":3001}`, refusal{http.StatusBadRequest, "VALIDATION_ERROR", "timeout_ms"}, ""},
		{"not http", nil, `{"url":"ftp://hooks.example.com/x"}`, refusal{http.StatusBadRequest, "VALIDATION_ERROR", "url"}, ""},
		{"unknown on_error", nil, `{"url":"https://hooks.example.com/x","on_error":"maybe"}`, refusal{http.StatusBadRequest, "VALIDATION_ERROR", "on_error"}, ""},
		{"credentials in the URL", nil, `{"url":"https://user:pass@hooks.example.com/x"}`, refusal{http.StatusBadRequest, "VALIDATION_ERROR", "url"}, ""},
		{"loopback", nil, `{"url":"http://127.0.0.1:9/x"}`, refusal{http.StatusBadRequest, "VALIDATION_ERROR", "url"}, "private_target"},
		{"localhost", nil, `{"url":"http://localhost:9/x"}`, refusal{http.StatusBadRequest, "VALIDATION_ERROR", "url"}, "private_target"},
		{"private network", nil, `{"url":"https://10.1.2.3/x"}`, refusal{http.StatusBadRequest, "VALIDATION_ERROR", "url"}, "private_target"},
		{"link-local", nil, `{"url":"http://[fe80::1]/x"}`, refusal{http.StatusBadRequest, "VALIDATION_ERROR", "url"}, "private_target"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.headers
			if h == nil {
				h = map[string]string{"X-API-Key": tn.key, "X-User-Id": "ops"}
			}
			h["Content-Type"] = "application/json"
			status, _, raw := e.raw(http.MethodPut, "/hooks/before-send", h, tt.body)
			checkRefusal(t, status, raw, tt.want)
			if tt.reason != "" {
				if got := reasonOf(t, raw); got != tt.reason {
					t.Fatalf("details.reason = %v, want %s", got, tt.reason)
				}
			}
		})
	}
}
