//go:build unix

package e2e_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// credentialCheckEnv makes instances check their connections' credentials
// every 200 ms instead of the default 5 s.
const credentialCheckEnv = "WS_CREDENTIAL_CHECK_INTERVAL=200ms"

// closeWithin is how long a revoked connection may stay open in these tests:
// the check interval and plenty of slack for a loaded machine.
const closeWithin = 3 * time.Second

// A WebSocket lives no longer than its credentials: a token's connection is
// closed with 1008 when the token expires; after a key rotation the
// connections opened with the old key or its tokens are closed with 1008,
// and the old key's tokens no longer open /ws. Other tenants are untouched.
func TestRotatedKeyAndExpiredTokenEndConnections(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p := startServer(t, filepath.Join(t.TempDir(), "chatapi.db"), credentialCheckEnv)
	a := newAPI(t, p)
	tn := a.newTenant(t, ctx, "acme", 1000)
	other := a.newTenant(t, ctx, "other", 1000)

	longTok := tn.token(t, ctx, "bob", 3600)
	shortTok := tn.token(t, ctx, "carol", 2)
	byKey := connect(t, ctx, p, tn, "alice")
	byToken := connectToken(t, ctx, p, "bob", longTok)
	expiring := connectToken(t, ctx, p, "carol", shortTok)
	bystander := connect(t, ctx, p, other, "zed")
	for _, pr := range []*peer{byKey, byToken, expiring, bystander} {
		if err := pr.waitFor(ctx, "sync.complete", has(func(e wsEvent) bool { return e.Type == "sync.complete" })); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("expired token", func(t *testing.T) {
		// The token had at most 2 s left when it was issued.
		if err := expiring.waitClosed(ctx, websocket.StatusPolicyViolation, 2*time.Second+closeWithin); err != nil {
			t.Fatal(err)
		}
		for _, pr := range []*peer{byKey, byToken, bystander} {
			if !pr.open() {
				t.Errorf("%s: closed with the expired token (%v)", pr.user, pr.err)
			}
		}
	})

	t.Run("rotated key", func(t *testing.T) {
		start := time.Now()
		newKey := tn.rotateKey(t, ctx)
		for _, pr := range []*peer{byKey, byToken} {
			if err := pr.waitClosed(ctx, websocket.StatusPolicyViolation, closeWithin); err != nil {
				t.Error(err)
			}
		}
		t.Logf("connections of the rotated key closed within %v of the rotation", time.Since(start).Round(time.Millisecond))

		// The old key's token and the old key are refused at the handshake.
		for name, query := range map[string]url.Values{
			"old token": {"token": {longTok}},
			"old key":   {"api_key": {tn.key}, "user_id": {"alice"}},
		} {
			status, err := a.do(ctx, http.MethodGet, "/ws?"+query.Encode(), nil, nil, nil)
			if status != http.StatusUnauthorized || err == nil || !strings.Contains(err.Error(), "AUTHENTICATION_ERROR") {
				t.Errorf("%s: handshake got %d %v, want 401 AUTHENTICATION_ERROR", name, status, err)
			}
		}

		// The new key and its tokens work, and their connections stay.
		fresh := tenant{a: a, key: newKey, id: tn.id}
		renewed := connect(t, ctx, p, fresh, "alice")
		renewedTok := connectToken(t, ctx, p, "bob", fresh.token(t, ctx, "bob", 3600))
		time.Sleep(4 * 200 * time.Millisecond) // a few check intervals
		for _, pr := range []*peer{renewed, renewedTok, bystander} {
			if err := pr.waitFor(ctx, "sync.complete", has(func(e wsEvent) bool { return e.Type == "sync.complete" })); err != nil {
				t.Error(err)
			}
			if !pr.open() {
				t.Errorf("%s: closed (%v), want open", pr.user, pr.err)
			}
		}
	})
}

// token issues a user token for user, valid for ttl seconds.
func (tn tenant) token(t testing.TB, ctx context.Context, user string, ttl int) string {
	t.Helper()
	var out struct {
		Token string `json:"token"`
	}
	if _, err := tn.a.do(ctx, http.MethodPost, "/tokens", tn.headers(user), map[string]any{"ttl_seconds": ttl}, &out); err != nil {
		t.Fatalf("token for %s: %v", user, err)
	}
	return out.Token
}

// rotateKey rotates the tenant's key through its process and returns the
// new key.
func (tn tenant) rotateKey(t testing.TB, ctx context.Context) string {
	t.Helper()
	var out struct {
		APIKey string `json:"api_key"`
	}
	if _, err := tn.a.do(ctx, http.MethodPost, "/admin/tenants/"+tn.id+"/rotate-key", map[string]string{"X-Master-Key": masterKey}, nil, &out); err != nil {
		t.Fatalf("rotate key: %v", err)
	}
	return out.APIKey
}

// connectToken opens /ws on p with a user token and starts reading; the
// connection is closed when t ends.
func connectToken(t *testing.T, ctx context.Context, p *proc, user, token string) *peer {
	t.Helper()
	wsURL := "ws" + strings.TrimPrefix(p.base, "http") + "/ws?token=" + url.QueryEscape(token)
	ws, _, err := websocket.Dial(ctx, wsURL, nil)
	if err != nil {
		t.Fatalf("dial %s with a token: %v", user, err)
	}
	ws.SetReadLimit(4 << 20)
	t.Cleanup(func() { _ = ws.CloseNow() })
	return startPeer(user, ws)
}
