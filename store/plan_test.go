package store

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/chatapi/chatapi/store/pgtest"
)

// TestQueryPlans asks each database how it runs the listing queries, with
// the very SQL and arguments the store sends, and fails when one reads a
// whole table: their cost must follow the page asked for, not the size of
// the tables. The plans are logged (go test -v -run TestQueryPlans).
func TestQueryPlans(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		s := openPlanStore(t, filepath.Join(t.TempDir(), "plan.db"))
		seed := seedPlanData(t, s, sqlitePlanSize)
		// As migrated: the store never runs ANALYZE, so this is the plan
		// production gets.
		checkPlans(t, s, seed, explainSQLite)
		t.Run("analyzed", func(t *testing.T) {
			// And after an operator's ANALYZE (or PRAGMA optimize), when
			// the planner weighs the real row counts.
			if _, err := s.w.ExecContext(t.Context(), `ANALYZE`); err != nil {
				t.Fatalf("ANALYZE: %v", err)
			}
			checkPlans(t, s, seed, explainSQLite)
		})
	})
	t.Run("postgres", func(t *testing.T) {
		s := openPostgresPlanStore(t)
		seed := seedPlanData(t, s, postgresPlanSize)
		// PostgreSQL plans from statistics: without them it guesses, and on
		// tiny tables a sequential scan is the right choice.
		if _, err := s.w.ExecContext(t.Context(), `ANALYZE`); err != nil {
			t.Fatalf("ANALYZE: %v", err)
		}
		checkPlans(t, s, seed, explainPostgres)
		checkCachedPlans(t, s, seed)
	})
}

// checkCachedPlans runs each page query as the store does, a statement
// prepared on one connection and executed again and again, and fails when
// PostgreSQL plans it afresh on every execution. After five executions
// PostgreSQL weighs the plan it caches for any arguments (the generic plan)
// against the ones it made for each call's arguments, and keeps planning
// anew while the generic one's estimate is the higher: on a rich page that
// planning cost more than running the query (BENCHMARKS.md, issue 14,
// fourth pass).
func checkCachedPlans(t *testing.T, s *Store, seed planSeed) {
	const executions = 10
	for _, c := range planCases(s, seed) {
		if !strings.HasPrefix(c.name, "ListMessages") && !strings.HasPrefix(c.name, "ListReplies") {
			continue
		}
		t.Run(c.name+" cached", func(t *testing.T) {
			ctx := t.Context()
			conn, err := s.r.Connx(ctx)
			if err != nil {
				t.Fatalf("Connx: %v", err)
			}
			defer conn.Close()
			query := s.r.Rebind(c.query)
			st, err := conn.PreparexContext(ctx, query)
			if err != nil {
				t.Fatalf("prepare: %v", err)
			}
			defer st.Close()
			for range executions {
				rows, err := st.QueryContext(ctx, c.args...)
				if err != nil {
					t.Fatalf("query: %v", err)
				}
				for rows.Next() {
				}
				if err := rows.Close(); err != nil {
					t.Fatalf("rows: %v", err)
				}
			}
			var generic, custom int64
			if err := conn.QueryRowxContext(ctx, `
				SELECT generic_plans, custom_plans FROM pg_prepared_statements
				WHERE statement = $1 AND NOT from_sql`, query).Scan(&generic, &custom); err != nil {
				t.Fatalf("pg_prepared_statements: %v", err)
			}
			if custom+generic != executions || generic == 0 {
				t.Errorf("%d executions planned %d times for their arguments, %d from the cached plan; want the cached plan from the sixth on",
					executions, custom, generic)
			}
		})
	}
}

// openPostgresPlanStore is openPlanStore on a fresh schema of the test
// cluster; without a cluster the test is skipped (a failure under CI).
func openPostgresPlanStore(t *testing.T) *Store {
	t.Helper()
	if testPostgres.err != nil {
		pgtest.Unavailable(t, testPostgres.err)
	}
	url, drop, err := pgtest.NewSchema(t.Context(), testPostgres.url, "")
	if err != nil {
		t.Fatalf("NewSchema: %v", err)
	}
	t.Cleanup(drop)
	return openPlanStore(t, url)
}

// newGroupRoom creates a tenant and, in it, a group room of alice (its
// admin) and bob.
func newGroupRoom(t *testing.T, s *Store) (Tenant, Room) {
	t.Helper()
	tn, err := s.CreateTenant(t.Context(), "t", 0, "hash")
	if err != nil {
		t.Fatalf("CreateTenant: %v", err)
	}
	room, err := s.CreateRoom(t.Context(), tn.ID, "alice", NewRoom{Type: RoomGroup, Members: []string{"bob"}})
	if err != nil {
		t.Fatalf("CreateRoom: %v", err)
	}
	return tn, room
}

func openPlanStore(t *testing.T, url string) *Store {
	t.Helper()
	s, err := Open(t.Context(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// planSeed names what seedPlanData stored.
type planSeed struct {
	tenantID string
	roomID   string // one of alice's rooms
	messages int    // in that room
}

// planSize is how much seedPlanData stores.
type planSize struct {
	rooms         int // alice's rooms
	messages      int // per room of alice's
	otherRooms    int // rooms of other users, one member each
	notifications int // spread evenly over recipients
	recipients    int // users other than alice
	tenants       int // tenants holding the dead letters
	deadLetters   int // per tenant and kind
}

// postgresPlanSize has enough rows that PostgreSQL prefers an index wherever
// one fits, as it will on a production database: on small tables a
// sequential scan is cheaper, and the planner knows it.
var postgresPlanSize = planSize{
	rooms: 5, messages: 1000, otherRooms: 20000, notifications: 50000, recipients: 1000, tenants: 5, deadLetters: 1000,
}

// sqlitePlanSize is smaller: SQLite's plans do not depend on row counts
// until ANALYZE, and seeding the PostgreSQL size through the race-detected
// SQLite driver takes twenty seconds.
var sqlitePlanSize = planSize{
	rooms: 5, messages: 1000, otherRooms: 2000, notifications: 5000, recipients: 100, tenants: 5, deadLetters: 200,
}

// seedPlanData fills a fresh database in a few statements (recursive CTEs,
// which both dialects accept) rather than through the API, which would take
// one transaction per message.
func seedPlanData(t *testing.T, s *Store, size planSize) planSeed {
	t.Helper()
	ctx := t.Context()
	var tenants []string
	for i := range size.tenants {
		tn, err := s.CreateTenant(ctx, "plan", 0, fmt.Sprintf("plan-hash-%d", i))
		if err != nil {
			t.Fatalf("CreateTenant: %v", err)
		}
		tenants = append(tenants, tn.ID)
	}
	tenant := tenants[0]
	var roomID string
	for range size.rooms {
		r, err := s.CreateRoom(ctx, tenant, "alice", NewRoom{Type: RoomGroup, Members: []string{"bob"}})
		if err != nil {
			t.Fatalf("CreateRoom: %v", err)
		}
		roomID = r.ID
	}
	series := func(n int) string {
		return fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) `, n)
	}
	now := s.nowMillis()
	statements := []struct {
		query string
		args  []any
	}{
		{series(size.messages) + `
			INSERT INTO messages (id, tenant_id, room_id, seq, sender_id, content, created_at)
			SELECT 'msg_' || r.id || '_' || n.i, r.tenant_id, r.id, n.i, 'bob',
				CASE WHEN n.i % 200 = 0 THEN 'hello from bob, rarely seen' ELSE 'hello from bob' END, n.i
			FROM rooms r, n WHERE r.tenant_id = ?`, []any{tenant}},
		{`UPDATE rooms SET last_seq = ? WHERE tenant_id = ?`, []any{size.messages, tenant}},
		// Five reaction types on every message of alice's rooms, one of
		// them alice's own, as the reactions bench has them.
		{`WITH RECURSIVE k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < 5)
			INSERT INTO reactions (tenant_id, room_id, message_seq, user_id, type, event_seq, created_at)
			SELECT m.tenant_id, m.room_id, m.seq, CASE WHEN k.j = 1 THEN 'alice' ELSE 'bob' END, 'type' || k.j, m.seq * 5 + k.j, m.seq
			FROM messages m, k WHERE m.tenant_id = ?`, []any{tenant}},
		{`UPDATE messages SET reaction_counts = '{"type1":1,"type2":1,"type3":1,"type4":1,"type5":1}' WHERE tenant_id = ?`, []any{tenant}},
		{`INSERT INTO pins (tenant_id, room_id, message_seq, pinned_by, event_seq, pinned_at)
			SELECT tenant_id, room_id, seq, 'alice', seq, seq FROM messages WHERE tenant_id = ? AND seq % 100 = 0`, []any{tenant}},
		// Every third message a reply to the room's first; a mention of
		// one of 50 users in every message.
		{`UPDATE messages SET parent_id = 'msg_' || room_id || '_1' WHERE tenant_id = ? AND seq % 3 = 0`, []any{tenant}},
		{`INSERT INTO message_mentions (tenant_id, room_id, user_id, seq)
			SELECT tenant_id, room_id, 'user_' || (seq % 50), seq FROM messages WHERE tenant_id = ?`, []any{tenant}},
		{series(size.otherRooms) + `
			INSERT INTO rooms (id, tenant_id, num, type, metadata, last_seq, member_count, created_at, updated_at, last_activity_at)
			SELECT 'room_other_' || n.i, ?, 1000 + n.i, 'group', '{}', 0, 1, n.i, n.i, n.i FROM n`, []any{tenant}},
		// A log for each of alice's rooms after the member.joined events
		// CreateRoom appended: each message sent (its event the message)
		// then edited; and the owner of every other room leaving it.
		{`UPDATE messages SET event_seq = 1 + 2 * seq WHERE tenant_id = ?`, []any{tenant}},
		{series(size.messages) + `
			INSERT INTO room_events (tenant_id, room_id, type, user_id, payload_version, payload, created_at, message_seq, event_seq)
			SELECT r.tenant_id, r.id, 'message.updated', 'bob', 1, '{}', n.i, n.i, 2 + 2 * n.i
			FROM rooms r, n WHERE r.tenant_id = ? AND r.id NOT LIKE 'room_other_%'`, []any{tenant}},
		{`UPDATE rooms SET last_event_seq = 2 + 2 * ? WHERE tenant_id = ? AND id NOT LIKE 'room_other_%'`, []any{size.messages, tenant}},
		{`INSERT INTO room_events (tenant_id, room_id, type, user_id, payload_version, payload, created_at, message_seq, event_seq)
			SELECT tenant_id, id, 'member.left', 'owner_' || id, 1, '{}', created_at, NULL, 1
			FROM rooms WHERE tenant_id = ? AND id LIKE 'room_other_%'`, []any{tenant}},
		{`INSERT INTO room_members (tenant_id, room_id, user_id, role, joined_at, last_ack)
			SELECT tenant_id, id, 'owner_' || id, 'admin', 0, 0 FROM rooms
			WHERE tenant_id = ? AND id LIKE 'room_other_%'`, []any{tenant}},
		// A pin in every other room: the pins of one room are a few of many.
		{`INSERT INTO pins (tenant_id, room_id, message_seq, pinned_by, event_seq, pinned_at)
			SELECT tenant_id, id, 1, 'owner_' || id, 1, created_at FROM rooms
			WHERE tenant_id = ? AND id LIKE 'room_other_%'`, []any{tenant}},
		{series(size.notifications) + `
			INSERT INTO notifications (id, tenant_id, sender_id, topic, payload, created_at, expires_at)
			SELECT 'ntf_' || n.i, ?, 'bob', 'news', '{}', n.i, ? FROM n`, []any{tenant, now + NotificationTTL.Milliseconds()}},
		{`INSERT INTO notification_recipients (notification_id, tenant_id, user_id, state, attempts)
			SELECT id, tenant_id, 'user_' || (created_at % ?), 'pending', 0 FROM notifications
			WHERE tenant_id = ?`, []any{size.recipients, tenant}},
		{series(size.deadLetters) + `
			INSERT INTO dead_letter_messages (id, tenant_id, message_id, user_id, room_id, attempts, last_attempt_at, error)
			SELECT 'dlm_' || t.id || '_' || n.i, t.id, 'msg_gone', 'carol', 'room_gone', 5, n.i, 'timeout'
			FROM tenants t, n`, nil},
		{series(size.deadLetters) + `
			INSERT INTO dead_letter_notifications (id, tenant_id, notification_id, user_id, attempts, last_attempt_at, error)
			SELECT 'dln_' || t.id || '_' || n.i, t.id, 'ntf_gone', 'carol', 5, n.i, 'timeout'
			FROM tenants t, n`, nil},
	}
	for _, st := range statements {
		if _, err := s.w.ExecContext(ctx, s.w.Rebind(st.query), st.args...); err != nil {
			t.Fatalf("seed: %v\n%s", err, st.query)
		}
	}
	return planSeed{tenantID: tenant, roomID: roomID, messages: size.messages}
}

// planCase is one query as the store sends it, and the tables it must reach
// through an index.
type planCase struct {
	name   string
	query  string // before Rebind
	args   []any
	tables []string
	// orderedScan allows SQLite's "SCAN t USING INDEX i": walking an index
	// in ORDER BY order and stopping at LIMIT, the plan of a listing without
	// a filter (all tenants' dead letters). Never allowed for messages.
	orderedScan bool
	// subqueries are the query's own subqueries, which SQLite may SCAN:
	// their rows are what the query bounded them to, not a table.
	subqueries []string
	// oneLookup are tables SQLite must read with one b-tree search a row:
	// through their own primary key (a WITHOUT ROWID table's rows are in
	// it) or a covering index, not an index and then the row by rowid.
	oneLookup []string
	// inOrder says SQLite reads the rows in the order the query gives
	// them, never sorting them into a temporary b-tree first: a page
	// costs its rows, not those of everything after its place.
	inOrder bool
}

func planCases(s *Store, seed planSeed) []planCase {
	page := func(p MessagePage) (string, []any) {
		q, args, _ := listMessagesQuery(seed.tenantID, "alice", seed.roomID, p, DefaultMessagesLimit)
		return q, args
	}
	at := int64(seed.messages / 2)
	before := at + 100
	var cases []planCase
	for _, c := range []struct {
		name string
		p    MessagePage
	}{
		{"ListMessages after_seq", MessagePage{AfterSeq: &at}},
		{"ListMessages before_seq", MessagePage{BeforeSeq: &at}},
		{"ListMessages latest", MessagePage{}},
		{"ListMessages between", MessagePage{AfterSeq: &at, BeforeSeq: &before}},
		{"ListMessages top_level", MessagePage{TopLevel: true}},
		{"ListMessages top_level after_seq", MessagePage{TopLevel: true, AfterSeq: &at}},
	} {
		q, args := page(c.p)
		cases = append(cases, planCase{name: c.name, query: q, args: args, tables: []string{"messages", "room_members", "reactions"},
			oneLookup: []string{"messages", "reactions"}, inOrder: true, subqueries: []string{"b", "page_bounds", "pb"}})
	}
	q, args := listReactionsQuery(seed.roomID, int64(at), ReactionPage{Type: "type2"}, DefaultReactionsLimit)
	cases = append(cases, planCase{name: "ListReactions type", query: q, args: args, tables: []string{"reactions"}, inOrder: true})
	q, args = listReactionsQuery(seed.roomID, int64(at), ReactionPage{After: 7}, DefaultReactionsLimit)
	cases = append(cases, planCase{name: "ListReactions", query: q, args: args, tables: []string{"reactions"}, inOrder: true})
	cases = append(cases, planCase{name: "ListPins", query: listPinsSQL, args: []any{"alice", seed.tenantID, seed.roomID},
		tables: []string{"pins", "messages", "reactions"}, oneLookup: []string{"messages", "reactions"}, inOrder: true})
	// A thread's replies, through messages_replies in seq order.
	for _, c := range []struct {
		name string
		p    MessagePage
	}{
		{"ListReplies latest", MessagePage{}},
		{"ListReplies after_seq", MessagePage{AfterSeq: &at}},
	} {
		q, args, _ := listRepliesQuery(seed.tenantID, "alice", seed.roomID, "msg_"+seed.roomID+"_1", c.p, DefaultMessagesLimit)
		cases = append(cases, planCase{name: c.name, query: q, args: args, tables: []string{"messages", "room_members", "reactions"}, inOrder: true})
	}
	cases = append(cases, planCase{name: "Unread", query: unreadSQL, args: []any{seed.tenantID, "alice", s.nowMillis()},
		tables: []string{"room_members", "rooms", "message_mentions"}, subqueries: []string{"u"}})
	cases = append(cases, planCase{name: "send: referenced messages", query: refsOfSQL(2),
		args:   []any{seed.tenantID, seed.roomID, "msg_a", seed.tenantID, seed.roomID, "msg_b"},
		tables: []string{"messages"}, subqueries: []string{"v"}})
	cases = append(cases, planCase{name: "send: mentioned members", query: mentionedMembersSQL(2),
		args:   []any{0, seed.tenantID, seed.roomID, "alice", 1, seed.tenantID, seed.roomID, "bob"},
		tables: []string{"room_members"}, subqueries: []string{"v"}})
	cases = append(cases, planCase{name: "cursor moves: members' cursors", query: cursorReadSQL(2),
		args:   []any{seed.tenantID, seed.roomID, "alice", seed.tenantID, seed.roomID, "bob"},
		tables: []string{"rooms", "room_members"}, subqueries: []string{"v"}})
	group := RoomGroup
	for _, c := range []struct {
		name string
		typ  *RoomType
	}{
		{"ListRooms", nil},
		{"ListRooms type", &group},
	} {
		q, args := listRoomsQuery(seed.tenantID, "alice", RoomFilter{Type: c.typ}, DefaultRoomsLimit)
		cases = append(cases, planCase{name: c.name, query: q, args: args,
			tables: []string{"room_members", "rooms", "messages", "message_mentions", "reactions"}})
	}
	for _, c := range []struct {
		name        string
		after, upto int64
	}{
		{"ListRoomEvents", 2 * at, 0},
		{"Sync range", 2 * at, 2*at + 20},
	} {
		q, args := s.dialect.readEventsQuery(seed.tenantID, seed.roomID, c.after, c.upto, DefaultEventsLimit)
		cases = append(cases, planCase{name: c.name, query: q, args: args,
			tables: []string{"room_events", "messages"}, subqueries: []string{"changes", "sent"}, inOrder: true})
	}
	cases = append(cases, planCase{name: "Sync memberships", query: syncMembershipsSQL,
		args: []any{seed.tenantID, "alice"}, tables: []string{"room_members", "rooms"}})
	cases = append(cases, planCase{name: "Sync recent leaves", query: syncRecentLeftsSQL,
		args: []any{seed.tenantID, "owner_room_other_7", int64(1)}, tables: []string{"room_events", "rooms"}})
	for _, c := range []struct {
		name   string
		query  string
		args   []any
		tables []string
	}{
		{"Sync rooms by number", syncRoomsSQL, []any{seed.tenantID, []int64{1, 2, 1500}}, []string{"rooms"}},
		{"Sync leaves", syncLeftsSQL, []any{seed.tenantID, "owner_room_other_7", []string{"room_other_7", seed.roomID}}, []string{"room_events"}},
	} {
		q, args, err := sqlx.In(c.query, c.args...)
		if err != nil {
			panic(err)
		}
		cases = append(cases, planCase{name: c.name, query: q, args: args, tables: c.tables})
	}
	for _, col := range []cursorColumn{colLastAck, colLastDelivered} {
		cases = append(cases, planCase{name: "move " + string(col), query: cursorUpdateSQL(col, 2),
			args:   []any{seed.tenantID, seed.roomID, "bob", 5, seed.tenantID, seed.roomID, "alice", 7},
			tables: []string{"room_members"}, subqueries: []string{"v"}})
	}
	cases = append(cases, planCase{name: "send: allocate seqs", query: allocateSeqsSQL,
		args: []any{3, 3, s.nowMillis(), seed.tenantID, seed.roomID}, tables: []string{"rooms"}})
	cases = append(cases, planCase{name: "send: allocate seqs in rooms", query: allocateRoomsSQL(2),
		args:   []any{s.nowMillis(), seed.tenantID, "room_other_7", 2, 2, seed.tenantID, seed.roomID, 3, 4},
		tables: []string{"rooms"}, subqueries: []string{"v"}})
	cases = append(cases, planCase{name: "send: the senders' cursors", query: sendCursorsSQL(2),
		args:   []any{seed.tenantID, seed.roomID, "alice", 9, seed.tenantID, seed.roomID, "bob", 9},
		tables: []string{"room_members"}, subqueries: []string{"v"}})
	cases = append(cases, planCase{name: "send: members of the batch", query: membersOfSQL(2),
		args:   []any{0, seed.tenantID, seed.roomID, "alice", 1, seed.tenantID, seed.roomID, "bob"},
		tables: []string{"room_members"}, subqueries: []string{"v"}})
	// A replay's lookup: through the partial index of the messages with a
	// client_msg_id (0022), which client_msg_id = ? implies, then the row,
	// as through the UNIQUE constraint's index before.
	cases = append(cases, planCase{name: "send: a client_msg_id's message", query: messageByClientIDSQL,
		args: []any{seed.tenantID, seed.roomID, "alice", "c-1"}, tables: []string{"messages"}})
	cases = append(cases, planCase{name: "PruneEvents", query: pruneBatchSQL,
		args: []any{int64(seed.messages / 2), 1000}, tables: []string{"room_events"}, subqueries: []string{"oldest"}})
	cases = append(cases, planCase{name: "ListNotifications", query: listNotificationsSQL,
		args:   []any{seed.tenantID, "user_7", s.nowMillis(), DefaultNotificationsLimit},
		tables: []string{"notification_recipients", "notifications"}})
	for _, c := range []struct {
		name   string
		tenant string
	}{
		{"ListDeadLetters tenant", seed.tenantID},
		{"ListDeadLetters all", ""},
	} {
		msgQuery, ntfQuery, args := deadLettersQueries(c.tenant, DefaultDeadLettersLimit)
		cases = append(cases,
			planCase{name: c.name + " messages", query: msgQuery, args: args,
				tables: []string{"dead_letter_messages"}, orderedScan: c.tenant == ""},
			planCase{name: c.name + " notifications", query: ntfQuery, args: args,
				tables: []string{"dead_letter_notifications"}, orderedScan: c.tenant == ""})
	}
	return cases
}

// explainer returns the plan of query (already rebound), one line per
// element, and the reasons it is not index-only for c.
type explainer func(ctx context.Context, s *Store, c planCase, query string) (plan []string, problems []string, err error)

func checkPlans(t *testing.T, s *Store, seed planSeed, explain explainer) {
	for _, c := range planCases(s, seed) {
		t.Run(c.name, func(t *testing.T) {
			plan, problems, err := explain(t.Context(), s, c, s.r.Rebind(c.query))
			if err != nil {
				t.Fatalf("explain: %v", err)
			}
			t.Logf("plan:\n\t%s", strings.Join(plan, "\n\t"))
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
}

// explainSQLite runs EXPLAIN QUERY PLAN. Every table must be read by a
// SEARCH through an index or the primary key; "SCAN t" is a full table scan.
func explainSQLite(ctx context.Context, s *Store, c planCase, query string) ([]string, []string, error) {
	rows, err := s.r.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, c.args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notUsed int
		var detail string
		if err := rows.Scan(&id, &parent, &notUsed, &detail); err != nil {
			return nil, nil, err
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}

	var problems []string
	searched := map[string]bool{}
	search := regexp.MustCompile(`^SEARCH (\w+)(?: AS (\w+))?(?: EXISTS)? USING (?:COVERING INDEX|INDEX|INTEGER PRIMARY KEY|PRIMARY KEY)\b`)
	for _, line := range plan {
		isOneLookup := func(name string) bool {
			return slices.ContainsFunc(c.oneLookup, func(table string) bool { return name == table || name == alias(query, table) })
		}
		if m := search.FindStringSubmatch(line); m != nil && isOneLookup(m[1]) && strings.Contains(line, " USING INDEX ") {
			problems = append(problems, fmt.Sprintf("%q reads an index, then each row of %s again", line, m[1]))
		}
		if c.inOrder && strings.HasPrefix(line, "USE TEMP B-TREE") {
			problems = append(problems, fmt.Sprintf("%q: the rows are sorted before the first is returned", line))
		}
	}
	scan := regexp.MustCompile(`^SCAN (\w+)(?: AS (\w+))?(.*)$`)
	for _, line := range plan {
		if m := search.FindStringSubmatch(line); m != nil {
			searched[m[1]] = true
			continue
		}
		if m := scan.FindStringSubmatch(line); m != nil {
			if slices.Contains(c.subqueries, m[1]) || strings.HasSuffix(line, " CONSTANT ROWS") || strings.HasSuffix(line, "-ROW VALUES CLAUSE") {
				continue // a subquery's rows, or a VALUES list's
			}
			ordered := strings.Contains(m[3], " USING INDEX ") || strings.Contains(m[3], " USING COVERING INDEX ")
			if !(c.orderedScan && ordered) {
				problems = append(problems, fmt.Sprintf("%q reads all of %s", line, m[1]))
			}
			searched[m[1]] = ordered
		}
	}
	for _, table := range c.tables {
		if !searched[table] && !searched[alias(query, table)] {
			problems = append(problems, fmt.Sprintf("no index read of %s in the plan", table))
		}
	}
	return plan, problems, nil
}

// alias returns the alias query gives table ("FROM messages msg"), or "".
func alias(query, table string) string {
	m := regexp.MustCompile(`\b(?:FROM|JOIN) ` + table + ` (\w+)`).FindStringSubmatch(query)
	if m == nil || m[1] == "WHERE" || m[1] == "ON" {
		return ""
	}
	return m[1]
}

// explainPostgres runs EXPLAIN with the store's arguments (a custom plan for
// these values). Every table must be reached by an index scan, index-only
// scan or bitmap index scan, never a Seq Scan.
func explainPostgres(ctx context.Context, s *Store, c planCase, query string) ([]string, []string, error) {
	var plan []string
	if err := s.r.SelectContext(ctx, &plan, "EXPLAIN "+query, c.args...); err != nil {
		return nil, nil, err
	}
	text := strings.Join(plan, "\n")
	var problems []string
	for _, table := range c.tables {
		if regexp.MustCompile(`Seq Scan on ` + table + `\b`).MatchString(text) {
			problems = append(problems, fmt.Sprintf("a Seq Scan reads all of %s", table))
		}
		indexed := regexp.MustCompile(`(?:Index Scan(?: Backward)?|Index Only Scan(?: Backward)?) using \w+ on ` + table + `\b` +
			`|Bitmap Heap Scan on ` + table + `\b`)
		if !indexed.MatchString(text) {
			problems = append(problems, fmt.Sprintf("no index scan of %s in the plan", table))
		}
	}
	return plan, problems, nil
}
