package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
)

// TestMessagesWithoutRowid migrates a SQLite database holding messages
// from the schema before messages_without_rowid to the latest: that
// migration copies messages into a WITHOUT ROWID table, and every message,
// field and constraint must come through.
func TestMessagesWithoutRowid(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	migrateSQLiteTo(t, ctx, path, migrationVersion(t, "sqlite", "messages_without_rowid")-1, `
		INSERT INTO tenants (id, name, api_key_hash, rate_limit_rps, created_at) VALUES ('ten_1', 'old', 'old-hash', 10, 1);
		INSERT INTO rooms (id, tenant_id, type, metadata, last_seq, member_count, created_at, updated_at, last_activity_at, num, last_event_seq)
			VALUES ('room_1', 'ten_1', 'group', '{}', 3, 2, 1, 1, 1, 1, 5);
		INSERT INTO room_members (tenant_id, room_id, user_id, role, joined_at) VALUES
			('ten_1', 'room_1', 'alice', 'admin', 1), ('ten_1', 'room_1', 'bob', 'member', 1);
		INSERT INTO messages (id, tenant_id, room_id, seq, sender_id, content, meta, client_msg_id, created_at, edited_at, deleted_at, event_seq) VALUES
			('msg_1', 'ten_1', 'room_1', 1, 'alice', 'from before the log', NULL, NULL, 10, NULL, NULL, NULL),
			('msg_2', 'ten_1', 'room_1', 2, 'bob', 'edited', '{"k":"v"}', 'c-2', 20, 25, NULL, 4),
			('msg_3', 'ten_1', 'room_1', 3, 'alice', '', NULL, 'c-3', 30, NULL, 35, 5);`)

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()

	var table string
	if err := s.r.GetContext(ctx, &table, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'messages'`); err != nil {
		t.Fatalf("read the schema: %v", err)
	}
	if !strings.Contains(table, "WITHOUT ROWID") {
		t.Errorf("messages is %s, want a WITHOUT ROWID table", table)
	}
	var indexes []string
	if err := s.r.SelectContext(ctx, &indexes, `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages' AND sql IS NOT NULL`); err != nil {
		t.Fatalf("read the indexes: %v", err)
	}
	// messages_replies (0011) came after 0009, with the thread columns;
	// messages_client_msg_id (0022) took the place of the UNIQUE constraint.
	if want := []string{"messages_room_event", "messages_replies", "messages_client_msg_id"}; !slices.Equal(indexes, want) {
		t.Errorf("messages' own indexes %v, want %v", indexes, want)
	}

	got, err := s.ListMessages(ctx, "ten_1", "bob", "room_1", MessagePage{})
	if err != nil {
		t.Fatalf("ListMessages: %v", err)
	}
	var summary []string
	for _, m := range got {
		line := m.ID + " " + m.SenderID + " " + m.Content + " " + string(m.Meta) + " " + m.CreatedAt.Format("05.000")
		if m.ClientMsgID != nil {
			line += " " + *m.ClientMsgID
		}
		if m.EditedAt != nil {
			line += " edited " + m.EditedAt.Format("05.000")
		}
		if m.DeletedAt != nil {
			line += " deleted " + m.DeletedAt.Format("05.000")
		}
		summary = append(summary, line)
	}
	want := []string{
		"msg_1 alice from before the log  00.010",
		`msg_2 bob edited {"k":"v"} 00.020 c-2 edited 00.025`,
		"msg_3 alice   00.030 c-3 deleted 00.035",
	}
	if !slices.Equal(summary, want) {
		t.Errorf("messages after the migration\n got %q\nwant %q", summary, want)
	}
	events, err := s.RoomEventsAfter(ctx, "ten_1", "room_1", 3, 5, MaxEventsLimit)
	if err != nil {
		t.Fatalf("RoomEventsAfter: %v", err)
	}
	if len(events) != 2 || events[0].MessageSeq != 2 || events[1].MessageSeq != 3 {
		t.Errorf("message events 4 and 5: got %+v, want messages 2 and 3", events)
	}

	// The constraints came along: a client_msg_id sent again is a replay,
	// and the next message takes seq 4.
	replay, created, err := s.SendMessage(ctx, "ten_1", "bob", "room_1", NewMessage{Content: "again", ClientMsgID: new("c-2")})
	if err != nil || created || replay.ID != "msg_2" {
		t.Errorf("send of client_msg_id c-2 again: got %s, created %v, %v; want a replay of msg_2", replay.ID, created, err)
	}
	next, created, err := s.SendMessage(ctx, "ten_1", "bob", "room_1", NewMessage{Content: "new"})
	if err != nil || !created || next.Seq != 4 {
		t.Errorf("send: got seq %d, created %v, %v; want seq 4", next.Seq, created, err)
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO messages (id, tenant_id, room_id, seq, sender_id, content, created_at)
		VALUES ('msg_dup', 'ten_1', 'room_1', 1, 'alice', 'x', 1)`); err == nil {
		t.Error("a second message with seq 1 in the room was stored")
	}
}

// TestClientMsgIDPartial migrates a SQLite database holding messages from
// the schema before client_msg_id_partial, which copies messages to drop
// the UNIQUE constraint for a partial index: every message, its search
// entry and its triggers come through, a client_msg_id is still unique per
// sender and room, and only the messages that have one are in its index.
func TestClientMsgIDPartial(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	migrateSQLiteTo(t, ctx, path, migrationVersion(t, "sqlite", "client_msg_id_partial")-1, `
		INSERT INTO tenants (id, name, api_key_hash, rate_limit_rps, created_at) VALUES ('ten_1', 'old', 'old-hash', 10, 1);
		INSERT INTO rooms (id, tenant_id, type, metadata, last_seq, member_count, created_at, updated_at, last_activity_at, num, last_event_seq)
			VALUES ('room_1', 'ten_1', 'group', '{}', 3, 2, 1, 1, 1, 1, 4);
		INSERT INTO room_members (tenant_id, room_id, user_id, role, joined_at) VALUES
			('ten_1', 'room_1', 'alice', 'admin', 1), ('ten_1', 'room_1', 'bob', 'member', 1);
		INSERT INTO messages (id, tenant_id, room_id, seq, sender_id, content, meta, client_msg_id, created_at, event_seq,
				parent_id, quoted, mentions, reply_count, last_reply_at, reply_participants, attachments, reaction_counts) VALUES
			('msg_1', 'ten_1', 'room_1', 1, 'alice', 'walrus first', '{"k":"v"}', 'c-1', 10, 1,
				NULL, NULL, '["bob"]', 1, 30, '["bob"]', NULL, '{"up":1}'),
			('msg_2', 'ten_1', 'room_1', 2, 'bob', 'walrus second', NULL, NULL, 20, 2,
				NULL, '{"message_id":"msg_1"}', NULL, 0, NULL, NULL, '[]', NULL),
			('msg_3', 'ten_1', 'room_1', 3, 'bob', 'a reply', NULL, 'c-1', 30, 3,
				'msg_1', NULL, NULL, 0, NULL, NULL, NULL, NULL);`)

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()

	var rows []string
	if err := s.r.SelectContext(ctx, &rows, `
		SELECT id || ' ' || seq || ' ' || sender_id || ' ' || content || ' ' || IFNULL(meta, '-') || ' ' || IFNULL(client_msg_id, '-')
			|| ' ' || created_at || ' ' || event_seq || ' ' || IFNULL(parent_id, '-') || ' ' || IFNULL(quoted, '-')
			|| ' ' || IFNULL(mentions, '-') || ' ' || reply_count || ' ' || IFNULL(last_reply_at, '-')
			|| ' ' || IFNULL(reply_participants, '-') || ' ' || IFNULL(attachments, '-') || ' ' || IFNULL(reaction_counts, '-')
		FROM messages ORDER BY room_id, seq`); err != nil {
		t.Fatalf("read messages: %v", err)
	}
	want := []string{
		`msg_1 1 alice walrus first {"k":"v"} c-1 10 1 - - ["bob"] 1 30 ["bob"] - {"up":1}`,
		`msg_2 2 bob walrus second - - 20 2 - {"message_id":"msg_1"} - 0 - - [] -`,
		`msg_3 3 bob a reply - c-1 30 3 msg_1 - - 0 - - - -`,
	}
	if !slices.Equal(rows, want) {
		t.Errorf("messages after the migration\n got %q\nwant %q", rows, want)
	}

	// The index holds the messages with a client_msg_id only, and the
	// replay's lookup reads it.
	var entries int
	if err := s.r.GetContext(ctx, &entries, `SELECT COUNT(*) FROM messages INDEXED BY messages_client_msg_id WHERE client_msg_id IS NOT NULL`); err != nil {
		t.Fatalf("count the index: %v", err)
	}
	if entries != 2 {
		t.Errorf("messages_client_msg_id holds %d messages, want 2", entries)
	}
	var plan []struct {
		ID, Parent, NotUsed int
		Detail              string
	}
	if err := s.r.SelectContext(ctx, &plan, `EXPLAIN QUERY PLAN `+messageByClientIDSQL, "ten_1", "room_1", "bob", "c-1"); err != nil {
		t.Fatalf("plan: %v", err)
	}
	if len(plan) != 1 || !strings.Contains(plan[0].Detail, "USING INDEX messages_client_msg_id") {
		t.Errorf("the lookup of a client_msg_id: plan %+v, want a search of messages_client_msg_id", plan)
	}

	// A client_msg_id sent again is a replay, a second message with one is
	// refused by the index, and one without is never a replay.
	replay, created, err := s.SendMessage(ctx, "ten_1", "bob", "room_1", NewMessage{Content: "again", ClientMsgID: new("c-1")})
	if err != nil || created || replay.ID != "msg_3" {
		t.Errorf("send of bob's client_msg_id c-1 again: got %s, created %v, %v; want a replay of msg_3", replay.ID, created, err)
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO messages (id, tenant_id, room_id, seq, sender_id, content, client_msg_id, created_at)
		VALUES ('msg_dup', 'ten_1', 'room_1', 9, 'alice', 'x', 'c-1', 1)`); err == nil {
		t.Error("a second message of alice's with client_msg_id c-1 in the room was stored")
	}
	for range 2 {
		if _, created, err := s.SendMessage(ctx, "ten_1", "bob", "room_1", NewMessage{Content: "walrus third"}); err != nil || !created {
			t.Errorf("send without a client_msg_id: created %v, %v", created, err)
		}
	}

	// The search entries came along and the triggers are back: the old
	// messages are found, a new one is, an edit re-indexes, a delete
	// removes.
	search := func() []string {
		page, err := s.SearchMessages(ctx, "ten_1", "alice", SearchQuery{Q: "walrus"})
		if err != nil {
			t.Fatalf("SearchMessages: %v", err)
		}
		var out []string
		for _, h := range page.Hits {
			out = append(out, fmt.Sprint(h.Message.Seq))
		}
		return out
	}
	if got, want := search(), []string{"5", "4", "2", "1"}; !slices.Equal(got, want) {
		t.Errorf("search after the migration: seqs %v, want %v", got, want)
	}
	if _, err := s.EditMessage(ctx, "ten_1", "bob", "room_1", "msg_2", MessageUpdate{Content: new("no longer")}); err != nil {
		t.Fatalf("EditMessage: %v", err)
	}
	if _, err := s.DeleteMessage(ctx, "ten_1", "alice", "room_1", "msg_1"); err != nil {
		t.Fatalf("DeleteMessage: %v", err)
	}
	if got, want := search(), []string{"5", "4"}; !slices.Equal(got, want) {
		t.Errorf("search after an edit and a delete: seqs %v, want %v", got, want)
	}
}

// TestReactionCountsMoved opens a database migrated before 0016, with
// counts in reaction_counts: they move into the messages' rows, the
// listing shows them and the reader's own, and the next reaction counts
// on from them.
func TestReactionCountsMoved(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	migrateSQLiteTo(t, ctx, path, migrationVersion(t, "sqlite", "reaction_counts_in_messages")-1, `
		INSERT INTO tenants (id, name, api_key_hash, rate_limit_rps, created_at) VALUES ('ten_1', 'old', 'old-hash', 10, 1);
		INSERT INTO rooms (id, tenant_id, type, metadata, last_seq, member_count, created_at, updated_at, last_activity_at, num, last_event_seq)
			VALUES ('room_1', 'ten_1', 'group', '{}', 2, 2, 1, 1, 1, 1, 4);
		INSERT INTO room_members (tenant_id, room_id, user_id, role, joined_at) VALUES
			('ten_1', 'room_1', 'alice', 'admin', 1), ('ten_1', 'room_1', 'bob', 'member', 1);
		INSERT INTO messages (id, tenant_id, room_id, seq, sender_id, content, created_at, event_seq) VALUES
			('msg_1', 'ten_1', 'room_1', 1, 'alice', 'reacted to', 10, 1),
			('msg_2', 'ten_1', 'room_1', 2, 'alice', 'not', 20, 2);
		INSERT INTO reactions (tenant_id, room_id, message_seq, user_id, type, event_seq, created_at) VALUES
			('ten_1', 'room_1', 1, 'alice', 'up', 3, 30), ('ten_1', 'room_1', 1, 'bob', 'up', 4, 40);
		INSERT INTO reaction_counts (room_id, message_seq, counts) VALUES ('room_1', 1, '{"up":2}');`)

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	var n int
	if err := s.r.GetContext(ctx, &n, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'reaction_counts'`); err != nil || n != 0 {
		t.Errorf("reaction_counts: %d in the schema, %v; want it gone", n, err)
	}
	page := func() []string {
		got, err := s.ListMessages(ctx, "ten_1", "bob", "room_1", MessagePage{})
		if err != nil {
			t.Fatalf("ListMessages: %v", err)
		}
		var out []string
		for _, m := range got {
			out = append(out, fmt.Sprintf("%s %s %v", m.ID, m.Reactions.Counts, m.Reactions.Own))
		}
		return out
	}
	if got, want := page(), []string{`msg_1 {"up":2} [up]`, "msg_2  []"}; !slices.Equal(got, want) {
		t.Errorf("after the migration\n got %q\nwant %q", got, want)
	}
	if _, err := s.AddReaction(ctx, "ten_1", "bob", "room_1", "msg_1", "ok"); err != nil {
		t.Fatalf("AddReaction: %v", err)
	}
	if got, want := page(), []string{`msg_1 {"ok":1,"up":2} [ok up]`, "msg_2  []"}; !slices.Equal(got, want) {
		t.Errorf("after a reaction\n got %q\nwant %q", got, want)
	}
}

// migrationVersion is the version of the dialect's migration called name.
func migrationVersion(t *testing.T, dialect, name string) int64 {
	t.Helper()
	ms, err := loadMigrations(dialect)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if strings.HasSuffix(m.name, "_"+name+".sql") {
			return m.version
		}
	}
	t.Fatalf("no %s migration %s", dialect, name)
	return 0
}

// migrateSQLiteTo applies SQLite's migrations up to version to a new
// database at path, as an older binary did, then runs data.
func migrateSQLiteTo(t *testing.T, ctx context.Context, path string, version int64, data string) {
	t.Helper()
	migrateSQLite(t, ctx, path, func(v int64) bool { return v <= version }, data)
}

// migrateSQLite applies the SQLite migrations whose versions apply
// reports, recording each, to a new database at path, as a binary built
// with only those did, then runs data (if any).
func migrateSQLite(t *testing.T, ctx context.Context, path string, apply func(version int64) bool, data string) {
	t.Helper()
	db, err := sqlx.Open("sqlite", path+"?"+sqlitePragmas)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer db.Close()
	ms, err := loadMigrations("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, createSchemaMigrations); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if !apply(m.version) {
			continue
		}
		if _, err := db.ExecContext(ctx, m.sql); err != nil {
			t.Fatalf("migration %s: %v", m.name, err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)`, m.version); err != nil {
			t.Fatal(err)
		}
	}
	if data == "" {
		return
	}
	if _, err := db.ExecContext(ctx, data); err != nil {
		t.Fatalf("seed: %v", err)
	}
}

// TestMigrationsLandedOutOfOrder opens databases that an earlier binary
// migrated while a migration numbered below its newest one had not landed
// yet (branches developed side by side): Open applies the missing one, and
// every migration ends up recorded once.
func TestMigrationsLandedOutOfOrder(t *testing.T) {
	cases := []struct {
		name    string
		missing []string
		table   string // a table the first missing migration creates
	}{
		{"one below the newest", []string{"idempotency_keys"}, "idempotency_keys"},
		// Two that later migrations do not build on (0015 alters uploads,
		// 0016 moves 0010's reaction_counts, 0022 makes 0013's triggers
		// again).
		{"two apart", []string{"user_profiles", "webhooks"}, "user_profiles"},
		{"none", nil, "schema_migrations"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			path := filepath.Join(t.TempDir(), "gap.db")
			skip := map[int64]bool{}
			for _, name := range tc.missing {
				skip[migrationVersion(t, "sqlite", name)] = true
			}
			migrateSQLite(t, ctx, path, func(v int64) bool { return !skip[v] }, "")

			s, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			var n int
			if err := s.r.GetContext(ctx, &n, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, tc.table); err != nil || n != 1 {
				t.Errorf("table %s: count %d, err %v; want it created", tc.table, n, err)
			}
			ms, err := loadMigrations("sqlite")
			if err != nil {
				t.Fatal(err)
			}
			var want, got []int64
			for _, m := range ms {
				want = append(want, m.version)
			}
			if err := s.r.SelectContext(ctx, &got, `SELECT version FROM schema_migrations ORDER BY version`); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("recorded versions %v, want %v", got, want)
			}
		})
	}
}
