package sendbaseline_test

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
	"github.com/chatapi/chatapi/store/pgtest"
	"github.com/chatapi/chatapi/tools/loadgen/sendbaseline"
)

// testPostgres is the test binary's PostgreSQL server (a schema per
// database), or why there is none.
var testPostgres struct {
	url string
	err error
}

func TestMain(m *testing.M) {
	url, stop, err := pgtest.Start()
	testPostgres.url, testPostgres.err = url, err
	code := m.Run()
	if stop != nil {
		stop()
	}
	os.Exit(code)
}

// backend opens fresh databases of one kind.
type backend struct {
	name string
	// newURL returns the URL of a fresh, empty database.
	newURL func(t testing.TB) string
}

func backends(t testing.TB) []backend {
	bs := []backend{{name: "sqlite", newURL: func(t testing.TB) string {
		return filepath.Join(t.TempDir(), "chatapi.db")
	}}}
	if testPostgres.err != nil {
		if pgtest.Required() {
			t.Fatalf("PostgreSQL: %v", testPostgres.err)
		}
		t.Logf("PostgreSQL skipped: %v", testPostgres.err)
		return bs
	}
	return append(bs, backend{name: "postgres", newURL: func(t testing.TB) string {
		url, drop, err := pgtest.NewSchema(context.Background(), testPostgres.url, "")
		if err != nil {
			t.Fatalf("NewSchema: %v", err)
		}
		t.Cleanup(drop)
		return url
	}})
}

// clock is a time both the store and the baseline read, set by the test.
type clock struct{ ms atomic.Int64 }

func (c *clock) now() time.Time { return time.UnixMilli(c.ms.Load()) }

// world is what the comparison sends into: a tenant and rooms, made
// through the store alike in both databases.
type world struct {
	tenantID string
	rooms    map[string]string // room name → id
}

// The rooms and members the sends go to, and the sends: several senders
// per room, every sender more than once, in an order that interleaves the
// rooms.
var (
	roomMembers = map[string][]string{
		"north": {"ann", "bob", "cy"},
		"south": {"bob", "dee"},
	}
	sends = []struct{ room, sender, content string }{
		{"north", "ann", "hello"}, {"south", "bob", "hi"}, {"north", "bob", "hey ann"},
		{"north", "cy", "morning"}, {"south", "dee", "yo"}, {"north", "ann", "how are you?"},
		{"south", "bob", "line one\nline two"}, {"north", "cy", "ünïcödé ✓"}, {"south", "dee", "bye"},
	}
)

// setUp creates the tenant and rooms through st at the clock's time.
func setUp(t *testing.T, st *store.Store) world {
	t.Helper()
	ctx := context.Background()
	tn, err := st.CreateTenant(ctx, "equivalence", 100, "hash-equivalence")
	if err != nil {
		t.Fatal(err)
	}
	w := world{tenantID: tn.ID, rooms: map[string]string{}}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for n := range roomMembers {
			if !yield(n) {
				return
			}
		}
	}) {
		members := roomMembers[name]
		room, err := st.CreateRoom(ctx, tn.ID, members[0], store.NewRoom{Type: store.RoomGroup, Name: &name, Members: members[1:]})
		if err != nil {
			t.Fatal(err)
		}
		w.rooms[name] = room.ID
	}
	return w
}

// TestBaselineWritesWhatTheStoreWrites sends the same messages, at the same
// times, through Store.SendMessage into one fresh database and through the
// baseline into another, and compares every table of the two (ids, which
// are random, replaced by what they name). The baseline is then a measure
// of the same work as the send it is compared with: a write the store
// makes and the baseline skips (the room's last_activity_at, its
// last_event_seq, the sender's last_ack, a new column of messages) is a
// difference here.
func TestBaselineWritesWhatTheStoreWrites(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			var clk clock
			clk.ms.Store(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixMilli())

			storeURL := b.newURL(t)
			viaStore, err := store.Open(ctx, storeURL, store.WithClock(clk.now))
			if err != nil {
				t.Fatal(err)
			}
			storeWorld := setUp(t, viaStore)

			baseURL := b.newURL(t)
			setupStore, err := store.Open(ctx, baseURL, store.WithClock(clk.now))
			if err != nil {
				t.Fatal(err)
			}
			defer setupStore.Close()
			baseWorld := setUp(t, setupStore)
			db, postgres, err := sendbaseline.Open(ctx, baseURL)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			sender := sendbaseline.NewSender(db, postgres, sendbaseline.WithClock(clk.now))

			for _, s := range sends {
				clk.ms.Add(1500)
				if _, _, err := viaStore.SendMessage(ctx, storeWorld.tenantID, s.sender, storeWorld.rooms[s.room], store.NewMessage{Content: s.content}); err != nil {
					t.Fatalf("store send %+v: %v", s, err)
				}
				target := sendbaseline.Target{TenantID: baseWorld.tenantID, RoomID: baseWorld.rooms[s.room], Sender: s.sender}
				if err := sender.Send(ctx, target, s.content); err != nil {
					t.Fatalf("baseline send %+v: %v", s, err)
				}
			}
			// The store is closed before its database is read, so that no
			// write of it is still pending.
			if err := viaStore.Close(); err != nil {
				t.Fatal(err)
			}
			storeDB, _, err := sendbaseline.Open(ctx, storeURL)
			if err != nil {
				t.Fatal(err)
			}
			defer storeDB.Close()

			got, want := snapshot(t, db, postgres), snapshot(t, storeDB, postgres)
			if len(want["messages"]) != len(sends) {
				t.Fatalf("the store's database holds %d messages, want %d", len(want["messages"]), len(sends))
			}
			for _, table := range slices.Sorted(maps.Keys(want)) {
				if d := diff(got[table], want[table]); d != "" {
					t.Errorf("table %s: the baseline's rows (-) differ from the store's (+):\n%s", table, d)
				}
			}
			for table := range got {
				if _, ok := want[table]; !ok {
					t.Errorf("table %s only in the baseline's database", table)
				}
			}
		})
	}
}

// snapshot reads every table of db but schema_migrations (written when the
// store opens, not by a send), each row as "column=value" pairs, with the
// random ids replaced by what they name (tenant:NAME, room:NAME,
// msg:ROOM:SEQ), even inside JSON, and the rows sorted.
func snapshot(t *testing.T, db *sql.DB, postgres bool) map[string][]string {
	t.Helper()
	ctx := context.Background()
	listTables := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if postgres {
		listTables = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	tables := queryStrings(t, db, listTables)

	var names []string
	for _, q := range []string{
		`SELECT id, 'tenant:' || name FROM tenants`,
		`SELECT id, 'room:' || name FROM rooms`,
		`SELECT m.id, 'msg:' || r.name || ':' || CAST(m.seq AS TEXT) FROM messages m JOIN rooms r ON r.id = m.room_id`,
	} {
		pairs := queryStrings(t, db, q)
		names = append(names, pairs...)
	}
	ids := strings.NewReplacer(names...)

	out := make(map[string][]string)
	for _, table := range tables {
		if table == "schema_migrations" {
			continue
		}
		rows, err := db.QueryContext(ctx, `SELECT * FROM `+table)
		if err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		lines := []string{}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("read %s: %v", table, err)
			}
			fields := make([]string, len(cols))
			for i, v := range vals {
				fields[i] = cols[i] + "=" + cell(v, ids)
			}
			slices.Sort(fields) // column order may differ between databases migrated alike; it does not matter
			lines = append(lines, strings.Join(fields, " "))
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		rows.Close()
		slices.Sort(lines)
		out[table] = lines
	}
	return out
}

// queryStrings runs q and returns every column of every row as text, row
// after row.
func queryStrings(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for _, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			out = append(out, fmt.Sprint(v))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

// cell is a scanned value as text, ids replaced: NULL for NULL, text
// quoted.
func cell(v any, ids *strings.Replacer) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		return fmt.Sprintf("%q", ids.Replace(string(v)))
	case string:
		return fmt.Sprintf("%q", ids.Replace(v))
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano)
	default:
		return fmt.Sprint(v)
	}
}

// diff lists the rows only in got (-) and only in want (+); "" when both
// hold the same rows.
func diff(got, want []string) string {
	var b strings.Builder
	for _, r := range got {
		if !slices.Contains(want, r) {
			b.WriteString("- " + r + "\n")
		}
	}
	for _, r := range want {
		if !slices.Contains(got, r) {
			b.WriteString("+ " + r + "\n")
		}
	}
	return b.String()
}
