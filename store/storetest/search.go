package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
)

// searchContents runs a search and returns the contents of every hit over
// every page, in the order found, failing t on an error.
func searchContents(t *testing.T, s *store.Store, tenant, actor string, q store.SearchQuery) []string {
	t.Helper()
	var out []string
	for range 50 {
		page, err := s.SearchMessages(t.Context(), tenant, actor, q)
		if err != nil {
			t.Fatalf("SearchMessages(%q by %s): %v", q.Q, actor, err)
		}
		for _, h := range page.Hits {
			out = append(out, h.Message.Content)
		}
		if page.NextCursor == "" {
			return out
		}
		q.Cursor = page.NextCursor
	}
	t.Fatalf("SearchMessages(%q): more than 50 pages", q.Q)
	return nil
}

func testSearchMessages(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	other := newTenant(t, s)

	group := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	channel := newRoom(t, s, tenant, "alice", store.RoomChannel)
	secret := newRoom(t, s, tenant, "carol", store.RoomGroup)
	const (
		fox      = "The quick brown fox jumps over the lazy dog"
		cafe     = "Un café crème à Paris, s'il vous plaît"
		markup   = "Meeting notes: Q3 roadmap & <script>alert(1)</script>"
		cjk      = "東京タワー に 行きました"
		latin    = "Straße naïve Ångström Łódź"
		prefix   = "preprocessing prefixes everywhere"
		cyrillic = "Привет МИР, Ελληνικά ΓΡΑΜΜΑΤΑ"
		chanMsg  = "channel announcement quarterly"
		hidden   = "secret quick plans"
	)
	for _, c := range []string{fox, cafe, markup, cjk, latin, prefix, cyrillic} {
		send(t, s, tenant, "alice", group.ID, c)
	}
	send(t, s, tenant, "alice", channel.ID, chanMsg)
	send(t, s, tenant, "carol", secret.ID, hidden)
	otherRoom := newRoom(t, s, other, "alice", store.RoomGroup)
	send(t, s, other, "alice", otherRoom.ID, "quick brown fox of another tenant")

	sqlite := b.Driver == "sqlite"
	tests := []struct {
		q    string
		want []string // newest first
	}{
		// words: all must match, anywhere, any case
		{"quick", []string{fox}},
		{"QUICK Brown", []string{fox}},
		{"quick dog", []string{fox}},
		{"quick cat", nil},
		{"qu", nil}, // words match whole
		{"the", []string{fox}},
		// phrases: the words next to each other, in order
		{`"quick brown"`, []string{fox}},
		{`"brown quick"`, nil},
		{`"quick fox"`, nil},
		{`"lazy dog" fox`, []string{fox}},
		{`"lazy dog" cat`, nil},
		{`"quick bro*"`, []string{fox}},
		// prefixes
		{"pre*", []string{prefix}},
		{"quic*", []string{fox}},
		{"Pref* every*", []string{prefix}},
		{"prez*", nil},
		// Latin accents fold both ways; punctuation separates words
		{"cafe", []string{cafe}},
		{"café", []string{cafe}},
		{"CAFÉ creme", []string{cafe}},
		{"plait", []string{cafe}},
		{"s'il", []string{cafe}},
		{"naive angstrom", []string{latin}},
		{"Łódź", []string{latin}}, // Ł has no decomposition: matched as written, ó/ź folded
		{"łÓdŹ", []string{latin}},
		{"lodz", nil},
		// Greek and Cyrillic fold case
		{"мир привет", []string{cyrillic}},
		{"ПРИВ*", []string{cyrillic}},
		{"ελληνικά γράμματα", nil}, // accents of Greek are not folded
		{"ελληνικα", nil},
		{"ελληνικά γραμματα", []string{cyrillic}},
		{"strasse", nil}, // ß is not ss in either engine
		{"straße", []string{latin}},
		// CJK: a run of letters without spaces is one word on both engines,
		// found whole or by its prefix, not by a word inside it
		{"東京タワー", []string{cjk}},
		{"東京*", []string{cjk}},
		{"東京", nil},
		{"タワー", nil},
		{"行きました", []string{cjk}},
		// markup is text
		{"script alert", []string{markup}},
		{"q3", []string{markup}},
		// channels are readable by every user of the tenant
		{"announcement", []string{chanMsg}},
		// another room's and another tenant's messages never
		{"secret", nil},
		{"plans", nil},
		// query syntax of the engines is data
		{`quick AND dog`, nil}, // "and" is a word the message lacks
		{`quick OR cat`, nil},
		{`NEAR(quick dog)`, nil},
		{`quick -dog`, []string{fox}},
		{`quick: & !dog | (x`, nil}, // "x" is a word the message lacks
		{`quick: & !dog | (`, []string{fox}},
		{`content:quick`, nil},
		{`'quick' \ ^`, []string{fox}},
		{`fox"lazy"`, []string{fox}},
	}
	_ = sqlite
	for _, tt := range tests {
		t.Run("alice/"+tt.q, func(t *testing.T) {
			got := searchContents(t, s, tenant, "alice", store.SearchQuery{Q: tt.q})
			if !slices.Equal(got, tt.want) {
				t.Fatalf("search %q: got %q, want %q", tt.q, got, tt.want)
			}
		})
	}

	t.Run("invalid queries", func(t *testing.T) {
		for _, q := range []string{"", "   ", `"unclosed`, "*", "quick *", "quick**", `"quick"*`, `""`, ";:,!", strings.Repeat("w ", 17),
			strings.Repeat("x", store.MaxSearchQuery+1), "bad\xffutf8"} {
			_, err := s.SearchMessages(ctx, tenant, "alice", store.SearchQuery{Q: q})
			checkErr(t, err, store.ErrInvalid, "q")
		}
		_, err := s.SearchMessages(ctx, tenant, "alice", store.SearchQuery{Q: "quick", Cursor: "nonsense"})
		checkErr(t, err, store.ErrInvalid, "cursor")
		_, err = s.SearchMessages(ctx, tenant, "alice", store.SearchQuery{Q: "quick", Limit: store.MaxSearchLimit + 1})
		checkErr(t, err, store.ErrInvalid, "limit")
	})

	t.Run("highlights", func(t *testing.T) {
		for _, tt := range []struct{ q, want string }{
			{"quick brown", "The <mark>quick</mark> <mark>brown</mark> fox jumps over the lazy dog"},
			{`"the lazy"`, "The quick brown fox jumps over <mark>the</mark> <mark>lazy</mark> dog"},
			{"the", "<mark>The</mark> quick brown fox jumps over <mark>the</mark> lazy dog"},
			{"script", "Meeting notes: Q3 roadmap &amp; &lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;"},
			{"cafe pari*", "Un <mark>café</mark> crème à <mark>Paris</mark>, s&#39;il vous plaît"},
			{"東京*", "<mark>東京タワー</mark> に 行きました"},
		} {
			page, err := s.SearchMessages(ctx, tenant, "alice", store.SearchQuery{Q: tt.q})
			if err != nil {
				t.Fatalf("SearchMessages(%q): %v", tt.q, err)
			}
			if len(page.Hits) != 1 || page.Hits[0].Highlight != tt.want {
				t.Fatalf("search %q: got %+v, want one hit highlighted %q", tt.q, page.Hits, tt.want)
			}
		}
	})

	t.Run("membership", func(t *testing.T) {
		for _, tt := range []struct {
			actor, q string
			want     []string
		}{
			{"bob", "quick", []string{fox}},                // a member
			{"mallory", "quick", nil},                      // no member of anything
			{"mallory", "announcement", []string{chanMsg}}, // but channels are open
			{"carol", "quick", []string{hidden}},           // her room only
			{"alice", "secret", nil},
		} {
			if got := searchContents(t, s, tenant, tt.actor, store.SearchQuery{Q: tt.q}); !slices.Equal(got, tt.want) {
				t.Errorf("%s searches %q: got %q, want %q", tt.actor, tt.q, got, tt.want)
			}
		}
		// A member who left sees no hit of the room again, old or new.
		room := newRoom(t, s, tenant, "alice", store.RoomGroup, "dave")
		send(t, s, tenant, "alice", room.ID, "leaving soon")
		if got := searchContents(t, s, tenant, "dave", store.SearchQuery{Q: "leaving"}); len(got) != 1 {
			t.Fatalf("member dave: got %q, want the message", got)
		}
		if _, err := s.RemoveMember(ctx, tenant, "dave", room.ID, "dave"); err != nil {
			t.Fatalf("RemoveMember: %v", err)
		}
		send(t, s, tenant, "alice", room.ID, "leaving after dave left")
		if got := searchContents(t, s, tenant, "dave", store.SearchQuery{Q: "leaving"}); len(got) != 0 {
			t.Fatalf("dave after leaving: got %q, want nothing", got)
		}
		if got := searchContents(t, s, tenant, "alice", store.SearchQuery{Q: "leaving"}); len(got) != 2 {
			t.Fatalf("alice: got %q, want both", got)
		}
	})

	t.Run("edits and deletes", func(t *testing.T) {
		room := newRoom(t, s, tenant, "erin", store.RoomGroup)
		m := send(t, s, tenant, "erin", room.ID, "original wording here")
		gone := send(t, s, tenant, "erin", room.ID, "ephemeral wording")
		if _, err := s.EditMessage(ctx, tenant, "erin", room.ID, m.ID, store.MessageUpdate{Content: ptr("revised wording here")}); err != nil {
			t.Fatalf("EditMessage: %v", err)
		}
		if _, err := s.DeleteMessage(ctx, tenant, "erin", room.ID, gone.ID); err != nil {
			t.Fatalf("DeleteMessage: %v", err)
		}
		for _, tt := range []struct {
			q    string
			want []string
		}{
			{"original", nil},
			{"revised", []string{"revised wording here"}},
			{"wording", []string{"revised wording here"}},
			{"ephemeral", nil},
			{"ephem*", nil},
		} {
			if got := searchContents(t, s, tenant, "erin", store.SearchQuery{Q: tt.q}); !slices.Equal(got, tt.want) {
				t.Errorf("search %q: got %q, want %q", tt.q, got, tt.want)
			}
		}
		// A second edit re-indexes again, and keeps the message's place.
		if _, err := s.EditMessage(ctx, tenant, "erin", room.ID, m.ID, store.MessageUpdate{Content: ptr("third wording")}); err != nil {
			t.Fatalf("EditMessage: %v", err)
		}
		if got := searchContents(t, s, tenant, "erin", store.SearchQuery{Q: "revised"}); len(got) != 0 {
			t.Errorf("after a second edit: got %q for the old text", got)
		}
		if got := searchContents(t, s, tenant, "erin", store.SearchQuery{Q: "third"}); len(got) != 1 {
			t.Errorf("after a second edit: got %q for the new text", got)
		}
	})

	t.Run("tenant isolation", func(t *testing.T) {
		if got := searchContents(t, s, other, "alice", store.SearchQuery{Q: "quick"}); !slices.Equal(got, []string{"quick brown fox of another tenant"}) {
			t.Fatalf("other tenant: got %q", got)
		}
		if got := searchContents(t, s, tenant, "alice", store.SearchQuery{Q: "tenant"}); len(got) != 0 {
			t.Fatalf("tenant: got %q, want nothing of the other tenant", got)
		}
		// Naming the other tenant's room finds nothing either.
		if got := searchContents(t, s, tenant, "alice", store.SearchQuery{Q: "quick", RoomID: otherRoom.ID}); len(got) != 0 {
			t.Fatalf("other tenant's room: got %q", got)
		}
	})

	t.Run("filters and pages", func(t *testing.T) {
		room := newRoom(t, s, tenant, "frank", store.RoomGroup, "gina")
		var sent []store.Message
		for i, sender := range []string{"frank", "gina", "frank", "gina", "frank"} {
			sent = append(sent, send(t, s, tenant, sender, room.ID, "pager item "+string(rune('a'+i))))
		}
		send(t, s, tenant, "alice", channel.ID, "pager elsewhere")
		all := searchContents(t, s, tenant, "frank", store.SearchQuery{Q: "pager", Limit: 2})
		want := []string{"pager elsewhere", "pager item e", "pager item d", "pager item c", "pager item b", "pager item a"}
		if !slices.Equal(all, want) {
			t.Fatalf("pages of 2: got %q, want %q", all, want)
		}
		page, err := s.SearchMessages(ctx, tenant, "frank", store.SearchQuery{Q: "pager", Limit: 6})
		if err != nil || page.NextCursor != "" || len(page.Hits) != 6 {
			t.Fatalf("a page holding all: got %d hits, cursor %q, %v", len(page.Hits), page.NextCursor, err)
		}
		at := func(m store.Message) *time.Time { return &m.CreatedAt }
		for _, tt := range []struct {
			name string
			q    store.SearchQuery
			want []string
		}{
			{"room", store.SearchQuery{RoomID: room.ID}, want[1:]},
			{"channel", store.SearchQuery{RoomID: channel.ID}, want[:1]},
			{"sender", store.SearchQuery{RoomID: room.ID, SenderID: "gina"}, []string{"pager item d", "pager item b"}},
			{"after", store.SearchQuery{RoomID: room.ID, After: at(sent[2])}, []string{"pager item e", "pager item d"}},
			{"before", store.SearchQuery{RoomID: room.ID, Before: at(sent[1])}, []string{"pager item a"}},
			{"window", store.SearchQuery{After: at(sent[0]), Before: at(sent[4])}, []string{"pager item d", "pager item c", "pager item b"}},
			{"unknown room", store.SearchQuery{RoomID: "room_missing"}, nil},
		} {
			tt.q.Q, tt.q.Limit = "pager", 2
			if got := searchContents(t, s, tenant, "frank", tt.q); !slices.Equal(got, tt.want) {
				t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
			}
		}
	})
}
