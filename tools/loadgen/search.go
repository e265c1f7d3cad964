package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/chatapi/chatapi/tools/loadgen/sendbaseline"
)

// Search scenario shape: the reader is a member of half the rooms, so
// that half the hits are rooms it may not read and the membership filter
// has work to do.
const (
	searchRooms   = 100
	searchSenders = 10 // users writing in every room
	searchSeed    = 16 // the corpus's and queries' seed
	searchQueries = 50 // queries of each kind, cycled
	searchPage    = 20 // the API's default page
)

// runSearch fills one tenant with K messages of corpus text (through the
// database: the real schema, its triggers filling the full-text index as
// sends do), then searches them over REST as one member, one query at a
// time for -d: common words, rare words, phrases and prefixes in turn.
//
// It reports the load (load_s: K messages inserted in transactions of
// 10,000, the index filled by the triggers), the index rebuilt from the
// messages alone (index_build_s: migration 0013's backfill statements over
// the K messages, on an emptied index), and the search latencies overall
// and by kind. Runs after the first reuse the loaded tenant (-runs reads
// again, it does not load again).
func runSearch(ctx context.Context, o options) (outcome, error) {
	if o.dbURL == "" {
		return outcome{}, errors.New("search needs -database-url: the server's database, to load the messages")
	}
	st, err := searchSetupOnce(ctx, o)
	if err != nil {
		return outcome{}, err
	}
	qs := st.corpus.queries(searchSeed, searchQueries)
	lat := latencies{}
	byKind := map[string]latencies{}
	var hits, empty int64
	o.cpu.begin()
	start := time.Now()
	for i := 0; i < len(qs) || time.Since(start) < o.duration; i++ {
		q := qs[i%len(qs)]
		t0 := time.Now()
		n, err := st.search(ctx, q.q)
		d := time.Since(t0)
		if err != nil {
			return outcome{}, fmt.Errorf("search %q: %w", q.q, err)
		}
		lat = append(lat, d)
		byKind[q.kind] = append(byKind[q.kind], d)
		hits += int64(n)
		if n == 0 {
			empty++
		}
	}
	elapsed := time.Since(start)
	o.cpu.end()
	ls := lat.summary()
	out := outcome{
		Metrics: map[string]float64{
			"queries_per_s": float64(len(lat)) / elapsed.Seconds(),
			"p50_ms":        ls.P50, "p99_ms": ls.P99, "max_ms": ls.Max,
			"load_s": st.load.Seconds(),
		},
		Counts: map[string]int64{"queries": int64(len(lat)), "hits": hits, "empty_pages": empty},
		Order:  []string{"p50_ms", "p99_ms"},
		Params: map[string]any{"k": o.messages, "d": o.duration.String(), "rooms": searchRooms, "reader_rooms": searchRooms / 2, "c": 1},
	}
	for _, k := range searchKinds {
		s := byKind[k].summary()
		out.Metrics[k+"_p50_ms"], out.Metrics[k+"_p99_ms"] = s.P50, s.P99
		out.Order = append(out.Order, k+"_p50_ms", k+"_p99_ms")
	}
	if o.rebuild {
		out.Metrics["index_build_s"] = st.rebuild.Seconds()
	}
	out.Order = append(out.Order, "max_ms", "queries_per_s", "load_s", "index_build_s", "queries", "empty_pages")
	return out, nil
}

// searchState is the loaded tenant, kept across -runs.
type searchState struct {
	tn      tenant
	corpus  *corpus
	load    time.Duration
	rebuild time.Duration
}

// loadedSearch is the tenant loaded for the server, database and size of
// loadedSearchKey.
var (
	loadedSearch    *searchState
	loadedSearchKey string
)

func searchSetupOnce(ctx context.Context, o options) (*searchState, error) {
	key := o.base + " " + o.dbURL + " " + strconv.Itoa(o.messages)
	if loadedSearch != nil && loadedSearchKey == key {
		return loadedSearch, nil
	}
	a := newAPI(o.base, 4)
	tn, err := newTenant(ctx, a, o.masterKey, "loadgen-search")
	if err != nil {
		return nil, err
	}
	senders := userIDs("writer", searchSenders)
	rooms := make([]string, searchRooms)
	for i := range rooms {
		// The reader is in the even rooms; "other" in the odd ones.
		member := "reader"
		if i%2 == 1 {
			member = "other"
		}
		if rooms[i], err = tn.createRoom(ctx, senders[0], append([]string{member}, senders[1:]...)); err != nil {
			return nil, err
		}
	}
	db, postgres, err := sendbaseline.Open(ctx, o.dbURL)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	st := &searchState{tn: tn, corpus: newCorpus(searchSeed)}
	t0 := time.Now()
	if err := loadMessages(ctx, db, postgres, tn.id, rooms, senders, st.corpus, o.messages); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	st.load = time.Since(t0)
	if o.rebuild {
		t0 = time.Now()
		if err := rebuildSearchIndex(ctx, db, postgres); err != nil {
			return nil, fmt.Errorf("rebuild the index: %w", err)
		}
		st.rebuild = time.Since(t0)
	}
	if postgres {
		// What autovacuum does to tables that grew by a million rows: the
		// planner needs the statistics of message_search.doc, and VACUUM
		// moves the GIN index's pending list (fastupdate) into the index,
		// which every query otherwise scans whole.
		if _, err := db.ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
			return nil, err
		}
	}
	loadedSearch, loadedSearchKey = st, key
	return st, nil
}

// loadMessages inserts k messages spread over rooms by senders, a minute
// apart and ending now, in transactions of loadTx messages, as multi-row
// INSERTs of the columns a send writes (without event_seq: the room
// event log is not what is searched, and messages without one are legal,
// as those sent before the log were). The triggers of migration 0013 index
// each statement's rows as they would a batch of sends. Then each room's
// last_seq is set to its last message.
func loadMessages(ctx context.Context, db *sql.DB, postgres bool, tenantID string, rooms, senders []string, c *corpus, k int) error {
	const loadTx = 10000
	rowsPerStmt := 500 // 8 parameters each: 4,000 a statement
	if postgres {
		rowsPerStmt = 1000
	}
	r := rand.New(rand.NewPCG(searchSeed, 0x10ad))
	seqs := make([]int64, len(rooms))
	now := time.Now().UnixMilli()
	var idr [20]byte
	args := make([]any, 0, 8*rowsPerStmt)
	for done := 0; done < k; {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		end := min(k, done+loadTx)
		for done < end {
			n := min(rowsPerStmt, end-done)
			args = args[:0]
			for i := range n {
				room := r.IntN(len(rooms))
				seqs[room]++
				created := now - int64(k-(done+i))*60_000
				for j := range idr {
					idr[j] = base62chars[r.IntN(62)]
				}
				args = append(args, "msg_"+base62Time(created)+string(idr[:]), tenantID, rooms[room], seqs[room],
					senders[r.IntN(len(senders))], c.message(), created, nil)
			}
			if _, err := tx.ExecContext(ctx, insertMessages(postgres, n), args...); err != nil {
				return errors.Join(err, tx.Rollback())
			}
			done += n
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	set := `UPDATE rooms SET last_seq = ? WHERE tenant_id = ? AND id = ?`
	if postgres {
		set = `UPDATE rooms SET last_seq = $1 WHERE tenant_id = $2 AND id = $3`
	}
	for i, room := range rooms {
		if _, err := db.ExecContext(ctx, set, seqs[i], tenantID, room); err != nil {
			return err
		}
	}
	return nil
}

const base62chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// base62Time is a message id's time part, as the store writes it.
func base62Time(ms int64) string {
	var t [8]byte
	for i := len(t) - 1; i >= 0; i-- {
		t[i] = base62chars[ms%62]
		ms /= 62
	}
	return string(t[:])
}

// insertMessages is an INSERT of n messages.
func insertMessages(postgres bool, n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO messages (id, tenant_id, room_id, seq, sender_id, content, created_at, event_seq) VALUES `)
	p := 0
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for j := range 8 {
			if j > 0 {
				b.WriteByte(',')
			}
			p++
			if postgres {
				b.WriteString("$" + strconv.Itoa(p))
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

// rebuildSearchIndex empties the full-text index and fills it again with
// migration 0013's backfill statements (store/migrations/*/0013), in one
// transaction: the time an existing database of these messages takes to
// migrate, or to rebuild its index.
func rebuildSearchIndex(ctx context.Context, db *sql.DB, postgres bool) error {
	stmts := []string{
		`INSERT INTO message_search_fts (message_search_fts) VALUES ('delete-all')`,
		`DELETE FROM message_search`,
		`INSERT INTO message_search (room_id, seq)
		SELECT room_id, seq FROM messages
		WHERE deleted_at IS NULL AND content <> ''
		ORDER BY created_at, room_id, seq`,
		`INSERT INTO message_search_fts (rowid, content)
		SELECT s.id, m.content FROM message_search s JOIN messages m ON m.room_id = s.room_id AND m.seq = s.seq`,
	}
	if postgres {
		stmts = []string{
			`TRUNCATE message_search`,
			`INSERT INTO message_search (tenant_id, room_id, seq, doc)
			SELECT tenant_id, room_id, seq, to_tsvector('simple', message_search_fold(content))
			FROM messages
			WHERE deleted_at IS NULL AND content <> ''
			ORDER BY created_at, room_id, seq`,
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return errors.Join(err, tx.Rollback())
		}
	}
	return tx.Commit()
}

// search runs one query as the reader and returns the hits of its first
// page.
func (st *searchState) search(ctx context.Context, q string) (int, error) {
	var page struct {
		Hits []struct {
			Highlight string `json:"highlight"`
		} `json:"hits"`
	}
	path := "/search/messages?" + url.Values{"q": {q}, "limit": {strconv.Itoa(searchPage)}}.Encode()
	if _, err := st.tn.a.do(ctx, http.MethodGet, path, st.tn.headers("reader"), nil, &page); err != nil {
		return 0, err
	}
	for _, h := range page.Hits {
		if !strings.Contains(h.Highlight, "<mark>") {
			return 0, fmt.Errorf("a hit without a highlight: %.200q", h.Highlight)
		}
	}
	return len(page.Hits), nil
}
