package realtime

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"sync"
)

// Several frames in one write. coder/websocket flushes its buffered writer
// to the socket at the end of every message, so a connection's queue of N
// frames cost N write(2) calls: at a 1,000-member fan-out the writers were
// 67 % of the server's CPU, 45 % in write(2) itself. Its buffered writer
// writes to a socketWriter instead of the socket: while the connection's
// drain holds it, the flushes are collected in memory and reach the socket
// in one write when the drain releases them, or when they pass
// heldFlushBytes. Outside a drain (and for what other goroutines write
// then: pings, pongs, the closing handshake) it writes straight through.
// The drain's write timeout bounds each of its socket writes (see
// conn.flushHeld), so a stuck client is still dropped, and a slow one only
// ever holds its own drain.

// heldFlushBytes is how many held bytes make the drain write them before its
// batch is done: about fifty message events, under the socket's send
// buffer, and a bound on the memory a draining connection holds.
const heldFlushBytes = 16 << 10

// heldBuffers recycles the held bytes: a connection holds a buffer only
// while its drain runs, so an idle one keeps none.
var heldBuffers = sync.Pool{New: func() any {
	b := make([]byte, 0, 4<<10)
	return &b
}}

// socketWriter is the writer under a connection's coder/websocket buffered
// writer. The zero value writes nowhere: conn set at the hijack.
type socketWriter struct {
	mu   sync.Mutex
	conn net.Conn
	// held is non-nil while the drain holds writes: the bytes waiting.
	held *[]byte
}

// Write writes p to the socket, or appends it to the held bytes.
func (w *socketWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.held != nil {
		*w.held = append(*w.held, p...)
		return len(p), nil
	}
	return w.conn.Write(p)
}

// hold makes later writes wait in memory until flush.
func (w *socketWriter) hold() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.held == nil {
		w.held = heldBuffers.Get().(*[]byte)
	}
}

// heldBytes is how many bytes wait.
func (w *socketWriter) heldBytes() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.held == nil {
		return 0
	}
	return len(*w.held)
}

// flush writes the held bytes to the socket in one write; with release,
// later writes go straight through again. Writers wait meanwhile, so
// nothing overtakes what was held.
func (w *socketWriter) flush(release bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.held == nil {
		return nil
	}
	var err error
	if len(*w.held) > 0 {
		_, err = w.conn.Write(*w.held)
		*w.held = (*w.held)[:0]
	}
	if release {
		if cap(*w.held) <= 4*heldFlushBytes { // a rare huge frame is not kept
			heldBuffers.Put(w.held)
		}
		w.held = nil
	}
	return err
}

// heldHijack is the upgrade's ResponseWriter with a Hijack that puts out
// under the connection's buffered writer.
type heldHijack struct {
	http.ResponseWriter
	out *socketWriter
}

// Unwrap lets http.ResponseController reach the original writer.
func (h heldHijack) Unwrap() http.ResponseWriter { return h.ResponseWriter }

// Hijack hijacks the connection and points its buffered writer, after
// flushing what it has, at out.
func (h heldHijack) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	if err := brw.Writer.Flush(); err != nil {
		_ = conn.Close()
		return nil, nil, fmt.Errorf("flush handshake: %w", err)
	}
	h.out.conn = conn
	brw.Writer.Reset(h.out)
	return conn, brw, nil
}
