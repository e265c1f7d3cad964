package storetest

import (
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
)

// testWebhooks covers endpoints (per tenant), the queue's fan-out from the
// room log (each event once, even with concurrent fan-outs; nothing from
// before the endpoint), claims (a room's deliveries one at a time, in log
// order; a failing one holds back the later ones of its room only) and
// leases (only the holder records an attempt).
func testWebhooks(t *testing.T, b Backend) {
	s, clk := newStoreClock(t, b)
	ctx := t.Context()
	tenant, other := newTenant(t, s), newTenant(t, s)
	const lease, window = 30 * time.Second, time.Hour

	create := func(t *testing.T, tenantID string, events ...string) store.Webhook {
		t.Helper()
		w, err := s.CreateWebhook(ctx, tenantID, store.NewWebhook{URL: "https://example.com/hook", Events: events, Active: true, Secret: []byte("sealed")})
		if err != nil {
			t.Fatalf("CreateWebhook: %v", err)
		}
		return w
	}
	claim := func(t *testing.T, endpointID string, n int) []store.WebhookAttempt {
		t.Helper()
		as, err := s.ClaimWebhookDeliveries(ctx, endpointID, n, lease, window)
		if err != nil {
			t.Fatalf("ClaimWebhookDeliveries: %v", err)
		}
		return as
	}
	finish := func(t *testing.T, a store.WebhookAttempt, ok bool, retryAt time.Time) bool {
		t.Helper()
		status := 200
		if !ok {
			status = 503
		}
		held, err := s.FinishWebhookAttempt(ctx, store.WebhookResult{TenantID: a.Delivery.TenantID, DeliveryID: a.Delivery.ID,
			Lease: a.Lease, Attempt: a.Delivery.Attempts, StartedAt: clk.Now(), ResponseStatus: &status,
			Latency: 5 * time.Millisecond, Succeeded: ok, RetryAt: retryAt})
		if err != nil {
			t.Fatalf("FinishWebhookAttempt: %v", err)
		}
		return held
	}
	fanOut := func(t *testing.T) int {
		t.Helper()
		n, err := s.FanOutWebhookEvents(ctx, 1000)
		if err != nil {
			t.Fatalf("FanOutWebhookEvents: %v", err)
		}
		return n
	}

	t.Run("endpoints are per tenant", func(t *testing.T) {
		w := create(t, tenant, "message", "message", "member.joined")
		if got := w.Events; len(got) != 2 || !w.Active || w.TenantID != tenant {
			t.Errorf("created %+v", w)
		}
		if _, err := s.GetWebhook(ctx, other, w.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant's Get: %v", err)
		}
		if _, err := s.UpdateWebhook(ctx, other, w.ID, store.WebhookChange{}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant's Update: %v", err)
		}
		if err := s.DeleteWebhook(ctx, other, w.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant's Delete: %v", err)
		}
		if list, _, err := s.ListWebhooks(ctx, other, "", 0); err != nil || len(list) != 0 {
			t.Errorf("other tenant's List: %d, %v", len(list), err)
		}
		off := false
		w, err := s.UpdateWebhook(ctx, tenant, w.ID, store.WebhookChange{Events: []string{"*", "message"}, Active: &off})
		if err != nil || w.Active || len(w.Events) != 1 || w.Events[0] != "*" {
			t.Errorf("Update: %+v, %v", w, err)
		}
		rotated, err := s.RotateWebhookSecret(ctx, tenant, w.ID, []byte("sealed2"), clk.Now().Add(time.Hour))
		if err != nil || len(rotated.Secrets(clk.Now())) != 2 || len(rotated.Secrets(clk.Now().Add(2*time.Hour))) != 1 {
			t.Errorf("rotated: %+v, %v", rotated, err)
		}
		if err := s.DeleteWebhook(ctx, tenant, w.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteWebhook(ctx, tenant, w.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second Delete: %v", err)
		}
	})

	t.Run("tenants with an active endpoint", func(t *testing.T) {
		on, off := newTenant(t, s), newTenant(t, s)
		w := create(t, on, "message")
		if _, err := s.CreateWebhook(ctx, off, store.NewWebhook{URL: "https://example.com/hook", Events: []string{"*"}, Secret: []byte("sealed")}); err != nil {
			t.Fatal(err)
		}
		has := func(t *testing.T, tenantID string, want bool) {
			t.Helper()
			ids, err := s.ActiveWebhookTenants(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got := false
			for _, id := range ids {
				got = got || id == tenantID
			}
			if got != want {
				t.Errorf("ActiveWebhookTenants %v holds %s: %v, want %v", ids, tenantID, got, want)
			}
		}
		no, yes := false, true
		steps := []struct {
			name   string
			change func() error
			want   bool
		}{
			{"created active", func() error { return nil }, true},
			{"made inactive", func() error {
				_, err := s.UpdateWebhook(ctx, on, w.ID, store.WebhookChange{Active: &no})
				return err
			}, false},
			{"active again", func() error {
				_, err := s.UpdateWebhook(ctx, on, w.ID, store.WebhookChange{Active: &yes})
				return err
			}, true},
			{"deleted", func() error { return s.DeleteWebhook(ctx, on, w.ID) }, false},
		}
		for _, st := range steps {
			if err := st.change(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			has(t, on, st.want)
			has(t, off, false)
		}
	})

	t.Run("fan-out, order, holding back, leases", func(t *testing.T) {
		tn := newTenant(t, s)
		r1 := newRoom(t, s, tn, "alice", store.RoomGroup, "alice", "bob")
		r2 := newRoom(t, s, tn, "alice", store.RoomGroup, "alice", "bob")
		send(t, s, tn, "alice", r1.ID, "before the endpoint")
		w := create(t, tn, "message")
		fanOut(t)
		if got := claim(t, w.ID, 10); len(got) != 0 {
			t.Fatalf("claimed %d deliveries of events from before the endpoint", len(got))
		}
		for range 3 {
			send(t, s, tn, "alice", r1.ID, "m")
			send(t, s, tn, "alice", r2.ID, "m")
		}
		// Concurrent fan-outs (instances) queue each event once.
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for range 4 {
			wg.Go(func() {
				n, err := s.FanOutWebhookEvents(ctx, 1000)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			})
		}
		wg.Wait()
		if total != 6 {
			t.Errorf("fan-outs took %d events, want 6", total)
		}
		// One per room at a time.
		first := claim(t, w.ID, 10)
		if len(first) != 2 || first[0].Delivery.RoomID == first[1].Delivery.RoomID {
			t.Fatalf("first claim: %d deliveries", len(first))
		}
		if got := claim(t, w.ID, 10); len(got) != 0 {
			t.Fatalf("claimed %d while the rooms' first are held", len(got))
		}
		var a1, a2 store.WebhookAttempt
		for _, a := range first {
			if a.Delivery.RoomID == r1.ID {
				a1 = a
			} else {
				a2 = a
			}
		}
		// Room 1's fails and is due later: it holds back room 1 only.
		if !finish(t, a1, false, clk.Now().Add(time.Minute)) || !finish(t, a2, true, time.Time{}) {
			t.Fatal("attempts within their lease not recorded")
		}
		next := claim(t, w.ID, 10)
		if len(next) != 1 || next[0].Delivery.RoomID != r2.ID || next[0].Delivery.EventSeq != a2.Delivery.EventSeq+1 {
			t.Fatalf("after a failure in room 1: %+v", next)
		}
		finish(t, next[0], true, time.Time{})
		clk.Advance(2 * time.Minute)
		again := claim(t, w.ID, 10)
		var retried store.WebhookAttempt
		for _, a := range again {
			if a.Delivery.RoomID == r1.ID {
				retried = a
			}
		}
		if retried.Delivery.ID != a1.Delivery.ID || retried.Delivery.Attempts != 2 {
			t.Fatalf("room 1 after the pause: %+v", retried.Delivery)
		}
		// The lease runs out: another sender takes the attempt over, and
		// the first can no longer record its outcome.
		clk.Advance(lease + time.Second)
		taken := claim(t, w.ID, 10)
		var over store.WebhookAttempt
		for _, a := range taken {
			if a.Delivery.ID == a1.Delivery.ID {
				over = a
			}
		}
		if over.Delivery.Attempts != 3 {
			t.Fatalf("after the lease: %+v", taken)
		}
		if finish(t, retried, true, time.Time{}) {
			t.Error("an attempt past its lease was recorded")
		}
		if !finish(t, over, true, time.Time{}) {
			t.Error("the lease holder's attempt was not recorded")
		}
		ds, _, err := s.ListWebhookDeliveries(ctx, tn, w.ID, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.ID == a1.Delivery.ID && (len(d.Log) != 2 || d.Status != store.DeliverySucceeded) {
				t.Errorf("log of the retried delivery: %+v", d)
			}
		}
		if _, _, err := s.ListWebhookDeliveries(ctx, other, w.ID, "", 0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant lists the deliveries: %v", err)
		}
	})

	t.Run("the window's end disables the endpoint and tells the others", func(t *testing.T) {
		tn := newTenant(t, s)
		r := newRoom(t, s, tn, "alice", store.RoomGroup, "alice")
		failing, watcher, deaf := create(t, tn, "*"), create(t, tn, store.WebhookDisabled), create(t, tn, "message")
		send(t, s, tn, "alice", r.ID, "m")
		fanOut(t)
		as := claim(t, failing.ID, 1)
		if len(as) != 1 {
			t.Fatalf("claimed %d", len(as))
		}
		status := 500
		held, err := s.FinishWebhookAttempt(ctx, store.WebhookResult{TenantID: tn, DeliveryID: as[0].Delivery.ID, Lease: as[0].Lease,
			Attempt: 1, StartedAt: clk.Now(), ResponseStatus: &status,
			DisabledEvent: func(w store.Webhook) (json.RawMessage, error) {
				return json.Marshal(map[string]string{"webhook_id": w.ID})
			}})
		if err != nil || !held {
			t.Fatalf("finish: %v, %v", held, err)
		}
		w, _ := s.GetWebhook(ctx, tn, failing.ID)
		if w.Active || w.DisabledAt == nil {
			t.Errorf("failing endpoint: %+v", w)
		}
		got := claim(t, watcher.ID, 10)
		if len(got) != 1 || got[0].Delivery.EventType != store.WebhookDisabled || got[0].Delivery.RoomID != "" {
			t.Errorf("watcher's queue: %+v", got)
		}
		for _, a := range claim(t, deaf.ID, 10) {
			if a.Delivery.EventType == store.WebhookDisabled {
				t.Error("an endpoint not subscribed to webhook.disabled got it")
			}
		}
	})

	t.Run("a notification is queued for the endpoints that take it, in its transaction", func(t *testing.T) {
		tn := newTenant(t, s)
		takes, other := create(t, tn, store.WebhookNotification), create(t, tn, "message")
		n, _, err := s.CreateNotification(ctx, tn, "ops", store.NewNotification{Topic: "orders", Payload: json.RawMessage(`{"id":1}`), UserIDs: []string{"bob", "carol"}})
		if err != nil {
			t.Fatal(err)
		}
		got := claim(t, takes.ID, 10)
		if len(got) != 1 || got[0].Delivery.EventType != store.WebhookNotification || got[0].Delivery.RoomID != "" {
			t.Fatalf("queued %+v", got)
		}
		var data struct {
			NotificationID string          `json:"notification_id"`
			Topic          string          `json:"topic"`
			Payload        json.RawMessage `json:"payload"`
			Recipients     int             `json:"recipients"`
		}
		if err := json.Unmarshal(got[0].Delivery.Payload, &data); err != nil || data.NotificationID != n.ID || data.Topic != "orders" ||
			string(data.Payload) != `{"id":1}` || data.Recipients != 2 {
			t.Errorf("data %s (%v)", got[0].Delivery.Payload, err)
		}
		if got := claim(t, other.ID, 10); len(got) != 0 {
			t.Errorf("an endpoint of messages only got %d", len(got))
		}
	})

	t.Run("finished deliveries are pruned, pending ones kept", func(t *testing.T) {
		tn := newTenant(t, s)
		r := newRoom(t, s, tn, "alice", store.RoomGroup, "alice")
		w := create(t, tn, "message")
		send(t, s, tn, "alice", r.ID, "one")
		send(t, s, tn, "alice", r.ID, "two")
		fanOut(t)
		first := claim(t, w.ID, 10)
		if len(first) != 1 || !finish(t, first[0], true, time.Time{}) {
			t.Fatalf("claimed %d", len(first))
		}
		clk.Advance(time.Hour)
		if _, err := s.PruneWebhookDeliveries(ctx, clk.Now(), 1); err != nil {
			t.Fatal(err)
		}
		ds, _, err := s.ListWebhookDeliveries(ctx, tn, w.ID, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 1 || ds[0].Status != store.DeliveryPending {
			t.Errorf("after pruning: %+v", ds)
		}
	})
}
