package sendbaseline_test

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/chatapi/chatapi/store"
	"github.com/chatapi/chatapi/tools/loadgen/sendbaseline"
)

// The shape of store/send_bench_test.go's BenchmarkSendMessage, which this
// benchmark is the ceiling of: benchSenders goroutines over benchRooms
// rooms (the loadgen send scenario's C=32, G=8).
const (
	benchSenders = 32
	benchRooms   = 8
)

// BenchmarkSendBaseline runs SendMessage's transaction directly with
// database/sql: serial (one sender, one room: the latency of one send) and
// parallel (the throughput). Compare it with store's BenchmarkSendMessage
// run on the same machine. (pgtest's cluster runs with fsync off, so the
// PostgreSQL figures are not durable-commit figures; make bench measures
// with fsync on.)
func BenchmarkSendBaseline(b *testing.B) {
	for _, be := range backends(b) {
		b.Run(be.name, func(b *testing.B) {
			ctx := context.Background()
			url := be.newURL(b)
			st, err := store.Open(ctx, url) // migrates the schema
			if err != nil {
				b.Fatal(err)
			}
			targets := benchTargets(b, st)
			if err := st.Close(); err != nil {
				b.Fatal(err)
			}
			db, postgres, err := sendbaseline.Open(ctx, url)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			s := sendbaseline.NewSender(db, postgres)
			b.Run("serial", func(b *testing.B) {
				for b.Loop() {
					if err := s.Send(ctx, targets[0], "bench"); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(fmt.Sprintf("parallel%d", benchSenders), func(b *testing.B) {
				var next atomic.Int64
				// RunParallel starts parallelism × GOMAXPROCS goroutines.
				b.SetParallelism(max(1, benchSenders/runtime.GOMAXPROCS(0)))
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					t := targets[int(next.Add(1)-1)%len(targets)]
					for pb.Next() {
						if err := s.Send(ctx, t, "bench"); err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			})
		})
	}
}

// benchTargets creates a tenant and rooms of benchSenders/benchRooms
// senders each; sender i is in room i mod benchRooms.
func benchTargets(b *testing.B, st *store.Store) []sendbaseline.Target {
	ctx := context.Background()
	tn, err := st.CreateTenant(ctx, "bench", 1000, "hash-"+b.Name())
	if err != nil {
		b.Fatal(err)
	}
	rooms := make([]string, benchRooms)
	for r := range rooms {
		var members []string
		for i := r; i < benchSenders; i += benchRooms {
			members = append(members, fmt.Sprintf("s%d", i))
		}
		room, err := st.CreateRoom(ctx, tn.ID, members[0], store.NewRoom{Type: store.RoomGroup, Members: members})
		if err != nil {
			b.Fatal(err)
		}
		rooms[r] = room.ID
	}
	targets := make([]sendbaseline.Target, benchSenders)
	for i := range targets {
		targets[i] = sendbaseline.Target{TenantID: tn.ID, RoomID: rooms[i%benchRooms], Sender: fmt.Sprintf("s%d", i)}
	}
	return targets
}
