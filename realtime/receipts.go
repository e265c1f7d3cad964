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

// roomReceipts is what waits to be sent for one room: each user's cursor
// moves since the last flush.
type roomReceipts map[string]*cursorMove

// cursorMove is one user's moves: the read cursor's (ack, 0 when it did
// not move) and the delivered cursor's (from, to; to is 0 when it did
// not move).
type cursorMove struct{ ack, from, to int64 }

// roomSenders remembers the senders of a room's latest messages.
type roomSenders struct {
	ring [sentRing]sent
	next int
	used time.Time
}

type receipts struct {
	h *Hub

	mu      sync.Mutex
	pending map[roomKey]roomReceipts
	// out is what this instance's clients moved, for the other instances
	// (Config.Cluster), sent with the flush.
	out     map[roomKey]roomReceipts
	armed   bool
	timer   Timer
	senders map[roomKey]*roomSenders
	pruned  time.Time
}

func newReceipts(h *Hub) *receipts {
	return &receipts{h: h, pending: make(map[roomKey]roomReceipts), out: make(map[roomKey]roomReceipts),
		senders: make(map[roomKey]*roomSenders)}
}

// addLocked merges a move of userID's in room k into rooms (pending or
// out) and arms the flush. r.mu is held.
func (r *receipts) addLocked(rooms map[roomKey]roomReceipts, k roomKey, userID string, ack, from, to int64) {
	p := rooms[k]
	if p == nil {
		p = make(roomReceipts)
		rooms[k] = p
	}
	p.add(userID, ack, from, to)
	r.armLocked()
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

// add merges a read (ack > 0) and a delivered (to > 0) move into p.
func (p roomReceipts) add(userID string, ack, from, to int64) {
	if ack <= 0 && to <= 0 {
		return
	}
	m := p[userID]
	if m == nil {
		m = &cursorMove{}
		p[userID] = m
	}
	m.ack = max(m.ack, ack)
	if to > 0 {
		if m.to == 0 {
			m.from = from
		}
		m.from, m.to = min(m.from, from), max(m.to, to)
	}
}

// outbound records a move of this instance's for the other instances.
func (r *receipts) outbound(e event.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := roomKey{e.TenantID, e.RoomID}
	if e.Type == event.AckReceived {
		r.addLocked(r.out, k, e.UserID, e.Seq, 0, 0)
	} else {
		r.addLocked(r.out, k, e.UserID, 0, e.FromSeq, e.Seq)
	}
}

// outEvents turns out into one Receipts event per room.
func outEvents(out map[roomKey]roomReceipts) []event.Event {
	evs := make([]event.Event, 0, len(out))
	for k, p := range out {
		ev := event.Event{Type: event.Receipts, TenantID: k.tenantID, RoomID: k.roomID, Receipts: make([]event.Receipt, 0, len(p))}
		for u, m := range p {
			ev.Receipts = append(ev.Receipts, event.Receipt{UserID: u, LastAck: m.ack, DeliveredFrom: m.from, DeliveredTo: m.to})
		}
		evs = append(evs, ev)
	}
	return evs
}

// moved records a user's read (ack > 0) and delivered (to > 0) cursor
// moves, to be sent with the next flush.
func (r *receipts) moved(k roomKey, userID string, ack, from, to int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addLocked(r.pending, k, userID, ack, from, to)
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
	r.pending = make(map[roomKey]roomReceipts)
	var out []event.Event
	if len(r.out) > 0 {
		out = outEvents(r.out)
		r.out = make(map[roomKey]roomReceipts)
	}
	r.armed = false
	var flushes []receiptsFlush
	for k, p := range pending {
		f := receiptsFlush{k: k, entries: make([]receiptEntry, 0, len(p))}
		for u, m := range p {
			e := receiptEntry{UserID: u}
			if m.ack > 0 {
				e.LastAck = &m.ack
			}
			if delivered := max(m.ack, m.to); delivered > 0 { // reading implies receipt
				e.LastDelivered = &delivered
			}
			f.entries = append(f.entries, e)
			if m.to == 0 {
				continue
			}
			if senders := r.sendersBetweenLocked(k, m.from, m.to, u); len(senders) > 0 {
				f.delivered = append(f.delivered, deliveryNote{userID: u, seq: m.to, senders: senders})
			}
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
