package store_test

import (
	"context"
	"testing"

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
