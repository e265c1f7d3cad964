package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
)

func TestEventRetentionConfig(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		args    []string
		want    time.Duration
		wantErr bool
	}{
		{name: "default 30 days", want: 30 * 24 * time.Hour},
		{name: "environment", env: map[string]string{"EVENT_RETENTION": "72h"}, want: 72 * time.Hour},
		{name: "flag over environment", env: map[string]string{"EVENT_RETENTION": "72h"}, args: []string{"-event-retention", "1h"}, want: time.Hour},
		{name: "not positive", args: []string{"-event-retention", "0s"}, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := loadConfig(tc.args, func(k string) string { return tc.env[k] })
			if tc.wantErr {
				if err == nil {
					t.Fatalf("loadConfig = %v, want an error", cfg.eventRetention)
				}
				return
			}
			if err != nil || cfg.eventRetention != tc.want {
				t.Fatalf("loadConfig = %v, %v; want %v", cfg.eventRetention, err, tc.want)
			}
		})
	}
}

// TestPruneEvents runs the pruning loop over a log written two hours ago
// with a retention of one hour: the old events go, and the loop ends with
// its context.
func TestPruneEvents(t *testing.T) {
	ctx := t.Context()
	past := time.Now().Add(-2 * time.Hour)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "chatapi.db"), store.WithClock(func() time.Time { return past }))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tn, err := st.CreateTenant(ctx, "acme", 0, "hash")
	if err != nil {
		t.Fatal(err)
	}
	room, err := st.CreateRoom(ctx, tn.ID, "alice", store.NewRoom{Type: store.RoomGroup, Members: []string{"bob"}})
	if err != nil {
		t.Fatal(err)
	}

	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		pruneEvents(runCtx, st, time.Hour, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		events, err := st.ListRoomEvents(ctx, tn.ID, "alice", room.ID, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d events older than the retention are still there", len(events))
		}
	}
	stop()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the pruning loop did not stop with its context")
	}
}

// TestPruneIdempotencyKeys runs the pruning loop over a key answered 25
// hours ago: the answer goes (the key may be claimed afresh), and the loop
// ends with its context.
func TestPruneIdempotencyKeys(t *testing.T) {
	ctx := t.Context()
	var skew atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "chatapi.db"), store.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	claim := store.IdempotencyClaim{TTL: 24 * time.Hour, AbandonAfter: time.Minute}
	if _, ok, err := st.ClaimIdempotencyKey(ctx, "tn_1", "key", "fp", claim); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if err := st.CompleteIdempotencyKey(ctx, "tn_1", "key", 201, []byte("answer")); err != nil {
		t.Fatal(err)
	}
	skew.Store(int64(25 * time.Hour))
	var logs syncBuffer
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		pruneIdempotencyKeys(runCtx, st, time.Hour, slog.New(slog.NewTextHandler(&logs, nil)))
	}()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logs.String(), `msg="pruned idempotency keys" deleted=1`); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the expired answer was not pruned; log: %s", logs.String())
		}
	}
	stop()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the pruning loop did not stop with its context")
	}
	if n, err := st.PruneIdempotencyKeys(ctx); err != nil || n != 0 {
		t.Errorf("left for a second prune: %d %v", n, err)
	}
}

// syncBuffer is a bytes.Buffer for a logger on another goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
