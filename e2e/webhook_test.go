//go:build unix

package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// webhookEnv runs the binary with loopback targets allowed, a short retry
// window and a quick poll.
var webhookEnv = []string{"WEBHOOK_ALLOW_PRIVATE=true", "WEBHOOK_RETRY_WINDOW=2m", "WEBHOOK_POLL_INTERVAL=50ms"}

// hookReceiver is a tenant's backend on loopback: it verifies every delivery
// with the Standard Webhooks library, answers after delay, and records the
// contents it accepted, per room, in the order accepted. overlaps counts
// requests of one webhook-id in flight at once (one attempt sent twice at
// the same time).
type hookReceiver struct {
	srv   *httptest.Server
	delay time.Duration

	mu       sync.Mutex
	secret   string
	byRoom   map[string][]string
	accepted int
	inFlight map[string]bool
	overlaps int
	badSigs  int
}

func newHookReceiver(t *testing.T, delay time.Duration) *hookReceiver {
	r := &hookReceiver{delay: delay, byRoom: make(map[string][]string), inFlight: make(map[string]bool)}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *hookReceiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	id := req.Header.Get("webhook-id")
	r.mu.Lock()
	if r.inFlight[id] {
		r.overlaps++
	}
	r.inFlight[id] = true
	v, err := standardwebhooks.NewWebhook(r.secret)
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.inFlight, id)
		r.mu.Unlock()
	}()
	if err == nil {
		err = v.Verify(body, req.Header)
	}
	if err != nil {
		r.mu.Lock()
		r.badSigs++
		r.mu.Unlock()
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	time.Sleep(r.delay)
	var env struct {
		Type string `json:"type"`
		Data struct {
			RoomID  string `json:"room_id"`
			Content string `json:"content"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &env) == nil && env.Type == "message" {
		r.mu.Lock()
		r.byRoom[env.Data.RoomID] = append(r.byRoom[env.Data.RoomID], env.Data.Content)
		r.accepted++
		r.mu.Unlock()
	}
	w.WriteHeader(http.StatusNoContent)
}

func (r *hookReceiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.accepted
}

// createWebhook registers the receiver for the tenant's messages.
func (r *hookReceiver) register(t *testing.T, ctx context.Context, tn tenant) {
	t.Helper()
	var out struct {
		Secret string `json:"secret"`
	}
	if status, err := tn.a.do(ctx, http.MethodPost, "/webhooks", tn.headers("ops"),
		map[string]any{"url": r.srv.URL + "/hook", "events": []string{"message"}}, &out); err != nil || status != http.StatusCreated {
		t.Fatalf("create webhook: %d %v", status, err)
	}
	r.mu.Lock()
	r.secret = out.Secret
	r.mu.Unlock()
}

// check fails unless each room got exactly want's contents, in order; an
// attempt repeated after a crash (received, but its answer never recorded)
// may come again right after itself, never out of order.
func (r *hookReceiver) check(t *testing.T, want map[string][]string) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.overlaps != 0 || r.badSigs != 0 {
		t.Errorf("%d attempts overlapped, %d did not verify", r.overlaps, r.badSigs)
	}
	for room, contents := range want {
		var got []string
		for _, c := range r.byRoom[room] {
			if len(got) > 0 && got[len(got)-1] == c {
				continue
			}
			got = append(got, c)
		}
		if fmt.Sprint(got) != fmt.Sprint(contents) {
			t.Errorf("room %s: got %v, want %v", room, got, contents)
		}
	}
}

// kill -9 while deliveries are in flight: after a restart on the same
// database every message reaches the receiver, each room's in order, none
// sent twice at once, every one verifiable.
func TestWebhookKill9MidDelivery(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	db := filepath.Join(t.TempDir(), "x.db")
	p := startServer(t, db, webhookEnv...)
	tn := newAPI(t, p).newTenant(t, ctx, "hooks", 100000)
	rcv := newHookReceiver(t, 150*time.Millisecond)
	rcv.register(t, ctx, tn)
	rooms := make([]string, 3)
	for i := range rooms {
		room, err := tn.createRoom(ctx, "alice", "group", []string{"bob"})
		if err != nil {
			t.Fatal(err)
		}
		rooms[i] = room
	}
	want := make(map[string][]string)
	const perRoom = 10
	for k := range perRoom {
		for _, room := range rooms {
			content := fmt.Sprintf("%s #%d", room, k)
			if status, _, err := tn.send(ctx, "alice", room, content); err != nil || status != http.StatusCreated {
				t.Fatalf("send: %d %v", status, err)
			}
			want[room] = append(want[room], content)
		}
	}
	for rcv.count() < 5 {
		if ctx.Err() != nil {
			t.Fatal("no deliveries before the kill")
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.signal(syscall.SIGKILL)
	if _, err := p.waitExit(5 * time.Second); err != nil {
		t.Fatalf("after SIGKILL: %v", err)
	}
	t.Logf("%d deliveries accepted before SIGKILL", rcv.count())
	startServer(t, db, webhookEnv...)
	// An attempt the kill cut short is sent again when its lease (15 s)
	// runs out.
	for rcv.count() < perRoom*len(rooms) {
		if ctx.Err() != nil {
			t.Fatalf("only %d of %d deliveries after the restart", rcv.count(), perRoom*len(rooms))
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	rcv.check(t, want)
}

// Two instances on one PostgreSQL database, with sends through both: every
// message is delivered once, each room's in order, never one attempt by
// both at once.
func TestWebhookTwoInstancesPostgres(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	_, url := newPostgres(t)
	env := append(append([]string(nil), clusterEnv...), webhookEnv...)
	ps := []*proc{startServer(t, url, env...), startServer(t, url, env...)}
	tn := newAPI(t, ps[0]).newTenant(t, ctx, "hooks", 100000)
	rcv := newHookReceiver(t, 10*time.Millisecond)
	rcv.register(t, ctx, tn)
	rooms := make([]string, 4)
	for i := range rooms {
		room, err := tn.createRoom(ctx, "alice", "group", []string{"bob"})
		if err != nil {
			t.Fatal(err)
		}
		rooms[i] = room
	}
	want := make(map[string][]string)
	const perRoom = 15
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i, room := range rooms {
		on := tn.on(newAPI(t, ps[i%2]))
		wg.Go(func() {
			for k := range perRoom {
				content := fmt.Sprintf("%s #%d", room, k)
				if status, _, err := on.send(ctx, "alice", room, content); err != nil || status != http.StatusCreated {
					t.Errorf("send: %d %v", status, err)
					return
				}
				mu.Lock()
				want[room] = append(want[room], content)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for rcv.count() < perRoom*len(rooms) {
		if ctx.Err() != nil {
			t.Fatalf("only %d of %d deliveries", rcv.count(), perRoom*len(rooms))
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	rcv.check(t, want)
	if n := rcv.count(); n != perRoom*len(rooms) {
		t.Errorf("%d deliveries accepted, want %d: one went twice", n, perRoom*len(rooms))
	}
}
