package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/chatapi/chatapi/store"
	"github.com/chatapi/chatapi/store/pgtest"
)

// benchSenders is how many goroutines send at once in the parallel
// benchmarks, as in the loadgen send scenario (C=32 over G=8 rooms).
const (
	benchSenders = 32
	benchRooms   = 8
)

// benchBackends opens a fresh database per backend: a SQLite file, and a
// schema on the test binary's PostgreSQL (note: pgtest's cluster runs with
// fsync off, so these PostgreSQL figures are not durable-commit figures;
// make bench measures with fsync on).
func benchBackends(b *testing.B) map[string]string {
	urls := map[string]string{"sqlite": filepath.Join(b.TempDir(), "bench.db")}
	if pgURL, err := store.SharedPostgres(); err == nil {
		u, drop, err := pgtest.NewSchema(context.Background(), pgURL, "")
		if err != nil {
			b.Fatalf("NewSchema: %v", err)
		}
		b.Cleanup(drop)
		urls["postgres"] = u
	}
	return urls
}

// openBench opens the store at url for the benchmark b, closing it when b
// ends.
func openBench(b *testing.B, url string) *store.Store {
	st, err := store.Open(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// benchTarget is a room with a member who sends to it.
type benchTarget struct{ RoomID, Sender string }

// benchRoomsOf creates a tenant and rooms of benchSenders/benchRooms
// senders each; sender i is in room i mod benchRooms.
func benchRoomsOf(b *testing.B, st *store.Store) (tenantID string, targets []benchTarget) {
	ctx := context.Background()
	tn, err := st.CreateTenant(ctx, "bench", 1000, "hash-"+b.Name())
	if err != nil {
		b.Fatal(err)
	}
	senders := make([]string, benchSenders)
	for i := range senders {
		senders[i] = fmt.Sprintf("s%d", i)
	}
	rooms := make([]string, benchRooms)
	for r := range rooms {
		var members []string
		for i := r; i < benchSenders; i += benchRooms {
			members = append(members, senders[i])
		}
		room, err := st.CreateRoom(ctx, tn.ID, members[0], store.NewRoom{Type: store.RoomGroup, Members: members})
		if err != nil {
			b.Fatal(err)
		}
		rooms[r] = room.ID
	}
	for i, s := range senders {
		targets = append(targets, benchTarget{RoomID: rooms[i%benchRooms], Sender: s})
	}
	return tn.ID, targets
}

// BenchmarkSendMessage stores messages through Store.SendMessage: serial
// (one sender, one room: the latency of one send) and parallel
// (benchSenders goroutines over benchRooms rooms: the throughput). The
// same work straight through database/sql is tools/loadgen/sendbaseline's
// BenchmarkSendBaseline.
func BenchmarkSendMessage(b *testing.B) {
	for name, url := range benchBackends(b) {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			st := openBench(b, url)
			tenantID, targets := benchRoomsOf(b, st)
			b.Run("serial", func(b *testing.B) {
				t := targets[0]
				for b.Loop() {
					if _, _, err := st.SendMessage(ctx, tenantID, t.Sender, t.RoomID, store.NewMessage{Content: "bench"}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(fmt.Sprintf("parallel%d", benchSenders), func(b *testing.B) {
				parallelSends(b, targets, func(t benchTarget) error {
					_, _, err := st.SendMessage(ctx, tenantID, t.Sender, t.RoomID, store.NewMessage{Content: "bench"})
					return err
				})
			})
		})
	}
}

// parallelSends runs send from benchSenders goroutines, each on its own
// target, and reports msgs/s.
func parallelSends(b *testing.B, targets []benchTarget, send func(benchTarget) error) {
	var next atomic.Int64
	// RunParallel starts parallelism × GOMAXPROCS goroutines.
	b.SetParallelism(max(1, benchSenders/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		t := targets[int(next.Add(1)-1)%len(targets)]
		for pb.Next() {
			if err := send(t); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
