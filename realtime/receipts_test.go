package realtime_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

// TestDeliveredEndsRedelivery: received is not read. A client that confirms
// with delivered every message it received, and never acks, is sent none of
// them again and dead-letters none in five minutes (the redelivery backoff
// is 10, 20, 40, 80, 160 s), while its user's unread count stays whole. A
// client beside it that confirms nothing is redelivered to, so the clock
// does drive redelivery.
func TestDeliveredEndsRedelivery(t *testing.T) {
	const total = 1000
	clock := newFakeClock()
	e := newEnv(t, realtime.Config{Clock: clock, QueueSize: 4 * total})
	ctx := context.Background()
	room := e.room(store.RoomGroup, "bob", "alice", "carol")
	a, _, _ := e.connect("alice")
	c, _, _ := e.connect("carol")
	settle(t, a, c)

	// The reader runs beside the sender: a thousand frames outgrow the
	// socket buffers.
	got := make(chan []int64, 1)
	go func() {
		var seqs []int64
		for len(seqs) < total {
			f := a.next()
			if f.Type != "message" {
				continue
			}
			seqs = append(seqs, f.num("seq"))
			if f.num("seq")%100 == 0 { // confirmed in batches, as the SDKs do
				a.send(map[string]any{"type": "delivered", "room_id": room, "seq": f.num("seq")})
			}
		}
		got <- seqs
	}()
	for i := range total {
		m, _, err := e.st.SendMessage(ctx, e.tenant, "bob", room, store.NewMessage{Content: fmt.Sprintf("m%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		e.hub.Publish(ctx, event.ForMessage(event.MessageCreated, e.tenant, m))
	}
	var seqs []int64
	select {
	case seqs = <-got:
	case <-time.After(30 * time.Second):
		t.Fatal("alice did not get the messages")
	}
	if len(seqs) != total || seqs[0] != 1 || seqs[total-1] != total {
		t.Fatalf("alice got %d messages, %v…, want 1..%d", len(seqs), seqs[:min(5, len(seqs))], total)
	}
	// carol drains what she was sent and confirms nothing.
	for n := 0; n < total; {
		if c.next().Type == "message" {
			n++
		}
	}
	for _, f := range a.until() { // every delivered is handled
		if f.Type != "receipts" {
			t.Fatalf("alice got %s after her messages", f.Raw)
		}
	}

	redelivered := map[string]int{}
	for range 30 {
		clock.Advance(10 * time.Second)
		for name, cl := range map[string]*client{"alice": a, "carol": c} {
			for _, f := range cl.until() {
				switch f.Type {
				case "message":
					redelivered[name]++
				case "receipts", "delivery.received":
				default:
					t.Fatalf("%s got %s", name, f.Raw)
				}
			}
		}
	}
	if redelivered["alice"] != 0 {
		t.Errorf("alice was sent %d messages again, want none", redelivered["alice"])
	}
	if redelivered["carol"] == 0 {
		t.Errorf("carol, who confirmed nothing, was sent nothing again: the clock did not drive redelivery")
	}

	dl, err := e.st.ListDeadLetters(ctx, e.tenant, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range dl.Messages {
		if f.UserID == "alice" {
			t.Fatalf("alice has a dead letter: %+v", f)
		}
	}
	rooms, err := e.st.ListRooms(ctx, e.tenant, "alice", store.RoomFilter{})
	if err != nil || len(rooms) != 1 || rooms[0].UnreadCount != total {
		t.Fatalf("alice's rooms %+v, %v; want one with %d unread", rooms, err, total)
	}
	members, err := e.st.ListMembers(ctx, e.tenant, "alice", room)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		if m.UserID == "alice" && (m.LastAck != 0 || m.LastDelivered != total) {
			t.Errorf("alice's cursors: last_ack %d, last_delivered %d; want 0, %d", m.LastAck, m.LastDelivered, total)
		}
	}
}

// TestReceiptsCoalesced: acks and delivered confirmations of a second cost
// each member one receipts frame per room, the senders one delivery
// receipt per receiver; the acker's own devices learn each read cursor at
// once; and rooms over ReceiptsMaxMembers get no per-user receipts.
func TestReceiptsCoalesced(t *testing.T) {
	clock := newFakeClock()
	// No redelivery within the test: alice, carol and dave confirm nothing.
	e := newEnv(t, realtime.Config{Clock: clock, ReceiptsMaxMembers: 3, AckTimeout: time.Hour})
	small := e.room(store.RoomGroup, "carol", "alice", "bob")
	large := e.room(store.RoomGroup, "carol", "alice", "bob", "dave")
	a1, _, _ := e.connect("alice")
	a2, _, _ := e.connect("alice")
	b1, _, _ := e.connect("bob")
	b2, _, _ := e.connect("bob") // bob's other device
	c, _, _ := e.connect("carol")
	d, _, _ := e.connect("dave")
	everyone := []*client{a1, a2, b1, b2, c, d}
	settle(t, everyone...)

	const n = 5
	for _, room := range []string{small, large} {
		for range n {
			c.send(map[string]any{"type": "send_message", "room_id": room, "content": "hi"})
		}
	}
	for _, cl := range everyone {
		want := 2 * n
		if cl == d {
			want = n
		}
		got := 0
		for got < want {
			if f := cl.next(); f.Type == "message" {
				got++
			} else if f.Type != "message.sent" {
				t.Fatalf("got %s while reading the messages", f.Raw)
			}
		}
	}

	// bob confirms and reads each message as it comes, in both rooms.
	for _, room := range []string{small, large} {
		for seq := 1; seq <= n; seq++ {
			b1.send(map[string]any{"type": "delivered", "room_id": room, "seq": seq})
			b1.send(map[string]any{"type": "ack", "room_id": room, "seq": seq})
		}
	}
	// His own devices learn every read cursor at once; nobody else yet.
	for _, cl := range []*client{b1, b2} {
		var acks []int64
		for _, f := range cl.until() {
			if f.Type != "ack.received" {
				t.Fatalf("bob got %s before the flush", f.Raw)
			}
			acks = append(acks, f.num("seq"))
		}
		if len(acks) != 2*n {
			t.Errorf("bob's device got ack.received %v, want 1..%d twice", acks, n)
		}
	}
	for _, cl := range []*client{a1, a2, c, d} {
		if got := cl.until(); len(got) != 0 {
			t.Fatalf("got %v before the flush, want nothing", types(got))
		}
	}

	clock.Advance(time.Second)
	type wantFrames struct {
		receipts, deliveries int
	}
	tests := []struct {
		name string
		c    *client
		want wantFrames
	}{
		{"alice", a1, wantFrames{receipts: 1}},
		{"alice's other device", a2, wantFrames{receipts: 1}},
		{"bob", b1, wantFrames{receipts: 1}},
		{"bob's other device", b2, wantFrames{receipts: 1}},
		{"carol, the sender", c, wantFrames{receipts: 1, deliveries: 1}},
		{"dave, only in the large room", d, wantFrames{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got wantFrames
			for _, f := range tt.c.until() {
				if f.str("room_id") != small {
					t.Errorf("got %s of the large room", f.Raw)
					continue
				}
				switch f.Type {
				case "receipts":
					got.receipts++
					want := fmt.Sprintf(`[{"last_ack":%d,"last_delivered":%d,"user_id":"bob"}]`, n, n)
					if r, _ := jsonMarshal(f.F["receipts"]); string(r) != want {
						t.Errorf("receipts %s, want %s", r, want)
					}
				case "delivery.received":
					got.deliveries++
					if f.str("user_id") != "bob" || f.num("seq") != n {
						t.Errorf("got %s, want bob's delivery up to %d", f.Raw, n)
					}
				default:
					t.Errorf("got %s", f.Raw)
				}
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}

	// Nothing moved since: nothing more, however long.
	clock.Advance(time.Minute)
	for _, cl := range everyone {
		if got := cl.until(); len(got) != 0 {
			t.Errorf("got %v after a quiet minute, want nothing", types(got))
		}
	}
	ids := func(ms []store.Member) []string {
		var out []string
		for _, m := range ms {
			if m.LastDelivered == n {
				out = append(out, m.UserID)
			}
		}
		slices.Sort(out)
		return out
	}
	for _, room := range []string{small, large} {
		ms, err := e.st.ListMembers(context.Background(), e.tenant, "carol", room)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(ms); !slices.Equal(got, []string{"bob", "carol"}) {
			t.Errorf("members with last_delivered %d: %v, want bob and carol (her own sends)", n, got)
		}
	}
}

// busRecorder is a Config.Cluster that keeps what the hub broadcast.
type busRecorder struct {
	mu     sync.Mutex
	events []event.Event
}

func (b *busRecorder) Broadcast(_ context.Context, e event.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.events = append(b.events, e)
}

func (b *busRecorder) take() []event.Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.events
	b.events = nil
	return out
}

// TestReceiptsCrossInstancesCoalesced: in a cluster, the acks and
// delivered confirmations of a second leave an instance as one receipts
// event per room and flush, not one per event; another instance's receipts
// event reaches this one's connections (the acker's own devices get
// ack.received, the members the next receipts frame) and is not sent on.
func TestReceiptsCrossInstancesCoalesced(t *testing.T) {
	clock := newFakeClock()
	bus := &busRecorder{}
	e := newEnv(t, realtime.Config{Clock: clock, Cluster: bus, AckTimeout: time.Hour})
	room := e.room(store.RoomGroup, "carol", "alice", "bob")
	a, _, _ := e.connect("alice")
	b, _, _ := e.connect("bob")
	settle(t, a, b)
	ctx := context.Background()
	for range 3 {
		m, _, err := e.st.SendMessage(ctx, e.tenant, "carol", room, store.NewMessage{Content: "hi"})
		if err != nil {
			t.Fatal(err)
		}
		e.hub.Publish(ctx, event.ForMessage(event.MessageCreated, e.tenant, m))
	}
	for _, cl := range []*client{a, b} {
		for range 3 {
			if f := cl.next(); f.Type != "message" {
				t.Fatalf("got %s, want a message", f.Raw)
			}
		}
	}
	bus.take()

	for seq := 1; seq <= 3; seq++ {
		b.send(map[string]any{"type": "delivered", "room_id": room, "seq": seq})
		b.send(map[string]any{"type": "ack", "room_id": room, "seq": seq})
	}
	b.until()
	if got := bus.take(); len(got) != 0 {
		t.Fatalf("broadcast %d events before the flush, want none: %+v", len(got), got)
	}
	clock.Advance(time.Second)
	got := bus.take()
	want := []event.Receipt{{UserID: "bob", LastAck: 3, DeliveredFrom: 0, DeliveredTo: 3}}
	if len(got) != 1 || got[0].Type != event.Receipts || got[0].RoomID != room || !slices.Equal(got[0].Receipts, want) {
		t.Fatalf("broadcast %+v, want one receipts event of the room with %+v", got, want)
	}
	a.until()
	b.until()

	// Another instance's: alice read up to 2 there.
	e.hub.Deliver(ctx, event.Event{Type: event.Receipts, TenantID: e.tenant, RoomID: room,
		Receipts: []event.Receipt{{UserID: "alice", LastAck: 2, DeliveredTo: 3}}})
	if f := a.until(); len(f) != 1 || f[0].Type != "ack.received" || f[0].num("seq") != 2 {
		t.Fatalf("alice got %v, want ack.received 2 at once", types(f))
	}
	clock.Advance(time.Second)
	for _, cl := range []*client{a, b} {
		f := cl.until()
		if len(f) != 1 || f[0].Type != "receipts" {
			t.Fatalf("got %v, want one receipts", types(f))
		}
		if r, _ := jsonMarshal(f[0].F["receipts"]); string(r) != `[{"last_ack":2,"last_delivered":3,"user_id":"alice"}]` {
			t.Errorf("receipts %s", r)
		}
	}
	if got := bus.take(); len(got) != 0 {
		t.Fatalf("sent another instance's receipts on: %+v", got)
	}
}
