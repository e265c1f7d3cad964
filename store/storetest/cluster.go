package storetest

import (
	"errors"
	"strings"
	"testing"
	"time"

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
}
