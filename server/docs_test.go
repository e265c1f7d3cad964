package server_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	contracts "github.com/chatapi/chatapi"
	"github.com/chatapi/chatapi/gen/chatclient"
)

func TestHealthAndContracts(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	h, err := e.client(nil).GetHealthWithResponse(ctx)
	if err != nil || h.JSON200 == nil {
		t.Fatalf("health: %v %s", err, bodyOf(h))
	}
	if d := h.JSON200.Data; d.Status != chatclient.HealthStatusOk || !d.DbWritable || d.Version != "test" || !h.JSON200.Success {
		t.Errorf("health = %+v", d)
	}

	for _, tc := range []struct {
		path string
		want []byte
		ct   string
	}{
		{"/openapi.yaml", contracts.OpenAPI, "application/yaml"},
		{"/asyncapi.yaml", contracts.AsyncAPI, "application/yaml"},
		{"/docs/realtime/", contracts.AsyncAPIHTML, "text/html"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, err := http.Get(e.url + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got := readAll(t, resp)
			if resp.StatusCode != 200 || !bytes.Equal(got, tc.want) || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.ct) {
				t.Errorf("%s: status %d, type %q, %d bytes (want %d)", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), len(got), len(tc.want))
			}
		})
	}

	t.Run("docs page", func(t *testing.T) {
		resp, err := http.Get(e.url + "/docs/")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		page := string(readAll(t, resp))
		if resp.StatusCode != 200 || !strings.Contains(page, "swagger-ui") || !strings.Contains(page, "/openapi.yaml") {
			t.Errorf("/docs/: status %d, page %.200q", resp.StatusCode, page)
		}
	})
	t.Run("docs without slash redirects", func(t *testing.T) {
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Get(e.url + "/docs")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/docs/" {
			t.Errorf("/docs: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("unknown docs file", func(t *testing.T) {
		status, _, body := e.raw("GET", "/docs/nope.js", nil, "")
		checkRefusal(t, status, body, refusal{404, "NOT_FOUND", ""})
	})
	// The body limit holds on every operation, the unauthenticated ones
	// included, as openapi.yaml's 413 answers say.
	for _, path := range []string{"/health", "/metrics", "/openapi.yaml", "/asyncapi.yaml", "/docs/", "/docs/realtime/"} {
		t.Run("body over the limit on "+path, func(t *testing.T) {
			status, body := e.rawOversized("GET", path, strings.Repeat("x", 65<<10))
			checkRefusal(t, status, body, refusal{413, "VALIDATION_ERROR", "body"})
		})
	}
}

// TestSwaggerUIInBrowser drives Swagger UI at /docs/ in headless Chromium: the
// operations are listed, the Authorize dialog takes the three headers, and
// "Try it out" on GET /health gets 200 from this live server.
func TestSwaggerUIInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser check skipped in -short mode")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	script, err := filepath.Abs("../tools/browser/swagger-ui.mjs")
	if err != nil {
		t.Fatal(err)
	}
	node, nodeErr := exec.LookPath("node")
	var missing []string
	if nodeErr != nil {
		missing = append(missing, "node")
	}
	if _, err := os.Stat(chromium); err != nil {
		missing = append(missing, chromium+" (apt-get install chromium)")
	}
	if _, err := os.Stat("../tools/node_modules/playwright-core"); err != nil {
		missing = append(missing, "tools/node_modules/playwright-core (cd tools && npm ci)")
	}
	if len(missing) > 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser check cannot run under CI: missing %s", strings.Join(missing, ", "))
		}
		t.Skipf("browser check needs %s", strings.Join(missing, ", "))
	}

	e := newEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script, e.url)
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("swagger-ui check failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "swagger-ui: ok") {
		t.Fatalf("swagger-ui check said:\n%s", out)
	}
	t.Logf("%s", bytes.TrimSpace(out))
}
