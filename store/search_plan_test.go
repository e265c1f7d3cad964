package store

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestSearchPlans asks each database how it runs SearchMessages' query,
// with the very SQL and arguments the store sends, on the data of
// TestQueryPlans (5,000 messages of "hello from bob", one in 200 of them
// "hello from bob, rarely seen"): the hits must come from the full-text
// index (SQLite's FTS5 MATCH, PostgreSQL's GIN index of message_search),
// never from a scan of the messages, which are reached by their primary
// key, one per hit. The plans are logged (go test -v -run TestSearchPlans).
func TestSearchPlans(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		s := openPlanStore(t, filepath.Join(t.TempDir(), "plan.db"))
		seed := seedPlanData(t, s, sqlitePlanSize)
		seedSearchPlanData(t, s, seed)
		checkSearchPlans(t, s, seed, explainSearchSQLite)
		t.Run("analyzed", func(t *testing.T) {
			if _, err := s.w.ExecContext(t.Context(), `ANALYZE`); err != nil {
				t.Fatalf("ANALYZE: %v", err)
			}
			checkSearchPlans(t, s, seed, explainSearchSQLite)
		})
	})
	t.Run("postgres", func(t *testing.T) {
		s := openPostgresPlanStore(t)
		seed := seedPlanData(t, s, postgresPlanSize)
		seedSearchPlanData(t, s, seed)
		// As autovacuum leaves tables after a bulk insert: with statistics,
		// and the GIN index's pending list (fastupdate) merged into it.
		// Until then the planner rightly counts the pending list, which
		// every query reads whole, against the index.
		if _, err := s.w.ExecContext(t.Context(), `VACUUM ANALYZE`); err != nil {
			t.Fatalf("VACUUM ANALYZE: %v", err)
		}
		checkSearchPlans(t, s, seed, explainSearchPostgres)
	})
}

// seedSearchPlanData adds three messages to each room of other users,
// "hello from carol": alice may read none of them, and the full-text index
// holds more rows than alice's rooms, so that PostgreSQL weighs its GIN
// index against tables too large to read whole. The text has few distinct
// words, so that ANALYZE's sample keeps each word's frequency (and the
// plans do not depend on which rows it sampled).
func seedSearchPlanData(t *testing.T, s *Store, seed planSeed) {
	t.Helper()
	for _, q := range []string{
		`INSERT INTO messages (id, tenant_id, room_id, seq, sender_id, content, created_at)
		SELECT 'msg_' || r.id || '_' || k.j, r.tenant_id, r.id, k.j, 'carol', 'hello from carol', k.j
		FROM rooms r, (SELECT 1 AS j UNION ALL SELECT 2 UNION ALL SELECT 3) k
		WHERE r.tenant_id = ? AND r.id LIKE 'room_other_%'`,
		`UPDATE rooms SET last_seq = 3 WHERE tenant_id = ? AND id LIKE 'room_other_%'`,
	} {
		if _, err := s.w.ExecContext(t.Context(), s.w.Rebind(q), seed.tenantID); err != nil {
			t.Fatalf("seed: %v\n%s", err, q)
		}
	}
}

// searchPlanCase is one search. For a word in most messages PostgreSQL
// may walk message_search in the hits' order (newest first) and stop at
// the page's end; for rare words, whose frequencies its statistics of
// message_search.doc hold, it must read the GIN index (gin). A prefix's
// frequency it estimates without them (here 2% for 0.04%), and a page
// after a cursor walks from the cursor down: both may take either path.
type searchPlanCase struct {
	name   string
	q      SearchQuery
	before int64 // a next page's cursor
	gin    bool
}

func searchPlanCases(seed planSeed) []searchPlanCase {
	return []searchPlanCase{
		{name: "common word", q: SearchQuery{Q: "hello"}},
		{name: "rare word", q: SearchQuery{Q: "rarely"}, gin: true},
		{name: "phrase", q: SearchQuery{Q: `"rarely seen"`}, gin: true},
		{name: "prefix", q: SearchQuery{Q: "rare*"}},
		{name: "two words", q: SearchQuery{Q: "bob rarely"}, gin: true},
		{name: "rare word next page", q: SearchQuery{Q: "rarely"}, before: 4000},
		{name: "common word in a room", q: SearchQuery{Q: "hello", RoomID: seed.roomID}},
		{name: "rare word in a room", q: SearchQuery{Q: "rarely", RoomID: seed.roomID}, gin: true},
		{name: "rare word by a sender", q: SearchQuery{Q: "rarely", SenderID: "bob"}, gin: true},
	}
}

// searchExplainer returns the plan of a search query (already rebound)
// and what is wrong with it.
type searchExplainer func(ctx context.Context, s *Store, c searchPlanCase, query string, args []any) (plan, problems []string, err error)

func checkSearchPlans(t *testing.T, s *Store, seed planSeed, explain searchExplainer) {
	for _, c := range searchPlanCases(seed) {
		t.Run(c.name, func(t *testing.T) {
			terms, err := parseSearch(c.q.Q)
			if err != nil {
				t.Fatalf("parseSearch(%q): %v", c.q.Q, err)
			}
			query, args := s.searchQuery(seed.tenantID, "alice", c.q, terms, c.before, DefaultSearchLimit)
			plan, problems, err := explain(t.Context(), s, c, s.r.Rebind(query), args)
			if err != nil {
				t.Fatalf("explain: %v", err)
			}
			t.Logf("plan:\n\t%s", strings.Join(plan, "\n\t"))
			for _, p := range problems {
				t.Error(p)
			}
			// And the query finds what the seed holds: the plan is of a
			// query that works.
			page, err := s.SearchMessages(t.Context(), seed.tenantID, "alice", SearchQuery{Q: c.q.Q, RoomID: c.q.RoomID, SenderID: c.q.SenderID})
			if err != nil {
				t.Fatalf("SearchMessages: %v", err)
			}
			if len(page.Hits) == 0 {
				t.Errorf("SearchMessages(%q) found nothing", c.q.Q)
			}
		})
	}
}

// explainSearchSQLite: FTS5 must answer the MATCH ("SCAN f VIRTUAL TABLE
// INDEX n:M…", M its MATCH constraint) and give the rows in the hits'
// order (no temporary b-tree: the LIMIT stops the walk); every other
// table is a SEARCH by key, never a SCAN, but for the page's own rows (h).
func explainSearchSQLite(ctx context.Context, s *Store, _ searchPlanCase, query string, args []any) ([]string, []string, error) {
	rows, err := s.r.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
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
	match := regexp.MustCompile(`^SCAN f VIRTUAL TABLE INDEX \d+:M`)
	search := regexp.MustCompile(`^SEARCH (\w+)(?: AS \w+)?(?: EXISTS)? USING (?:COVERING INDEX|INDEX|INTEGER PRIMARY KEY|PRIMARY KEY)\b`)
	matched := false
	searched := map[string]bool{}
	for _, line := range plan {
		switch {
		case match.MatchString(line):
			matched = true
		case line == "SCAN h":
			// The page (h): its limit+1 rows, in order.
		case strings.HasPrefix(line, "SCAN "):
			problems = append(problems, fmt.Sprintf("%q reads a whole table", line))
		case strings.HasPrefix(line, "USE TEMP B-TREE"):
			problems = append(problems, fmt.Sprintf("%q: the hits are sorted, every one of them read first", line))
		}
		if m := search.FindStringSubmatch(line); m != nil {
			searched[m[1]] = true
		}
	}
	if !matched {
		problems = append(problems, "the FTS5 index (message_search_fts MATCH) is not read")
	}
	for _, a := range []string{"s", "m", "r"} {
		if !searched[a] {
			problems = append(problems, fmt.Sprintf("no keyed read of %s in the plan", a))
		}
	}
	return plan, problems, nil
}

// explainSearchPostgres: no Seq Scan of the search's tables; the messages
// by their primary key; the hits through the GIN index of message_search
// (message_search_doc), or for a common word a backward walk of the hits'
// order that stops at the page's end.
func explainSearchPostgres(ctx context.Context, s *Store, c searchPlanCase, query string, args []any) ([]string, []string, error) {
	var plan []string
	if err := s.r.SelectContext(ctx, &plan, "EXPLAIN "+query, args...); err != nil {
		return nil, nil, err
	}
	text := strings.Join(plan, "\n")
	var problems []string
	for _, table := range []string{"message_search", "messages", "rooms", "room_members"} {
		if regexp.MustCompile(`Seq Scan on ` + table + `\b`).MatchString(text) {
			problems = append(problems, fmt.Sprintf("a Seq Scan reads all of %s", table))
		}
	}
	// With a sender filter PostgreSQL may take (room_id, sender_id,
	// client_msg_id) instead, still one room's messages of one sender.
	if !regexp.MustCompile(`Index Scan using messages_pkey on messages\b`).MatchString(text) &&
		!(c.q.SenderID != "" && regexp.MustCompile(`Index Scan using messages_room_id_sender_id_client_msg_id_key on messages\b`).MatchString(text)) {
		problems = append(problems, "the messages are not read by their primary key")
	}
	gin := regexp.MustCompile(`Bitmap Index Scan on message_search_doc\b`).MatchString(text)
	ordered := regexp.MustCompile(`Index Scan Backward using message_search_pkey on message_search\b`).MatchString(text)
	inRoom := regexp.MustCompile(`Index Scan on message_search_room_id_seq_key\b|Index Scan using message_search_room_id_seq_key on message_search\b`).MatchString(text)
	switch {
	case gin:
	case c.q.RoomID != "" && inRoom:
		// The room's own hits, through (room_id, seq): bounded by the room.
	case !c.gin && ordered:
	case c.gin:
		problems = append(problems, "a rare word's search does not read the GIN index message_search_doc")
	default:
		problems = append(problems, "message_search is read neither through its GIN index nor in the hits' order")
	}
	return plan, problems, nil
}
