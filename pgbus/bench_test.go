package pgbus_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/pgbus"
	"github.com/chatapi/chatapi/store"
	"github.com/chatapi/chatapi/store/pgtest"
)

// counter is a local hub that counts what the bus delivers to it.
type counter struct {
	n    atomic.Int64
	want int64
	all  chan struct{}
}

func (c *counter) Deliver(context.Context, event.Event) {
	if c.n.Add(1) == c.want {
		close(c.all)
	}
}

func (c *counter) Resync(context.Context) {}

// BenchmarkBusCarries is how many events a second one instance's bus
// carries to another, broadcast by 32 publishers at once (the requests of
// one instance). Against the test cluster (fsync off) unless
// DATABASE_URL_TEST names another: with fsync on, a transaction per event
// costs a disk flush each, one at a time across the server.
func BenchmarkBusCarries(b *testing.B) {
	for _, size := range []int{0, 1000, 4000} {
		b.Run(fmt.Sprintf("content=%d", size), func(b *testing.B) { benchmarkBusCarries(b, size) })
	}
}

// benchmarkBusCarries sends message events of size bytes of content.
func benchmarkBusCarries(b *testing.B, size int) {
	if pg.err != nil {
		pgtest.Unavailable(b, pg.err)
	}
	url, drop, err := pgtest.NewSchema(b.Context(), pg.url, "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(drop)
	run := func(id string, local pgbus.Local) *pgbus.Bus {
		st, err := store.Open(b.Context(), url)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = st.Close() })
		dsn, err := store.PostgresURL(url)
		if err != nil {
			b.Fatal(err)
		}
		bus, err := pgbus.New(b.Context(), pgbus.Config{DSN: dsn, InstanceID: id}, st)
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); _ = bus.Run(ctx, local) }()
		b.Cleanup(func() { cancel(); <-done })
		<-bus.Listening()
		return bus
	}
	recv := &counter{want: int64(b.N), all: make(chan struct{})}
	run("b", recv)
	a := run("a", &counter{want: -1})
	const publishers = 32
	e := event.ForMessage(event.MessageCreated, "ten_1", store.Message{
		ID: "msg_1", RoomID: "room_1", SenderID: "u", Content: strings.Repeat("x", size), CreatedAt: time.Now().UTC(),
	})
	b.ResetTimer()
	start, cpu0 := time.Now(), processCPU(b)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range publishers {
		wg.Go(func() {
			for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
				m := *e.Message
				m.Seq = i // distinct payloads: PostgreSQL folds identical ones of a transaction
				e := e
				e.Message = &m
				a.Broadcast(context.Background(), e)
			}
		})
	}
	wg.Wait()
	select {
	case <-recv.all:
	case <-time.After(time.Minute):
		b.Fatalf("delivered %d of %d", recv.n.Load(), b.N)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	// CPU per event holds on a busy machine, where events/s does not: both
	// instances' buses, the sender's and the receiver's, are this process.
	b.ReportMetric(float64((processCPU(b)-cpu0).Microseconds())/float64(b.N), "cpu-µs/event")
}

// processCPU is the CPU time (user and system) this process used so far.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
