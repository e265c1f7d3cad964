//go:build unix

package e2e_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// Order and completeness under load: 100 members connected, 20 of them send
// 10 messages each at once over REST; every member receives the 200 message
// events exactly in seq order 1..200, none missing, none twice, and none is
// disconnected on the way.
func TestOrderAndCompletenessUnderLoad(t *testing.T) {
	const (
		members  = 100
		senders  = 20
		perSend  = 10
		total    = senders * perSend
		maxEvent = 10 * total // bound on events read per client
	)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	p := startServer(t, filepath.Join(t.TempDir(), "x.db"))
	tn := newAPI(t, p).newTenant(t, ctx, "load", 100000)

	users := userIDs("m", members)
	room, err := tn.createRoom(ctx, users[0], "group", users[1:])
	if err != nil {
		t.Fatalf("create room: %v", err)
	}

	hc := wsHTTPClient(t)
	conns := make([]*websocket.Conn, members)
	dialErrs := make([]error, members)
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Go(func() {
			c, err := dialWS(ctx, p, tn, u, hc)
			if err != nil {
				dialErrs[i] = err
				return
			}
			conns[i] = c
			dialErrs[i] = awaitSync(ctx, c, 100)
		})
	}
	wg.Wait()
	for _, c := range conns {
		if c != nil {
			defer c.CloseNow()
		}
	}
	for i := range conns {
		if dialErrs[i] != nil {
			t.Fatalf("%s: %v", users[i], dialErrs[i])
		}
	}

	// Readers first, so nothing waits in the server's queues on us.
	type received struct {
		seqs []int64
		err  error // why the reader stopped early
	}
	got := make([]received, members)
	for i, c := range conns {
		wg.Go(func() {
			r := &got[i]
			for range maxEvent {
				ev, raw, err := readEvent(ctx, c)
				if err != nil {
					r.err = err
					return
				}
				switch ev.Type {
				case "message":
					if ev.RoomID != room {
						r.err = fmt.Errorf("message of another room: %s", raw)
						return
					}
					r.seqs = append(r.seqs, ev.Seq)
					if len(r.seqs) == total {
						return
					}
				case "error":
					r.err = fmt.Errorf("error event: %s", raw)
					return
				}
			}
			r.err = fmt.Errorf("%d events read without getting %d messages", maxEvent, total)
		})
	}

	start := time.Now()
	sendErrs := make(chan error, total)
	var sendWG sync.WaitGroup
	for s := range senders {
		sendWG.Go(func() {
			for k := range perSend {
				status, _, err := tn.send(ctx, users[s], room, fmt.Sprintf("%s #%d", users[s], k))
				if err != nil || status != 201 {
					sendErrs <- fmt.Errorf("%s #%d: %d %v", users[s], k, status, err)
				}
			}
		})
	}
	sendWG.Wait()
	close(sendErrs)
	for err := range sendErrs {
		t.Errorf("send: %v", err)
	}
	sendTime := time.Since(start)
	wg.Wait()
	t.Logf("%d messages sent by %d senders in %v; all %d receivers done after %v",
		total, senders, sendTime.Round(time.Millisecond), members, time.Since(start).Round(time.Millisecond))

	bad := 0
	for i, r := range got {
		problem := orderProblem(r.seqs, total)
		if r.err != nil {
			problem = fmt.Sprintf("stopped after %d messages: %v (close status %d); %s", len(r.seqs), r.err, websocket.CloseStatus(r.err), problem)
		}
		if problem != "" {
			bad++
			if bad <= 10 {
				t.Errorf("%s: %s", users[i], problem)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d receivers did not get seqs 1..%d in order exactly once", bad, members, total)
	}
}

// orderProblem describes how seqs differ from 1..n, or is "".
func orderProblem(seqs []int64, n int) string {
	for i, s := range seqs {
		if s != int64(i+1) {
			lo, hi := max(0, i-3), min(len(seqs), i+4)
			return fmt.Sprintf("event %d has seq %d, want %d (around it: %v)", i, s, i+1, seqs[lo:hi])
		}
	}
	if len(seqs) != n {
		return fmt.Sprintf("got %d message events, want %d", len(seqs), n)
	}
	return ""
}
