package store_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
)

// BenchmarkListMessages pages through 1,000 messages of a room 100 at a
// time with after_seq, as the history scenario's reader does; one op is one
// page.
//
//	go test -run '^$' -bench ListMessages -benchmem ./store/
func BenchmarkListMessages(b *testing.B) {
	const messages, limit = 1000, store.MaxMessagesLimit
	for name, url := range benchBackends(b) {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			st := openBench(b, url)
			tn, err := st.CreateTenant(ctx, "bench", 1000, "hash-list-"+strconv.FormatInt(time.Now().UnixNano(), 10))
			if err != nil {
				b.Fatal(err)
			}
			room, err := st.CreateRoom(ctx, tn.ID, "writer", store.NewRoom{Type: store.RoomGroup, Members: []string{"reader"}})
			if err != nil {
				b.Fatal(err)
			}
			for i := range messages {
				if _, _, err := st.SendMessage(ctx, tn.ID, "writer", room.ID, store.NewMessage{Content: "history " + strconv.Itoa(i)}); err != nil {
					b.Fatal(err)
				}
			}
			after := int64(0)
			for b.Loop() {
				page, err := st.ListMessages(ctx, tn.ID, "reader", room.ID, store.MessagePage{AfterSeq: &after, Limit: limit})
				if err != nil {
					b.Fatal(err)
				}
				if len(page) != limit {
					b.Fatalf("page after %d: %d messages, want %d", after, len(page), limit)
				}
				if after += limit; after >= messages {
					after = 0
				}
			}
		})
	}
}
