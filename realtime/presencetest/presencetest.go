// Package presencetest is the one behaviour suite of realtime.PresenceStore
// implementations, which keep who is connected on which instance and which
// instances are alive: run against the in-process one (membus.Presence)
// and the database's (store.Store, SQLite and PostgreSQL, from storetest).
package presencetest

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

// NewStore returns a fresh presence store that lives until t ends, whose
// clock (heartbeats, connection times) is now, and two tenants it knows.
type NewStore func(t *testing.T, now func() time.Time) (s realtime.PresenceStore, tenant, other string)

// clock is the suite's clock: every reading moves it a millisecond on, so
// that two readings never tie; Advance moves it further.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Millisecond)
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// epoch is the suite clock's start: far from the real time, so a timestamp
// taken from time.Now instead of the injected clock shows.
var epoch = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// Run runs the suite: instance heartbeats, who is connected where, the
// reaping of silent instances and a clean stop, in that order on one store.
func Run(t *testing.T, newStore NewStore) {
	clk := &clock{now: epoch}
	s, tn, other := newStore(t, clk.Now)
	ctx := t.Context()
	const timeout = 10 * time.Second
	live := func() time.Time { return clk.Now().Add(-timeout) }

	beat := func(t *testing.T, id string, wantRevived bool) {
		t.Helper()
		revived, err := s.Heartbeat(ctx, id)
		if err != nil || revived != wantRevived {
			t.Fatalf("Heartbeat(%s) = %v, %v; want %v", id, revived, err, wantRevived)
		}
	}
	connect := func(t *testing.T, instance, tenant, user string, wantElsewhere bool) {
		t.Helper()
		elsewhere, err := s.SetConnected(ctx, instance, tenant, user, live())
		if err != nil || elsewhere != wantElsewhere {
			t.Fatalf("SetConnected(%s, %s) = %v, %v; want %v", instance, user, elsewhere, err, wantElsewhere)
		}
	}
	status := func(t *testing.T, tenant string, users ...string) []store.UserPresence {
		t.Helper()
		got, err := s.Presence(ctx, tenant, users, live())
		if err != nil || len(got) != len(users) {
			t.Fatalf("Presence(%v) = %+v, %v", users, got, err)
		}
		for i, u := range users {
			if got[i].UserID != u {
				t.Fatalf("Presence(%v)[%d] is %s, want %s", users, i, got[i].UserID, u)
			}
		}
		return got
	}

	t.Run("heartbeat", func(t *testing.T) {
		beat(t, "hb", true)
		beat(t, "hb", false)
	})

	t.Run("connected where", func(t *testing.T) {
		beat(t, "a", true)
		beat(t, "b", true)
		connect(t, "a", tn, "alice", false)
		connect(t, "a", tn, "alice", false) // again: still only here
		connect(t, "b", tn, "alice", true)
		connect(t, "b", tn, "bob", false)
		got := status(t, tn, "alice", "bob", "carol")
		if !got[0].Online || !got[1].Online || got[2].Online || got[2].LastSeen != nil {
			t.Fatalf("Presence = %+v, want alice and bob online, carol never seen", got)
		}
		if got := status(t, other, "alice"); got[0].Online {
			t.Fatalf("other tenant's alice = %+v, want offline", got[0])
		}

		seen := clk.Now().Truncate(time.Millisecond)
		if err := s.SetDisconnected(ctx, "a", tn, "alice", seen); err != nil {
			t.Fatal(err)
		}
		if got := status(t, tn, "alice"); !got[0].Online {
			t.Fatalf("alice still on b = %+v, want online", got[0])
		}
		if err := s.SetDisconnected(ctx, "b", tn, "alice", seen.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		got = status(t, tn, "alice")
		if got[0].Online || got[0].LastSeen == nil || !got[0].LastSeen.Equal(seen.Add(time.Second)) {
			t.Fatalf("alice gone = %+v, want offline, last seen %v", got[0], seen.Add(time.Second))
		}
		// An older disconnect does not move last_seen back.
		if err := s.SetDisconnected(ctx, "a", tn, "alice", seen); err != nil {
			t.Fatal(err)
		}
		if got := status(t, tn, "alice"); !got[0].LastSeen.Equal(seen.Add(time.Second)) {
			t.Fatalf("last seen moved back to %v", got[0].LastSeen)
		}
	})

	t.Run("silent instance", func(t *testing.T) {
		beat(t, "quiet", true)
		beat(t, "loud", true)
		connect(t, "quiet", tn, "dora", false)
		connect(t, "quiet", tn, "erin", false)
		connect(t, "loud", tn, "erin", true)
		clk.Advance(timeout + time.Second)
		beat(t, "loud", false)
		beat(t, "b", false) // bob's
		// Silent for longer than the timeout: dead, though its row is there.
		if got := status(t, tn, "dora", "erin"); got[0].Online || !got[1].Online {
			t.Fatalf("Presence = %+v, want dora offline, erin online through loud", got)
		}
		// Reapers racing: each dead instance is reaped once.
		var mu sync.Mutex
		var gone []store.GoneUser
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				g, err := s.ReapInstances(ctx, live())
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				gone = append(gone, g...)
				mu.Unlock()
			})
		}
		wg.Wait()
		var names []string
		for _, g := range gone {
			if g.TenantID == tn {
				names = append(names, g.UserID)
			}
		}
		slices.Sort(names)
		if !slices.Equal(names, []string{"dora"}) {
			t.Fatalf("reaped users %v, want [dora] once (erin is on loud)", names)
		}
		if got := status(t, tn, "dora"); got[0].LastSeen == nil {
			t.Fatalf("dora = %+v, want a last seen", got[0])
		}
		beat(t, "quiet", true) // it was reaped: it must record its users again
	})

	t.Run("clean stop", func(t *testing.T) {
		beat(t, "leaving", true)
		connect(t, "leaving", tn, "fred", false)
		if got := status(t, tn, "fred"); !got[0].Online {
			t.Fatalf("fred = %+v, want online", got[0])
		}
		// Retired a second short of the timeout ago: dead a second from now.
		if err := s.RetireInstance(ctx, "leaving", clk.Now().Add(-timeout+time.Second)); err != nil {
			t.Fatal(err)
		}
		if got := status(t, tn, "fred"); !got[0].Online {
			t.Fatalf("fred right after the stop = %+v, want online still", got[0])
		}
		clk.Advance(2 * time.Second)
		beat(t, "loud", false)
		beat(t, "b", false)
		if got := status(t, tn, "fred"); got[0].Online {
			t.Fatalf("fred after the grace = %+v, want offline", got[0])
		}
		gone, err := s.ReapInstances(ctx, live())
		if err != nil || len(gone) != 1 || gone[0].UserID != "fred" {
			t.Fatalf("ReapInstances = %+v, %v; want fred", gone, err)
		}
		// A retirement never revives: a later beat time is ignored.
		beat(t, "late", true)
		clk.Advance(timeout + time.Second)
		if err := s.RetireInstance(ctx, "late", clk.Now()); err != nil {
			t.Fatal(err)
		}
		beat(t, "loud", false)
		beat(t, "b", false)
		gone, err = s.ReapInstances(ctx, live())
		if err != nil || len(gone) != 0 {
			t.Fatalf("ReapInstances = %+v, %v; want the silent instance reaped, no users", gone, err)
		}
		beat(t, "late", true)
	})

}
