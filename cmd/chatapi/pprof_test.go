package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestServePprof(t *testing.T) {
	t.Run("refuses non-loopback addresses", func(t *testing.T) {
		for _, addr := range []string{":0", "0.0.0.0:0", "10.1.2.3:0", "example.com:0", "nohost"} {
			var wg sync.WaitGroup
			if srv, err := servePprof(addr, &wg, make(chan error, 1)); err == nil {
				srv.Close()
				wg.Wait()
				t.Errorf("servePprof(%q) = nil error, want a refusal", addr)
			}
		}
	})
	t.Run("serves the index on loopback", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		var wg sync.WaitGroup
		srv, err := servePprof(addr, &wg, make(chan error, 1))
		if err != nil {
			t.Fatal(err)
		}
		defer wg.Wait()
		defer srv.Close()
		resp, err := http.Get("http://" + addr + "/debug/pprof/")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "goroutine") {
			t.Errorf("GET /debug/pprof/: %d, body %.200q; want 200 with the profile index", resp.StatusCode, body)
		}
	})
}
