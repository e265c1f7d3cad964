package realtime

import (
	"net"
	"syscall"
	"unsafe"
)

// waitReadable blocks until conn has bytes to read, is closed or fails,
// without reading: the netpoller parks the goroutine between peeks. A conn
// that is not a socket returns at once.
func waitReadable(conn net.Conn) {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Read(peekable)
}

// peekable reports whether fd has a byte to read, or an end or error that a
// read would report: anything but "would block". The socket is
// non-blocking (the runtime's), so the peek never waits. It is the raw
// recvfrom(2), not syscall.Recvfrom, whose address buffer alone would take
// the stack past 2 KB here.
func peekable(fd uintptr) bool {
	var b [1]byte
	_, _, errno := syscall.Syscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&b[0])), 1, syscall.MSG_PEEK, 0, 0)
	return errno != syscall.EAGAIN
}
