package realtime_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	chatapi "github.com/chatapi/chatapi/sdk/go"
	"github.com/chatapi/chatapi/sdk/go/realtime"
)

// reconnectAfter is the server's SHUTDOWN_RECONNECT_AFTER in these tests:
// what server.shutdown tells clients to wait.
const reconnectAfter = 1500 * time.Millisecond

const masterKey = "mk_sdk_go_test_master_key_0123456789"

// TestRestart runs three clients that send and receive in one room while the
// live server is restarted, gracefully (SIGTERM) and by a crash (kill -9):
// afterwards each client holds every message exactly once and in order, no
// send is lost or stored twice, after SIGTERM no client dialled before the
// server's reconnect_after_ms, and Close leaves no goroutine behind. The
// crashed server comes back with another TOKEN_SECRET, so the clients'
// tokens are refused and each must get a new one from its TokenFunc; after
// SIGTERM the one token each holds is still good and none is asked for.
//
// It needs the chatapi binary: CHATAPI_BIN names it (e2e's
// TestGoRealtimeSDK builds it and runs this test); without it, it skips.
func TestRestart(t *testing.T) {
	bin := os.Getenv("CHATAPI_BIN")
	if bin == "" {
		t.Skip("CHATAPI_BIN is not set: e2e's TestGoRealtimeSDK runs this test against the chatapi binary")
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) { testRestart(t, bin, sig) })
	}
}

const (
	clients = 3
	perUser = 15
)

func testRestart(t *testing.T, bin string, sig syscall.Signal) {
	srv := startServer(t, bin, filepath.Join(t.TempDir(), "chat.db"), "", "TOKEN_SECRET=first-secret-0123456789")
	// Counted with the server's one waiting goroutine, which its restart
	// replaces.
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	// The restarted server listens on the same address: the clients keep
	// this base URL (srv itself is replaced at the restart).
	base := srv.base
	key := createTenant(ctx, t, base)
	users := []string{"alice", "bob", "carol"}
	room := createRoom(ctx, t, base, key, users)

	type state struct {
		user     string
		client   *realtime.Client
		dials    *dialLog
		mu       sync.Mutex
		messages []realtime.Message
		shutdown time.Time // when server.shutdown arrived
		askedMS  int64
		tokens   int
		consumed chan struct{}
	}
	states := make([]*state, clients)
	for i, u := range users {
		st := &state{user: u, dials: &dialLog{}, consumed: make(chan struct{})}
		hc := &http.Client{Transport: st.dials}
		c, err := realtime.Connect(ctx, realtime.Options{
			BaseURL: base,
			Token: func(ctx context.Context) (string, error) {
				st.mu.Lock()
				st.tokens++
				st.mu.Unlock()
				return userToken(ctx, base, key, u)
			},
			HTTPClient: hc,
			MinBackoff: 100 * time.Millisecond,
			MaxBackoff: time.Second,
		})
		if err != nil {
			t.Fatalf("%s: connect: %v", u, err)
		}
		st.client = c
		states[i] = st
		go func() {
			defer close(st.consumed)
			for ev := range c.Events() {
				st.mu.Lock()
				switch e := ev.(type) {
				case realtime.Message:
					if e.RoomID == room {
						st.messages = append(st.messages, e)
					}
				case realtime.ServerShutdown:
					if st.shutdown.IsZero() {
						st.shutdown, st.askedMS = time.Now(), e.ReconnectAfterMS
					}
				}
				st.mu.Unlock()
			}
		}()
	}

	// Each user sends perUser messages, one at a time; the server goes down
	// once a third of them are stored.
	var (
		sentMu sync.Mutex
		sent   = map[string]string{} // content → message_id
		count  int
		third  = make(chan struct{})
		wg     sync.WaitGroup
		errs   = make(chan error, clients*perUser)
	)
	for _, st := range states {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range perUser {
				content := fmt.Sprintf("%s %d", st.user, n)
				res, err := st.client.SendMessage(ctx, room, content)
				if err != nil {
					errs <- fmt.Errorf("%s: send %q: %w", st.user, content, err)
					return
				}
				sentMu.Lock()
				sent[content] = res.MessageID
				if count++; count == clients*perUser/3 {
					close(third)
				}
				sentMu.Unlock()
				time.Sleep(40 * time.Millisecond)
			}
		}()
	}
	select {
	case <-third:
	case <-ctx.Done():
		t.Fatal("the first sends never completed")
	}
	downAt := time.Now()
	srv.stop(t, sig)
	secret := "TOKEN_SECRET=first-secret-0123456789"
	if sig == syscall.SIGKILL {
		secret = "TOKEN_SECRET=second-secret-0123456789"
	}
	srv = startServer(t, bin, srv.db, srv.addr, secret)
	t.Logf("%v: server down for %v", sig, time.Since(downAt).Round(time.Millisecond))
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}

	// Every client receives all of them.
	total := clients * perUser
	deadline := time.Now().Add(90 * time.Second)
	for _, st := range states {
		for {
			st.mu.Lock()
			n := len(st.messages)
			st.mu.Unlock()
			if n >= total || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	time.Sleep(time.Second) // a duplicate would arrive meanwhile

	ids := map[string]bool{}
	for _, id := range sent {
		ids[id] = true
	}
	if len(sent) != total || len(ids) != total {
		t.Errorf("%d sends returned, %d distinct message ids; want %d of each", len(sent), len(ids), total)
	}
	for _, st := range states {
		st.client.Close()
		<-st.consumed
		st.mu.Lock()
		msgs := st.messages
		st.mu.Unlock()
		var seqs []int64
		got := map[string]string{}
		for _, m := range msgs {
			seqs = append(seqs, m.Seq)
			got[m.Content] = m.MessageID
		}
		want := make([]int64, total)
		for i := range want {
			want[i] = int64(i + 1)
		}
		if !slices.Equal(seqs, want) {
			t.Errorf("%s received seqs %v, want 1..%d once each in order", st.user, seqs, total)
		}
		for content, id := range sent {
			if got[content] != id {
				t.Errorf("%s: message %q arrived as %q, sent as %q", st.user, content, got[content], id)
			}
		}
		st.mu.Lock()
		tokens := st.tokens
		st.mu.Unlock()
		if sig == syscall.SIGKILL && tokens < 2 {
			t.Errorf("%s asked for %d token(s); the restarted server refuses the first", st.user, tokens)
		}
		if sig == syscall.SIGTERM && tokens != 1 {
			t.Errorf("%s asked for %d tokens while its first was good", st.user, tokens)
		}
		if sig == syscall.SIGTERM {
			st.mu.Lock()
			shutdown, asked := st.shutdown, time.Duration(st.askedMS)*time.Millisecond
			st.mu.Unlock()
			if shutdown.IsZero() || asked != reconnectAfter {
				t.Errorf("%s: server.shutdown at %v asking %v, want one asking %v", st.user, shutdown, asked, reconnectAfter)
				continue
			}
			next := st.dials.firstAfter(shutdown)
			if next.IsZero() {
				t.Errorf("%s: no dial after server.shutdown", st.user)
			} else if waited := next.Sub(shutdown); waited < asked {
				t.Errorf("%s dialled %v after server.shutdown, before the %v it asked", st.user, waited, asked)
			} else {
				t.Logf("%s: dialled again %v after server.shutdown (asked %v); %d tokens", st.user, waited.Round(time.Millisecond), asked, st.tokens)
			}
		}
	}

	// Close joined everything the clients started.
	http.DefaultClient.CloseIdleConnections()
	for _, st := range states {
		st.dials.CloseIdleConnections()
	}
	var now int
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if now = runtime.NumGoroutine(); now <= before {
			break
		}
	}
	if now > before {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after Close, %d before:\n%s", now, before, buf[:runtime.Stack(buf, true)])
	}
}

// dialLog is an http.RoundTripper that records when each handshake was made.
type dialLog struct {
	http.Transport
	mu    sync.Mutex
	dials []time.Time
}

func (d *dialLog) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == "/ws" {
		d.mu.Lock()
		d.dials = append(d.dials, time.Now())
		d.mu.Unlock()
	}
	return d.Transport.RoundTrip(r)
}

func (d *dialLog) firstAfter(t time.Time) time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, at := range d.dials {
		if at.After(t) {
			return at
		}
	}
	return time.Time{}
}

// ---- the live server ----

type server struct {
	cmd  *exec.Cmd
	db   string
	addr string
	base string
	done chan struct{}
}

// startServer runs the binary on db and addr ("" picks a free port) and
// waits for /health.
func startServer(t *testing.T, bin, db, addr string, env ...string) *server {
	t.Helper()
	if addr == "" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr = ln.Addr().String()
		ln.Close()
	}
	logf, err := os.CreateTemp(t.TempDir(), "chatapi-*.log")
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"CHATAPI_ADDR="+addr, "DATABASE_URL="+db, "MASTER_API_KEY="+masterKey,
		"SHUTDOWN_RECONNECT_AFTER="+reconnectAfter.String(), "SHUTDOWN_DRAIN_TIMEOUT=5s", "LOG_LEVEL=warn")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, db: db, addr: addr, base: "http://" + addr, done: make(chan struct{})}
	go func() { cmd.Wait(); close(s.done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-s.done
		if t.Failed() {
			if b, err := os.ReadFile(logf.Name()); err == nil {
				t.Logf("chatapi log %s:\n%s", addr, tail(string(b), 4000))
			}
		}
	})
	for end := time.Now().Add(30 * time.Second); ; time.Sleep(25 * time.Millisecond) {
		resp, err := http.Get(s.base + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case <-s.done:
			t.Fatalf("chatapi exited before it was healthy: %v", cmd.ProcessState)
		default:
		}
		if time.Now().After(end) {
			t.Fatalf("chatapi on %s not healthy: %v", addr, err)
		}
	}
}

// stop signals the server and waits for it to exit.
func (s *server) stop(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("chatapi did not exit after %v", sig)
	}
	if sig == syscall.SIGTERM && !s.cmd.ProcessState.Success() {
		t.Errorf("chatapi exited with %v after SIGTERM", s.cmd.ProcessState)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// ---- REST, through the generated client ----

func headers(kv ...string) chatapi.ClientOption {
	return chatapi.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		for i := 0; i+1 < len(kv); i += 2 {
			r.Header.Set(kv[i], kv[i+1])
		}
		return nil
	})
}

func createTenant(ctx context.Context, t *testing.T, base string) string {
	t.Helper()
	admin, err := chatapi.NewClientWithResponses(base, headers("X-Master-Key", masterKey))
	if err != nil {
		t.Fatal(err)
	}
	rps := 1000
	tn, err := admin.CreateTenantWithResponse(ctx, nil, chatapi.CreateTenantRequest{Name: "sdk-go", RateLimitRps: &rps})
	if err != nil || tn.JSON201 == nil {
		t.Fatalf("create tenant: %v %s", err, body(tn))
	}
	return tn.JSON201.Data.ApiKey
}

func createRoom(ctx context.Context, t *testing.T, base, key string, users []string) string {
	t.Helper()
	c, err := chatapi.NewClientWithResponses(base, headers("X-API-Key", key, "X-User-Id", users[0]))
	if err != nil {
		t.Fatal(err)
	}
	members := users[1:]
	room, err := c.CreateRoomWithResponse(ctx, nil, chatapi.CreateRoomRequest{Type: chatapi.RoomTypeGroup, Members: &members})
	if err != nil || room.JSON201 == nil {
		t.Fatalf("create room: %v %s", err, body(room))
	}
	return room.JSON201.Data.RoomId
}

func userToken(ctx context.Context, base, key, user string) (string, error) {
	c, err := chatapi.NewClientWithResponses(base, headers("X-API-Key", key, "X-User-Id", user))
	if err != nil {
		return "", err
	}
	tok, err := c.CreateTokenWithResponse(ctx, nil, chatapi.CreateTokenRequest{})
	if err != nil {
		return "", err
	}
	if tok.JSON201 == nil {
		return "", fmt.Errorf("create token: %s", body(tok))
	}
	return tok.JSON201.Data.Token, nil
}

func body(r interface {
	StatusCode() int
}) string {
	if v := reflect.ValueOf(r); !v.IsValid() || v.IsNil() {
		return "(no response)"
	}
	type bodied interface{ GetBody() []byte }
	if b, ok := r.(bodied); ok {
		return fmt.Sprintf("%d %s", r.StatusCode(), strings.TrimSpace(string(b.GetBody())))
	}
	return "(no response)"
}
