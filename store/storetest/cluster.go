package storetest

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/realtime/presencetest"
	"github.com/chatapi/chatapi/store"
)

// testCluster covers what several instances on one database share:
// presence (instance heartbeats, who is connected where, the reaping of
// silent instances: the suite realtime/presencetest shares with the
// in-process presence) and the bodies of events too large for a
// notification.
func testCluster(t *testing.T, b Backend) {
	s, clk := newStoreClock(t, b)
	ctx := t.Context()
	t.Run("presence", func(t *testing.T) {
		presencetest.Run(t, func(t *testing.T, now func() time.Time) (realtime.PresenceStore, string, string) {
			s, err := store.Open(t.Context(), b.NewURL(t), store.WithClock(now))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			t.Cleanup(func() { _ = s.Close() })
			return s, newTenant(t, s), newTenant(t, s)
		})
	})

	t.Run("event payloads", func(t *testing.T) {
		body := []byte(`{"blob":"` + strings.Repeat("x", 20<<10) + `"}`)
		id, err := s.PutEventPayload(ctx, body)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.EventPayload(ctx, id)
		if err != nil || string(got) != string(body) {
			t.Fatalf("EventPayload = %d bytes, %v; want the %d stored", len(got), err, len(body))
		}
		if _, err := s.EventPayload(ctx, id+1000); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown payload: %v, want ErrNotFound", err)
		}
		clk.Advance(time.Minute)
		n, err := s.PruneEventPayloads(ctx, clk.Now().Add(-30*time.Second))
		if err != nil || n != 1 {
			t.Fatalf("PruneEventPayloads = %d, %v; want 1", n, err)
		}
		if _, err := s.EventPayload(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("pruned payload: %v, want ErrNotFound", err)
		}
	})

	t.Run("notify", func(t *testing.T) {
		ch, err := s.EventChannel(ctx)
		if s.Dialect() != "postgres" {
			if !errors.Is(err, store.ErrNotifyUnsupported) {
				t.Fatalf("EventChannel on %s: %v, want ErrNotifyUnsupported", s.Dialect(), err)
			}
			return
		}
		if err != nil || ch == "" {
			t.Fatalf("EventChannel = %q, %v", ch, err)
		}
		if err := s.Notify(ctx, ch, strings.Repeat("y", s.MaxNotifyPayload())); err != nil {
			t.Fatalf("Notify at the limit: %v", err)
		}
		if err := s.Notify(ctx, ch, strings.Repeat("y", s.MaxNotifyPayload()+1)); err == nil {
			t.Fatal("Notify over the limit: no error")
		}
	})

	t.Run("notify batch", func(t *testing.T) {
		url := b.NewURL(t)
		s, err := store.Open(ctx, url)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		if s.Dialect() != "postgres" {
			if err := s.NotifyBatch(ctx, "x", []string{"a"}); !errors.Is(err, store.ErrNotifyUnsupported) {
				t.Fatalf("NotifyBatch on %s: %v, want ErrNotifyUnsupported", s.Dialect(), err)
			}
			return
		}
		ch, err := s.EventChannel(ctx)
		if err != nil {
			t.Fatal(err)
		}
		dsn, err := store.PostgresURL(url)
		if err != nil {
			t.Fatal(err)
		}
		l := pq.NewListener(dsn, 10*time.Millisecond, time.Second, nil)
		t.Cleanup(func() { _ = l.Close() })
		if err := l.Listen(ch); err != nil {
			t.Fatal(err)
		}
		next := func() string {
			t.Helper()
			select {
			case n := <-l.NotificationChannel():
				if n == nil {
					t.Fatal("listener reconnected")
				}
				return n.Extra
			case <-time.After(10 * time.Second):
				t.Fatal("no notification within 10 s")
			}
			return ""
		}
		large := strings.Repeat("z", s.MaxNotifyPayload())
		sent := []string{"3", "1", large, "2"}
		var many []string
		for i := range 300 {
			many = append(many, strconv.Itoa(i))
		}
		for _, batch := range [][]string{sent, many} {
			if err := s.NotifyBatch(ctx, ch, batch); err != nil {
				t.Fatalf("NotifyBatch: %v", err)
			}
			for i, want := range batch {
				if got := next(); got != want {
					t.Fatalf("notification %d: %.20q, want %.20q (the batch's order)", i, got, want)
				}
			}
		}
		// One payload over the limit refuses the whole batch, sending none.
		if err := s.NotifyBatch(ctx, ch, []string{"lost", large + "z"}); err == nil {
			t.Fatal("NotifyBatch over the limit: no error")
		}
		if err := s.NotifyBatch(ctx, ch, []string{"after"}); err != nil {
			t.Fatal(err)
		}
		if got := next(); got != "after" {
			t.Fatalf("after a refused batch: %q, want after", got)
		}
	})
}
