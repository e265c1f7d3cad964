package webhook_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
	"github.com/chatapi/chatapi/webhook"
)

// countingStore counts the sender's looks at the queue.
type countingStore struct {
	*store.Store
	looks atomic.Int64
}

func (c *countingStore) FanOutWebhookEvents(ctx context.Context, limit int) (int, error) {
	c.looks.Add(1)
	return c.Store.FanOutWebhookEvents(ctx, limit)
}

// A room event wakes the sender only for a tenant with an active endpoint:
// every message, reaction and receipt is a room event, and each look at the
// queue is two reads. With a tick of an hour, only wakes make it look.
func TestEventWakes(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			st := &countingStore{Store: openStore(t, b.new(t))}
			hooked, plain := newFixture(t, st.Store, 1), newFixture(t, st.Store, 1)
			svc := startService(t, st, webhook.Config{AllowPrivate: true, PollInterval: time.Hour})
			waitLooks := func(t *testing.T, after int64, within time.Duration) bool {
				t.Helper()
				for end := time.Now().Add(within); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
					if st.looks.Load() > after {
						return true
					}
				}
				return false
			}
			if !waitLooks(t, 0, 10*time.Second) {
				t.Fatal("the sender never looked at the queue")
			}
			// Made here after the sender's first look: it knows at once.
			rcv := newReceiver(t)
			if _, secret, err := svc.Create(t.Context(), hooked.tenant, rcv.srv.URL, []string{"*"}, true); err != nil {
				t.Fatal(err)
			} else {
				rcv.setSecret(secret)
			}
			tests := []struct {
				name string
				f    fixture
				wake bool
			}{
				{"a tenant without an endpoint", plain, false},
				{"a tenant with an endpoint made through this sender", hooked, true},
				{"a tenant without an endpoint, again", plain, false},
			}
			delivered := 0
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					waitLooks(t, st.looks.Load(), 200*time.Millisecond) // the Create's own wake
					before := st.looks.Load()
					tc.f.send(t, 0, "hello")
					svc.NotifyEvent(tc.f.tenant)
					if woke := waitLooks(t, before, map[bool]time.Duration{true: 10 * time.Second, false: 300 * time.Millisecond}[tc.wake]); woke != tc.wake {
						t.Fatalf("the sender looked at the queue: %v, want %v", woke, tc.wake)
					}
					if tc.wake {
						delivered++
						rcv.wait(t, 10*time.Second, "the delivery", func(got []received) bool { return roomEvents(got) == delivered })
					}
				})
			}
		})
	}
}
