package store

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestSendWritesNoIndexedRoomColumn holds migration 0021: no index of rooms
// covers a column that a send writes to its room's row (the allocate
// statements' SET list), so that on PostgreSQL the update of the row that
// every send to the room waits on is heap-only (no index entry written),
// and on SQLite it rewrites no index page. On PostgreSQL it also asks the
// database whether the allocate's update of a room was heap-only.
func TestSendWritesNoIndexedRoomColumn(t *testing.T) {
	written := map[string]bool{}
	for _, q := range []string{allocateSeqsSQL, allocateRoomsSQL(2)} {
		for _, c := range setColumns(t, q) {
			written[c] = true
		}
	}
	for _, c := range []string{"last_seq", "last_event_seq", "last_activity_at"} {
		if !written[c] {
			t.Fatalf("the allocate statements do not set %s: %v", c, written)
		}
	}
	cases := []struct {
		name    string
		open    func(t *testing.T) *Store
		indexes string // name and definition (or columns) of each index of rooms
		hot     bool   // whether the database reports heap-only updates
	}{
		{"sqlite", func(t *testing.T) *Store {
			return openPlanStore(t, filepath.Join(t.TempDir(), "chatapi.db"))
		}, `SELECT il.name, COALESCE(m.sql, '') || ' ' || (SELECT group_concat(ii.name, ' ') FROM pragma_index_info(il.name) ii)
			FROM pragma_index_list('rooms') il LEFT JOIN sqlite_master m ON m.type = 'index' AND m.name = il.name`, false},
		{"postgres", func(t *testing.T) *Store {
			return openPostgresPlanStore(t)
		}, `SELECT i.relname, pg_get_indexdef(x.indexrelid)
			FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = 'rooms'::regclass`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := c.open(t)
			ctx := t.Context()
			var defs []struct{ Name, Def string }
			rows, err := s.r.QueryContext(ctx, c.indexes)
			if err != nil {
				t.Fatalf("list indexes: %v", err)
			}
			for rows.Next() {
				var d struct{ Name, Def string }
				if err := rows.Scan(&d.Name, &d.Def); err != nil {
					t.Fatalf("list indexes: %v", err)
				}
				defs = append(defs, d)
			}
			if err := rows.Err(); err != nil {
				t.Fatalf("list indexes: %v", err)
			}
			rows.Close()
			if len(defs) == 0 {
				t.Fatal("rooms has no index: the catalog query is wrong")
			}
			for _, d := range defs {
				for col := range written {
					if regexp.MustCompile(`\b` + col + `\b`).MatchString(d.Def) {
						t.Errorf("index %s of rooms covers %s, which every send writes: %s", d.Name, col, d.Def)
					}
				}
			}
			if c.hot {
				checkHeapOnlyAllocate(t, s)
			}
		})
	}
}

// checkHeapOnlyAllocate runs a send's allocate on a fresh room in a
// transaction of its own and asks PostgreSQL how it updated the row.
func checkHeapOnlyAllocate(t *testing.T, s *Store) {
	ctx := t.Context()
	tn, room := newGroupRoom(t, s)
	tx, err := s.w.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatalf("begin: %v", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, tx.Rebind(allocateSeqsSQL), 1, 1, s.nowMillis(), tn.ID, room.ID); err != nil {
		t.Fatalf("allocate: %v", err)
	}
	var updated, hot int64
	if err := tx.QueryRowContext(context.WithoutCancel(ctx), `SELECT pg_stat_get_xact_tuples_updated('rooms'::regclass),
		pg_stat_get_xact_tuples_hot_updated('rooms'::regclass)`).Scan(&updated, &hot); err != nil {
		t.Fatalf("read the transaction's statistics: %v", err)
	}
	if updated != 1 || hot != 1 {
		t.Errorf("the allocate updated %d row(s) of rooms, %d of them heap-only; want 1 and 1", updated, hot)
	}
}

// setColumns returns the columns an UPDATE's SET list assigns.
func setColumns(t *testing.T, update string) []string {
	t.Helper()
	m := regexp.MustCompile(`(?s)\bSET\s+(.*?)\s+(FROM|WHERE)\b`).FindStringSubmatch(update)
	if m == nil {
		t.Fatalf("no SET list in %q", update)
	}
	var cols []string
	for _, a := range regexp.MustCompile(`(\w+)\s*=`).FindAllStringSubmatch(m[1], -1) {
		cols = append(cols, strings.ToLower(a[1]))
	}
	return cols
}
