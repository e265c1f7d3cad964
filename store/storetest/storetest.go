// Package storetest is the one behaviour suite of package store, run against
// every backend (SQLite and PostgreSQL) through the public store API only.
package storetest

import (
	"crypto/rand"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
)

// Backend opens fresh databases of one kind for Run.
type Backend struct {
	// Driver is the database/sql driver that opens NewURL's URLs directly
	// (sqlite with a file path, postgres with a postgres:// URL), for the
	// tests that change a database behind the store's back.
	Driver string
	// NewURL returns the URL of a fresh, empty database that lives until t
	// ends.
	NewURL func(t *testing.T) string
}

// Run runs the whole suite. Each top-level test gets a fresh database; its
// subtests share it, each in tenants of its own, which isolation keeps apart.
func Run(t *testing.T, b Backend) {
	tests := []struct {
		name string
		run  func(t *testing.T, b Backend)
	}{
		{"Tenants", testTenants},
		{"CheckWritable", testCheckWritable},
		{"CreateRoom", testCreateRoom},
		{"DMConflict", testDMConflict},
		{"ConcurrentDMCreates", testConcurrentDMCreates},
		{"GetRoom", testGetRoom},
		{"UpdateRoom", testUpdateRoom},
		{"ListMembers", testListMembers},
		{"AddMember", testAddMember},
		{"RemoveMember", testRemoveMember},
		{"IsMember", testIsMember},
		{"RoomRules", testRoomRules},
		{"ConcurrentMembership", testConcurrentMembership},
		{"ListRooms", testListRooms},
		{"MemberSettings", testMemberSettings},
		{"SendMessage", testSendMessage},
		{"ConcurrentSends", testConcurrentSends},
		{"ListMessages", testListMessages},
		{"EditMessage", testEditMessage},
		{"DeleteMessage", testDeleteMessage},
		{"Reactions", testReactions},
		{"ConcurrentReactions", testConcurrentReactions},
		{"ReactionToggles", testReactionToggles},
		{"ReactionsOnPages", testReactionsOnPages},
		{"ReactionsBesideEdits", testReactionsBesideEdits},
		{"Pins", testPins},
		{"Threads", testThreads},
		{"ConcurrentReplies", testConcurrentReplies},
		{"QuotesAndMentions", testQuotesAndMentions},
		{"Ack", testAck},
		{"Delivered", testDelivered},
		{"ListRoomsWithMessages", testListRoomsWithMessages},
		{"EventLog", testEventLog},
		{"ListRoomEvents", testListRoomEvents},
		{"ConcurrentEvents", testConcurrentEvents},
		{"PruneEvents", testPruneEvents},
		{"Sync", testSync},
		{"SyncBacklog", testSyncBacklog},
		{"CreateNotification", testCreateNotification},
		{"ListNotifications", testListNotifications},
		{"FirstNotification", testFirstNotification},
		{"AckNotification", testAckNotification},
		{"Subscriptions", testSubscriptions},
		{"ConcurrentSubscribes", testConcurrentSubscribes},
		{"Profiles", testProfiles},
		{"ConcurrentProfileChanges", testConcurrentProfileChanges},
		{"SearchUsers", testSearchUsers},
		{"SearchMessages", testSearchMessages},
		{"DeadLetters", testDeadLetters},
		{"IdempotencyKeys", testIdempotencyKeys},
		{"Webhooks", testWebhooks},
		{"Uploads", testUploads},
		{"UploadProcessing", testUploadProcessing},
		{"TenantUploadLimits", testTenantUploadLimits},
		{"EditAttachments", testEditAttachments},
		{"AbandonedUploads", testAbandonedUploads},
		{"RealtimeReads", testRealtimeReads},
		{"StoredText", testStoredText},
		{"ContentRules", testContentRules},
		{"Reports", testReports},
		{"ModerationRules", testModerationRules},
		{"ShadowRefusals", testShadowRefusals},
		{"TenantIsolation", testTenantIsolation},
		{"Cluster", testCluster},
		{"Migrations", testMigrations},
		{"TenantPurge", testTenantPurge},
		{"TenantUsage", testTenantUsage},
		{"EraseUser", testEraseUser},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, b) })
	}
}

// epoch is the suite clock's start: far from the real time, so a timestamp
// taken from time.Now instead of the injected clock shows.
var epoch = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// clock is an injected clock that moves one millisecond (the schema's unit)
// at every reading, so every stored timestamp is distinct and orderings by
// time are deterministic.
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

// Advance moves the clock d forward, as if that much time passed.
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// open opens a store on url with the suite's clock and closes it when t ends.
func open(t *testing.T, url string) *store.Store {
	t.Helper()
	s, _ := openClock(t, url)
	return s
}

// openClock is open, also returning the store's clock.
func openClock(t *testing.T, url string) (*store.Store, *clock) {
	t.Helper()
	c := &clock{now: epoch}
	s, err := store.Open(t.Context(), url, store.WithClock(c.Now))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, c
}

// newStore opens a store on a fresh database.
func newStore(t *testing.T, b Backend) *store.Store {
	t.Helper()
	return open(t, b.NewURL(t))
}

// newStoreClock opens a store on a fresh database, with its clock.
func newStoreClock(t *testing.T, b Backend) (*store.Store, *clock) {
	t.Helper()
	return openClock(t, b.NewURL(t))
}

// newTenant creates a tenant with a random key hash and returns its id.
func newTenant(t *testing.T, s *store.Store) string {
	t.Helper()
	tn, err := s.CreateTenant(t.Context(), "acme", 0, rand.Text())
	if err != nil {
		t.Fatalf("CreateTenant: %v", err)
	}
	return tn.ID
}

// newRoom creates a room or fails the test.
func newRoom(t *testing.T, s *store.Store, tenantID, actor string, typ store.RoomType, members ...string) store.Room {
	t.Helper()
	r, err := s.CreateRoom(t.Context(), tenantID, actor, store.NewRoom{Type: typ, Members: members})
	if err != nil {
		t.Fatalf("CreateRoom(%s by %s, %v): %v", typ, actor, members, err)
	}
	return r
}

// checkErr fails t unless err matches want: nil, a sentinel (errors.Is), and
// for ErrInvalid also the InvalidError's field when field is not "".
func checkErr(t *testing.T, err, want error, field string) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("got error %v, want %v", err, want)
	}
	if field != "" {
		var ie *store.InvalidError
		var ce *store.ConflictError
		var got string
		switch {
		case errors.As(err, &ie):
			got = ie.Field
		case errors.As(err, &ce):
			got = ce.Field
		default:
			t.Fatalf("got error %T %v, want *store.InvalidError or *store.ConflictError", err, err)
		}
		if got != field {
			t.Fatalf("got field %q, want %q", got, field)
		}
	}
}

func ptr[T any](v T) *T { return &v }
