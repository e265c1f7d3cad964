package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/coder/websocket"
)

// syncRooms is how many rooms the sync scenario spreads its messages over.
const syncRooms = 10

// runSync has K messages arrive across 10 rooms while a member is offline,
// then connects it and times sync.complete and the arrival of all K.
func runSync(ctx context.Context, o options) (outcome, error) {
	a := newAPI(o.base, 32)
	defer a.close()
	tn, err := newTenant(ctx, a, o.masterKey, "loadgen-sync")
	if err != nil {
		return outcome{}, err
	}
	rooms := make([]string, syncRooms)
	for i := range rooms {
		if rooms[i], err = tn.createRoom(ctx, "writer", []string{"offline"}); err != nil {
			return outcome{}, err
		}
	}
	if err := seed(ctx, tn, "writer", rooms, o.messages); err != nil {
		return outcome{}, fmt.Errorf("seed: %w", err)
	}
	hc := wsHTTPClient()
	defer hc.CloseIdleConnections()

	t0 := time.Now()
	c, err := tn.dial(ctx, hc, "offline")
	if err != nil {
		return outcome{}, err
	}
	defer c.CloseNow()
	dialed := time.Since(t0)
	seen := map[string]map[int64]bool{}
	for _, r := range rooms {
		seen[r] = map[int64]bool{}
	}
	received := 0
	var syncDone, allDone time.Duration
	var hasMore int64
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for syncDone == 0 || allDone == 0 {
		_, data, err := c.Read(rctx)
		if err != nil {
			return outcome{}, fmt.Errorf("read after %d of %d messages: %w", received, o.messages, err)
		}
		var f struct {
			frame
			Rooms []struct {
				HasMore bool `json:"has_more"`
			} `json:"rooms"`
		}
		if err := json.Unmarshal(data, &f); err != nil {
			continue
		}
		switch f.Type {
		case "message":
			if s, ok := seen[f.RoomID]; ok && !s[f.Seq] {
				s[f.Seq] = true
				received++
				if received == o.messages {
					allDone = time.Since(t0)
				}
			}
		case "sync.complete":
			syncDone = time.Since(t0)
			for _, r := range f.Rooms {
				if r.HasMore {
					hasMore++
				}
			}
			if allDone == 0 {
				// Beyond the server's per-room cap the rest is paged over
				// REST; what sync sent is all there is to wait for.
				allDone = syncDone
			}
		}
	}
	_ = c.Close(websocket.StatusNormalClosure, "")
	return outcome{
		Metrics: map[string]float64{
			"sync_complete_ms": ms(syncDone),
			"all_received_ms":  ms(allDone),
			"dial_ms":          ms(dialed),
		},
		Counts: map[string]int64{
			"received":       int64(received),
			"missing":        int64(o.messages - received),
			"rooms_has_more": hasMore,
		},
		Order:  []string{"sync_complete_ms", "all_received_ms", "received", "missing", "rooms_has_more", "dial_ms"},
		Params: map[string]any{"k": o.messages, "rooms": syncRooms},
	}, nil
}
