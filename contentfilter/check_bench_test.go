package contentfilter_test

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chatapi/chatapi/chat"
	"github.com/chatapi/chatapi/contentfilter"
	"github.com/chatapi/chatapi/store"
)

func BenchmarkCheck(b *testing.B) {
	ctx := b.Context()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "c.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	tn, _ := st.CreateTenant(ctx, "acme", 0, "hash")
	words := make([]string, 10000)
	for w := range words {
		words[w] = "blk" + strconv.FormatInt(int64(w*7919), 36) + "word"
	}
	st.SetBlocklist(ctx, tn.ID, store.Blocklist{Words: words, Match: "word", Action: "mask"})
	f := contentfilter.New(st, contentfilter.Config{})
	d := chat.Draft{TenantID: tn.ID, RoomID: "r", SenderID: "u", Content: "load s1 123: the quarterly numbers look fine, but could we move Thursday's review to Friday morning? Café at 10 works for me."}
	f.Check(ctx, d)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := f.Check(ctx, d); err != nil {
				b.Fatal(err)
			}
		}
	})
}
