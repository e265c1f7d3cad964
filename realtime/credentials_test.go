package realtime_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/chatapi/chatapi/realtime"
)

// testClock is a wall clock the test moves.
type testClock struct{ skew atomic.Int64 }

func (c *testClock) now() time.Time           { return time.Now().Add(time.Duration(c.skew.Load())) }
func (c *testClock) advance(d time.Duration)  { c.skew.Add(int64(d)) }
func (e *env) sessionURL(q url.Values) string { return e.srv.URL + "/ws?" + q.Encode() }

// runCredentialChecks runs the hub's checks until the test ends.
func (e *env) runCredentialChecks() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = e.hub.RunCredentialChecks(ctx)
	}()
	e.t.Cleanup(func() {
		cancel()
		<-done
	})
}

// dialSession opens a connection with the session in q and reads its sync.
func (e *env) dialSession(q url.Values) *client {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.sessionURL(q), "http"), nil)
	if err != nil {
		e.t.Fatalf("dial %v: %v", q, err)
	}
	e.t.Cleanup(func() { _ = ws.CloseNow() })
	c := &client{t: e.t, ws: ws}
	for c.next().Type != "sync.complete" {
	}
	return c
}

// alive checks that c still answers a ping.
func (c *client) alive(id string) {
	c.t.Helper()
	c.send(map[string]any{"type": "ping", "request_id": id})
	for {
		if f := c.next(); f.Type == "pong" && f.str("request_id") == id {
			return
		}
	}
}

// A connection ends with 1008 when its token expires, and when its
// tenant's key generation moves past the one it was opened with; the
// others stay.
func TestCredentialChecks(t *testing.T) {
	clock := &testClock{}
	e := newEnv(t, realtime.Config{CredentialCheckInterval: 20 * time.Millisecond, Now: clock.now})
	e.runCredentialChecks()
	other, err := e.st.CreateTenant(context.Background(), "other", 1000, "hash-other-"+t.Name())
	if err != nil {
		t.Fatal(err)
	}
	session := func(tenant, user string, gen int64, expires time.Time) url.Values {
		q := url.Values{"tenant": {tenant}, "user": {user}, "gen": {strconv.FormatInt(gen, 10)}}
		if !expires.IsZero() {
			q.Set("expires", strconv.FormatInt(expires.UnixNano(), 10))
		}
		return q
	}
	token := e.dialSession(session(e.tenant, "alice", 1, clock.now().Add(time.Hour)))
	key := e.dialSession(session(e.tenant, "bob", 1, time.Time{}))
	bystander := e.dialSession(session(other.ID, "zed", 1, time.Time{}))

	t.Run("expired token", func(t *testing.T) {
		token.alive("before")
		clock.advance(time.Hour)
		token.expectClose(websocket.StatusPolicyViolation)
		key.alive("key")
		bystander.alive("bystander")
	})

	t.Run("rotated key", func(t *testing.T) {
		if _, err := e.st.RotateTenantKey(context.Background(), e.tenant, "rotated-"+t.Name()); err != nil {
			t.Fatal(err)
		}
		key.expectClose(websocket.StatusPolicyViolation)
		renewed := e.dialSession(session(e.tenant, "bob", 2, time.Time{}))
		time.Sleep(5 * 20 * time.Millisecond) // a few checks
		renewed.alive("renewed")
		bystander.alive("bystander")
	})
}

// A user holds at most MaxConnsPerUser connections: one more is refused
// before the upgrade, even when they all arrive at once; a closed one
// frees its place; other users are not counted.
func TestMaxConnsPerUser(t *testing.T) {
	const limit = 3
	e := newEnv(t, realtime.Config{MaxConnsPerUser: limit})
	dial := func(user string) (*websocket.Conn, int, error) {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		ws, resp, err := websocket.Dial(ctx, e.url(user), nil)
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		if ws != nil {
			t.Cleanup(func() { _ = ws.CloseNow() })
		}
		return ws, status, err
	}

	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		accepted []*websocket.Conn
		refused  int
	)
	for range 4 * limit {
		wg.Go(func() {
			ws, status, err := dial("alice")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				accepted = append(accepted, ws)
			case status == http.StatusTooManyRequests:
				refused++
			default:
				t.Errorf("dial: %d %v", status, err)
			}
		})
	}
	wg.Wait()
	if len(accepted) != limit || refused != 3*limit {
		t.Fatalf("%d dials at once: %d accepted, %d refused; want %d and %d", 4*limit, len(accepted), refused, limit, 3*limit)
	}
	if _, _, err := dial("bob"); err != nil {
		t.Errorf("another user: %v", err)
	}

	_ = accepted[0].Close(websocket.StatusNormalClosure, "bye")
	deadline := time.Now().Add(ioTimeout)
	for {
		_, status, err := dial("alice")
		if err == nil {
			break
		}
		if status != http.StatusTooManyRequests || time.Now().After(deadline) {
			t.Fatalf("after a close: %d %v", status, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
