//go:build unix

package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// Three instances, separate processes, on one PostgreSQL database, with
// the members of one room spread across them: presence, typing, messages
// sent concurrently through all three, read receipts and a notification
// too large for a NOTIFY payload each reach every intended client on every
// instance, and the room's seqs stay gapless.
func TestThreeInstancesOnePostgres(t *testing.T) {
	const (
		members = 6
		perUser = 15
		total   = members * perUser
	)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	_, url := newPostgres(t)
	ps := startCluster(t, url, 3)
	tn := newAPI(t, ps[0]).newTenant(t, ctx, "scale", 100000)
	on := func(i int) tenant { return tn.on(newAPI(t, ps[i%len(ps)])) }

	users := userIDs("u", members)
	const late = "late"
	room, err := tn.createRoom(ctx, users[0], "group", append(slices.Clone(users[1:]), late))
	if err != nil {
		t.Fatalf("create room: %v", err)
	}
	// users[i] is connected to instance i%3.
	peers := make([]*peer, members)
	for i, u := range users {
		peers[i] = connect(t, ctx, ps[i%3], tn, u)
	}
	for _, pr := range peers {
		if err := pr.waitFor(ctx, "sync.complete", has(func(e wsEvent) bool { return e.Type == "sync.complete" })); err != nil {
			t.Fatal(err)
		}
	}

	var lp *peer
	t.Run("presence", func(t *testing.T) {
		lp = connect(t, ctx, ps[2], tn, late)
		if err := lp.waitFor(ctx, "sync.complete", has(func(e wsEvent) bool { return e.Type == "sync.complete" })); err != nil {
			t.Fatal(err)
		}
		// Peers on instances 0 and 1 hear of it too.
		for _, pr := range peers[:2] {
			if err := pr.waitFor(ctx, "late online", has(func(e wsEvent) bool {
				return e.Type == "presence.update" && e.UserID == late && e.Status == "online"
			})); err != nil {
				t.Error(err)
			}
		}
		// Every instance says who is online, wherever they are connected.
		want := map[string]string{late: "online", users[0]: "online", users[1]: "online", "nobody": "offline"}
		for i := range ps {
			if err := on(i).waitPresence(ctx, users[3], want); err != nil {
				t.Errorf("instance %d: %v", i, err)
			}
		}
	})

	t.Run("typing", func(t *testing.T) {
		if err := peers[1].send(ctx, map[string]any{"type": "typing.start", "room_id": room}); err != nil {
			t.Fatal(err)
		}
		for i, pr := range peers {
			if i == 1 {
				continue
			}
			if err := pr.waitFor(ctx, "typing of "+users[1], has(func(e wsEvent) bool {
				return e.Type == "typing" && e.UserID == users[1] && e.Action == "start" && e.RoomID == room
			})); err != nil {
				t.Error(err)
			}
		}
	})

	t.Run("messages", func(t *testing.T) {
		// Every member sends through an instance other than its own, all at once.
		var wg sync.WaitGroup
		errs := make(chan error, total)
		for i, u := range users {
			sender := on(i + 1)
			wg.Go(func() {
				for k := range perUser {
					if status, _, err := sender.send(ctx, u, room, fmt.Sprintf("%s #%d", u, k)); err != nil || status != http.StatusCreated {
						errs <- fmt.Errorf("send %s #%d: %d %v", u, k, status, err)
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		checkStored(t, ctx, tn, users[0], room, nil)
		for _, pr := range peers {
			err := pr.waitFor(ctx, fmt.Sprintf("%d messages", total), func(evs []wsEvent) bool {
				return len(messageSeqs(evs, room)) >= total
			})
			seqs := messageSeqs(pr.events(), room)
			if err != nil {
				t.Errorf("%v (got %d)", err, len(seqs))
				continue
			}
			if len(seqs) != total || seqs[0] != 1 || consecutive(seqs) != "" {
				t.Errorf("%s: %d message events, want seqs 1..%d in order: %s", pr.user, len(seqs), total, consecutive(seqs))
			}
		}
	})

	t.Run("receipts", func(t *testing.T) {
		if err := peers[2].send(ctx, map[string]any{"type": "ack", "room_id": room, "seq": total}); err != nil {
			t.Fatal(err)
		}
		for i, pr := range peers {
			if i == 2 {
				continue
			}
			// Coalesced: a receipts event of the room within about a second.
			if err := pr.waitFor(ctx, "receipt of "+users[2], has(func(e wsEvent) bool {
				return e.Type == "receipts" && e.RoomID == room && slices.ContainsFunc(e.Receipts, func(r wsReceipt) bool {
					return r.UserID == users[2] && r.LastAck != nil && *r.LastAck == total
				})
			})); err != nil {
				t.Error(err)
			}
		}
	})

	t.Run("notification", func(t *testing.T) {
		// About 12 KB: more than a NOTIFY payload holds, so it travels by reference.
		blob := strings.Repeat("n", 12<<10)
		targets := []string{users[1], users[4], users[2]} // on instances 1, 1 and 2
		var out struct {
			NotificationID string `json:"notification_id"`
		}
		body := map[string]any{"topic": "big", "payload": map[string]any{"blob": blob}, "targets": map[string]any{"user_ids": targets}}
		if _, err := tn.a.do(ctx, http.MethodPost, "/notify", tn.headers(users[0]), body, &out); err != nil {
			t.Fatalf("notify: %v", err)
		}
		for _, i := range []int{1, 4, 2} {
			pr := peers[i]
			if err := pr.waitFor(ctx, "notification", has(func(e wsEvent) bool {
				return e.Type == "notification" && e.NotificationID == out.NotificationID && strings.Contains(string(e.Payload), blob)
			})); err != nil {
				t.Error(err)
			}
		}
		for _, i := range []int{0, 3, 5} {
			if slices.ContainsFunc(peers[i].events(), func(e wsEvent) bool { return e.Type == "notification" }) {
				t.Errorf("%s got a notification meant for others", users[i])
			}
		}
	})

	t.Run("presence offline", func(t *testing.T) {
		if lp == nil {
			t.Skip("late never connected")
		}
		_ = lp.ws.Close(1000, "bye")
		// After the grace, peers on the other instances hear it, and every
		// instance says so.
		for _, pr := range peers[:2] {
			if err := pr.waitFor(ctx, "late offline", has(func(e wsEvent) bool {
				return e.Type == "presence.update" && e.UserID == late && e.Status == "offline"
			})); err != nil {
				t.Error(err)
			}
		}
		want := map[string]string{late: "offline", users[2]: "online"}
		for i := range ps {
			if err := on(i).waitPresence(ctx, users[3], want); err != nil {
				t.Errorf("instance %d: %v", i, err)
			}
		}
	})

	t.Run("key rotation", func(t *testing.T) {
		// Rotated through instance 0: every instance closes its
		// connections of the old key.
		start := time.Now()
		tn.rotateKey(t, ctx)
		for _, pr := range peers {
			if err := pr.waitClosed(ctx, websocket.StatusPolicyViolation, closeWithin); err != nil {
				t.Error(err)
			}
		}
		t.Logf("connections on 3 instances closed within %v of the rotation", time.Since(start).Round(time.Millisecond))
	})
}
