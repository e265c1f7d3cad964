package realtime_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

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

// TestFramesAmongControlFrames: the drain frames messages itself (see
// socketwriter.go) while coder/websocket writes its own frames to the same
// connection from other goroutines: pongs to a client pinging with long
// payloads (frames the library writes in two parts), the heartbeat's pings,
// and the closing handshake's echo of a long reason. Under a fan-out every
// frame the client reads is whole and valid, the messages come in order
// with none missing, each ping gets its pong in order, and nothing follows
// the close frame.
func TestFramesAmongControlFrames(t *testing.T) {
	e := newEnv(t, realtime.Config{QueueSize: 1 << 14, AckTimeout: time.Hour, PingInterval: 50 * time.Millisecond})
	room := e.room(store.RoomGroup, "carol", "alice")
	u := strings.TrimPrefix(e.url("alice"), "ws://")
	host, path, _ := strings.Cut(u, "/")
	nc, br := realtime.RawUpgrade(t, host, path, 4*ioTimeout, nil)
	defer nc.Close()

	var wmu sync.Mutex
	send := func(op byte, payload []byte) {
		wmu.Lock()
		defer wmu.Unlock()
		if _, err := nc.Write(realtime.ClientFrame(op, payload)); err != nil {
			t.Errorf("write: %v", err)
		}
	}
	pingPayload := func(i int) []byte { // 125 B, the longest a control frame carries
		return fmt.Appendf(nil, "%0125d", i)
	}

	var (
		nextSeq            = int64(1)
		pongs, serverPings int
		pongsBeforeLastMsg int
		synced             bool
	)
	// read handles one frame; it returns the opcode and payload.
	read := func() (byte, []byte) {
		t.Helper()
		op, p, err := realtime.ReadServerFrame(br)
		if err != nil {
			t.Fatalf("after message seq %d and %d pongs: %v", nextSeq-1, pongs, err)
		}
		switch op {
		case 0x1:
			f, err := checkFrame(p)
			if err != nil {
				t.Fatal(err)
			}
			switch f.Type {
			case "sync.complete":
				synced = true
			case "message":
				if got := f.num("seq"); got != nextSeq {
					t.Fatalf("got message seq %d, want %d", got, nextSeq)
				}
				nextSeq++
			}
		case 0x9:
			serverPings++
			send(0xA, p)
		case 0xA:
			if want := pingPayload(pongs); !bytes.Equal(p, want) {
				t.Fatalf("pong %d: got payload %q, want %q", pongs, p, want)
			}
			pongs++
		case 0x8:
		default:
			t.Fatalf("got opcode %#x", op)
		}
		return op, p
	}
	for !synced {
		read()
	}

	// The client pings while the messages are published, in bursts, so that
	// pongs and messages meet in the drain's held bytes.
	const n = 3000
	stop := make(chan struct{})
	pinged := make(chan int)
	go func() {
		i := 0
		defer func() { pinged <- i }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			send(0x9, pingPayload(i))
			i++
			time.Sleep(100 * time.Microsecond)
		}
	}()
	go func() {
		for from := int64(1); from <= n; from += 100 {
			publishMessages(e, room, from, from+99)
			time.Sleep(time.Millisecond)
		}
	}()
	for nextSeq <= n {
		read()
	}
	pongsBeforeLastMsg = pongs
	close(stop)
	for sent := <-pinged; pongs < sent; {
		read()
	}
	if pongsBeforeLastMsg == 0 || serverPings == 0 {
		t.Fatalf("%d pongs among the messages, %d pings of the server's: the frames did not mix", pongsBeforeLastMsg, serverPings)
	}
	t.Logf("%d messages, %d pongs among them, %d more after, %d pings of the server's", n, pongsBeforeLastMsg, pongs-pongsBeforeLastMsg, serverPings)

	// The client closes with a long reason while messages still come; the
	// library echoes it in two writes. Nothing may follow the echo.
	go publishMessages(e, room, n+1, 2*n)
	reason := strings.Repeat("r", 123)
	send(0x8, append([]byte{0x03, 0xe8}, reason...)) // 1000, normal closure
	for {
		op, p, err := realtime.ReadServerFrame(br)
		if err != nil {
			t.Logf("the connection ended without the close frame (it was held when the library closed the socket): %v", err)
			return
		}
		if op == 0x8 {
			if string(p[2:]) != reason {
				t.Fatalf("close frame %q, want the reason echoed", p)
			}
			break
		}
		if op == 0x1 {
			f, err := checkFrame(p)
			if err != nil {
				t.Fatal(err)
			}
			if f.Type == "message" {
				if got := f.num("seq"); got != nextSeq {
					t.Fatalf("got message seq %d, want %d", got, nextSeq)
				}
				nextSeq++
			}
		}
	}
	if b, err := br.ReadByte(); err == nil {
		t.Fatalf("byte %#x after the close frame, want the end of the connection", b)
	}
}

// TestCompressedConnection: a connection that negotiated compression gets
// its messages through coder/websocket's Write (its frames depend on the
// connection's compressor), in order, while others are framed by the
// drain.
func TestCompressedConnection(t *testing.T) {
	for _, mode := range []websocket.CompressionMode{websocket.CompressionContextTakeover, websocket.CompressionNoContextTakeover} {
		t.Run(fmt.Sprint(mode), func(t *testing.T) {
			e := newEnv(t, realtime.Config{QueueSize: 1024, AckTimeout: time.Hour,
				AcceptOptions: &websocket.AcceptOptions{CompressionMode: mode, CompressionThreshold: 1}})
			room := e.room(store.RoomGroup, "carol", "alice", "bob")
			ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
			defer cancel()
			ws, resp, err := websocket.Dial(ctx, e.url("alice"), &websocket.DialOptions{CompressionMode: mode})
			if err != nil {
				t.Fatal(err)
			}
			defer ws.CloseNow()
			if ext := resp.Header.Get("Sec-WebSocket-Extensions"); !strings.HasPrefix(ext, "permessage-deflate") {
				t.Fatalf("got extensions %q, want permessage-deflate", ext)
			}
			alice := &client{t: t, ws: ws}
			bob, _, _ := e.connect("bob")
			if f := alice.next(); f.Type != "sync.complete" {
				t.Fatalf("got %s, want sync.complete", f.Raw)
			}
			settle(t, alice, bob)
			const n = 300
			publishMessages(e, room, 1, n)
			for _, c := range []*client{alice, bob} {
				for want := int64(1); want <= n; want++ {
					if f := c.next(); f.Type != "message" || f.num("seq") != want {
						t.Fatalf("got %s, want message seq %d", f.Raw, want)
					}
				}
			}
		})
	}
}
