package membus_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/membus"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/realtime/bustest"
	"github.com/chatapi/chatapi/realtime/presencetest"
)

func TestBus(t *testing.T) {
	bustest.Run(t, func(t *testing.T) bustest.Join {
		n := membus.NewNetwork()
		return func(t *testing.T, _ string, local bustest.Local) realtime.Broadcaster {
			return run(t, n.Bus(), local)
		}
	})
}

func TestPresence(t *testing.T) {
	presencetest.Run(t, func(t *testing.T, now func() time.Time) (realtime.PresenceStore, string, string) {
		return membus.NewPresence(membus.PresenceConfig{Now: now}), "ten_1", "ten_2"
	})
}

// run runs b until t ends, delivering to local, and returns it once it
// listens.
func run(t *testing.T, b *membus.Bus, local membus.Local) *membus.Bus {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx, local) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	<-b.Listening()
	return b
}

type discard struct{ n int }

func (d *discard) Deliver(context.Context, event.Event) { d.n++ }
func (d *discard) Resync(context.Context)               {}

// A single instance is alone on its bus: its broadcasts reach nobody and
// never wait, whether its bus runs or not.
func TestBusAlone(t *testing.T) {
	idle := membus.New()
	for i := range 10_000 {
		idle.Broadcast(t.Context(), event.ForTyping("ten_1", "room_1", fmt.Sprint(i), "start"))
	}
	local := &discard{}
	b := run(t, membus.New(), local)
	b.Broadcast(t.Context(), event.ForTyping("ten_1", "room_1", "u", "start"))
	if local.n != 0 {
		t.Fatalf("the sender got %d of its own events", local.n)
	}
	if s := b.Stats(); s.RefusedVersion != 0 || s.Undecodable != 0 {
		t.Fatalf("Stats = %+v, want zero", s)
	}
}

// Presence remembers a bounded number of users gone offline: past Memory
// the longest gone are forgotten, the latest kept; connected users are never
// forgotten.
func TestPresenceForgetsTheLongestGone(t *testing.T) {
	const memory = 4
	p := membus.NewPresence(membus.PresenceConfig{Memory: memory})
	ctx := t.Context()
	start := time.Now()
	live := start.Add(-time.Minute)
	if _, err := p.Heartbeat(ctx, "i"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.SetConnected(ctx, "i", "ten_1", "stays", live); err != nil {
		t.Fatal(err)
	}
	users := make([]string, 10)
	for i := range users {
		users[i] = fmt.Sprintf("u%d", i)
		if _, err := p.SetConnected(ctx, "i", "ten_1", users[i], live); err != nil {
			t.Fatal(err)
		}
		if err := p.SetDisconnected(ctx, "i", "ten_1", users[i], start.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := p.Presence(ctx, "ten_1", append([]string{"stays"}, users...), live)
	if err != nil {
		t.Fatal(err)
	}
	if !got[0].Online {
		t.Fatalf("the connected user = %+v, want online", got[0])
	}
	var remembered []string
	for _, u := range got[1:] {
		if u.LastSeen != nil {
			remembered = append(remembered, u.UserID)
		}
	}
	if len(remembered) == 0 || len(remembered) > memory {
		t.Fatalf("remembered %v, want between 1 and %d users", remembered, memory)
	}
	if remembered[len(remembered)-1] != users[len(users)-1] || remembered[0] == users[0] {
		t.Fatalf("remembered %v, want the latest gone kept and the first forgotten", remembered)
	}
}
