package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// stormClient is one client of the connect storm: it records when it was
// synced, when the message sent after the storm reached it, and how many
// presence frames (and presence changes in them) it received.
type stormClient struct {
	c    *websocket.Conn
	user string

	syncedAt atomic.Int64 // nanoseconds after the start; 0 until sync.complete
	liveAt   atomic.Int64 // nanoseconds after the start; 0 until the live message
	lastAt   atomic.Int64 // unix nanos of the latest frame

	presenceFrames  atomic.Int64
	presenceChanges atomic.Int64 // presence changes those frames carried

	readErr error // set before done is closed
	done    chan struct{}
}

// stormMarker is the content of the message sent after the storm.
const stormMarker = "after the storm"

var presencePrefix = []byte(`{"type":"presence.`)

// read receives frames until the connection ends.
func (s *stormClient) read(ctx context.Context, start time.Time, room string) {
	defer close(s.done)
	for {
		_, data, err := s.c.Read(ctx)
		if err != nil {
			s.readErr = err
			return
		}
		s.lastAt.Store(time.Now().UnixNano())
		if bytes.HasPrefix(data, presencePrefix) {
			// Counted without decoding: a thousand clients each told of a
			// thousand others would otherwise cost the load generator the
			// cores the server is measured on.
			s.presenceFrames.Add(1)
			s.presenceChanges.Add(int64(bytes.Count(data, []byte(`"user_id"`))))
			continue
		}
		var f frame
		if err := json.Unmarshal(data, &f); err != nil {
			continue
		}
		switch {
		case f.Type == "sync.complete":
			s.syncedAt.CompareAndSwap(0, int64(time.Since(start)))
		case f.Type == "message" && f.RoomID == room && f.Content == stormMarker:
			s.liveAt.CompareAndSwap(0, int64(time.Since(start)))
		}
	}
}

// runStorm connects M clients at once, all members of one room, and
// reports when the last of them was synced and when a message sent as soon
// as they all were reached the last of them, both from the start of the
// storm, and the presence frames the storm cost each client.
func runStorm(ctx context.Context, o options) (outcome, error) {
	a := newAPI(o.base, 8)
	defer a.close()
	tn, err := newTenant(ctx, a, o.masterKey, "loadgen-storm")
	if err != nil {
		return outcome{}, err
	}
	// The sender is a member who stays offline, as in fanout: the room has
	// the M clients and the sender.
	const sender = "storm-sender"
	users := userIDs("storm", o.members)
	room, err := tn.createRoom(ctx, sender, users)
	if err != nil {
		return outcome{}, err
	}
	hc := wsHTTPClient()
	defer hc.CloseIdleConnections()

	clients := make([]*stormClient, len(users))
	dialErrs := make([]error, len(users))
	start := time.Now()
	var dials sync.WaitGroup
	for i, u := range users {
		dials.Go(func() {
			c, err := tn.dial(ctx, hc, u)
			if err != nil {
				dialErrs[i] = err
				return
			}
			s := &stormClient{c: c, user: u, done: make(chan struct{})}
			clients[i] = s
			go s.read(ctx, start, room)
		})
	}
	dials.Wait()
	dialed := time.Since(start)
	defer func() {
		var wg sync.WaitGroup
		for _, s := range clients {
			if s != nil {
				wg.Go(func() { _ = s.c.CloseNow(); <-s.done })
			}
		}
		wg.Wait()
	}()
	if err := errors.Join(dialErrs...); err != nil {
		return outcome{}, err
	}

	// Every client synced (or gone), a bounded while.
	waitAll := func(what string, done func(*stormClient) bool) error {
		end := time.Now().Add(30 * time.Second)
		for {
			all := true
			for _, s := range clients {
				select {
				case <-s.done:
					continue // counted as closed below
				default:
				}
				if !done(s) {
					all = false
					break
				}
			}
			if all {
				return nil
			}
			if time.Now().After(end) {
				return fmt.Errorf("not every client %s within 30 s", what)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(2 * time.Millisecond):
			}
		}
	}
	if err := waitAll("synced", func(s *stormClient) bool { return s.syncedAt.Load() != 0 }); err != nil {
		return outcome{}, err
	}
	sendStatus, _, err := tn.send(ctx, sender, room, stormMarker)
	if err != nil {
		return outcome{}, fmt.Errorf("send after the storm (HTTP %d): %w", sendStatus, err)
	}
	if err := waitAll("live", func(s *stormClient) bool { return s.liveAt.Load() != 0 }); err != nil {
		return outcome{}, err
	}
	// The presence frames still on their way: wait for a quiet half second.
	quietEnd := time.Now().Add(10 * time.Second)
	for time.Now().Before(quietEnd) {
		var last int64
		for _, s := range clients {
			last = max(last, s.lastAt.Load())
		}
		if time.Since(time.Unix(0, last)) >= 500*time.Millisecond {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}

	var synced, live, perClient []float64
	var frames, changes, closed, notSynced, notLive int64
	var notes []string
	for _, s := range clients {
		select {
		case <-s.done:
			closed++
			if len(notes) < 3 {
				notes = append(notes, fmt.Sprintf("%s closed: %v", s.user, s.readErr))
			}
		default:
		}
		if at := s.syncedAt.Load(); at != 0 {
			synced = append(synced, time.Duration(at).Seconds())
		} else {
			notSynced++
		}
		if at := s.liveAt.Load(); at != 0 {
			live = append(live, time.Duration(at).Seconds())
		} else {
			notLive++
		}
		n := s.presenceFrames.Load()
		frames += n
		changes += s.presenceChanges.Load()
		perClient = append(perClient, float64(n))
	}
	slices.Sort(perClient)
	last := func(v []float64) float64 {
		if len(v) == 0 {
			return 0
		}
		return slices.Max(v)
	}
	return outcome{
		Metrics: map[string]float64{
			"synced_s":                last(synced),
			"live_s":                  last(live),
			"dialed_s":                dialed.Seconds(),
			"presence_frames_max":     last(perClient),
			"presence_frames_median":  median(perClient),
			"presence_per_client_avg": float64(frames) / float64(len(clients)),
		},
		Counts: map[string]int64{
			"clients":          int64(len(clients)),
			"not_synced":       notSynced,
			"not_live":         notLive,
			"closed_by_server": closed,
			"presence_frames":  frames,
			"presence_changes": changes,
		},
		Notes: notes,
		Order: []string{"synced_s", "live_s", "dialed_s", "clients", "not_synced", "not_live", "closed_by_server",
			"presence_frames", "presence_changes", "presence_frames_max", "presence_frames_median", "presence_per_client_avg"},
		Params: map[string]any{"m": o.members},
	}, nil
}
