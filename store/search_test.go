package store

import (
	"path/filepath"
	"testing"
	"time"
)

// TestSearchFilters pages through SearchMessages with each filter on the
// data of TestQueryPlans (alice's 5 rooms of 1,000 messages by bob, sent
// at ms 1…1,000, "rarely seen" at seq 200, 400 … 1,000; carol's messages
// in rooms alice is not in): every hit once, each room's newest first, only
// those the filters keep.
func TestSearchFilters(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		s := openPlanStore(t, filepath.Join(t.TempDir(), "search.db"))
		seed := seedPlanData(t, s, sqlitePlanSize)
		seedSearchPlanData(t, s, seed)
		checkSearchFilters(t, s, seed)
	})
	t.Run("postgres", func(t *testing.T) {
		s := openPostgresPlanStore(t)
		seed := seedPlanData(t, s, sqlitePlanSize)
		seedSearchPlanData(t, s, seed)
		checkSearchFilters(t, s, seed)
	})
}

func checkSearchFilters(t *testing.T, s *Store, seed planSeed) {
	at := func(ms int64) *time.Time { v := time.UnixMilli(ms); return &v }
	tests := []struct {
		name  string
		q     SearchQuery
		want  int
		check func(Message) bool
	}{
		{"all", SearchQuery{Q: "rarely"}, 25, func(m Message) bool { return m.Seq%200 == 0 }},
		{"room", SearchQuery{Q: "rarely", RoomID: seed.roomID}, 5, func(m Message) bool { return m.RoomID == seed.roomID }},
		{"sender", SearchQuery{Q: "rarely", SenderID: "bob"}, 25, func(m Message) bool { return m.SenderID == "bob" }},
		{"sender of no hit", SearchQuery{Q: "rarely", SenderID: "carol"}, 0, nil},
		{"after", SearchQuery{Q: "rarely", After: at(500)}, 15, func(m Message) bool { return m.Seq > 500 }},
		{"before", SearchQuery{Q: "rarely", Before: at(500)}, 10, func(m Message) bool { return m.Seq < 500 }},
		{"between, in a room, by a sender", SearchQuery{Q: "rarely", RoomID: seed.roomID, SenderID: "bob", After: at(200), Before: at(1000)}, 3,
			func(m Message) bool { return m.RoomID == seed.roomID && m.Seq > 200 && m.Seq < 1000 }},
		{"common word in a room", SearchQuery{Q: "hello", RoomID: seed.roomID}, 1000, func(m Message) bool { return m.RoomID == seed.roomID }},
		{"others' rooms", SearchQuery{Q: "carol"}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.Limit = 7
			seen := map[string]bool{}
			lastSeq := map[string]int64{} // per room: the hits' order is the order they were stored
			n := 0
			for pages := 0; ; pages++ {
				if pages > 200 {
					t.Fatal("too many pages")
				}
				page, err := s.SearchMessages(t.Context(), seed.tenantID, "alice", q)
				if err != nil {
					t.Fatalf("SearchMessages: %v", err)
				}
				for _, h := range page.Hits {
					m := h.Message
					if seen[m.ID] {
						t.Fatalf("%s found twice", m.ID)
					}
					seen[m.ID] = true
					if l, ok := lastSeq[m.RoomID]; ok && m.Seq >= l {
						t.Fatalf("hit %d (%s) comes after an older message of its room", n, m.ID)
					}
					lastSeq[m.RoomID] = m.Seq
					if tt.check != nil && !tt.check(m) {
						t.Fatalf("hit %s (room %s, seq %d, sender %s) is not one the filters keep", m.ID, m.RoomID, m.Seq, m.SenderID)
					}
					n++
				}
				if page.NextCursor == "" {
					break
				}
				q.Cursor = page.NextCursor
			}
			if n != tt.want {
				t.Fatalf("%d hits, want %d", n, tt.want)
			}
		})
	}
}
