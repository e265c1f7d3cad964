//go:build unix

package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestDemoOffByDefault: without DEMO=true there is no /demo/ at all.
func TestDemoOffByDefault(t *testing.T) {
	p := startServer(t, filepath.Join(t.TempDir(), "chatapi.db"))
	for _, tc := range []struct{ method, path string }{
		{"GET", "/demo/"},
		{"GET", "/demo/app.js"},
		{"POST", "/demo/session"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			status, _ := demoRequest(t, p, tc.method, tc.path, `{"user_id":"alice"}`)
			if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
				t.Errorf("%s %s without DEMO: status %d, want 404 or 405", tc.method, tc.path, status)
			}
		})
	}
}

// TestDemoServed: with DEMO=true the app's files are served from the
// binary, and the session endpoint gives a user a token of the demo
// tenant that opens the WebSocket, again and again, and refuses names that
// are no user id.
func TestDemoServed(t *testing.T) {
	p := startServer(t, filepath.Join(t.TempDir(), "chatapi.db"), "DEMO=true")
	for _, tc := range []struct {
		path, contains string
	}{
		{"/demo/", `<script type="module" src="app.js">`},
		{"/demo/app.js", "DO NOT EDIT"},
		{"/demo/app.css", "#messages"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			status, body := demoRequest(t, p, "GET", tc.path, "")
			if status != 200 || !strings.Contains(body, tc.contains) {
				t.Errorf("GET %s: status %d, body %.120q, want 200 holding %q", tc.path, status, body, tc.contains)
			}
		})
	}
	t.Run("unknown file", func(t *testing.T) {
		if status, _ := demoRequest(t, p, "GET", "/demo/nope.js", ""); status != 404 {
			t.Errorf("GET /demo/nope.js: %d, want 404", status)
		}
	})
	for _, tc := range []struct {
		name, body string
		status     int
	}{
		{"first visit", `{"user_id":"alice"}`, 200},
		{"again, the tenant reused", `{"user_id":"alice"}`, 200},
		{"another user", `{"user_id":"bob"}`, 200},
		{"no name", `{"user_id":""}`, 400},
		{"not a user id", `{"user_id":"a b"}`, 400},
		{"the host's name", `{"user_id":"demo-host"}`, 400},
		{"not JSON", `{`, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := demoRequest(t, p, "POST", "/demo/session", tc.body)
			if status != tc.status {
				t.Fatalf("POST /demo/session %s: status %d (%s), want %d", tc.body, status, body, tc.status)
			}
			if status != 200 {
				return
			}
			var s struct {
				UserID    string    `json:"user_id"`
				Token     string    `json:"token"`
				ExpiresAt time.Time `json:"expires_at"`
			}
			if err := json.Unmarshal([]byte(body), &s); err != nil || s.Token == "" || s.UserID == "" || time.Until(s.ExpiresAt) < 30*time.Minute {
				t.Fatalf("session %s: %+v (%v)", body, s, err)
			}
			// The token opens the WebSocket, and the server's first frames
			// come to this user.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(p.base, "http")+"/ws?token="+url.QueryEscape(s.Token), nil)
			if err != nil {
				t.Fatalf("the session's token does not open /ws: %v", err)
			}
			ws.Close(websocket.StatusNormalClosure, "")
		})
	}
}

// TestDemoInBrowser runs tools/browser/demo.mjs (Playwright on headless
// Chromium) against the binary with DEMO=true: two users in two browser
// contexts, typing, a live message, read ticks, a reaction, a thread reply, an unread
// count and a mention, a catch-up after the second context was offline, an
// image attached by one and loaded by the other, a pin and a search. Screenshots go to
// dist/demo/ (README's are copies of them in docs/demo/).
func TestDemoInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	var missing []string
	if _, err := exec.LookPath("node"); err != nil {
		missing = append(missing, "node")
	}
	if _, err := os.Stat(chromium); err != nil {
		missing = append(missing, chromium+" (apt-get install chromium)")
	}
	if _, err := os.Stat(filepath.Join(root, "tools", "node_modules", "playwright-core")); err != nil {
		missing = append(missing, "tools/node_modules/playwright-core (bash tools/npm-ci.sh tools)")
	}
	if len(missing) > 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser test cannot run under CI: missing %s", strings.Join(missing, ", "))
		}
		t.Skipf("browser test needs %s", strings.Join(missing, ", "))
	}

	// The image the test attaches is kept in a temporary directory, not
	// the default ./data/files under the package's source.
	p := startServer(t, filepath.Join(t.TempDir(), "chatapi.db"), "DEMO=true", "STORAGE_URL=file://"+t.TempDir())
	shots := filepath.Join(root, "dist", "demo")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// The page is opened at http://localhost:PORT, as a developer opens
	// `make run`'s: the local storage's signed upload URLs name PUBLIC_URL,
	// by default that origin, and the app PUTs its image there.
	base := strings.Replace(p.base, "127.0.0.1", "localhost", 1)
	cmd := exec.CommandContext(ctx, "node", filepath.Join(root, "tools", "browser", "demo.mjs"), base, shots)
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "demo: ok") {
		t.Fatalf("demo browser test: %v\n%s\nserver log:\n%s", err, out, p.logTail(4096))
	}
	t.Logf("%s", bytes.TrimSpace(out))
}

func demoRequest(t *testing.T, p *proc, method, path, body string) (int, string) {
	t.Helper()
	var r io.Reader
	if body != "" && method != "GET" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, p.base+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}
