package server_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatapi/chatapi/server"
	"github.com/chatapi/chatapi/store"
)

// slowRooms counts room creations and makes each take a while, so that
// requests sent together overlap; failNext makes the next one fail as a
// database error would.
type slowRooms struct {
	*store.Store
	delay    time.Duration
	creates  *atomic.Int64
	failNext *atomic.Bool
}

func (s slowRooms) CreateRoom(ctx context.Context, tenantID, actor string, p store.NewRoom) (store.Room, error) {
	s.creates.Add(1)
	time.Sleep(s.delay)
	if s.failNext.CompareAndSwap(true, false) {
		return store.Room{}, errors.New("database went away")
	}
	return s.Store.CreateRoom(ctx, tenantID, actor, p)
}

// 20 identical POST /rooms sent at once with one Idempotency-Key create one
// room, and all 20 get the same answer (19 of them replayed); another body
// under the key is 409. On both databases.
func TestIdempotencyKeyConcurrentCreates(t *testing.T) {
	run := func(t *testing.T, databaseURL string) {
		var creates atomic.Int64
		e := newEnvWith(t, envOptions{databaseURL: databaseURL, wrap: func(st *store.Store) server.Store {
			return slowRooms{Store: st, delay: 100 * time.Millisecond, creates: &creates, failNext: new(atomic.Bool)}
		}})
		tn := e.newTenant("acme", 1000)
		headers := map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice", "Content-Type": "application/json",
			"Idempotency-Key": "3b5e2c1a-create-apollo"}
		const n = 20
		body := `{"type":"group","name":"Apollo","members":["bob"]}`
		type answer struct {
			status   int
			replayed string
			body     string
		}
		answers := make([]answer, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				status, h, b := e.raw("POST", "/rooms", headers, body)
				answers[i] = answer{status, h.Get("Idempotent-Replayed"), string(b)}
			})
		}
		wg.Wait()
		replayed := 0
		for i, a := range answers {
			if a.status != http.StatusCreated || a.body != answers[0].body {
				t.Errorf("answer %d: %d %s, want 201 %s", i, a.status, a.body, answers[0].body)
			}
			if a.replayed == "true" {
				replayed++
			}
		}
		if replayed != n-1 {
			t.Errorf("%d answers replayed, want %d", replayed, n-1)
		}
		if got := creates.Load(); got != 1 {
			t.Errorf("CreateRoom ran %d times, want once", got)
		}
		rooms, err := tn.as("alice").ListRoomsWithResponse(context.Background(), nil)
		if err != nil || rooms.JSON200 == nil || len(rooms.JSON200.Data) != 1 {
			t.Fatalf("rooms after %d creates: %v %s, want one", n, err, bodyOf(rooms))
		}

		other := strings.Replace(body, "Apollo", "Gemini", 1)
		status, _, b := e.raw("POST", "/rooms", headers, other)
		checkRefusal(t, status, b, refusal{409, "CONFLICT", "Idempotency-Key"})
		if got := creates.Load(); got != 1 {
			t.Errorf("CreateRoom ran %d times after the refused repeat, want once", got)
		}
	}
	onBothDatabases(t, run)
}

// What each operation declaring Idempotency-Key answers to a repeat, a
// reuse and a bad key.
func TestIdempotencyKey(t *testing.T) {
	var creates atomic.Int64
	failNext := new(atomic.Bool)
	e := newEnvWith(t, envOptions{wrap: func(st *store.Store) server.Store {
		return slowRooms{Store: st, creates: &creates, failNext: failNext}
	}})
	tn := e.newTenant("acme", 1000)
	room := tn.createRoom("alice", "group")
	as := func(user, key string) map[string]string {
		return map[string]string{"X-API-Key": tn.key, "X-User-Id": user, "Content-Type": "application/json", "Idempotency-Key": key}
	}
	admin := func(key string) map[string]string {
		return map[string]string{"X-Master-Key": testMasterKey, "Content-Type": "application/json", "Idempotency-Key": key}
	}
	// Each case sends the request twice with one key: the second answer
	// must be the first, replayed.
	for _, tc := range []struct {
		name, path, body string
		headers          map[string]string
		status           int
	}{
		{"create room", "/rooms", `{"type":"channel","name":"news"}`, as("alice", "k-room"), 201},
		{"create dm", "/rooms", `{"type":"dm","members":["bob"]}`, as("alice", "k-dm-1"), 201},
		{"add member", "/rooms/" + room.RoomId + "/members", `{"user_id":"carol"}`, as("alice", "k-member"), 201},
		{"token", "/tokens", `{"ttl_seconds":600}`, as("alice", "k-token"), 201},
		{"notify", "/notify", `{"topic":"t","payload":{},"targets":{"user_ids":["bob"]}}`, as("alice", "k-notify"), 202},
		{"tenant", "/admin/tenants", `{"name":"initech"}`, admin("k-tenant"), 201},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, h1, first := e.raw("POST", tc.path, tc.headers, tc.body)
			if status != tc.status || h1.Get("Idempotent-Replayed") != "" {
				t.Fatalf("first: %d (replayed %q) %s, want %d", status, h1.Get("Idempotent-Replayed"), first, tc.status)
			}
			status, h2, again := e.raw("POST", tc.path, tc.headers, tc.body)
			if status != tc.status || string(again) != string(first) || h2.Get("Idempotent-Replayed") != "true" {
				t.Errorf("repeat: %d (replayed %q) %s, want the first answer %s replayed", status, h2.Get("Idempotent-Replayed"), again, first)
			}
		})
	}
	t.Run("a second dm under a new key is the dm conflict, replayed", func(t *testing.T) {
		h := as("alice", "k-dm-2")
		s1, _, first := e.raw("POST", "/rooms", h, `{"type":"dm","members":["bob"]}`)
		s2, h2, again := e.raw("POST", "/rooms", h, `{"type":"dm","members":["bob"]}`)
		checkRefusal(t, s1, first, refusal{409, "CONFLICT", ""})
		if s2 != 409 || string(again) != string(first) || h2.Get("Idempotent-Replayed") != "true" {
			t.Errorf("repeat: %d %s", s2, again)
		}
	})
	t.Run("keys are per user", func(t *testing.T) {
		before := creates.Load()
		for _, user := range []string{"dave", "erin"} {
			status, h, body := e.raw("POST", "/rooms", as(user, "shared-key"), `{"type":"group"}`)
			if status != 201 || h.Get("Idempotent-Replayed") != "" {
				t.Errorf("%s: %d %s, want a room of their own", user, status, body)
			}
		}
		if got := creates.Load() - before; got != 2 {
			t.Errorf("%d rooms created, want 2", got)
		}
	})
	t.Run("another operation under the key", func(t *testing.T) {
		status, _, body := e.raw("POST", "/tokens", as("alice", "k-room"), `{}`)
		checkRefusal(t, status, body, refusal{409, "CONFLICT", "Idempotency-Key"})
	})
	t.Run("a 5xx is not kept", func(t *testing.T) {
		failNext.Store(true)
		h := as("alice", "k-retry")
		status, _, body := e.raw("POST", "/rooms", h, `{"type":"group"}`)
		checkRefusal(t, status, body, refusal{500, "INTERNAL_ERROR", ""})
		status, rh, body := e.raw("POST", "/rooms", h, `{"type":"group"}`)
		if status != 201 || rh.Get("Idempotent-Replayed") != "" {
			t.Errorf("retry after a 500: %d %s, want the room created", status, body)
		}
	})
	for _, tc := range []struct{ name, key string }{
		{"key over 64 characters", strings.Repeat("k", 65)},
		{"key with a space", "two words"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := e.raw("POST", "/rooms", as("alice", tc.key), `{"type":"group"}`)
			checkRefusal(t, status, body, refusal{400, "VALIDATION_ERROR", "Idempotency-Key"})
		})
	}
	t.Run("a user token's key", func(t *testing.T) {
		h := map[string]string{"Authorization": "Bearer " + tn.token("frank"), "Content-Type": "application/json", "Idempotency-Key": "k-bearer"}
		s1, _, first := e.raw("POST", "/rooms", h, `{"type":"group"}`)
		s2, h2, again := e.raw("POST", "/rooms", h, `{"type":"group"}`)
		if s1 != 201 || s2 != 201 || string(first) != string(again) || h2.Get("Idempotent-Replayed") != "true" {
			t.Errorf("first %d %s, repeat %d %s", s1, first, s2, again)
		}
	})
}

// gatedRooms holds every room creation until gate is closed.
type gatedRooms struct {
	*store.Store
	entered chan struct{}
	gate    chan struct{}
}

func (s gatedRooms) CreateRoom(ctx context.Context, tenantID, actor string, p store.NewRoom) (store.Room, error) {
	s.entered <- struct{}{}
	<-s.gate
	return s.Store.CreateRoom(ctx, tenantID, actor, p)
}

// A repeat that arrives while the first request with its key still runs
// waits for it, and past Config.IdempotencyWait is refused with 409 (retry
// later); once the first is answered, a repeat gets its answer.
func TestIdempotencyKeyInFlight(t *testing.T) {
	gated := gatedRooms{entered: make(chan struct{}, 1), gate: make(chan struct{})}
	e := newEnvWith(t, envOptions{idempotencyWait: 300 * time.Millisecond, wrap: func(st *store.Store) server.Store {
		gated.Store = st
		return gated
	}})
	tn := e.newTenant("acme", 1000)
	h := map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice", "Content-Type": "application/json", "Idempotency-Key": "k-slow"}
	type answer struct {
		status int
		body   []byte
	}
	first := make(chan answer, 1)
	go func() {
		status, _, body := e.raw("POST", "/rooms", h, `{"type":"group"}`)
		first <- answer{status, body}
	}()
	<-gated.entered // the first request runs, holding its claim

	start := time.Now()
	status, _, body := e.raw("POST", "/rooms", h, `{"type":"group"}`)
	checkRefusal(t, status, body, refusal{409, "CONFLICT", "Idempotency-Key"})
	if waited := time.Since(start); waited < 250*time.Millisecond {
		t.Errorf("refused after %v, want a wait of about 300ms first", waited)
	}

	close(gated.gate)
	a := <-first
	if a.status != 201 {
		t.Fatalf("first request: %d %s", a.status, a.body)
	}
	status, rh, body := e.raw("POST", "/rooms", h, `{"type":"group"}`)
	if status != 201 || string(body) != string(a.body) || rh.Get("Idempotent-Replayed") != "true" {
		t.Errorf("repeat after the answer: %d %s, want %s replayed", status, body, a.body)
	}
}
