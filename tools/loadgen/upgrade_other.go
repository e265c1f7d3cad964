//go:build !linux

package main

import "net"

// loopbackSpread is Linux's only (see upgrade_linux.go): elsewhere every
// connection comes from the one address the system picks.
func loopbackSpread(net.Dialer) []net.Dialer { return nil }
