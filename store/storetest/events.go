package storetest

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
)

// frame is a room event's JSON as clients receive it, every field any type
// of event has.
type frame struct {
	Type       string     `json:"type"`
	RoomID     string     `json:"room_id"`
	EventSeq   int64      `json:"event_seq"`
	OccurredAt time.Time  `json:"occurred_at"`
	Seq        int64      `json:"seq"`
	MessageID  string     `json:"message_id"`
	SenderID   string     `json:"sender_id"`
	Content    *string    `json:"content"`
	Meta       any        `json:"meta"`
	EditedAt   *time.Time `json:"edited_at"`
	DeletedAt  *time.Time `json:"deleted_at"`
	UserID     string     `json:"user_id"`
	Role       string     `json:"role"`
	Room       *struct {
		RoomID      string  `json:"room_id"`
		Type        string  `json:"type"`
		Name        *string `json:"name"`
		MemberCount int     `json:"member_count"`
		LastSeq     int64   `json:"last_seq"`
	} `json:"room"`
}

// decode reads e's frame and checks it agrees with e.
func decode(t *testing.T, e store.RoomEvent) frame {
	t.Helper()
	var f frame
	if err := json.Unmarshal(e.Frame, &f); err != nil {
		t.Fatalf("event %d: frame %s: %v", e.EventSeq, e.Frame, err)
	}
	if f.Type != string(e.Type) || f.RoomID != e.RoomID || f.EventSeq != e.EventSeq || !f.OccurredAt.Equal(e.CreatedAt) {
		t.Fatalf("event %d %s of %s at %v: frame %s disagrees", e.EventSeq, e.Type, e.RoomID, e.CreatedAt, e.Frame)
	}
	return f
}

// roomLog reads the whole log of a room as actor, page after page.
func roomLog(t *testing.T, s *store.Store, tenant, actor, roomID string) []store.RoomEvent {
	t.Helper()
	var all []store.RoomEvent
	after := int64(0)
	for {
		page, err := s.ListRoomEvents(t.Context(), tenant, actor, roomID, &after, store.MaxEventsLimit)
		if err != nil {
			t.Fatalf("ListRoomEvents(after %d): %v", after, err)
		}
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		after = page[len(page)-1].EventSeq
	}
}

// summary is an event as "seq type subject", for comparing logs.
func summary(t *testing.T, e store.RoomEvent) string {
	t.Helper()
	f := decode(t, e)
	subject := f.UserID
	switch e.Type {
	case store.EventMessage, store.EventMessageUpdated, store.EventMessageDeleted:
		subject = fmt.Sprintf("#%d %q", f.Seq, deref(f.Content))
	case store.EventRoomUpdated:
		if f.Room != nil {
			subject = deref(f.Room.Name)
		}
	}
	return fmt.Sprintf("%d %s %s", e.EventSeq, e.Type, subject)
}

func summaries(t *testing.T, events []store.RoomEvent) []string {
	t.Helper()
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = summary(t, e)
	}
	return out
}

// testEventLog makes every kind of change to a room and reads it back from
// the log: each change appended one event with the event_seq it returned,
// in the shape asyncapi.yaml gives it; refused changes appended nothing.
func testEventLog(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)

	room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob", "carol")
	if room.LastEventSeq != 3 {
		t.Fatalf("CreateRoom: LastEventSeq %d, want 3 (a member.joined per member)", room.LastEventSeq)
	}
	members, err := s.ListMembers(ctx, tenant, "alice", room.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		want := map[string]int64{"alice": 1, "bob": 2, "carol": 3}[m.UserID]
		if m.JoinedEventSeq != want {
			t.Errorf("%s joined at event %d, want %d", m.UserID, m.JoinedEventSeq, want)
		}
	}

	var returned []int64 // what each change said it appended
	msg := send(t, s, tenant, "alice", room.ID, "hello")
	returned = append(returned, msg.EventSeq)
	if _, created, err := s.SendMessage(ctx, tenant, "bob", room.ID, store.NewMessage{Content: "once", ClientMsgID: ptr("k")}); err != nil || !created {
		t.Fatalf("SendMessage: %v", err)
	}
	replay, created, err := s.SendMessage(ctx, tenant, "bob", room.ID, store.NewMessage{Content: "once", ClientMsgID: ptr("k")})
	if err != nil || created || replay.EventSeq != 0 {
		t.Fatalf("replayed send: created %v, event_seq %d, %v; want a replay with no event", created, replay.EventSeq, err)
	}
	edited, err := s.EditMessage(ctx, tenant, "alice", room.ID, msg.ID, store.MessageUpdate{Content: ptr("hello again")})
	if err != nil {
		t.Fatal(err)
	}
	returned = append(returned, edited.EventSeq)
	added, err := s.AddMember(ctx, tenant, "alice", room.ID, "dave", store.RoleMember)
	if err != nil {
		t.Fatal(err)
	}
	returned = append(returned, added.JoinedEventSeq)
	updated, err := s.UpdateRoom(ctx, tenant, "alice", room.ID, store.RoomUpdate{SetName: true, Name: ptr("Apollo")})
	if err != nil {
		t.Fatal(err)
	}
	returned = append(returned, updated.LastEventSeq)
	left, err := s.RemoveMember(ctx, tenant, "carol", room.ID, "carol")
	if err != nil {
		t.Fatal(err)
	}
	returned = append(returned, left)
	doomed := send(t, s, tenant, "bob", room.ID, "oops")
	returned = append(returned, doomed.EventSeq)
	deleted, err := s.DeleteMessage(ctx, tenant, "bob", room.ID, doomed.ID)
	if err != nil {
		t.Fatal(err)
	}
	returned = append(returned, deleted.EventSeq)
	if again, err := s.DeleteMessage(ctx, tenant, "alice", room.ID, doomed.ID); err != nil || again.EventSeq != 0 {
		t.Fatalf("second delete: event_seq %d, %v; want no event", again.EventSeq, err)
	}
	if want := []int64{4, 6, 7, 8, 9, 10, 11}; !slices.Equal(returned, want) {
		t.Errorf("changes returned event_seqs %v, want %v", returned, want)
	}

	// Refused changes: each rolls back what it took.
	refusals := []struct {
		name string
		do   func() error
	}{
		{"send by a non-member", func() error {
			_, _, err := s.SendMessage(ctx, tenant, "carol", room.ID, store.NewMessage{Content: "x"})
			return err
		}},
		{"edit by another user", func() error {
			_, err := s.EditMessage(ctx, tenant, "bob", room.ID, msg.ID, store.MessageUpdate{Content: ptr("x")})
			return err
		}},
		{"edit of a deleted message", func() error {
			_, err := s.EditMessage(ctx, tenant, "bob", room.ID, doomed.ID, store.MessageUpdate{Content: ptr("x")})
			return err
		}},
		{"delete by a plain member", func() error { _, err := s.DeleteMessage(ctx, tenant, "bob", room.ID, msg.ID); return err }},
		{"add an existing member", func() error { _, err := s.AddMember(ctx, tenant, "alice", room.ID, "bob", ""); return err }},
		{"add by a plain member", func() error { _, err := s.AddMember(ctx, tenant, "bob", room.ID, "erin", ""); return err }},
		{"remove a non-member", func() error { _, err := s.RemoveMember(ctx, tenant, "alice", room.ID, "zoe"); return err }},
		{"update by a plain member", func() error {
			_, err := s.UpdateRoom(ctx, tenant, "bob", room.ID, store.RoomUpdate{SetName: true, Name: ptr("x")})
			return err
		}},
	}
	for _, r := range refusals {
		if err := r.do(); err == nil {
			t.Fatalf("%s: succeeded", r.name)
		}
	}
	next := send(t, s, tenant, "alice", room.ID, "after the refusals")
	if next.EventSeq != 12 {
		t.Errorf("the send after the refusals got event_seq %d, want 12: a refusal took a number", next.EventSeq)
	}

	log := roomLog(t, s, tenant, "alice", room.ID)
	want := []string{
		"1 member.joined alice",
		"2 member.joined bob",
		"3 member.joined carol",
		// A message's event shows it as it is now: its edits follow.
		`4 message #1 "hello again"`,
		`5 message #2 "once"`,
		`6 message.updated #1 "hello again"`,
		"7 member.joined dave",
		"8 room.updated Apollo",
		"9 member.left carol",
		// The deleted message's words are not served again, not even by the
		// event that created it.
		`10 message #3 ""`,
		`11 message.deleted #3 ""`,
		`12 message #4 "after the refusals"`,
	}
	if got := summaries(t, log); !slices.Equal(got, want) {
		t.Fatalf("log:\n%q\nwant:\n%q", got, want)
	}

	t.Run("event bodies", func(t *testing.T) {
		joined := decode(t, log[0])
		if joined.Role != "admin" || joined.Room == nil || joined.Room.RoomID != room.ID || joined.Room.Type != "group" || joined.Room.MemberCount != 3 {
			t.Errorf("creator's member.joined = %s, want role admin and the room with 3 members", log[0].Frame)
		}
		dave := decode(t, log[6])
		if dave.Role != "member" || dave.Room == nil || dave.Room.MemberCount != 4 || dave.Room.LastSeq != 2 {
			t.Errorf("dave's member.joined = %s, want the room as he found it (4 members, last_seq 2)", log[6].Frame)
		}
		first := decode(t, log[3])
		if first.MessageID != msg.ID || first.SenderID != "alice" || first.Seq != 1 || first.EditedAt == nil || first.DeletedAt != nil ||
			!log[3].CreatedAt.Equal(msg.CreatedAt) || log[3].UserID != "alice" {
			t.Errorf("message event = %s, want message %s as it is now, at its sending", log[3].Frame, msg.ID)
		}
		edit := decode(t, log[5])
		if edit.EditedAt == nil || !edit.EditedAt.Equal(*edited.EditedAt) || log[5].UserID != "alice" {
			t.Errorf("message.updated = %s by %s, want edited_at %v by alice", log[5].Frame, log[5].UserID, edited.EditedAt)
		}
		redacted := decode(t, log[9])
		if redacted.Meta != nil || redacted.DeletedAt == nil || !redacted.DeletedAt.Equal(*deleted.DeletedAt) {
			t.Errorf("deleted message's creation = %s, want it shown deleted", log[9].Frame)
		}
		renamed := decode(t, log[7])
		if renamed.Room == nil || renamed.Room.RoomID != room.ID || deref(renamed.Room.Name) != "Apollo" {
			t.Errorf("room.updated = %s, want the renamed room", log[7].Frame)
		}
		if gone := decode(t, log[8]); gone.UserID != "carol" || log[8].UserID != "carol" {
			t.Errorf("member.left = %s, want carol", log[8].Frame)
		}
		var fields map[string]any
		if err := json.Unmarshal(log[8].Frame, &fields); err != nil || len(fields) != 5 {
			t.Errorf("member.left frame %s: want exactly type, room_id, event_seq, occurred_at, user_id", log[8].Frame)
		}
	})
}

// testListRoomEvents pages a room's log and checks who may read it.
func testListRoomEvents(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	other := newTenant(t, s)
	group := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	channel := newRoom(t, s, tenant, "alice", store.RoomChannel)
	for i := range 8 {
		send(t, s, tenant, "alice", group.ID, fmt.Sprintf("m%d", i+1))
	}
	send(t, s, tenant, "alice", channel.ID, "news")

	seqs := func(events []store.RoomEvent) []int64 {
		out := make([]int64, len(events))
		for i, e := range events {
			out[i] = e.EventSeq
		}
		return out
	}
	tests := []struct {
		name      string
		tenant    string
		actor     string
		roomID    string
		after     *int64
		limit     int
		want      []int64
		wantErr   error
		wantField string
	}{
		{name: "from the start", tenant: tenant, actor: "bob", roomID: group.ID, want: []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{name: "after", tenant: tenant, actor: "bob", roomID: group.ID, after: ptr[int64](7), want: []int64{8, 9, 10}},
		{name: "limit", tenant: tenant, actor: "bob", roomID: group.ID, after: ptr[int64](2), limit: 3, want: []int64{3, 4, 5}},
		{name: "after the end", tenant: tenant, actor: "bob", roomID: group.ID, after: ptr[int64](99), want: []int64{}},
		{name: "channel, not a member", tenant: tenant, actor: "zoe", roomID: channel.ID, want: []int64{1, 2}},
		{name: "group, not a member", tenant: tenant, actor: "zoe", roomID: group.ID, wantErr: store.ErrForbidden},
		{name: "other tenant", tenant: other, actor: "alice", roomID: group.ID, wantErr: store.ErrNotFound},
		{name: "no such room", tenant: tenant, actor: "alice", roomID: "room_nope", wantErr: store.ErrNotFound},
		{name: "limit too big", tenant: tenant, actor: "bob", roomID: group.ID, limit: store.MaxEventsLimit + 1, wantErr: store.ErrInvalid, wantField: "limit"},
		{name: "negative after", tenant: tenant, actor: "bob", roomID: group.ID, after: ptr[int64](-1), wantErr: store.ErrInvalid, wantField: "after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ListRoomEvents(ctx, tt.tenant, tt.actor, tt.roomID, tt.after, tt.limit)
			checkErr(t, err, tt.wantErr, tt.wantField)
			if tt.wantErr == nil && !slices.Equal(seqs(got), tt.want) {
				t.Errorf("got event_seqs %v, want %v", seqs(got), tt.want)
			}
		})
	}
}

// testConcurrentEvents has many goroutines change one room at once, with
// refused changes among them: the log must be event_seq 1..M without a gap
// or a repeat, hold exactly the changes that succeeded (each at the
// event_seq it returned), and replay to the room's state.
func testConcurrentEvents(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	const senders, perSender, joiners, renames = 8, 12, 4, 10
	var users []string
	for i := range senders {
		users = append(users, fmt.Sprintf("sender-%d", i))
	}
	room := newRoom(t, s, tenant, "admin", store.RoomChannel, users...)

	var mu sync.Mutex
	appended := map[int64]store.EventType{} // event_seq → type, as the changes returned them
	record := func(seq int64, typ store.EventType) {
		mu.Lock()
		defer mu.Unlock()
		if prev, dup := appended[seq]; dup {
			t.Errorf("event_seq %d returned twice (%s and %s)", seq, prev, typ)
		}
		appended[seq] = typ
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, user := range users {
		wg.Go(func() {
			<-start
			for j := range perSender {
				m, _, err := s.SendMessage(ctx, tenant, user, room.ID, store.NewMessage{Content: fmt.Sprintf("%s #%d", user, j)})
				if err != nil {
					t.Errorf("SendMessage: %v", err)
					return
				}
				record(m.EventSeq, store.EventMessage)
				switch j % 3 {
				case 1:
					e, err := s.EditMessage(ctx, tenant, user, room.ID, m.ID, store.MessageUpdate{Content: ptr(m.Content + " (edited)")})
					if err != nil {
						t.Errorf("EditMessage: %v", err)
						return
					}
					record(e.EventSeq, store.EventMessageUpdated)
				case 2:
					d, err := s.DeleteMessage(ctx, tenant, user, room.ID, m.ID)
					if err != nil {
						t.Errorf("DeleteMessage: %v", err)
						return
					}
					record(d.EventSeq, store.EventMessageDeleted)
					// Refused: the message is deleted.
					if _, err := s.EditMessage(ctx, tenant, user, room.ID, m.ID, store.MessageUpdate{Content: ptr("x")}); !errors.Is(err, store.ErrConflict) {
						t.Errorf("edit of a deleted message: %v, want ErrConflict", err)
					}
				}
			}
		})
	}
	for i := range joiners {
		user := fmt.Sprintf("joiner-%d", i)
		wg.Go(func() {
			<-start
			for range 3 {
				m, err := s.AddMember(ctx, tenant, user, room.ID, user, "")
				if err != nil {
					t.Errorf("AddMember: %v", err)
					return
				}
				record(m.JoinedEventSeq, store.EventMemberJoined)
				// Refused: already a member.
				if _, err := s.AddMember(ctx, tenant, user, room.ID, user, ""); !errors.Is(err, store.ErrConflict) {
					t.Errorf("second join: %v, want ErrConflict", err)
				}
				seq, err := s.RemoveMember(ctx, tenant, user, room.ID, user)
				if err != nil {
					t.Errorf("RemoveMember: %v", err)
					return
				}
				record(seq, store.EventMemberLeft)
			}
		})
	}
	wg.Go(func() {
		<-start
		for i := range renames {
			r, err := s.UpdateRoom(ctx, tenant, "admin", room.ID, store.RoomUpdate{SetName: true, Name: ptr(fmt.Sprintf("name %d", i))})
			if err != nil {
				t.Errorf("UpdateRoom: %v", err)
				return
			}
			record(r.LastEventSeq, store.EventRoomUpdated)
			// Refused: not a member of the room.
			if _, _, err := s.SendMessage(ctx, tenant, "outsider", room.ID, store.NewMessage{Content: "x"}); !errors.Is(err, store.ErrForbidden) {
				t.Errorf("outsider's send: %v, want ErrForbidden", err)
			}
		}
	})
	close(start)
	wg.Wait()
	if t.Failed() {
		return
	}

	log := roomLog(t, s, tenant, "admin", room.ID)
	initial := int64(1 + senders) // the members CreateRoom added
	for i, e := range log {
		if e.EventSeq != int64(i+1) {
			t.Fatalf("event %d of the log has event_seq %d: want 1..%d without gaps or repeats", i, e.EventSeq, len(log))
		}
		if e.EventSeq <= initial {
			if e.Type != store.EventMemberJoined {
				t.Errorf("event %d is %s, want the room's creation (member.joined)", e.EventSeq, e.Type)
			}
			continue
		}
		if typ, ok := appended[e.EventSeq]; !ok || typ != e.Type {
			t.Errorf("event %d is %s; the change that returned it was %q", e.EventSeq, e.Type, typ)
		}
	}
	if want := initial + int64(len(appended)); int64(len(log)) != want {
		t.Fatalf("the log holds %d events, want %d: one per change that succeeded", len(log), want)
	}
	if r, err := s.GetRoom(ctx, tenant, "admin", room.ID); err != nil || r.LastEventSeq != int64(len(log)) {
		t.Errorf("room's last_event_seq = %d, %v; want %d", r.LastEventSeq, err, len(log))
	}

	// Replaying the log gives the room's state.
	type msgState struct {
		content string
		deleted bool
	}
	messages := map[string]msgState{}
	memberSet := map[string]bool{}
	var name string
	for _, e := range log {
		f := decode(t, e)
		switch e.Type {
		case store.EventMessage, store.EventMessageUpdated, store.EventMessageDeleted:
			messages[f.MessageID] = msgState{content: deref(f.Content), deleted: f.DeletedAt != nil}
		case store.EventMemberJoined:
			memberSet[f.UserID] = true
		case store.EventMemberLeft:
			delete(memberSet, f.UserID)
		case store.EventRoomUpdated:
			if f.Room != nil {
				name = deref(f.Room.Name)
			}
		}
	}
	stored, err := s.ListMessages(ctx, tenant, "admin", room.ID, store.MessagePage{AfterSeq: ptr[int64](0), Limit: store.MaxMessagesLimit})
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(messages) {
		t.Errorf("replay has %d messages, the room %d", len(messages), len(stored))
	}
	for _, m := range stored {
		if got := messages[m.ID]; got.content != m.Content || got.deleted != (m.DeletedAt != nil) {
			t.Errorf("message %s: replayed %+v, stored %q deleted %v", m.ID, got, m.Content, m.DeletedAt != nil)
		}
	}
	current, err := s.ListMembers(ctx, tenant, "admin", room.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(current) != len(memberSet) {
		t.Errorf("replay has %d members, the room %d", len(memberSet), len(current))
	}
	for _, m := range current {
		if !memberSet[m.UserID] {
			t.Errorf("member %s is missing from the replay", m.UserID)
		}
	}
	if r, _ := s.GetRoom(ctx, tenant, "admin", room.ID); deref(r.Name) != name {
		t.Errorf("replayed name %q, room's %q", name, deref(r.Name))
	}

	t.Run("racing deletes of one message", func(t *testing.T) {
		m := send(t, s, tenant, users[0], room.ID, "doomed")
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 8 {
			actor := []string{users[0], "admin"}[i%2]
			wg.Go(func() {
				<-start
				if _, err := s.DeleteMessage(ctx, tenant, actor, room.ID, m.ID); err != nil {
					t.Errorf("DeleteMessage by %s: %v", actor, err)
				}
			})
		}
		close(start)
		wg.Wait()
		after := m.EventSeq
		events, err := s.ListRoomEvents(ctx, tenant, "admin", room.ID, &after, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := summaries(t, events); len(got) != 1 || events[0].Type != store.EventMessageDeleted {
			t.Errorf("after racing deletes the log has %q, want one message.deleted", got)
		}
	})
}

// testPruneEvents prunes a log by age: a read from a pruned place is
// refused with where to continue, a read from the start gets what is kept.
// Messages are their own events and stay as long as they do; the room's log
// still starts after the last event pruned.
func testPruneEvents(t *testing.T, b Backend) {
	s, clk := newStoreClock(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob") // events 1, 2
	send(t, s, tenant, "alice", room.ID, "old")                    // 3
	for i := range 3 {                                             // 4, 5, 6
		if _, err := s.UpdateRoom(ctx, tenant, "alice", room.ID, store.RoomUpdate{SetName: true, Name: ptr(fmt.Sprint("old ", i))}); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(31 * 24 * time.Hour)
	send(t, s, tenant, "bob", room.ID, "new") // 7
	cutoff := clk.Now().Add(-30 * 24 * time.Hour)

	n, err := s.PruneEvents(ctx, cutoff, 2)
	if err != nil || n != 5 {
		t.Fatalf("PruneEvents = %d, %v; want 5 events in batches of 2", n, err)
	}
	if n, err := s.PruneEvents(ctx, cutoff, 2); err != nil || n != 0 {
		t.Fatalf("second PruneEvents = %d, %v; want nothing left", n, err)
	}
	kept, err := s.ListRoomEvents(ctx, tenant, "bob", room.ID, nil, 0)
	if err != nil || len(kept) != 1 || kept[0].EventSeq != 7 {
		t.Fatalf("ListRoomEvents from the start = %d events, %v; want event 7 alone", len(kept), err)
	}
	if got, err := s.ListRoomEvents(ctx, tenant, "bob", room.ID, ptr[int64](6), 0); err != nil || len(got) != 1 {
		t.Fatalf("ListRoomEvents after 6 = %d events, %v; want event 7", len(got), err)
	}
	_, err = s.ListRoomEvents(ctx, tenant, "bob", room.ID, ptr[int64](2), 0)
	var gone *store.GoneError
	if !errors.As(err, &gone) || !errors.Is(err, store.ErrGone) || gone.LastEventSeq != 7 {
		t.Fatalf("ListRoomEvents after a pruned event = %v, want a GoneError with last_event_seq 7", err)
	}
	if msgs, err := s.ListMessages(ctx, tenant, "bob", room.ID, store.MessagePage{}); err != nil || len(msgs) != 2 {
		t.Errorf("ListMessages after pruning = %d messages, %v; want both", len(msgs), err)
	}
}

// syncAll pages Sync from cursor to the end and returns the events and the
// final cursor.
func syncAll(t *testing.T, s *store.Store, tenant, user string, cursor store.SyncCursor, limit int) ([]store.RoomEvent, store.SyncCursor) {
	t.Helper()
	var all []store.RoomEvent
	for range 100_000 {
		page, err := s.Sync(t.Context(), tenant, user, &cursor, limit)
		if err != nil {
			t.Fatalf("Sync(%s): %v", cursor, err)
		}
		if want := cmp.Or(limit, store.DefaultEventsLimit); len(page.Events) > want {
			t.Fatalf("Sync returned %d events, over the limit %d", len(page.Events), want)
		}
		all, cursor = append(all, page.Events...), page.Next
		if !page.HasMore {
			return all, cursor
		}
	}
	t.Fatal("Sync never ended")
	return nil, cursor
}

// places is a cursor's text without its time.
func places(c store.SyncCursor) string {
	return regexp.MustCompile(`\.t[0-9a-z]+`).ReplaceAllString(c.String(), "")
}

// freshCursor is the cursor Sync gives without one.
func freshCursor(t *testing.T, s *store.Store, tenant, user string) store.SyncCursor {
	t.Helper()
	page, err := s.Sync(t.Context(), tenant, user, nil, 0)
	if err != nil || len(page.Events) != 0 || page.HasMore {
		t.Fatalf("Sync without a cursor = %d events, has_more %v, %v; want none", len(page.Events), page.HasMore, err)
	}
	return page.Next
}

// testSync covers what a user who was away learns from Sync.
func testSync(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()

	t.Run("edits and deletes of old messages", func(t *testing.T) {
		tenant := newTenant(t, s)
		room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
		var msgs []store.Message
		for i := range 10 {
			msgs = append(msgs, send(t, s, tenant, "alice", room.ID, fmt.Sprintf("m%d", i+1)))
		}
		// bob has everything up to seq 10 and goes away.
		if _, err := s.Ack(ctx, tenant, "bob", room.ID, 10); err != nil {
			t.Fatal(err)
		}
		cursor := freshCursor(t, s, tenant, "bob")
		if _, err := s.EditMessage(ctx, tenant, "alice", room.ID, msgs[4].ID, store.MessageUpdate{Content: ptr("m5, edited")}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeleteMessage(ctx, tenant, "alice", room.ID, msgs[5].ID); err != nil {
			t.Fatal(err)
		}
		got, next := syncAll(t, s, tenant, "bob", cursor, 0)
		if want := []string{`13 message.updated #5 "m5, edited"`, `14 message.deleted #6 ""`}; !slices.Equal(summaries(t, got), want) {
			t.Errorf("Sync = %q, want %q", summaries(t, got), want)
		}
		if again, _ := syncAll(t, s, tenant, "bob", next, 0); len(again) != 0 {
			t.Errorf("Sync from the next cursor = %q, want nothing", summaries(t, again))
		}
	})

	t.Run("a room joined while away", func(t *testing.T) {
		tenant := newTenant(t, s)
		newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
		cursor := freshCursor(t, s, tenant, "bob")
		added := newRoom(t, s, tenant, "alice", store.RoomGroup, "carol")
		send(t, s, tenant, "alice", added.ID, "before bob")
		if _, err := s.AddMember(ctx, tenant, "alice", added.ID, "bob", ""); err != nil {
			t.Fatal(err)
		}
		send(t, s, tenant, "carol", added.ID, "hi bob")
		created := newRoom(t, s, tenant, "dave", store.RoomGroup, "bob", "erin")

		got, next := syncAll(t, s, tenant, "bob", cursor, 0)
		want := []string{
			"4 member.joined bob", `5 message #2 "hi bob"`,
			"2 member.joined bob", "3 member.joined erin",
		}
		if !slices.Equal(summaries(t, got), want) {
			t.Fatalf("Sync = %q, want %q", summaries(t, got), want)
		}
		for i, roomID := range []string{added.ID, created.ID} {
			e := got[[]int{0, 2}[i]]
			if f := decode(t, e); e.RoomID != roomID || f.Room == nil || f.Room.RoomID != roomID || f.Role != "member" {
				t.Errorf("bob's member.joined %s: want the room %s in it", e.Frame, roomID)
			}
		}
		if again, _ := syncAll(t, s, tenant, "bob", next, 0); len(again) != 0 {
			t.Errorf("Sync from the next cursor = %q, want nothing", summaries(t, again))
		}
	})

	t.Run("rooms left while away", func(t *testing.T) {
		tenant := newTenant(t, s)
		removed := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")  // 1, 2
		rejoined := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob") // 1, 2
		stay := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")     // 1, 2
		cursor := freshCursor(t, s, tenant, "bob")
		send(t, s, tenant, "alice", removed.ID, "last words")                              // 3
		if _, err := s.RemoveMember(ctx, tenant, "alice", removed.ID, "bob"); err != nil { // 4
			t.Fatal(err)
		}
		send(t, s, tenant, "alice", removed.ID, "behind bob's back")                      // 5
		send(t, s, tenant, "alice", rejoined.ID, "a")                                     // 3
		if _, err := s.RemoveMember(ctx, tenant, "bob", rejoined.ID, "bob"); err != nil { // 4
			t.Fatal(err)
		}
		send(t, s, tenant, "alice", rejoined.ID, "while bob was out")                        // 5
		if _, err := s.AddMember(ctx, tenant, "alice", rejoined.ID, "bob", ""); err != nil { // 6
			t.Fatal(err)
		}
		send(t, s, tenant, "alice", rejoined.ID, "welcome back") // 7
		send(t, s, tenant, "alice", stay.ID, "still here")       // 3

		got, next := syncAll(t, s, tenant, "bob", cursor, 0)
		want := []string{
			`3 message #1 "last words"`, "4 member.left bob",
			`3 message #1 "a"`, "4 member.left bob", "6 member.joined bob", `7 message #3 "welcome back"`,
			`3 message #1 "still here"`,
		}
		if !slices.Equal(summaries(t, got), want) {
			t.Fatalf("Sync = %q, want %q", summaries(t, got), want)
		}
		send(t, s, tenant, "alice", removed.ID, "still behind bob's back")
		send(t, s, tenant, "alice", rejoined.ID, "more")
		again, _ := syncAll(t, s, tenant, "bob", next, 0)
		if want := []string{`8 message #4 "more"`}; !slices.Equal(summaries(t, again), want) {
			t.Errorf("Sync from the next cursor = %q, want %q: nothing more of the room bob left", summaries(t, again), want)
		}
	})

	// A live client may have been given later memberships than its cursor
	// knows of: the replay brings it to where the user is now.
	t.Run("memberships since the cursor", func(t *testing.T) {
		tenant := newTenant(t, s)
		leave := func(room string) {
			t.Helper()
			if _, err := s.RemoveMember(ctx, tenant, "bob", room, "bob"); err != nil {
				t.Fatal(err)
			}
		}
		join := func(room string) {
			t.Helper()
			if _, err := s.AddMember(ctx, tenant, "alice", room, "bob", ""); err != nil {
				t.Fatal(err)
			}
		}
		out := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")       // 1, 2
		back := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")      // 1, 2
		passing := newRoom(t, s, tenant, "alice", store.RoomGroup, "carol") // 1, 2
		cursor := freshCursor(t, s, tenant, "bob")
		join(passing.ID)                              // 3
		send(t, s, tenant, "alice", passing.ID, "p1") // 4
		leave(passing.ID)                             // 5
		send(t, s, tenant, "alice", passing.ID, "p2") // 6
		send(t, s, tenant, "alice", out.ID, "o1")     // 3
		leave(out.ID)                                 // 4
		send(t, s, tenant, "alice", out.ID, "o2")     // 5
		join(out.ID)                                  // 6
		send(t, s, tenant, "alice", out.ID, "o3")     // 7
		leave(out.ID)                                 // 8
		join(out.ID)                                  // 9
		send(t, s, tenant, "alice", out.ID, "o4")     // 10
		leave(out.ID)                                 // 11
		send(t, s, tenant, "alice", out.ID, "o5")     // 12
		leave(back.ID)                                // 3
		send(t, s, tenant, "alice", back.ID, "b1")    // 4
		join(back.ID)                                 // 5
		leave(back.ID)                                // 6
		join(back.ID)                                 // 7
		send(t, s, tenant, "alice", back.ID, "b2")    // 8
		want := []string{
			`3 message #1 "o1"`, "4 member.left bob", "11 member.left bob",
			"3 member.left bob", "7 member.joined bob", `8 message #2 "b2"`,
			// Joined and left after the cursor was made: a live client
			// may have been given the member.joined.
			"5 member.left bob",
		}
		for _, limit := range []int{0, 1, 2, 3} {
			got, next := syncAll(t, s, tenant, "bob", cursor, limit)
			if !slices.Equal(summaries(t, got), want) {
				t.Fatalf("Sync, %d a page = %q, want %q", limit, summaries(t, got), want)
			}
			for range 2 {
				again, after := syncAll(t, s, tenant, "bob", next, limit)
				if len(again) != 0 {
					t.Errorf("Sync from the next cursor = %q, want nothing", summaries(t, again))
				}
				next = after
			}
		}
		// A cursor without its time (made before cursors had one) owes
		// nothing of rooms it does not name.
		old, err := store.ParseSyncCursor(places(cursor))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := syncAll(t, s, tenant, "bob", old, 0); !slices.Equal(summaries(t, got), want[:len(want)-1]) {
			t.Errorf("Sync from a cursor without a time = %q, want %q", summaries(t, got), want[:len(want)-1])
		}
		// The next cursor keeps the room left last at that member.left:
		// joined and left again, the room owes that last member.left
		// alone, nothing of the time bob was out.
		_, next := syncAll(t, s, tenant, "bob", cursor, 0)
		send(t, s, tenant, "alice", out.ID, "o6") // 13
		join(out.ID)                              // 14
		send(t, s, tenant, "alice", out.ID, "o7") // 15
		leave(out.ID)                             // 16
		if got, _ := syncAll(t, s, tenant, "bob", next, 0); !slices.Equal(summaries(t, got), []string{"16 member.left bob"}) {
			t.Errorf("Sync after another membership = %q, want only bob's last member.left", summaries(t, got))
		}
	})

	t.Run("pages", func(t *testing.T) {
		tenant := newTenant(t, s)
		var rooms []store.Room
		for range 4 {
			rooms = append(rooms, newRoom(t, s, tenant, "alice", store.RoomGroup, "bob"))
		}
		cursor := freshCursor(t, s, tenant, "bob")
		for i := range 10 {
			for _, r := range rooms {
				send(t, s, tenant, "alice", r.ID, fmt.Sprintf("m%d", i+1))
			}
		}
		for _, limit := range []int{1, 3, 7, 40, 100} {
			got, _ := syncAll(t, s, tenant, "bob", cursor, limit)
			checkBacklog(t, got, rooms, 2, 10)
		}
	})

	t.Run("cursors", func(t *testing.T) {
		tenant := newTenant(t, s)
		room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
		other := newRoom(t, s, tenant, "alice", store.RoomGroup, "carol")
		send(t, s, tenant, "alice", room.ID, "one")
		send(t, s, tenant, "alice", other.ID, "not for bob")
		fresh := freshCursor(t, s, tenant, "bob")
		tests := []struct {
			name   string
			cursor string
			want   []string
		}{
			// Nothing after a cursor with no room: bob's room arrives from
			// his member.joined.
			{"empty", "v1", []string{"2 member.joined bob", `3 message #1 "one"`}},
			{"fresh", fresh.String(), nil},
			// Room 2 (carol's) and a room that does not exist add nothing,
			// a place past the end owes nothing.
			{"foreign and unknown rooms", fresh.String() + ".2-0.zz-1", nil},
			{"past the end", "v1.1-zzz", nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c, err := store.ParseSyncCursor(tt.cursor)
				if err != nil {
					t.Fatalf("ParseSyncCursor(%q): %v", tt.cursor, err)
				}
				got, next := syncAll(t, s, tenant, "bob", c, 0)
				if !slices.Equal(summaries(t, got), tt.want) {
					t.Errorf("Sync = %q, want %q", summaries(t, got), tt.want)
				}
				if places(next) != places(fresh) {
					t.Errorf("next cursor %s, want the places of %s", next, fresh)
				}
			})
		}
		// Another tenant's cursor names that tenant's rooms by number:
		// nothing of them leaks.
		t.Run("other tenant", func(t *testing.T) {
			otherTenant := newTenant(t, s)
			got, _ := syncAll(t, s, otherTenant, "bob", fresh, 0)
			if len(got) != 0 {
				t.Errorf("Sync in another tenant = %q, want nothing", summaries(t, got))
			}
		})
	})

	t.Run("pruned", func(t *testing.T) {
		s, clk := newStoreClock(t, b)
		tenant := newTenant(t, s)
		room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
		quiet := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
		cursor := freshCursor(t, s, tenant, "bob")
		if _, err := s.UpdateRoom(ctx, tenant, "alice", room.ID, store.RoomUpdate{SetName: true, Name: ptr("soon pruned")}); err != nil { // 3
			t.Fatal(err)
		}
		clk.Advance(31 * 24 * time.Hour)
		// The quiet room's events are pruned too, but the cursor is past them.
		if _, err := s.PruneEvents(ctx, clk.Now().Add(-30*24*time.Hour), 0); err != nil {
			t.Fatal(err)
		}
		_, err := s.Sync(ctx, tenant, "bob", &cursor, 0)
		var gone *store.GoneError
		if !errors.As(err, &gone) || gone.Cursor == nil {
			t.Fatalf("Sync from a pruned place = %v, want a GoneError with a cursor", err)
		}
		send(t, s, tenant, "alice", room.ID, "after the reset") // 4
		send(t, s, tenant, "alice", quiet.ID, "quiet no more")  // 3
		got, _ := syncAll(t, s, tenant, "bob", *gone.Cursor, 0)
		if want := []string{`4 message #1 "after the reset"`, `3 message #1 "quiet no more"`}; !slices.Equal(summaries(t, got), want) {
			t.Errorf("Sync from the fresh cursor = %q, want %q", summaries(t, got), want)
		}
		// A cursor past the pruned events is good, however old.
		if got, _ := syncAll(t, s, tenant, "bob", *gone.Cursor, 0); len(got) != 2 {
			t.Errorf("Sync from the fresh cursor again = %d events, want 2", len(got))
		}
	})

	// The instance that writes a member.left may have a clock behind the
	// one that made the cursor: a leave a little older than the cursor is
	// still owed, one from long before it is not.
	t.Run("clocks that disagree", func(t *testing.T) {
		s, clk := newStoreClock(t, b)
		tenant := newTenant(t, s)
		room := newRoom(t, s, tenant, "alice", store.RoomGroup, "carol") // 1, 2
		cursor := freshCursor(t, s, tenant, "bob")
		clk.Advance(-2 * time.Second)
		if _, err := s.AddMember(ctx, tenant, "alice", room.ID, "bob", ""); err != nil { // 3
			t.Fatal(err)
		}
		if _, err := s.RemoveMember(ctx, tenant, "bob", room.ID, "bob"); err != nil { // 4
			t.Fatal(err)
		}
		if got, _ := syncAll(t, s, tenant, "bob", cursor, 0); !slices.Equal(summaries(t, got), []string{"4 member.left bob"}) {
			t.Errorf("Sync = %q, want bob's member.left", summaries(t, got))
		}
		clk.Advance(time.Hour)
		if got, _ := syncAll(t, s, tenant, "bob", freshCursor(t, s, tenant, "bob"), 0); len(got) != 0 {
			t.Errorf("Sync from a cursor made an hour later = %q, want nothing", summaries(t, got))
		}
	})

	// A membership the cursor was in, its end pruned, stands for nothing
	// once a later one is kept whole: no reset.
	t.Run("pruned earlier membership", func(t *testing.T) {
		s, clk := newStoreClock(t, b)
		tenant := newTenant(t, s)
		back := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob") // 1, 2
		out := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")  // 1, 2
		cursor := freshCursor(t, s, tenant, "bob")
		for _, room := range []string{back.ID, out.ID} {
			if _, err := s.RemoveMember(ctx, tenant, "bob", room, "bob"); err != nil { // 3
				t.Fatal(err)
			}
			send(t, s, tenant, "alice", room, "while bob was out") // 4
		}
		clk.Advance(31 * 24 * time.Hour)
		if _, err := s.PruneEvents(ctx, clk.Now().Add(-30*24*time.Hour), 0); err != nil {
			t.Fatal(err)
		}
		for _, room := range []string{back.ID, out.ID} {
			if _, err := s.AddMember(ctx, tenant, "alice", room, "bob", ""); err != nil { // 5
				t.Fatal(err)
			}
			send(t, s, tenant, "alice", room, "welcome back") // 6
		}
		if _, err := s.RemoveMember(ctx, tenant, "bob", out.ID, "bob"); err != nil { // 7
			t.Fatal(err)
		}
		got, _ := syncAll(t, s, tenant, "bob", cursor, 0)
		want := []string{"5 member.joined bob", `6 message #2 "welcome back"`, "7 member.left bob"}
		if !slices.Equal(summaries(t, got), want) {
			t.Errorf("Sync = %q, want %q", summaries(t, got), want)
		}
	})
}

// checkBacklog checks a synced backlog: for each of rooms, in one run, the
// events after the first skip, n of them, in event_seq order.
func checkBacklog(t *testing.T, got []store.RoomEvent, rooms []store.Room, skip, n int) {
	t.Helper()
	if len(got) != len(rooms)*n {
		t.Fatalf("synced %d events, want %d", len(got), len(rooms)*n)
	}
	next := map[string]int64{}
	done := map[string]bool{}
	prev := ""
	for _, e := range got {
		if e.RoomID != prev {
			if done[e.RoomID] {
				t.Fatalf("room %s's events are not in one run", e.RoomID)
			}
			if prev != "" {
				done[prev] = true
			}
			prev = e.RoomID
		}
		if next[e.RoomID] == 0 {
			next[e.RoomID] = int64(skip + 1)
		}
		if e.EventSeq != next[e.RoomID] {
			t.Fatalf("room %s: event %d, want %d", e.RoomID, e.EventSeq, next[e.RoomID])
		}
		next[e.RoomID]++
	}
	for _, r := range rooms {
		if next[r.ID] != int64(skip+n+1) {
			t.Errorf("room %s: synced up to %d, want %d", r.ID, next[r.ID]-1, skip+n)
		}
	}
}

// syncBacklogRooms and syncBacklogPerRoom size testSyncBacklog: a user back
// after a long time, with a backlog spread over many rooms.
// BenchmarkSyncBacklog runs the 100,000 events.
const (
	syncBacklogRooms   = 50
	syncBacklogPerRoom = 400
)

// testSyncBacklog pages a large backlog: every page within its limit, and
// the heap flat while paging, however large the backlog.
func testSyncBacklog(t *testing.T, b Backend) {
	s := newStore(t, b)
	tenant := newTenant(t, s)
	cursor := freshCursor(t, s, tenant, "bob") // bob is in no room yet
	start := time.Now()
	Backlog(t, s, tenant, "bob", syncBacklogRooms, syncBacklogPerRoom, backlogMessages)
	t.Logf("seeded in %v", time.Since(start))

	stats := PageSync(t, s, tenant, "bob", cursor, store.MaxEventsLimit)
	if want := syncBacklogRooms * syncBacklogPerRoom; stats.Events != want {
		t.Fatalf("synced %d events, want %d", stats.Events, want)
	}
	t.Logf("%d events in %d pages, %.1f MB of frames; live heap grew at most %.2f MB",
		stats.Events, stats.Pages, float64(stats.FrameBytes)/(1<<20), float64(stats.MaxHeapGrowth)/(1<<20))
	// A page holds at most 500 events of a few hundred bytes: the live heap
	// must stay far below what the whole backlog takes.
	if limit := uint64(stats.FrameBytes / 4); stats.MaxHeapGrowth > limit {
		t.Errorf("the live heap grew by %d bytes while paging %d bytes of events: want under %d, flat", stats.MaxHeapGrowth, stats.FrameBytes, limit)
	}
}

// backlogMessages of a room's backlog in testSyncBacklog are messages, the
// rest member.joined events: sends are one transaction each, which under
// the race detector (modernc's SQLite is Go code) take most of the test's
// time, while a room created with many members appends their events in one.
const backlogMessages = 20

// Backlog owes user perRoom events in each of rooms new rooms: each room is
// created by alice with user and others (their member.joined events, user's
// first), then gets messages messages, the rooms side by side. Exported for
// the backlog benchmark.
func Backlog(t testing.TB, s *store.Store, tenant, user string, rooms, perRoom, messages int) {
	t.Helper()
	ctx := context.Background()
	joins := perRoom - messages
	members := []string{user}
	for i := range joins - 1 {
		members = append(members, fmt.Sprintf("member-%d", i))
	}
	var wg sync.WaitGroup
	for range rooms {
		wg.Go(func() {
			r, err := s.CreateRoom(ctx, tenant, "alice", store.NewRoom{Type: store.RoomGroup, Members: members})
			if err != nil {
				t.Errorf("CreateRoom: %v", err)
				return
			}
			for i := range messages {
				if _, _, err := s.SendMessage(ctx, tenant, "alice", r.ID, store.NewMessage{Content: fmt.Sprintf("backlog %d", i)}); err != nil {
					t.Errorf("SendMessage: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
}

// SyncStats is what PageSync measured.
type SyncStats struct {
	Events, Pages int
	// FrameBytes is the size of every event synced.
	FrameBytes int
	// MaxHeapGrowth is the largest live heap (after a collection) seen
	// after a page, above the live heap before the first.
	MaxHeapGrowth uint64
}

// PageSync pages user's Sync from cursor to the end, limit events a page,
// keeping none, and measures the live heap after each page. It checks that
// each room's events come in order, without a gap or a repeat. Exported for
// the backlog benchmark.
func PageSync(t testing.TB, s *store.Store, tenant, user string, cursor store.SyncCursor, limit int) SyncStats {
	t.Helper()
	var stats SyncStats
	var mem runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&mem)
	base := mem.HeapAlloc
	last := map[string]int64{}
	for {
		page, err := s.Sync(context.Background(), tenant, user, &cursor, limit)
		if err != nil {
			t.Fatalf("Sync: %v", err)
		}
		if len(page.Events) > limit {
			t.Fatalf("a page of %d events, over the limit %d", len(page.Events), limit)
		}
		for _, e := range page.Events {
			if prev, ok := last[e.RoomID]; ok && e.EventSeq != prev+1 {
				t.Fatalf("room %s: event %d after %d", e.RoomID, e.EventSeq, prev)
			}
			last[e.RoomID] = e.EventSeq
			stats.FrameBytes += len(e.Frame)
		}
		stats.Events += len(page.Events)
		stats.Pages++
		cursor = page.Next
		runtime.GC()
		runtime.ReadMemStats(&mem)
		if mem.HeapAlloc > base {
			stats.MaxHeapGrowth = max(stats.MaxHeapGrowth, mem.HeapAlloc-base)
		}
		if !page.HasMore {
			return stats
		}
	}
}
