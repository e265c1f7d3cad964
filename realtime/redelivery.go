package realtime

import (
	"context"
	"time"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/store"
)

// Redelivery. What a connection was sent and its client has not confirmed
// is sent again after AckTimeout, then after twice as long, and so on; after
// RetryMaxAttempts deliveries it is dead-lettered and no longer retried on
// this connection (it stays owed: the next connect-time sync sends it).
//
// Messages are confirmed per room and cumulatively, by the connection's own
// `delivered` or by an `ack` of its user from any device (reading implies
// receipt), never by reading alone: a client that confirms what it received
// is never sent it again, however long its user leaves the room unread. So
// a room's state is a range, not a row per message: the oldest unconfirmed
// seq and the highest delivered. Notifications are acked one by one; a connection tracks at most
// maxTrackedNotifications of them (the rest wait for the next sync). One
// time.AfterFunc timer per connection, armed for the earliest due retry.

// maxTrackedNotifications bounds the notifications a connection retries.
const maxTrackedNotifications = 256

// attempt counts the deliveries of something owed and when the next is due.
type attempt struct {
	attempts int // deliveries so far
	due      time.Time
}

// step is one retry timer visit to something due: it gives up (dead) after
// max deliveries, or counts one more and schedules the next. The attempts
// returned are those the delivery now made counts as.
func (a *attempt) step(now time.Time, max int, backoff func(int) time.Duration) (attempts int, dead bool) {
	if a.attempts >= max {
		return a.attempts, true
	}
	a.attempts++
	a.due = now.Add(backoff(a.attempts))
	return a.attempts, false
}

// roomDelivery is what a connection owes its user in one room.
type roomDelivery struct {
	attempt
	oldest    int64 // oldest seq delivered and not acked
	delivered int64 // highest seq delivered
}

type pendingNotification struct {
	attempt
	frame []byte
}

// retryState is a connection's redelivery bookkeeping, guarded by conn.rmu.
// A connection makes it when it is first handed something owed, so one that
// is only ever idle does not carry it.
type retryState struct {
	rooms map[string]*roomDelivery
	notes map[string]*pendingNotification
	timer Timer
	at    time.Time // when timer fires; zero when not armed
}

// backoff is the wait after the attempts-th delivery.
func (h *Hub) backoff(attempts int) time.Duration {
	return h.cfg.AckTimeout << min(attempts-1, 20)
}

// retryLocked returns c's redelivery state, made on first use. c.rmu is held.
func (c *conn) retryLocked() *retryState {
	if c.retry == nil {
		c.retry = &retryState{}
	}
	return c.retry
}

// tracking reports whether notification id waits for its ack; r may be nil.
func (r *retryState) tracking(id string) bool {
	if r == nil {
		return false
	}
	_, ok := r.notes[id]
	return ok
}

// trackMessages records that seqs from..to of roomID were delivered to c.
func (c *conn) trackMessages(roomID string, from, to int64) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	c.retryLocked()
	if c.retry.rooms == nil {
		c.retry.rooms = make(map[string]*roomDelivery)
	}
	rd := c.retry.rooms[roomID]
	if rd == nil {
		rd = &roomDelivery{oldest: from, delivered: to, attempt: attempt{attempts: 1, due: c.hub.cfg.Clock.Now().Add(c.hub.cfg.AckTimeout)}}
		c.retry.rooms[roomID] = rd
		c.armLocked(rd.due)
		return
	}
	rd.oldest = min(rd.oldest, from)
	rd.delivered = max(rd.delivered, to)
}

// receivedMessages records that c's client has everything of roomID up to
// seq: its user's read cursor (an ack from any of their devices, reading
// implies receipt) or its own delivered cursor.
func (c *conn) receivedMessages(roomID string, seq int64) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	if c.retry == nil {
		return
	}
	rd := c.retry.rooms[roomID]
	switch {
	case rd == nil || seq < rd.oldest:
	case seq >= rd.delivered:
		delete(c.retry.rooms, roomID)
	default:
		// Progress: what is left starts a fresh count.
		rd.oldest, rd.attempts = seq+1, 1
		rd.due = c.hub.cfg.Clock.Now().Add(c.hub.cfg.AckTimeout)
		c.armLocked(rd.due)
	}
}

// trackNotification records that frame, notification id, was delivered to c.
func (c *conn) trackNotification(id string, frame []byte) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	c.retryLocked()
	if c.retry.notes == nil {
		c.retry.notes = make(map[string]*pendingNotification)
	}
	if _, ok := c.retry.notes[id]; ok || len(c.retry.notes) >= maxTrackedNotifications {
		return
	}
	p := &pendingNotification{frame: frame, attempt: attempt{attempts: 1, due: c.hub.cfg.Clock.Now().Add(c.hub.cfg.AckTimeout)}}
	c.retry.notes[id] = p
	c.armLocked(p.due)
}

func (c *conn) ackedNotification(id string) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	if c.retry != nil {
		delete(c.retry.notes, id)
	}
}

// armLocked makes the timer fire by at. c.rmu is held.
func (c *conn) armLocked(at time.Time) {
	if !c.retry.at.IsZero() && !at.Before(c.retry.at) {
		return
	}
	c.retry.at = at
	d := max(at.Sub(c.hub.cfg.Clock.Now()), time.Millisecond)
	if c.retry.timer == nil {
		c.retry.timer = c.hub.cfg.Clock.AfterFunc(d, c.redeliver)
		return
	}
	c.retry.timer.Reset(d)
}

type dueRange struct {
	roomID   string
	from, to int64
	attempts int
	dead     bool
}

type dueNotification struct {
	id       string
	frame    []byte
	attempts int
	dead     bool
}

// redeliver sends what is due again, or dead-letters it, and re-arms the
// timer for the next due retry. It runs in the timer's goroutine, joined by
// run like the writer.
func (c *conn) redeliver() {
	if !c.enterTimer() {
		return
	}
	defer c.wg.Done()

	h := c.hub
	now := h.cfg.Clock.Now()
	var rooms []dueRange
	var notes []dueNotification
	c.rmu.Lock()
	if c.retry == nil { // the timer exists only once the state does
		c.rmu.Unlock()
		return
	}
	c.retry.at = time.Time{}
	var next time.Time
	later := func(t time.Time) {
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	for id, rd := range c.retry.rooms {
		if rd.due.After(now) {
			later(rd.due)
			continue
		}
		d := dueRange{roomID: id, from: rd.oldest, to: rd.delivered}
		if d.attempts, d.dead = rd.step(now, h.cfg.RetryMaxAttempts, h.backoff); d.dead {
			delete(c.retry.rooms, id)
		} else {
			later(rd.due)
		}
		rooms = append(rooms, d)
	}
	for id, p := range c.retry.notes {
		if p.due.After(now) {
			later(p.due)
			continue
		}
		d := dueNotification{id: id, frame: p.frame}
		if d.attempts, d.dead = p.step(now, h.cfg.RetryMaxAttempts, h.backoff); d.dead {
			delete(c.retry.notes, id)
		} else {
			later(p.due)
		}
		notes = append(notes, d)
	}
	if !next.IsZero() {
		c.armLocked(next)
	}
	c.rmu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), h.cfg.WriteTimeout)
	defer cancel()
	for _, d := range rooms {
		msgs, err := h.store.RoomMessagesBetween(ctx, c.tenantID, d.roomID, d.from-1, d.to+1, store.MaxMessagesLimit)
		if err != nil {
			h.cfg.Logger.Error("realtime: redeliver messages", "tenant_id", c.tenantID, "room_id", d.roomID, "user_id", c.userID, "error", err)
			continue
		}
		for i := range msgs {
			m := &msgs[i]
			if c.blocks(m.SenderID) {
				continue
			}
			if !d.dead {
				c.enqueue(mustEncode(newMessageFrame(event.MessageCreated, m)))
				continue
			}
			if err := h.store.RecordFailedMessage(ctx, store.FailedMessage{
				TenantID: c.tenantID, MessageID: m.ID, RoomID: d.roomID, UserID: c.userID,
				Attempts: d.attempts, LastAttemptAt: now, Error: "not acknowledged",
			}); err != nil {
				h.cfg.Logger.Error("realtime: dead-letter message", "tenant_id", c.tenantID, "message_id", m.ID, "error", err)
			}
		}
	}
	for _, d := range notes {
		if !d.dead {
			c.enqueue(d.frame)
			continue
		}
		if err := h.store.RecordFailedNotification(ctx, store.FailedNotification{
			TenantID: c.tenantID, NotificationID: d.id, UserID: c.userID,
			Attempts: d.attempts, LastAttemptAt: now, Error: "not acknowledged",
		}); err != nil {
			h.cfg.Logger.Error("realtime: dead-letter notification", "tenant_id", c.tenantID, "notification_id", d.id, "error", err)
		}
	}
}

// stopRedelivery cancels c's timer; c is closing.
func (c *conn) stopRedelivery() {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	if c.retry != nil && c.retry.timer != nil {
		c.retry.timer.Stop()
	}
}

// owing are those of members (a room's members' connections) that must ack
// a message of sender: all but the sender's own.
func owing(members []*conn, sender string) []*conn {
	track := make([]*conn, 0, len(members))
	for _, c := range members {
		if c.userID != sender {
			track = append(track, c)
		}
	}
	return track
}

// acked applies a user's read cursor to their connections on this
// instance: their redelivery, and the ack.received that tells each device
// the user's read cursor.
func (h *Hub) acked(tenantID, userID, roomID string, seq int64) {
	conns := h.userConns(tenantID, userID)
	if len(conns) == 0 {
		return
	}
	frame := mustEncode(ackReceivedFrame{Type: string(event.AckReceived), RoomID: roomID, Seq: seq, UserID: userID})
	for _, c := range conns {
		c.receivedMessages(roomID, seq)
		c.enqueue(frame)
	}
}

// NotificationAcked stops the redelivery of a notification to userID's
// connections on this instance. The hub calls it for notification.ack
// events; call it after an ack over REST.
func (h *Hub) NotificationAcked(tenantID, userID, notificationID string) {
	for _, c := range h.userConns(tenantID, userID) {
		c.ackedNotification(notificationID)
	}
}
