package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// CORS_ALLOWED_ORIGINS: a comma list of origins, or "*" alone.
func TestLoadConfigCORSOrigins(t *testing.T) {
	for _, tc := range []struct {
		name, env string
		want      []string
		refused   bool
	}{
		{name: "default none", env: ""},
		{name: "list", env: " https://App.example.com , http://localhost:5173/", want: []string{"https://app.example.com", "http://localhost:5173"}},
		{name: "wildcard", env: "*", want: []string{"*"}},
		{name: "wildcard with others", env: "*,https://app.example.com", refused: true},
		{name: "a path", env: "https://app.example.com/chat", refused: true},
		{name: "no scheme", env: "app.example.com", refused: true},
		{name: "a pattern", env: "https://*.example.com", refused: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := loadConfig(nil, func(k string) string {
				if k == "CORS_ALLOWED_ORIGINS" {
					return tc.env
				}
				return ""
			})
			if tc.refused {
				if err == nil || !strings.Contains(err.Error(), "CORS_ALLOWED_ORIGINS") {
					t.Fatalf("got %v, want a refusal naming CORS_ALLOWED_ORIGINS", err)
				}
				return
			}
			if err != nil || !slices.Equal(cfg.corsOrigins, tc.want) {
				t.Errorf("got %q, %v; want %q", cfg.corsOrigins, err, tc.want)
			}
		})
	}
}

// The binary wires CORS_ALLOWED_ORIGINS into REST and /ws alike: a page on
// an allowed origin is granted REST access and opens the WebSocket with a
// user token; another origin is granted neither.
func TestCORSOriginsReachRESTAndWebSocket(t *testing.T) {
	const allowed, foreign = "https://app.example.com", "https://evil.example.net"
	addr := freeAddr(t)
	env := map[string]string{
		"DATABASE_URL":         filepath.Join(t.TempDir(), "chatapi.db"),
		"CHATAPI_ADDR":         addr,
		"MASTER_API_KEY":       "mk_test",
		"CORS_ALLOWED_ORIGINS": allowed,
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, func(k string) string { return env[k] }, io.Discard, io.Discard) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	base := "http://" + addr
	call := func(method, path string, headers map[string]string, body string) (*http.Response, map[string]any) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			Data map[string]any `json:"data"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp, out.Data
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if resp, err := http.Get(base + "/health"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	json := map[string]string{"Content-Type": "application/json"}
	_, tenant := call("POST", "/admin/tenants", map[string]string{"X-Master-Key": "mk_test", "Content-Type": "application/json"}, `{"name":"acme"}`)
	key, _ := tenant["api_key"].(string)
	json["X-API-Key"], json["X-User-Id"] = key, "alice"
	_, tok := call("POST", "/tokens", json, `{}`)
	token, _ := tok["token"].(string)
	if token == "" {
		t.Fatalf("no token (tenant %v)", tenant)
	}

	for _, tc := range []struct {
		origin string
		grant  bool
	}{{allowed, true}, {foreign, false}} {
		t.Run(tc.origin, func(t *testing.T) {
			resp, _ := call("GET", "/rooms", map[string]string{"Origin": tc.origin, "Authorization": "Bearer " + token}, "")
			if got := resp.Header.Get("Access-Control-Allow-Origin"); (got == tc.origin) != tc.grant || (!tc.grant && got != "") {
				t.Errorf("GET /rooms grants %q", got)
			}
			dctx, dcancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer dcancel()
			c, resp, err := websocket.Dial(dctx, "ws://"+addr+"/ws?token="+token, &websocket.DialOptions{
				HTTPHeader: http.Header{"Origin": {tc.origin}},
			})
			if tc.grant {
				if err != nil {
					t.Fatalf("dial from %s: %v", tc.origin, err)
				}
				c.Close(websocket.StatusNormalClosure, "")
				return
			}
			if err == nil {
				c.Close(websocket.StatusNormalClosure, "")
				t.Fatalf("dial from %s connected", tc.origin)
			}
			if resp == nil || resp.StatusCode != http.StatusForbidden {
				t.Errorf("dial from %s: %v, want 403", tc.origin, err)
			}
		})
	}
}
