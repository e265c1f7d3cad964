package realtime_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chatapi/chatapi/realtime"
)

// TestEventsSentWithTheHandshake: a client may send events right behind its
// upgrade request, before the response; they reach net/http's buffer before
// the hijack and must be carried over to the connection, including one
// longer than the connection's read buffer.
func TestEventsSentWithTheHandshake(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	u := strings.TrimPrefix(e.url("alice"), "ws://")
	host, path, _ := strings.Cut(u, "/")
	long := strings.Repeat("r", 60) // the frame is over 64 B
	nc, br := realtime.RawUpgrade(t, host, path, ioTimeout, append(
		realtime.ClientText(`{"type":"ping","request_id":"short"}`),
		realtime.ClientText(`{"type":"ping","request_id":"`+long+`"}`)...))
	defer nc.Close()
	var pongs []string
	for len(pongs) < 2 {
		_, payload := realtime.MustReadServerFrame(t, br)
		var f struct {
			Type      string `json:"type"`
			RequestID string `json:"request_id"`
		}
		if err := json.Unmarshal(payload, &f); err != nil {
			t.Fatalf("frame %q: %v", payload, err)
		}
		if f.Type == "pong" {
			pongs = append(pongs, f.RequestID)
		}
	}
	if pongs[0] != "short" || pongs[1] != long {
		t.Fatalf("got pongs %q, want short then the long one", pongs)
	}
}

// The HTTP server's read and write deadlines bound requests, not the
// WebSocket connections hijacked from them, which have a heartbeat of their
// own: a connection outlives both deadlines and still reads and writes.
func TestConnectionOutlivesHTTPServerDeadlines(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	const deadline = 100 * time.Millisecond
	srv := httptest.NewUnstartedServer(e.srv.Config.Handler)
	srv.Config.ReadTimeout = deadline
	srv.Config.WriteTimeout = deadline
	srv.Config.IdleTimeout = deadline
	srv.Start()
	t.Cleanup(srv.Close)
	e.srv = srv

	c, _, _ := e.connect("alice")
	for i := range 3 {
		time.Sleep(2 * deadline)
		c.send(map[string]any{"type": "ping", "request_id": fmt.Sprintf("p%d", i)})
		if f := c.next(); f.Type != "pong" || f.str("request_id") != fmt.Sprintf("p%d", i) {
			t.Fatalf("got %s, want pong p%d", f.Raw, i)
		}
	}
}

// A handshake that reaches the hub after the HTTP server's read and write
// deadlines have passed (a loaded server) still completes: the 101 answer
// is not lost on the way out, and the connection works.
func TestSlowHandshakeOutlivesHTTPServerDeadlines(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	const deadline = 100 * time.Millisecond
	hub := e.srv.Config.Handler
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(3 * deadline) // the server's work before the upgrade
		hub.ServeHTTP(w, r)
	}))
	srv.Config.ReadTimeout = deadline
	srv.Config.WriteTimeout = deadline
	srv.Start()
	t.Cleanup(srv.Close)
	e.srv = srv

	c, _, _ := e.connect("alice")
	c.send(map[string]any{"type": "ping", "request_id": "slow"})
	if f := c.next(); f.Type != "pong" || f.str("request_id") != "slow" {
		t.Fatalf("got %s, want pong slow", f.Raw)
	}
}

// The 101 the hub writes by hand is, byte for byte, what net/http's
// Header.Write makes of the same header, whatever the handler put there.
func TestSwitchingProtocolsAsNetHTTP(t *testing.T) {
	now := time.Date(2026, 12, 7, 4, 5, 6, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		name   string
		header http.Header
	}{
		{"none", http.Header{}},
		{"handshake", http.Header{
			"Upgrade": {"websocket"}, "Connection": {"Upgrade"},
			"Sec-Websocket-Accept": {"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="},
			"X-Request-Id":         {"0123456789abcdef"}, "X-Ratelimit-Limit": {"100"},
			"X-Ratelimit-Remaining": {"99"}, "Vary": {"Origin"},
		}},
		{"several values", http.Header{"Vary": {"Origin", "Accept-Encoding"}, "A": {"1"}}},
		{"newlines and spaces", http.Header{"X-Odd": {" a\r\nb ", "\tc\n", "d\re"}}},
		{"invalid name", http.Header{"Bad Name": {"x"}, "Bad:Name": {"y"}, "Good": {"z"}}},
		{"no value", http.Header{"Empty": {}, "Blank": {""}}},
		{"many fields", func() http.Header {
			h := http.Header{}
			for i := range 20 {
				h.Set(fmt.Sprintf("X-Field-%02d", 19-i), fmt.Sprint(i))
			}
			return h
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want strings.Builder
			want.WriteString("HTTP/1.1 101 Switching Protocols\r\n")
			if err := tt.header.Write(&want); err != nil {
				t.Fatal(err)
			}
			want.WriteString("Date: Mon, 07 Dec 2026 03:05:06 GMT\r\n\r\n")
			if got := string(realtime.SwitchingProtocols(tt.header, now)); got != want.String() {
				t.Errorf("got %q, want %q", got, want.String())
			}
		})
	}
}
