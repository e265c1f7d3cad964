package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/chatapi/chatapi/store"
	"github.com/chatapi/chatapi/store/pgtest"
	"github.com/chatapi/chatapi/webhook"
)

// testPostgres is the test binary's PostgreSQL server.
var testPostgres struct {
	url string
	err error
}

func TestMain(m *testing.M) {
	url, stop, err := pgtest.Start()
	testPostgres.url, testPostgres.err = url, err
	code := m.Run()
	if stop != nil {
		stop()
	}
	os.Exit(code)
}

// backend opens a fresh database of one kind; open opens it again (as
// another instance would).
type backend struct {
	name string
	new  func(t *testing.T) (url string)
}

var backends = []backend{
	{"SQLite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "chat.db") }},
	{"Postgres", func(t *testing.T) string {
		if testPostgres.err != nil {
			pgtest.Unavailable(t, testPostgres.err)
		}
		url, drop, err := pgtest.NewSchema(t.Context(), testPostgres.url, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(drop)
		return url
	}},
}

func openStore(t *testing.T, url string) *store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// fixture is a tenant with a room of two members.
type fixture struct {
	st     *store.Store
	tenant string
	rooms  []string
}

func newFixture(t *testing.T, st *store.Store, rooms int) fixture {
	t.Helper()
	ctx := t.Context()
	tn, err := st.CreateTenant(ctx, "acme", 100, "hash-"+fmt.Sprint(time.Now().UnixNano()))
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{st: st, tenant: tn.ID}
	for range rooms {
		r, err := st.CreateRoom(ctx, tn.ID, "alice", store.NewRoom{Type: store.RoomGroup, Members: []string{"alice", "bob"}})
		if err != nil {
			t.Fatal(err)
		}
		f.rooms = append(f.rooms, r.ID)
	}
	return f
}

func (f fixture) send(t *testing.T, room int, content string) {
	t.Helper()
	if _, _, err := f.st.SendMessage(context.Background(), f.tenant, "alice", f.rooms[room], store.NewMessage{Content: content}); err != nil {
		t.Error(err)
	}
}

// startService runs a webhook.Service on st until the test ends.
func startService(t *testing.T, st webhook.Store, cfg webhook.Config) *webhook.Service {
	t.Helper()
	if cfg.SealKey == nil {
		cfg.SealKey = []byte("test seal key")
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 20 * time.Millisecond
	}
	svc, err := webhook.New(st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = svc.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return svc
}

// received is one delivery a receiver accepted.
type received struct {
	id       string
	typ      string
	roomID   string
	eventSeq int64
	at       time.Time
	body     []byte
}

// receiver is a real HTTP endpoint on loopback that verifies every request
// with the Standard Webhooks library, answers per its behaviour, and records
// what it accepted. It notes any two requests of one webhook-id in flight at
// once.
type receiver struct {
	srv *httptest.Server

	mu       sync.Mutex
	secrets  []string
	behave   func(n int) (status int, delay time.Duration)
	requests int
	got      []received
	inFlight map[string]bool
	overlaps []string
	badSigs  int
	changed  chan struct{}
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{inFlight: make(map[string]bool), changed: make(chan struct{}, 1),
		behave: func(int) (int, time.Duration) { return http.StatusNoContent, 0 }}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) setSecret(secret string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secrets = []string{secret}
}

func (r *receiver) setBehaviour(f func(n int) (int, time.Duration)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.behave = f
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	id := req.Header.Get(webhook.HeaderID)
	r.mu.Lock()
	r.requests++
	n := r.requests
	status, delay := r.behave(n)
	if r.inFlight[id] {
		r.overlaps = append(r.overlaps, id)
	}
	r.inFlight[id] = true
	verified := false
	for _, s := range r.secrets {
		v, err := standardwebhooks.NewWebhook(s)
		if err == nil && v.Verify(body, req.Header) == nil {
			verified = true
		}
	}
	r.mu.Unlock()
	if status < 0 {
		// Down: the connection is dropped without an answer.
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				_ = c.Close()
			}
		}
		r.done(id)
		return
	}
	time.Sleep(delay)
	if !verified {
		r.mu.Lock()
		r.badSigs++
		r.mu.Unlock()
		status = http.StatusUnauthorized
	}
	if status >= 200 && status < 300 {
		var env struct {
			Type string `json:"type"`
			Data struct {
				RoomID   string `json:"room_id"`
				EventSeq int64  `json:"event_seq"`
			} `json:"data"`
		}
		_ = json.Unmarshal(body, &env)
		r.mu.Lock()
		r.got = append(r.got, received{id: id, typ: env.Type, roomID: env.Data.RoomID, eventSeq: env.Data.EventSeq, at: time.Now(), body: body})
		r.mu.Unlock()
	}
	r.done(id)
	w.WriteHeader(status)
}

func (r *receiver) done(id string) {
	r.mu.Lock()
	delete(r.inFlight, id)
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

// wait waits until cond holds of what was accepted.
func (r *receiver) wait(t *testing.T, timeout time.Duration, what string, cond func(got []received) bool) []received {
	t.Helper()
	deadline := time.After(timeout)
	for {
		r.mu.Lock()
		got := append([]received(nil), r.got...)
		r.mu.Unlock()
		if cond(got) {
			return got
		}
		select {
		case <-r.changed:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("%s: not within %v; got %d deliveries", what, timeout, len(got))
		}
	}
}

// lastSeqs is each room's last event_seq now.
func (f fixture) lastSeqs(t *testing.T) map[string]int64 {
	t.Helper()
	out := make(map[string]int64)
	for _, id := range f.rooms {
		r, err := f.st.GetRoom(t.Context(), f.tenant, "alice", id)
		if err != nil {
			t.Fatal(err)
		}
		out[id] = r.LastEventSeq
	}
	return out
}

// checkOrder fails unless, per room, the accepted event_seqs are exactly
// from[room]+1 … to[room], in order.
func checkOrder(t *testing.T, got []received, from, to map[string]int64) {
	t.Helper()
	last := maps.Clone(from)
	for _, g := range got {
		if g.roomID == "" {
			continue
		}
		if g.eventSeq != last[g.roomID]+1 {
			t.Errorf("room %s: event_seq %d after %d", g.roomID, g.eventSeq, last[g.roomID])
		}
		last[g.roomID] = g.eventSeq
	}
	for room, n := range to {
		if last[room] != n {
			t.Errorf("room %s: last event_seq %d, want %d", room, last[room], n)
		}
	}
}

// roomEvents counts the room events among got.
func roomEvents(got []received) int {
	n := 0
	for _, g := range got {
		if g.roomID != "" {
			n++
		}
	}
	return n
}
