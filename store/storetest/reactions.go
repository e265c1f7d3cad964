package storetest

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chatapi/chatapi/store"
)

// counts decodes a message's reaction counts.
func counts(t *testing.T, raw json.RawMessage) map[string]int64 {
	t.Helper()
	m := map[string]int64{}
	if len(raw) == 0 {
		return m
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("counts %s: %v", raw, err)
	}
	return m
}

// messageAs reads one message of a room as user sees it in the listing.
func messageAs(t *testing.T, s *store.Store, tenant, user, roomID, messageID string) store.Message {
	t.Helper()
	msgs, err := s.ListMessages(t.Context(), tenant, user, roomID, store.MessagePage{AfterSeq: ptr[int64](0), Limit: store.MaxMessagesLimit})
	if err != nil {
		t.Fatalf("ListMessages: %v", err)
	}
	for _, m := range msgs {
		if m.ID == messageID {
			return m
		}
	}
	t.Fatalf("message %s not listed", messageID)
	return store.Message{}
}

// testReactions adds and removes reactions one at a time: the idempotence
// of both, the rules, what the listing shows each user, who-reacted
// paging, and the events in the room's log.
func testReactions(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob", "carol")
	otherRoom := newRoom(t, s, tenant, "alice", store.RoomGroup)
	msg, _, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{Content: "hi"})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	foreign, _, err := s.SendMessage(ctx, tenant, "alice", otherRoom.ID, store.NewMessage{Content: "elsewhere"})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}

	type change struct {
		add       bool
		user, typ string
		msgID     string // instead of msg's
	}
	steps := []struct {
		name        string
		change      change
		wantChanged bool
		wantCounts  map[string]int64
		wantErr     error
		wantField   string
	}{
		{"first", change{add: true, user: "bob", typ: "👍"}, true, map[string]int64{"👍": 1}, nil, ""},
		{"again is a no-op", change{add: true, user: "bob", typ: "👍"}, false, map[string]int64{"👍": 1}, nil, ""},
		{"another user", change{add: true, user: "carol", typ: "👍"}, true, map[string]int64{"👍": 2}, nil, ""},
		{"another type", change{add: true, user: "bob", typ: ":tada:"}, true, map[string]int64{"👍": 2, ":tada:": 1}, nil, ""},
		{"removed", change{user: "carol", typ: "👍"}, true, map[string]int64{"👍": 1, ":tada:": 1}, nil, ""},
		{"removed again is a no-op", change{user: "carol", typ: "👍"}, false, map[string]int64{"👍": 1, ":tada:": 1}, nil, ""},
		{"empty type", change{add: true, user: "bob", typ: ""}, false, nil, store.ErrInvalid, "type"},
		{"whitespace", change{add: true, user: "bob", typ: "a b"}, false, nil, store.ErrInvalid, "type"},
		{"control character", change{add: true, user: "bob", typ: "a\x01"}, false, nil, store.ErrInvalid, "type"},
		{"too long", change{add: true, user: "bob", typ: strings.Repeat("x", 33)}, false, nil, store.ErrInvalid, "type"},
		{"32 characters", change{add: true, user: "carol", typ: strings.Repeat("é", 32)}, true, map[string]int64{"👍": 1, ":tada:": 1, strings.Repeat("é", 32): 1}, nil, ""},
		{"outsider", change{add: true, user: "mallory", typ: "x"}, false, nil, store.ErrForbidden, ""},
		{"missing message", change{add: true, user: "bob", typ: "x", msgID: "msg_missing"}, false, nil, store.ErrNotFound, ""},
		{"another room's message", change{add: true, user: "bob", typ: "x", msgID: foreign.ID}, false, nil, store.ErrNotFound, ""},
	}
	for _, tt := range steps {
		t.Run(tt.name, func(t *testing.T) {
			id := msg.ID
			if tt.change.msgID != "" {
				id = tt.change.msgID
			}
			call := s.RemoveReaction
			if tt.change.add {
				call = s.AddReaction
			}
			got, err := call(ctx, tenant, tt.change.user, room.ID, id, tt.change.typ)
			checkErr(t, err, tt.wantErr, tt.wantField)
			if err != nil {
				return
			}
			if got.Changed != tt.wantChanged {
				t.Errorf("got changed %v, want %v", got.Changed, tt.wantChanged)
			}
			if c := counts(t, got.Counts); !maps.Equal(c, tt.wantCounts) {
				t.Errorf("got counts %v, want %v", c, tt.wantCounts)
			}
			if got.Changed != (got.Event.EventSeq > 0) {
				t.Errorf("changed %v with event %+v", got.Changed, got.Event)
			}
			listed := messageAs(t, s, tenant, "alice", room.ID, msg.ID)
			if c := counts(t, listed.Reactions.Counts); !maps.Equal(c, tt.wantCounts) {
				t.Errorf("listed counts %v, want %v", c, tt.wantCounts)
			}
		})
	}

	t.Run("own", func(t *testing.T) {
		for user, want := range map[string][]string{"alice": nil, "bob": {":tada:", "👍"}, "carol": {strings.Repeat("é", 32)}} {
			if got := messageAs(t, s, tenant, user, room.ID, msg.ID).Reactions.Own; !slices.Equal(got, want) {
				t.Errorf("%s's own: got %q, want %q", user, got, want)
			}
		}
	})

	t.Run("21st type of one user", func(t *testing.T) {
		m, _, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{Content: "react"})
		if err != nil {
			t.Fatalf("SendMessage: %v", err)
		}
		for i := range store.MaxReactionTypesPerUser {
			if _, err := s.AddReaction(ctx, tenant, "bob", room.ID, m.ID, fmt.Sprintf("t%02d", i)); err != nil {
				t.Fatalf("AddReaction %d: %v", i, err)
			}
		}
		_, err = s.AddReaction(ctx, tenant, "bob", room.ID, m.ID, "one-more")
		checkErr(t, err, store.ErrConflict, "type")
		// Another user is not limited by bob's, and bob may repeat one he has.
		if _, err := s.AddReaction(ctx, tenant, "carol", room.ID, m.ID, "one-more"); err != nil {
			t.Errorf("carol: %v", err)
		}
		if got, err := s.AddReaction(ctx, tenant, "bob", room.ID, m.ID, "t00"); err != nil || got.Changed {
			t.Errorf("bob repeats: changed %v, %v", got.Changed, err)
		}
		if c := counts(t, messageAs(t, s, tenant, "bob", room.ID, m.ID).Reactions.Counts); len(c) != 21 || c["one-more"] != 1 {
			t.Errorf("got counts %v, want bob's 20 and carol's one", c)
		}
	})

	t.Run("who reacted", func(t *testing.T) {
		m, _, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{Content: "who"})
		if err != nil {
			t.Fatalf("SendMessage: %v", err)
		}
		for _, r := range []struct{ user, typ string }{{"carol", "a"}, {"bob", "b"}, {"alice", "a"}, {"bob", "a"}} {
			if _, err := s.AddReaction(ctx, tenant, r.user, room.ID, m.ID, r.typ); err != nil {
				t.Fatalf("AddReaction: %v", err)
			}
		}
		list := func(t *testing.T, p store.ReactionPage) []string {
			t.Helper()
			var out []string
			for {
				page, err := s.ListReactions(ctx, tenant, "alice", room.ID, m.ID, p)
				if err != nil {
					t.Fatalf("ListReactions: %v", err)
				}
				for _, r := range page {
					out = append(out, r.UserID+":"+r.Type)
				}
				if len(page) < p.Limit || p.Limit == 0 {
					return out
				}
				p.After = page[len(page)-1].EventSeq
			}
		}
		for _, tt := range []struct {
			name string
			page store.ReactionPage
			want []string
		}{
			{"all", store.ReactionPage{}, []string{"carol:a", "bob:b", "alice:a", "bob:a"}},
			{"pages of one", store.ReactionPage{Limit: 1}, []string{"carol:a", "bob:b", "alice:a", "bob:a"}},
			{"one type in pages", store.ReactionPage{Type: "a", Limit: 2}, []string{"carol:a", "alice:a", "bob:a"}},
			{"no such type", store.ReactionPage{Type: "zz"}, nil},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if got := list(t, tt.page); !slices.Equal(got, tt.want) {
					t.Errorf("got %v, want %v", got, tt.want)
				}
			})
		}
		_, err = s.ListReactions(ctx, tenant, "mallory", room.ID, m.ID, store.ReactionPage{})
		checkErr(t, err, store.ErrForbidden, "")
		_, err = s.ListReactions(ctx, tenant, "alice", room.ID, m.ID, store.ReactionPage{Limit: store.MaxReactionsLimit + 1})
		checkErr(t, err, store.ErrInvalid, "limit")
		_, err = s.ListReactions(ctx, tenant, "alice", room.ID, "msg_missing", store.ReactionPage{})
		checkErr(t, err, store.ErrNotFound, "")
	})

	t.Run("edit keeps, delete hides", func(t *testing.T) {
		edited, err := s.EditMessage(ctx, tenant, "alice", room.ID, msg.ID, store.MessageUpdate{Content: ptr("hi!")})
		if err != nil {
			t.Fatalf("EditMessage: %v", err)
		}
		if c := counts(t, edited.Reactions.Counts); c["👍"] != 1 || c[":tada:"] != 1 {
			t.Errorf("edit answered counts %v", c)
		}
		if c := counts(t, messageAs(t, s, tenant, "bob", room.ID, msg.ID).Reactions.Counts); c["👍"] != 1 {
			t.Errorf("after the edit: counts %v", c)
		}
		deleted, err := s.DeleteMessage(ctx, tenant, "alice", room.ID, msg.ID)
		if err != nil {
			t.Fatalf("DeleteMessage: %v", err)
		}
		listed := messageAs(t, s, tenant, "bob", room.ID, msg.ID)
		for _, r := range []store.Reactions{deleted.Reactions, listed.Reactions} {
			if len(r.Counts) != 0 || len(r.Own) != 0 {
				t.Errorf("deleted message shows reactions %+v", r)
			}
		}
		_, err = s.AddReaction(ctx, tenant, "bob", room.ID, msg.ID, "x")
		checkErr(t, err, store.ErrConflict, "message_id")
		who, err := s.ListReactions(ctx, tenant, "bob", room.ID, msg.ID, store.ReactionPage{})
		if err != nil || len(who) != 0 {
			t.Errorf("who reacted to a deleted message: %v, %v", who, err)
		}
	})

	t.Run("events", func(t *testing.T) {
		events, err := s.ListRoomEvents(ctx, tenant, "alice", room.ID, nil, store.MaxEventsLimit)
		if err != nil {
			t.Fatalf("ListRoomEvents: %v", err)
		}
		var got []string
		for _, e := range events {
			if e.Type != store.EventReactionAdded && e.Type != store.EventReactionRemoved {
				continue
			}
			var body struct {
				RoomID    string           `json:"room_id"`
				MessageID string           `json:"message_id"`
				UserID    string           `json:"user_id"`
				Reaction  string           `json:"reaction"`
				Counts    map[string]int64 `json:"counts"`
				EventSeq  int64            `json:"event_seq"`
			}
			if err := json.Unmarshal(e.Frame, &body); err != nil {
				t.Fatalf("frame %s: %v", e.Frame, err)
			}
			if body.RoomID != room.ID || body.EventSeq != e.EventSeq || body.Counts == nil {
				t.Errorf("frame %s", e.Frame)
			}
			if body.MessageID == msg.ID {
				got = append(got, fmt.Sprintf("%s %s %s %d", e.Type, body.UserID, body.Reaction, body.Counts[body.Reaction]))
			}
		}
		want := []string{
			"reaction.added bob 👍 1", "reaction.added carol 👍 2", "reaction.added bob :tada: 1",
			"reaction.removed carol 👍 1", "reaction.added carol " + strings.Repeat("é", 32) + " 1",
		}
		if !slices.Equal(got, want) {
			t.Errorf("got events\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// testConcurrentReactions has 50 members react to one message at once,
// then take half of it back at once: the counts stay exact.
func testConcurrentReactions(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	const n = 50
	users := make([]string, n)
	for i := range users {
		users[i] = fmt.Sprintf("user-%02d", i)
	}
	room := newRoom(t, s, tenant, users[0], store.RoomGroup, users[1:]...)
	msg, _, err := s.SendMessage(ctx, tenant, users[0], room.ID, store.NewMessage{Content: "react!"})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	run := func(t *testing.T, users []string, call func(string) error) {
		t.Helper()
		var wg sync.WaitGroup
		start := make(chan struct{})
		for _, u := range users {
			wg.Go(func() {
				<-start
				if err := call(u); err != nil {
					t.Errorf("%s: %v", u, err)
				}
			})
		}
		close(start)
		wg.Wait()
	}
	check := func(t *testing.T, want map[string]int64) {
		t.Helper()
		if c := counts(t, messageAs(t, s, tenant, users[0], room.ID, msg.ID).Reactions.Counts); !maps.Equal(c, want) {
			t.Errorf("got counts %v, want %v", c, want)
		}
		who, err := s.ListReactions(ctx, tenant, users[0], room.ID, msg.ID, store.ReactionPage{Limit: store.MaxReactionsLimit})
		if err != nil {
			t.Fatalf("ListReactions: %v", err)
		}
		rows := map[string]int64{}
		for _, r := range who {
			rows[r.Type]++
		}
		if !maps.Equal(rows, want) {
			t.Errorf("got reactions %v, want %v", rows, want)
		}
	}
	run(t, users, func(u string) error {
		_, err := s.AddReaction(ctx, tenant, u, room.ID, msg.ID, "👍")
		if err == nil {
			_, err = s.AddReaction(ctx, tenant, u, room.ID, msg.ID, "❤️")
		}
		return err
	})
	check(t, map[string]int64{"👍": n, "❤️": n})
	run(t, users[:n/2], func(u string) error {
		_, err := s.RemoveReaction(ctx, tenant, u, room.ID, msg.ID, "👍")
		return err
	})
	check(t, map[string]int64{"👍": n / 2, "❤️": n})
}

// testReactionToggles has one user add and remove the same reaction 100
// times at once: whatever wins, the counts agree with the stored
// reactions, and the log's events alternate added, removed.
func testReactionToggles(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	msg, _, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{Content: "toggle"})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 100 {
		wg.Go(func() {
			<-start
			call := s.AddReaction
			if i%2 == 1 {
				call = s.RemoveReaction
			}
			if _, err := call(ctx, tenant, "bob", room.ID, msg.ID, "🔥"); err != nil {
				t.Errorf("toggle %d: %v", i, err)
			}
		})
	}
	close(start)
	wg.Wait()
	listed := messageAs(t, s, tenant, "bob", room.ID, msg.ID)
	who, err := s.ListReactions(ctx, tenant, "bob", room.ID, msg.ID, store.ReactionPage{})
	if err != nil {
		t.Fatalf("ListReactions: %v", err)
	}
	c := counts(t, listed.Reactions.Counts)
	if int64(len(who)) != c["🔥"] || len(c) > 1 || len(who) > 1 {
		t.Errorf("got counts %v and reactions %v: counts must equal rows", c, who)
	}
	if (len(who) == 1) != slices.Equal(listed.Reactions.Own, []string{"🔥"}) {
		t.Errorf("own %v with reactions %v", listed.Reactions.Own, who)
	}
	events, err := s.ListRoomEvents(ctx, tenant, "bob", room.ID, nil, store.MaxEventsLimit)
	if err != nil {
		t.Fatalf("ListRoomEvents: %v", err)
	}
	want := store.EventReactionAdded
	for _, e := range events {
		switch e.Type {
		case store.EventReactionAdded, store.EventReactionRemoved:
			if e.Type != want {
				t.Fatalf("event %d is %s, want %s: the log must alternate", e.EventSeq, e.Type, want)
			}
			if want == store.EventReactionAdded {
				want = store.EventReactionRemoved
			} else {
				want = store.EventReactionAdded
			}
		}
	}
	if (want == store.EventReactionRemoved) != (len(who) == 1) {
		t.Errorf("the log ends before %s with %d reactions stored", want, len(who))
	}
}

// testPins pins and unpins by the room's rules, up to the limit.
func testPins(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	group := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	dm := newRoom(t, s, tenant, "alice", store.RoomDM, "bob")
	send := func(t *testing.T, roomID, content string) store.Message {
		t.Helper()
		m, _, err := s.SendMessage(ctx, tenant, "bob", roomID, store.NewMessage{Content: content})
		if err != nil {
			t.Fatalf("SendMessage: %v", err)
		}
		return m
	}
	gm := send(t, group.ID, "group message")
	dmm := send(t, dm.ID, "dm message")

	tests := []struct {
		name        string
		add         bool
		actor, room string
		msgID       string
		wantChanged bool
		wantErr     error
	}{
		{"group admin pins", true, "alice", group.ID, gm.ID, true, nil},
		{"again is a no-op", true, "alice", group.ID, gm.ID, false, nil},
		{"group member may not", true, "bob", group.ID, gm.ID, false, store.ErrForbidden},
		{"group member may not unpin", false, "bob", group.ID, gm.ID, false, store.ErrForbidden},
		{"outsider", true, "mallory", group.ID, gm.ID, false, store.ErrForbidden},
		{"dm member pins", true, "bob", dm.ID, dmm.ID, true, nil},
		{"the other dm member unpins", false, "alice", dm.ID, dmm.ID, true, nil},
		{"unpin again is a no-op", false, "alice", dm.ID, dmm.ID, false, nil},
		{"missing message", true, "alice", group.ID, "msg_missing", false, store.ErrNotFound},
		{"another room's message", true, "alice", group.ID, dmm.ID, false, store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			call := s.RemovePin
			if tt.add {
				call = s.AddPin
			}
			got, err := call(ctx, tenant, tt.actor, tt.room, tt.msgID)
			checkErr(t, err, tt.wantErr, "")
			if err == nil && got.Changed != tt.wantChanged {
				t.Errorf("got changed %v, want %v", got.Changed, tt.wantChanged)
			}
		})
	}

	t.Run("limit and order", func(t *testing.T) {
		room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
		var want []string
		for i := range store.MaxPinsPerRoom {
			m := send(t, room.ID, fmt.Sprintf("m%d", i))
			if _, err := s.AddPin(ctx, tenant, "alice", room.ID, m.ID); err != nil {
				t.Fatalf("AddPin %d: %v", i, err)
			}
			want = append([]string{m.ID}, want...)
		}
		extra := send(t, room.ID, "one more")
		_, err := s.AddPin(ctx, tenant, "alice", room.ID, extra.ID)
		checkErr(t, err, store.ErrConflict, "message_id")
		pins, err := s.ListPins(ctx, tenant, "bob", room.ID)
		if err != nil {
			t.Fatalf("ListPins: %v", err)
		}
		var got []string
		for _, p := range pins {
			got = append(got, p.Message.ID)
			if p.PinnedBy != "alice" || p.Message.Content == "" || p.Message.SenderID != "bob" {
				t.Errorf("pin %+v", p)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("got pins %v, want newest first %v", got, want)
		}
		// Unpinning one makes room for another; an edit keeps the pin.
		if _, err := s.RemovePin(ctx, tenant, "alice", room.ID, want[0]); err != nil {
			t.Fatalf("RemovePin: %v", err)
		}
		if _, err := s.AddPin(ctx, tenant, "alice", room.ID, extra.ID); err != nil {
			t.Fatalf("AddPin after an unpin: %v", err)
		}
		if _, err := s.EditMessage(ctx, tenant, "bob", room.ID, extra.ID, store.MessageUpdate{Content: ptr("edited")}); err != nil {
			t.Fatalf("EditMessage: %v", err)
		}
		pins, err = s.ListPins(ctx, tenant, "alice", room.ID)
		if err != nil {
			t.Fatalf("ListPins: %v", err)
		}
		if len(pins) != store.MaxPinsPerRoom || pins[0].Message.ID != extra.ID || pins[0].Message.Content != "edited" {
			t.Errorf("got %d pins, first %+v", len(pins), pins[0].Message)
		}
		_, err = s.ListPins(ctx, tenant, "mallory", room.ID)
		checkErr(t, err, store.ErrForbidden, "")
	})

	t.Run("deleted message", func(t *testing.T) {
		m := send(t, group.ID, "to delete")
		if _, err := s.DeleteMessage(ctx, tenant, "bob", group.ID, m.ID); err != nil {
			t.Fatalf("DeleteMessage: %v", err)
		}
		_, err := s.AddPin(ctx, tenant, "alice", group.ID, m.ID)
		checkErr(t, err, store.ErrConflict, "message_id")
	})

	t.Run("events", func(t *testing.T) {
		events, err := s.ListRoomEvents(ctx, tenant, "alice", dm.ID, nil, store.MaxEventsLimit)
		if err != nil {
			t.Fatalf("ListRoomEvents: %v", err)
		}
		var got []string
		for _, e := range events {
			if e.Type == store.EventPinAdded || e.Type == store.EventPinRemoved {
				var body struct {
					MessageID string `json:"message_id"`
					UserID    string `json:"user_id"`
					Seq       int64  `json:"seq"`
				}
				if err := json.Unmarshal(e.Frame, &body); err != nil {
					t.Fatalf("frame %s: %v", e.Frame, err)
				}
				got = append(got, fmt.Sprintf("%s %s %s %d", e.Type, body.UserID, body.MessageID, body.Seq))
			}
		}
		want := []string{"pin.added bob " + dmm.ID + " 1", "pin.removed alice " + dmm.ID + " 1"}
		if !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
}

// testReactionsOnPages has three users react to the messages of a room,
// each to a different pattern, among replies and messages without
// reactions, and checks every page mode shows each reader their own types
// on each message, and the counts, as messageAs shows them one by one:
// the page reads the caller's reactions of a whole page in one range.
func testReactionsOnPages(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	users := []string{"alice", "bob", "carol"}
	room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob", "carol")
	other := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob", "carol")
	const n = 30
	var ids []string
	for i := range n {
		nm := store.NewMessage{Content: fmt.Sprintf("m%d", i)}
		if i%5 == 4 {
			nm.ParentID = &ids[0]
		}
		m, _, err := s.SendMessage(ctx, tenant, users[i%3], room.ID, nm)
		if err != nil {
			t.Fatalf("SendMessage: %v", err)
		}
		ids = append(ids, m.ID)
		// The same reactions in another room: never shown in this one.
		om, _, err := s.SendMessage(ctx, tenant, "alice", other.ID, store.NewMessage{Content: "other"})
		if err != nil {
			t.Fatalf("SendMessage: %v", err)
		}
		if _, err := s.AddReaction(ctx, tenant, "alice", other.ID, om.ID, "👀"); err != nil {
			t.Fatalf("AddReaction: %v", err)
		}
	}
	// want[user][message] are the user's types on it, sorted.
	want := map[string]map[string][]string{}
	for u, user := range users {
		want[user] = map[string][]string{}
		for i, id := range ids {
			if (i+u)%(u+2) != 0 {
				continue
			}
			types := []string{"👍", "x" + strconv.Itoa(i%3), "🎉"}[:1+(i+u)%3]
			for _, typ := range types {
				if _, err := s.AddReaction(ctx, tenant, user, room.ID, id, typ); err != nil {
					t.Fatalf("AddReaction: %v", err)
				}
			}
			slices.Sort(types)
			want[user][id] = types
		}
	}
	// One taken back, and one message deleted: it shows none.
	if _, err := s.RemoveReaction(ctx, tenant, "alice", room.ID, ids[0], "👍"); err != nil {
		t.Fatalf("RemoveReaction: %v", err)
	}
	want["alice"][ids[0]] = nil
	if _, err := s.DeleteMessage(ctx, tenant, users[6%3], room.ID, ids[6]); err != nil {
		t.Fatalf("DeleteMessage: %v", err)
	}
	for _, user := range users {
		want[user][ids[6]] = nil
	}
	all := map[string]store.Message{}
	for _, user := range users {
		msgs, err := s.ListMessages(ctx, tenant, user, room.ID, store.MessagePage{AfterSeq: ptr[int64](0), Limit: store.MaxMessagesLimit})
		if err != nil {
			t.Fatalf("ListMessages: %v", err)
		}
		for _, m := range msgs {
			all[user+" "+m.ID] = m
		}
	}
	seqOf := func(i int) *int64 { v := all["alice "+ids[i]].Seq; return &v }
	for _, c := range []struct {
		name string
		p    store.MessagePage
	}{
		{"latest", store.MessagePage{Limit: 7}},
		{"before_seq", store.MessagePage{BeforeSeq: seqOf(20), Limit: 7}},
		{"after_seq", store.MessagePage{AfterSeq: seqOf(3), Limit: 7}},
		{"between", store.MessagePage{AfterSeq: seqOf(2), BeforeSeq: seqOf(12), Limit: 100}},
		{"top_level", store.MessagePage{TopLevel: true, AfterSeq: seqOf(1), Limit: 9}},
		{"top_level latest", store.MessagePage{TopLevel: true, Limit: 9}},
		{"one", store.MessagePage{AfterSeq: seqOf(7), Limit: 1}},
	} {
		for _, user := range users {
			t.Run(c.name+" "+user, func(t *testing.T) {
				msgs, err := s.ListMessages(ctx, tenant, user, room.ID, c.p)
				if err != nil {
					t.Fatalf("ListMessages: %v", err)
				}
				if len(msgs) == 0 {
					t.Fatal("an empty page")
				}
				for _, m := range msgs {
					if got := m.Reactions.Own; !slices.Equal(got, want[user][m.ID]) {
						t.Errorf("message %d: own %q, want %q", m.Seq, got, want[user][m.ID])
					}
					if got, one := string(m.Reactions.Counts), string(all[user+" "+m.ID].Reactions.Counts); got != one {
						t.Errorf("message %d: counts %s, listed alone %s", m.Seq, got, one)
					}
				}
			})
		}
	}
	// The counts are every user's.
	for i, id := range ids {
		wantCounts := map[string]int64{}
		for _, user := range users {
			for _, typ := range want[user][id] {
				wantCounts[typ]++
			}
		}
		if got := counts(t, all["bob "+id].Reactions.Counts); !maps.Equal(got, wantCounts) {
			t.Errorf("message %d: counts %v, want %v", i, got, wantCounts)
		}
	}
}

// testReactionsBesideEdits has 20 users react to one message and to each
// other's while its sender edits it and deletes another, and a reply is
// sent to it, all at once: on PostgreSQL a reaction, an edit, a delete and
// a reply lock the room's row and the message's in one order, so none
// deadlocks; the counts stay exact and the edit keeps them.
func testReactionsBesideEdits(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	var users []string
	for i := range 20 {
		users = append(users, fmt.Sprintf("user-%d", i))
	}
	room := newRoom(t, s, tenant, "owner", store.RoomGroup, users...)
	target, _, err := s.SendMessage(ctx, tenant, "owner", room.ID, store.NewMessage{Content: "react here"})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	var doomed []string
	for range 10 {
		m, _, err := s.SendMessage(ctx, tenant, "owner", room.ID, store.NewMessage{Content: "to delete"})
		if err != nil {
			t.Fatalf("SendMessage: %v", err)
		}
		doomed = append(doomed, m.ID)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, user := range users {
		wg.Go(func() {
			<-start
			for _, typ := range []string{"a", "b", "c"} {
				if _, err := s.AddReaction(ctx, tenant, user, room.ID, target.ID, typ); err != nil {
					t.Errorf("AddReaction: %v", err)
				}
			}
			if _, err := s.RemoveReaction(ctx, tenant, user, room.ID, target.ID, "c"); err != nil {
				t.Errorf("RemoveReaction: %v", err)
			}
			if _, _, err := s.SendMessage(ctx, tenant, user, room.ID, store.NewMessage{Content: "reply", ParentID: &target.ID}); err != nil {
				t.Errorf("SendMessage reply: %v", err)
			}
		})
	}
	wg.Go(func() {
		<-start
		for i, id := range doomed {
			if _, err := s.EditMessage(ctx, tenant, "owner", room.ID, target.ID, store.MessageUpdate{Content: ptr(fmt.Sprintf("edit %d", i))}); err != nil {
				t.Errorf("EditMessage: %v", err)
			}
			if _, err := s.AddReaction(ctx, tenant, "owner", room.ID, id, "z"); err != nil {
				t.Errorf("AddReaction: %v", err)
			}
			if _, err := s.DeleteMessage(ctx, tenant, "owner", room.ID, id); err != nil {
				t.Errorf("DeleteMessage: %v", err)
			}
		}
	})
	close(start)
	wg.Wait()
	got := messageAs(t, s, tenant, "owner", room.ID, target.ID)
	if want := map[string]int64{"a": 20, "b": 20}; !maps.Equal(counts(t, got.Reactions.Counts), want) {
		t.Errorf("counts %s, want %v", got.Reactions.Counts, want)
	}
	if got.Content != fmt.Sprintf("edit %d", len(doomed)-1) || got.Thread == nil || got.Thread.ReplyCount != int64(len(users)) {
		t.Errorf("message %q thread %+v after the edits and %d replies", got.Content, got.Thread, len(users))
	}
}
