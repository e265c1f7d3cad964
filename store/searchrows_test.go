package store

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestSearchRowFollowsItsMessage: a message's row of the search index goes
// with the message when the message's row is deleted (a tenant's purge
// deletes messages so), on each database: on SQLite and, since migration
// 0023, on PostgreSQL by a trigger, and the rows of the messages kept stay.
func TestSearchRowFollowsItsMessage(t *testing.T) {
	for _, c := range []struct {
		name string
		open func(t *testing.T) *Store
	}{
		{"sqlite", func(t *testing.T) *Store { return openPlanStore(t, filepath.Join(t.TempDir(), "chatapi.db")) }},
		{"postgres", openPostgresPlanStore},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := c.open(t)
			ctx := t.Context()
			tn, room := newGroupRoom(t, s)
			for _, content := range []string{"walrus one", "walrus two", "walrus three"} {
				if _, _, err := s.SendMessage(ctx, tn.ID, "alice", room.ID, NewMessage{Content: content}); err != nil {
					t.Fatalf("SendMessage: %v", err)
				}
			}
			indexed := func() []int64 {
				t.Helper()
				var seqs []int64
				if err := s.w.SelectContext(ctx, &seqs, s.w.Rebind(`SELECT seq FROM message_search WHERE room_id = ? ORDER BY seq`), room.ID); err != nil {
					t.Fatalf("read message_search: %v", err)
				}
				return seqs
			}
			if got := indexed(); !slices.Equal(got, []int64{1, 2, 3}) {
				t.Fatalf("search rows after three sends: %v, want [1 2 3]", got)
			}
			if _, err := s.w.ExecContext(ctx, s.w.Rebind(`DELETE FROM messages WHERE room_id = ? AND seq IN (1, 3)`), room.ID); err != nil {
				t.Fatalf("delete messages: %v", err)
			}
			if got := indexed(); !slices.Equal(got, []int64{2}) {
				t.Errorf("search rows after messages 1 and 3 were deleted: %v, want [2]", got)
			}
		})
	}
}
