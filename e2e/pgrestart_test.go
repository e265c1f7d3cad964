//go:build unix

package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store/pgtest"
)

// PostgreSQL stopped (pg_ctl stop -m fast) and started again on the same
// data directory and port under two running instances: while it is down,
// requests fail quickly with an error envelope and /health says degraded
// with 503; once it is back the same processes recover on their own:
// health ok, sends succeed and reach WebSocket clients on both instances.
func TestPostgresRestart(t *testing.T) {
	// failFast bounds every request while the database is down.
	const failFast = 10 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	srv, url := newPostgres(t)
	if !srv.Restartable() {
		if pgtest.Required() {
			t.Fatal("CI: this test needs a throwaway PostgreSQL cluster it can restart; unset DATABASE_URL_TEST")
		}
		t.Skip("DATABASE_URL_TEST names a server this test cannot restart")
	}
	ps := startCluster(t, url, 2)
	tn := newAPI(t, ps[0]).newTenant(t, ctx, "restart", 100000)
	on := func(i int) tenant { return tn.on(newAPI(t, ps[i])) }
	room, err := tn.createRoom(ctx, "alice", "group", []string{"bob"})
	if err != nil {
		t.Fatalf("create room: %v", err)
	}
	alice := connect(t, ctx, ps[0], tn, "alice")
	bob := connect(t, ctx, ps[1], tn, "bob")
	synced := has(func(e wsEvent) bool { return e.Type == "sync.complete" })
	for _, pr := range []*peer{alice, bob} {
		if err := pr.waitFor(ctx, "sync.complete", synced); err != nil {
			t.Fatal(err)
		}
	}
	gotSeq := func(seq int64) func([]wsEvent) bool {
		return func(evs []wsEvent) bool { return slices.Contains(messageSeqs(evs, room), seq) }
	}
	if status, _, err := on(0).send(ctx, "alice", room, "before"); err != nil || status != http.StatusCreated {
		t.Fatalf("send before the restart: %d %v", status, err)
	}
	if err := bob.waitFor(ctx, "seq 1", gotSeq(1)); err != nil {
		t.Fatal(err)
	}

	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	stopped := true
	t.Cleanup(func() {
		if stopped {
			_ = srv.Start() // so the schema can be dropped
		}
	})

	t.Run("down", func(t *testing.T) {
		for _, tc := range []struct {
			name, method, path string
			body               string
			wantStatus         []int
		}{
			{"send", http.MethodPost, "/rooms/" + room + "/messages", `{"content":"while down"}`, []int{500, 503}},
			{"list", http.MethodGet, "/rooms/" + room + "/messages", "", []int{500, 503}},
			{"rooms", http.MethodGet, "/rooms", "", []int{500, 503}},
			{"health", http.MethodGet, "/health", "", []int{503}},
		} {
			for i, p := range ps {
				t.Run(fmt.Sprintf("%s on instance %d", tc.name, i), func(t *testing.T) {
					rctx, cancel := context.WithTimeout(ctx, 2*failFast)
					defer cancel()
					var body io.Reader
					if tc.body != "" {
						body = strings.NewReader(tc.body)
					}
					req, err := http.NewRequestWithContext(rctx, tc.method, p.base+tc.path, body)
					if err != nil {
						t.Fatal(err)
					}
					req.Header.Set("X-API-Key", tn.key)
					req.Header.Set("X-User-Id", "alice")
					if body != nil {
						req.Header.Set("Content-Type", "application/json")
					}
					start := time.Now()
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatalf("instance %d: %v", i, err)
					}
					defer resp.Body.Close()
					took := time.Since(start)
					var env struct {
						Success bool `json:"success"`
						Data    struct {
							Status string `json:"status"`
						} `json:"data"`
						Error *struct {
							Code string `json:"code"`
						} `json:"error"`
					}
					if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
						t.Fatalf("instance %d: %d, body is not an envelope: %v", i, resp.StatusCode, err)
					}
					if took > failFast {
						t.Errorf("instance %d: answered after %v, want within %v", i, took, failFast)
					}
					okStatus := false
					for _, s := range tc.wantStatus {
						okStatus = okStatus || resp.StatusCode == s
					}
					switch {
					case !okStatus:
						t.Errorf("instance %d: status %d, want one of %v", i, resp.StatusCode, tc.wantStatus)
					case tc.name == "health" && env.Data.Status != "degraded":
						t.Errorf("instance %d: health status %q, want degraded", i, env.Data.Status)
					case tc.name != "health" && (env.Success || env.Error == nil || env.Error.Code != "INTERNAL_ERROR"):
						t.Errorf("instance %d: envelope %+v, want an INTERNAL_ERROR", i, env)
					}
				})
			}
		}
		t.Run("websocket send", func(t *testing.T) {
			if err := alice.send(ctx, map[string]any{"type": "send_message", "room_id": room, "content": "ws while down", "request_id": "down-1"}); err != nil {
				t.Fatal(err)
			}
			wctx, cancel := context.WithTimeout(ctx, 2*failFast)
			defer cancel()
			if err := alice.waitFor(wctx, "error event", has(func(e wsEvent) bool {
				return e.Type == "error" && e.RequestID == "down-1" && e.Code == "INTERNAL_ERROR"
			})); err != nil {
				t.Error(err)
			}
		})
	})

	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	stopped = false
	for i, p := range ps {
		hctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := p.waitHealthy(hctx)
		cancel()
		if err != nil {
			t.Fatalf("instance %d after the restart: %v", i, err)
		}
		if code, status, err := healthStatus(ctx, newAPI(t, p)); err != nil || code != http.StatusOK || status != "ok" {
			t.Fatalf("instance %d health: %d %q %v, want 200 ok", i, code, status, err)
		}
	}

	t.Run("after", func(t *testing.T) {
		// Both ways across the instances, on the same processes and sockets.
		for _, tc := range []struct {
			via    int
			sender string
			to     *peer
			seq    int64
		}{
			{0, "alice", bob, 2},
			{1, "bob", alice, 3},
		} {
			status, m, err := on(tc.via).send(ctx, tc.sender, room, "after")
			if err != nil || status != http.StatusCreated || m.Seq != tc.seq {
				t.Fatalf("send through instance %d: %d seq %d %v, want 201 seq %d", tc.via, status, m.Seq, err, tc.seq)
			}
			if err := tc.to.waitFor(ctx, "the message sent after the restart", gotSeq(tc.seq)); err != nil {
				t.Error(err)
			}
		}
		// New connections are accepted and synced.
		again := connect(t, ctx, ps[1], tn, "alice")
		if err := again.waitFor(ctx, "sync.complete", synced); err != nil {
			t.Error(err)
		}
	})
	for i, p := range ps {
		select {
		case <-p.done:
			t.Errorf("instance %d exited: %v", i, p.waitErr)
		default:
		}
	}
}
