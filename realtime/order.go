package realtime

import (
	"context"
	"sync"
	"time"

	"github.com/chatapi/chatapi/store"
)

// Order is decided where a change commits: every room event carries the
// event_seq its transaction took in the room's log, and a room's event_seqs
// commit in order (see asyncapi.yaml, "Order and resume"). The hub only
// checks it. A room's next live event is normally the one after the last it
// delivered; when it is further on (two changes announced by their
// requests in the opposite order of their commits, an announcement lost, or
// one of another instance that the bus brought later than a newer one), the
// events in between are committed already and are read from the log and
// delivered first. An announcement behind the room's position was
// delivered that way and is dropped. Nothing is held back and nothing waits
// on a timer. Metrics count the gaps (chatapi_ws_order_gaps_total): with
// six writers on one SQLite room about one event in eight needed a read of
// the log (TestLiveEventsInEventSeqOrderUnderConcurrentWriters logs it).
// Announcing from the writer, in commit order, would spare those reads;
// the check stays either way, for the bus.

// idleRoom is how long a room's position is kept without events.
const idleRoom = 10 * time.Minute

// roomOrder is one room's position in its event log on this hub.
type roomOrder struct {
	// mu is held while the room's events are handed to their connections,
	// the reads of a gap fill included, so that they go out in order.
	mu sync.Mutex
	// last is the event_seq delivered last; 0 before the first.
	last int64
	// floor is the first event_seq this hub saw for the room: an event below
	// it was never delivered here (it was announced after a later one before
	// the room had a position), so it goes out late rather than never.
	floor   int64
	touched time.Time
}

// sequencer keeps every room's position.
type sequencer struct {
	hub *Hub

	mu        sync.Mutex
	rooms     map[roomKey]*roomOrder
	lastPrune time.Time
}

func newSequencer(h *Hub) *sequencer {
	return &sequencer{hub: h, rooms: make(map[roomKey]*roomOrder)}
}

func deliver(frame []byte, to []*conn) {
	for _, c := range to {
		c.enqueue(frame)
	}
}

// deliverEphemeral is deliver for presence and typing (see enqueueEphemeral).
func deliverEphemeral(frame []byte, to []*conn) {
	for _, c := range to {
		c.enqueueEphemeral(frame)
	}
}

func (s *sequencer) room(k roomKey) *roomOrder {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if now.Sub(s.lastPrune) > idleRoom {
		s.lastPrune = now
		for rk, ro := range s.rooms {
			// TryLock: a room being delivered to is not idle anyway.
			if !ro.mu.TryLock() {
				continue
			}
			idle := now.Sub(ro.touched) > idleRoom
			ro.mu.Unlock()
			if idle {
				delete(s.rooms, rk)
			}
		}
	}
	ro := s.rooms[k]
	if ro == nil {
		ro = &roomOrder{}
		s.rooms[k] = ro
	}
	return ro
}

// start gives the rooms in ends (room id → the event_seq of its last
// event, read after c registered) a position, unless they have one: a
// connection registers before the store is read for it, so every later
// event reaches the hub after that read, and an event at or below the end
// was committed before it. Without it, a room's first two events announced
// in the opposite order would leave it no position to detect that from.
func (s *sequencer) start(tenantID string, ends map[string]int64) {
	if len(ends) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for roomID, last := range ends {
		k := roomKey{tenantID, roomID}
		if s.rooms[k] == nil {
			s.rooms[k] = &roomOrder{last: last, floor: last + 1, touched: now}
		}
	}
}

// roomEvent is a room event ready to go out: its frame, its place in the
// log, and who gets it.
type roomEvent struct {
	eventSeq int64
	// msgSeq is the message's seq for a new message (type message), which
	// its recipients owe an ack for; 0 for the other events.
	msgSeq int64
	frame  []byte
	to     []*conn
	// track are the connections that owe an ack for it (see redelivery.go).
	track []*conn
}

// deliver hands ev, an event of room k, to its connections in event_seq
// order: the events between the room's position and ev are read from the
// log first, and an event the room is past already is dropped.
func (s *sequencer) deliver(k roomKey, ev roomEvent) {
	ro := s.room(k)
	ro.mu.Lock()
	defer ro.mu.Unlock()
	ro.touched = time.Now()
	st := &s.hub.stats
	switch {
	case ro.last == 0 && ro.floor == 0:
		ro.floor = ev.eventSeq
	case ev.eventSeq <= ro.last:
		if ev.eventSeq >= ro.floor {
			st.orderDropped.Add(1)
			return // delivered already, from the log
		}
		st.orderLate.Add(1)
		sendRoomEvent(k.roomID, ev)
		return
	case ev.eventSeq > ro.last+1:
		s.fillLocked(k, ro, ev.eventSeq)
	}
	sendRoomEvent(k.roomID, ev)
	ro.last = ev.eventSeq
}

// sendRoomEvent queues ev on its connections. A message is tracked for
// redelivery before it is queued: a client may read and confirm it before
// a fan-out to a thousand connections is done, and a confirmation handled
// before the message is tracked would leave it tracked, and sent again,
// for good.
func sendRoomEvent(roomID string, ev roomEvent) {
	if ev.msgSeq > 0 {
		for _, c := range ev.track {
			c.trackMessages(roomID, ev.msgSeq, ev.msgSeq)
		}
	}
	for _, c := range ev.to {
		c.sendRoomEvent(roomID, ev.eventSeq, ev.msgSeq, ev.frame)
	}
}

// fillLocked delivers the room's events after its position and before
// upto, read from the log, and moves the position to upto-1. Events the log
// no longer has (pruned) or that a failed read did not bring are skipped
// and counted: their readers catch up with a resume. ro.mu is held.
func (s *sequencer) fillLocked(k roomKey, ro *roomOrder, upto int64) {
	h := s.hub
	h.stats.orderGaps.Add(1)
	ctx, cancel := context.WithTimeout(context.Background(), h.cfg.WriteTimeout)
	defer cancel()
	var members []string
	for ro.last < upto-1 {
		events, err := h.store.RoomEventsAfter(ctx, k.tenantID, k.roomID, ro.last, upto-1, store.MaxEventsLimit)
		if err == nil && members == nil && len(events) > 0 {
			members, err = h.store.RoomMemberIDs(ctx, k.tenantID, k.roomID)
		}
		if err != nil {
			h.cfg.Logger.Error("realtime: fill a gap from the event log", "tenant_id", k.tenantID, "room_id", k.roomID, "after", ro.last, "error", err)
			break
		}
		if len(events) == 0 {
			break
		}
		to, ofMembers := h.recipientsSplit(k.tenantID, members, k.roomID, "")
		for i := range events {
			e := &events[i]
			if e.EventSeq <= ro.last {
				continue
			}
			if e.EventSeq > ro.last+1 {
				h.stats.orderSkipped.Add(uint64(e.EventSeq - ro.last - 1))
			}
			ev := roomEvent{eventSeq: e.EventSeq, frame: e.Frame, to: to}
			switch e.Type {
			case store.EventMessage:
				ev.msgSeq, ev.track = e.MessageSeq, owing(to[:ofMembers], e.UserID)
			case store.EventMemberLeft:
				// The one who left is told too.
				ev.to = append(to[:len(to):len(to)], h.recipients(k.tenantID, []string{e.UserID}, "", "")...)
			}
			sendRoomEvent(k.roomID, ev)
			ro.last = e.EventSeq
			h.stats.orderFilled.Add(1)
		}
	}
	if ro.last < upto-1 {
		h.stats.orderSkipped.Add(uint64(upto - 1 - ro.last))
		ro.last = upto - 1
	}
}
