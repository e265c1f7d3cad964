package server_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/gen/chatclient"
)

func (tn tenant) send(user, roomID, content string) chatclient.Message {
	tn.e.t.Helper()
	r, err := tn.as(user).SendMessageWithResponse(context.Background(), roomID, chatclient.SendMessageRequest{Content: content})
	if err != nil || r.JSON201 == nil {
		tn.e.t.Fatalf("send: %v %s", err, bodyOf(r))
	}
	return r.JSON201.Data
}

func TestSendMessage(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	ctx := context.Background()
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	channel := tn.createRoom("alice", chatclient.RoomTypeChannel)
	other := e.newTenant("other", 100000)

	t.Run("stored with seq, announced, marks read for the sender", func(t *testing.T) {
		r, err := tn.as("alice").SendMessageWithResponse(ctx, room.RoomId, chatclient.SendMessageRequest{
			Content: "hello", Meta: &chatclient.MessageMeta{"mentions": []any{"bob"}},
		})
		if err != nil || r.JSON201 == nil {
			t.Fatalf("send: %v %s", err, bodyOf(r))
		}
		m := r.JSON201.Data
		if m.Seq != 1 || m.Content != "hello" || m.SenderId != "alice" || m.RoomId != room.RoomId || m.Meta == nil ||
			m.EditedAt != nil || m.DeletedAt != nil || !strings.HasPrefix(m.MessageId, "msg_") {
			t.Errorf("message = %+v", m)
		}
		evs := e.events.Events()
		last := evs[len(evs)-1]
		if last.Type != event.MessageCreated || last.Message == nil || last.Message.ID != m.MessageId || last.TenantID != tn.id {
			t.Errorf("last event = %+v", last)
		}
		unread := unreadOf(t, tn, "alice", room.RoomId)
		if unread != 0 {
			t.Errorf("sender's unread = %d, want 0", unread)
		}
		if got := unreadOf(t, tn, "bob", room.RoomId); got != 1 {
			t.Errorf("bob's unread = %d, want 1", got)
		}
	})

	for _, tc := range []struct {
		name string
		user string
		room string
		cli  *chatclient.ClientWithResponses
		body string
		want refusal
	}{
		{"empty content", "alice", room.RoomId, nil, `{"content":""}`, refusal{400, "VALIDATION_ERROR", "content"}},
		{"content over 4000", "alice", room.RoomId, nil, `{"content":"` + strings.Repeat("x", 4001) + `"}`, refusal{400, "VALIDATION_ERROR", "content"}},
		{"meta not an object", "alice", room.RoomId, nil, `{"content":"x","meta":[1]}`, refusal{400, "VALIDATION_ERROR", "meta"}},
		{"meta over 4 KB", "alice", room.RoomId, nil, `{"content":"x","meta":{"k":"` + strings.Repeat("m", 4100) + `"}}`, refusal{400, "VALIDATION_ERROR", "meta"}},
		{"client_msg_id over 64", "alice", room.RoomId, nil, `{"content":"x","client_msg_id":"` + strings.Repeat("c", 65) + `"}`, refusal{400, "VALIDATION_ERROR", "client_msg_id"}},
		{"non-member of a group", "eve", room.RoomId, nil, `{"content":"x"}`, refusal{403, "AUTHORIZATION_ERROR", ""}},
		{"non-member of a channel", "eve", channel.RoomId, nil, `{"content":"x"}`, refusal{403, "AUTHORIZATION_ERROR", ""}},
		{"missing room", "alice", "room_nope", nil, `{"content":"x"}`, refusal{404, "NOT_FOUND", ""}},
		{"another tenant's room", "alice", room.RoomId, other.as("alice"), `{"content":"x"}`, refusal{404, "NOT_FOUND", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.cli
			if c == nil {
				c = tn.as(tc.user)
			}
			r, err := c.SendMessageWithBodyWithResponse(ctx, tc.room, "application/json", strings.NewReader(tc.body))
			refused(t, r, err, tc.want)
		})
	}
	// The refused sends stored nothing.
	if got := lastSeqOf(t, tn, "alice", room.RoomId); got != 1 {
		t.Errorf("last_seq = %d after refused sends, want 1", got)
	}
}

func unreadOf(t *testing.T, tn tenant, user, roomID string) int64 {
	t.Helper()
	r, err := tn.as(user).ListRoomsWithResponse(context.Background(), nil)
	if err != nil || r.JSON200 == nil {
		t.Fatalf("list rooms: %v %s", err, bodyOf(r))
	}
	for _, room := range r.JSON200.Data {
		if room.RoomId == roomID {
			return room.UnreadCount
		}
	}
	t.Fatalf("%s is not in %s's rooms", roomID, user)
	return 0
}

func lastSeqOf(t *testing.T, tn tenant, user, roomID string) int64 {
	t.Helper()
	r, err := tn.as(user).GetRoomWithResponse(context.Background(), roomID)
	if err != nil || r.JSON200 == nil {
		t.Fatalf("get room: %v %s", err, bodyOf(r))
	}
	return r.JSON200.Data.LastSeq
}

// 50 senders × 4 messages at once, over HTTP: seqs are exactly 1..200.
func TestConcurrentSendersGetGaplessSeqs(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	const senders, each = 50, 4
	users := make([]string, senders)
	for i := range users {
		users[i] = fmt.Sprintf("u%02d", i)
	}
	room := tn.createRoom("owner", chatclient.RoomTypeGroup, users...)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		seqs []int64
	)
	for _, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := tn.as(u)
			var prev int64
			for i := 0; i < each; i++ {
				r, err := c.SendMessageWithResponse(context.Background(), room.RoomId, chatclient.SendMessageRequest{Content: fmt.Sprintf("%s #%d", u, i)})
				if err != nil || r.JSON201 == nil {
					t.Errorf("%s send %d: %v %s", u, i, err, bodyOf(r))
					return
				}
				if r.JSON201.Data.Seq <= prev {
					t.Errorf("%s: seq %d after %d", u, r.JSON201.Data.Seq, prev)
				}
				prev = r.JSON201.Data.Seq
				mu.Lock()
				seqs = append(seqs, prev)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
	if len(seqs) != senders*each {
		t.Fatalf("%d messages stored, want %d", len(seqs), senders*each)
	}
	for i, s := range seqs {
		if s != int64(i+1) {
			t.Fatalf("seqs are not 1..%d: position %d holds %d", senders*each, i, s)
		}
	}
	if got := lastSeqOf(t, tn, "owner", room.RoomId); got != senders*each {
		t.Errorf("last_seq = %d", got)
	}
}

// The same client_msg_id retried at once by many requests creates one message.
func TestClientMsgIDIsIdempotentUnderConcurrency(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	const tries = 20
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		ids      = map[string]int{}
		statuses = map[int]int{}
	)
	cid := "retry-1"
	for i := 0; i < tries; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := tn.as("alice").SendMessageWithResponse(context.Background(), room.RoomId, chatclient.SendMessageRequest{Content: "once", ClientMsgId: &cid})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			statuses[r.StatusCode()]++
			for _, env := range []*chatclient.MessageResponse{r.JSON200, r.JSON201} {
				if env != nil {
					ids[env.Data.MessageId]++
				}
			}
		}()
	}
	wg.Wait()
	if len(ids) != 1 || statuses[201] != 1 || statuses[200] != tries-1 {
		t.Errorf("ids %v, statuses %v: want one id, one 201 and %d 200s", ids, statuses, tries-1)
	}
	if got := lastSeqOf(t, tn, "alice", room.RoomId); got != 1 {
		t.Errorf("last_seq = %d, want 1", got)
	}
	// The same id from another sender, or in another room, is another message.
	r, _ := tn.as("bob").SendMessageWithResponse(context.Background(), room.RoomId, chatclient.SendMessageRequest{Content: "mine", ClientMsgId: &cid})
	if r == nil || r.StatusCode() != 201 {
		t.Errorf("bob's send with alice's client_msg_id: %s", bodyOf(r))
	}
	created := 0
	for _, ev := range e.events.Events() {
		if ev.Type == event.MessageCreated {
			created++
		}
	}
	if created != 2 {
		t.Errorf("%d message events, want 2 (repeats are not announced)", created)
	}
}

func TestListMessagesPaging(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	ctx := context.Background()
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	for i := 1; i <= 120; i++ {
		tn.send("alice", room.RoomId, fmt.Sprintf("m%d", i))
	}
	i64 := func(v int64) *int64 { return &v }
	for _, tc := range []struct {
		name        string
		params      chatclient.ListMessagesParams
		first, last int64
		count       int
	}{
		{"latest, default limit", chatclient.ListMessagesParams{}, 71, 120, 50},
		{"latest, limit 10", chatclient.ListMessagesParams{Limit: ptr(10)}, 111, 120, 10},
		{"latest, max limit", chatclient.ListMessagesParams{Limit: ptr(100)}, 21, 120, 100},
		{"after 0", chatclient.ListMessagesParams{AfterSeq: i64(0), Limit: ptr(5)}, 1, 5, 5},
		{"after 10", chatclient.ListMessagesParams{AfterSeq: i64(10), Limit: ptr(3)}, 11, 13, 3},
		{"after near the end", chatclient.ListMessagesParams{AfterSeq: i64(118)}, 119, 120, 2},
		{"after the end", chatclient.ListMessagesParams{AfterSeq: i64(120)}, 0, 0, 0},
		{"before 50", chatclient.ListMessagesParams{BeforeSeq: i64(50), Limit: ptr(5)}, 45, 49, 5},
		{"before 3", chatclient.ListMessagesParams{BeforeSeq: i64(3)}, 1, 2, 2},
		{"before 1", chatclient.ListMessagesParams{BeforeSeq: i64(1)}, 0, 0, 0},
		{"limit 1", chatclient.ListMessagesParams{Limit: ptr(1)}, 120, 120, 1},
		{"between 10 and 20", chatclient.ListMessagesParams{AfterSeq: i64(10), BeforeSeq: i64(20)}, 11, 19, 9},
		{"between 10 and 100, limit 4", chatclient.ListMessagesParams{AfterSeq: i64(10), BeforeSeq: i64(100), Limit: ptr(4)}, 11, 14, 4},
		{"empty window", chatclient.ListMessagesParams{AfterSeq: i64(20), BeforeSeq: i64(21)}, 0, 0, 0},
		{"inverted window", chatclient.ListMessagesParams{AfterSeq: i64(20), BeforeSeq: i64(10)}, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tn.as("bob").ListMessagesWithResponse(ctx, room.RoomId, &tc.params)
			if err != nil || r.JSON200 == nil {
				t.Fatalf("list: %v %s", err, bodyOf(r))
			}
			got := r.JSON200.Data
			if len(got) != tc.count {
				t.Fatalf("%d messages, want %d", len(got), tc.count)
			}
			for i, m := range got {
				if m.Seq != tc.first+int64(i) || m.Content != fmt.Sprintf("m%d", m.Seq) {
					t.Fatalf("message %d = seq %d %q, want seq %d ascending", i, m.Seq, m.Content, tc.first+int64(i))
				}
			}
			if tc.count > 0 && got[len(got)-1].Seq != tc.last {
				t.Errorf("last seq = %d, want %d", got[len(got)-1].Seq, tc.last)
			}
		})
	}
	for _, tc := range []struct {
		name  string
		query string
		user  string
		want  refusal
	}{
		{"limit 0", "limit=0", "bob", refusal{400, "VALIDATION_ERROR", "limit"}},
		{"limit 101", "limit=101", "bob", refusal{400, "VALIDATION_ERROR", "limit"}},
		{"negative after", "after_seq=-1", "bob", refusal{400, "VALIDATION_ERROR", "after_seq"}},
		{"before 0", "before_seq=0", "bob", refusal{400, "VALIDATION_ERROR", "before_seq"}},
		{"not a member", "", "eve", refusal{403, "AUTHORIZATION_ERROR", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := e.raw("GET", "/rooms/"+room.RoomId+"/messages?"+tc.query, map[string]string{"X-API-Key": tn.key, "X-User-Id": tc.user}, "")
			checkRefusal(t, status, body, tc.want)
		})
	}
}

func TestEditAndDeleteOwnership(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	ctx := context.Background()
	room := tn.createRoom("admin", chatclient.RoomTypeGroup, "alice", "bob")
	byAlice := tn.send("alice", room.RoomId, "alice's")
	byBob := tn.send("bob", room.RoomId, "bob's")
	byBob2 := tn.send("bob", room.RoomId, "bob's second")
	newText := "edited"

	for _, tc := range []struct {
		name string
		call func() (response, error)
		want int
		code string
	}{
		{"sender edits", func() (response, error) {
			return tn.as("alice").UpdateMessageWithResponse(ctx, room.RoomId, byAlice.MessageId, chatclient.UpdateMessageRequest{Content: &newText})
		}, 200, ""},
		{"another member edits", func() (response, error) {
			return tn.as("bob").UpdateMessageWithResponse(ctx, room.RoomId, byAlice.MessageId, chatclient.UpdateMessageRequest{Content: &newText})
		}, 403, "AUTHORIZATION_ERROR"},
		{"admin edits someone else's", func() (response, error) {
			return tn.as("admin").UpdateMessageWithResponse(ctx, room.RoomId, byAlice.MessageId, chatclient.UpdateMessageRequest{Content: &newText})
		}, 403, "AUTHORIZATION_ERROR"},
		{"edit with nothing to change", func() (response, error) {
			return tn.as("alice").UpdateMessageWithBodyWithResponse(ctx, room.RoomId, byAlice.MessageId, "application/json", strings.NewReader(`{}`))
		}, 400, "VALIDATION_ERROR"},
		{"edit a missing message", func() (response, error) {
			return tn.as("alice").UpdateMessageWithResponse(ctx, room.RoomId, "msg_nope", chatclient.UpdateMessageRequest{Content: &newText})
		}, 404, "NOT_FOUND"},
		{"another member deletes", func() (response, error) {
			return tn.as("alice").DeleteMessageWithResponse(ctx, room.RoomId, byBob.MessageId)
		}, 403, "AUTHORIZATION_ERROR"},
		{"sender deletes", func() (response, error) {
			return tn.as("bob").DeleteMessageWithResponse(ctx, room.RoomId, byBob.MessageId)
		}, 200, ""},
		{"admin deletes someone else's", func() (response, error) {
			return tn.as("admin").DeleteMessageWithResponse(ctx, room.RoomId, byBob2.MessageId)
		}, 200, ""},
		{"non-member deletes", func() (response, error) {
			return tn.as("eve").DeleteMessageWithResponse(ctx, room.RoomId, byAlice.MessageId)
		}, 403, "AUTHORIZATION_ERROR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tc.call()
			answered(t, r, err, tc.want, tc.code)
		})
	}

	r, err := tn.as("alice").ListMessagesWithResponse(ctx, room.RoomId, nil)
	if err != nil || r.JSON200 == nil || len(r.JSON200.Data) != 3 {
		t.Fatalf("list: %v %s", err, bodyOf(r))
	}
	got := r.JSON200.Data
	if got[0].Content != "edited" || got[0].EditedAt == nil || got[0].DeletedAt != nil {
		t.Errorf("edited message = %+v", got[0])
	}
	for _, m := range got[1:] {
		if m.Content != "" || m.DeletedAt == nil || m.Seq < 2 {
			t.Errorf("deleted message = %+v: want empty content, deleted_at, seq kept", m)
		}
	}
	var types []event.Type
	for _, ev := range e.events.Events() {
		if ev.Type != event.MessageCreated {
			types = append(types, ev.Type)
		}
	}
	if fmt.Sprint(types) != fmt.Sprint([]event.Type{event.MessageUpdated, event.MessageDeleted, event.MessageDeleted}) {
		t.Errorf("events = %v", types)
	}
}

func TestAcks(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	ctx := context.Background()
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	for i := 0; i < 5; i++ {
		tn.send("alice", room.RoomId, "hi")
	}
	ack := func(user, roomID string, seq int64) (*chatclient.AckMessagesResponse, error) {
		return tn.as(user).AckMessagesWithResponse(ctx, chatclient.AckRequest{RoomId: roomID, Seq: seq})
	}
	for _, tc := range []struct {
		name    string
		user    string
		room    string
		seq     int64
		want    int64 // last_ack after, when accepted
		refusal *refusal
	}{
		{"ack 3", "bob", room.RoomId, 3, 3, nil},
		{"ack lower keeps the cursor", "bob", room.RoomId, 2, 3, nil},
		{"ack the same", "bob", room.RoomId, 3, 3, nil},
		{"ack above last_seq", "bob", room.RoomId, 6, 0, &refusal{409, "CONFLICT", "seq"}},
		{"ack all", "bob", room.RoomId, 5, 5, nil},
		{"ack as non-member", "eve", room.RoomId, 1, 0, &refusal{403, "AUTHORIZATION_ERROR", ""}},
		{"ack a missing room", "bob", "room_nope", 1, 0, &refusal{404, "NOT_FOUND", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ack(tc.user, tc.room, tc.seq)
			if tc.refusal != nil {
				refused(t, r, err, *tc.refusal)
				return
			}
			if err != nil || r.JSON200 == nil || r.JSON200.Data.LastAck != tc.want || r.JSON200.Data.RoomId != tc.room {
				t.Fatalf("ack: %v %s, want last_ack %d", err, bodyOf(r), tc.want)
			}
			if got := unreadOf(t, tn, tc.user, tc.room); got != 5-tc.want {
				t.Errorf("unread = %d, want %d", got, 5-tc.want)
			}
		})
	}
	members, err := tn.as("alice").ListMembersWithResponse(ctx, room.RoomId)
	if err != nil || members.JSON200 == nil {
		t.Fatal(err)
	}
	for _, m := range members.JSON200.Data {
		if m.LastAck != 5 {
			t.Errorf("%s last_ack = %d, want 5", m.UserId, m.LastAck)
		}
	}
	acks := 0
	for _, ev := range e.events.Events() {
		if ev.Type == event.AckReceived && ev.UserID == "bob" && ev.RoomID == room.RoomId {
			acks++
		}
	}
	if acks != 4 {
		t.Errorf("%d ack.received events, want 4", acks)
	}
}
