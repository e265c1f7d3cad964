package pgbus_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/pgbus"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/realtime/bustest"
	"github.com/chatapi/chatapi/store"
	"github.com/chatapi/chatapi/store/pgtest"
)

var pg struct {
	url string
	err error
}

func TestMain(m *testing.M) {
	url, stop, err := pgtest.Start()
	pg.url, pg.err = url, err
	code := m.Run()
	if stop != nil {
		stop()
	}
	os.Exit(code)
}

// recorder is the local hub of one instance.
type recorder struct {
	mu      sync.Mutex
	events  []event.Event
	resyncs int
	changed chan struct{}
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{}, 1)} }

func (r *recorder) Deliver(_ context.Context, e event.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
	r.poke()
}

func (r *recorder) Resync(context.Context) {
	r.mu.Lock()
	r.resyncs++
	r.mu.Unlock()
	r.poke()
}

func (r *recorder) poke() {
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

// wait waits until cond holds of what r recorded.
func (r *recorder) wait(t *testing.T, what string, cond func(evs []event.Event, resyncs int) bool) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		r.mu.Lock()
		ok := cond(r.events, r.resyncs)
		r.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-r.changed:
		case <-timeout:
			t.Fatalf("waiting for %s", what)
		}
	}
}

// instance is one bus running over its own store on the shared schema.
func instance(t *testing.T, url, id string) (*pgbus.Bus, *recorder, *store.Store) {
	t.Helper()
	rec := newRecorder()
	b, st := start(t, url, id, rec)
	return b, rec, st
}

// start runs a bus of instance id over its own store on url, delivering to
// local, until t ends; it returns once the bus listens.
func start(t *testing.T, url, id string, local pgbus.Local) (*pgbus.Bus, *store.Store) {
	t.Helper()
	st, err := store.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	dsn, err := store.PostgresURL(url)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pgbus.New(t.Context(), pgbus.Config{DSN: dsn, InstanceID: id, MaxReconnect: 200 * time.Millisecond}, st)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx, local) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	select {
	case <-b.Listening():
	case err := <-done:
		t.Fatalf("Run: %v", err)
	}
	return b, st
}

// freshSchema is the URL of a new schema of the test server, dropped when
// t ends; without a server the test skips (fails under CI).
func freshSchema(t *testing.T) string {
	t.Helper()
	if pg.err != nil {
		pgtest.Unavailable(t, pg.err)
	}
	url, drop, err := pgtest.NewSchema(t.Context(), pg.url, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	return url
}

func TestBus(t *testing.T) {
	url := freshSchema(t)
	a, _, _ := instance(t, url, "a")
	_, recB, _ := instance(t, url, "b")
	// Another deployment in another schema of the same server hears nothing.
	_, recOther, _ := instance(t, freshSchema(t), "a")

	big := strings.Repeat("é", 4000) // 8000 bytes of content alone
	for _, tc := range []struct {
		name    string
		content string
	}{
		{"inline", "hello"},
		{"by reference", big},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := store.Message{ID: "msg_" + tc.name, RoomID: "room_1", SenderID: "u", Seq: 7, Content: tc.content, CreatedAt: time.Now().UTC()}
			a.Broadcast(t.Context(), event.ForMessage(event.MessageCreated, "ten_1", m))
			recB.wait(t, "the message", func(evs []event.Event, _ int) bool {
				for _, e := range evs {
					if e.Message != nil && e.Message.ID == m.ID {
						if e.Message.Content != tc.content || e.Message.Meta != nil || e.TenantID != "ten_1" {
							t.Fatalf("got %+v", e.Message)
						}
						return true
					}
				}
				return false
			})
		})
	}
	recOther.mu.Lock()
	if len(recOther.events) != 0 {
		t.Errorf("another schema's bus got %d events", len(recOther.events))
	}
	recOther.mu.Unlock()
}

// The counters tell how much crossed: notifications sent and their payload
// bytes on the sender (an event too large to notify costs a reference's
// bytes), notifications of the others on the receiver, none of its own.
func TestBusCounts(t *testing.T) {
	url := freshSchema(t)
	a, _, _ := instance(t, url, "a")
	b, recB, _ := instance(t, url, "b")
	for i, content := range []string{"hello", strings.Repeat("x", 9000)} {
		m := store.Message{ID: fmt.Sprintf("msg_%d", i), RoomID: "room_1", SenderID: "u", Seq: int64(i + 1), Content: content, CreatedAt: time.Now().UTC()}
		a.Broadcast(t.Context(), event.ForMessage(event.MessageCreated, "ten_1", m))
	}
	recB.wait(t, "both messages", func(evs []event.Event, _ int) bool { return len(evs) == 2 })
	// The sender counts a notification once its NOTIFY returns, which can
	// be after the listener has it.
	sa, sb := a.Stats(), b.Stats()
	for deadline := time.Now().Add(5 * time.Second); sa.Sent < 2 && time.Now().Before(deadline); sa = a.Stats() {
		time.Sleep(5 * time.Millisecond)
	}
	if sa.Sent != 2 || sa.Received != 0 || sb.Sent != 0 || sb.Received != 2 {
		t.Fatalf("a %+v, b %+v: want a to have sent 2 and b to have received them", sa, sb)
	}
	// The inline one carries its event (over 100 bytes), the other a
	// reference (under 100): far less than the 9,000 bytes of content.
	if sa.SentBytes < 150 || sa.SentBytes > 1000 {
		t.Errorf("SentBytes = %d, want the inline event and a reference", sa.SentBytes)
	}
}

// When the listening connection is cut, the bus reconnects and asks the
// hub to resync, then hears events again.
func TestBusResyncsAfterReconnect(t *testing.T) {
	url := freshSchema(t)
	a, _, _ := instance(t, url, "a")
	_, recB, _ := instance(t, url, "b")

	db, err := sql.Open("postgres", pg.url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var cut int
	if err := db.QueryRowContext(t.Context(), `
		SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()`).Scan(&cut); err != nil || cut == 0 {
		t.Fatalf("terminate listeners: %d, %v", cut, err)
	}
	recB.wait(t, "a resync", func(_ []event.Event, resyncs int) bool { return resyncs > 0 })
	a.Broadcast(t.Context(), event.ForTyping("ten_1", "room_1", "u", "start"))
	recB.wait(t, "the event after the reconnect", func(evs []event.Event, _ int) bool {
		return len(evs) > 0 && fmt.Sprint(evs[len(evs)-1].Type) == "typing"
	})
}

// Every field of an event crosses the bus under its wire name and comes back
// as it was sent.
func TestBusWireRoundTrip(t *testing.T) {
	url := freshSchema(t)
	a, _, _ := instance(t, url, "a")
	_, recB, _ := instance(t, url, "b")
	at := time.Date(2026, 12, 6, 1, 2, 3, 4000000, time.UTC)
	name, key, cmid := "room", "key", "c1"
	sent := []event.Event{
		event.ForMessage(event.MessageUpdated, "ten_1", store.Message{
			ID: "msg_1", RoomID: "room_1", SenderID: "u", Seq: 7, Content: "hi", Meta: []byte(`{"a":1}`),
			ClientMsgID: &cmid, CreatedAt: at, EditedAt: &at, EventSeq: 12,
		}),
		{Type: event.RoomUpdated, TenantID: "ten_1", RoomID: "room_1", EventSeq: 13, Room: &store.Room{
			ID: "room_1", TenantID: "ten_1", Type: store.RoomGroup, Name: &name, UniqueKey: &key,
			Metadata: []byte(`{}`), LastSeq: 7, MemberCount: 3, CreatedAt: at, UpdatedAt: at, LastEventSeq: 13,
		}},
		{Type: event.MemberJoined, TenantID: "ten_1", RoomID: "room_1", UserID: "v", EventSeq: 14, Member: &store.Member{
			RoomID: "room_1", UserID: "v", Role: store.RoleAdmin, JoinedAt: at, LastAck: 7, LastDelivered: 9, JoinedEventSeq: 14,
		}},
		{Type: event.Notification, TenantID: "ten_1", Recipients: []string{"u", "v"}, Notification: &store.Notification{
			ID: "ntf_1", Topic: "t", Payload: []byte(`{"x":true}`), SenderID: "u", CreatedAt: at, ExpiresAt: at,
		}},
		event.ForPresence("ten_1", "u", "offline", at),
		event.ForDelivery("ten_1", "room_1", "v", 3, 7),
		{Type: event.Receipts, TenantID: "ten_1", RoomID: "room_1", Receipts: []event.Receipt{
			{UserID: "u", LastAck: 5}, {UserID: "v", DeliveredFrom: 3, DeliveredTo: 7}, {UserID: "w", LastAck: 6, DeliveredFrom: 1, DeliveredTo: 8},
		}},
		{Type: "a.future.type", TenantID: "ten_1", RoomID: "room_1", UserID: "v", Seq: 8},
	}
	for _, e := range sent {
		a.Broadcast(t.Context(), e)
	}
	recB.wait(t, "every event", func(evs []event.Event, _ int) bool { return len(evs) == len(sent) })
	recB.mu.Lock()
	defer recB.mu.Unlock()
	for i, want := range sent {
		if got := recB.events[i]; !reflect.DeepEqual(got, want) {
			t.Errorf("event %d:\n got %+v\nwant %+v", i, got, want)
		}
	}
}

// A notification of another wire version (another server version on the
// same database) is refused, logged and counted, never delivered half-read;
// the bus goes on with the next.
func TestBusRefusesAnotherWireVersion(t *testing.T) {
	url := freshSchema(t)
	a, _, st := instance(t, url, "a")
	b, recB, _ := instance(t, url, "b")
	ch, err := st.EventChannel(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	future := fmt.Sprintf(`{"v":%d,"o":"c","e":{"type":"typing","tenant_id":"ten_1","room_id":"room_1","user_id":"u","action":"start"}}`, pgbus.WireVersion+1)
	if err := st.Notify(t.Context(), ch, future); err != nil {
		t.Fatal(err)
	}
	a.Broadcast(t.Context(), event.ForTyping("ten_1", "room_1", "u", "stop"))
	recB.wait(t, "the event after the refused one", func(evs []event.Event, _ int) bool { return len(evs) > 0 })
	recB.mu.Lock()
	defer recB.mu.Unlock()
	if len(recB.events) != 1 || recB.events[0].Action != "stop" {
		t.Fatalf("delivered %+v, want only the current version's typing stop", recB.events)
	}
	if got := b.Stats().RefusedVersion; got != 1 {
		t.Fatalf("RefusedVersion = %d, want 1", got)
	}
}

// The suite every bus passes, the in-process one too.
func TestBusSuite(t *testing.T) {
	bustest.Run(t, func(t *testing.T) bustest.Join {
		url := freshSchema(t)
		return func(t *testing.T, id string, local bustest.Local) realtime.Broadcaster {
			b, _ := start(t, url, id, local)
			return b
		}
	})
}

// What is broadcast before the bus runs waits in its queue and is sent, in
// order, once it does; what many publishers broadcast at once shares
// transactions and all of it arrives.
func TestBusQueuesUntilRun(t *testing.T) {
	url := freshSchema(t)
	_, recB, _ := instance(t, url, "b")
	st, err := store.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	dsn, err := store.PostgresURL(url)
	if err != nil {
		t.Fatal(err)
	}
	a, err := pgbus.New(t.Context(), pgbus.Config{DSN: dsn, InstanceID: "a"}, st)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		a.Broadcast(t.Context(), event.ForTyping("ten_1", "room_1", fmt.Sprintf("early%d", i), "start"))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, newRecorder()) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	const publishers, each = 8, 100
	var wg sync.WaitGroup
	for p := range publishers {
		wg.Go(func() {
			for i := range each {
				a.Broadcast(t.Context(), event.ForTyping("ten_1", "room_1", fmt.Sprintf("p%d-%d", p, i), "start"))
			}
		})
	}
	wg.Wait()
	recB.wait(t, "every event", func(evs []event.Event, _ int) bool { return len(evs) == 3+publishers*each })
	recB.mu.Lock()
	defer recB.mu.Unlock()
	for i := range 3 {
		if got, want := recB.events[i].UserID, fmt.Sprintf("early%d", i); got != want {
			t.Errorf("event %d from %s, want %s (broadcast before Run, in order)", i, got, want)
		}
	}
}

// Notifications are read by their fields, not their layout: another
// instance's, written by hand in any order of fields, is delivered; one
// with neither an event nor a reference is counted as undecodable.
func TestBusReadsNotificationsByField(t *testing.T) {
	url := freshSchema(t)
	_, _, st := instance(t, url, "a")
	b, recB, _ := instance(t, url, "b")
	ch, err := st.EventChannel(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	typing := `{"type":"typing","tenant_id":"ten_1","room_id":"room_1","user_id":"u","action":"%s"}`
	for _, p := range []string{
		fmt.Sprintf(`{"v":%d,"o":"c","e":`+typing+`}`, pgbus.WireVersion, "start"),
		fmt.Sprintf(`{"o":"c","v":%d}`, pgbus.WireVersion),
		fmt.Sprintf(`{"e":`+typing+`,"o":"c","v":%d}`, "stop", pgbus.WireVersion),
	} {
		if err := st.Notify(t.Context(), ch, p); err != nil {
			t.Fatal(err)
		}
	}
	recB.wait(t, "both events", func(evs []event.Event, _ int) bool { return len(evs) == 2 })
	recB.mu.Lock()
	defer recB.mu.Unlock()
	if recB.events[0].Action != "start" || recB.events[1].Action != "stop" {
		t.Errorf("delivered %+v, want typing start then stop", recB.events)
	}
	if got := b.Stats().Undecodable; got != 1 {
		t.Errorf("Undecodable = %d, want 1 (the notification without an event)", got)
	}
}
