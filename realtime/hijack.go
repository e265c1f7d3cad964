package realtime

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"
)

// Sizes of the read and write buffers a WebSocket connection keeps for its
// whole life. net/http hands 4 KiB of each to the hijacker; at 10,000 idle
// connections that is 80 MB of buffers that sit empty. Reads only need the
// buffer for frame headers (at most 14 B from a client): a payload larger
// than the buffer is read straight into the message when the buffer is
// empty, so an inbound frame larger than 64 B costs a second read syscall,
// which client events, rate-limited per connection, can afford. The write
// buffer writes into the connection's socketWriter, which holds what the
// drain writes (every event, and the connect-time sync) and sends it in one
// write: a frame longer than the buffer only costs a second append there,
// not a second syscall. What is written outside a drain is control frames
// and the server.shutdown event. A frame whose header and payload fit 32 B
// is one syscall: the heartbeat's pings (a payload of a counter's few digits)
// and our closing handshakes (2 B of code, and reasons of up to 26 B such
// as "server shutting down"). A longer one (a pong to a client's long
// ping, server.shutdown, a close with a longer reason) is two, header then
// payload, in order: coder/websocket writes a frame under its write lock.
// Each size class less is live heap saved per idle connection, and about
// twice that in RSS, the GC letting the heap grow to twice what is live:
// 32 B instead of 128 B is about 0.2 KB.
const (
	connReadBufferSize  = 64
	connWriteBufferSize = 32
)

// smallBuffers wraps a ResponseWriter so that its Hijack hands out buffers
// of the sizes above instead of net/http's. Bytes the client sent after
// the handshake, already read into net/http's buffer, are carried over.
type smallBuffers struct {
	http.ResponseWriter
	// c is told the read buffer handed out, and whether early bytes came
	// with it (see waitFrame).
	c *conn
}

// Unwrap lets http.ResponseController reach the original writer.
func (w smallBuffers) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// WriteHeader keeps the handshake's 101 from net/http, which would write
// it to the socket at the hijack: Hijack holds it in the connection's
// socketWriter instead, where the connect-time sync joins it, so that the
// client gets the 101 and its sync in one write. Every connect paid a
// write(2) (and the loopback's delivery of it) for the 101 alone. Any
// other status (a refusal) goes through.
func (w smallBuffers) WriteHeader(status int) {
	if status != http.StatusSwitchingProtocols {
		w.ResponseWriter.WriteHeader(status)
	}
}

// Hijack hijacks the underlying connection, holds the 101 that
// WriteHeader kept back, and swaps the connection's buffers.
func (w smallBuffers) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	// Nothing was written before the hijack (see WriteHeader); this is a
	// no-op unless something was buffered.
	if err := brw.Writer.Flush(); err != nil {
		_ = conn.Close()
		return nil, nil, fmt.Errorf("flush handshake: %w", err)
	}
	w.c.out.hold()
	_, _ = w.c.out.Write(switchingProtocols(w.Header(), time.Now())) // held: cannot fail
	var r io.Reader = conn
	n := brw.Reader.Buffered()
	if n > 0 {
		early, _ := brw.Reader.Peek(n)
		r = &earlyReader{early: bytes.Clone(early), conn: conn}
	}
	br := bufio.NewReaderSize(r, max(connReadBufferSize, n))
	if n > 0 {
		// Pull the early bytes into br's buffer: the websocket library
		// keeps what is Buffered() and reads the rest from conn directly.
		if _, err := br.Peek(n); err != nil {
			_ = conn.Close()
			return nil, nil, fmt.Errorf("carry early bytes over: %w", err)
		}
	}
	w.c.in, w.c.early = br, n > 0
	return conn, bufio.NewReadWriter(br, bufio.NewWriterSize(conn, connWriteBufferSize)), nil
}

// unwrapReader undoes what coder/websocket's Accept does to the read
// buffer after the hijack: it puts the bytes the buffer held before the
// connection, as io.MultiReader(bytes.NewReader(held), conn), even when it
// held none, and the pair (104 B) stays until the client's first frame is
// read, which an idle client never sends. With no early bytes (c.early,
// see Hijack) the buffer reads the connection itself; with some, the
// wrapper carries them and is read at once (see waitFrame). It runs before
// the read loop starts, when nothing reads the connection.
func (c *conn) unwrapReader() {
	if c.in != nil && !c.early {
		c.in.Reset(c.out.conn)
	}
}

// earlyReader reads the bytes that arrived with the handshake, then the
// connection. It stays under the connection's read buffer for its whole
// life, so it is one small object: io.MultiReader over a bytes.Reader was
// three, and a frame more on the idle read loop's stack.
type earlyReader struct {
	early []byte
	conn  net.Conn
}

func (r *earlyReader) Read(p []byte) (int, error) {
	if len(r.early) == 0 {
		return r.conn.Read(p)
	}
	n := copy(p, r.early)
	r.early = r.early[n:]
	if len(r.early) == 0 {
		r.early = nil // let the copy go
	}
	return n, nil
}

// headerNewlines makes a header value's CR and LF spaces, as net/http's
// Header.Write does.
var headerNewlines = strings.NewReplacer("\n", " ", "\r", " ")

// switchingProtocols is the head of a 101 answer with header, as net/http
// writes it (Header.Write): the status line, the header fields sorted by
// name, values with CR and LF made spaces and surrounding whitespace
// trimmed, fields with an invalid name left out, and Date. It is written
// by hand because Header.Write, with its pooled sorter and a bytes.Buffer
// grown three times, was 3.5 % of the server's CPU over 10,000 connects;
// TestSwitchingProtocolsAsNetHTTP holds the two to the same bytes.
func switchingProtocols(header http.Header, now time.Time) []byte {
	var names [16]string
	keys := names[:0]
	for k := range header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b := make([]byte, 0, 512)
	b = append(b, "HTTP/1.1 101 Switching Protocols\r\n"...)
	for _, k := range keys {
		if !httpguts.ValidHeaderFieldName(k) {
			continue
		}
		for _, v := range header[k] {
			if strings.ContainsAny(v, "\r\n") {
				v = headerNewlines.Replace(v)
			}
			b = append(b, k...)
			b = append(b, ": "...)
			b = append(b, textproto.TrimString(v)...)
			b = append(b, "\r\n"...)
		}
	}
	b = append(b, "Date: "...)
	b = now.UTC().AppendFormat(b, http.TimeFormat)
	return append(b, "\r\n\r\n"...)
}
