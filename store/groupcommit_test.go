package store

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestGroupCommitBatch hands the group committer, on each database, batches
// mixing sends to several rooms that it must store, refuse and replay, then
// one whose shared transaction fails, and checks every send gets its own
// answer, each room gapless seqs and each sender's read cursor its last.
func TestGroupCommitBatch(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		s := openPlanStore(t, filepath.Join(t.TempDir(), "chatapi.db"))
		testGroupCommitBatch(t, s, `
			CREATE TRIGGER refuse_poison BEFORE INSERT ON messages
			WHEN NEW.content = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END`)
	})
	t.Run("postgres", func(t *testing.T) {
		s := openPostgresPlanStore(t)
		testGroupCommitBatch(t, s, `ALTER TABLE messages ADD CONSTRAINT refuse_poison CHECK (content <> 'poison')`)
	})
}

// testGroupCommitBatch runs the batches on s; poison makes the database
// refuse to store a message whose content is "poison".
func testGroupCommitBatch(t *testing.T, s *Store, poison string) {
	ctx := t.Context()
	tn, room := newGroupRoom(t, s)
	other, err := s.CreateRoom(ctx, tn.ID, "bob", NewRoom{Type: RoomGroup, Members: []string{"carol"}})
	if err != nil {
		t.Fatalf("CreateRoom: %v", err)
	}
	str := func(v string) *string { return &v }
	req := func(ctx context.Context, sender, roomID, content string, clientID *string) *sendRequest {
		return &sendRequest{ctx: ctx, tenantID: tn.ID, sender: sender, roomID: roomID,
			m: NewMessage{Content: content, ClientMsgID: clientID}, done: make(chan sendResult, 1)}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()

	type want struct {
		seq     int64
		created bool
		err     func(error) bool
	}
	isForbidden := func(err error) bool { var f *ForbiddenError; return errors.As(err, &f) }
	isNotFound := func(err error) bool { return errors.Is(err, ErrNotFound) }
	isCanceled := func(err error) bool { return errors.Is(err, context.Canceled) }
	run := func(t *testing.T, batch []*sendRequest, wants []want) {
		t.Helper()
		s.sends[0].commit(batch)
		for i, r := range batch {
			got := <-r.done
			w := wants[i]
			switch {
			case w.err != nil:
				if !w.err(got.err) {
					t.Errorf("send %d: got error %v", i, got.err)
				}
			case got.err != nil || got.row.Seq != w.seq || got.created != w.created:
				t.Errorf("send %d: got seq %d, created %v, %v; want seq %d, created %v", i, got.row.Seq, got.created, got.err, w.seq, w.created)
			case got.row.Content != r.m.Content && w.created:
				t.Errorf("send %d: got content %q, want %q", i, got.row.Content, r.m.Content)
			}
		}
	}
	// check reads back what the rooms and cursors hold.
	check := func(t *testing.T, roomID string, lastSeq int64, acks map[string]int64) {
		t.Helper()
		got, err := s.GetRoom(ctx, tn.ID, "bob", roomID)
		if err != nil || got.LastSeq != lastSeq {
			t.Errorf("room %s: got last_seq %d, %v; want %d", roomID, got.LastSeq, err, lastSeq)
		}
		msgs, err := s.ListMessages(ctx, tn.ID, "bob", roomID, MessagePage{AfterSeq: new(int64), Limit: MaxMessagesLimit})
		if err != nil {
			t.Fatalf("ListMessages: %v", err)
		}
		for i, m := range msgs {
			if m.Seq != int64(i+1) {
				t.Errorf("room %s: message %d has seq %d; want 1..%d without gaps", roomID, i, m.Seq, lastSeq)
			}
		}
		if int64(len(msgs)) != lastSeq {
			t.Errorf("room %s: got %d messages, want %d", roomID, len(msgs), lastSeq)
		}
		for user, want := range acks {
			m, err := s.IsMember(ctx, tn.ID, roomID, user)
			if err != nil || m.LastAck != want {
				t.Errorf("room %s, %s: got last_ack %d, %v; want %d", roomID, user, m.LastAck, err, want)
			}
		}
	}

	t.Run("refusals and replays share the batch", func(t *testing.T) {
		run(t, []*sendRequest{
			req(ctx, "alice", room.ID, "one", str("c1")),
			req(ctx, "carol", room.ID, "not a member", nil),
			req(ctx, "bob", other.ID, "elsewhere", nil),
			req(ctx, "bob", "room_missing", "no room", nil),
			req(ctx, "alice", room.ID, "one again", str("c1")), // replay within the batch
			req(cancelled, "bob", room.ID, "given up", nil),
			req(ctx, "bob", room.ID, "two", nil),
			req(ctx, "carol", other.ID, "elsewhere too", nil),
			req(ctx, "carol", room.ID, "not a member", str("c2")),
			req(ctx, "bob", other.ID, "elsewhere again", nil),
		}, []want{
			{seq: 1, created: true}, {err: isForbidden}, {seq: 1, created: true}, {err: isNotFound},
			{seq: 1, created: false}, {err: isCanceled}, {seq: 2, created: true},
			{seq: 2, created: true}, {err: isForbidden}, {seq: 3, created: true},
		})
		check(t, room.ID, 2, map[string]int64{"alice": 1, "bob": 2})
		check(t, other.ID, 3, map[string]int64{"bob": 3, "carol": 2})
	})

	t.Run("a replay of a stored message is answered with it", func(t *testing.T) {
		run(t, []*sendRequest{
			req(ctx, "bob", room.ID, "three", nil),
			req(ctx, "alice", room.ID, "one once more", str("c1")),
			req(ctx, "carol", room.ID, "one from an outsider", str("c1")),
			req(ctx, "alice", room.ID, "four", str("c3")),
		}, []want{
			{seq: 3, created: true}, {seq: 1, created: false}, {err: isForbidden}, {seq: 4, created: true},
		})
		check(t, room.ID, 4, map[string]int64{"alice": 4, "bob": 3})
	})

	t.Run("a failing send falls back to one transaction each", func(t *testing.T) {
		if _, err := s.w.ExecContext(ctx, poison); err != nil {
			t.Fatalf("poison: %v", err)
		}
		run(t, []*sendRequest{
			req(ctx, "alice", room.ID, "five", nil),
			req(ctx, "bob", room.ID, "poison", nil),
			req(ctx, "alice", room.ID, "one once more", str("c1")),
			req(ctx, "carol", other.ID, "elsewhere", nil),
			req(ctx, "bob", room.ID, "six", nil),
		}, []want{
			{seq: 5, created: true}, {err: func(err error) bool { return err != nil }},
			{seq: 1, created: false}, {seq: 4, created: true}, {seq: 6, created: true},
		})
		check(t, room.ID, 6, map[string]int64{"alice": 5, "bob": 6})
		check(t, other.ID, 4, map[string]int64{"carol": 4})
	})
}

// TestSendsForKeepsARoomOnOneCommitter holds a room's sends to one group
// committer (their order, and no two committers locking one room) while
// the rooms spread over all of them.
func TestSendsForKeepsARoomOnOneCommitter(t *testing.T) {
	s := &Store{sends: make([]*groupCommitter, 4), shardSeed: maphash.MakeSeed()}
	for i := range s.sends {
		s.sends[i] = &groupCommitter{}
	}
	used := map[*groupCommitter]bool{}
	for i := range 64 {
		room := fmt.Sprintf("room_%d", i)
		g := s.sendsFor("tn_1", room)
		for range 3 {
			if again := s.sendsFor("tn_1", room); again != g {
				t.Fatalf("%s went to two committers", room)
			}
		}
		used[g] = true
	}
	if len(used) != len(s.sends) {
		t.Errorf("64 rooms used %d of %d committers", len(used), len(s.sends))
	}
}

// TestCommitBatchesLinger: a batch that lingers takes in what arrives
// meanwhile, up to what linger asks for; without a linger each request
// that finds the writer idle is a batch of its own.
func TestCommitBatchesLinger(t *testing.T) {
	for _, tc := range []struct {
		name   string
		linger func(prev int, batch []int) time.Duration
		want   []int // batch sizes
	}{
		{name: "no linger", want: []int{1, 1, 1}},
		{name: "lingers until three", linger: func(_ int, b []int) time.Duration {
			if len(b) < 3 {
				return time.Minute
			}
			return 0
		}, want: []int{3}},
		{name: "linger ends", linger: func(int, []int) time.Duration { return 30 * time.Millisecond }, want: []int{1, 1, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reqs, stop, sizes := make(chan int), make(chan struct{}), make(chan int, 3)
			done := make(chan struct{})
			go func() {
				defer close(done)
				commitBatches(reqs, stop, 10, tc.linger, func(b []int) { sizes <- len(b) })
			}()
			defer func() { close(stop); <-done }()
			for i := range 3 {
				reqs <- i
				// The next comes well after this one was taken; with "linger
				// ends" after its 30 ms linger, too.
				time.Sleep(60 * time.Millisecond)
			}
			var got []int
			for range tc.want {
				select {
				case n := <-sizes:
					got = append(got, n)
				case <-time.After(5 * time.Second):
					t.Fatalf("batches %v, want %v", got, tc.want)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("batches %v, want %v", got, tc.want)
			}
		})
	}
}

// The group committer lingers only where the database has a linger, while
// sends stream in, and for a batch smaller than sendLingerBatch.
func TestSendLingerFor(t *testing.T) {
	for _, tc := range []struct {
		linger    time.Duration
		streaming bool
		n         int
		want      time.Duration
	}{
		{linger: sendLinger, streaming: false, n: 1, want: 0},
		{linger: sendLinger, streaming: true, n: 1, want: sendLinger},
		{linger: sendLinger, streaming: true, n: sendLingerBatch - 1, want: sendLinger},
		{linger: sendLinger, streaming: true, n: sendLingerBatch, want: 0},
		{linger: sendLinger, streaming: false, n: sendLingerBatch - 1, want: 0},
		{linger: 0, streaming: true, n: 1, want: 0},
	} {
		if got := sendLingerFor(tc.linger, tc.streaming, tc.n); got != tc.want {
			t.Errorf("sendLingerFor(%v, %v, %d) = %v, want %v", tc.linger, tc.streaming, tc.n, got, tc.want)
		}
	}
}
