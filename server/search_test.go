package server_test

import (
	"context"
	"net/url"
	"slices"
	"testing"

	"github.com/chatapi/chatapi/gen/chatclient"
)

// GET /search/messages through the real router and validator, on both
// databases: hits and misses, membership, edits and deletes, tenants,
// highlights, and queries the engines would read as syntax.
func TestSearchMessages(t *testing.T) {
	onBothDatabases(t, testSearchMessages)
}

func testSearchMessages(t *testing.T, databaseURL string) {
	e := newEnvWith(t, envOptions{databaseURL: databaseURL})
	tn := e.newTenant("acme", 100000)
	other := e.newTenant("other", 100000)
	ctx := context.Background()

	group := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	channel := tn.createRoom("alice", chatclient.RoomTypeChannel)
	private := tn.createRoom("carol", chatclient.RoomTypeGroup)
	const xss = `Deploy <img src=x onerror=alert(1)> & "quote"`
	tn.send("alice", group.RoomId, "The quick brown fox jumps over the lazy dog")
	tn.send("bob", group.RoomId, "Un café crème, s'il vous plaît")
	tn.send("alice", group.RoomId, xss)
	tn.send("alice", group.RoomId, "東京タワー に 行きました")
	tn.send("alice", group.RoomId, "Write to ops@example.com, see docs/setup/guide")
	tn.send("bob", group.RoomId, "Écrivez à ops@exemple.fr, voir docs/installation")
	tn.send("alice", channel.RoomId, "channel announcement")
	tn.send("carol", private.RoomId, "carol's quick secret")
	otherRoom := other.createRoom("alice", chatclient.RoomTypeGroup)
	other.send("alice", otherRoom.RoomId, "quick fox of another tenant")
	edited := tn.send("alice", group.RoomId, "original draft")
	if r, err := tn.as("alice").UpdateMessageWithResponse(ctx, group.RoomId, edited.MessageId, chatclient.UpdateMessageRequest{Content: new("final draft")}); err != nil || r.JSON200 == nil {
		t.Fatalf("edit: %v %s", err, bodyOf(r))
	}
	deleted := tn.send("alice", group.RoomId, "regrettable remark")
	if r, err := tn.as("alice").DeleteMessageWithResponse(ctx, group.RoomId, deleted.MessageId); err != nil || r.JSON200 == nil {
		t.Fatalf("delete: %v %s", err, bodyOf(r))
	}

	search := func(t *testing.T, c *chatclient.ClientWithResponses, p chatclient.SearchMessagesParams) (contents, highlights []string) {
		t.Helper()
		for range 20 {
			r, err := c.SearchMessagesWithResponse(ctx, &p)
			if err != nil || r.JSON200 == nil {
				t.Fatalf("search %q: %v %s", p.Q, err, bodyOf(r))
			}
			for _, h := range r.JSON200.Data.Hits {
				contents = append(contents, h.Message.Content)
				highlights = append(highlights, h.Highlight)
			}
			if r.JSON200.Data.NextCursor == nil {
				return contents, highlights
			}
			p.Cursor = r.JSON200.Data.NextCursor
		}
		t.Fatalf("search %q: too many pages", p.Q)
		return nil, nil
	}

	tests := []struct {
		name, user, q string
		want          []string
		highlight     string // of the first hit, when set
	}{
		{"word", "alice", "quick", []string{"The quick brown fox jumps over the lazy dog"}, "The <mark>quick</mark> brown fox jumps over the lazy dog"},
		{"words", "alice", "DOG quick", []string{"The quick brown fox jumps over the lazy dog"}, ""},
		{"missing word", "alice", "quick cat", nil, ""},
		{"phrase", "alice", `"lazy dog"`, []string{"The quick brown fox jumps over the lazy dog"}, "The quick brown fox jumps over the <mark>lazy</mark> <mark>dog</mark>"},
		{"phrase out of order", "alice", `"dog lazy"`, nil, ""},
		{"prefix", "alice", "jum*", []string{"The quick brown fox jumps over the lazy dog"}, "The quick brown fox <mark>jumps</mark> over the lazy dog"},
		{"accent folded", "alice", "cafe CREME", []string{"Un café crème, s'il vous plaît"}, "Un <mark>café</mark> <mark>crème</mark>, s&#39;il vous plaît"},
		{"punctuation splits words", "alice", "example guide", []string{"Write to ops@example.com, see docs/setup/guide"}, "Write to ops@<mark>example</mark>.com, see docs/setup/<mark>guide</mark>"},
		{"punctuation splits words beside accents", "alice", "exemple installation", []string{"Écrivez à ops@exemple.fr, voir docs/installation"}, ""},
		{"CJK run", "alice", "東京*", []string{"東京タワー に 行きました"}, "<mark>東京タワー</mark> に 行きました"},
		{"CJK inside a run", "alice", "タワー", nil, ""},
		{"markup is escaped", "alice", "onerror", []string{xss}, `Deploy &lt;img src=x <mark>onerror</mark>=alert(1)&gt; &amp; &#34;quote&#34;`},
		{"edited: new text", "alice", "final", []string{"final draft"}, ""},
		{"edited: old text", "alice", "original", nil, ""},
		{"deleted", "alice", "regrettable", nil, ""},
		{"member", "bob", "quick", []string{"The quick brown fox jumps over the lazy dog"}, ""},
		{"channel for anyone", "zoe", "announcement", []string{"channel announcement"}, ""},
		{"non-member", "zoe", "quick", nil, ""},
		{"another room", "carol", "quick", []string{"carol's quick secret"}, ""},
		{"engine syntax is data", "alice", `quick OR NEAR(fox) col:x ^ "`, nil, ""},
		{"operators are separators", "alice", `quick -fox & !dog | (`, []string{"The quick brown fox jumps over the lazy dog"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.q == `quick OR NEAR(fox) col:x ^ "` {
				// An unclosed quote: refused, not an engine error.
				r, err := tn.as(tt.user).SearchMessagesWithResponse(ctx, &chatclient.SearchMessagesParams{Q: tt.q})
				refused(t, r, err, refusal{400, "VALIDATION_ERROR", "q"})
				tt.q = `quick OR NEAR(fox) col:x ^`
			}
			got, hl := search(t, tn.as(tt.user), chatclient.SearchMessagesParams{Q: tt.q, Limit: new(2)})
			if !slices.Equal(got, tt.want) {
				t.Fatalf("%s searches %q: got %q, want %q", tt.user, tt.q, got, tt.want)
			}
			if tt.highlight != "" && hl[0] != tt.highlight {
				t.Fatalf("highlight: got %q, want %q", hl[0], tt.highlight)
			}
		})
	}

	t.Run("a member who left", func(t *testing.T) {
		if r, err := tn.as("bob").RemoveMemberWithResponse(ctx, group.RoomId, "bob"); err != nil || r.StatusCode() >= 300 {
			t.Fatalf("leave: %v %s", err, bodyOf(r))
		}
		tn.send("alice", group.RoomId, "quick note after bob left")
		if got, _ := search(t, tn.as("bob"), chatclient.SearchMessagesParams{Q: "quick"}); len(got) != 0 {
			t.Fatalf("bob after leaving: got %q", got)
		}
		if got, _ := search(t, tn.as("alice"), chatclient.SearchMessagesParams{Q: "quick", RoomId: &group.RoomId}); len(got) != 2 {
			t.Fatalf("alice in the room: got %q, want 2", got)
		}
	})

	t.Run("another tenant", func(t *testing.T) {
		got, _ := search(t, other.as("alice"), chatclient.SearchMessagesParams{Q: "quick"})
		if !slices.Equal(got, []string{"quick fox of another tenant"}) {
			t.Fatalf("got %q", got)
		}
		if got, _ := search(t, tn.as("alice"), chatclient.SearchMessagesParams{Q: "quick", RoomId: &otherRoom.RoomId}); len(got) != 0 {
			t.Fatalf("other tenant's room named: got %q", got)
		}
	})

	t.Run("refusals", func(t *testing.T) {
		h := map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice"}
		tests := []struct {
			name, query string
			headers     map[string]string
			want        refusal
		}{
			{"no q", "", h, refusal{400, "VALIDATION_ERROR", "q"}},
			{"empty q", "q=", h, refusal{400, "VALIDATION_ERROR", "q"}},
			{"punctuation only", "q=" + url.QueryEscape("&|!()"), h, refusal{400, "VALIDATION_ERROR", "q"}},
			{"unclosed quote", "q=" + url.QueryEscape(`"lazy dog`), h, refusal{400, "VALIDATION_ERROR", "q"}},
			{"lone star", "q=" + url.QueryEscape("*"), h, refusal{400, "VALIDATION_ERROR", "q"}},
			{"star after a space", "q=" + url.QueryEscape("quick *"), h, refusal{400, "VALIDATION_ERROR", "q"}},
			{"too many words", "q=" + url.QueryEscape("a b c d e f g h i j k l m n o p q"), h, refusal{400, "VALIDATION_ERROR", "q"}},
			{"limit 0", "q=quick&limit=0", h, refusal{400, "VALIDATION_ERROR", "limit"}},
			{"limit 101", "q=quick&limit=101", h, refusal{400, "VALIDATION_ERROR", "limit"}},
			{"bad cursor", "q=quick&cursor=garbage", h, refusal{400, "VALIDATION_ERROR", "cursor"}},
			{"bad time", "q=quick&after=yesterday", h, refusal{400, "VALIDATION_ERROR", "after"}},
			{"bad room id", "q=quick&room_id=" + url.QueryEscape("a b"), h, refusal{400, "VALIDATION_ERROR", "room_id"}},
			{"no key", "q=quick", map[string]string{"X-User-Id": "alice"}, refusal{401, "AUTHENTICATION_ERROR", ""}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				status, _, body := e.raw("GET", "/search/messages?"+tt.query, tt.headers, "")
				checkRefusal(t, status, body, tt.want)
			})
		}
	})
}
