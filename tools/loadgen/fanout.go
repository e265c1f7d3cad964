package main

import (
	"bytes"
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
	// inst is the index of the instance (of -bases) it is connected to;
	// set once connected and settled, before the measured sends.
	inst int
	// confirm is the client event sent every confirmEvery for what arrived
	// ("delivered" or "ack"), or "" for none.
	confirm string

	synced  chan struct{} // closed on sync.complete
	frames  atomic.Int64  // every frame received
	lastAt  atomic.Int64  // unix nanos of the latest frame
	readErr error         // set before done is closed
	done    chan struct{}

	mu         sync.Mutex
	seen       seqSet
	maxSeq     int64
	outOfOrder int64
	firstOOO   string // the first out-of-order arrival, for the report
	dups       int64
	// lat holds the latencies by the instance the message was sent
	// through (-1: not said), so that a cluster tells the bus's share.
	lat map[int]latencies
	// arrivals, once made by trackArrivals, holds when each seq arrived.
	arrivals map[int64]time.Time
	// first, once set (for the measured sends), is told each latency.
	first *firstArrivals
	got   atomic.Int64 // distinct seqs received
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
		lat: map[int]latencies{}}
}

// seqSet is the set of a room's message seqs a member received: bits, the
// seqs of a run being dense from 1, with a map for any outside the bits'
// bound. A map of them all was 7 % of the generator's CPU at 1,000
// members × 50 msg/s, which it spends on the server's two cores.
type seqSet struct {
	bits  []uint64
	other map[int64]bool
}

// maxSeqBits bounds the bits a member keeps: 2^22 seqs, 512 KiB, past any
// run's sends (100,000 msg/s for 10 minutes is 6 × 10^7 across all, but a
// fanout room gets -r × -d of them).
const maxSeqBits = 1 << 22

func (s *seqSet) has(seq int64) bool {
	if seq < 0 || seq >= maxSeqBits {
		return s.other[seq]
	}
	i := int(seq >> 6)
	return i < len(s.bits) && s.bits[i]&(1<<(seq&63)) != 0
}

func (s *seqSet) add(seq int64) {
	if seq < 0 || seq >= maxSeqBits {
		if s.other == nil {
			s.other = map[int64]bool{}
		}
		s.other[seq] = true
		return
	}
	i := int(seq >> 6)
	if i >= len(s.bits) {
		s.bits = append(s.bits, make([]uint64, i+1-len(s.bits))...)
	}
	s.bits[i] |= 1 << (seq & 63)
}

// confirmLoop sends m.confirm for what arrived, every confirmEvery while
// something new did, until the connection ends.
func (m *member) confirmLoop(ctx context.Context) {
	tick := time.NewTicker(confirmEvery)
	defer tick.Stop()
	var sent int64
	var buf []byte
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
		b := appendConfirm(buf[:0], m.confirm, m.room, upTo)
		buf = b
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

// appendConfirm appends the confirmation event {"room_id":…,"seq":…,
// "type":…} to b: the bytes json.Marshal made of it as a map, keys sorted,
// without its reflection and map (11 % of the confirmations' CPU).
func appendConfirm(b []byte, typ, room string, seq int64) []byte {
	b = append(b, `{"room_id":`...)
	b = appendJSONString(b, room)
	b = append(b, `,"seq":`...)
	b = strconv.AppendInt(b, seq, 10)
	b = append(b, `,"type":`...)
	b = appendJSONString(b, typ)
	return append(b, '}')
}

// appendJSONString appends s as a JSON string, as json.Marshal writes it.
func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}

// read receives frames until the connection ends (closeMembers closes
// it). It reads on context.Background, not ctx: coder/websocket arms a
// context.AfterFunc on every Read of a cancellable context, 7 % of the
// generator's CPU at 1,000 members × 50 msg/s, which shares the machine's
// cores with the server it measures.
func (m *member) read(ctx context.Context) {
	defer close(m.done)
	if m.confirm != "" {
		go m.confirmLoop(ctx)
	}
	var once sync.Once
	// Each message is read into the one buffer, which Read would allocate
	// anew (io.ReadAll); parseFrame copies what it keeps.
	var buf bytes.Buffer
	for {
		_, r, err := m.c.Reader(context.Background())
		if err == nil {
			buf.Reset()
			_, err = buf.ReadFrom(r)
		}
		if err != nil {
			m.readErr = err
			return
		}
		data := buf.Bytes()
		now := time.Now()
		m.frames.Add(1)
		m.lastAt.Store(now.UnixNano())
		f, err := parseFrame(data)
		if err != nil {
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
	if m.seen.has(f.Seq) {
		m.dups++ // a redelivery: expected when nothing is confirmed
		return
	}
	m.seen.add(f.Seq)
	for m.seen.has(m.contiguous + 1) {
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
	if m.arrivals != nil {
		m.arrivals[f.Seq] = now
	}
	if sent, via, ok := parseContent(f.Content); ok {
		m.lat[via] = append(m.lat[via], now.Sub(sent))
		m.first.observe(f.Seq, now.Sub(sent))
	}
}

// firstArrivals keeps, for each message of the room (by seq), the lowest
// latency any member saw it with: from the send to the message's first
// delivery, the send path's share (HTTP, the commit, the fan-out's
// start). A tail there that the deliveries' p99 matches is the send's; a
// tail only in the deliveries is the fan-out's.
type firstArrivals struct {
	ns []atomic.Int64 // by seq; 0 until a member saw it
}

func newFirstArrivals(messages int) *firstArrivals {
	return &firstArrivals{ns: make([]atomic.Int64, messages+1)}
}

func (f *firstArrivals) observe(seq int64, d time.Duration) {
	if f == nil || seq < 1 || seq >= int64(len(f.ns)) {
		return
	}
	v := max(int64(d), 1)
	a := &f.ns[seq]
	for {
		old := a.Load()
		if (old != 0 && old <= v) || a.CompareAndSwap(old, v) {
			return
		}
	}
}

// latencies are the first deliveries' latencies, of the messages seen.
func (f *firstArrivals) latencies() latencies {
	var out latencies
	for i := range f.ns {
		if v := f.ns[i].Load(); v != 0 {
			out = append(out, time.Duration(v))
		}
	}
	return out
}

// takeLatencies returns the latencies recorded since the last call, by the
// instance the messages were sent through.
func (m *member) takeLatencies() map[int]latencies {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.lat
	m.lat = map[int]latencies{}
	return out
}

// trackArrivals starts (or restarts) recording when each seq arrives, and
// returns what was recorded since the last call.
func (m *member) trackArrivals() map[int64]time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.arrivals
	m.arrivals = map[int64]time.Time{}
	return out
}

// content is a paced message's content: its send time, its number, the
// instance it is sent through, padded with x to payload bytes.
func content(sent time.Time, i, via, payload int) string {
	c := "t=" + strconv.FormatInt(sent.UnixNano(), 10) + " #" + strconv.Itoa(i) + " via=" + strconv.Itoa(via)
	if pad := payload - len(c) - 1; pad > 0 {
		c += " " + strings.Repeat("x", pad)
	}
	return c
}

// parseContent reads what content wrote: the send time and the instance
// (-1 when the content does not say).
func parseContent(c string) (sent time.Time, via int, ok bool) {
	rest, ok := strings.CutPrefix(c, "t=")
	if !ok {
		return time.Time{}, 0, false
	}
	num, rest, _ := strings.Cut(rest, " ")
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return time.Time{}, 0, false
	}
	via = -1
	if _, after, found := strings.Cut(rest, "via="); found {
		v, _, _ := strings.Cut(after, " ")
		if k, err := strconv.Atoi(v); err == nil {
			via = k
		}
	}
	return time.Unix(0, n), via, true
}

// connectMembers dials users with bounded concurrency and starts each
// reader. On error the connections opened are returned for closing.
func connectMembers(ctx context.Context, tn tenant, hc *http.Client, users []string, room, confirm string, parallel int) ([]*member, error) {
	ms := make([]*member, len(users))
	errs := make([]error, len(users))
	// parallel dialers, each taking the next user until none is left,
	// rather than a goroutine per user: a dial grows a fresh goroutine's
	// stack three or four times (copied each time), 7 % of this process's
	// CPU while the conns scenario connected 10,000; a dialer's stack has
	// grown by its second user.
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(parallel, len(users)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(users) {
					return
				}
				c, err := tn.dial(ctx, hc, users[i])
				if err != nil {
					errs[i] = err
					continue
				}
				m := newMember(c, users[i], room, confirm)
				ms[i] = m
				go m.read(ctx)
			}
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

// sendTarget is where a paced message goes: through which instance (tn,
// its index via), from whom, to which room.
type sendTarget struct {
	tn   tenant
	via  int
	user string
	room string
}

// paced is what pacedSend measured.
type paced struct {
	ok     int64
	maxSeq map[string]int64 // by room
	errors map[string]int64
	late   int64 // sends that started over 10 ms after their schedule
	lat    latencies
	// elapsed is from the first scheduled send to the last answer.
	elapsed time.Duration
}

// pacedSend sends rate messages/s for d, message i to target(i), each from
// a pool of workers at its scheduled time, so one slow answer does not
// delay the next send.
func pacedSend(ctx context.Context, rate int, d time.Duration, payload int, target func(i int) sendTarget) paced {
	n := int(float64(rate) * d.Seconds())
	workers := min(maxPacedWorkers, rate/20+4)
	jobs := make(chan int, workers)
	var mu sync.Mutex
	out := paced{errors: map[string]int64{}, maxSeq: map[string]int64{}}
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				due := start.Add(time.Duration(i) * time.Second / time.Duration(rate))
				if wait := time.Until(due); wait > 0 {
					time.Sleep(wait)
				}
				to := target(i)
				t0 := time.Now()
				status, sent, err := to.tn.send(ctx, to.user, to.room, content(t0, i, to.via, payload))
				took := time.Since(t0)
				mu.Lock()
				if t0.Sub(due) > 10*time.Millisecond {
					out.late++
				}
				if err != nil {
					out.errors[errorKey(status, err)]++
				} else {
					out.ok++
					out.maxSeq[to.room] = max(out.maxSeq[to.room], sent.Seq)
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
	out.elapsed = time.Since(start)
	return out
}

// maxPacedWorkers bounds the paced sender's concurrent requests (and its
// HTTP connections to each instance).
const maxPacedWorkers = 256

// drain waits, at most limit, until every member got every message of its
// room up to maxSeq.
func drain(ctx context.Context, ms []*member, maxSeq map[string]int64, limit time.Duration) {
	end := time.Now().Add(limit)
	for time.Now().Before(end) && ctx.Err() == nil {
		all := true
		for _, m := range ms {
			if m.got.Load() < maxSeq[m.room] {
				all = false
				break
			}
		}
		if all {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tenants opens an API client to each base and the one tenant they share
// (created through the first: the instances share one database).
func tenants(ctx context.Context, bases []string, conns int, name, masterKey string) ([]tenant, func(), error) {
	apis := make([]*api, len(bases))
	for i, b := range bases {
		apis[i] = newAPI(b, conns)
	}
	closeAll := func() {
		for _, a := range apis {
			a.close()
		}
	}
	tn, err := newTenant(ctx, apis[0], masterKey, name)
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	tns := make([]tenant, len(apis))
	for i, a := range apis {
		tns[i] = tenant{a: a, id: tn.id, key: tn.key}
	}
	return tns, closeAll, nil
}

// placement is one instance's share of the receivers: users of one room.
type placement struct {
	inst  int
	room  string
	users []string
}

// connectSpread connects each placement's users to its instance, waits
// until they are all synced and quiet, and returns them grouped by
// instance, each knowing its instance.
func connectSpread(ctx context.Context, tns []tenant, hc *http.Client, places []placement, confirm string) ([]*member, int, error) {
	byInst := make([][]*member, len(tns))
	var errs []error
	for _, p := range places {
		ms, err := connectMembers(ctx, tns[p.inst], hc, p.users, p.room, confirm, 64)
		byInst[p.inst] = append(byInst[p.inst], ms...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	var all []*member
	for _, ms := range byInst {
		all = append(all, ms...)
	}
	if len(errs) > 0 {
		return all, 0, errors.Join(errs...)
	}
	redials := 0
	from := 0
	for i, ms := range byInst {
		// settle redials through the member's instance: it replaces members
		// within this instance's part of all.
		part := all[from : from+len(ms)]
		n, err := settle(ctx, tns[i], hc, part, 500*time.Millisecond, 60*time.Second)
		redials += n
		if err != nil {
			return all, redials, err
		}
		for _, m := range part {
			m.inst = i
		}
		from += len(ms)
	}
	return all, redials, nil
}

// tally is what the members got of the messages up to maxSeq of their
// room.
type tally struct {
	delivered, missing, outOfOrder, dups, closed, frames, confirms, errFrames int64
	notes                                                                     []string
}

func tallyMembers(ms []*member, maxSeq map[string]int64) tally {
	var t tally
	for _, m := range ms {
		t.frames += m.frames.Load()
		t.confirms += m.confirms.Load()
		t.errFrames += m.errFrames.Load()
		m.mu.Lock()
		for s := int64(1); s <= maxSeq[m.room]; s++ {
			if !m.seen.has(s) {
				t.missing++
			}
		}
		t.outOfOrder += m.outOfOrder
		if m.firstOOO != "" && len(t.notes) < 3 {
			t.notes = append(t.notes, "out of order: "+m.firstOOO)
		}
		t.dups += m.dups
		t.delivered += m.got.Load()
		m.mu.Unlock()
		select {
		case <-m.done:
			t.closed++ // the server closed it (e.g. 1013, slow consumer)
		default:
		}
	}
	return t
}

// latencySplit gathers the members' latencies since the last call: all of
// them, those of messages sent through another instance than the
// receiver's (across the bus), and those sent through the receiver's own.
func latencySplit(ms []*member) (all, across, same latencies) {
	for _, m := range ms {
		for via, l := range m.takeLatencies() {
			all = append(all, l...)
			switch {
			case via == m.inst:
				same = append(same, l...)
			case via >= 0:
				across = append(across, l...)
			}
		}
	}
	return all, across, same
}

func runFanout(ctx context.Context, o options) (outcome, error) {
	return runRoomFanout(ctx, o, o.bases[:1], "loadgen-fanout", "fan")
}

// runCluster is the fanout over every instance of -bases: the members
// spread over them in turn, the messages sent through each in turn (-via
// all) or through the first.
func runCluster(ctx context.Context, o options) (outcome, error) {
	return runRoomFanout(ctx, o, o.bases, "loadgen-cluster", "cl")
}

// runRoomFanout: M members of one room, connected to the instances in
// turn, receive R messages/s for d from one sender.
func runRoomFanout(ctx context.Context, o options, bases []string, name, prefix string) (outcome, error) {
	tns, closeAPIs, err := tenants(ctx, bases, min(maxPacedWorkers, o.rate/20+4)+o.senders+16, name, o.masterKey)
	if err != nil {
		return outcome{}, err
	}
	defer closeAPIs()
	sender := prefix + "-sender"
	users := userIDs(prefix, o.members)
	room, err := tns[0].createRoom(ctx, sender, users)
	if err != nil {
		return outcome{}, err
	}
	var load *sendLoad
	if o.mixed {
		if load, err = setupSendLoad(ctx, tns[0], "mix", o.senders, o.rooms); err != nil {
			return outcome{}, err
		}
	}
	places := make([]placement, len(tns))
	for i := range places {
		places[i] = placement{inst: i, room: room}
	}
	for j, u := range users {
		places[j%len(tns)].users = append(places[j%len(tns)].users, u)
	}
	hc := wsHTTPClient()
	defer hc.CloseIdleConnections()
	connectStart := time.Now()
	ms, redials, err := connectSpread(ctx, tns, hc, places, o.confirm)
	defer closeMembers(ms)
	if err != nil {
		return outcome{}, err
	}
	connectTime := time.Since(connectStart)
	framesBefore := int64(0)
	first := newFirstArrivals(int(float64(o.rate) * o.duration.Seconds()))
	for _, m := range ms {
		framesBefore += m.frames.Load()
		m.mu.Lock()
		m.first = first
		m.mu.Unlock()
		m.takeLatencies() // what the connect-time sync carried is not measured
	}

	var mixed sendStats
	var mixedDone sync.WaitGroup
	if load != nil {
		mixedDone.Go(func() { mixed = load.run(ctx, o.duration) })
	}
	countersBefore := readCounters(ctx, tns)
	o.cpu.begin()
	start := time.Now()
	p := pacedSend(ctx, o.rate, o.duration, o.payload, func(i int) sendTarget {
		k := 0
		if o.via == "all" {
			k = i % len(tns)
		}
		return sendTarget{tn: tns[k], via: k, user: sender, room: room}
	})
	// Every member is owed seqs 1..maxSeq: wait for them, a bounded while.
	drain(ctx, ms, p.maxSeq, 5*time.Second)
	elapsed := time.Since(start)
	o.cpu.end()
	mixedDone.Wait()
	if ctx.Err() != nil {
		return outcome{}, ctx.Err()
	}

	t := tallyMembers(ms, p.maxSeq)
	lat, across, _ := latencySplit(ms)
	ls := lat.summary()
	sendLat := p.lat.summary()
	firstLat := first.latencies().summary()
	out := outcome{
		Metrics: map[string]float64{
			"deliveries_per_s": float64(t.delivered) / elapsed.Seconds(),
			"p50_ms":           ls.P50,
			"p99_ms":           ls.P99,
			"max_ms":           ls.Max,
			"send_p99_ms":      sendLat.P99,
			"first_p50_ms":     firstLat.P50,
			"first_p99_ms":     firstLat.P99,
			"connect_s":        connectTime.Seconds(),
		},
		Counts: map[string]int64{
			"missing":          t.missing,
			"out_of_order":     t.outOfOrder,
			"duplicates":       t.dups,
			"confirms":         t.confirms,
			"error_events":     t.errFrames,
			"closed_by_server": t.closed,
			"sent_total":       p.ok,
			"late_sends":       p.late,
			"frames_total":     t.frames - framesBefore,
			"connect_redials":  int64(redials),
		},
		Errors: p.errors,
		Notes:  t.notes,
		Order: []string{"deliveries_per_s", "p50_ms", "p99_ms", "max_ms", "missing", "out_of_order",
			"duplicates", "closed_by_server", "send_p99_ms", "first_p50_ms", "first_p99_ms", "late_sends", "connect_s", "connect_redials", "sent_total",
			"confirms", "error_events"},
		Params: map[string]any{"m": o.members, "r": o.rate, "d": o.duration.String(), "confirm": o.confirm},
	}
	if o.payload > 0 {
		out.Params["payload"] = o.payload
	}
	if len(tns) > 1 {
		as := across.summary()
		out.Metrics["across_p50_ms"], out.Metrics["across_p99_ms"], out.Metrics["across_max_ms"] = as.P50, as.P99, as.Max
		out.Order = append(out.Order, "across_p50_ms", "across_p99_ms", "across_max_ms")
		out.Params["instances"] = len(tns)
		out.Params["via"] = o.via
		addCounterDeltas(&out, countersBefore, readCounters(ctx, tns))
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
