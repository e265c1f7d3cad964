//go:build unix

package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// SIGTERM with clients connected: every client is told server.shutdown with
// reconnect_after_ms, then closed with 1001; the process exits 0 within the
// drain timeout; a restart on the same database has every message that was
// answered 201, with its seq.
func TestSIGTERMWithClientsConnected(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	db := filepath.Join(t.TempDir(), "x.db")
	p := startServer(t, db)
	tn := newAPI(t, p).newTenant(t, ctx, "shutdown", 10000)

	users := userIDs("u", 5)
	room, err := tn.createRoom(ctx, users[0], "group", users[1:])
	if err != nil {
		t.Fatalf("create room: %v", err)
	}

	hc := wsHTTPClient(t)
	conns := make([]*websocket.Conn, len(users))
	for i, u := range users {
		c, err := dialWS(ctx, p, tn, u, hc)
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		if err := awaitSync(ctx, c, 100); err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		conns[i] = c
	}

	// Each client reads until the connection ends: what it saw is checked
	// after the process is gone. caughtUp[i] is closed once client i has
	// the message events of the first batch, so none is still queued when
	// the signal comes.
	const batch = 20
	type outcome struct {
		shutdownMS   *int64
		afterGoodbye []string // event types after server.shutdown
		messages     int
		closeErr     error
	}
	outcomes := make([]outcome, len(conns))
	caughtUp := make([]chan struct{}, len(conns))
	var wg sync.WaitGroup
	for i, c := range conns {
		caughtUp[i] = make(chan struct{})
		wg.Go(func() {
			o := &outcomes[i]
			for range 5000 {
				ev, _, err := readEvent(ctx, c)
				if err != nil {
					o.closeErr = err
					return
				}
				switch {
				case ev.Type == "server.shutdown":
					o.shutdownMS = ev.ReconnectAfterMS
					if o.shutdownMS == nil {
						v := int64(-1)
						o.shutdownMS = &v
					}
				case o.shutdownMS != nil:
					o.afterGoodbye = append(o.afterGoodbye, ev.Type)
				case ev.Type == "message":
					o.messages++
					if o.messages == batch {
						close(caughtUp[i])
					}
				}
			}
			o.closeErr = errors.New("connection not closed after 5000 events")
		})
	}

	var acked []sent
	for i := range batch {
		status, s, err := tn.send(ctx, users[i%len(users)], room, fmt.Sprintf("before shutdown %d", i))
		if err != nil || status != 201 {
			t.Fatalf("send %d: %d %v", i, status, err)
		}
		acked = append(acked, s)
	}
	for i, ch := range caughtUp {
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: not all %d message events arrived within 10s", users[i], batch)
		}
	}

	// One sender keeps going through the shutdown: what it is answered 201
	// for must survive too (in-flight requests are finished, not dropped).
	var (
		inflight     []sent
		inflightErrs int
		senderDone   = make(chan struct{})
	)
	go func() {
		defer close(senderDone)
		for i := range 2000 {
			status, s, err := tn.send(ctx, users[1], room, fmt.Sprintf("during shutdown %d", i))
			if err != nil || status != 201 {
				inflightErrs++
				if inflightErrs >= 3 {
					return
				}
				continue
			}
			inflight = append(inflight, s)
		}
	}()
	time.Sleep(50 * time.Millisecond) // let the sender get going

	start := time.Now()
	p.signal(syscall.SIGTERM)
	code, err := p.waitExit(drainTimeout + 3*time.Second)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("after SIGTERM: %v", err)
	}
	t.Logf("exit code %d %v after SIGTERM", code, elapsed.Round(time.Millisecond))
	if code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0; log:\n%s", code, p.logTail(4<<10))
	}
	if elapsed > drainTimeout+time.Second {
		t.Errorf("exit took %v, want within SHUTDOWN_DRAIN_TIMEOUT %v (+1s)", elapsed, drainTimeout)
	}
	wg.Wait()
	<-senderDone
	for i, o := range outcomes {
		u := users[i]
		switch {
		case o.shutdownMS == nil:
			t.Errorf("%s: no server.shutdown before the end (%v)", u, o.closeErr)
		case *o.shutdownMS <= 0:
			t.Errorf("%s: server.shutdown reconnect_after_ms = %d, want > 0", u, *o.shutdownMS)
		}
		if got := websocket.CloseStatus(o.closeErr); got != websocket.StatusGoingAway {
			t.Errorf("%s: connection ended with %v (close status %d), want close 1001", u, o.closeErr, got)
		}
		if len(o.afterGoodbye) > 0 {
			t.Errorf("%s: events after server.shutdown: %v", u, o.afterGoodbye)
		}
		if o.messages < batch {
			t.Errorf("%s: %d message events before shutdown, want at least %d", u, o.messages, batch)
		}
	}

	t.Logf("%d messages answered 201 while the shutdown ran", len(inflight))

	p2 := startServer(t, db)
	checkStored(t, ctx, tn.on(newAPI(t, p2)), users[0], room, append(acked, inflight...))
}
