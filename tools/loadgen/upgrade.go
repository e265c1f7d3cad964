package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// upgradeTransport is an http.RoundTripper for WebSocket handshakes and
// nothing else: it dials, writes the request, reads the answer and, on a
// 101, hands the connection over as the response body, which is what
// coder/websocket's Dial takes it from. net/http's Transport does the
// same through its connection pool: a read and a write goroutine per
// connection, their stacks grown and copied, and the pool's bookkeeping,
// for a connection that leaves the pool at once. While the conns scenario
// opened 10,000 connections, the load generator (which shares the
// machine's cores with the server it measures) spent a sixth of its CPU
// in those two goroutines alone.
type upgradeTransport struct {
	dialer net.Dialer
	// spread are dialers from further loopback source addresses, for a
	// server on IPv4 loopback: connection n (from 0) comes from t.dialer's
	// address while n < perSource, then from spread[n/perSource-1], and so
	// on (see loopbackSpread). None where that is not supported.
	spread []net.Dialer
	dials  atomic.Int64
}

// perSource is how many connections come from each loopback address: well
// under the 14,000 at which Linux's choice of a local port turns slow
// (see loopbackSpread). A bind(2) and a setsockopt(2) more per dial cost
// more than they save below it.
const perSource = 10000

// upgradeClient is the HTTP client for handshakes over upgradeTransport.
// Its connections have no TCP keep-alive (four setsockopt calls a dial
// fewer): the server's heartbeat pings every idle WebSocket, and a dead
// connection is the server's to find.
func upgradeClient() *http.Client {
	d := net.Dialer{Timeout: 10 * time.Second, KeepAlive: -1}
	return &http.Client{Transport: &upgradeTransport{dialer: d, spread: loopbackSpread(d)}}
}

// dialerFor is the dialer for the next connection to a server at host
// (host:port).
func (t *upgradeTransport) dialerFor(host string) *net.Dialer {
	if len(t.spread) == 0 {
		return &t.dialer
	}
	h, _, err := net.SplitHostPort(host)
	if ip := net.ParseIP(h); err != nil || ip == nil || ip.To4() == nil || !ip.IsLoopback() {
		return &t.dialer
	}
	k := (t.dials.Add(1) - 1) / perSource
	if k == 0 {
		return &t.dialer
	}
	return &t.spread[(k-1)%int64(len(t.spread))]
}

func (t *upgradeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	conn, err := t.dialerFor(req.URL.Host).DialContext(ctx, "tcp", req.URL.Host)
	if err != nil {
		return nil, err
	}
	// The request's context bounds the handshake: ending it unblocks the
	// write and the read below.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	resp, err := t.handshake(conn, req)
	if !stop() && err == nil {
		err = ctx.Err()
	}
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	return resp, nil
}

// handshake writes req on conn, in one write, and reads the answer.
func (t *upgradeTransport) handshake(conn net.Conn, req *http.Request) (*http.Response, error) {
	var b bytes.Buffer
	b.Grow(512) // a handshake's request is about 300 B
	if err := req.Write(&b); err != nil {
		return nil, err
	}
	if _, err := conn.Write(b.Bytes()); err != nil {
		return nil, err
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusSwitchingProtocols {
		// The frames that came with the 101 wait in br.
		resp.Body = &upgradedConn{r: br, Conn: conn}
	} else {
		resp.Body = closeBoth{resp.Body, conn}
	}
	return resp, nil
}

// upgradedConn is an upgraded connection, read through the reader that
// read the handshake's answer.
type upgradedConn struct {
	r io.Reader
	net.Conn
}

func (c *upgradedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// closeBoth is a refused handshake's body: closing it closes the
// connection.
type closeBoth struct {
	io.ReadCloser
	conn net.Conn
}

func (c closeBoth) Close() error {
	_ = c.ReadCloser.Close()
	return c.conn.Close()
}
