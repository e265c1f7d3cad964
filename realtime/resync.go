package realtime

import (
	"context"
	"sync"

	"github.com/coder/websocket"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/store"
)

// Each connection remembers, per room, the highest message seq it was
// handed (by the connect-time sync or live). A live message at or below it
// is not sent again, so the paths that can hand the same message to a
// connection (the live stream, the sequencer's gap fill, the connect-time
// sync overlapping live events, a resync after the cluster bus lost
// events) never duplicate a seq on the wire, nor reorder a room. While the
// connect-time sync runs, live messages wait here and those the sync
// covered are dropped when it ends.

// messageCursor is a connection's message position per room.
type messageCursor struct {
	// mu is taken before conn.mu (enqueue), never after.
	mu   sync.Mutex
	live bool // false while the connect-time sync runs
	got  map[string]int64
	held []heldMessage
}

type heldMessage struct {
	roomID string
	seq    int64
	frame  []byte
}

// sendMessage queues the message event seq of roomID unless c was handed it
// (or a later one) already; it reports whether it queued it.
func (c *conn) sendMessage(roomID string, seq int64, frame []byte) bool {
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
		m.held = append(m.held, heldMessage{roomID, seq, frame})
		return true
	}
	return m.sendLocked(c, roomID, seq, frame)
}

func (m *messageCursor) sendLocked(c *conn, roomID string, seq int64, frame []byte) bool {
	if seq <= m.got[roomID] {
		return false
	}
	if m.got == nil {
		m.got = make(map[string]int64)
	}
	m.got[roomID] = seq
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

// goLive ends the connect-time sync: the live messages that waited are
// queued, but for those the sync handed over already.
func (c *conn) goLive() {
	m := &c.msgs
	m.mu.Lock()
	defer m.mu.Unlock()
	m.live = true
	for _, hm := range m.held {
		m.sendLocked(c, hm.roomID, hm.seq, hm.frame)
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
