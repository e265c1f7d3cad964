package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// freeAddr returns a loopback address nobody listens on, a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// A single instance (SQLite) runs on the in-process bus like a cluster on
// pgbus: the bus runs, and its counters are served, at zero.
func TestSingleInstanceRunsOnTheInProcessBus(t *testing.T) {
	metrics := freeAddr(t)
	env := map[string]string{
		"DATABASE_URL":   filepath.Join(t.TempDir(), "chatapi.db"),
		"CHATAPI_ADDR":   freeAddr(t),
		"METRICS_ADDR":   metrics,
		"MASTER_API_KEY": "mk_test",
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, func(k string) string { return env[k] }, io.Discard, io.Discard) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	want := []string{"chatapi_bus_refused_version_total 0", "chatapi_bus_undecodable_total 0"}
	var body string
	deadline := time.Now().Add(20 * time.Second)
	for {
		if resp, err := http.Get("http://" + metrics + "/metrics"); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
			if strings.Contains(body, want[0]) && strings.Contains(body, want[1]) {
				return
			}
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("run ended early: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("metrics %.2000s\nwant %q", body, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
