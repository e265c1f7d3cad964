//go:build unix

package realtime_test

import (
	"context"
	"net"
	"net/http"
	"syscall"

	"github.com/coder/websocket"
)

// smallReadBuffer dials with a 4 KiB socket receive buffer, set before the
// connection opens (shrinking it later makes the kernel drop segments), so a
// client that stops reading backs the server up after kilobytes, not megabytes.
func smallReadBuffer() *websocket.DialOptions {
	d := &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		if err := rc.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		}); err != nil {
			return err
		}
		return serr
	}}
	return &websocket.DialOptions{HTTPClient: &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
	}}}
}
