package realtime

// An idle connection's read goroutine waits for the client's next frame.
// Blocked inside coder/websocket's Read it sits under about 1.9 KB of
// frames (Read, reader, readLoop, readFrameHeader, bufio, net, poll), more
// than a new goroutine's 2 KB stack leaves above its guard, so every idle
// connection's stack grew to 4 KB: at 10,000 connections 42 MB, a third of
// the server's RSS. The read loop therefore waits first, in a few frames of
// its own, for the socket to have something to read, and only then calls
// Read; the waiting stack stays at 2 KB (see waitReadable).
//
// The wait reads nothing: bytes stay in the socket (a peek) for the
// library to read. Bytes the library already holds in its buffered reader
// (a second frame that came with the first) are not waited for, nor bytes
// that came with the handshake: coder/websocket holds those aside until
// its first read, which moves them all into the buffered reader. The
// library's closing handshake also reads that buffer, from the goroutine
// that closes: the read loop looks at it only under c.mu while the
// connection is not closing, and closeAsync sets closing under c.mu before
// the handshake starts.

// waitFrame returns once the client has sent something the read loop has
// not read (or the socket failed: Read then reports it).
func (c *conn) waitFrame() {
	if c.early {
		c.early = false
		return
	}
	c.mu.Lock()
	idle := c.in != nil && !c.closing.Load() && c.in.Buffered() == 0
	c.mu.Unlock()
	if idle {
		waitReadable(c.out.conn)
	}
}
