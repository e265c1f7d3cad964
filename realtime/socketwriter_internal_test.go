package realtime

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestLibraryFrames checks what socketWriter relies on to put frames of
// its own between coder/websocket's: every byte the library writes goes
// through it, a frame's bytes in consecutive writes with nothing of the
// library's between them, and each operation's frame whole by the time it
// returns (it flushes its buffered writer at the end of a frame); the
// library's frames follow no fixed split (a frame over the 32 B buffer
// comes in two writes), so socketWriter follows them, and that its cursor
// says mid-frame after exactly the writes a frame's decoding says so. The
// connection is accepted as ServeWS does (smallBuffers, heldHijack), with
// nothing held, so each library write is one socket write, recorded with
// the cursor as the write left it. The library writes pongs to pings of
// every payload length, pings, text frames of every length class, and a
// close with a long reason, and ours go between; after the close ours are
// refused.
func TestLibraryFrames(t *testing.T) {
	c := &conn{}
	rec := &writeRecorder{out: &c.out}
	accepted := make(chan *websocket.Conn, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(heldHijack{smallBuffers{w, c}, &c.out}, r, nil)
		if err != nil {
			t.Errorf("accept: %v", err)
			return
		}
		if err := c.out.flush(true); err != nil { // the 101
			t.Errorf("flush the 101: %v", err)
		}
		accepted <- ws
	}))
	srv.Listener = recordingListener{srv.Listener, rec}
	srv.Start()
	defer srv.Close()

	nc, br := RawUpgrade(t, strings.TrimPrefix(srv.URL, "http://"), "", 10*time.Second, nil)
	defer nc.Close()
	ws := <-accepted
	defer ws.CloseNow()
	rec.start() // what the 101 was is done
	// The server reads, as the read loop does, so that the library answers
	// pings and takes the pongs to its own.
	readDone := make(chan error, 1)
	go func() {
		_, _, err := ws.Read(context.Background())
		readDone <- err
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	boundary := func(what string) {
		t.Helper()
		c.out.mu.Lock()
		defer c.out.mu.Unlock()
		if c.out.lib.inFrame() {
			t.Fatalf("after %s the cursor is inside a frame of the library's", what)
		}
	}
	ours := func(payload string) {
		t.Helper()
		if _, err := c.out.writeText([]byte(payload)); err != nil {
			t.Fatalf("our frame: %v", err)
		}
	}

	for n := 0; n <= 125; n++ { // pongs of every control payload length
		ping := bytes.Repeat([]byte{'a' + byte(n%26)}, n)
		if _, err := nc.Write(ClientFrame(0x9, ping)); err != nil {
			t.Fatal(err)
		}
		op, got := MustReadServerFrame(t, br)
		if op != 0xA || !bytes.Equal(got, ping) {
			t.Fatalf("got opcode %#x payload %q to a ping of %d B, want its pong", op, got, n)
		}
		boundary(fmt.Sprintf("a pong of %d B", n))
		ours(fmt.Sprintf("after pong %d", n))
		if op, got := MustReadServerFrame(t, br); op != 0x1 || string(got) != fmt.Sprintf("after pong %d", n) {
			t.Fatalf("got opcode %#x payload %q, want our frame after pong %d", op, got, n)
		}
	}

	pinged := make(chan error, 1)
	go func() { pinged <- ws.Ping(ctx) }()
	if op, got := MustReadServerFrame(t, br); op != 0x9 {
		t.Fatalf("got opcode %#x payload %q, want the server's ping", op, got)
	} else if _, err := nc.Write(ClientFrame(0xA, got)); err != nil {
		t.Fatal(err)
	}
	if err := <-pinged; err != nil {
		t.Fatalf("ping: %v", err)
	}
	boundary("a ping")

	for _, n := range []int{0, 29, 30, 31, 125, 126, 1000, 65535, 65536, 70000} {
		p := bytes.Repeat([]byte{'x'}, n)
		if err := ws.Write(ctx, websocket.MessageText, p); err != nil {
			t.Fatalf("library write of %d B: %v", n, err)
		}
		boundary(fmt.Sprintf("a library text frame of %d B", n))
		ours(strings.Repeat("y", n))
		for i, want := range []string{string(p), strings.Repeat("y", n)} {
			if op, got := MustReadServerFrame(t, br); op != 0x1 || string(got) != want {
				t.Fatalf("text frame %d of %d B: got opcode %#x, %d B, want text of %d B", i, n, op, len(got), len(want))
			}
		}
	}

	reason := strings.Repeat("r", 123) // the longest a close frame carries
	closed := make(chan error, 1)
	go func() { closed <- ws.Close(websocket.StatusNormalClosure, reason) }()
	op, got := MustReadServerFrame(t, br)
	if op != 0x8 || string(got[2:]) != reason {
		t.Fatalf("got opcode %#x payload %q, want the close frame", op, got)
	}
	if _, err := c.out.writeText([]byte("too late")); !errors.Is(err, errLibraryClosed) {
		t.Fatalf("our frame after the library's close frame: got %v, want errLibraryClosed", err)
	}
	if _, err := nc.Write(ClientFrame(0x8, got[:2])); err != nil {
		t.Fatal(err)
	}
	if err := <-closed; err != nil {
		t.Fatalf("close: %v", err)
	}
	<-readDone

	split := rec.check(t)
	if split == 0 {
		t.Error("no frame of the library's came in more than one write: the test no longer covers frames cut across writes")
	}
	t.Logf("%d of the library's frames came in more than one write", split)
}

// writeRecorder records the socket writes of one connection after start,
// each with whether socketWriter's cursor (whose lock the writer holds)
// said it was inside a frame of the library's after it.
type writeRecorder struct {
	out *socketWriter

	mu      sync.Mutex
	on      bool
	writes  [][]byte
	inFrame []bool
}

func (r *writeRecorder) start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = true
}

// record is called by the writing goroutine, under out.mu.
func (r *writeRecorder) record(p []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.on {
		r.writes = append(r.writes, bytes.Clone(p))
		r.inFrame = append(r.inFrame, r.out.lib.inFrame())
	}
}

// check decodes the recorded bytes as frames, fails where the cursor and
// the decoding disagree after a write, and returns how many frames came in
// more than one write.
func (r *writeRecorder) check(t *testing.T) (split int) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	var stream []byte
	ends := make([]int, len(r.writes))
	for i, w := range r.writes {
		stream = append(stream, w...)
		ends[i] = len(stream)
	}
	frameEnds := map[int]bool{0: true}
	for at := 0; at < len(stream); {
		n, err := frameLen(stream[at:])
		if err != nil {
			t.Fatalf("at byte %d of the stream: %v", at, err)
		}
		at += n
		frameEnds[at] = true
	}
	prev := 0
	for i, end := range ends {
		if got, want := r.inFrame[i], !frameEnds[end]; got != want {
			t.Errorf("after write %d (bytes %d to %d) the cursor says inside a frame %v, the decoding %v", i, prev, end, got, want)
		}
		if !frameEnds[end] {
			split++
		}
		prev = end
	}
	return split
}

// frameLen is the length of the unfragmented, unmasked server frame at the
// start of b.
func frameLen(b []byte) (int, error) {
	if len(b) < 2 {
		return 0, errors.New("a header cut short")
	}
	if b[0]&0x70 != 0 || b[0]&0x80 == 0 || b[1]&0x80 != 0 {
		return 0, fmt.Errorf("header %#x %#x: want final, no RSV bits, unmasked", b[0], b[1])
	}
	n, h := uint64(b[1]&0x7f), 2
	switch n {
	case 126:
		if len(b) < 4 {
			return 0, errors.New("a header cut short")
		}
		n, h = uint64(binary.BigEndian.Uint16(b[2:])), 4
	case 127:
		if len(b) < 10 {
			return 0, errors.New("a header cut short")
		}
		n, h = binary.BigEndian.Uint64(b[2:]), 10
	}
	if uint64(len(b)-h) < n {
		return 0, errors.New("a payload cut short")
	}
	return h + int(n), nil
}

type recordingListener struct {
	net.Listener
	rec *writeRecorder
}

func (l recordingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return recordingConn{c, l.rec}, nil
}

type recordingConn struct {
	net.Conn
	rec *writeRecorder
}

func (c recordingConn) Write(p []byte) (int, error) {
	c.rec.record(p)
	return c.Conn.Write(p)
}

// TestOwnFramesWaitForTheLibrarys: a frame of ours written while the
// library is between the writes of one of its frames waits for the rest
// of it, and none goes after a close frame begun or a write of the
// library's that failed.
func TestOwnFramesWaitForTheLibrarys(t *testing.T) {
	pong := append([]byte{0x8A, 125}, bytes.Repeat([]byte{'p'}, 125)...)
	long := appendTextFrame(nil, bytes.Repeat([]byte{'l'}, 70000)) // a 10 B header
	closing := append([]byte{0x88, 125, 0x03, 0xe8}, bytes.Repeat([]byte{'r'}, 123)...)
	for _, tc := range []struct {
		name string
		// first is what the library writes before ours, rest after.
		first, rest []byte
		held        bool
		failWrite   bool
		wantErr     error
	}{
		{name: "between a pong's two writes", first: pong[:32], rest: pong[32:]},
		{name: "held, between a pong's two writes", first: pong[:32], rest: pong[32:], held: true},
		{name: "inside a 64-bit length", first: long[:5], rest: long[5:], held: true},
		{name: "inside a mask key", first: []byte{0x89, 0x82, 1, 2}, rest: []byte{3, 4, 'h', 'i'}},
		{name: "after a whole frame", first: pong, held: true},
		{name: "after a close frame begun", first: closing[:1], rest: closing[1:], wantErr: errLibraryClosed},
		{name: "after a failed write", first: pong[:32], failWrite: true, wantErr: errLibraryClosed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sock := &bufferConn{fail: tc.failWrite}
			w := &socketWriter{conn: sock}
			if tc.held {
				w.hold()
			}
			lib := libraryWriter{w}
			_, _ = lib.Write(tc.first)
			done := make(chan error, 1)
			go func() {
				_, err := w.writeText([]byte("ours"))
				done <- err
			}()
			if len(tc.rest) > 0 && tc.wantErr == nil {
				select {
				case err := <-done:
					t.Fatalf("our frame was written (%v) inside the library's", err)
				case <-time.After(50 * time.Millisecond):
				}
			}
			if len(tc.rest) > 0 {
				if _, err := lib.Write(tc.rest); err != nil {
					t.Fatal(err)
				}
			}
			if err := <-done; !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %v, want %v", err, tc.wantErr)
			}
			if err := w.flush(true); err != nil && !tc.failWrite {
				t.Fatal(err)
			}
			if tc.failWrite {
				return
			}
			want := append(append([]byte{}, tc.first...), tc.rest...)
			if tc.wantErr == nil {
				want = appendTextFrame(want, []byte("ours"))
			}
			if !bytes.Equal(sock.b.Bytes(), want) {
				t.Fatalf("the socket got % x\nwant % x", sock.b.Bytes(), want)
			}
		})
	}
}

// bufferConn is a connection whose writes go to b, or fail.
type bufferConn struct {
	net.Conn
	fail bool
	b    bytes.Buffer
}

func (c *bufferConn) Write(p []byte) (int, error) {
	if c.fail {
		return 0, net.ErrClosed
	}
	return c.b.Write(p)
}
