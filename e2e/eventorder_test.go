//go:build unix

package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// logEventTypes are the events of a room's log.
var logEventTypes = map[string]bool{
	"message": true, "message.updated": true, "message.deleted": true,
	"member.joined": true, "member.left": true, "room.updated": true,
}

// Three instances on one PostgreSQL database, writers on all three at once
// sending, editing, deleting and renaming the room over REST: every member,
// whichever instance it is connected to, receives the room's events in
// event_seq order, each once, with no gap, up to the log's last.
func TestRoomEventsInOrderAcrossInstances(t *testing.T) {
	const (
		members   = 6
		perWriter = 12
	)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	_, url := newPostgres(t)
	ps := startCluster(t, url, 3)
	tn := newAPI(t, ps[0]).newTenant(t, ctx, "order", 100000)
	on := func(i int) tenant { return tn.on(newAPI(t, ps[i%len(ps)])) }

	users := userIDs("u", members)
	room, err := tn.createRoom(ctx, users[0], "group", users[1:])
	if err != nil {
		t.Fatalf("create room: %v", err)
	}
	start := lastEventSeq(t, ctx, tn, users[0], room)
	peers := make([]*peer, members)
	for i, u := range users {
		peers[i] = connect(t, ctx, ps[i%3], tn, u)
	}
	for _, pr := range peers {
		if err := pr.waitFor(ctx, "sync.complete", has(func(e wsEvent) bool { return e.Type == "sync.complete" })); err != nil {
			t.Fatal(err)
		}
	}

	var wg sync.WaitGroup
	errs := make(chan error, members*perWriter*2)
	for i, u := range users {
		w := on(i + 1) // through an instance other than its own
		wg.Go(func() {
			for k := range perWriter {
				status, m, err := w.send(ctx, u, room, fmt.Sprintf("%s #%d", u, k))
				if err != nil || status != http.StatusCreated {
					errs <- fmt.Errorf("send %s #%d: %d %v", u, k, status, err)
					return
				}
				var status2 int
				switch k % 4 {
				case 1:
					status2, err = w.a.do(ctx, http.MethodPatch, "/rooms/"+room+"/messages/"+m.MessageID, w.headers(u), map[string]any{"content": "edited"}, nil)
				case 2:
					status2, err = w.a.do(ctx, http.MethodDelete, "/rooms/"+room+"/messages/"+m.MessageID, w.headers(u), nil, nil)
				case 3:
					if u == users[0] {
						status2, err = w.a.do(ctx, http.MethodPatch, "/rooms/"+room, w.headers(u), map[string]any{"name": fmt.Sprintf("room %d", k)}, nil)
					}
				}
				if err != nil || status2 >= 300 {
					errs <- fmt.Errorf("change by %s #%d: %d %v", u, k, status2, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	end := lastEventSeq(t, ctx, tn, users[0], room)
	if end-start < members*perWriter {
		t.Fatalf("the log grew by %d events, want at least %d", end-start, members*perWriter)
	}
	for _, pr := range peers {
		err := pr.waitFor(ctx, fmt.Sprintf("event_seq %d", end), has(func(e wsEvent) bool {
			return e.RoomID == room && e.EventSeq == end
		}))
		if err != nil {
			t.Error(err)
			continue
		}
		want := start + 1
		for _, e := range pr.events() {
			if e.RoomID != room || !logEventTypes[e.Type] {
				continue
			}
			if e.EventSeq != want {
				t.Errorf("%s: got %s with event_seq %d, want %d", pr.user, e.Type, e.EventSeq, want)
				break
			}
			want++
		}
	}
}

// lastEventSeq is the event_seq of the room's last event, read from its log.
func lastEventSeq(t *testing.T, ctx context.Context, tn tenant, user, room string) int64 {
	t.Helper()
	last := int64(0)
	for {
		var out []struct {
			EventSeq int64 `json:"event_seq"`
		}
		status, err := tn.a.do(ctx, http.MethodGet, fmt.Sprintf("/rooms/%s/events?after=%d&limit=500", room, last), tn.headers(user), nil, &out)
		if err != nil || status != http.StatusOK {
			t.Fatalf("room events: %d %v", status, err)
		}
		if len(out) == 0 {
			return last
		}
		last = out[len(out)-1].EventSeq
	}
}
