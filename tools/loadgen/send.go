package main

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// sendLoad is C REST senders spread over G rooms: sender i is a member of
// room i mod G and sends only there.
type sendLoad struct {
	tn      tenant
	rooms   []string
	senders []string
	// text follows each message's "load <user> <n>" (blocklist: a sentence
	// of ordinary length to scan).
	text string
}

func setupSendLoad(ctx context.Context, tn tenant, prefix string, c, g int) (*sendLoad, error) {
	l := &sendLoad{tn: tn, senders: userIDs(prefix+"s", c)}
	g = min(g, c) // a room without a sender measures nothing
	for r := range g {
		var members []string
		for i := r; i < c; i += g {
			members = append(members, l.senders[i])
		}
		id, err := tn.createRoom(ctx, members[0], members[1:])
		if err != nil {
			return nil, err
		}
		l.rooms = append(l.rooms, id)
	}
	return l, nil
}

// sendStats is what a send load measured.
type sendStats struct {
	ok      int64
	perRoom []int64 // successful sends by room
	lat     latencies
	errors  map[string]int64
	elapsed time.Duration
}

// run sends as fast as each sender's answers come until d has passed.
func (l *sendLoad) run(ctx context.Context, d time.Duration) sendStats {
	type senderStats struct {
		lat    latencies
		ok     int64
		errors map[string]int64
	}
	per := make([]senderStats, len(l.senders))
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for i, user := range l.senders {
		st := &per[i]
		st.errors = map[string]int64{}
		room := l.rooms[i%len(l.rooms)]
		wg.Go(func() {
			for n := 0; time.Now().Before(deadline) && ctx.Err() == nil; n++ {
				t0 := time.Now()
				status, _, err := l.tn.send(ctx, user, room, "load "+user+" "+strconv.Itoa(n)+l.text)
				if err != nil {
					st.errors[errorKey(status, err)]++
					if status == 0 {
						time.Sleep(10 * time.Millisecond) // a refused connection must not spin
					}
					continue
				}
				st.lat = append(st.lat, time.Since(t0))
				st.ok++
			}
		})
	}
	wg.Wait()
	out := sendStats{perRoom: make([]int64, len(l.rooms)), errors: map[string]int64{}, elapsed: time.Since(start)}
	for i, st := range per {
		out.ok += st.ok
		out.perRoom[i%len(l.rooms)] += st.ok
		out.lat = append(out.lat, st.lat...)
		for k, v := range st.errors {
			out.errors[k] += v
		}
	}
	return out
}

// seqCheck counts, over every room, gaps and duplicates in the listed seqs
// (which must be exactly 1..n) and stored messages missing against the
// successful sends (lost: fewer stored than answered 201).
type seqCheck struct{ gaps, dups, lost int64 }

func (l *sendLoad) verify(ctx context.Context, st sendStats) (seqCheck, error) {
	var c seqCheck
	for i, room := range l.rooms {
		member := l.senders[i]
		seqs, err := l.tn.allSeqs(ctx, member, room, maxMessages/100+1)
		if err != nil {
			return c, fmt.Errorf("read back room %d: %w", i, err)
		}
		seen := make(map[int64]bool, len(seqs))
		var maxSeq int64
		for _, s := range seqs {
			if seen[s] {
				c.dups++
			}
			seen[s] = true
			maxSeq = max(maxSeq, s)
		}
		for s := int64(1); s <= maxSeq; s++ {
			if !seen[s] {
				c.gaps++
			}
		}
		// Every failed send rolls its seq back, so stored = answered 201,
		// unless a send timed out on our side after the server stored it.
		if n := int64(len(seen)); n < st.perRoom[i] {
			c.lost += st.perRoom[i] - n
		}
	}
	return c, nil
}

func runSend(ctx context.Context, o options) (outcome, error) {
	a := newAPI(o.base, o.senders)
	defer a.close()
	tn, err := newTenant(ctx, a, o.masterKey, "loadgen-send")
	if err != nil {
		return outcome{}, err
	}
	l, err := setupSendLoad(ctx, tn, "", o.senders, o.rooms)
	if err != nil {
		return outcome{}, err
	}
	o.cpu.begin()
	st := l.run(ctx, o.duration)
	o.cpu.end()
	if ctx.Err() != nil {
		return outcome{}, ctx.Err()
	}
	chk, err := l.verify(ctx, st)
	if err != nil {
		return outcome{}, err
	}
	return sendOutcome(o, st, chk, ""), nil
}

// sendOutcome reports a send load; prefix namespaces its names when it runs
// beside another scenario (fanout -mixed).
func sendOutcome(o options, st sendStats, chk seqCheck, prefix string) outcome {
	lat := st.lat.summary()
	return outcome{
		Metrics: map[string]float64{
			prefix + "msgs_per_s": float64(st.ok) / st.elapsed.Seconds(),
			prefix + "p50_ms":     lat.P50,
			prefix + "p99_ms":     lat.P99,
			prefix + "max_ms":     lat.Max,
		},
		Counts: map[string]int64{
			prefix + "sent_total": st.ok,
			prefix + "gaps":       chk.gaps,
			prefix + "dups":       chk.dups,
			prefix + "lost":       chk.lost,
		},
		Errors: st.errors,
		Order: []string{prefix + "msgs_per_s", prefix + "p50_ms", prefix + "p99_ms", prefix + "max_ms",
			prefix + "gaps", prefix + "dups", prefix + "lost", prefix + "sent_total"},
		Params: map[string]any{"c": o.senders, "g": min(o.rooms, o.senders), "d": o.duration.String()},
	}
}
