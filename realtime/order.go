package realtime

import (
	"context"
	"encoding/json"
	"math"
	"slices"
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
//
// Who gets an event is decided here too, from the room's members as of
// its place: the hub keeps them per room, applying each member.joined and
// member.left as it hands it out, so a member who leaves right after a
// change still gets it (then their member.left, their last), and one who
// joins right after gets nothing before their member.joined, however late
// the events reach the hub. The members at a position are read once, from
// the members now and the log after it (see membersAt).

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
	// members are the room's members as of last, when known; until then
	// (a new position, or a run of the log skipped) they are read at the
	// next event (see loadMembersLocked).
	members memberSet
	known   bool
	// conns caches the connections of the members and watchers, as
	// recipientsAt found them for the members as they stand: a room's
	// events reuse them until the members change or a connection anywhere
	// comes, goes, watches or stops (Hub.connsGen). Finding them anew for
	// each event (a map lookup per member and a set of the connections)
	// was 5 % of the server's CPU at a 1,000-member fan-out.
	conns roomConns
}

// roomConns is a room's recipients at a connsGen; valid is cleared when
// its members change.
type roomConns struct {
	to        []*conn
	ofMembers int
	gen       uint64
	valid     bool
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
//
// It reports whether a room's position here starts after its end plus
// one: the hub first saw that room, between the read and now, at a later
// event than the one after the end, and the events in between reach it
// late (below the floor), after the connection was handed the later one.
// The caller reads the log again, past them, before it goes live.
func (s *sequencer) start(tenantID string, ends map[string]int64) (behind bool) {
	if len(ends) == 0 {
		return false
	}
	type had struct {
		ro  *roomOrder
		end int64
	}
	var existing []had
	s.mu.Lock()
	now := time.Now()
	for roomID, last := range ends {
		k := roomKey{tenantID, roomID}
		if ro := s.rooms[k]; ro != nil {
			existing = append(existing, had{ro, last})
			continue
		}
		s.rooms[k] = &roomOrder{last: last, floor: last + 1, touched: now}
	}
	s.mu.Unlock()
	for _, e := range existing {
		e.ro.mu.Lock()
		if e.ro.floor > e.end+1 {
			behind = true
		}
		e.ro.mu.Unlock()
	}
	return behind
}

// roomEvent is a room event ready to go out: its frame, its place in the
// log and what its recipients depend on. Who gets it is decided where it
// goes out, from the room's members as of its place (see roomOrder).
type roomEvent struct {
	eventSeq int64
	typ      store.EventType
	// userID is the member who joined or left, for a member event; the
	// sender, for a new message; else empty.
	userID string
	// msgSeq is the message's seq for a new message (type message), which
	// its recipients owe an ack for; 0 for the other events.
	msgSeq int64
	frame  []byte
	// announced is set for an event announced live (Deliver), clear for one
	// read from the log: the receipts count only the former's sends.
	announced bool
}

// deliver hands ev, an event of room k, to its recipients in event_seq
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
		// The room's first event on this hub: no connection here synced
		// it (that would have given it a position), so none is owed what
		// came before.
		ro.floor, ro.last = ev.eventSeq, ev.eventSeq-1
	case ev.eventSeq <= ro.last:
		if ev.eventSeq >= ro.floor {
			st.orderDropped.Add(1)
			return // delivered already, from the log
		}
		st.orderLate.Add(1)
		s.sendLate(k, ev)
		return
	case ev.eventSeq > ro.last+1:
		s.fillLocked(k, ro, ev.eventSeq)
	}
	s.sendLocked(k, ro, ev)
}

// sendLocked hands ev, the room's next event (ev.eventSeq is ro.last+1),
// to the connections of the room's members as of ev, and of its watchers,
// then applies it to the members and moves the position. A member.joined
// goes to the joiner too, a member.left to the one who left, whose last
// event of the room it is. ro.mu is held.
func (s *sequencer) sendLocked(k roomKey, ro *roomOrder, ev roomEvent) {
	h := s.hub
	if !ro.known {
		s.loadMembersLocked(k, ro)
	}
	if ev.typ == store.EventMemberJoined {
		ro.members.add(ev.userID)
		ro.conns = roomConns{}
	}
	if ev.typ == store.EventMessage && ev.msgSeq > 0 && ev.announced {
		h.receipts.sent(k, ev.msgSeq, ev.userID, len(ro.members.ids))
	}
	if ev.typ == store.EventMemberJoined || ev.typ == store.EventMemberLeft {
		h.sendTo(k, ev, ro.members.ids) // to the one who left, too
	} else {
		to, ofMembers := s.connsLocked(k, ro)
		h.sendToConns(k, ev, to, ofMembers)
	}
	if ev.typ == store.EventMemberLeft {
		ro.members.remove(ev.userID)
		ro.conns = roomConns{}
	}
	ro.last = ev.eventSeq
}

// connsLocked returns the connections of the room's members as they stand
// and of its watchers, the first ofMembers the members': the cached ones
// while no connection of the hub changed since they were found. The slice
// is shared by the room's events: read, never written. ro.mu is held.
func (s *sequencer) connsLocked(k roomKey, ro *roomOrder) (to []*conn, ofMembers int) {
	h := s.hub
	if c := &ro.conns; c.valid && c.gen == h.connsGen.Load() {
		return c.to, c.ofMembers
	}
	to, ofMembers, gen := h.recipientsAt(k.tenantID, ro.members.ids, k.roomID, "")
	ro.conns = roomConns{to: to, ofMembers: ofMembers, gen: gen, valid: true}
	return to, ofMembers
}

// sendTo queues ev, an event of room k, on the connections of members (the
// room's members as of ev) and of the room's watchers; a member event goes
// to its user too (a member.left to the one who left). A message is tracked
// for redelivery on the members' connections, its sender's left out.
func (h *Hub) sendTo(k roomKey, ev roomEvent, members []string) {
	if (ev.typ == store.EventMemberJoined || ev.typ == store.EventMemberLeft) && !slices.Contains(members, ev.userID) {
		members = append(members[:len(members):len(members)], ev.userID)
	}
	to, ofMembers := h.recipientsSplit(k.tenantID, members, k.roomID, "")
	h.sendToConns(k, ev, to, ofMembers)
}

// sendToConns queues ev, an event of room k, on to, whose first ofMembers
// are the members' connections: those of users who block a message's
// sender left out, a message tracked for redelivery on the members'
// connections but its sender's. to is not written.
func (h *Hub) sendToConns(k roomKey, ev roomEvent, to []*conn, ofMembers int) {
	to, ofMembers = h.withoutBlocked(k.tenantID, ev, to, ofMembers)
	var track []*conn
	if ev.typ == store.EventMessage && ev.msgSeq > 0 {
		track = owing(to[:ofMembers], ev.userID)
	}
	sendRoomEvent(k.roomID, ev, to, track)
}

// loadMembersLocked sets the room's members as of its position, ro.last:
// the members now, with the joins and leaves the log holds after the
// position undone (see membersAt). When that cannot be read, the members
// now stand in, and it is tried again at the next event. ro.mu is held.
func (s *sequencer) loadMembersLocked(k roomKey, ro *roomOrder) {
	h := s.hub
	ctx, cancel := context.WithTimeout(context.Background(), h.cfg.WriteTimeout)
	defer cancel()
	ro.conns = roomConns{}
	ids, err := s.membersAt(ctx, k, ro.last)
	if err == nil {
		ro.members.reset(ids)
		ro.known = true
		return
	}
	h.cfg.Logger.Error("realtime: room members at an event", "tenant_id", k.tenantID, "room_id", k.roomID, "event_seq", ro.last, "error", err)
	ids, err = h.store.RoomMemberIDs(ctx, k.tenantID, k.roomID)
	if err != nil {
		h.cfg.Logger.Error("realtime: room members", "tenant_id", k.tenantID, "room_id", k.roomID, "error", err)
	}
	ro.members.reset(ids)
}

// membersAt returns the room's members as of event_seq pos, the events
// up to pos committed. It reads the members now, then the log after pos
// to its end: a membership and its event commit together, so the log read
// second holds every join and leave the members read first reflect, and
// maybe later ones. A user's membership at pos is then the opposite of
// what their first member event after pos made it, or, without one, what
// it is now; later events, read or not, do not matter.
func (s *sequencer) membersAt(ctx context.Context, k roomKey, pos int64) ([]string, error) {
	h := s.hub
	now, err := h.store.RoomMemberIDs(ctx, k.tenantID, k.roomID)
	if err != nil {
		return nil, err
	}
	in := make(map[string]bool, len(now))
	for _, id := range now {
		in[id] = true
	}
	decided := make(map[string]bool)
	for after := pos; ; {
		events, err := h.store.RoomEventsAfter(ctx, k.tenantID, k.roomID, after, math.MaxInt64, store.MaxEventsLimit)
		if err != nil {
			return nil, err
		}
		for i := range events {
			e := &events[i]
			after = e.EventSeq
			if (e.Type != store.EventMemberJoined && e.Type != store.EventMemberLeft) || decided[e.UserID] {
				continue
			}
			decided[e.UserID] = true
			in[e.UserID] = e.Type == store.EventMemberLeft
		}
		if len(events) < store.MaxEventsLimit {
			break
		}
	}
	ids := make([]string, 0, len(in))
	for id, member := range in {
		if member {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// sendLate hands ev, an event below the room's floor (announced after a
// later one reached this hub before the room had a position here), to the
// members as of ev, read from the store, and the room's watchers. It goes
// out late rather than never: the connections that got the later event
// were not synced with the room here, and those that synced since were
// replayed past it (see conn.replay) and drop it.
func (s *sequencer) sendLate(k roomKey, ev roomEvent) {
	h := s.hub
	ctx, cancel := context.WithTimeout(context.Background(), h.cfg.WriteTimeout)
	defer cancel()
	ids, err := s.membersAt(ctx, k, ev.eventSeq-1)
	if err != nil {
		h.cfg.Logger.Error("realtime: room members at an event", "tenant_id", k.tenantID, "room_id", k.roomID, "event_seq", ev.eventSeq, "error", err)
		return
	}
	h.sendTo(k, ev, ids)
}

// sendRoomEvent queues ev on the connections to. A message is tracked for
// redelivery on track before it is queued: a client may read and confirm
// it before a fan-out to a thousand connections is done, and a
// confirmation handled before the message is tracked would leave it
// tracked, and sent again, for good.
func sendRoomEvent(roomID string, ev roomEvent, to, track []*conn) {
	if ev.msgSeq > 0 {
		for _, c := range track {
			c.trackMessages(roomID, ev.msgSeq, ev.msgSeq)
		}
	}
	for _, c := range to {
		c.sendRoomEvent(roomID, ev.eventSeq, ev.msgSeq, ev.frame)
	}
}

// fillLocked delivers the room's events after its position and before
// upto, read from the log, and moves the position to upto-1. Events the log
// no longer has (pruned) or that a failed read did not bring are skipped
// and counted: their readers catch up with a resume; the members are read
// again at the next event then. ro.mu is held.
func (s *sequencer) fillLocked(k roomKey, ro *roomOrder, upto int64) {
	h := s.hub
	h.stats.orderGaps.Add(1)
	ctx, cancel := context.WithTimeout(context.Background(), h.cfg.WriteTimeout)
	defer cancel()
	for ro.last < upto-1 {
		events, err := h.store.RoomEventsAfter(ctx, k.tenantID, k.roomID, ro.last, upto-1, store.MaxEventsLimit)
		if err != nil {
			h.cfg.Logger.Error("realtime: fill a gap from the event log", "tenant_id", k.tenantID, "room_id", k.roomID, "after", ro.last, "error", err)
			break
		}
		if len(events) == 0 {
			break
		}
		for i := range events {
			e := &events[i]
			if e.EventSeq <= ro.last {
				continue
			}
			if e.EventSeq > ro.last+1 {
				h.stats.orderSkipped.Add(uint64(e.EventSeq - ro.last - 1))
				ro.last, ro.known = e.EventSeq-1, false
			}
			ev := roomEvent{eventSeq: e.EventSeq, typ: e.Type, userID: e.UserID, frame: h.signed(ctx, k.tenantID, e.Frame)}
			if e.Type == store.EventMessage {
				ev.msgSeq = e.MessageSeq
			}
			s.sendLocked(k, ro, ev)
			h.stats.orderFilled.Add(1)
		}
	}
	if ro.last < upto-1 {
		h.stats.orderSkipped.Add(uint64(upto - 1 - ro.last))
		ro.last, ro.known = upto-1, false
	}
}

// memberSet is a room's members as a set that also keeps them as a slice,
// the form recipientsSplit takes, without building it per event.
type memberSet struct {
	ids []string
	at  map[string]int // id → index in ids
}

func (m *memberSet) reset(ids []string) {
	m.ids = slices.Clone(ids)
	m.at = make(map[string]int, len(ids))
	for i, id := range m.ids {
		m.at[id] = i
	}
}

func (m *memberSet) has(id string) bool {
	_, ok := m.at[id]
	return ok
}

func (m *memberSet) add(id string) {
	if m.has(id) {
		return
	}
	if m.at == nil {
		m.at = make(map[string]int)
	}
	// A fresh slice: the one recipientsSplit may still read stays as it was.
	m.ids = append(m.ids[:len(m.ids):len(m.ids)], id)
	m.at[id] = len(m.ids) - 1
}

func (m *memberSet) remove(id string) {
	i, ok := m.at[id]
	if !ok {
		return
	}
	last := len(m.ids) - 1
	ids := slices.Clone(m.ids[:last])
	if i != last {
		ids[i] = m.ids[last]
		m.at[ids[i]] = i
	}
	m.ids = ids
	delete(m.at, id)
}

// FrameSigner signs the download URLs of the attachments a frame of the
// room's log carries (a message's, attachment.processed's).
type FrameSigner interface {
	SignFrame(ctx context.Context, tenantID string, frame json.RawMessage) (json.RawMessage, error)
}

// signed is frame, read from the room's log, with its attachments' URLs
// signed when the hub has a signer; frame as it is otherwise, or when
// signing fails. A live announcement carries the URLs its sender signed;
// a frame read from the log in its place (a gap filled, a resume) would
// otherwise reach clients without them.
func (h *Hub) signed(ctx context.Context, tenantID string, frame json.RawMessage) json.RawMessage {
	if h.cfg.Attachments == nil {
		return frame
	}
	out, err := h.cfg.Attachments.SignFrame(ctx, tenantID, frame)
	if err != nil {
		h.cfg.Logger.Warn("realtime: sign the attachments of a frame from the log", "tenant_id", tenantID, "error", err)
		return frame
	}
	return out
}
