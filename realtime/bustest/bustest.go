// Package bustest is the one behaviour suite of realtime.Broadcaster
// implementations, the buses that carry events between instances: run
// against the in-process bus (membus) and the PostgreSQL one (pgbus).
package bustest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

// Local is what a bus delivers the other participants' events to: the
// realtime hub in production, a recorder here.
type Local interface {
	Deliver(ctx context.Context, e event.Event)
	Resync(ctx context.Context)
}

// Join adds a participant named id to the bus under test, running until t
// ends and delivering to local; it returns once the participant hears the
// others, with its end of the bus.
type Join func(t *testing.T, id string, local Local) realtime.Broadcaster

// NewBus returns the Join of a fresh bus, shared by nobody else, that lives
// until t ends.
type NewBus func(t *testing.T) Join

// Run runs the whole suite; each test gets a fresh bus.
func Run(t *testing.T, newBus NewBus) {
	for _, tt := range []struct {
		name string
		run  func(t *testing.T, join Join)
	}{
		{"OthersNotSender", testOthersNotSender},
		{"OrderPerPublisher", testOrderPerPublisher},
		{"EventsArriveAsSent", testEventsArriveAsSent},
	} {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newBus(t)) })
	}
}

// recorder is one participant's local delivery.
type recorder struct {
	mu      sync.Mutex
	events  []event.Event
	changed chan struct{}
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{}, 1)} }

func (r *recorder) Deliver(_ context.Context, e event.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

func (r *recorder) Resync(context.Context) {}

// waitFor waits until r has n events, and returns them.
func (r *recorder) waitFor(t *testing.T, who string, n int) []event.Event {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		r.mu.Lock()
		got := slices.Clone(r.events)
		r.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-r.changed:
		case <-timeout:
			t.Fatalf("%s got %d events, want %d", who, len(got), n)
		}
	}
}

func typing(user string, n int) event.Event {
	return event.Event{Type: event.Typing, TenantID: "ten_1", RoomID: "room_1", UserID: user, Action: "start", Seq: int64(n)}
}

// An event broadcast by one participant reaches every other participant,
// once, and never the sender.
func testOthersNotSender(t *testing.T, join Join) {
	recA, recB, recC := newRecorder(), newRecorder(), newRecorder()
	a := join(t, "a", recA)
	b := join(t, "b", recB)
	join(t, "c", recC)

	const n = 5
	for i := range n {
		a.Broadcast(t.Context(), typing("alice", i+1))
	}
	for who, r := range map[string]*recorder{"b": recB, "c": recC} {
		got := r.waitFor(t, who, n)
		for i, e := range got[:n] {
			if e.UserID != "alice" || e.Seq != int64(i+1) {
				t.Fatalf("%s event %d = %+v, want alice's typing %d", who, i, e, i+1)
			}
		}
	}
	// b's marker reaches a after everything a sent would have: a must hold
	// the marker alone.
	b.Broadcast(t.Context(), typing("bob", 1))
	got := recA.waitFor(t, "a", 1)
	recB.mu.Lock()
	defer recB.mu.Unlock()
	if len(got) != 1 || got[0].UserID != "bob" {
		t.Fatalf("the sender a got %+v, want only b's marker", got)
	}
	if got := recC.waitFor(t, "c", n+1); len(got) != n+1 {
		t.Fatalf("c got %d events, want %d once each", len(got), n+1)
	}
	if len(recB.events) != n {
		t.Fatalf("the sender b got %d events, want a's %d only", len(recB.events), n)
	}
}

// Each publisher's events arrive in the order it broadcast them, while
// several publish at once.
func testOrderPerPublisher(t *testing.T, join Join) {
	recv := newRecorder()
	join(t, "receiver", recv)
	const publishers, each = 3, 200
	var pubs []realtime.Broadcaster
	for p := range publishers {
		pubs = append(pubs, join(t, fmt.Sprintf("p%d", p), newRecorder()))
	}
	var wg sync.WaitGroup
	for p, pub := range pubs {
		wg.Go(func() {
			for i := range each {
				pub.Broadcast(t.Context(), typing(fmt.Sprintf("p%d", p), i+1))
			}
		})
	}
	wg.Wait()
	got := recv.waitFor(t, "receiver", publishers*each)
	next := map[string]int64{}
	for _, e := range got {
		next[e.UserID]++
		if e.Seq != next[e.UserID] {
			t.Fatalf("from %s: event %d arrived when %d was next", e.UserID, e.Seq, next[e.UserID])
		}
	}
	if len(got) != publishers*each {
		t.Fatalf("got %d events, want %d", len(got), publishers*each)
	}
}

// What crosses the bus arrives equal to what was sent, for every kind of
// event.
func testEventsArriveAsSent(t *testing.T, join Join) {
	a := join(t, "a", newRecorder())
	recB := newRecorder()
	join(t, "b", recB)
	at := time.Date(2026, 12, 6, 1, 2, 3, 4000000, time.UTC)
	name, cmid := "room", "c1"
	sent := []event.Event{
		event.ForMessage(event.MessageCreated, "ten_1", store.Message{
			ID: "msg_1", RoomID: "room_1", SenderID: "u", Seq: 7, Content: "hi", Meta: []byte(`{"a":1}`),
			ClientMsgID: &cmid, CreatedAt: at, EventSeq: 12,
		}),
		{Type: event.RoomUpdated, TenantID: "ten_1", RoomID: "room_1", EventSeq: 13, Room: &store.Room{
			ID: "room_1", TenantID: "ten_1", Type: store.RoomGroup, Name: &name,
			Metadata: []byte(`{}`), LastSeq: 7, MemberCount: 3, CreatedAt: at, UpdatedAt: at, LastEventSeq: 13,
		}},
		{Type: event.MemberJoined, TenantID: "ten_1", RoomID: "room_1", UserID: "v", EventSeq: 14, Member: &store.Member{
			RoomID: "room_1", UserID: "v", Role: store.RoleAdmin, JoinedAt: at, LastAck: 7, JoinedEventSeq: 14,
		}},
		event.ForPresence("ten_1", "u", "offline", at),
		{Type: event.Receipts, TenantID: "ten_1", RoomID: "room_1", Receipts: []event.Receipt{
			{UserID: "u", LastAck: 5}, {UserID: "v", DeliveredFrom: 3, DeliveredTo: 7},
		}},
	}
	for _, e := range sent {
		a.Broadcast(t.Context(), e)
	}
	got := recB.waitFor(t, "b", len(sent))
	for i, want := range sent {
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("event %d:\n got %+v\nwant %+v", i, got[i], want)
		}
	}
}
