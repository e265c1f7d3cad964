package realtime

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chatapi/chatapi/event"
)

// Receipts. Every client moves its read cursor (ack) and its delivered
// cursor (delivered) as messages arrive, every ~200 ms; a frame per member
// per move would cost a 1,000-member room a million frames a second. So
// moves are coalesced per room and go out at most once per ReceiptsInterval:
//
//   - in rooms of at most ReceiptsMaxMembers members, one `receipts` frame
//     to every member's connections, carrying the cursors that moved;
//   - in those rooms too, `delivery.received` to the members who sent a
//     message the delivered cursor moved over (the senders' delivery
//     receipts), one per receiver and flush;
//   - in larger rooms nothing per user: the members list
//     (GET /rooms/{room_id}/members) has every cursor.
//
// Apart from that, a user's own devices learn their read cursor at once
// (ack.received to the user's connections, see Hub.acked), whatever the
// room's size; those on other instances with the next flush.
//
// In a cluster the moves this instance's clients made travel to the other
// instances with the flush too, one Receipts event per room (out), never
// one per ack or delivered: a thousand clients confirming every 200 ms cost
// the bus a notification per room and second, not five thousand. The other
// instances fold them into their own pending receipts.
//
// One timer for the hub, armed only while moves wait, so an idle hub costs
// nothing.

// sentRing is how many recent messages of a room the hub remembers the
// senders of, to address delivery receipts. Older ones get no
// delivery.received: their senders read the members list.
const sentRing = 256

type sent struct {
	seq    int64
	sender string
}

// roomReceipts is what waits to be sent for one room.
type roomReceipts struct {
	read      map[string]int64 // user → read cursor
	delivered map[string]span  // user → delivered cursor move
}

type span struct{ from, to int64 }

// roomSenders remembers the senders of a room's latest messages.
type roomSenders struct {
	ring [sentRing]sent
	next int
	used time.Time
}

type receipts struct {
	h *Hub

	mu      sync.Mutex
	pending map[roomKey]*roomReceipts
	// out is what this instance's clients moved, for the other instances
	// (Config.Cluster), sent with the flush.
	out     map[roomKey]*roomReceipts
	armed   bool
	timer   Timer
	senders map[roomKey]*roomSenders
	pruned  time.Time
}

func newReceipts(h *Hub) *receipts {
	return &receipts{h: h, pending: make(map[roomKey]*roomReceipts), out: make(map[roomKey]*roomReceipts),
		senders: make(map[roomKey]*roomSenders)}
}

// roomLocked returns k's pending receipts and arms the flush. r.mu is held.
func (r *receipts) roomLocked(k roomKey) *roomReceipts {
	p := r.pending[k]
	if p == nil {
		p = &roomReceipts{}
		r.pending[k] = p
	}
	r.armLocked()
	return p
}

// armLocked makes sure a flush is due. r.mu is held.
func (r *receipts) armLocked() {
	if !r.armed {
		r.armed = true
		if r.timer == nil {
			r.timer = r.h.cfg.Clock.AfterFunc(r.h.cfg.ReceiptsInterval, r.flush)
		} else {
			r.timer.Reset(r.h.cfg.ReceiptsInterval)
		}
	}
}

// add merges a read (ack > 0) or delivered (to > 0) move into p.
func (p *roomReceipts) add(userID string, ack, from, to int64) {
	if ack > 0 {
		if p.read == nil {
			p.read = make(map[string]int64)
		}
		p.read[userID] = max(p.read[userID], ack)
	}
	if to > 0 {
		if p.delivered == nil {
			p.delivered = make(map[string]span)
		}
		s, ok := p.delivered[userID]
		if !ok {
			s = span{from: from, to: to}
		}
		p.delivered[userID] = span{from: min(s.from, from), to: max(s.to, to)}
	}
}

// outbound records a move of this instance's for the other instances.
func (r *receipts) outbound(e event.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := roomKey{e.TenantID, e.RoomID}
	p := r.out[k]
	if p == nil {
		p = &roomReceipts{}
		r.out[k] = p
	}
	if e.Type == event.AckReceived {
		p.add(e.UserID, e.Seq, 0, 0)
	} else {
		p.add(e.UserID, 0, e.FromSeq, e.Seq)
	}
	r.armLocked()
}

// outEvents turns out into one Receipts event per room.
func outEvents(out map[roomKey]*roomReceipts) []event.Event {
	evs := make([]event.Event, 0, len(out))
	for k, p := range out {
		byUser := make(map[string]*event.Receipt)
		entry := func(u string) *event.Receipt {
			e := byUser[u]
			if e == nil {
				e = &event.Receipt{UserID: u}
				byUser[u] = e
			}
			return e
		}
		for u, seq := range p.read {
			entry(u).LastAck = seq
		}
		for u, s := range p.delivered {
			e := entry(u)
			e.DeliveredFrom, e.DeliveredTo = s.from, s.to
		}
		ev := event.Event{Type: event.Receipts, TenantID: k.tenantID, RoomID: k.roomID}
		for _, e := range byUser {
			ev.Receipts = append(ev.Receipts, *e)
		}
		evs = append(evs, ev)
	}
	return evs
}

// read records a read cursor move.
func (r *receipts) read(k roomKey, userID string, seq int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.roomLocked(k).add(userID, seq, 0, 0)
}

// delivered records a delivered cursor move.
func (r *receipts) delivered(k roomKey, userID string, from, to int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.roomLocked(k).add(userID, 0, from, to)
}

// sent records the sender of a room's message, for delivery receipts;
// only rooms small enough for per-user receipts are remembered.
func (r *receipts) sent(k roomKey, seq int64, sender string, members int) {
	if members > r.h.cfg.ReceiptsMaxMembers {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	rs := r.senders[k]
	if rs == nil {
		rs = &roomSenders{}
		r.senders[k] = rs
	}
	rs.ring[rs.next] = sent{seq: seq, sender: sender}
	rs.next = (rs.next + 1) % sentRing
	rs.used = r.h.cfg.Clock.Now()
}

// sendersBetweenLocked returns the distinct senders of the remembered messages
// with from < seq <= to, leaving out except. r.mu is held.
func (r *receipts) sendersBetweenLocked(k roomKey, from, to int64, except string) []string {
	rs := r.senders[k]
	if rs == nil {
		return nil
	}
	var out []string
	for _, s := range rs.ring {
		if s.seq > from && s.seq <= to && s.sender != except && !slices.Contains(out, s.sender) {
			out = append(out, s.sender)
		}
	}
	return out
}

// receiptsFlush is one room's share of a flush.
type receiptsFlush struct {
	k         roomKey
	entries   []receiptEntry
	delivered []deliveryNote
}

type deliveryNote struct {
	userID  string
	seq     int64
	senders []string
}

// flush sends what waited and disarms the timer. It runs in the timer's
// goroutine, as a task of the hub (Shutdown waits for it).
func (r *receipts) flush() {
	if !r.h.bg.enter() {
		return
	}
	defer r.h.bg.leave()
	r.mu.Lock()
	pending := r.pending
	r.pending = make(map[roomKey]*roomReceipts)
	var out []event.Event
	if len(r.out) > 0 {
		out = outEvents(r.out)
		r.out = make(map[roomKey]*roomReceipts)
	}
	r.armed = false
	var flushes []receiptsFlush
	for k, p := range pending {
		f := receiptsFlush{k: k}
		users := make(map[string]*receiptEntry)
		entry := func(u string) *receiptEntry {
			e := users[u]
			if e == nil {
				e = &receiptEntry{UserID: u}
				users[u] = e
			}
			return e
		}
		for u, seq := range p.read {
			e := entry(u)
			e.LastAck = &seq
			e.LastDelivered = &seq // reading implies receipt
		}
		for u, s := range p.delivered {
			e := entry(u)
			if e.LastDelivered == nil || s.to > *e.LastDelivered {
				to := s.to
				e.LastDelivered = &to
			}
			if senders := r.sendersBetweenLocked(k, s.from, s.to, u); len(senders) > 0 {
				f.delivered = append(f.delivered, deliveryNote{userID: u, seq: s.to, senders: senders})
			}
		}
		for _, e := range users {
			f.entries = append(f.entries, *e)
		}
		slices.SortFunc(f.entries, func(a, b receiptEntry) int { return strings.Compare(a.UserID, b.UserID) })
		flushes = append(flushes, f)
	}
	now := r.h.cfg.Clock.Now()
	if now.Sub(r.pruned) > time.Minute {
		r.pruned = now
		for k, rs := range r.senders {
			if now.Sub(rs.used) > 5*time.Minute {
				delete(r.senders, k)
			}
		}
	}
	r.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), r.h.cfg.WriteTimeout)
	defer cancel()
	for _, f := range flushes {
		r.h.sendReceipts(ctx, f)
	}
	for _, e := range out {
		r.h.cfg.Cluster.Broadcast(ctx, e)
	}
}

// stop cancels a pending flush; the hub is shutting down.
func (r *receipts) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.timer != nil {
		r.timer.Stop()
	}
}

// sendReceipts delivers one room's flush to this instance's connections.
func (h *Hub) sendReceipts(ctx context.Context, f receiptsFlush) {
	ids, err := h.store.RoomMemberIDs(ctx, f.k.tenantID, f.k.roomID)
	if err != nil {
		if ctx.Err() == nil {
			h.cfg.Logger.Error("realtime: receipts members", "tenant_id", f.k.tenantID, "room_id", f.k.roomID, "error", err)
		}
		return
	}
	if len(ids) > h.cfg.ReceiptsMaxMembers {
		return // the members list has them; own devices had ack.received
	}
	frame := mustEncode(receiptsFrame{Type: "receipts", RoomID: f.k.roomID, Receipts: f.entries})
	deliverEphemeral(frame, h.recipients(f.k.tenantID, ids, "", ""))
	for _, d := range f.delivered {
		frame := mustEncode(deliveryReceivedFrame{Type: string(event.DeliveryReceived), RoomID: f.k.roomID, UserID: d.userID, Seq: d.seq})
		deliverEphemeral(frame, h.recipients(f.k.tenantID, d.senders, "", ""))
	}
}
