package server_test

import (
	"net/http"
	"strings"
	"testing"
)

// A browser on an allowed origin is granted cross-origin access, preflight
// and request alike; any other origin gets no grant; "*" grants every
// origin without credentials; no configuration grants none.
func TestCORS(t *testing.T) {
	const app, evil = "https://app.example.com", "https://evil.example.net"
	preflight := func(origin string) map[string]string {
		return map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST",
			"Access-Control-Request-Headers": "authorization,content-type,idempotency-key"}
	}
	for _, tc := range []struct {
		name    string
		origins []string
		origin  string
		grant   string // Access-Control-Allow-Origin, "" for none
		creds   bool
	}{
		{"allowed origin", []string{app, "http://localhost:5173"}, app, app, true},
		{"second allowed origin", []string{app, "http://localhost:5173"}, "http://localhost:5173", "http://localhost:5173", true},
		{"origin not allowed", []string{app}, evil, "", false},
		{"another port is another origin", []string{app}, app + ":8443", "", false},
		{"wildcard", []string{"*"}, evil, "*", false},
		{"not configured", nil, app, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnvWith(t, envOptions{cors: tc.origins})
			tn := e.newTenant("acme", 1000)

			status, h, body := e.raw("OPTIONS", "/rooms", preflight(tc.origin), "")
			if got := h.Get("Access-Control-Allow-Origin"); got != tc.grant {
				t.Errorf("preflight grants %q, want %q (%d %s)", got, tc.grant, status, body)
			}
			if tc.grant != "" {
				if status != http.StatusNoContent {
					t.Errorf("preflight status = %d, want 204", status)
				}
				allowed := strings.ToLower(h.Get("Access-Control-Allow-Headers"))
				for _, want := range []string{"authorization", "idempotency-key", "x-api-key", "x-user-id", "content-type"} {
					if !strings.Contains(allowed, want) {
						t.Errorf("Access-Control-Allow-Headers %q lacks %s", allowed, want)
					}
				}
				if got := h.Get("Access-Control-Allow-Credentials") == "true"; got != tc.creds {
					t.Errorf("credentials allowed = %v, want %v", got, tc.creds)
				}
			}

			status, h, body = e.raw("GET", "/rooms", map[string]string{"Origin": tc.origin, "Authorization": "Bearer " + tn.token("alice")}, "")
			if status != http.StatusOK {
				t.Fatalf("GET /rooms: %d %s", status, body)
			}
			if got := h.Get("Access-Control-Allow-Origin"); got != tc.grant {
				t.Errorf("request grants %q, want %q", got, tc.grant)
			}
			if tc.grant != "" {
				exposed := strings.ToLower(h.Get("Access-Control-Expose-Headers"))
				for _, want := range []string{"x-request-id", "x-ratelimit-remaining", "retry-after", "idempotent-replayed"} {
					if !strings.Contains(exposed, want) {
						t.Errorf("Access-Control-Expose-Headers %q lacks %s", exposed, want)
					}
				}
			}
		})
	}
}
