package webhook_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
	"github.com/chatapi/chatapi/webhook"
)

// A receiver that fails its first attempts, then is down for a while, then
// recovers gets every event, signed, each room's in order; the delivery
// log shows every attempt.
func TestDeliveryRecovers(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			st := openStore(t, b.new(t))
			f := newFixture(t, st, 3)
			rcv := newReceiver(t)
			const failFirst = 3
			downUntil := time.Now().Add(1500 * time.Millisecond)
			rcv.setBehaviour(func(n int) (int, time.Duration) {
				switch {
				case n <= failFirst:
					return http.StatusServiceUnavailable, 0
				case time.Now().Before(downUntil):
					return -1, 0
				}
				return http.StatusOK, 0
			})
			svc := startService(t, st, webhook.Config{AllowPrivate: true, RetryWindow: time.Minute})
			w, secret, err := svc.Create(t.Context(), f.tenant, rcv.srv.URL, []string{"*"}, true)
			if err != nil {
				t.Fatal(err)
			}
			rcv.setSecret(secret)
			from := f.lastSeqs(t)
			const perRoom = 8
			for i := range perRoom {
				for r := range f.rooms {
					f.send(t, r, "hello")
				}
				if i == 2 {
					time.Sleep(300 * time.Millisecond)
				}
			}
			to := f.lastSeqs(t)
			got := rcv.wait(t, 30*time.Second, "every event", func(got []received) bool {
				return roomEvents(got) >= perRoom*len(f.rooms)
			})
			time.Sleep(200 * time.Millisecond) // nothing more, nothing twice
			rcv.mu.Lock()
			got, badSigs, overlaps := append([]received(nil), rcv.got...), rcv.badSigs, rcv.overlaps
			rcv.mu.Unlock()
			checkOrder(t, got, from, to)
			if badSigs != 0 || len(overlaps) != 0 {
				t.Errorf("%d requests failed verification, %d overlapped", badSigs, len(overlaps))
			}
			if len(got) != perRoom*len(f.rooms) {
				t.Errorf("accepted %d deliveries, want %d (each once)", len(got), perRoom*len(f.rooms))
			}
			ds, _, err := svc.Deliveries(t.Context(), f.tenant, w.ID, "", 100)
			if err != nil {
				t.Fatal(err)
			}
			retried := 0
			for _, d := range ds {
				if d.Status != store.DeliverySucceeded || len(d.Log) != d.Attempts {
					t.Errorf("delivery %s: status %s, %d attempts, log of %d", d.ID, d.Status, d.Attempts, len(d.Log))
				}
				if d.Attempts > 1 {
					retried++
					if first := d.Log[0]; first.ResponseStatus == nil && first.Error == "" {
						t.Errorf("delivery %s: failed attempt logged without status or error", d.ID)
					}
				}
				if last := d.Log[len(d.Log)-1]; last.ResponseStatus == nil || *last.ResponseStatus != http.StatusOK {
					t.Errorf("delivery %s: last attempt %+v", d.ID, last)
				}
			}
			if retried == 0 {
				t.Error("no delivery shows a retried attempt")
			}
		})
	}
}

// An endpoint failing for its whole window is deactivated, and the tenant's
// other endpoints are told with webhook.disabled.
func TestDeactivation(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			st := openStore(t, b.new(t))
			f := newFixture(t, st, 1)
			bad, good := newReceiver(t), newReceiver(t)
			bad.setBehaviour(func(int) (int, time.Duration) { return http.StatusInternalServerError, 0 })
			svc := startService(t, st, webhook.Config{AllowPrivate: true, RetryWindow: 2 * time.Second})
			w, secret, err := svc.Create(t.Context(), f.tenant, bad.srv.URL, []string{"message"}, true)
			if err != nil {
				t.Fatal(err)
			}
			bad.setSecret(secret)
			_, secret, err = svc.Create(t.Context(), f.tenant, good.srv.URL, []string{store.WebhookDisabled}, true)
			if err != nil {
				t.Fatal(err)
			}
			good.setSecret(secret)
			f.send(t, 0, "hello")
			got := good.wait(t, 20*time.Second, "webhook.disabled", func(got []received) bool { return len(got) > 0 })
			if got[0].typ != store.WebhookDisabled || !strings.Contains(string(got[0].body), w.ID) {
				t.Errorf("got %s %s", got[0].typ, got[0].body)
			}
			w, err = svc.Get(t.Context(), f.tenant, w.ID)
			if err != nil {
				t.Fatal(err)
			}
			if w.Active || w.DisabledAt == nil {
				t.Errorf("endpoint after its window: active %v, disabled_at %v", w.Active, w.DisabledAt)
			}
			ds, _, err := svc.Deliveries(t.Context(), f.tenant, w.ID, "", 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) != 1 || ds[0].Status != store.DeliveryFailed || ds[0].Attempts < 2 {
				t.Fatalf("deliveries %+v", ds)
			}
			// A manual retry after the endpoint is fixed and reactivated.
			bad.setBehaviour(func(int) (int, time.Duration) { return http.StatusOK, 0 })
			active := true
			if _, err := svc.Update(t.Context(), f.tenant, w.ID, store.WebhookChange{Active: &active}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Retry(t.Context(), f.tenant, w.ID, ds[0].ID); err != nil {
				t.Fatal(err)
			}
			bad.wait(t, 10*time.Second, "the retried delivery", func(got []received) bool { return len(got) == 1 })
			if _, err := svc.Retry(t.Context(), f.tenant, w.ID, "whd_nope"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("retry of an unknown delivery: %v", err)
			}
		})
	}
}

// A replay from a sync cursor re-sends exactly the events after it, in the
// rooms it names; from a time, every event since.
func TestReplay(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			st := openStore(t, b.new(t))
			f := newFixture(t, st, 2)
			rcv := newReceiver(t)
			svc := startService(t, st, webhook.Config{AllowPrivate: true})
			w, secret, err := svc.Create(t.Context(), f.tenant, rcv.srv.URL, []string{"message"}, true)
			if err != nil {
				t.Fatal(err)
			}
			rcv.setSecret(secret)
			for range 3 {
				f.send(t, 0, "before")
				f.send(t, 1, "before")
			}
			page, err := st.Sync(t.Context(), f.tenant, "alice", nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			cursor := page.Next.String()
			mid := f.lastSeqs(t)
			time.Sleep(5 * time.Millisecond)
			sinceTime := time.Now().UTC()
			for range 4 {
				f.send(t, 0, "after")
				f.send(t, 1, "after")
			}
			end := f.lastSeqs(t)
			rcv.wait(t, 10*time.Second, "live deliveries", func(got []received) bool { return len(got) == 14 })

			tests := []struct {
				name  string
				since string
				want  int
			}{
				{"sync cursor", cursor, 8},
				{"time", sinceTime.Format(time.RFC3339Nano), 8},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					rcv.mu.Lock()
					rcv.got = nil
					rcv.mu.Unlock()
					n, err := svc.Replay(t.Context(), f.tenant, w.ID, tt.since)
					if err != nil {
						t.Fatal(err)
					}
					if n != tt.want {
						t.Errorf("replayed %d events, want %d", n, tt.want)
					}
					got := rcv.wait(t, 10*time.Second, "the replay", func(got []received) bool { return len(got) >= tt.want })
					time.Sleep(100 * time.Millisecond)
					rcv.mu.Lock()
					got = append([]received(nil), rcv.got...)
					rcv.mu.Unlock()
					checkOrder(t, got, mid, end)
				})
			}
			if _, err := svc.Replay(t.Context(), f.tenant, w.ID, "yesterday"); !errors.Is(err, store.ErrInvalid) {
				var inv *store.InvalidError
				if !errors.As(err, &inv) || inv.Field != "since" {
					t.Errorf("replay since garbage: %v", err)
				}
			}
		})
	}
}

// Private and loopback targets are refused when created, and at the moment
// of connecting, whatever the name resolved to.
func TestPrivateTargets(t *testing.T) {
	st := openStore(t, backends[0].new(t))
	f := newFixture(t, st, 1)
	strict, err := webhook.New(st, webhook.Config{SealKey: []byte("k")})
	if err != nil {
		t.Fatal(err)
	}
	for _, url := range []string{
		"http://127.0.0.1:8080/hook", "http://[::1]/hook", "http://10.1.2.3/", "http://192.168.0.1/",
		"http://169.254.169.254/latest/meta-data", "http://localhost:9000/", "http://0.0.0.0/",
		"http://100.64.0.1/", "http://[::ffff:127.0.0.1]/", "ftp://example.com/", "http:///nohost",
	} {
		t.Run(url, func(t *testing.T) {
			_, _, err := strict.Create(t.Context(), f.tenant, url, []string{"*"}, true)
			var inv *store.InvalidError
			if !errors.As(err, &inv) || inv.Field != "url" {
				t.Errorf("Create(%s) = %v, want an InvalidError on url", url, err)
			}
		})
	}
	// Created where private targets are allowed, delivered by a sender
	// that does not allow them: the dialer refuses.
	rcv := newReceiver(t)
	lax, err := webhook.New(st, webhook.Config{SealKey: []byte("k"), AllowPrivate: true})
	if err != nil {
		t.Fatal(err)
	}
	w, _, err := lax.Create(t.Context(), f.tenant, strings.Replace(rcv.srv.URL, "127.0.0.1", "localhost", 1), []string{"*"}, true)
	if err != nil {
		t.Fatal(err)
	}
	startService(t, st, webhook.Config{SealKey: []byte("k"), RetryWindow: time.Minute})
	f.send(t, 0, "hello")
	deadline := time.Now().Add(10 * time.Second)
	for {
		ds, _, err := strict.Deliveries(t.Context(), f.tenant, w.ID, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) == 1 && len(ds[0].Log) > 0 {
			if !strings.Contains(ds[0].Log[0].Error, "not public") {
				t.Errorf("attempt to loopback: %+v", ds[0].Log[0])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no attempt logged")
		}
		time.Sleep(20 * time.Millisecond)
	}
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if rcv.requests != 0 {
		t.Errorf("the loopback receiver got %d requests", rcv.requests)
	}
}

// After a rotation both secrets sign: a receiver still holding the old one
// verifies, and so does one holding the new one.
func TestRotation(t *testing.T) {
	st := openStore(t, backends[0].new(t))
	f := newFixture(t, st, 1)
	rcv := newReceiver(t)
	svc := startService(t, st, webhook.Config{AllowPrivate: true})
	w, old, err := svc.Create(t.Context(), f.tenant, rcv.srv.URL, []string{"*"}, true)
	if err != nil {
		t.Fatal(err)
	}
	_, fresh, err := svc.RotateSecret(t.Context(), f.tenant, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fresh == old {
		t.Fatal("rotation kept the secret")
	}
	for i, secret := range []string{old, fresh} {
		rcv.setSecret(secret)
		f.send(t, 0, "hello")
		rcv.wait(t, 10*time.Second, "a delivery", func(got []received) bool { return len(got) == i+1 })
	}
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if rcv.badSigs != 0 {
		t.Errorf("%d deliveries did not verify", rcv.badSigs)
	}
}

// Two instances on one PostgreSQL database never send one delivery at the
// same time, and between them deliver everything once, in order.
func TestTwoInstances(t *testing.T) {
	url := backends[1].new(t)
	a, b := openStore(t, url), openStore(t, url)
	f := newFixture(t, a, 4)
	rcv := newReceiver(t)
	// Slow answers widen the window in which two senders could overlap.
	rcv.setBehaviour(func(n int) (int, time.Duration) {
		if n%5 == 0 {
			return http.StatusBadGateway, 0
		}
		return http.StatusOK, 20 * time.Millisecond
	})
	cfg := webhook.Config{AllowPrivate: true, RetryWindow: time.Minute, PollInterval: 5 * time.Millisecond}
	svcA := startService(t, a, cfg)
	startService(t, b, cfg)
	_, secret, err := svcA.Create(t.Context(), f.tenant, rcv.srv.URL, []string{"*"}, true)
	if err != nil {
		t.Fatal(err)
	}
	rcv.setSecret(secret)
	from := f.lastSeqs(t)
	const perRoom = 15
	var wg sync.WaitGroup
	for r := range f.rooms {
		wg.Go(func() {
			for range perRoom {
				f.send(t, r, "hi")
			}
		})
	}
	wg.Wait()
	to := f.lastSeqs(t)
	rcv.wait(t, 60*time.Second, "every event", func(got []received) bool { return len(got) >= perRoom*len(f.rooms) })
	time.Sleep(300 * time.Millisecond)
	rcv.mu.Lock()
	got, overlaps := append([]received(nil), rcv.got...), rcv.overlaps
	rcv.mu.Unlock()
	if len(overlaps) != 0 {
		t.Errorf("deliveries sent twice at once: %v", overlaps)
	}
	if len(got) != perRoom*len(f.rooms) {
		t.Errorf("accepted %d, want %d: a delivery went twice", len(got), perRoom*len(f.rooms))
	}
	checkOrder(t, got, from, to)
}
