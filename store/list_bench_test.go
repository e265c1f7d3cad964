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
// page. In the threaded runs every message has a reply, a quote and a
// mention, and the pages are top_level=true: each message of a page
// carries a thread summary, a quote and mentions.
//
//	go test -run '^$' -bench ListMessages -benchmem ./store/
func BenchmarkListMessages(b *testing.B) {
	for name, url := range benchBackends(b) {
		b.Run(name, func(b *testing.B) { benchListMessages(b, url, false) })
		b.Run(name+"/threaded", func(b *testing.B) { benchListMessages(b, url, true) })
	}
}

func benchListMessages(b *testing.B, url string, threaded bool) {
	const messages, limit = 1000, store.MaxMessagesLimit
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
		m, _, err := st.SendMessage(ctx, tn.ID, "writer", room.ID, store.NewMessage{Content: "history " + strconv.Itoa(i)})
		if err != nil {
			b.Fatal(err)
		}
		if threaded {
			if _, _, err := st.SendMessage(ctx, tn.ID, "reader", room.ID, store.NewMessage{Content: "reply " + strconv.Itoa(i),
				ParentID: &m.ID, QuotedID: &m.ID, Mentions: []string{"writer"}}); err != nil {
				b.Fatal(err)
			}
		}
	}
	last := int64(messages)
	if threaded {
		last *= 2
	}
	after := int64(0)
	for b.Loop() {
		page, err := st.ListMessages(ctx, tn.ID, "reader", room.ID, store.MessagePage{AfterSeq: &after, Limit: limit, TopLevel: threaded})
		if err != nil {
			b.Fatal(err)
		}
		if len(page) != limit || (threaded && page[0].Thread == nil) {
			b.Fatalf("page after %d: %d messages, want %d", after, len(page), limit)
		}
		if after = page[len(page)-1].Seq; after >= last-1 {
			after = 0
		}
	}
}
