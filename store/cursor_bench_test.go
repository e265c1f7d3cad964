package store_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/chatapi/chatapi/store"
)

// BenchmarkDelivered measures what a fan-out's receivers cost the store
// when each confirms what arrived (loadgen fanout -confirm delivered): 256
// members of one room move their delivered cursors at once, each to a
// higher seq every time. The moves that queue share transactions (see
// cursorWriter), so the figure to read is ns/op under parallelism, not one
// commit's latency.
func BenchmarkDelivered(b *testing.B) {
	const members, messages = 256, 2000
	var runs atomic.Int64 // the harness runs each backend several times
	for name, url := range benchBackends(b) {
		b.Run(name, func(b *testing.B) {
			st := openBench(b, url)
			ctx := context.Background()
			tn, err := st.CreateTenant(ctx, "bench", 1000, fmt.Sprintf("hash-%s-%d", b.Name(), runs.Add(1)))
			if err != nil {
				b.Fatal(err)
			}
			ids := make([]string, members)
			for i := range ids {
				ids[i] = fmt.Sprintf("u%03d", i)
			}
			room, err := st.CreateRoom(ctx, tn.ID, "sender", store.NewRoom{Type: store.RoomGroup, Members: ids})
			if err != nil {
				b.Fatal(err)
			}
			for range messages {
				if _, _, err := st.SendMessage(ctx, tn.ID, "sender", room.ID, store.NewMessage{Content: "x"}); err != nil {
					b.Fatal(err)
				}
			}
			var next atomic.Int64
			b.SetParallelism(members / 2) // goroutines per GOMAXPROCS: members in all on 2 cores
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				user := ids[int(next.Add(1)-1)%members]
				seq := int64(0)
				for pb.Next() {
					// Each confirmation a step further; past the last
					// message (not reached at -benchtime 3s) it would
					// only read.
					seq = min(seq+1, messages)
					if _, err := st.Delivered(ctx, tn.ID, user, room.ID, seq); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
