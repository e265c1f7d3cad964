package realtime_test

import (
	"context"
	"errors"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/chatapi/chatapi/sdk/go/realtime"
)

// TestOfflineQueue: with no server to reach, sends wait in a queue of
// QueueSize and one more is refused at once; Close fails the waiting ones
// and stops every goroutine of the client.
func TestOfflineQueue(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: every dial is refused

	before := runtime.NumGoroutine()
	c, err := realtime.New(realtime.Options{
		BaseURL: "http://" + addr, APIKey: "sk_test", UserID: "alice",
		QueueSize: 2, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 2)
	for range 2 {
		go func() {
			for {
				// The probe below may hold a slot for a moment.
				_, err := c.SendMessage(context.Background(), "room_1", "hello")
				if !errors.Is(err, realtime.ErrQueueFull) {
					done <- err
					return
				}
				time.Sleep(time.Millisecond)
			}
		}()
	}
	// Both are queued once a third is refused. The probe's context is
	// over already: queued, it gives its place up at once.
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := c.SendMessage(gone, "room_1", "one too many")
		if errors.Is(err, realtime.ErrQueueFull) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a third send: %v, want ErrQueueFull", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The client keeps trying, and says so.
	var disconnects int
	for disconnects < 2 {
		select {
		case ev := <-c.Events():
			if d, ok := ev.(realtime.Disconnected); ok && d.Err != nil {
				disconnects++
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no Disconnected events while the server is unreachable")
		}
	}
	c.Close()
	for range 2 {
		if err := <-done; !errors.Is(err, realtime.ErrClosed) {
			t.Errorf("a queued send ended with %v, want ErrClosed", err)
		}
	}
	if _, err := c.SendMessage(context.Background(), "room_1", "late"); !errors.Is(err, realtime.ErrClosed) {
		t.Errorf("a send after Close: %v, want ErrClosed", err)
	}
	for range c.Events() {
	}
	var now int
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if now = runtime.NumGoroutine(); now <= before {
			return
		}
	}
	t.Errorf("%d goroutines after Close, %d before", now, before)
}
