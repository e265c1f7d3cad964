//go:build linux

package e2e_test

import (
	"net"
	"os"
	"testing"
)

// TestListensOn checks the check startServer uses to tell its own server
// from another process that answers on the same port.
func TestListensOn(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	closed, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		pid  int
		addr string
		want bool
	}{
		{"this process's listener", os.Getpid(), ln.Addr().String(), true},
		{"another process", os.Getppid(), ln.Addr().String(), false},
		{"a port nobody listens on", os.Getpid(), closed, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := listensOn(tc.pid, tc.addr)
			if err != nil || got != tc.want {
				t.Fatalf("listensOn(%d, %s) = %v, %v; want %v", tc.pid, tc.addr, got, err, tc.want)
			}
		})
	}
}
