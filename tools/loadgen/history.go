package main

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// seed sends k messages to room as user from a few concurrent senders.
func seed(ctx context.Context, tn tenant, user string, rooms []string, k int) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(k) || ctx.Err() != nil {
					return
				}
				room := rooms[int(i)%len(rooms)]
				if _, _, err := tn.send(ctx, user, room, "history "+strconv.FormatInt(i, 10)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// runHistory seeds a room with K messages, then one reader pages through
// them, 100 at a time with after_seq, pass after pass for -d.
func runHistory(ctx context.Context, o options) (outcome, error) {
	a := newAPI(o.base, 32)
	defer a.close()
	tn, err := newTenant(ctx, a, o.masterKey, "loadgen-history")
	if err != nil {
		return outcome{}, err
	}
	room, err := tn.createRoom(ctx, "writer", []string{"reader"})
	if err != nil {
		return outcome{}, err
	}
	if err := seed(ctx, tn, "writer", []string{room}, o.messages); err != nil {
		return outcome{}, fmt.Errorf("seed: %w", err)
	}
	var lat latencies
	var pages, passes int64
	start := time.Now()
	for passes == 0 || time.Since(start) < o.duration {
		read := 0
		after := int64(0)
		for {
			t0 := time.Now()
			page, err := tn.page(ctx, "reader", room, after, 100)
			if err != nil {
				return outcome{}, err
			}
			lat = append(lat, time.Since(t0))
			pages++
			read += len(page)
			if len(page) < 100 {
				break
			}
			after = page[len(page)-1].Seq
		}
		if read != o.messages {
			return outcome{}, fmt.Errorf("a pass read %d messages, want %d", read, o.messages)
		}
		passes++
	}
	elapsed := time.Since(start)
	ls := lat.summary()
	return outcome{
		Metrics: map[string]float64{
			"pages_per_s": float64(pages) / elapsed.Seconds(),
			"p50_ms":      ls.P50, "p99_ms": ls.P99, "max_ms": ls.Max,
		},
		Counts: map[string]int64{"pages_total": pages, "passes": passes},
		Order:  []string{"pages_per_s", "p50_ms", "p99_ms", "max_ms", "passes"},
		Params: map[string]any{"k": o.messages, "d": o.duration.String()},
	}, nil
}
