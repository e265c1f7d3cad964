package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chatapi/chatapi/contentfilter"
	"github.com/chatapi/chatapi/gen/chatclient"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

// setBlocklist replaces tn's blocklist or fails the test.
func (tn tenant) setBlocklist(words []string, match chatclient.BlocklistMatch, action chatclient.BlocklistAction) {
	tn.e.t.Helper()
	r, err := tn.as("ops").SetBlocklistWithResponse(context.Background(), chatclient.SetBlocklistRequest{Words: words, Match: &match, Action: &action})
	if err != nil || r.JSON200 == nil {
		tn.e.t.Fatalf("set blocklist: %v %s", err, bodyOf(r))
	}
}

// reasonOf is the details.reason of an error envelope.
func reasonOf(t *testing.T, raw []byte) any {
	t.Helper()
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil || env.Error == nil {
		t.Fatalf("not an error envelope: %s", raw)
	}
	return env.Error.Details["reason"]
}

// The blocklist over HTTP: who may set it, its limits, and what each action
// and match mode does to sends and edits.
func TestBlocklist(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	other := e.newTenant("other", 100000)
	ctx := context.Background()
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	otherRoom := other.createRoom("alice", chatclient.RoomTypeGroup)

	t.Run("default", func(t *testing.T) {
		r, err := tn.as("ops").GetBlocklistWithResponse(ctx)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("get: %v %s", err, bodyOf(r))
		}
		if d := r.JSON200.Data; len(d.Words) != 0 || d.Match != "word" || d.Action != "block" || d.UpdatedAt != nil {
			t.Fatalf("default blocklist = %+v", d)
		}
	})

	refusals := []struct {
		name   string
		client *chatclient.ClientWithResponses
		body   string
		want   refusal
	}{
		{"user token", e.bearer(tn.token("alice")), `{"words":["x"]}`, refusal{http.StatusForbidden, "AUTHORIZATION_ERROR", "Authorization"}},
		{"too many words", nil, `{"words":[` + strings.Repeat(`"w",`, 10000) + `"w"]}`, refusal{http.StatusBadRequest, "VALIDATION_ERROR", "words"}},
		{"word too long", nil, `{"words":["` + strings.Repeat("x", 101) + `"]}`, refusal{http.StatusBadRequest, "VALIDATION_ERROR", ""}},
		{"empty word", nil, `{"words":[""]}`, refusal{http.StatusBadRequest, "VALIDATION_ERROR", ""}},
		{"unknown action", nil, `{"words":["x"],"action":"shout"}`, refusal{http.StatusBadRequest, "VALIDATION_ERROR", "action"}},
		{"unknown match", nil, `{"words":["x"],"match":"regex"}`, refusal{http.StatusBadRequest, "VALIDATION_ERROR", "match"}},
	}
	for _, tt := range refusals {
		t.Run("refused/"+tt.name, func(t *testing.T) {
			h := map[string]string{"X-API-Key": tn.key, "X-User-Id": "ops", "Content-Type": "application/json"}
			if tt.client != nil {
				h = map[string]string{"Authorization": "Bearer " + tn.token("alice"), "Content-Type": "application/json"}
			}
			status, _, raw := e.raw(http.MethodPut, "/moderation/blocklist", h, tt.body)
			checkRefusal(t, status, raw, tt.want)
		})
	}

	t.Run("10,000 words in one body", func(t *testing.T) {
		words := make([]string, 10000)
		for i := range words {
			words[i] = fmt.Sprintf("longishword%05d", i)
		}
		tn.setBlocklist(words, "word", "block")
		r, err := tn.as("ops").GetBlocklistWithResponse(ctx)
		if err != nil || r.JSON200 == nil || len(r.JSON200.Data.Words) != 10000 || r.JSON200.Data.UpdatedAt == nil {
			t.Fatalf("get: %v %s", err, bodyOf(r))
		}
		refusedSend(t, tn, room.RoomId, "hi LongishWord09999!")
	})

	type outcome int
	const (
		stored outcome = iota
		blocked
	)
	cases := []struct {
		name    string
		words   []string
		match   chatclient.BlocklistMatch
		action  chatclient.BlocklistAction
		content string
		want    outcome
		// content is the content stored; flagged whether a report opened.
		result  string
		flagged bool
	}{
		{"block, whole word", []string{"darn"}, "word", "block", "well DARN it", blocked, "", false},
		{"block, no match inside a word", []string{"darn"}, "word", "block", "darned", stored, "darned", false},
		{"block, substring", []string{"darn"}, "substring", "block", "darned", blocked, "", false},
		{"block, unicode folding", []string{"straße"}, "word", "block", "die STRASSE", blocked, "", false},
		{"block, full-width", []string{"bad"}, "word", "block", "ｂａｄ", blocked, "", false},
		{"mask", []string{"darn", "heck"}, "word", "mask", "Darn, what the heck!", stored, "***, what the ***!", false},
		{"mask, substring", []string{"ass"}, "substring", "mask", "classic", stored, "cl***ic", false},
		{"flag", []string{"darn"}, "word", "flag", "darn it", stored, "darn it", true},
		{"flag, no match", []string{"darn"}, "word", "flag", "fine", stored, "fine", false},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			tn.setBlocklist(tt.words, tt.match, tt.action)
			before := openReports(t, tn)
			if tt.want == blocked {
				refusedSend(t, tn, room.RoomId, tt.content)
				// An edit to the same words is refused alike.
				m := tn.send("alice", room.RoomId, "innocent")
				r, err := tn.as("alice").UpdateMessageWithResponse(ctx, room.RoomId, m.MessageId, chatclient.UpdateMessageRequest{Content: &tt.content})
				refused(t, r, err, refusal{http.StatusBadRequest, "VALIDATION_ERROR", "content"})
				if got := reasonOf(t, r.Body); got != "blocklist" {
					t.Fatalf("edit details.reason = %v", got)
				}
				// Another tenant's list is its own.
				other.send("alice", otherRoom.RoomId, tt.content)
				return
			}
			m := tn.send("bob", room.RoomId, tt.content)
			if m.Content != tt.result {
				t.Fatalf("stored %q, want %q", m.Content, tt.result)
			}
			edit := "edited: " + tt.content
			r, err := tn.as("bob").UpdateMessageWithResponse(ctx, room.RoomId, m.MessageId, chatclient.UpdateMessageRequest{Content: &edit})
			if err != nil || r.JSON200 == nil || r.JSON200.Data.Content != "edited: "+tt.result {
				t.Fatalf("edit: %v %s, want content %q", err, bodyOf(r), "edited: "+tt.result)
			}
			after := openReports(t, tn)
			wantNew := 0
			if tt.flagged {
				wantNew = 2 // the send and the edit
			}
			if len(after)-len(before) != wantNew {
				t.Fatalf("%d new reports, want %d", len(after)-len(before), wantNew)
			}
			if tt.flagged {
				rep := after[len(after)-1]
				if rep.ReporterId != nil || rep.Reason != "blocklist" || rep.MessageId == nil || *rep.MessageId != m.MessageId || rep.TargetUserId != "bob" {
					t.Fatalf("flag report = %+v", rep)
				}
			}
		})
	}

	t.Run("a non-member is refused as one, not by the list", func(t *testing.T) {
		tn.setBlocklist([]string{"darn"}, "word", "block")
		r, err := tn.as("mallory").SendMessageWithResponse(ctx, room.RoomId, chatclient.SendMessageRequest{Content: "darn"})
		refused(t, r, err, refusal{http.StatusForbidden, "AUTHORIZATION_ERROR", ""})
		r, err = tn.as("alice").SendMessageWithResponse(ctx, "room_nope", chatclient.SendMessageRequest{Content: "darn"})
		refused(t, r, err, refusal{http.StatusNotFound, "NOT_FOUND", ""})
	})
	t.Run("an empty list removes it", func(t *testing.T) {
		tn.setBlocklist([]string{}, "word", "block")
		tn.send("alice", room.RoomId, "darn")
	})
}

// refusedSend asserts that alice's send of content is refused by the blocklist.
func refusedSend(t *testing.T, tn tenant, roomID, content string) {
	t.Helper()
	r, err := tn.as("alice").SendMessageWithResponse(context.Background(), roomID, chatclient.SendMessageRequest{Content: content})
	refused(t, r, err, refusal{http.StatusBadRequest, "VALIDATION_ERROR", "content"})
	if got := reasonOf(t, r.Body); got != "blocklist" {
		t.Fatalf("details.reason = %v, want blocklist", got)
	}
}

// openReports lists tn's open reports with the tenant key.
func openReports(t *testing.T, tn tenant) []chatclient.Report {
	t.Helper()
	status := chatclient.ReportStatusOpen
	limit := 100
	r, err := tn.as("ops").ListReportsWithResponse(context.Background(), &chatclient.ListReportsParams{Status: &status, Limit: &limit})
	if err != nil || r.JSON200 == nil {
		t.Fatalf("list reports: %v %s", err, bodyOf(r))
	}
	return r.JSON200.Data.Reports
}

// The blocklist holds for WebSocket sends too, through the hub's own
// content filter: a filter on another "instance", which learns of the
// change from the rules' version, as a second server would.
func TestBlocklistOverWebSocket(t *testing.T) {
	e := newEnvWith(t, envOptions{hub: func(st *store.Store, now func() time.Time, att realtime.FrameSigner) hubUnderTest {
		return realHub(t, realtime.Config{ContentFilter: contentfilter.New(st, contentfilter.Config{Recheck: time.Nanosecond})})(st, now, att)
	}})
	tn := e.newTenant("acme", 100000)
	room := tn.createRoom("alice", chatclient.RoomTypeGroup)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := tn.dialEvents(ctx, t, "alice", nil)
	c.until(ctx, "sync.complete")

	tn.setBlocklist([]string{"darn"}, "word", "block")
	if err := c.conn.Write(ctx, 1, []byte(`{"type":"send_message","room_id":"`+room.RoomId+`","content":"darn it","client_msg_id":"c1"}`)); err != nil {
		t.Fatal(err)
	}
	frame := c.next(ctx, "error")
	if !strings.Contains(frame, `"VALIDATION_ERROR"`) || !strings.Contains(frame, `"content"`) {
		t.Fatalf("error frame = %s", frame)
	}

	tn.setBlocklist([]string{"darn"}, "word", "mask")
	if err := c.conn.Write(ctx, 1, []byte(`{"type":"send_message","room_id":"`+room.RoomId+`","content":"darn it","client_msg_id":"c2"}`)); err != nil {
		t.Fatal(err)
	}
	if frame := c.next(ctx, "message"); !strings.Contains(frame, `"content":"*** it"`) {
		t.Fatalf("message frame = %s", frame)
	}
}

// next reads frames until one of type typ and returns it.
func (c *eventReader) next(ctx context.Context, typ string) string {
	c.t.Helper()
	for {
		_, data, err := c.conn.Read(ctx)
		if err != nil {
			c.t.Fatalf("read (waiting for %s): %v", typ, err)
		}
		var ev struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(data, &ev); err != nil {
			c.t.Fatalf("frame %q: %v", data, err)
		}
		if ev.Type == typ {
			return string(data)
		}
	}
}
