package realtime_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

// BenchmarkFanout1000 publishes message events to a room of 1,000 members,
// each connected over a real (loopback, in-process) WebSocket, and counts
// an operation done when every member has the message. It measures the
// hub's whole broadcast path: member lookup, ordering, one encode, 1,000
// queue pushes and socket writes (and, sharing the CPU, the clients' reads).
func BenchmarkFanout1000(b *testing.B) {
	const members = 1000
	ctx := context.Background()
	// No acks are sent: redelivery must not start during the benchmark.
	e := newEnv(b, realtime.Config{AckTimeout: time.Hour, QueueSize: 1024})
	users := make([]string, members)
	for i := range users {
		users[i] = fmt.Sprintf("u%d", i)
	}
	room, err := e.st.CreateRoom(ctx, e.tenant, "sender", store.NewRoom{Type: store.RoomGroup, Members: users})
	if err != nil {
		b.Fatal(err)
	}

	var delivered atomic.Int64
	var synced sync.WaitGroup
	rctx, stop := context.WithCancel(ctx)
	var readers sync.WaitGroup
	defer func() { stop(); readers.Wait() }()
	for _, u := range users {
		ws, _, err := websocket.Dial(ctx, e.url(u), nil)
		if err != nil {
			b.Fatal(err)
		}
		ws.SetReadLimit(1 << 20)
		synced.Add(1)
		readers.Go(func() {
			defer ws.CloseNow()
			once := sync.OnceFunc(synced.Done)
			defer once()
			for {
				_, data, err := ws.Read(rctx)
				if err != nil {
					return
				}
				switch {
				case strings.HasPrefix(string(data), `{"type":"message"`):
					delivered.Add(1)
				case strings.Contains(string(data), `"sync.complete"`):
					once()
				}
			}
		})
	}
	synced.Wait()
	time.Sleep(500 * time.Millisecond) // the presence.update storm of the connects

	seq := int64(0)
	// Outstanding broadcasts are bounded so queues never overflow.
	const window = 64
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		seq++
		e.hub.Publish(ctx, event.ForMessage(event.MessageCreated, e.tenant, store.Message{
			ID: fmt.Sprintf("msg_%d", seq), RoomID: room.ID, SenderID: "sender", Seq: seq,
			Content: "fanout", CreatedAt: time.Now().UTC(),
			// The room's log holds its members' joins; each message follows.
			EventSeq: room.LastEventSeq + seq,
		}))
		for delivered.Load() < (seq-window)*members {
			time.Sleep(50 * time.Microsecond)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for delivered.Load() < seq*members {
		if time.Now().After(deadline) {
			b.Fatalf("delivered %d of %d", delivered.Load(), seq*members)
		}
		time.Sleep(50 * time.Microsecond)
	}
	b.ReportMetric(float64(seq*members)/time.Since(start).Seconds(), "deliveries/s")
}
