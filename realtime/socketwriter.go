package realtime

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"runtime"
	"sync"
)

// Several frames in one write. coder/websocket flushes its buffered writer
// to the socket at the end of every message, so a connection's queue of N
// frames cost N write(2) calls: at a 1,000-member fan-out the writers were
// 67 % of the server's CPU, 45 % in write(2) itself. Its buffered writer
// writes to a socketWriter instead of the socket, and so do the frames we
// build ourselves (see below): while the connection's drain holds it, the
// writes are collected in memory and reach the socket in one write when
// the drain releases them, or when they pass heldFlushBytes. Outside a
// drain (and for what other goroutines write then: pings, pongs, the
// closing handshake) it writes straight through.
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

// Frames of our own. coder/websocket's Write costs per frame two of its
// mutexes (channels: selectgo), its write-timeout setup, a header into its
// buffered writer and, at its 32 B (connWriteBufferSize), two writes into
// ours: 13 % of the server's CPU at a 1,000-member fan-out, for bytes that
// are the same on every connection (a server's frames are not masked). So
// the drain and the sync append each text frame, header and payload, to
// the held bytes themselves (writeText), and only what the library writes
// of its own goes through its Write: pings, pongs, the closing handshake,
// the server.shutdown event, and every message of a connection that
// negotiated compression (whose frames depend on the connection's
// compressor).
//
// Our frames must go between the library's, never inside one, and never
// after its close frame. Its frames do not reach Write whole: a frame
// longer than its 32 B buffer comes as two writes, the header and the
// payload's start, then the rest (a pong to a long ping, a close with a
// long reason, server.shutdown), and between them the library holds its
// own write lock, not ours. So Write follows the library's bytes frame by
// frame (libraryStream), and writeText waits for the end of a frame begun.
// TestLibraryFrames checks the cursor against what the library writes.

// socketWriter is the writer under a connection's coder/websocket buffered
// writer (through libraryWriter), and under our frames (writeText). The
// zero value writes nowhere: conn set at the hijack.
type socketWriter struct {
	mu   sync.Mutex
	conn net.Conn
	// held is non-nil while the drain holds writes: the bytes waiting.
	held *[]byte
	// lib is where the library's writes stand.
	lib libraryStream
}

// libraryStream follows the frames coder/websocket writes, byte by byte in
// the headers, by length over the payloads. It is 16 B in the connection:
// conn stays in its 320 B size class.
type libraryStream struct {
	// rest is how many payload bytes of the current frame are to come; while
	// a header is read, its extended length as far as read.
	rest uint64
	// header is how many bytes of the current frame's header were read, 0
	// outside a header; ext is its extended length's size (0, 2 or 8) once
	// its second byte is read, and masked whether a mask key follows (never,
	// from a server: read for completeness).
	header, ext uint8
	masked      bool
	// ended is set when the library begins a close frame, or a write of its
	// failed partway: nothing of ours may follow.
	ended bool
	// compressed is set at the hijack when the connection negotiated
	// compression: our frames go through the library then (see writeText).
	compressed bool
}

// inFrame reports whether the library is between the writes of one frame.
func (s *libraryStream) inFrame() bool { return s.header != 0 || s.rest != 0 }

// advance follows p, the library's next bytes.
func (s *libraryStream) advance(p []byte) {
	for len(p) > 0 {
		if s.header == 0 && s.rest > 0 { // payload
			n := min(uint64(len(p)), s.rest)
			s.rest -= n
			p = p[n:]
			continue
		}
		b := p[0]
		p = p[1:]
		switch {
		case s.header == 0: // FIN, RSV, opcode
			if b&0x0f == 0x8 {
				s.ended = true
			}
		case s.header == 1: // MASK, payload length
			s.masked = b&0x80 != 0
			switch n := b & 0x7f; n {
			case 126:
				s.ext = 2
			case 127:
				s.ext = 8
			default:
				s.rest = uint64(n)
			}
		case s.header < 2+s.ext: // extended payload length, big-endian
			s.rest = s.rest<<8 | uint64(b)
		}
		s.header++
		end := 2 + s.ext
		if s.masked {
			end += 4
		}
		if s.header == end {
			s.header, s.ext, s.masked = 0, 0, false
		}
	}
}

// libraryWriter is what coder/websocket's buffered writer writes to: the
// connection's socketWriter, following the library's frames.
type libraryWriter struct{ w *socketWriter }

func (l libraryWriter) Write(p []byte) (int, error) {
	w := l.w
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lib.advance(p)
	n, err := w.write(p)
	if err != nil {
		w.lib.ended = true // a frame may be cut short: ours cannot follow
	}
	return n, err
}

// Write writes p, which is not a WebSocket frame (the handshake's 101), to
// the socket, or appends it to the held bytes.
func (w *socketWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.write(p)
}

func (w *socketWriter) write(p []byte) (int, error) {
	if w.held != nil {
		*w.held = append(*w.held, p...)
		return len(p), nil
	}
	return w.conn.Write(p)
}

// errLibraryClosed is writeText's error once the library has ended the
// connection's stream: the closing handshake began.
var errLibraryClosed = errors.New("the closing handshake began")

// writeText writes payload as one final text frame, between the library's
// frames, and returns how many bytes are held then. It appends to the held
// bytes while the drain or the sync holds them, as they always do, and
// writes to the socket otherwise. A frame the library has begun is let
// finish first: the library writes its rest without waiting on anything
// but this writer's lock, which the loop lets go.
func (w *socketWriter) writeText(payload []byte) (int, error) {
	w.mu.Lock()
	for !w.lib.ended && w.lib.inFrame() {
		w.mu.Unlock()
		runtime.Gosched()
		w.mu.Lock()
	}
	defer w.mu.Unlock()
	if w.lib.ended {
		return 0, errLibraryClosed
	}
	if w.held == nil {
		_, err := w.conn.Write(appendTextFrame(nil, payload))
		return 0, err
	}
	*w.held = appendTextFrame(*w.held, payload)
	return len(*w.held), nil
}

// appendTextFrame appends a final, unmasked text frame of payload to b
// (RFC 6455, section 5.2).
func appendTextFrame(b, payload []byte) []byte {
	const finText = 0x80 | 0x1
	switch n := len(payload); {
	case n < 126:
		b = append(b, finText, byte(n))
	case n <= math.MaxUint16:
		b = append(b, finText, 126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, finText, 127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return append(b, payload...)
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
// flushing what it has, at out. Accept has chosen the compression by now.
func (h heldHijack) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h.out.lib.compressed = h.Header().Get("Sec-WebSocket-Extensions") != ""
	conn, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	if err := brw.Writer.Flush(); err != nil {
		_ = conn.Close()
		return nil, nil, fmt.Errorf("flush handshake: %w", err)
	}
	h.out.conn = conn
	brw.Writer.Reset(libraryWriter{h.out})
	return conn, brw, nil
}
