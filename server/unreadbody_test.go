package server_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A request refused before its body is read (no key, unknown route, wrong
// content type, a body declared too large) is answered at once, and the
// connection closed, even when the declared body never comes: the server
// does not wait for a body it will not use.
func TestRefusalsDoNotWaitForTheBody(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 1000)
	host := strings.TrimPrefix(e.url, "http://")
	key := "X-API-Key: " + tn.key + "\r\nX-User-Id: alice\r\n"
	for _, tc := range []struct {
		name   string
		head   string // request line and headers, without the blank line
		status int
		code   string
	}{
		{"no key", "POST /rooms HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 50\r\n", 401, "AUTHENTICATION_ERROR"},
		{"unknown key", "POST /rooms HTTP/1.1\r\nX-API-Key: sk_nope\r\nX-User-Id: alice\r\nContent-Type: application/json\r\nContent-Length: 50\r\n", 401, "AUTHENTICATION_ERROR"},
		{"no master key", "POST /admin/tenants HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 50\r\n", 401, "AUTHENTICATION_ERROR"},
		{"chunked without a key", "POST /rooms HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n", 401, "AUTHENTICATION_ERROR"},
		{"unknown route", "POST /nowhere HTTP/1.1\r\n" + key + "Content-Type: application/json\r\nContent-Length: 50\r\n", 404, "NOT_FOUND"},
		{"wrong content type", "POST /rooms HTTP/1.1\r\n" + key + "Content-Type: text/plain\r\nContent-Length: 50\r\n", 415, "VALIDATION_ERROR"},
		{"declared too large", "POST /rooms HTTP/1.1\r\n" + key + "Content-Type: application/json\r\nContent-Length: 100000\r\n", 413, "VALIDATION_ERROR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nc, err := net.Dial("tcp", host)
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			// Far shorter than any server timeout: the answer must not wait
			// for one.
			_ = nc.SetDeadline(time.Now().Add(3 * time.Second))
			if _, err := io.WriteString(nc, tc.head+"Host: "+host+"\r\n\r\n"); err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(nc)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("no answer while the body is missing: %v", err)
			}
			body := readAll(t, resp)
			resp.Body.Close()
			checkRefusal(t, resp.StatusCode, body, refusal{tc.status, tc.code, ""})
			if !resp.Close {
				t.Errorf("answer without Connection: close; headers %v", resp.Header)
			}
			if n, err := br.ReadByte(); err != io.EOF {
				t.Errorf("after the answer: read %q, %v; want the connection closed", n, err)
			}
		})
	}

	// A body read to its end keeps the connection for the next request.
	t.Run("refusal after the body keeps the connection", func(t *testing.T) {
		status, hdr, body := e.raw("POST", "/rooms", map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice", "Content-Type": "application/json"}, `{"type":"nope"}`)
		checkRefusal(t, status, body, refusal{400, "VALIDATION_ERROR", ""})
		if hdr.Get("Connection") == "close" {
			t.Error("a refusal after the whole body was read closed the connection")
		}
	})
}
