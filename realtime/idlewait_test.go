package realtime_test

import (
	"encoding/json"
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
	nc, br := realtime.RawUpgrade(t, host, path, ioTimeout, nil)
	defer nc.Close()
	next := func() string {
		var f struct {
			Type string `json:"type"`
		}
		_, payload := realtime.MustReadServerFrame(t, br)
		if err := json.Unmarshal(payload, &f); err != nil {
			t.Fatalf("frame %q: %v", payload, err)
		}
		return f.Type
	}
	for next() != "sync.complete" {
	}
	// Live and idle now; both frames (21 B each) fit the read buffer.
	time.Sleep(50 * time.Millisecond)
	two := append(realtime.ClientText(`{"type":"ping"}`), realtime.ClientText(`{"type":"ping"}`)...)
	if _, err := nc.Write(two); err != nil {
		t.Fatal(err)
	}
	for pongs := 0; pongs < 2; {
		if next() == "pong" {
			pongs++
		}
	}
}
