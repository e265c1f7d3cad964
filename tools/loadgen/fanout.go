package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// member is one WebSocket client of the fanout room: it records every
// message of the room it receives, with its end-to-end latency (the send
// time travels in the content).
type member struct {
	c    *websocket.Conn
	user string
	room string
	// confirm is the client event sent every confirmEvery for what arrived
	// ("delivered" or "ack"), or "" for none.
	confirm string

	synced  chan struct{} // closed on sync.complete
	frames  atomic.Int64  // every frame received
	lastAt  atomic.Int64  // unix nanos of the latest frame
	readErr error         // set before done is closed
	done    chan struct{}

	mu         sync.Mutex
	seen       map[int64]bool
	maxSeq     int64
	outOfOrder int64
	firstOOO   string // the first out-of-order arrival, for the report
	dups       int64
	lat        latencies
	got        atomic.Int64 // distinct seqs received
	// contiguous is the highest seq up to which every seq arrived: what a
	// confirmation may cover.
	contiguous int64

	confirms  atomic.Int64 // confirmations sent
	errFrames atomic.Int64 // error events received (a refused confirmation)
}

// confirmEvery is how often a confirming receiver tells the server what
// arrived, as the SDKs batch it.
const confirmEvery = 200 * time.Millisecond

func newMember(c *websocket.Conn, user, room, confirm string) *member {
	if confirm == "none" {
		confirm = ""
	}
	return &member{c: c, user: user, room: room, confirm: confirm, synced: make(chan struct{}), done: make(chan struct{}),
		seen: map[int64]bool{}}
}

// confirmLoop sends m.confirm for what arrived, every confirmEvery while
// something new did, until the connection ends.
func (m *member) confirmLoop(ctx context.Context) {
	tick := time.NewTicker(confirmEvery)
	defer tick.Stop()
	var sent int64
	for {
		select {
		case <-m.done:
			return
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		m.mu.Lock()
		upTo := m.contiguous
		m.mu.Unlock()
		if upTo <= sent {
			continue
		}
		b, _ := json.Marshal(map[string]any{"type": m.confirm, "room_id": m.room, "seq": upTo})
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := m.c.Write(wctx, websocket.MessageText, b)
		cancel()
		if err != nil {
			return // the read loop sees the connection end
		}
		sent = upTo
		m.confirms.Add(1)
	}
}

// read receives frames until the connection ends.
func (m *member) read(ctx context.Context) {
	defer close(m.done)
	if m.confirm != "" {
		go m.confirmLoop(ctx)
	}
	var once sync.Once
	for {
		_, data, err := m.c.Read(ctx)
		if err != nil {
			m.readErr = err
			return
		}
		now := time.Now()
		m.frames.Add(1)
		m.lastAt.Store(now.UnixNano())
		var f frame
		if err := json.Unmarshal(data, &f); err != nil {
			continue
		}
		switch {
		case f.Type == "sync.complete":
			once.Do(func() { close(m.synced) })
		case f.Type == "message" && f.RoomID == m.room:
			m.record(f, now)
		case f.Type == "error":
			m.errFrames.Add(1)
		}
	}
}

func (m *member) record(f frame, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen[f.Seq] {
		m.dups++ // a redelivery: expected when nothing is confirmed
		return
	}
	m.seen[f.Seq] = true
	for m.seen[m.contiguous+1] {
		m.contiguous++
	}
	m.got.Add(1)
	if f.Seq < m.maxSeq {
		m.outOfOrder++
		if m.firstOOO == "" {
			m.firstOOO = fmt.Sprintf("%s got seq %d after seq %d", m.user, f.Seq, m.maxSeq)
		}
	}
	m.maxSeq = max(m.maxSeq, f.Seq)
	if sent, ok := sentAt(f.Content); ok {
		m.lat = append(m.lat, now.Sub(sent))
	}
}

// sentAt reads the send time from content "t=<unix nanos> …".
func sentAt(content string) (time.Time, bool) {
	rest, ok := strings.CutPrefix(content, "t=")
	if !ok {
		return time.Time{}, false
	}
	num, _, _ := strings.Cut(rest, " ")
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(0, n), true
}

// connectMembers dials users with bounded concurrency and starts each
// reader. On error the connections opened are returned for closing.
func connectMembers(ctx context.Context, tn tenant, hc *http.Client, users []string, room, confirm string, parallel int) ([]*member, error) {
	ms := make([]*member, len(users))
	sem := make(chan struct{}, parallel)
	errs := make([]error, len(users))
	var wg sync.WaitGroup
	for i, u := range users {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c, err := tn.dial(ctx, hc, u)
			if err != nil {
				errs[i] = err
				return
			}
			m := newMember(c, u, room, confirm)
			ms[i] = m
			go m.read(ctx)
		})
	}
	wg.Wait()
	var out []*member
	for _, m := range ms {
		if m != nil {
			out = append(out, m)
		}
	}
	return out, errors.Join(errs...)
}

func closeMembers(ms []*member) {
	var wg sync.WaitGroup
	for _, m := range ms {
		wg.Go(func() {
			_ = m.c.Close(websocket.StatusNormalClosure, "")
			select {
			case <-m.done:
			case <-time.After(5 * time.Second):
				_ = m.c.CloseNow()
				<-m.done
			}
		})
	}
	wg.Wait()
}

// settle waits until every member is synced and no frame has arrived for
// quiet (the presence.update storm of a thousand connects has passed), or
// until limit. A member the server closes meanwhile (1013 when the storm
// overflows its queue) reconnects, as a client told "try again later"
// would, at most maxRedials times in all; settle reports how many it took.
func settle(ctx context.Context, tn tenant, hc *http.Client, ms []*member, quiet, limit time.Duration) (int, error) {
	const maxRedials = 1000
	redials := 0
	end := time.Now().Add(limit)
	for {
		if ctx.Err() != nil {
			return redials, ctx.Err()
		}
		allSynced := true
		var last int64
		for i, m := range ms {
			select {
			case <-m.done:
				if redials >= maxRedials {
					return redials, fmt.Errorf("member %s: closed again after %d reconnects in all: %v", m.user, redials, m.readErr)
				}
				redials++
				c, err := tn.dial(ctx, hc, m.user)
				if err != nil {
					return redials, err
				}
				ms[i] = newMember(c, m.user, m.room, m.confirm)
				go ms[i].read(ctx)
				allSynced = false
				continue
			default:
			}
			select {
			case <-m.synced:
			default:
				allSynced = false
			}
			last = max(last, m.lastAt.Load())
		}
		if allSynced && time.Since(time.Unix(0, last)) >= quiet {
			return redials, nil
		}
		if time.Now().After(end) {
			if allSynced {
				return redials, nil // still chatty: measure anyway
			}
			return redials, errors.New("members not synced within the limit")
		}
		select {
		case <-ctx.Done():
		case <-time.After(quiet / 4):
		}
	}
}

// paced is what pacedSend measured.
type paced struct {
	ok     int64
	maxSeq int64
	errors map[string]int64
	late   int64 // sends that started over 10 ms after their schedule
	lat    latencies
}

// pacedSend sends to room at rate messages/s for d, each message from a
// pool of workers at its scheduled time, so one slow answer does not delay
// the next send.
func pacedSend(ctx context.Context, tn tenant, user, room string, rate int, d time.Duration) paced {
	n := int(float64(rate) * d.Seconds())
	workers := min(64, rate/20+4)
	jobs := make(chan int, workers)
	var mu sync.Mutex
	out := paced{errors: map[string]int64{}}
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				due := start.Add(time.Duration(i) * time.Second / time.Duration(rate))
				if wait := time.Until(due); wait > 0 {
					time.Sleep(wait)
				}
				t0 := time.Now()
				status, sent, err := tn.send(ctx, user, room, "t="+strconv.FormatInt(t0.UnixNano(), 10)+" #"+strconv.Itoa(i))
				took := time.Since(t0)
				mu.Lock()
				if t0.Sub(due) > 10*time.Millisecond {
					out.late++
				}
				if err != nil {
					out.errors[errorKey(status, err)]++
				} else {
					out.ok++
					out.maxSeq = max(out.maxSeq, sent.Seq)
					out.lat = append(out.lat, took)
				}
				mu.Unlock()
			}
		})
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return out
}

func runFanout(ctx context.Context, o options) (outcome, error) {
	a := newAPI(o.base, o.senders+64)
	defer a.close()
	tn, err := newTenant(ctx, a, o.masterKey, "loadgen-fanout")
	if err != nil {
		return outcome{}, err
	}
	const sender = "fan-sender"
	users := userIDs("fan", o.members)
	room, err := tn.createRoom(ctx, sender, users)
	if err != nil {
		return outcome{}, err
	}
	var load *sendLoad
	if o.mixed {
		if load, err = setupSendLoad(ctx, tn, "mix", o.senders, o.rooms); err != nil {
			return outcome{}, err
		}
	}
	hc := wsHTTPClient()
	defer hc.CloseIdleConnections()
	connectStart := time.Now()
	ms, err := connectMembers(ctx, tn, hc, users, room, o.confirm, 64)
	defer closeMembers(ms)
	if err != nil {
		return outcome{}, err
	}
	redials, err := settle(ctx, tn, hc, ms, 500*time.Millisecond, 60*time.Second)
	if err != nil {
		return outcome{}, err
	}
	connectTime := time.Since(connectStart)
	framesBefore := int64(0)
	for _, m := range ms {
		framesBefore += m.frames.Load()
	}

	var mixed sendStats
	var mixedDone sync.WaitGroup
	if load != nil {
		mixedDone.Go(func() { mixed = load.run(ctx, o.duration) })
	}
	start := time.Now()
	p := pacedSend(ctx, tn, sender, room, o.rate, o.duration)
	// Every member is owed seqs 1..maxSeq: wait for them, a bounded while.
	drainEnd := time.Now().Add(5 * time.Second)
	for time.Now().Before(drainEnd) && ctx.Err() == nil {
		all := true
		for _, m := range ms {
			if m.got.Load() < p.maxSeq {
				all = false
				break
			}
		}
		if all {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	elapsed := time.Since(start)
	mixedDone.Wait()
	if ctx.Err() != nil {
		return outcome{}, ctx.Err()
	}

	var lat latencies
	var missing, outOfOrder, dups, delivered, closed, frames, confirms, errFrames int64
	var notes []string
	for _, m := range ms {
		frames += m.frames.Load()
		confirms += m.confirms.Load()
		errFrames += m.errFrames.Load()
		m.mu.Lock()
		for s := int64(1); s <= p.maxSeq; s++ {
			if !m.seen[s] {
				missing++
			}
		}
		outOfOrder += m.outOfOrder
		if m.firstOOO != "" && len(notes) < 3 {
			notes = append(notes, "out of order: "+m.firstOOO)
		}
		dups += m.dups
		delivered += int64(len(m.seen))
		lat = append(lat, m.lat...)
		m.mu.Unlock()
		select {
		case <-m.done:
			closed++ // the server closed it (e.g. 1013, slow consumer)
		default:
		}
	}
	ls := lat.summary()
	sendLat := p.lat.summary()
	out := outcome{
		Metrics: map[string]float64{
			"deliveries_per_s": float64(delivered) / elapsed.Seconds(),
			"p50_ms":           ls.P50,
			"p99_ms":           ls.P99,
			"max_ms":           ls.Max,
			"send_p99_ms":      sendLat.P99,
			"connect_s":        connectTime.Seconds(),
		},
		Counts: map[string]int64{
			"missing":          missing,
			"out_of_order":     outOfOrder,
			"duplicates":       dups,
			"confirms":         confirms,
			"error_events":     errFrames,
			"closed_by_server": closed,
			"sent_total":       p.ok,
			"late_sends":       p.late,
			"frames_total":     frames - framesBefore,
			"connect_redials":  int64(redials),
		},
		Errors: p.errors,
		Notes:  notes,
		Order: []string{"deliveries_per_s", "p50_ms", "p99_ms", "max_ms", "missing", "out_of_order",
			"duplicates", "closed_by_server", "send_p99_ms", "late_sends", "connect_s", "connect_redials", "sent_total",
			"confirms", "error_events"},
		Params: map[string]any{"m": o.members, "r": o.rate, "d": o.duration.String(), "confirm": o.confirm},
	}
	if load != nil {
		chk, err := load.verify(ctx, mixed)
		if err != nil {
			return outcome{}, err
		}
		mo := sendOutcome(o, mixed, chk, "mixed_")
		maps.Copy(out.Metrics, mo.Metrics)
		maps.Copy(out.Counts, mo.Counts)
		for k, v := range mo.Errors {
			out.Errors["mixed_"+k] += v
		}
		out.Order = append(out.Order, mo.Order...)
		out.Params["mixed_c"] = o.senders
		out.Params["mixed_g"] = min(o.rooms, o.senders)
	}
	return out, nil
}
