//go:build unix

package e2e_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The timeouts the binary runs with in TestNoConnectionWithoutLimits, far
// below the defaults so the test is quick.
const (
	slowHeaderTimeout = 1 * time.Second
	slowReadTimeout   = 2 * time.Second
	slowIdleTimeout   = 2 * time.Second
	// slowSlack is what a loaded machine may add to a timeout.
	slowSlack = 2 * time.Second
)

// No client holds a connection without limit, whatever it leaves unsent:
// slow headers, a body that never comes (refused at once without a key, cut
// at the read timeout with one), a body trickled a byte at a time, an idle
// keep-alive. A WebSocket, hijacked from its request, outlives all of these
// timeouts on its own heartbeat.
func TestNoConnectionWithoutLimits(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p := startServer(t, filepath.Join(t.TempDir(), "chatapi.db"),
		"HTTP_READ_HEADER_TIMEOUT="+slowHeaderTimeout.String(),
		"HTTP_READ_TIMEOUT="+slowReadTimeout.String(),
		"HTTP_WRITE_TIMEOUT=4s",
		"HTTP_IDLE_TIMEOUT="+slowIdleTimeout.String())
	tn := newAPI(t, p).newTenant(t, ctx, "acme", 1000)
	ws := connect(t, ctx, p, tn, "alice")
	if err := ws.waitFor(ctx, "sync.complete", has(func(e wsEvent) bool { return e.Type == "sync.complete" })); err != nil {
		t.Fatal(err)
	}
	key := "X-API-Key: " + tn.key + "\r\nX-User-Id: alice\r\n"
	post := "POST /rooms HTTP/1.1\r\nHost: chatapi\r\nContent-Type: application/json\r\nContent-Length: 50\r\n"

	t.Run("cases", func(t *testing.T) {
		for _, tc := range []struct {
			name    string
			send    string        // what the client sends at once
			trickle time.Duration // then a byte of body this often, when set
			idle    bool          // the lifetime counts from the end of the answer
			within  time.Duration
			status  string // the answer's status line, when one is due
		}{
			{name: "slow headers", send: "POST /rooms HTTP/1.1\r\nHost: chatapi\r\n", within: slowHeaderTimeout},
			{name: "missing body without a key", send: post + "\r\n", within: 0, status: "HTTP/1.1 401"},
			{name: "missing body", send: post + key + "\r\n", within: slowReadTimeout},
			{name: "trickled body", send: post + key + "\r\n", trickle: slowReadTimeout / 4, within: slowReadTimeout},
			{name: "idle keep-alive", send: "GET /health HTTP/1.1\r\nHost: chatapi\r\n\r\n", idle: true, within: slowIdleTimeout, status: "HTTP/1.1 200"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				lived, answer := lifetime(t, p.addr, tc.send, tc.trickle, tc.idle, tc.within+slowSlack)
				t.Logf("closed by the server after %v (timeout %v), answer %q", lived.Round(time.Millisecond), tc.within, answer)
				if tc.status != "" && !strings.HasPrefix(answer, tc.status) {
					t.Errorf("answer %q, want %s", answer, tc.status)
				}
			})
		}
	})

	// Longer than every timeout above; the WebSocket still answers.
	if err := ws.send(ctx, map[string]any{"type": "ping", "request_id": "after"}); err != nil {
		t.Fatal(err)
	}
	if err := ws.waitFor(ctx, "pong", has(func(e wsEvent) bool { return e.Type == "pong" && e.RequestID == "after" })); err != nil {
		t.Fatal(err)
	}
}

// lifetime opens a connection to addr, sends send, then (with trickle) a
// byte every trickle, and reads until the server closes the connection. It
// returns how long the connection lived, from the first byte sent or, with
// idle, from the end of the first answer, and the first line the server
// sent. It fails if the connection is still open after max.
func lifetime(t *testing.T, addr, send string, trickle time.Duration, idle bool, max time.Duration) (time.Duration, string) {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	start := time.Now()
	if _, err := io.WriteString(nc, send); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	if trickle > 0 {
		go func() {
			tick := time.NewTicker(trickle)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					if _, err := nc.Write([]byte("x")); err != nil {
						return
					}
				}
			}
		}()
	}
	_ = nc.SetReadDeadline(start.Add(max))
	br := bufio.NewReader(nc)
	var first string
	if idle {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("answer: %v", err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		first = resp.Proto + " " + resp.Status
		start = time.Now()
		_ = nc.SetReadDeadline(start.Add(max))
	}
	for {
		line, err := br.ReadString('\n')
		if first == "" && line != "" {
			first = line
		}
		if err == nil {
			continue
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			first, _, _ := strings.Cut(send, "\r\n")
			t.Fatalf("still open after %v (request %q)", max, first)
		}
		return time.Since(start), strings.TrimSpace(first)
	}
}
