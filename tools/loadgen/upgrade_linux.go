package main

import (
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// loopbackSources is how many loopback addresses (127.0.0.2 up) the conns
// scenario's connections come from beyond the first perSource: enough for
// maxConns.
const loopbackSources = (maxConns - 1) / perSource

// loopbackSpread returns d from each of loopbackSources loopback
// addresses, the port left to connect (IP_BIND_ADDRESS_NO_PORT).
//
// Linux picks a connection's local port by walking the ephemeral range
// from an offset per (source, destination) pair, even ports first, and
// checking each against the connections that pair already has. From one
// source to one server, past about 14,000 connections (the even half of
// the default range of 28,000) every connect walked all of them:
// __inet_hash_connect and __inet_check_established were 59 % of the load
// generator's CPU (perf, whole process) while it opened 19,000, and the
// kernel's connect 78 % in its own profile. Every address of 127.0.0.0/8
// is loopback on Linux.
func loopbackSpread(d net.Dialer) []net.Dialer {
	out := make([]net.Dialer, loopbackSources)
	for i := range out {
		out[i] = d
		out[i].LocalAddr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(i+2))}
		out[i].Control = bindAddressNoPort
	}
	return out
}

// bindAddressNoPort has bind(2) take the source address only, leaving the
// port to connect(2), which picks it for the whole address pair: without
// it, bind would pick a port no other socket on that address holds.
func bindAddressNoPort(_, _ string, c syscall.RawConn) error {
	var err error
	if cerr := c.Control(func(fd uintptr) {
		err = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_BIND_ADDRESS_NO_PORT, 1)
	}); cerr != nil {
		return cerr
	}
	return err
}
