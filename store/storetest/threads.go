package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
)

// sendRef sends m from sender with m's references, or fails t.
func sendRef(t *testing.T, s *store.Store, tenant, sender, roomID string, m store.NewMessage) store.Message {
	t.Helper()
	msg, created, err := s.SendMessage(t.Context(), tenant, sender, roomID, m)
	if err != nil || !created {
		t.Fatalf("SendMessage by %s: created %v, %v", sender, created, err)
	}
	return msg
}

// threadEvents returns the thread.updated frames of the room's log, in
// event_seq order, decoded.
type threadFrame struct {
	Type      string `json:"type"`
	EventSeq  int64  `json:"event_seq"`
	MessageID string `json:"message_id"`
	Thread    struct {
		ReplyCount     int64     `json:"reply_count"`
		LastReplyAt    time.Time `json:"last_reply_at"`
		ParticipantIDs []string  `json:"participant_ids"`
	} `json:"thread"`
}

func threadEvents(t *testing.T, s *store.Store, tenant, actor, roomID string) []threadFrame {
	t.Helper()
	var out []threadFrame
	var after *int64
	for {
		evs, err := s.ListRoomEvents(t.Context(), tenant, actor, roomID, after, store.MaxEventsLimit)
		if err != nil {
			t.Fatalf("ListRoomEvents: %v", err)
		}
		if len(evs) == 0 {
			return out
		}
		for _, e := range evs {
			if e.Type != store.EventThreadUpdated {
				continue
			}
			var f threadFrame
			if err := json.Unmarshal(e.Frame, &f); err != nil {
				t.Fatalf("thread.updated frame %s: %v", e.Frame, err)
			}
			out = append(out, f)
		}
		after = &evs[len(evs)-1].EventSeq
	}
}

func testThreads(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	other := newTenant(t, s)
	room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob", "carol")
	room2 := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	otherRoom := newRoom(t, s, other, "alice", store.RoomGroup, "bob")
	otherParent := sendRef(t, s, other, "alice", otherRoom.ID, store.NewMessage{Content: "elsewhere"})
	room2Parent := sendRef(t, s, tenant, "alice", room2.ID, store.NewMessage{Content: "next door"})

	parent := sendRef(t, s, tenant, "alice", room.ID, store.NewMessage{Content: "shall we ship?"})
	r1 := sendRef(t, s, tenant, "bob", room.ID, store.NewMessage{Content: "yes", ParentID: &parent.ID})
	if r1.ParentID == nil || *r1.ParentID != parent.ID || r1.Seq != parent.Seq+1 {
		t.Fatalf("reply has parent %v seq %d, want %s and %d", r1.ParentID, r1.Seq, parent.ID, parent.Seq+1)
	}
	fx := r1.Effects
	if fx == nil || fx.Thread == nil || fx.Thread.EventSeq != r1.EventSeq+1 || fx.Thread.MessageID != parent.ID || fx.Thread.Thread.ReplyCount != 1 {
		t.Fatalf("reply's effects %+v, want the parent's thread at event_seq %d", fx, r1.EventSeq+1)
	}
	r2 := sendRef(t, s, tenant, "carol", room.ID, store.NewMessage{Content: "no", ParentID: &parent.ID})
	r3 := sendRef(t, s, tenant, "bob", room.ID, store.NewMessage{Content: "why not?", ParentID: &parent.ID})
	top := sendRef(t, s, tenant, "carol", room.ID, store.NewMessage{Content: "unrelated"})

	t.Run("refusals", func(t *testing.T) {
		for _, c := range []struct {
			name   string
			tenant string
			room   string
			parent string
			want   error
			field  string
		}{
			{"reply to a reply", tenant, room.ID, r1.ID, store.ErrConflict, "parent_id"},
			{"unknown parent", tenant, room.ID, "msg_nothing", store.ErrNotFound, ""},
			{"parent of another room", tenant, room.ID, room2Parent.ID, store.ErrNotFound, ""},
			{"parent of another tenant", tenant, room.ID, otherParent.ID, store.ErrNotFound, ""},
			{"another tenant replying to ours", other, otherRoom.ID, parent.ID, store.ErrNotFound, ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, _, err := s.SendMessage(ctx, c.tenant, "alice", c.room, store.NewMessage{Content: "x", ParentID: &c.parent})
				checkErr(t, err, c.want, c.field)
			})
		}
		// The refused sends took no seq: the next one follows top.
		m := sendRef(t, s, tenant, "alice", room2.ID, store.NewMessage{Content: "after"})
		if m.Seq != room2Parent.Seq+1 {
			t.Errorf("seq after refused replies %d, want %d", m.Seq, room2Parent.Seq+1)
		}
	})

	t.Run("summary", func(t *testing.T) {
		got, err := s.ListMessages(ctx, tenant, "alice", room.ID, store.MessagePage{})
		if err != nil {
			t.Fatalf("ListMessages: %v", err)
		}
		if len(got) != 5 || got[0].ID != parent.ID {
			t.Fatalf("got %d messages, first %s; want 5 from the parent", len(got), got[0].ID)
		}
		th := got[0].Thread
		if th == nil || th.ReplyCount != 3 || !slices.Equal(th.ParticipantIDs, []string{"bob", "carol"}) || !th.LastReplyAt.Equal(r3.CreatedAt) {
			t.Fatalf("parent's thread %+v, want 3 replies by [bob carol] last at %v", th, r3.CreatedAt)
		}
		if got[1].Thread != nil || got[4].Thread != nil {
			t.Errorf("a reply or a message without replies carries a thread")
		}
	})

	t.Run("summary of a pinned message", func(t *testing.T) {
		if _, err := s.AddPin(ctx, tenant, "alice", room.ID, parent.ID); err != nil {
			t.Fatalf("AddPin: %v", err)
		}
		pins, err := s.ListPins(ctx, tenant, "alice", room.ID)
		if err != nil || len(pins) != 1 {
			t.Fatalf("ListPins: %v, %d pins", err, len(pins))
		}
		th := pins[0].Message.Thread
		if th == nil || th.ReplyCount != 3 || !slices.Equal(th.ParticipantIDs, []string{"bob", "carol"}) || !th.LastReplyAt.Equal(r3.CreatedAt) {
			t.Fatalf("pinned parent's thread %+v, want 3 replies by [bob carol] last at %v", th, r3.CreatedAt)
		}
		if _, err := s.RemovePin(ctx, tenant, "alice", room.ID, parent.ID); err != nil {
			t.Fatalf("RemovePin: %v", err)
		}
	})

	t.Run("top_level", func(t *testing.T) {
		got, err := s.ListMessages(ctx, tenant, "alice", room.ID, store.MessagePage{TopLevel: true})
		if err != nil {
			t.Fatalf("ListMessages: %v", err)
		}
		if ids := messageIDs(got); !slices.Equal(ids, []string{parent.ID, top.ID}) {
			t.Errorf("top-level messages %v, want [%s %s]", ids, parent.ID, top.ID)
		}
	})

	t.Run("replies", func(t *testing.T) {
		for _, c := range []struct {
			name string
			p    store.MessagePage
			want []string
		}{
			{"all", store.MessagePage{}, []string{r1.ID, r2.ID, r3.ID}},
			{"after", store.MessagePage{AfterSeq: &r1.Seq}, []string{r2.ID, r3.ID}},
			{"before", store.MessagePage{BeforeSeq: &r3.Seq, Limit: 1}, []string{r2.ID}},
			{"limit", store.MessagePage{AfterSeq: ptr[int64](0), Limit: 2}, []string{r1.ID, r2.ID}},
		} {
			t.Run(c.name, func(t *testing.T) {
				got, err := s.ListReplies(ctx, tenant, "carol", room.ID, parent.ID, c.p)
				if err != nil {
					t.Fatalf("ListReplies: %v", err)
				}
				if ids := messageIDs(got); !slices.Equal(ids, c.want) {
					t.Errorf("replies %v, want %v", ids, c.want)
				}
			})
		}
		got, err := s.ListReplies(ctx, tenant, "alice", room.ID, top.ID, store.MessagePage{})
		if err != nil || len(got) != 0 {
			t.Errorf("replies of a message without any: %v, %v; want none", got, err)
		}
		for _, c := range []struct {
			name                string
			tenant, actor, room string
			parent              string
			want                error
		}{
			{"unknown message", tenant, "alice", room.ID, "msg_nothing", store.ErrNotFound},
			{"another room's message", tenant, "alice", room.ID, room2Parent.ID, store.ErrNotFound},
			{"another tenant", other, "alice", room.ID, parent.ID, store.ErrNotFound},
			{"not a member", tenant, "dave", room.ID, parent.ID, store.ErrForbidden},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := s.ListReplies(ctx, c.tenant, c.actor, c.room, c.parent, store.MessagePage{})
				checkErr(t, err, c.want, "")
			})
		}
	})

	t.Run("log", func(t *testing.T) {
		evs := threadEvents(t, s, tenant, "alice", room.ID)
		if len(evs) != 3 {
			t.Fatalf("%d thread.updated events, want 3", len(evs))
		}
		for i, r := range []store.Message{r1, r2, r3} {
			if e := evs[i]; e.EventSeq != r.EventSeq+1 || e.MessageID != parent.ID || e.Thread.ReplyCount != int64(i+1) {
				t.Errorf("thread.updated #%d: %+v, want event_seq %d, count %d", i, e, r.EventSeq+1, i+1)
			}
		}
	})

	t.Run("edit and delete keep the thread", func(t *testing.T) {
		edited, err := s.EditMessage(ctx, tenant, "alice", room.ID, parent.ID, store.MessageUpdate{Content: ptr("shall we ship on Friday?")})
		if err != nil {
			t.Fatalf("EditMessage: %v", err)
		}
		if edited.Thread == nil || edited.Thread.ReplyCount != 3 {
			t.Errorf("edited parent's thread %+v, want 3 replies", edited.Thread)
		}
		deleted, err := s.DeleteMessage(ctx, tenant, "alice", room.ID, parent.ID)
		if err != nil {
			t.Fatalf("DeleteMessage: %v", err)
		}
		if deleted.Thread == nil || deleted.Thread.ReplyCount != 3 {
			t.Errorf("deleted parent's thread %+v, want 3 replies", deleted.Thread)
		}
		got, err := s.ListReplies(ctx, tenant, "bob", room.ID, parent.ID, store.MessagePage{})
		if err != nil || len(got) != 3 {
			t.Fatalf("deleted parent's replies: %d, %v; want 3", len(got), err)
		}
		_, _, err = s.SendMessage(ctx, tenant, "bob", room.ID, store.NewMessage{Content: "late", ParentID: &parent.ID})
		checkErr(t, err, store.ErrConflict, "parent_id")
	})

	t.Run("participants", func(t *testing.T) {
		users := make([]string, 12)
		for i := range users {
			users[i] = fmt.Sprintf("p%02d", i)
		}
		r := newRoom(t, s, tenant, "alice", store.RoomGroup, users...)
		p := sendRef(t, s, tenant, "alice", r.ID, store.NewMessage{Content: "roll call"})
		for _, u := range append(users, "p03") {
			sendRef(t, s, tenant, u, r.ID, store.NewMessage{Content: "here", ParentID: &p.ID})
		}
		got, err := s.ListMessages(ctx, tenant, "alice", r.ID, store.MessagePage{TopLevel: true})
		if err != nil {
			t.Fatalf("ListMessages: %v", err)
		}
		want := []string{"p03", "p11", "p10", "p09", "p08", "p07", "p06", "p05", "p04", "p02"}
		if th := got[0].Thread; th == nil || th.ReplyCount != 13 || !slices.Equal(th.ParticipantIDs, want) {
			t.Errorf("thread %+v, want 13 replies by %v", th, want)
		}
	})
}

// Replies by 50 concurrent senders: the parent counts every one, and the
// log's thread.updated events count 1 to 50 in event_seq order, each right
// after its reply.
func testConcurrentReplies(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	const repliers = 50
	users := make([]string, repliers)
	for i := range users {
		users[i] = fmt.Sprintf("user-%02d", i)
	}
	room := newRoom(t, s, tenant, "alice", store.RoomGroup, users...)
	parent := sendRef(t, s, tenant, "alice", room.ID, store.NewMessage{Content: "vote"})
	other := sendRef(t, s, tenant, "alice", room.ID, store.NewMessage{Content: "another thread"})

	var wg sync.WaitGroup
	start := make(chan struct{})
	replies := make([]store.Message, repliers)
	for i, u := range users {
		wg.Go(func() {
			<-start
			p := parent.ID
			if i%5 == 4 {
				p = other.ID
			}
			m, created, err := s.SendMessage(ctx, tenant, u, room.ID, store.NewMessage{Content: "+1", ParentID: &p})
			if err != nil || !created {
				t.Errorf("reply by %s: created %v, %v", u, created, err)
				return
			}
			replies[i] = m
		})
	}
	close(start)
	wg.Wait()
	if t.Failed() {
		return
	}
	got, err := s.ListMessages(ctx, tenant, "alice", room.ID, store.MessagePage{TopLevel: true})
	if err != nil {
		t.Fatalf("ListMessages: %v", err)
	}
	counts := map[string]int64{}
	for _, m := range got {
		if m.Thread != nil {
			counts[m.ID] = m.Thread.ReplyCount
			if n := len(m.Thread.ParticipantIDs); n != store.MaxThreadParticipants {
				t.Errorf("%d participants, want %d", n, store.MaxThreadParticipants)
			}
		}
	}
	if counts[parent.ID] != 40 || counts[other.ID] != 10 {
		t.Errorf("reply counts %v, want 40 and 10", counts)
	}
	all, err := s.ListMessages(ctx, tenant, "alice", room.ID, store.MessagePage{AfterSeq: ptr[int64](0), Limit: store.MaxMessagesLimit})
	if err != nil {
		t.Fatalf("ListMessages: %v", err)
	}
	if len(all) != repliers+2 || all[len(all)-1].Seq != int64(repliers+2) {
		t.Errorf("%d messages up to seq %d, want %d gapless", len(all), all[len(all)-1].Seq, repliers+2)
	}
	evs := threadEvents(t, s, tenant, "alice", room.ID)
	replyAt := map[int64]store.Message{}
	for _, r := range replies {
		replyAt[r.EventSeq+1] = r
	}
	next := map[string]int64{}
	for _, e := range evs {
		next[e.MessageID]++
		if e.Thread.ReplyCount != next[e.MessageID] {
			t.Errorf("thread.updated at %d counts %d, want %d", e.EventSeq, e.Thread.ReplyCount, next[e.MessageID])
		}
		r, ok := replyAt[e.EventSeq]
		if !ok || *r.ParentID != e.MessageID || e.Thread.ParticipantIDs[0] != r.SenderID {
			t.Errorf("thread.updated at %d follows no reply to %s", e.EventSeq, e.MessageID)
		}
	}
	if len(evs) != repliers {
		t.Errorf("%d thread.updated events, want %d", len(evs), repliers)
	}
}

func testQuotesAndMentions(t *testing.T, b Backend) {
	s, clk := newStoreClock(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	other := newTenant(t, s)
	room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob", "carol")
	room2 := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	otherRoom := newRoom(t, s, other, "alice", store.RoomGroup, "bob")
	otherMsg := sendRef(t, s, other, "alice", otherRoom.ID, store.NewMessage{Content: "theirs"})
	room2Msg := sendRef(t, s, tenant, "alice", room2.ID, store.NewMessage{Content: "next door"})

	long := strings.Repeat("é", 250)
	q := sendRef(t, s, tenant, "bob", room.ID, store.NewMessage{Content: long})

	t.Run("quote", func(t *testing.T) {
		m := sendRef(t, s, tenant, "alice", room.ID, store.NewMessage{Content: "agreed", QuotedID: &q.ID})
		want := store.Quote{MessageID: q.ID, SenderID: "bob", Content: strings.Repeat("é", store.MaxQuoteContentLength)}
		if m.Quoted == nil || *m.Quoted != want {
			t.Fatalf("quote %+v, want %+v", m.Quoted, want)
		}
		// A snapshot: the quoted message's edit does not reach it.
		if _, err := s.EditMessage(ctx, tenant, "bob", room.ID, q.ID, store.MessageUpdate{Content: ptr("changed")}); err != nil {
			t.Fatalf("EditMessage: %v", err)
		}
		got, err := s.ListMessages(ctx, tenant, "carol", room.ID, store.MessagePage{AfterSeq: &q.Seq, Limit: 1})
		if err != nil || len(got) != 1 || got[0].Quoted == nil || *got[0].Quoted != want {
			t.Fatalf("listed quote %+v (%v), want %+v", got, err, want)
		}
		// A deleted message is quoted as deleted.
		gone := sendRef(t, s, tenant, "bob", room.ID, store.NewMessage{Content: "oops"})
		if _, err := s.DeleteMessage(ctx, tenant, "bob", room.ID, gone.ID); err != nil {
			t.Fatalf("DeleteMessage: %v", err)
		}
		m = sendRef(t, s, tenant, "alice", room.ID, store.NewMessage{Content: "what was it?", QuotedID: &gone.ID})
		if m.Quoted == nil || !m.Quoted.Deleted || m.Quoted.Content != "" {
			t.Errorf("quote of a deleted message %+v, want deleted and empty", m.Quoted)
		}
		for _, c := range []struct {
			name, tenant, room, quoted string
		}{
			{"unknown", tenant, room.ID, "msg_nothing"},
			{"another room's", tenant, room.ID, room2Msg.ID},
			{"another tenant's", tenant, room.ID, otherMsg.ID},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, _, err := s.SendMessage(ctx, c.tenant, "alice", c.room, store.NewMessage{Content: "x", QuotedID: &c.quoted})
				checkErr(t, err, store.ErrNotFound, "")
			})
		}
	})

	t.Run("mention refusals", func(t *testing.T) {
		many := make([]string, store.MaxMentions+1)
		for i := range many {
			many[i] = fmt.Sprintf("u%d", i)
		}
		for _, c := range []struct {
			name     string
			mentions []string
			want     error
		}{
			{"non-member", []string{"bob", "dave"}, store.ErrConflict},
			{"other tenant's member", []string{"bob", "carol", "zed"}, store.ErrConflict},
			{"too many", many, store.ErrInvalid},
			{"empty id", []string{""}, store.ErrInvalid},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, _, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{Content: "hey", Mentions: c.mentions})
				checkErr(t, err, c.want, "mentions")
			})
		}
	})

	t.Run("mention notifications", func(t *testing.T) {
		r := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob", "carol", "dave")
		if _, err := s.UpdateMemberSettings(ctx, tenant, "dave", r.ID, "dave", store.SettingsChange{
			SetMutedUntil: true, MutedUntil: ptr(clk.Now().Add(time.Hour)),
		}); err != nil {
			t.Fatalf("mute: %v", err)
		}
		pending := func(user string) []store.Notification {
			t.Helper()
			ns, err := s.ListNotifications(ctx, tenant, user, store.MaxNotificationsLimit)
			if err != nil {
				t.Fatalf("ListNotifications: %v", err)
			}
			return slices.DeleteFunc(ns, func(n store.Notification) bool { return n.Topic != store.MentionTopic })
		}
		m := sendRef(t, s, tenant, "alice", r.ID, store.NewMessage{Content: "@bob @carol @dave @alice",
			Mentions: []string{"bob", "carol", "bob", "dave", "alice"}})
		if !slices.Equal(m.Mentions, []string{"bob", "carol", "dave", "alice"}) {
			t.Errorf("mentions %v, want them once each, in order", m.Mentions)
		}
		if fx := m.Effects; fx == nil || fx.Mention == nil || !slices.Equal(fx.MentionRecipients, []string{"bob", "carol"}) {
			t.Fatalf("effects %+v, want a mention to bob and carol", fx)
		}
		for _, c := range []struct {
			user string
			want int
		}{{"bob", 1}, {"carol", 1}, {"dave", 0}, {"alice", 0}} {
			ns := pending(c.user)
			if len(ns) != c.want {
				t.Errorf("%s has %d mention notifications, want %d", c.user, len(ns), c.want)
			}
			for _, n := range ns {
				var p struct {
					RoomID    string `json:"room_id"`
					MessageID string `json:"message_id"`
				}
				if err := json.Unmarshal(n.Payload, &p); err != nil || p.MessageID != m.ID || p.RoomID != r.ID {
					t.Errorf("mention payload %s, want message %s of room %s", n.Payload, m.ID, r.ID)
				}
			}
		}

		// unread_mentions and GET /unread: dave's room is muted.
		sendRef(t, s, tenant, "carol", r.ID, store.NewMessage{Content: "@bob again", Mentions: []string{"bob"}})
		rooms, err := s.ListRooms(ctx, tenant, "bob", store.RoomFilter{})
		if err != nil {
			t.Fatalf("ListRooms: %v", err)
		}
		for _, rs := range rooms {
			if rs.ID == r.ID && (rs.UnreadMentions != 2 || rs.UnreadCount != 2) {
				t.Errorf("bob's room: %d unread, %d mentions; want 2 and 2", rs.UnreadCount, rs.UnreadMentions)
			}
		}
		for _, c := range []struct {
			user string
			want store.UnreadTotals
		}{
			// bob: room (2 messages, unread since his joining) and r.
			{"bob", store.UnreadTotals{TotalUnread: 2 + roomUnread(t, s, tenant, "bob", room.ID) + roomUnread(t, s, tenant, "bob", room2.ID),
				TotalUnreadMentions: 2, RoomsWithUnread: 3}},
			{"dave", store.UnreadTotals{}},
		} {
			got, err := s.Unread(ctx, tenant, c.user)
			if err != nil {
				t.Fatalf("Unread: %v", err)
			}
			if got != c.want {
				t.Errorf("%s's unread %+v, want %+v", c.user, got, c.want)
			}
		}
		if _, err := s.Ack(ctx, tenant, "bob", r.ID, m.Seq); err != nil {
			t.Fatalf("Ack: %v", err)
		}
		got, err := s.Unread(ctx, tenant, "bob")
		if err != nil || got.TotalUnreadMentions != 1 {
			t.Errorf("bob's mentions after acking the first: %+v, %v; want 1", got, err)
		}
		// Another tenant's user of the same id sees none of it.
		if got, err := s.Unread(ctx, other, "bob"); err != nil || got.TotalUnreadMentions != 0 {
			t.Errorf("other tenant's bob: %+v, %v", got, err)
		}
	})
}

// roomUnread is user's unread count of a room, as ListRooms gives it.
func roomUnread(t *testing.T, s *store.Store, tenant, user, roomID string) int64 {
	t.Helper()
	rooms, err := s.ListRooms(t.Context(), tenant, user, store.RoomFilter{})
	if err != nil {
		t.Fatalf("ListRooms: %v", err)
	}
	for _, r := range rooms {
		if r.ID == roomID {
			return r.UnreadCount
		}
	}
	return 0
}

func messageIDs(ms []store.Message) []string {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return ids
}
