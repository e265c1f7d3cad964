package store_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
	"github.com/chatapi/chatapi/store/storetest"
)

// BenchmarkSyncBacklog pages the backlog, 100,000 events over 50
// rooms (half of them messages, half member.joined), through Store.Sync,
// 500 events a page, and reports the live heap's largest growth while
// paging (flat: a page at a time) and the events/s. Seeding takes a while:
// run it once, with -benchtime=1x.
func BenchmarkSyncBacklog(b *testing.B) {
	const rooms, perRoom = 50, 2000
	for name, url := range benchBackends(b) {
		b.Run(name, func(b *testing.B) {
			st := openBench(b, url)
			tn, err := st.CreateTenant(context.Background(), "backlog", 1000, "hash-"+b.Name())
			if err != nil {
				b.Fatal(err)
			}
			fresh, err := st.Sync(context.Background(), tn.ID, "bob", nil, 0)
			if err != nil {
				b.Fatal(err)
			}
			storetest.Backlog(b, st, tn.ID, "bob", rooms, perRoom, perRoom/2)
			b.ResetTimer()
			var stats storetest.SyncStats
			for b.Loop() {
				stats = storetest.PageSync(b, st, tn.ID, "bob", fresh.Next, store.MaxEventsLimit)
				if stats.Events != rooms*perRoom {
					b.Fatalf("synced %d events, want %d", stats.Events, rooms*perRoom)
				}
			}
			b.ReportMetric(float64(stats.Events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(stats.FrameBytes)/(1<<20), "MB-synced")
			b.ReportMetric(float64(stats.MaxHeapGrowth)/(1<<20), "MB-heap-growth")
		})
	}
}

// BenchmarkResume pages one resume as the loadgen's sync -resume scenario
// makes it: a user away while 10,000 messages arrived across 10 rooms,
// 500 events a page through Store.Sync. One op is the whole resume; cpu-ms
// is the process's CPU time for it (user and system, every goroutine), a
// figure other work on the machine disturbs less than the time.
//
//	go test -run '^$' -bench Resume -benchtime 20x ./store/
func BenchmarkResume(b *testing.B) {
	const rooms, messages = 10, 1000
	for name, url := range benchBackends(b) {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			st := openBench(b, url)
			tn, err := st.CreateTenant(ctx, "resume", 1000, "hash-"+b.Name())
			if err != nil {
				b.Fatal(err)
			}
			fresh, err := st.Sync(ctx, tn.ID, "bob", nil, 0)
			if err != nil {
				b.Fatal(err)
			}
			storetest.Backlog(b, st, tn.ID, "bob", rooms, messages+1, messages)
			cpu0 := processCPU(b)
			events := 0
			for b.Loop() {
				events = 0
				cursor := fresh.Next
				for {
					page, err := st.Sync(ctx, tn.ID, "bob", &cursor, store.MaxEventsLimit)
					if err != nil {
						b.Fatal(err)
					}
					events += len(page.Events)
					cursor = page.Next
					if !page.HasMore {
						break
					}
				}
			}
			if events < rooms*messages {
				b.Fatalf("resumed %d events, want at least %d", events, rooms*messages)
			}
			b.ReportMetric(float64((processCPU(b)-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}

// processCPU is the CPU time the process has used, user and system.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
