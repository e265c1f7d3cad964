package realtime

import (
	"testing"
	"time"
)

// The heartbeat's sweeps, at any phase to a connection's last frame, drop
// it at the first sweep at least IdleTimeout after that frame: never
// before, and at most a tick later. Meanwhile it is pinged each
// PingInterval, a tick late at most. A connection still syncing is left
// alone. Time is the sweep's argument here: no clock runs.
func TestHeartbeatSweeps(t *testing.T) {
	const (
		ping = 30 * time.Second
		idle = 60 * time.Second
	)
	h, err := New(Config{PingInterval: ping, IdleTimeout: idle}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tick := h.heartbeatTick()
	if tick != time.Second {
		t.Fatalf("tick %v with a 30s ping interval, want 1s", tick)
	}
	for _, tc := range []struct {
		name string
		// phase is when, after the last frame, the first sweep comes.
		phase   time.Duration
		syncing bool
	}{
		{"sweep on the frame", 0, false},
		{"sweep just after", time.Nanosecond, false},
		{"sweep mid-tick", tick / 2, false},
		{"sweep a tick after", tick - time.Nanosecond, false},
		{"still syncing", tick / 3, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newConn(h, Session{TenantID: "tn", UserID: "alice"})
			const last = int64(time.Hour) // the last frame, in hub.clock
			c.lastActive.Store(last)
			c.lastPing = last
			c.beating = !tc.syncing
			h.mu.Lock()
			h.conns = map[*conn]struct{}{c: {}}
			h.mu.Unlock()

			var pings []time.Duration
			for at := tc.phase; at <= idle+2*tick; at += tick {
				drop, pinged := h.dueBeats(last + int64(at))
				if len(pinged) > 0 {
					pings = append(pings, at)
				}
				if len(drop) == 0 {
					continue
				}
				if tc.syncing {
					t.Fatalf("dropped at %v while syncing", at)
				}
				if at < idle || at >= idle+tick {
					t.Fatalf("dropped %v after its last frame, want in [%v, %v)", at, idle, idle+tick)
				}
				if len(pings) != 1 || pings[0] < ping || pings[0] >= ping+tick {
					t.Fatalf("pinged at %v, want once in [%v, %v)", pings, ping, ping+tick)
				}
				return
			}
			if !tc.syncing {
				t.Fatalf("not dropped %v after its last frame", idle+2*tick)
			}
			if len(pings) != 0 {
				t.Fatalf("pinged at %v while syncing", pings)
			}
		})
	}
}
