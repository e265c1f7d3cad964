package realtime_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/chatapi/chatapi/realtime"
)

func TestHeartbeat(t *testing.T) {
	// The live client has idle/interval pings to answer before it would be
	// dropped: 15, so that a loaded machine that delays a few of them does
	// not drop it.
	const (
		interval = 50 * time.Millisecond
		idle     = 750 * time.Millisecond
	)
	e := newEnv(t, realtime.Config{PingInterval: interval, IdleTimeout: idle})

	// A client that reads answers the pings with pongs: it stays connected
	// however long it sends nothing.
	var pings atomic.Int32
	live := e.dial("alice", &websocket.DialOptions{OnPingReceived: func(context.Context, []byte) bool {
		pings.Add(1)
		return true
	}})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	frames := make(chan frame, 16)
	readErr := make(chan error, 1)
	go func() {
		for {
			f, err := readFrame(ctx, live.ws)
			if err != nil {
				readErr <- err
				return
			}
			frames <- f
		}
	}()
	next := func() frame {
		t.Helper()
		select {
		case f := <-frames:
			return f
		case err := <-readErr:
			t.Fatalf("live client: %v", err)
		case <-time.After(ioTimeout):
			t.Fatal("live client: no frame")
		}
		return frame{}
	}
	if f := next(); f.Type != "sync.complete" {
		t.Fatalf("got %s, want sync.complete", f.Raw)
	}

	// A client that stops reading sends no pongs: it is dropped. Its last
	// activity the hub saw is after this instant (the handshake and the
	// sync come after it), so the drop cannot come less than idle after it.
	silentSince := time.Now()
	silent, _, _ := e.connect("bob")

	deadline := time.Now().Add(idle + ioTimeout)
	for e.hub.Connections() > 1 {
		if time.Now().After(deadline) {
			t.Fatalf("silent client still connected after %v", idle+ioTimeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if d := time.Since(silentSince); d < idle {
		t.Fatalf("silent client dropped after %v, want at least %v", d, idle)
	}
	rctx, rcancel := context.WithTimeout(context.Background(), ioTimeout)
	defer rcancel()
	if _, _, err := silent.ws.Read(rctx); err == nil || websocket.CloseStatus(err) != -1 {
		t.Fatalf("silent client read %v, want the connection dropped without a close frame", err)
	}

	// Meanwhile, past several idle timeouts, the live client was pinged and
	// still answers.
	time.Sleep(2 * idle)
	if n := pings.Load(); n < 5 {
		t.Fatalf("live client got %d pings, want at least 5", n)
	}
	live.send(map[string]any{"type": "ping", "request_id": "still-there"})
	if f := next(); f.Type != "pong" || f.str("request_id") != "still-there" {
		t.Fatalf("live client got %s, want pong", f.Raw)
	}
	if n := e.hub.Connections(); n != 1 {
		t.Fatalf("Connections() = %d, want 1", n)
	}
}

// The heartbeat's sweep stops when the hub has no connection left, and
// starts again with the next one: a silent client is dropped each time.
func TestHeartbeatAfterTheHubEmptied(t *testing.T) {
	const idle = 300 * time.Millisecond
	e := newEnv(t, realtime.Config{PingInterval: 50 * time.Millisecond, IdleTimeout: idle})
	for round := range 3 {
		since := time.Now()
		e.connect("bob") // reads nothing after the sync: no pongs
		deadline := time.Now().Add(idle + ioTimeout)
		for e.hub.Connections() > 0 {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: silent client still connected after %v", round, idle+ioTimeout)
			}
			time.Sleep(10 * time.Millisecond)
		}
		if d := time.Since(since); d < idle {
			t.Fatalf("round %d: silent client dropped after %v, want at least %v", round, d, idle)
		}
		time.Sleep(20 * time.Millisecond) // past a sweep that finds no connection
	}
}
