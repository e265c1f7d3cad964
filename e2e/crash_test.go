//go:build unix

package e2e_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// kill -9 on SQLite mid-load: while four senders send over REST the process
// is killed; a restart on the same database has every message answered 201
// before the kill, and the room's seqs are gapless 1..last_seq.
func TestKill9MidLoad(t *testing.T) {
	const (
		senders = 4
		perSend = 5000 // an upper bound; the kill stops them long before
	)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	db := filepath.Join(t.TempDir(), "x.db")
	p := startServer(t, db)
	tn := newAPI(t, p).newTenant(t, ctx, "crash", 100000)
	users := userIDs("s", senders)
	room, err := tn.createRoom(ctx, users[0], "group", users[1:])
	if err != nil {
		t.Fatalf("create room: %v", err)
	}

	var (
		total atomic.Int64
		mu    sync.Mutex
		acked []sent
		wg    sync.WaitGroup
		// enough is closed when the senders are well under way.
		enough     = make(chan struct{})
		enoughOnce sync.Once
	)
	for s := range senders {
		wg.Go(func() {
			failures := 0
			for k := range perSend {
				status, m, err := tn.send(ctx, users[s], room, fmt.Sprintf("%s #%d", users[s], k))
				if err != nil || status != 201 {
					// After the kill every request fails; before it none should.
					if failures++; failures >= 3 {
						return
					}
					continue
				}
				mu.Lock()
				acked = append(acked, m)
				mu.Unlock()
				if total.Add(1) == 200 {
					enoughOnce.Do(func() { close(enough) })
				}
			}
		})
	}
	select {
	case <-enough:
	case <-time.After(20 * time.Second):
		t.Errorf("only %d messages sent in 20s before the kill", total.Load())
	}
	p.signal(syscall.SIGKILL)
	if _, err := p.waitExit(5 * time.Second); err != nil {
		t.Fatalf("after SIGKILL: %v", err)
	}
	wg.Wait()
	t.Logf("%d messages answered 201 before SIGKILL", len(acked))

	p2 := startServer(t, db)
	tn2 := tn.on(newAPI(t, p2))
	checkStored(t, ctx, tn2, users[0], room, acked)

	// The room goes on from where it stopped.
	last, err := tn2.lastSeq(ctx, users[0], room)
	if err != nil {
		t.Fatalf("room after restart: %v", err)
	}
	status, m, err := tn2.send(ctx, users[1], room, "after restart")
	if err != nil || status != 201 || m.Seq != last+1 {
		t.Errorf("send after restart: %d seq %d %v, want 201 seq %d", status, m.Seq, err, last+1)
	}
}
