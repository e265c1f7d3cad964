//go:build unix

package e2e_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/chatapi/chatapi/store/pgtest"
)

// Helpers for the tests that run several instances on one PostgreSQL
// database (scaleout_test.go, pgrestart_test.go).

// clusterEnv makes instances heartbeat fast and take a silent one for dead
// after two seconds, so the tests do not wait for the production defaults.
var clusterEnv = []string{"INSTANCE_HEARTBEAT=200ms", "INSTANCE_TIMEOUT=2s", credentialCheckEnv}

// newPostgres returns a PostgreSQL server for one test (a throwaway cluster,
// or DATABASE_URL_TEST's) and the URL of a fresh schema on it.
func newPostgres(t *testing.T) (*pgtest.Server, string) {
	t.Helper()
	srv, err := pgtest.StartServer()
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	t.Cleanup(srv.Close)
	url, drop, err := pgtest.NewSchema(t.Context(), srv.URL, "")
	if err != nil {
		t.Fatalf("new schema: %v", err)
	}
	t.Cleanup(drop)
	return srv, url
}

// startCluster starts n instances on the database at url.
func startCluster(t *testing.T, url string, n int) []*proc {
	t.Helper()
	ps := make([]*proc, n)
	for i := range ps {
		ps[i] = startServer(t, url, clusterEnv...)
	}
	return ps
}

// peer is one WebSocket client: a goroutine reads every event into log
// until the connection ends.
type peer struct {
	user string
	ws   *websocket.Conn

	mu      sync.Mutex
	log     []wsEvent
	changed chan struct{} // signalled after each event, and at the end
	done    chan struct{} // closed when reading stopped
	err     error         // why reading stopped, set before done closes
}

// connect dials /ws on p for user and starts reading; the connection is
// closed when t ends.
func connect(t *testing.T, ctx context.Context, p *proc, tn tenant, user string) *peer {
	t.Helper()
	pr, err := dialPeer(ctx, p, tn, user)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pr.ws.CloseNow() })
	return pr
}

func dialPeer(ctx context.Context, p *proc, tn tenant, user string) (*peer, error) {
	ws, err := dialWS(ctx, p, tn, user, nil)
	if err != nil {
		return nil, err
	}
	return startPeer(user, ws), nil
}

// startPeer reads ws as user's peer.
func startPeer(user string, ws *websocket.Conn) *peer {
	pr := &peer{user: user, ws: ws, changed: make(chan struct{}, 1), done: make(chan struct{})}
	go pr.read()
	return pr
}

// waitClosed waits up to within for the server to close the connection, and
// fails unless it closed it with code.
func (pr *peer) waitClosed(ctx context.Context, code websocket.StatusCode, within time.Duration) error {
	select {
	case <-pr.done:
	case <-time.After(within):
		return fmt.Errorf("%s: still open after %v, want closed with %d", pr.user, within, code)
	case <-ctx.Done():
		return fmt.Errorf("%s: waiting for close %d: %w", pr.user, code, ctx.Err())
	}
	if got := websocket.CloseStatus(pr.err); got != code {
		return fmt.Errorf("%s: connection ended with %v (%v), want close %d", pr.user, got, pr.err, code)
	}
	return nil
}

// open reports whether the connection is still being read.
func (pr *peer) open() bool {
	select {
	case <-pr.done:
		return false
	default:
		return true
	}
}

func (pr *peer) read() {
	defer close(pr.done)
	for {
		_, data, err := pr.ws.Read(context.Background())
		if err != nil {
			pr.mu.Lock()
			pr.err = err
			pr.mu.Unlock()
			pr.signal()
			return
		}
		var ev wsEvent
		if err := json.Unmarshal(data, &ev); err != nil {
			ev = wsEvent{Type: "undecodable: " + string(data)}
		}
		pr.mu.Lock()
		pr.log = append(pr.log, ev)
		pr.mu.Unlock()
		pr.signal()
	}
}

func (pr *peer) signal() {
	select {
	case pr.changed <- struct{}{}:
	default:
	}
}

// send writes one client event.
func (pr *peer) send(ctx context.Context, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return pr.ws.Write(ctx, websocket.MessageText, b)
}

// events returns a copy of what was read so far.
func (pr *peer) events() []wsEvent {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	return append([]wsEvent(nil), pr.log...)
}

// waitFor waits until cond holds for the events read so far, and fails
// with what when the connection ends or ctx does first.
func (pr *peer) waitFor(ctx context.Context, what string, cond func([]wsEvent) bool) error {
	for {
		if cond(pr.events()) {
			return nil
		}
		select {
		case <-pr.changed:
		case <-pr.done:
			if cond(pr.events()) {
				return nil
			}
			return fmt.Errorf("%s: waiting for %s: connection ended: %v", pr.user, what, pr.err)
		case <-ctx.Done():
			return fmt.Errorf("%s: waiting for %s: %w", pr.user, what, ctx.Err())
		}
	}
}

// has is the condition "some event satisfies match".
func has(match func(wsEvent) bool) func([]wsEvent) bool {
	return func(evs []wsEvent) bool {
		for _, e := range evs {
			if match(e) {
				return true
			}
		}
		return false
	}
}

// messageSeqs are the seqs of the message events of room, in arrival order.
func messageSeqs(evs []wsEvent, room string) []int64 {
	var out []int64
	for _, e := range evs {
		if e.Type == "message" && e.RoomID == room {
			out = append(out, e.Seq)
		}
	}
	return out
}

// consecutive says what is wrong with seqs unless each is one more than
// the one before; "" when right.
func consecutive(seqs []int64) string {
	for i := 1; i < len(seqs); i++ {
		if seqs[i] != seqs[i-1]+1 {
			return fmt.Sprintf("seq %d follows %d at position %d", seqs[i], seqs[i-1], i)
		}
	}
	return ""
}

// health returns /health's status code and its data.status.
func healthStatus(ctx context.Context, a *api) (int, string, error) {
	var out struct {
		Status string `json:"status"`
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+"/health", nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var env envelope
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return resp.StatusCode, "", err
	}
	if err := json.Unmarshal(env.Data, &out); err != nil {
		return resp.StatusCode, "", err
	}
	return resp.StatusCode, out.Status, nil
}

// ack moves user's read cursor of room to seq over REST.
func (tn tenant) ack(ctx context.Context, user, room string, seq int64) error {
	_, err := tn.cursor(ctx, user, room, seq)
	return err
}

// cursor acks seq and returns the read cursor the server holds after it
// (acks never move it back, so cursor(…, 0) reads it).
func (tn tenant) cursor(ctx context.Context, user, room string, seq int64) (int64, error) {
	var out struct {
		LastAck int64 `json:"last_ack"`
	}
	status, err := tn.a.do(ctx, http.MethodPost, "/acks", tn.headers(user), map[string]any{"room_id": room, "seq": seq}, &out)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("POST /acks: status %d", status)
	}
	return out.LastAck, err
}

// presence returns GET /presence's status per user.
func (tn tenant) presence(ctx context.Context, asUser string, users ...string) (map[string]string, error) {
	var out []struct {
		UserID string `json:"user_id"`
		Status string `json:"status"`
	}
	if _, err := tn.a.do(ctx, http.MethodGet, "/presence?user_ids="+strings.Join(users, ","), tn.headers(asUser), nil, &out); err != nil {
		return nil, err
	}
	m := make(map[string]string, len(out))
	for _, p := range out {
		m[p.UserID] = p.Status
	}
	return m, nil
}

// waitPresence polls GET /presence until every user in want has its status.
func (tn tenant) waitPresence(ctx context.Context, asUser string, want map[string]string) error {
	users := make([]string, 0, len(want))
	for u := range want {
		users = append(users, u)
	}
	var got map[string]string
	var err error
	for {
		got, err = tn.presence(ctx, asUser, users...)
		if err == nil && maps.Equal(got, want) {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.Join(fmt.Errorf("presence %v, want %v: %w", got, want, ctx.Err()), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
