package realtime

import (
	"context"
	"sync"
	"time"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/store"
)

// Two senders can commit seq 5 and 6 and announce them in the opposite
// order. The sequencer holds a room's early message events back until the
// missing seq is announced; after Config.GapTimeout it reads the missing
// messages from the store, and whatever the store does not have is skipped,
// so one lost announcement delays a room by GapTimeout at most.
const (
	// maxHeld is how many events a room holds before its gap is filled from
	// the store at once rather than after GapTimeout; hardCap is where it
	// gives up on the store and skips the gap, so a room's memory stays
	// bounded even when the store does not answer.
	maxHeld    = 256
	hardCap    = 4 * maxHeld
	maxSkipped = 1024
	// idleRoom is how long a room's position is kept without messages.
	idleRoom = 10 * time.Minute
)

type heldFrame struct {
	frame []byte
	to    []*conn
	// track are the connections that owe an ack for it (see redelivery.go).
	track []*conn
}

// roomOrder is one room's position in its message stream.
type roomOrder struct {
	mu   sync.Mutex
	next int64 // the seq to deliver next; 0 before the first message
	held map[int64]heldFrame
	// skipped are seqs given up on by skipGap: their late announcement is
	// still delivered, once. At most maxSkipped are remembered.
	skipped map[int64]struct{}
	// timer, when set, fills the gap; armed is counted in sequencer.timers.
	timer   *time.Timer
	touched time.Time
}

// sequencer delivers each room's message events in seq order.
type sequencer struct {
	hub *Hub

	mu        sync.Mutex
	rooms     map[roomKey]*roomOrder
	stopped   bool
	lastPrune time.Time
	// timers counts armed and running gap timers; Shutdown waits for them.
	timers sync.WaitGroup
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
			// TryLock: the usual lock order is ro.mu then s.mu (armLocked);
			// a busy room is not idle anyway.
			if !ro.mu.TryLock() {
				continue
			}
			idle := len(ro.held) == 0 && ro.timer == nil && now.Sub(ro.touched) > idleRoom
			ro.mu.Unlock()
			if idle {
				delete(s.rooms, rk)
			}
		}
	}
	ro := s.rooms[k]
	if ro == nil {
		ro = &roomOrder{held: make(map[int64]heldFrame), skipped: make(map[int64]struct{})}
		s.rooms[k] = ro
	}
	return ro
}

// message delivers the event of message seq of room k, or holds it until
// the messages before it are delivered.
func (s *sequencer) message(k roomKey, seq int64, frame []byte, to, track []*conn) {
	ro := s.room(k)
	ro.mu.Lock()
	defer ro.mu.Unlock()
	ro.touched = time.Now()
	if ro.next == 0 {
		ro.next = startingSeq(k.roomID, seq, to)
	}
	switch {
	case seq < ro.next:
		// Behind the position: it was delivered already (announced, or read
		// from the store to fill a gap) unless its gap was skipped. Sending it
		// again would reorder the stream.
		if _, ok := ro.skipped[seq]; ok {
			delete(ro.skipped, seq)
			deliverMessage(k.roomID, seq, frame, to, track)
		}
	case seq == ro.next:
		deliverMessage(k.roomID, seq, frame, to, track)
		ro.next++
		ro.releaseHeld(k.roomID)
	default:
		ro.held[seq] = heldFrame{frame, to, track}
		if len(ro.held) >= hardCap {
			ro.skipGap(k.roomID)
			return
		}
		s.armLocked(k, ro)
		if len(ro.held) >= maxHeld {
			// The missing seqs are stored (a message is stored before it is
			// announced, and seqs commit in order): read them now rather
			// than skipping them, which would deliver them out of order.
			s.fillSoonLocked(ro)
		}
	}
}

// startingSeq is the position of a room whose first message event here is
// seq: the seq after the last one its recipients were handed (by their
// connect-time sync), so that events of other senders (other instances)
// announced late are waited for; seq itself when none of them knows. A
// connection far behind (its sync was capped) does not hold the room back:
// it pages the rest over REST.
func startingSeq(roomID string, seq int64, to []*conn) int64 {
	start := seq
	for _, c := range to {
		if pos, ok := c.position(roomID, -1); ok && pos >= 0 && pos+1 < start && seq-(pos+1) < maxHeld {
			start = pos + 1
		}
	}
	return start
}

// releaseHeld delivers held events from next on while they are consecutive.
// An armed timer is left to find nothing to do. ro.mu is held.
func (ro *roomOrder) releaseHeld(roomID string) {
	for {
		h, ok := ro.held[ro.next]
		if !ok {
			break
		}
		delete(ro.held, ro.next)
		deliverMessage(roomID, ro.next, h.frame, h.to, h.track)
		ro.next++
	}
}

// skipGap delivers every held event in seq order, giving up on the missing
// ones before them. ro.mu is held.
func (ro *roomOrder) skipGap(roomID string) {
	for len(ro.held) > 0 {
		lowest := int64(-1)
		for seq := range ro.held {
			if lowest < 0 || seq < lowest {
				lowest = seq
			}
		}
		for seq := ro.next; seq < lowest && ro.next > 0 && len(ro.skipped) < maxSkipped; seq++ {
			ro.skipped[seq] = struct{}{}
		}
		ro.next = lowest
		ro.releaseHeld(roomID)
	}
}

// armLocked starts the room's gap timer unless it runs. ro.mu is held.
func (s *sequencer) armLocked(k roomKey, ro *roomOrder) {
	if ro.timer != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		ro.skipGap(k.roomID)
		return
	}
	s.timers.Add(1)
	ro.timer = time.AfterFunc(s.hub.cfg.GapTimeout, func() {
		defer s.timers.Done()
		s.fillGap(k, ro)
	})
}

// fillSoonLocked makes the room's armed gap timer fire now. A timer that
// already fired is filling the gap; Stop tells the two apart, so the
// timer's count in s.timers stays exact. ro.mu is held.
func (s *sequencer) fillSoonLocked(ro *roomOrder) {
	if ro.timer != nil && ro.timer.Stop() {
		ro.timer.Reset(0)
	}
}

// fillGap reads the messages missing before a room's held events from the
// store and delivers them, then the held events; what the store does not
// have is skipped.
func (s *sequencer) fillGap(k roomKey, ro *roomOrder) {
	ro.mu.Lock()
	ro.timer = nil
	from, upto := ro.next, int64(-1)
	for seq := range ro.held {
		if upto < 0 || seq < upto {
			upto = seq
		}
	}
	ro.mu.Unlock()
	if upto < 0 {
		return // filled by a late announcement meanwhile
	}

	h := s.hub
	ctx, cancel := context.WithTimeout(context.Background(), h.cfg.WriteTimeout)
	defer cancel()
	msgs, err := h.store.RoomMessagesBetween(ctx, k.tenantID, k.roomID, from-1, upto, store.MaxMessagesLimit)
	var members []string
	if err == nil && len(msgs) > 0 {
		members, err = h.store.RoomMemberIDs(ctx, k.tenantID, k.roomID)
	}
	to, ofMembers := h.recipientsSplit(k.tenantID, members, k.roomID, "")
	if err != nil {
		h.cfg.Logger.Error("realtime: fill message gap", "tenant_id", k.tenantID, "room_id", k.roomID, "error", err)
		msgs = nil
	}

	ro.mu.Lock()
	defer ro.mu.Unlock()
	for i := range msgs {
		m := &msgs[i]
		if m.Seq < ro.next {
			continue // announced meanwhile
		}
		if _, ok := ro.held[m.Seq]; ok {
			continue
		}
		ro.next = m.Seq
		deliverMessage(k.roomID, m.Seq, mustEncode(newMessageFrame(event.MessageCreated, m)), to, owing(to[:ofMembers], m.SenderID))
		ro.next++
		ro.releaseHeld(k.roomID)
	}
	// What the store did not have below upto is given up. Events held
	// meanwhile beyond it may wait on a gap of their own, announced late
	// from another instance: that gap gets its own wait, not a skip.
	if ro.next < upto {
		for seq := ro.next; seq < upto && len(ro.skipped) < maxSkipped; seq++ {
			ro.skipped[seq] = struct{}{}
		}
		ro.next = upto
		ro.releaseHeld(k.roomID)
	}
	if len(ro.held) > 0 {
		s.armLocked(k, ro)
	}
}

// stop fills every pending gap at once and waits for running gap timers, or ctx.
func (s *sequencer) stop(ctx context.Context) error {
	s.mu.Lock()
	s.stopped = true
	rooms := make(map[roomKey]*roomOrder, len(s.rooms))
	for k, ro := range s.rooms {
		rooms[k] = ro
	}
	s.mu.Unlock()
	for k, ro := range rooms {
		ro.mu.Lock()
		if ro.timer != nil && ro.timer.Stop() {
			ro.timer = nil
			s.timers.Done()
		}
		ro.skipGap(k.roomID)
		ro.mu.Unlock()
	}
	return waitCtx(ctx, &s.timers)
}
