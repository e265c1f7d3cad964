//go:build !linux

package realtime

import "net"

// waitReadable does not wait off Linux: the read loop's
// goroutine then waits in Read, on a 4 KB stack.
func waitReadable(net.Conn) {}
