package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
)

// seedTenant gives a tenant a row in most tables: rooms, members, messages
// with a quote and a reply, reactions, a pin, a notification, a
// subscription, a profile, member settings, an upload, usage and a user
// deletion.
func seedTenant(t *testing.T, s *store.Store, tenant string) store.Room {
	t.Helper()
	ctx := t.Context()
	room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	m := send(t, s, tenant, "alice", room.ID, "hello secret words")
	if _, _, err := s.SendMessage(ctx, tenant, "bob", room.ID, store.NewMessage{Content: "quoting", QuotedID: &m.ID, Mentions: []string{"alice"}}); err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	if _, _, err := s.SendMessage(ctx, tenant, "bob", room.ID, store.NewMessage{Content: "a reply", ParentID: &m.ID}); err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	if _, err := s.AddReaction(ctx, tenant, "bob", room.ID, m.ID, "like"); err != nil {
		t.Fatalf("AddReaction: %v", err)
	}
	if _, err := s.AddPin(ctx, tenant, "alice", room.ID, m.ID); err != nil {
		t.Fatalf("AddPin: %v", err)
	}
	notify(t, s, tenant, "alice", store.NewNotification{Topic: "t", Payload: json.RawMessage(`{"a":1}`), UserIDs: []string{"bob"}})
	subscribe(t, s, tenant, "bob", "t")
	name := "Bob"
	if _, err := s.UpdateProfile(ctx, tenant, "bob", "bob", store.ProfileChange{DisplayName: &name}); err != nil {
		t.Fatalf("UpdateProfile: %v", err)
	}
	if _, err := s.CreateUpload(ctx, tenant, "bob", store.NewUpload{RoomID: room.ID, Filename: "a.txt", ContentType: "text/plain", Size: 3, SHA256: strings.Repeat("a", 64)}); err != nil {
		t.Fatalf("CreateUpload: %v", err)
	}
	if err := s.RecordActivity(ctx, tenant, "bob", epoch); err != nil {
		t.Fatalf("RecordActivity: %v", err)
	}
	if err := s.RecordConnectionPeaks(ctx, "i1", epoch, map[string]int{tenant: 3}); err != nil {
		t.Fatalf("RecordConnectionPeaks: %v", err)
	}
	if _, err := s.DeleteUser(ctx, tenant, "carol", store.KeepMessages, epoch); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	hook := webhookOf(t, s, tenant)
	send(t, s, tenant, "alice", room.ID, "for the webhook")
	deliverWebhooks(t, s, hook.ID, epoch)
	return room
}

// webhookOf creates a webhook endpoint of the tenant for messages.
func webhookOf(t *testing.T, s *store.Store, tenant string) store.Webhook {
	t.Helper()
	w, err := s.CreateWebhook(t.Context(), tenant, store.NewWebhook{URL: "https://example.com/hook", Events: []string{"message"}, Active: true, Secret: []byte("sealed")})
	if err != nil {
		t.Fatalf("CreateWebhook: %v", err)
	}
	return w
}

// deliverWebhooks queues the events since the endpoint's creation and
// records one successful attempt of each, started at at.
func deliverWebhooks(t *testing.T, s *store.Store, endpointID string, at time.Time) {
	t.Helper()
	ctx := t.Context()
	if _, err := s.FanOutWebhookEvents(ctx, 1000); err != nil {
		t.Fatalf("FanOutWebhookEvents: %v", err)
	}
	as, err := s.ClaimWebhookDeliveries(ctx, endpointID, 100, time.Minute, time.Hour)
	if err != nil || len(as) == 0 {
		t.Fatalf("ClaimWebhookDeliveries: %d, %v", len(as), err)
	}
	ok := 200
	for _, a := range as {
		if _, err := s.FinishWebhookAttempt(ctx, store.WebhookResult{TenantID: a.Delivery.TenantID, DeliveryID: a.Delivery.ID,
			Lease: a.Lease, Attempt: a.Delivery.Attempts, StartedAt: at, ResponseStatus: &ok,
			Latency: 5 * time.Millisecond, Succeeded: true}); err != nil {
			t.Fatalf("FinishWebhookAttempt: %v", err)
		}
	}
}

func testTenantPurge(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	gone, kept := newTenant(t, s), newTenant(t, s)
	seedTenant(t, s, gone)
	seedTenant(t, s, kept)
	before, err := s.TenantRows(ctx, kept)
	if err != nil {
		t.Fatalf("TenantRows: %v", err)
	}
	for _, table := range []string{"rooms", "room_members", "messages", "reactions", "pins", "notifications", "subscriptions", "user_profiles", "uploads", "user_activity", "connection_peaks", "user_deletions", "room_events", "webhook_endpoints", "webhook_deliveries", "webhook_attempts", "tenants"} {
		if before[table] == 0 {
			t.Errorf("the seeded tenant has no row in %s: %v", table, before)
		}
	}
	if err := s.PurgeTenant(ctx, gone); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("PurgeTenant of a live tenant: got %v, want ErrConflict", err)
	}

	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"delete", func() error { return s.DeleteTenant(ctx, gone) }, nil},
		{"delete again", func() error { return s.DeleteTenant(ctx, gone) }, nil},
		{"delete unknown", func() error { return s.DeleteTenant(ctx, "tn_missing") }, store.ErrNotFound},
		{"refused by id", func() error { _, err := s.TenantByID(ctx, gone); return err }, store.ErrNotFound},
		{"key rotation refused", func() error { _, err := s.RotateTenantKey(ctx, gone, "x"); return err }, store.ErrNotFound},
		{"usage refused", func() error { _, err := s.TenantUsage(ctx, gone, epoch, epoch); return err }, store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkErr(t, tt.run(), tt.want, "") })
	}
	gens, err := s.TenantKeyGenerations(ctx, []string{gone, kept})
	if err != nil {
		t.Fatalf("TenantKeyGenerations: %v", err)
	}
	if _, ok := gens[gone]; ok || gens[kept] != 1 {
		t.Errorf("key generations after the deletion: got %v, want only %s", gens, kept)
	}
	tenants, err := s.ListTenants(ctx)
	if err != nil {
		t.Fatalf("ListTenants: %v", err)
	}
	for _, tn := range tenants {
		if tn.ID == gone {
			t.Errorf("ListTenants lists the deleted tenant")
		}
	}
	deleted, err := s.DeletedTenants(ctx)
	if err != nil || len(deleted) != 1 || deleted[0] != gone {
		t.Fatalf("DeletedTenants: got %v, %v, want [%s]", deleted, err, gone)
	}

	ups, err := s.TenantUploads(ctx, gone, 100)
	if err != nil || len(ups) != 1 {
		t.Fatalf("TenantUploads: got %v, %v, want one", ups, err)
	}
	if err := s.DropUploads(ctx, gone, []string{ups[0].ID}); err != nil {
		t.Fatalf("DropUploads: %v", err)
	}
	// Twice: a purge run again after it finished (a crash before the
	// caller noticed) finds nothing and fails on nothing.
	for range 2 {
		if err := s.PurgeTenant(ctx, gone); err != nil && !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("PurgeTenant: %v", err)
		}
	}
	left, err := s.TenantRows(ctx, gone)
	if err != nil {
		t.Fatalf("TenantRows: %v", err)
	}
	if len(left) != 0 {
		t.Errorf("rows of the purged tenant left: %v", left)
	}
	after, err := s.TenantRows(ctx, kept)
	if err != nil {
		t.Fatalf("TenantRows: %v", err)
	}
	if len(after) != len(before) {
		t.Errorf("the other tenant's rows: got %v, want %v", after, before)
	}
	for table, n := range before {
		if after[table] != n {
			t.Errorf("the other tenant's rows in %s: got %d, want %d", table, after[table], n)
		}
	}
	if deleted, _ := s.DeletedTenants(ctx); len(deleted) != 0 {
		t.Errorf("DeletedTenants after the purge: %v", deleted)
	}
}

func testTenantUsage(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	hook := webhookOf(t, s, tenant)
	send(t, s, tenant, "alice", room.ID, "one")
	send(t, s, tenant, "bob", room.ID, "two")
	day1, day2 := epoch, epoch.Add(24*time.Hour)
	deliverWebhooks(t, s, hook.ID, day1)
	for _, a := range []struct {
		user string
		at   time.Time
	}{{"alice", day1}, {"bob", day1}, {"alice", day1}, {"alice", day2}} {
		if err := s.RecordActivity(ctx, tenant, a.user, a.at); err != nil {
			t.Fatalf("RecordActivity: %v", err)
		}
	}
	for _, p := range []struct {
		instance string
		n        int
	}{{"i1", 4}, {"i1", 2}, {"i2", 3}} {
		if err := s.RecordConnectionPeaks(ctx, p.instance, day1, map[string]int{tenant: p.n}); err != nil {
			t.Fatalf("RecordConnectionPeaks: %v", err)
		}
	}
	u, err := s.TenantUsage(ctx, tenant, day1, day2)
	if err != nil {
		t.Fatalf("TenantUsage: %v", err)
	}
	d1, d2 := day1.Format(time.DateOnly), day2.Format(time.DateOnly)
	want := store.Usage{
		Messages:             2,
		DailyActiveUsers:     []store.DayCount{{Period: d1, Count: 2}, {Period: d2, Count: 1}},
		MonthlyActiveUsers:   []store.DayCount{{Period: d1[:7], Count: 2}},
		DailyPeakConnections: []store.DayCount{{Period: d1, Count: 7}},
		PeakConnections:      7,
		WebhookDeliveries:    1, // a room's deliveries go one at a time
	}
	gotJSON, _ := json.Marshal(u)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("TenantUsage: got %s, want %s", gotJSON, wantJSON)
	}
	u, err = s.TenantUsage(ctx, tenant, day2.Add(48*time.Hour), day2.Add(48*time.Hour))
	if err != nil || u.Messages != 0 || len(u.DailyActiveUsers) != 0 || u.PeakConnections != 0 {
		t.Errorf("TenantUsage of an empty span: got %+v, %v", u, err)
	}

	// Concurrent writers (rows written together in one transaction), each
	// user twice: every user counts once, and each row is committed when
	// RecordActivity returns.
	day3 := day2.Add(24 * time.Hour)
	const users = 50
	var wg sync.WaitGroup
	errs := make(chan error, 2*users)
	for i := range 2 * users {
		wg.Go(func() {
			if err := s.RecordActivity(ctx, tenant, fmt.Sprintf("user%d", i%users), day3); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("RecordActivity, concurrent: %v", err)
	}
	u, err = s.TenantUsage(ctx, tenant, day3, day3)
	d3 := day3.Format(time.DateOnly)
	if err != nil || !slices.Equal(u.DailyActiveUsers, []store.DayCount{{Period: d3, Count: users}}) {
		t.Errorf("TenantUsage after concurrent writers: got %+v, %v, want %d active on %s", u.DailyActiveUsers, err, users, d3)
	}
}

func testEraseUser(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tests := []struct {
		mode        string
		wantSender  string
		wantContent string
	}{
		{store.KeepMessages, "alice", "hello secret words"},
		{store.AnonymizeMessages, store.DeletedUserID, "hello secret words"},
		{store.DeleteMessages, store.DeletedUserID, ""},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			tenant := newTenant(t, s)
			room := seedTenant(t, s, tenant)
			if _, err := s.AddReaction(ctx, tenant, "alice", room.ID, send(t, s, tenant, "bob", room.ID, "bob's").ID, "like"); err != nil {
				t.Fatalf("AddReaction: %v", err)
			}
			d, err := s.DeleteUser(ctx, tenant, "alice", tt.mode, epoch)
			if err != nil {
				t.Fatalf("DeleteUser: %v", err)
			}
			at, ok, err := s.UserDeletedAt(ctx, tenant, "alice")
			if err != nil || !ok || !at.Equal(d.RequestedAt) {
				t.Fatalf("UserDeletedAt: got %v %v %v, want %v", at, ok, err, d.RequestedAt)
			}
			pending, err := s.PendingUserDeletions(ctx)
			if err != nil {
				t.Fatalf("PendingUserDeletions: %v", err)
			}
			found := false
			for _, p := range pending {
				found = found || p.TenantID == tenant && p.UserID == "alice"
			}
			if !found {
				t.Fatalf("PendingUserDeletions %v lacks the deletion", pending)
			}
			if _, err := s.EraseUser(ctx, d); err != nil {
				t.Fatalf("EraseUser: %v", err)
			}
			// Again, as after a crash: nothing more changes.
			again, err := s.EraseUser(ctx, d)
			if err != nil || len(again.Deleted)+len(again.Reactions)+len(again.Left) != 0 {
				t.Fatalf("EraseUser again: got %+v, %v, want no change", again, err)
			}
			if d, err := s.UserDeletion(ctx, tenant, "alice"); err != nil || !d.Done {
				t.Fatalf("UserDeletion: got %+v, %v, want done", d, err)
			}
			msgs, err := s.ListMessages(ctx, tenant, "bob", room.ID, store.MessagePage{})
			if err != nil {
				t.Fatalf("ListMessages: %v", err)
			}
			var first store.Message
			for _, m := range msgs {
				if m.Seq == 1 {
					first = m
				}
			}
			if first.SenderID != tt.wantSender || first.Content != tt.wantContent {
				t.Errorf("alice's message: got %s %q, want %s %q", first.SenderID, first.Content, tt.wantSender, tt.wantContent)
			}
			for _, m := range msgs {
				if m.Content == "bob's" && strings.Contains(string(m.Reactions.Counts), "like") {
					t.Errorf("a reaction of alice is left on %s: %+v", m.ID, m.Reactions)
				}
				if tt.mode == store.DeleteMessages && m.Quoted != nil && (m.Quoted.Content != "" || !m.Quoted.Deleted) {
					t.Errorf("the quote of alice's deleted message: got %+v", m.Quoted)
				}
			}
			if _, err := s.IsMember(ctx, tenant, room.ID, "alice"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("alice's membership: got %v, want ErrNotFound", err)
			}
			if tt.mode == store.DeleteMessages {
				evs, err := s.ListRoomEvents(ctx, tenant, "bob", room.ID, nil, 100)
				if err != nil {
					t.Fatalf("ListRoomEvents: %v", err)
				}
				for _, e := range evs {
					if strings.Contains(string(e.Frame), "secret") {
						t.Errorf("the log still holds alice's words: %s", e.Frame)
					}
				}
				page, err := s.SearchMessages(ctx, tenant, "bob", store.SearchQuery{Q: "secret"})
				if err != nil || len(page.Hits) != 0 {
					t.Errorf("search finds alice's words: %+v, %v", page.Hits, err)
				}
			}
			var uploads int
			if err := s.EachUserUpload(ctx, tenant, "bob", func(store.Upload) error { uploads++; return nil }); err != nil || uploads != 1 {
				t.Errorf("bob's uploads: got %d, %v, want 1 (another user's untouched)", uploads, err)
			}
		})
	}
}
