//go:build !unix

package realtime_test

import "github.com/coder/websocket"

// smallReadBuffer is nil where the socket buffer cannot be set portably; the
// slow-consumer test skips then.
func smallReadBuffer() *websocket.DialOptions { return nil }
