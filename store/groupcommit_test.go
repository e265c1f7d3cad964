package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

// TestGroupCommitBatch hands the SQLite group committer one batch mixing
// sends it must store, refuse and replay, then one whose shared transaction
// fails, and checks every send gets its own answer with gapless seqs.
func TestGroupCommitBatch(t *testing.T) {
	ctx := t.Context()
	s := openPlanStore(t, filepath.Join(t.TempDir(), "chatapi.db"))
	if s.sends == nil {
		t.Fatal("SQLite store without a group committer")
	}
	tn, err := s.CreateTenant(ctx, "t", 0, "hash")
	if err != nil {
		t.Fatalf("CreateTenant: %v", err)
	}
	room, err := s.CreateRoom(ctx, tn.ID, "alice", NewRoom{Type: RoomGroup, Members: []string{"bob"}})
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
		s.sends.commit(batch)
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
			}
		}
	}

	t.Run("refusals and replays share the batch", func(t *testing.T) {
		run(t, []*sendRequest{
			req(ctx, "alice", room.ID, "one", str("c1")),
			req(ctx, "carol", room.ID, "not a member", nil),
			req(ctx, "bob", "room_missing", "no room", nil),
			req(ctx, "alice", room.ID, "one again", str("c1")), // replay within the batch
			req(cancelled, "bob", room.ID, "given up", nil),
			req(ctx, "bob", room.ID, "two", nil),
		}, []want{
			{seq: 1, created: true}, {err: isForbidden}, {err: isNotFound},
			{seq: 1, created: false}, {err: isCanceled}, {seq: 2, created: true},
		})
	})

	t.Run("a failing send falls back to one transaction each", func(t *testing.T) {
		if _, err := s.w.ExecContext(ctx, `
			CREATE TRIGGER refuse_poison BEFORE INSERT ON messages
			WHEN NEW.content = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END`); err != nil {
			t.Fatalf("create trigger: %v", err)
		}
		run(t, []*sendRequest{
			req(ctx, "alice", room.ID, "three", nil),
			req(ctx, "bob", room.ID, "poison", nil),
			req(ctx, "alice", room.ID, "one once more", str("c1")),
			req(ctx, "bob", room.ID, "four", nil),
		}, []want{
			{seq: 3, created: true}, {err: func(err error) bool { return err != nil }},
			{seq: 1, created: false}, {seq: 4, created: true},
		})
		got, err := s.GetRoom(ctx, tn.ID, "alice", room.ID)
		if err != nil || got.LastSeq != 4 {
			t.Errorf("got last_seq %d, %v; want 4", got.LastSeq, err)
		}
	})
}
