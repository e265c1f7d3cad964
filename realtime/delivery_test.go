package realtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

func TestFanOut(t *testing.T) {
	// Receipts are flushed on a timer; none falls into these subtests.
	e := newEnv(t, realtime.Config{ReceiptsInterval: time.Hour})
	ctx := context.Background()
	room := e.room(store.RoomGroup, "alice", "bob")
	a1, _, _ := e.connect("alice")
	a2, _, _ := e.connect("alice") // a second device
	b, _, _ := e.connect("bob")
	stranger, _, _ := e.connect("mallory")
	settle(t, a1, a2, b, stranger)

	// A message sent over WebSocket reaches every connection of every member.
	b.send(map[string]any{"type": "send_message", "request_id": "s1", "room_id": room, "content": "hello"})
	if got := b.until(); strings.Join(types(got), ",") != "message.sent,message" {
		t.Fatalf("sender got %v, want message.sent, message", types(got))
	}
	var msgID string
	for _, c := range []*client{a1, a2} {
		f := c.next()
		if f.Type != "message" || f.str("content") != "hello" || f.num("seq") != 1 || f.str("sender_id") != "bob" {
			t.Fatalf("member got %s, want the message", f.Raw)
		}
		msgID = f.str("message_id")
	}

	// Changes made through the store and published, as the REST handlers do.
	name := "renamed"
	tests := []struct {
		name       string
		publish    func(t *testing.T) event.Event
		want       string
		recipients []*client
	}{
		{"room.updated", func(t *testing.T) event.Event {
			r, err := e.st.UpdateRoom(ctx, e.tenant, "alice", room, store.RoomUpdate{SetName: true, Name: &name})
			if err != nil {
				t.Fatal(err)
			}
			return event.Event{Type: event.RoomUpdated, TenantID: e.tenant, RoomID: r.ID, Room: &r}
		}, "room.updated", []*client{a1, a2, b}},
		{"message.updated", func(t *testing.T) event.Event {
			content := "hello again"
			m, err := e.st.EditMessage(ctx, e.tenant, "bob", room, msgID, store.MessageUpdate{Content: &content})
			if err != nil {
				t.Fatal(err)
			}
			return event.Event{Type: event.MessageUpdated, TenantID: e.tenant, RoomID: room, Seq: m.Seq, Message: &m}
		}, "message.updated", []*client{a1, a2, b}},
		{"ack.received", func(t *testing.T) event.Event {
			last, err := e.st.Ack(ctx, e.tenant, "alice", room, 1)
			if err != nil {
				t.Fatal(err)
			}
			return event.Event{Type: event.AckReceived, TenantID: e.tenant, RoomID: room, UserID: "alice", Seq: last}
		}, "ack.received", []*client{a1, a2}}, // own devices; members get receipts

		{"member.joined", func(t *testing.T) event.Event {
			m, err := e.st.AddMember(ctx, e.tenant, "alice", room, "carol", store.RoleMember)
			if err != nil {
				t.Fatal(err)
			}
			return event.Event{Type: event.MemberJoined, TenantID: e.tenant, RoomID: room, UserID: m.UserID, Member: &m}
		}, "member.joined", []*client{a1, a2, b}},
		{"member.left tells the one who left", func(t *testing.T) event.Event {
			if _, err := e.st.RemoveMember(ctx, e.tenant, "alice", room, "bob"); err != nil {
				t.Fatal(err)
			}
			return event.Event{Type: event.MemberLeft, TenantID: e.tenant, RoomID: room, UserID: "bob"}
		}, "member.left", []*client{a1, a2, b}},
		{"message.deleted no longer reaches who left", func(t *testing.T) event.Event {
			m, err := e.st.DeleteMessage(ctx, e.tenant, "alice", room, msgID)
			if err != nil {
				t.Fatal(err)
			}
			return event.Event{Type: event.MessageDeleted, TenantID: e.tenant, RoomID: room, Seq: m.Seq, Message: &m}
		}, "message.deleted", []*client{a1, a2}},
		{"notification goes to its recipients only", func(t *testing.T) event.Event {
			n, recipients, err := e.st.CreateNotification(ctx, e.tenant, "bob", store.NewNotification{
				Topic: "orders.shipped", Payload: json.RawMessage(`{"order":"1"}`), UserIDs: []string{"alice"},
			})
			if err != nil {
				t.Fatal(err)
			}
			return event.Event{Type: event.Notification, TenantID: e.tenant, Notification: &n, Recipients: recipients}
		}, "notification", []*client{a1, a2}},
	}
	everyone := []*client{a1, a2, b, stranger}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.hub.Publish(ctx, tt.publish(t))
			for i, c := range everyone {
				got := c.until()
				wantOne := false
				for _, r := range tt.recipients {
					wantOne = wantOne || r == c
				}
				switch {
				case wantOne && (len(got) != 1 || got[0].Type != tt.want):
					t.Errorf("connection %d got %v, want one %s", i, types(got), tt.want)
				case !wantOne && len(got) != 0:
					t.Errorf("connection %d got %v, want nothing", i, types(got))
				}
			}
		})
	}
}

func TestTypingAndChannelWatch(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	group := e.room(store.RoomGroup, "alice", "bob")
	channel := e.room(store.RoomChannel, "alice")
	a1, _, _ := e.connect("alice")
	a2, _, _ := e.connect("alice")
	b, _, _ := e.connect("bob")
	settle(t, a1, a2, b)

	// Typing goes to the other members only, not to the typist's devices.
	a1.send(map[string]any{"type": "typing.start", "room_id": group})
	a1.until()
	if got := b.next(); got.Type != "typing" || got.str("user_id") != "alice" || got.str("action") != "start" {
		t.Fatalf("bob got %s, want alice typing", got.Raw)
	}
	if got := a2.until(); len(got) != 0 {
		t.Fatalf("typist's other device got %v", types(got))
	}

	// A watcher receives a channel's live events until it unsubscribes.
	b.send(map[string]any{"type": "subscribe", "room_id": channel})
	b.until()
	a1.send(map[string]any{"type": "send_message", "room_id": channel, "content": "news"})
	if got := b.next(); got.Type != "message" || got.str("content") != "news" {
		t.Fatalf("watcher got %s, want the channel message", got.Raw)
	}
	b.send(map[string]any{"type": "unsubscribe", "room_id": channel})
	b.until()
	a1.send(map[string]any{"type": "send_message", "room_id": channel, "content": "more"})
	a1.until()
	if got := b.until(); len(got) != 0 {
		t.Fatalf("after unsubscribe got %v", types(got))
	}
}

func TestSyncAfterOffline(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	ctx := context.Background()
	room := e.room(store.RoomGroup, "alice", "bob")
	ntf, _, err := e.st.CreateNotification(ctx, e.tenant, "bob", store.NewNotification{Topic: "t", Payload: json.RawMessage(`{}`), UserIDs: []string{"alice"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		m, _, err := e.st.SendMessage(ctx, e.tenant, "bob", room, store.NewMessage{Content: fmt.Sprintf("m%d", i+1)})
		if err != nil {
			t.Fatal(err)
		}
		e.hub.Publish(ctx, event.ForMessage(event.MessageCreated, e.tenant, m))
	}

	a, before, done := e.connect("alice")
	var seqs []int64
	var notifications int
	for _, f := range before {
		switch f.Type {
		case "message":
			seqs = append(seqs, f.num("seq"))
		case "notification":
			notifications++
		default:
			t.Errorf("unexpected %s during sync", f.Raw)
		}
	}
	if len(seqs) != 30 || notifications != 1 {
		t.Fatalf("sync sent seqs %v and %d notifications, want 1..30 and 1", seqs, notifications)
	}
	for i, s := range seqs {
		if s != int64(i+1) {
			t.Fatalf("sync order %v, want 1..30", seqs)
		}
	}
	rooms, _ := done.F["rooms"].([]any)
	if len(rooms) != 1 || !strings.Contains(string(done.Raw), `"delivered":30`) || !strings.Contains(string(done.Raw), `"has_more":false`) {
		t.Fatalf("sync.complete %s, want one room with 30 delivered", done.Raw)
	}

	a.send(map[string]any{"type": "ack", "room_id": room, "seq": 30})
	a.send(map[string]any{"type": "notification.ack", "notification_id": ntf.ID})
	if got := a.until(); len(got) != 1 || got[0].Type != "ack.received" || got[0].num("seq") != 30 {
		t.Fatalf("after ack got %v, want ack.received 30", types(got))
	}
	_ = a.ws.Close(websocket.StatusNormalClosure, "")

	_, before, done = e.connect("alice")
	if len(before) != 0 || !strings.Contains(string(done.Raw), `"delivered":0`) {
		t.Fatalf("after ack and reconnect got %v then %s, want only sync.complete with nothing delivered", types(before), done.Raw)
	}
}

func TestSyncCapsEachRoom(t *testing.T) {
	e := newEnv(t, realtime.Config{SyncLimit: 10})
	ctx := context.Background()
	room := e.room(store.RoomGroup, "alice", "bob")
	for i := range 25 {
		if _, _, err := e.st.SendMessage(ctx, e.tenant, "bob", room, store.NewMessage{Content: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	_, before, done := e.connect("alice")
	if len(before) != 10 || before[9].num("seq") != 10 {
		t.Fatalf("got %d messages, want seqs 1..10", len(before))
	}
	if !strings.Contains(string(done.Raw), `"last_seq":25,"delivered":10,"has_more":true`) {
		t.Fatalf("sync.complete %s, want last_seq 25, delivered 10, has_more", done.Raw)
	}
}

func TestSlowConsumerIsClosedWithoutBlockingOthers(t *testing.T) {
	opts := smallReadBuffer()
	if opts == nil {
		t.Skip("needs a small socket receive buffer (unix)")
	}
	e := newEnv(t, realtime.Config{QueueSize: 64})
	room := e.room(store.RoomGroup, "alice", "bob", "carol")
	stuck := e.dial("alice", opts)
	if f := stuck.next(); f.Type != "sync.complete" {
		t.Fatalf("got %s, want sync.complete", f.Raw)
	}
	b, _, _ := e.connect("bob")
	c, _, _ := e.connect("carol")
	settle(t, b, c)

	const n = 1000
	// Big frames (about 24 KB), so that the kernel's socket buffers (a few
	// MB on loopback) fill early and the hub's queue is what overflows.
	content := strings.Repeat("x", 4000)
	meta := json.RawMessage(`{"pad":"` + strings.Repeat("p", 20<<10) + `"}`)
	// The bound only turns a Publish blocked on the stuck client into a
	// failure rather than a hang; under the race detector on a loaded
	// machine the whole exchange has taken 17 s.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// Healthy readers check order and report progress. They check each
	// frame type's first frame against its schema and read only the type
	// and seq of the rest: validating 2,000 frames of 24 KB is most of this
	// test's time, and not what it is about.
	progress := make([]chan int64, 2)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for i, cl := range []*client{b, c} {
		progress[i] = make(chan int64, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := seqReader{ws: cl.ws}
			for want := int64(1); want <= n; want++ {
				typ, seq, err := r.next(ctx)
				if err != nil {
					errs <- fmt.Errorf("reader %d at seq %d: %w", i, want, err)
					return
				}
				if typ == "presence.update" {
					// The stuck user going offline may be announced meanwhile.
					want--
					continue
				}
				if typ != "message" || seq != want {
					errs <- fmt.Errorf("reader %d got %s %d, want seq %d", i, typ, seq, want)
					return
				}
				progress[i] <- want
			}
		}()
	}

	// Publish in steps of 32 (half a queue), waiting for the healthy readers
	// between steps; the whole loop is bounded by ctx, so a Publish that
	// blocked on the stuck client would fail the test, not hang it.
	// The stuck client reads again once its queue has overflowed.
	type stuckFrame struct {
		typ string
		seq int64
	}
	type stuckResult struct {
		frames []stuckFrame
		err    error
	}
	stuckDone := make(chan stuckResult, 1)
	seen := []int64{0, 0}
	stuckReading := false
	for seq := int64(1); seq <= n; seq++ {
		// The stuck client reads again as soon as its queue has overflowed:
		// the hub's close frame then waits on the socket to drain, and the
		// library gives that wait only a few seconds before it drops the
		// connection without one, which a loaded machine could exceed.
		if !stuckReading && e.hub.Stats().SlowConsumersDropped > 0 {
			stuckReading = true
			go func() {
				var r stuckResult
				sr := seqReader{ws: stuck.ws}
				for {
					typ, seq, err := sr.next(ctx)
					if err != nil {
						r.err = err
						stuckDone <- r
						return
					}
					r.frames = append(r.frames, stuckFrame{typ, seq})
				}
			}()
		}
		m := store.Message{ID: fmt.Sprintf("msg_%d", seq), RoomID: room, SenderID: "bob", Seq: seq, Content: content, Meta: meta, CreatedAt: time.Now().UTC()}
		e.hub.Publish(ctx, event.Event{Type: event.MessageCreated, TenantID: e.tenant, RoomID: room, Seq: seq, Message: &m})
		if seq%32 != 0 && seq != n {
			continue
		}
		for i := range seen {
			for seen[i] < seq {
				select {
				case s := <-progress[i]:
					seen[i] = s
				case err := <-errs:
					t.Fatal(err)
				case <-ctx.Done():
					t.Fatalf("published %d, reader %d at %d: %v", seq, i, seen[i], ctx.Err())
				}
			}
		}
	}
	wg.Wait()
	if !stuckReading {
		t.Fatal("the stuck client's queue never overflowed")
	}

	var r stuckResult
	select {
	case r = <-stuckDone:
	case <-ctx.Done():
		t.Fatalf("stuck client not closed: %v", ctx.Err())
	}
	if code := websocket.CloseStatus(r.err); code != websocket.StatusTryAgainLater {
		t.Fatalf("stuck client ended with %v (close %d) after %d frames, want close 1013", r.err, code, len(r.frames))
	}
	var got []stuckFrame
	for _, f := range r.frames {
		if f.typ != "presence.update" { // bob's and carol's, queued first
			got = append(got, f)
		}
	}
	if len(got) >= n {
		t.Fatalf("stuck client got all %d frames before the close", len(got))
	}
	for i, f := range got {
		if f.typ != "message" || f.seq != int64(i+1) {
			t.Fatalf("stuck client frame %d is %s %d, want message %d", i, f.typ, f.seq, i+1)
		}
	}
	t.Logf("stuck client received %d of %d before 1013", len(got), n)
	if got := e.hub.Stats().SlowConsumersDropped; got != 1 {
		t.Errorf("Stats().SlowConsumersDropped = %d, want 1", got)
	}
}

func TestShutdown(t *testing.T) {
	e := newEnv(t, realtime.Config{ReconnectAfter: 3500 * time.Millisecond})
	a, _, _ := e.connect("alice")
	b, _, _ := e.connect("bob")
	if got := e.hub.Connections(); got != 2 {
		t.Fatalf("Connections() = %d, want 2", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- e.hub.Shutdown(ctx) }()
	for _, c := range []*client{a, b} {
		f := c.next()
		if f.Type != "server.shutdown" || f.num("reconnect_after_ms") != 3500 {
			t.Fatalf("got %s, want server.shutdown after 3500 ms", f.Raw)
		}
		c.expectClose(websocket.StatusGoingAway)
	}
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if got := e.hub.Connections(); got != 0 {
		t.Fatalf("Connections() = %d after shutdown, want 0", got)
	}
	dctx, dcancel := context.WithTimeout(context.Background(), ioTimeout)
	defer dcancel()
	ws, resp, err := websocket.Dial(dctx, e.url("alice"), nil)
	if err == nil {
		_ = ws.CloseNow()
		t.Fatal("dial after shutdown succeeded")
	}
	// The handshake says when to come back: ReconnectAfter, in whole
	// seconds rounded up.
	if resp == nil || resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "4" {
		t.Fatalf("dial after shutdown answered %+v, want 503 with Retry-After 4", resp)
	}
}

func TestMessagesInSeqOrder(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	ctx := context.Background()
	room := e.room(store.RoomGroup, "alice", "bob")
	a, _, _ := e.connect("alice")
	send := func() store.Message {
		m, _, err := e.st.SendMessage(ctx, e.tenant, "bob", room, store.NewMessage{Content: "m"})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	publish := func(m store.Message) {
		e.hub.Publish(ctx, event.ForMessage(event.MessageCreated, e.tenant, m))
	}
	expect := func(seqs ...int64) {
		t.Helper()
		for _, want := range seqs {
			if f := a.next(); f.Type != "message" || f.num("seq") != want {
				t.Fatalf("got %s, want message seq %d", f.Raw, want)
			}
		}
	}

	m1 := send()
	publish(m1)
	expect(1)

	// Committed as 2 and 3, announced as 3 then 2.
	m2, m3 := send(), send()
	publish(m3)
	publish(m2)
	expect(2, 3)

	// 4 is never announced: 5's announcement reads it from the log at once.
	m4, m5 := send(), send()
	_ = m4
	publish(m5)
	expect(4, 5)

	// A late announcement of 4, already delivered from the store, is not
	// sent again: the next frame is 6.
	publish(m4)
	publish(send())
	expect(6)
}

// A message announced so late that hundreds of later ones are held meanwhile
// (an overloaded publisher) is read from the store, not skipped: the client
// still gets every seq once, in order, and the late announcement is dropped.
func TestLateAnnouncementUnderBacklogStaysInOrder(t *testing.T) {
	e := newEnv(t, realtime.Config{QueueSize: 2048})
	ctx := context.Background()
	room := e.room(store.RoomGroup, "alice", "bob")
	a, _, _ := e.connect("alice")
	var msgs []store.Message
	const total = 400 // more than the sequencer holds before filling at once
	for range total {
		m, _, err := e.st.SendMessage(ctx, e.tenant, "bob", room, store.NewMessage{Content: "m"})
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	publish := func(m store.Message) {
		e.hub.Publish(ctx, event.ForMessage(event.MessageCreated, e.tenant, m))
	}
	publish(msgs[0])
	for _, m := range msgs[2:] { // seq 2 is late
		publish(m)
	}
	publish(msgs[1])
	publish(msgs[0]) // and a duplicate of an early one
	for want := int64(1); want <= total; want++ {
		if f := a.next(); f.Type != "message" || f.num("seq") != want {
			t.Fatalf("got %s, want message seq %d", f.Raw, want)
		}
	}
	m, _, err := e.st.SendMessage(ctx, e.tenant, "bob", room, store.NewMessage{Content: "after"})
	if err != nil {
		t.Fatal(err)
	}
	publish(m)
	if f := a.next(); f.Type != "message" || f.num("seq") != total+1 {
		t.Fatalf("got %s, want message seq %d: a late or repeated announcement was sent again", f.Raw, total+1)
	}
}

// seqReader reads a connection's frames for their type and seq only, but
// checks the first frame of each type against its schema, as readFrame
// checks every frame.
type seqReader struct {
	ws      *websocket.Conn
	checked map[string]bool
}

func (r *seqReader) next(ctx context.Context) (typ string, seq int64, err error) {
	mt, data, err := r.ws.Read(ctx)
	if err != nil {
		return "", 0, err
	}
	if mt != websocket.MessageText {
		return "", 0, fmt.Errorf("got a %v frame, want text", mt)
	}
	var head struct {
		Type string `json:"type"`
		Seq  int64  `json:"seq"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return "", 0, fmt.Errorf("frame is not JSON: %w", err)
	}
	if !r.checked[head.Type] {
		if _, err := checkFrame(data); err != nil {
			return "", 0, err
		}
		if r.checked == nil {
			r.checked = make(map[string]bool)
		}
		r.checked[head.Type] = true
	}
	return head.Type, head.Seq, nil
}

// A room event goes to the members as of its place in the log, not as of
// when the hub delivers it: here three changes commit before the first is
// announced. Bob, removed right after a message, still gets it, then his
// own member.left, and nothing after; Dave, added after, gets his
// member.joined and nothing before it.
func TestRoomEventsGoToTheMembersAsOfTheirPlace(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	ctx := context.Background()
	room := e.room(store.RoomGroup, "alice", "bob", "carol")
	bob, _, _ := e.connect("bob")
	dave, _, _ := e.connect("dave")

	m, _, err := e.st.SendMessage(ctx, e.tenant, "alice", room, store.NewMessage{Content: "before bob goes"})
	if err != nil {
		t.Fatal(err)
	}
	left, err := e.st.RemoveMember(ctx, e.tenant, "alice", room, "bob")
	if err != nil {
		t.Fatal(err)
	}
	joined, err := e.st.AddMember(ctx, e.tenant, "alice", room, "dave", store.RoleMember)
	if err != nil {
		t.Fatal(err)
	}
	m2, _, err := e.st.SendMessage(ctx, e.tenant, "alice", room, store.NewMessage{Content: "after dave came"})
	if err != nil {
		t.Fatal(err)
	}
	e.hub.Publish(ctx, event.ForMessage(event.MessageCreated, e.tenant, m))
	e.hub.Publish(ctx, event.Event{Type: event.MemberLeft, TenantID: e.tenant, RoomID: room, UserID: "bob", EventSeq: left})
	e.hub.Publish(ctx, event.Event{Type: event.MemberJoined, TenantID: e.tenant, RoomID: room, UserID: "dave", EventSeq: joined.JoinedEventSeq, Member: &joined})
	e.hub.Publish(ctx, event.ForMessage(event.MessageCreated, e.tenant, m2))

	roomEvents := func(c *client, n int) []string {
		t.Helper()
		var got []string
		for len(got) < n {
			f := c.next()
			switch f.Type {
			case "message", "member.joined", "member.left":
				got = append(got, fmt.Sprintf("%s %d", f.Type, f.num("event_seq")))
			}
		}
		return got
	}
	if got, want := roomEvents(bob, 2), []string{fmt.Sprintf("message %d", m.EventSeq), fmt.Sprintf("member.left %d", left)}; !slices.Equal(got, want) {
		t.Errorf("bob got %v, want %v", got, want)
	}
	if got, want := roomEvents(dave, 2), []string{fmt.Sprintf("member.joined %d", joined.JoinedEventSeq), fmt.Sprintf("message %d", m2.EventSeq)}; !slices.Equal(got, want) {
		t.Errorf("dave got %v, want %v", got, want)
	}
	// Nothing after his member.left reaches bob: the next frame he gets is
	// one of his own.
	bob.send(map[string]any{"type": "ping", "request_id": "p1"})
	for f := bob.next(); f.Type != "pong"; f = bob.next() {
		if f.str("room_id") == room {
			t.Errorf("bob, after leaving, got %s", f.Raw)
		}
	}
}

// Reactions and pins reach the room's members as the frames the store
// encoded with the change, and user.updated the users who share a room
// with the user, each frame valid by asyncapi.yaml.
func TestReactionPinAndProfileFrames(t *testing.T) {
	e := newEnv(t, realtime.Config{ReceiptsInterval: time.Hour})
	ctx := context.Background()
	room := e.room(store.RoomGroup, "alice", "bob")
	msg, _, err := e.st.SendMessage(ctx, e.tenant, "bob", room, store.NewMessage{Content: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	msgID := msg.ID
	a, _, _ := e.connect("alice")
	b, _, _ := e.connect("bob")
	stranger, _, _ := e.connect("mallory")
	settle(t, a, b, stranger)
	tests := []struct {
		name       string
		publish    func(t *testing.T) event.Event
		want       string
		recipients []*client
	}{
		{"reaction.added", func(t *testing.T) event.Event {
			ch, err := e.st.AddReaction(ctx, e.tenant, "alice", room, msgID, "👍")
			if err != nil {
				t.Fatal(err)
			}
			return event.ForLogged(e.tenant, ch.Event)
		}, "reaction.added", []*client{a, b}},
		{"reaction.removed", func(t *testing.T) event.Event {
			ch, err := e.st.RemoveReaction(ctx, e.tenant, "alice", room, msgID, "👍")
			if err != nil {
				t.Fatal(err)
			}
			return event.ForLogged(e.tenant, ch.Event)
		}, "reaction.removed", []*client{a, b}},
		{"pin.added", func(t *testing.T) event.Event {
			ch, err := e.st.AddPin(ctx, e.tenant, "alice", room, msgID)
			if err != nil {
				t.Fatal(err)
			}
			return event.ForLogged(e.tenant, ch.Event)
		}, "pin.added", []*client{a, b}},
		{"pin.removed", func(t *testing.T) event.Event {
			ch, err := e.st.RemovePin(ctx, e.tenant, "alice", room, msgID)
			if err != nil {
				t.Fatal(err)
			}
			return event.ForLogged(e.tenant, ch.Event)
		}, "pin.removed", []*client{a, b}},
		{"user.updated to who shares a room, and the user's own", func(t *testing.T) event.Event {
			name := "Bob B."
			p, err := e.st.UpdateProfile(ctx, e.tenant, "bob", "bob", store.ProfileChange{DisplayName: &name})
			if err != nil {
				t.Fatal(err)
			}
			return event.Event{Type: event.UserUpdated, TenantID: e.tenant, UserID: "bob", Profile: &p}
		}, "user.updated", []*client{a, b}},
		{"user.updated of a user who shares no room", func(t *testing.T) event.Event {
			name := "Mallory"
			p, err := e.st.UpdateProfile(ctx, e.tenant, "mallory", "mallory", store.ProfileChange{DisplayName: &name})
			if err != nil {
				t.Fatal(err)
			}
			return event.Event{Type: event.UserUpdated, TenantID: e.tenant, UserID: "mallory", Profile: &p}
		}, "user.updated", []*client{stranger}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.hub.Publish(ctx, tt.publish(t))
			for i, c := range []*client{a, b, stranger} {
				got := c.until()
				wantOne := slices.Contains(tt.recipients, c)
				switch {
				case wantOne && (len(got) != 1 || got[0].Type != tt.want):
					t.Errorf("connection %d got %v, want one %s", i, types(got), tt.want)
				case !wantOne && len(got) != 0:
					t.Errorf("connection %d got %v, want nothing", i, types(got))
				}
			}
		})
	}
}

// TestRecipientsFollowConnections: a room's events reach the connections
// there are at each event, though the hub keeps a room's recipients from
// one event to the next: a device that connects, one that closes and a
// watcher that subscribes, each between two messages of the room.
func TestRecipientsFollowConnections(t *testing.T) {
	e := newEnv(t, realtime.Config{ReceiptsInterval: time.Hour})
	group := e.room(store.RoomGroup, "alice", "bob")
	channel := e.room(store.RoomChannel, "alice")
	a, _, _ := e.connect("alice")
	b1, _, _ := e.connect("bob")
	settle(t, a, b1)
	sent := 0
	send := func(room string) string {
		t.Helper()
		sent++
		content := fmt.Sprintf("m%d", sent)
		a.send(map[string]any{"type": "send_message", "room_id": room, "content": content})
		a.until()
		return content
	}
	messages := func(c *client) []string {
		t.Helper()
		var out []string
		for _, f := range c.until() {
			if f.Type == "message" {
				out = append(out, f.str("content"))
			}
		}
		return out
	}
	expect := func(name string, c *client, want ...string) {
		t.Helper()
		if got := messages(c); !slices.Equal(got, want) {
			t.Errorf("%s got messages %v, want %v", name, got, want)
		}
	}

	m := send(group)
	expect("bob's first device", b1, m)

	b2, _, _ := e.connect("bob") // after the room's recipients were found
	settle(t, b2)
	m = send(group)
	expect("bob's first device", b1, m)
	expect("bob's second device", b2, m)

	if err := b1.ws.Close(websocket.StatusNormalClosure, ""); err != nil {
		t.Fatal(err)
	}
	m = send(group)
	expect("bob's second device, the first closed", b2, m)

	send(channel)
	b2.send(map[string]any{"type": "subscribe", "room_id": channel})
	b2.until()
	m = send(channel)
	expect("a watcher subscribed since", b2, m)
	b2.send(map[string]any{"type": "unsubscribe", "room_id": channel})
	b2.until()
	send(channel)
	expect("a watcher no more", b2)
}
