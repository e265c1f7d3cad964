//go:build unix

package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// kill -9 of one of three instances in the middle of a send load: every
// message answered 201 is stored, gapless; the clients of the dead instance
// reconnect to the others and are streamed every message after what they
// had acked, in order, once; and the users only the dead instance held are
// announced offline once its heartbeat is overdue.
func TestKill9OneOfThreeInstances(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	_, url := newPostgres(t)
	ps := startCluster(t, url, 3)
	tn := newAPI(t, ps[1]).newTenant(t, ctx, "kill", 100000)
	on := func(i int) tenant { return tn.on(newAPI(t, ps[i])) }
	survivor := on(1)

	senders := userIDs("s", 3)
	victims := userIDs("v", 3)
	const watcher, ghost = "watcher", "ghost"
	members := slices.Concat(senders[1:], victims, []string{watcher, ghost})
	room, err := tn.createRoom(ctx, senders[0], "group", members)
	if err != nil {
		t.Fatalf("create room: %v", err)
	}
	synced := has(func(e wsEvent) bool { return e.Type == "sync.complete" })
	conns := make([]*peer, len(victims))
	for i, v := range victims {
		conns[i] = connect(t, ctx, ps[0], tn, v)
	}
	gp := connect(t, ctx, ps[0], tn, ghost)
	wp := connect(t, ctx, ps[1], tn, watcher)
	for _, pr := range append(slices.Clone(conns), gp, wp) {
		if err := pr.waitFor(ctx, "sync.complete", synced); err != nil {
			t.Fatal(err)
		}
	}

	// Each victim acks what it was handed over REST through a survivor, as
	// a client would, every few milliseconds.
	acked := make([]atomic.Int64, len(victims))
	runAckers := func() (stop func()) {
		actx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		for i, v := range victims {
			pr := conns[i]
			wg.Go(func() {
				for actx.Err() == nil {
					seqs := messageSeqs(pr.events(), room)
					if n := len(seqs); n > 0 && seqs[n-1] > acked[i].Load() {
						// ctx, not actx: stopping lets an ack in flight
						// finish, so none lands after the cursor is read.
						if err := survivor.ack(ctx, v, room, seqs[n-1]); err == nil {
							acked[i].Store(seqs[n-1])
						}
					}
					select {
					case <-actx.Done():
					case <-time.After(20 * time.Millisecond):
					}
				}
			})
		}
		return func() { cancel(); wg.Wait() }
	}
	stopAckers := runAckers()

	// Three senders, one through each instance, until told to stop.
	var (
		mu       sync.Mutex
		answered []sent
		total    atomic.Int64
		stopSend = make(chan struct{})
		wg       sync.WaitGroup
	)
	for i, s := range senders {
		via := on(i)
		wg.Go(func() {
			failures := 0
			for k := 0; ; k++ {
				select {
				case <-stopSend:
					return
				default:
				}
				status, m, err := via.send(ctx, s, room, fmt.Sprintf("%s #%d", s, k))
				if err != nil || status != http.StatusCreated {
					if failures++; failures >= 3 {
						return // its instance is gone
					}
					continue
				}
				mu.Lock()
				answered = append(answered, m)
				mu.Unlock()
				total.Add(1)
			}
		})
	}
	waitTotal := func(n int64) {
		t.Helper()
		for total.Load() < n {
			select {
			case <-ctx.Done():
				t.Fatalf("only %d messages sent: %v", total.Load(), ctx.Err())
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	waitTotal(150)
	ps[0].signal(syscall.SIGKILL)
	if _, err := ps[0].waitExit(5 * time.Second); err != nil {
		t.Fatalf("after SIGKILL: %v", err)
	}
	atKill := total.Load()

	// The victims see their connection drop, and reconnect elsewhere.
	stopAckers()
	from := make([]int64, len(victims))
	for i, pr := range conns {
		select {
		case <-pr.done:
		case <-ctx.Done():
			t.Fatalf("%s: connection to the killed instance still open", pr.user)
		}
		if bad := consecutive(messageSeqs(pr.events(), room)); bad != "" {
			t.Errorf("%s before the kill: %s", pr.user, bad)
		}
		// The server's cursor, not the last ack the client saw answered: the
		// last ack may have landed without its answer being read.
		cursor, err := survivor.cursor(ctx, victims[i], room, 0)
		if err != nil {
			t.Fatalf("%s: read cursor: %v", victims[i], err)
		}
		if cursor < acked[i].Load() {
			t.Errorf("%s: cursor %d is behind an answered ack of %d", victims[i], cursor, acked[i].Load())
		}
		from[i] = cursor + 1
		conns[i] = connect(t, ctx, ps[1+i%2], tn, victims[i])
	}
	stopAckers = runAckers()
	defer func() { stopAckers() }()
	waitTotal(atKill + 90)
	close(stopSend)
	wg.Wait()
	t.Logf("%d messages answered 201, %d of them before SIGKILL", total.Load(), atKill)

	checkStored(t, ctx, survivor, senders[1], room, answered)
	last, err := survivor.lastSeq(ctx, senders[1], room)
	if err != nil {
		t.Fatal(err)
	}
	for i, pr := range conns {
		err := pr.waitFor(ctx, fmt.Sprintf("seq %d", last), func(evs []wsEvent) bool {
			seqs := messageSeqs(evs, room)
			return len(seqs) > 0 && seqs[len(seqs)-1] >= last
		})
		seqs := messageSeqs(pr.events(), room)
		switch {
		case err != nil:
			t.Errorf("%v (got %d events)", err, len(seqs))
		case seqs[0] != from[i]:
			t.Errorf("%s after reconnect: stream starts at seq %d, want %d (the first not acked)", pr.user, seqs[0], from[i])
		case consecutive(seqs) != "":
			t.Errorf("%s after reconnect: %s", pr.user, consecutive(seqs))
		case seqs[len(seqs)-1] != last:
			t.Errorf("%s after reconnect: ends at seq %d, want %d", pr.user, seqs[len(seqs)-1], last)
		}
	}

	// The ghost was connected to the dead instance only.
	if err := wp.waitFor(ctx, "ghost offline", has(func(e wsEvent) bool {
		return e.Type == "presence.update" && e.UserID == ghost && e.Status == "offline"
	})); err != nil {
		t.Error(err)
	}
	want := map[string]string{ghost: "offline", watcher: "online"}
	for _, v := range victims {
		want[v] = "online"
	}
	if err := on(2).waitPresence(ctx, senders[2], want); err != nil {
		t.Error(err)
	}
}
