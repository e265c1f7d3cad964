//go:build unix

package e2e_test

import (
	byteorder "encoding/binary"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
)

// listensOn reports whether process pid holds the listening TCP socket on
// addr (an IPv4 host:port), from Linux's /proc. Where /proc has no socket
// table it cannot tell and reports true, leaving the health check to judge.
// A health check alone can be answered by another process that took the
// port first.
func listensOn(pid int, addr string) (bool, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return false, err
	}
	ip := net.ParseIP(host).To4()
	if ip == nil {
		return false, fmt.Errorf("listensOn: %s is not IPv4", addr)
	}
	var portNum int
	if _, err := fmt.Sscan(port, &portNum); err != nil {
		return false, err
	}
	// /proc/net/tcp prints the address as a host-order word and the port
	// in hex; state 0A is LISTEN.
	local := fmt.Sprintf("%08X:%04X", byteorder.NativeEndian.Uint32(ip), portNum)
	table, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/tcp", pid))
	if os.IsNotExist(err) {
		if _, serr := os.Stat("/proc/self/net/tcp"); os.IsNotExist(serr) {
			return true, nil
		}
		return false, nil // the process is gone
	}
	if err != nil {
		return false, err
	}
	inodes := map[string]bool{}
	for _, line := range strings.Split(string(table), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) > 9 && f[1] == local && f[3] == "0A" {
			inodes["socket:["+f[9]+"]"] = true
		}
	}
	if len(inodes) == 0 {
		return false, nil
	}
	fds, err := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", pid))
	if err != nil {
		return false, err
	}
	for _, fd := range fds {
		if target, err := os.Readlink(fd); err == nil && inodes[target] {
			return true, nil
		}
	}
	return false, nil
}
