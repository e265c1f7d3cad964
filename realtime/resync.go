package realtime

import (
	"context"
	"sync"

	"github.com/coder/websocket"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/store"
)

// Each connection remembers, per room, the highest message seq it was
// handed (by the connect-time sync or live), and, after a resume, the
// event_seq up to which the log was replayed to it. A live event at or below
// either is not sent again, so the paths that can hand the same message or
// event to a connection (the live stream, the connect-time sync or replay
// overlapping live events, a resync after the cluster bus lost events)
// never duplicate it on the wire, nor reorder a room. While the connect-time
// sync runs, live events wait here and those it covered are dropped when it
// ends.

// messageCursor is a connection's position per room.
type messageCursor struct {
	// mu is taken before conn.mu (enqueue), never after.
	mu   sync.Mutex
	live bool // false while the connect-time sync runs
	// got is the highest message seq handed per room.
	got map[string]int64
	// replayed is the event_seq up to which a resume replayed each room's
	// log.
	replayed map[string]int64
	held     []heldEvent
}

type heldEvent struct {
	roomID           string
	eventSeq, msgSeq int64
	frame            []byte
}

// sendMessage queues the message event seq of roomID unless c was handed it
// (or a later one) already; it reports whether it queued it.
func (c *conn) sendMessage(roomID string, seq int64, frame []byte) bool {
	return c.sendRoomEvent(roomID, 0, seq, frame)
}

// sendRoomEvent queues a room event unless c was handed it already: by its
// event_seq (when set) against the replay of a resume, and, for a new
// message (msgSeq set), by the message's seq. It reports whether it queued
// the event.
func (c *conn) sendRoomEvent(roomID string, eventSeq, msgSeq int64, frame []byte) bool {
	m := &c.msgs
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.live {
		if len(m.held) >= c.hub.cfg.QueueSize {
			// The same bound as the queue's: a client this far behind syncs again.
			if c.closeAsync(websocket.StatusTryAgainLater, "outgoing queue full", nil) {
				c.hub.stats.slowDropped.Add(1)
			}
			return false
		}
		m.held = append(m.held, heldEvent{roomID, eventSeq, msgSeq, frame})
		return true
	}
	return m.sendLocked(c, roomID, eventSeq, msgSeq, frame)
}

func (m *messageCursor) sendLocked(c *conn, roomID string, eventSeq, msgSeq int64, frame []byte) bool {
	if eventSeq > 0 && eventSeq <= m.replayed[roomID] {
		return false
	}
	if msgSeq > 0 {
		if msgSeq <= m.got[roomID] {
			return false
		}
		if m.got == nil {
			m.got = make(map[string]int64)
		}
		m.got[roomID] = msgSeq
	}
	c.enqueue(frame)
	return true
}

// synced records that the connect-time sync handed c roomID's messages up
// to seq.
func (c *conn) synced(roomID string, seq int64) {
	m := &c.msgs
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.got == nil {
		m.got = make(map[string]int64)
	}
	m.got[roomID] = max(m.got[roomID], seq)
}

// replayedTo records that a resume replayed roomID's log to c up to
// eventSeq.
func (c *conn) replayedTo(roomID string, eventSeq int64) {
	m := &c.msgs
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.replayed == nil {
		m.replayed = make(map[string]int64)
	}
	m.replayed[roomID] = max(m.replayed[roomID], eventSeq)
}

// goLive ends the connect-time sync: the live events that waited are
// queued, but for those the sync handed over already.
func (c *conn) goLive() {
	m := &c.msgs
	m.mu.Lock()
	defer m.mu.Unlock()
	m.live = true
	for _, he := range m.held {
		m.sendLocked(c, he.roomID, he.eventSeq, he.msgSeq, he.frame)
	}
	m.held = nil
}

// position returns the highest seq of roomID handed to c, or def when c
// was handed none of it; ok is false while c's connect-time sync runs.
func (c *conn) position(roomID string, def int64) (seq int64, ok bool) {
	m := &c.msgs
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.live {
		return 0, false
	}
	if seq, found := m.got[roomID]; found {
		return seq, true
	}
	return def, true
}

// Resync catches every connection of this instance up from the store: per
// room of its user, the messages after the last one it was handed, and the
// pending notifications it is not retrying already. The cluster bus calls
// it when its listener reconnected, since events of other instances may
// have been missed meanwhile. Connections still in their connect-time sync
// are left to it.
func (h *Hub) Resync(ctx context.Context) {
	h.mu.RLock()
	conns := make([]*conn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.RUnlock()
	type owed struct {
		cursors []store.RoomCursor
		notes   []store.Notification
		err     error
	}
	byUser := make(map[userKey]*owed)
	for _, c := range conns {
		if ctx.Err() != nil {
			return
		}
		k := userKey{c.tenantID, c.userID}
		o := byUser[k]
		if o == nil {
			o = &owed{}
			byUser[k] = o
			o.cursors, o.err = h.store.MemberCursors(ctx, c.tenantID, c.userID)
			if o.err == nil {
				o.notes, o.err = h.store.ListNotifications(ctx, c.tenantID, c.userID, store.MaxNotificationsLimit)
			}
			if o.err != nil {
				h.cfg.Logger.Error("realtime: resync", "tenant_id", c.tenantID, "user_id", c.userID, "error", o.err)
			}
		}
		if o.err != nil {
			continue
		}
		for _, cur := range o.cursors {
			if err := c.catchUp(ctx, cur); err != nil {
				h.cfg.Logger.Error("realtime: resync room", "tenant_id", c.tenantID, "room_id", cur.RoomID, "error", err)
			}
		}
		for i := range o.notes {
			c.resendNotification(&o.notes[i])
		}
	}
}

// catchUp hands c the messages of cur's room after the last one it got, at
// most SyncLimit of them.
func (c *conn) catchUp(ctx context.Context, cur store.RoomCursor) error {
	h := c.hub
	from, ok := c.position(cur.RoomID, cur.LastAck)
	if !ok {
		return nil
	}
	for sent := 0; from < cur.LastSeq && sent < h.cfg.SyncLimit; {
		page, err := h.store.RoomMessagesBetween(ctx, c.tenantID, cur.RoomID, from, cur.LastSeq+1, store.MaxMessagesLimit)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		for i := range page {
			m := &page[i]
			if c.blocks(m.SenderID) {
				from = m.Seq
				continue
			}
			if c.sendMessage(cur.RoomID, m.Seq, mustEncode(newMessageFrame(event.MessageCreated, m))) && m.SenderID != c.userID {
				c.trackMessages(cur.RoomID, m.Seq, m.Seq)
			}
			from = m.Seq
			sent++
		}
	}
	return nil
}

// resendNotification hands c a pending notification it is not retrying.
func (c *conn) resendNotification(n *store.Notification) {
	c.rmu.Lock()
	tracked := c.retry.tracking(n.ID)
	c.rmu.Unlock()
	if tracked {
		return
	}
	frame := mustEncode(newNotificationFrame(n))
	c.enqueue(frame)
	c.trackNotification(n.ID, frame)
}
