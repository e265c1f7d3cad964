package realtime_test

import (
	"context"
	"fmt"
	"net"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

// writeGate counts the socket writes of the server's connections and can
// stop them: while it is shut, a write waits until it opens or the
// connection is closed.
type writeGate struct {
	writes  atomic.Int64
	blocked chan struct{} // a write is waiting at the gate

	mu   sync.Mutex
	shut chan struct{} // closed when the gate opens; nil while open
}

func newWriteGate() *writeGate { return &writeGate{blocked: make(chan struct{}, 1)} }

func (g *writeGate) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.shut == nil {
		g.shut = make(chan struct{})
	}
}

func (g *writeGate) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.shut != nil {
		close(g.shut)
		g.shut = nil
	}
}

type gatedListener struct {
	net.Listener
	g *writeGate
}

func (l gatedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &gatedConn{Conn: c, g: l.g, closed: make(chan struct{})}, nil
}

type gatedConn struct {
	net.Conn
	g      *writeGate
	once   sync.Once
	closed chan struct{}
}

func (c *gatedConn) Write(p []byte) (int, error) {
	c.g.mu.Lock()
	shut := c.g.shut
	c.g.mu.Unlock()
	if shut != nil {
		select {
		case c.g.blocked <- struct{}{}:
		default:
		}
		select {
		case <-shut:
		case <-c.closed:
			return 0, net.ErrClosed
		}
	}
	c.g.writes.Add(1)
	return c.Conn.Write(p)
}

func (c *gatedConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

// gatedURL serves e's hub through a listener whose writes g controls and
// returns user's WebSocket URL on it.
func gatedURL(t *testing.T, e *env, g *writeGate, user string) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(e.srv.Config.Handler)
	srv.Listener = gatedListener{Listener: srv.Listener, g: g}
	srv.Start()
	t.Cleanup(srv.Close)
	u, err := url.Parse(e.url(user))
	if err != nil {
		t.Fatal(err)
	}
	s, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = s.Host
	return u.String()
}

func publishMessages(e *env, room string, from, to int64) {
	for seq := from; seq <= to; seq++ {
		m := store.Message{ID: fmt.Sprintf("msg_%d", seq), RoomID: room, SenderID: "carol", Seq: seq, Content: "hello", CreatedAt: time.Now().UTC()}
		e.hub.Publish(context.Background(), event.Event{Type: event.MessageCreated, TenantID: e.tenant, RoomID: room, Seq: seq, Message: &m})
	}
}

func waitBlocked(t *testing.T, g *writeGate) {
	t.Helper()
	select {
	case <-g.blocked:
	case <-time.After(ioTimeout):
		t.Fatal("no write reached the shut gate")
	}
}

// TestHeldWrites checks the drain's held writes: the frames queued while a
// connection's socket write is blocked go out together, in order, in a few
// writes rather than one each; a client whose socket never takes them is
// still dropped after the write timeout, and holds up nobody else.
func TestHeldWrites(t *testing.T) {
	t.Run("frames queued meanwhile go out together", func(t *testing.T) {
		e := newEnv(t, realtime.Config{QueueSize: 1024, AckTimeout: time.Hour})
		room := e.room(store.RoomGroup, "carol", "alice")
		g := newWriteGate()
		defer g.open()
		c := e.dialURL("alice", gatedURL(t, e, g, "alice"), nil)
		if f := c.next(); f.Type != "sync.complete" {
			t.Fatalf("got %s, want sync.complete", f.Raw)
		}
		const n = 100
		g.close()
		publishMessages(e, room, 1, 1)
		waitBlocked(t, g) // the drain writes seq 1 and waits
		publishMessages(e, room, 2, n)
		before := g.writes.Load()
		g.open()
		for want := int64(1); want <= n; want++ {
			if f := c.next(); f.Type != "message" || f.num("seq") != want {
				t.Fatalf("got %s, want message seq %d", f.Raw, want)
			}
		}
		// seq 1's write, then 99 frames of about 300 B in writes of at most
		// 16 KiB: 3; one write per frame would be 100.
		if got := g.writes.Load() - before; got > 5 {
			t.Errorf("%d frames took %d socket writes, want at most 5", n, got)
		}
	})

	t.Run("a stuck client is dropped, others are not held up", func(t *testing.T) {
		const timeout = 300 * time.Millisecond
		e := newEnv(t, realtime.Config{QueueSize: 1024, AckTimeout: time.Hour, WriteTimeout: timeout})
		room := e.room(store.RoomGroup, "carol", "alice", "bob")
		g := newWriteGate()
		defer g.open()
		stuck := e.dialURL("alice", gatedURL(t, e, g, "alice"), nil)
		if f := stuck.next(); f.Type != "sync.complete" {
			t.Fatalf("got %s, want sync.complete", f.Raw)
		}
		bob, _, _ := e.connect("bob")
		settle(t, bob)
		g.close() // alice's socket takes nothing more
		const n = 200
		publishMessages(e, room, 1, n)
		for want := int64(1); want <= n; want++ {
			if f := bob.next(); f.Type != "message" || f.num("seq") != want {
				t.Fatalf("bob got %s, want message seq %d", f.Raw, want)
			}
		}
		deadline := time.Now().Add(ioTimeout)
		for e.hub.Connections() != 1 {
			if time.Now().After(deadline) {
				t.Fatalf("%d connections %v after alice's writes stopped, write timeout %v; want bob's only", e.hub.Connections(), ioTimeout, timeout)
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}
