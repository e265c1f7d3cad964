//go:build unix

package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// 1,000 clients connecting at once, unpaced: 1,000 distinct users, each in
// one room of three, all dial together; every one is synced, the server
// stays healthy, and all close cleanly.
func TestThousandClientsConnectAtOnce(t *testing.T) {
	const clients = 1000
	// This process holds one socket per client plus REST and handshake
	// connections; the server is a separate process with its own limit.
	raiseOpenFiles(t, clients+256)

	// The budget bounds a hang, not the speed: every handshake and sync
	// queues for the race-built server's few SQLite readers, so the whole
	// connect is throughput-bound. It took 55 s on a loaded 2-core machine
	// and did not finish in 90 s under more load; the time is logged.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	p := startServer(t, filepath.Join(t.TempDir(), "x.db"))
	a := newAPI(t, p)
	tn := a.newTenant(t, ctx, "thousand", 100000)

	// Rooms of three; the last user's room is completed by two users who
	// never connect.
	users := userIDs("c", clients)
	var groups [][]string
	for i := 0; i < clients; i += 3 {
		g := users[i:min(i+3, clients)]
		for k := 0; len(g) < 3; k++ {
			g = append(append([]string(nil), g...), fmt.Sprintf("idle%d", k))
		}
		groups = append(groups, g)
	}
	jobs := make(chan []string)
	roomErrs := make(chan error, len(groups))
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for g := range jobs {
				if _, err := tn.createRoom(ctx, g[0], "group", g[1:]); err != nil {
					roomErrs <- err
				}
			}
		})
	}
	for _, g := range groups {
		jobs <- g
	}
	close(jobs)
	wg.Wait()
	close(roomErrs)
	for err := range roomErrs {
		t.Fatalf("create room: %v", err)
	}

	hc := wsHTTPClient(t)
	conns := make([]*websocket.Conn, clients)
	errs := make([]error, clients)
	var synced atomic.Int64
	gate := make(chan struct{})
	start := time.Now()
	for i, u := range users {
		wg.Go(func() {
			<-gate
			c, err := dialWS(ctx, p, tn, u, hc)
			if err != nil {
				errs[i] = err
				return
			}
			conns[i] = c
			if errs[i] = awaitSync(ctx, c, 100); errs[i] != nil {
				return
			}
			synced.Add(1)
			// Read on, as a client does: pings are answered only while
			// reading, and the first clients wait out the rest's connect,
			// which under load takes longer than the server's idle timeout.
			go func() {
				for {
					if _, _, err := c.Read(ctx); err != nil {
						return
					}
				}
			}()
		})
	}
	close(gate)
	wg.Wait()
	connectTime := time.Since(start)
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.CloseNow()
			}
		}
	}()
	failed := 0
	for i, err := range errs {
		if err != nil {
			failed++
			if failed <= 10 {
				t.Errorf("%s: %v", users[i], err)
			}
		}
	}
	t.Logf("%d of %d clients connected and synced in %v", synced.Load(), clients, connectTime.Round(time.Millisecond))
	if failed > 0 {
		t.Fatalf("%d of %d clients did not connect and sync", failed, clients)
	}

	// Healthy, and counting every connection.
	if n, err := healthConnections(ctx, a); err != nil {
		t.Errorf("health with %d clients: %v", clients, err)
	} else if n != clients {
		t.Errorf("health connections = %d, want %d", n, clients)
	}

	// Close waits for the server's close frame: anything but a clean
	// handshake is a failure.
	closeErrs := make([]error, clients)
	start = time.Now()
	for i, c := range conns {
		wg.Go(func() {
			closeErrs[i] = c.Close(websocket.StatusNormalClosure, "done")
		})
	}
	wg.Wait()
	failed = 0
	for i, err := range closeErrs {
		if err != nil {
			failed++
			if failed <= 10 {
				t.Errorf("%s: close: %v", users[i], err)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d clients did not close cleanly", failed, clients)
	}
	t.Logf("all closed in %v", time.Since(start).Round(time.Millisecond))

	// The server lets go of every connection and is still healthy.
	const letGo = time.Minute
	deadline := time.Now().Add(letGo)
	for {
		n, err := healthConnections(ctx, a)
		if err == nil && n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("%v after closing: health connections = %d, err %v; want 0", letGo, n, err)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// healthConnections checks /health is 200 with status ok and returns its
// connection count.
func healthConnections(ctx context.Context, a *api) (int, error) {
	var h struct {
		Status      string          `json:"status"`
		Connections json.RawMessage `json:"connections"`
	}
	if _, err := a.do(ctx, http.MethodGet, "/health", nil, nil, &h); err != nil {
		return 0, err
	}
	if h.Status != "ok" {
		return 0, fmt.Errorf("health status %q", h.Status)
	}
	var n int
	if err := json.Unmarshal(h.Connections, &n); err != nil {
		return 0, fmt.Errorf("health connections %s: %w", h.Connections, err)
	}
	return n, nil
}

// raiseOpenFiles makes sure this process may hold need descriptors, raising
// the soft limit up to the hard one, and skips the test if it cannot.
func raiseOpenFiles(t *testing.T, need uint64) {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("skipped: cannot read the open-files limit (RLIMIT_NOFILE): %v", err)
	}
	if lim.Cur >= need {
		return
	}
	if lim.Max < need {
		t.Skipf("skipped: needs %d open files, the hard limit (ulimit -Hn) is %d", need, lim.Max)
	}
	old := lim.Cur
	lim.Cur = need
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("skipped: needs %d open files; raising the limit from %d failed: %v", need, old, err)
	}
	t.Logf("open-files limit raised from %d to %d", old, need)
}
