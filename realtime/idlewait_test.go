package realtime_test

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chatapi/chatapi/realtime"
)

// An idle connection's read loop waits for the socket before it reads (see
// idlewait.go). Frames that arrive together land in the connection's read
// buffer at once: after the first is read, the second is in the buffer and
// no longer in the socket, and must be handled without waiting for more.
func TestFramesArrivingTogetherOnALiveConnection(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	u := strings.TrimPrefix(e.url("alice"), "ws://")
	host, path, _ := strings.Cut(u, "/")
	nc, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(ioTimeout))
	req := "GET /" + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := nc.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(nc)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("got status %d, want 101", resp.StatusCode)
	}
	next := func() string {
		var f struct {
			Type string `json:"type"`
		}
		payload := serverFrame(t, br)
		if err := json.Unmarshal(payload, &f); err != nil {
			t.Fatalf("frame %q: %v", payload, err)
		}
		return f.Type
	}
	for next() != "sync.complete" {
	}
	// Live and idle now; both frames (21 B each) fit the read buffer.
	time.Sleep(50 * time.Millisecond)
	two := append(clientTextFrame(`{"type":"ping"}`), clientTextFrame(`{"type":"ping"}`)...)
	if _, err := nc.Write(two); err != nil {
		t.Fatal(err)
	}
	for pongs := 0; pongs < 2; {
		if next() == "pong" {
			pongs++
		}
	}
}
