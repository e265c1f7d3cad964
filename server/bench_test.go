package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/server"
	"github.com/chatapi/chatapi/store"
	"github.com/chatapi/chatapi/store/pgtest"
)

// BenchmarkSendMessage measures the REST send path as production runs it:
// the real Echo router, contract validator, authentication, rate limiter,
// request logging (JSON, discarded), the store and the realtime hub as
// publisher (no sockets), over a loopback HTTP server with keep-alive
// connections. 32 senders share 8 group rooms (4 each), every send carries
// a client_msg_id. It reports msgs/s, the p50/p99 latency seen by the client
// and the process's CPU per message, and fails when the seqs a room handed
// out are not exactly 1..n.
//
// sqlite runs on a temporary file with the production DSN. postgres runs
// only when DATABASE_URL_TEST names a PostgreSQL server (as for the store
// suite), in a schema of its own; point it at a server with fsync on to
// measure what production pays.
//
// The client is plain net/http rather than the generated client so that the
// load generator, which shares the cores, costs as little as it can.
//
//	go test -run '^$' -bench SendMessage/sqlite -benchtime 10000x -count 5 ./server/
func BenchmarkSendMessage(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		benchmarkSendMessage(b, filepath.Join(b.TempDir(), "chatapi.db"))
	})
	b.Run("postgres", func(b *testing.B) {
		base := os.Getenv("DATABASE_URL_TEST")
		if base == "" {
			b.Skip("DATABASE_URL_TEST is not set")
		}
		url, drop, err := pgtest.NewSchema(context.Background(), base, "")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(drop)
		benchmarkSendMessage(b, url)
	})
}

func benchmarkSendMessage(b *testing.B, databaseURL string) {
	const senders, rooms = 32, 8
	ctx := context.Background()
	st, err := store.Open(ctx, databaseURL)
	if err != nil {
		b.Fatalf("open store: %v", err)
	}
	b.Cleanup(func() { st.Close() })
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	hub, err := realtime.New(realtime.Config{Logger: logger}, st)
	if err != nil {
		b.Fatalf("hub: %v", err)
	}
	app, err := server.New(server.Config{
		MasterKey: testMasterKey, Logger: logger, WS: hub, Connections: hub.Connections, Presence: hub,
	}, st, hub)
	if err != nil {
		b.Fatalf("server.New: %v", err)
	}
	srv := httptest.NewServer(app)
	b.Cleanup(srv.Close)
	b.Cleanup(func() { _ = hub.Shutdown(context.Background()) })

	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 2 * senders, MaxIdleConnsPerHost: 2 * senders}}
	b.Cleanup(client.CloseIdleConnections)
	call := func(method, path string, headers map[string]string, body any, out any) int {
		raw, err := json.Marshal(body)
		if err != nil {
			b.Fatal(err)
		}
		req, err := http.NewRequest(method, srv.URL+path, bytes.NewReader(raw))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			b.Fatalf("%s %s: %d, body not JSON: %v", method, path, resp.StatusCode, err)
		}
		return resp.StatusCode
	}

	var created struct {
		Data struct {
			APIKey string `json:"api_key"`
		} `json:"data"`
	}
	if code := call(http.MethodPost, "/admin/tenants", map[string]string{"X-Master-Key": testMasterKey},
		map[string]any{"name": "bench", "rate_limit_rps": 100000}, &created); code != http.StatusCreated {
		b.Fatalf("create tenant: %d", code)
	}
	key := created.Data.APIKey
	user := func(i int) string { return fmt.Sprintf("user-%02d", i) }
	roomIDs := make([]string, rooms)
	for r := range rooms {
		var members []string
		for i := r + rooms; i < senders; i += rooms {
			members = append(members, user(i))
		}
		var room struct {
			Data struct {
				RoomID string `json:"room_id"`
			} `json:"data"`
		}
		if code := call(http.MethodPost, "/rooms", map[string]string{"X-API-Key": key, "X-User-Id": user(r)},
			map[string]any{"type": "group", "members": members}, &room); code != http.StatusCreated {
			b.Fatalf("create room: %d", code)
		}
		roomIDs[r] = room.Data.RoomID
	}

	var (
		next      atomic.Int64 // hands each goroutine its sender
		mu        sync.Mutex
		seqs      = make([][]int64, rooms)
		latencies []time.Duration
	)
	b.SetParallelism((senders + 1) / 2) // × GOMAXPROCS (2 here) goroutines
	b.ReportAllocs()
	b.ResetTimer()
	start, cpuStart := time.Now(), processCPU(b)
	b.RunParallel(func(pb *testing.PB) {
		i := int(next.Add(1)-1) % senders
		r := i % rooms
		path := srv.URL + "/rooms/" + roomIDs[r] + "/messages"
		var mine []int64
		var lat []time.Duration
		for n := 0; pb.Next(); n++ {
			body := fmt.Sprintf(`{"content":"hello from %s, message %d","client_msg_id":"%s-%d"}`, user(i), n, user(i), n)
			req, err := http.NewRequest(http.MethodPost, path, bytes.NewReader([]byte(body)))
			if err != nil {
				b.Error(err)
				return
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-API-Key", key)
			req.Header.Set("X-User-Id", user(i))
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			var out struct {
				Data struct {
					Seq int64 `json:"seq"`
				} `json:"data"`
			}
			err = json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			lat = append(lat, time.Since(t0))
			if err != nil || resp.StatusCode != http.StatusCreated {
				b.Errorf("send: status %d, %v", resp.StatusCode, err)
				return
			}
			mine = append(mine, out.Data.Seq)
		}
		mu.Lock()
		seqs[r] = append(seqs[r], mine...)
		latencies = append(latencies, lat...)
		mu.Unlock()
	})
	elapsed, cpu := time.Since(start), processCPU(b)-cpuStart
	b.StopTimer()

	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
	// CPU per message (server and client: one process) moves far less than
	// msgs/s when other work shares the machine.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/msg")
	if len(latencies) > 0 {
		slices.Sort(latencies)
		b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
	}
	for r, got := range seqs {
		slices.Sort(got)
		for i, seq := range got {
			if seq != int64(i+1) {
				b.Fatalf("room %d: seqs are not 1..%d: position %d holds %d", r, len(got), i, seq)
			}
		}
	}
}

// processCPU is the user and system CPU time this process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
