package realtime

import (
	"context"
	"sync"
	"time"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/membus"
	"github.com/chatapi/chatapi/store"
)

// PresenceInfo is what this instance knows of a user's presence.
type PresenceInfo struct {
	UserID string
	// Online is true from the user's first connection until offline is
	// announced: while connected, and during the grace after the last
	// connection closed.
	Online bool
	// LastSeen is now while connected, the time the last connection closed
	// after that, and nil for a user this instance never saw.
	LastSeen *time.Time
}

type presenceFrame struct {
	Type     string     `json:"type"`
	UserID   string     `json:"user_id"`
	Status   string     `json:"status"`
	LastSeen *time.Time `json:"last_seen"`
}

// presence is one user's presence on this instance, guarded by hub.mu
// except announcing.
type presence struct {
	conns    int       // open connections
	online   bool      // online was announced and offline not yet
	lastSeen time.Time // when the last connection closed
	// decision numbers every change of online; an announcement that is no
	// longer the latest decision is skipped, so a late offline cannot follow
	// the online of a reconnect.
	decision uint64
	// expiry announces offline after the grace; nil while connected.
	expiry *time.Timer
	// announcing serializes the user's announcements, held across the
	// check of decision and the delivery.
	announcing sync.Mutex
}

// connectedLocked records a new connection of k and returns k's presence;
// came, with the decision to announce, when the user just came online.
// h.mu is held.
func (h *Hub) connectedLocked(k userKey) (p *presence, decision uint64, came bool) {
	p = h.presence[k]
	if p == nil {
		p = &presence{}
		h.presence[k] = p
	}
	p.conns++
	if p.conns > 1 {
		return p, 0, false
	}
	// A new decision even on a reconnect within the grace: an expiry timer
	// that fires anyway finds its decision stale.
	p.decision++
	if p.expiry != nil {
		p.expiry.Stop()
		p.expiry = nil
	}
	if p.online {
		return p, 0, false
	}
	p.online = true
	return p, p.decision, true
}

// disconnectedLocked records the end of a connection of k and, after its
// last one, starts the grace. h.mu is held.
func (h *Hub) disconnectedLocked(k userKey) {
	p := h.presence[k]
	if p == nil {
		return
	}
	p.conns--
	if p.conns > 0 {
		return
	}
	p.lastSeen = time.Now().UTC()
	if h.closed {
		return // the instance is going away; its presence goes with it
	}
	decision := p.decision
	p.expiry = time.AfterFunc(h.cfg.PresenceGrace, func() { h.expirePresence(k, p, decision) })
}

// presenceExpiries is how many users' offline announcements run at once.
// Each is a few store statements; the users of a closed load balancer or
// a restarted client fleet reach the end of their grace together, and
// hundreds at once held every connection of the store's pool for a second
// while sends waited for one.
const presenceExpiries = 2

// expirePresence announces offline unless the user reconnected since.
func (h *Hub) expirePresence(k userKey, p *presence, decision uint64) {
	if !h.bg.enter() {
		return
	}
	defer h.bg.leave()
	h.mu.Lock()
	if h.presence[k] != p || p.decision != decision || p.conns > 0 || !p.online {
		h.mu.Unlock()
		return
	}
	p.online = false
	p.expiry = nil
	p.decision++
	decision = p.decision
	lastSeen := p.lastSeen
	h.forgetOfflineLocked()
	h.mu.Unlock()
	// The slot bounds the store work, not the state change above: a
	// reconnect meanwhile makes this announcement stale, and
	// announcePresence skips it.
	h.expiries <- struct{}{}
	defer func() { <-h.expiries }()
	ctx, cancel := context.WithTimeout(context.Background(), h.cfg.WriteTimeout)
	defer cancel()
	h.announcePresence(ctx, k, p, decision, "offline", lastSeen, nil)
}

// forgetOfflineLocked bounds what the hub remembers of users gone offline
// to PresenceMemory, by the rule of membus.LongestGone. h.mu is held.
func (h *Hub) forgetOfflineLocked() {
	limit := h.cfg.PresenceMemory
	// Every connected user has an entry; so may users in their grace. A
	// cheap bound first: no sweep while the map could hold no more than
	// limit users gone offline.
	if len(h.presence)-len(h.users) <= limit {
		return
	}
	offline := make(map[userKey]time.Time)
	for k, p := range h.presence {
		if p.conns == 0 && !p.online {
			offline[k] = p.lastSeen
		}
	}
	for _, k := range membus.LongestGone(offline, limit) {
		delete(h.presence, k)
	}
}

// cameOnline follows the registration of a connection of k, whose presence
// is p: it records the connection in the presence store, and when came is
// set (the user's first connection here) it announces online, unless
// another instance holds the user already. rooms, when not nil, are the
// user's rooms as the connect's sync has just read them: the announcement
// here goes to their members without reading them again (see
// announcePresence).
func (h *Hub) cameOnline(ctx context.Context, k userKey, p *presence, decision uint64, came bool, rooms []store.RoomCursor) {
	// Under announcing, so that the removal of an expiring grace cannot
	// land after this record.
	p.announcing.Lock()
	elsewhere, err := h.cfg.Presence.SetConnected(ctx, h.cfg.Instance.InstanceID, k.tenantID, k.userID, h.liveSince())
	p.announcing.Unlock()
	if err != nil {
		if ctx.Err() == nil {
			h.cfg.Logger.Error("realtime: record presence", "tenant_id", k.tenantID, "user_id", k.userID, "error", err)
		}
		return
	}
	if came && !elsewhere {
		h.announcePresence(ctx, k, p, decision, "online", time.Now().UTC(), rooms)
	}
}

// announcePresence publishes that k's user is now status, unless a later
// decision superseded this one. Offline first removes this instance's
// record from the presence store and is not announced while another
// instance holds the user. With rooms (the user's, not nil) the
// announcement is delivered here to their members, as Publish would after
// reading the user's rooms (presencePeers), and broadcast to the other
// instances as Publish does: a connect's sync reads the rooms anyway, and
// reading them twice was a sixth of the server's CPU while 10,000 clients
// connected.
func (h *Hub) announcePresence(ctx context.Context, k userKey, p *presence, decision uint64, status string, lastSeen time.Time, rooms []store.RoomCursor) {
	p.announcing.Lock()
	defer p.announcing.Unlock()
	h.mu.RLock()
	latest := p.decision == decision
	h.mu.RUnlock()
	if !latest {
		return
	}
	if ps := h.cfg.Presence; status == "offline" {
		if err := ps.SetDisconnected(ctx, h.cfg.Instance.InstanceID, k.tenantID, k.userID, lastSeen); err != nil {
			h.cfg.Logger.Error("realtime: record presence", "tenant_id", k.tenantID, "user_id", k.userID, "error", err)
			return
		}
		shared, err := ps.Presence(ctx, k.tenantID, []string{k.userID}, h.liveSince())
		if err != nil {
			h.cfg.Logger.Error("realtime: read presence", "tenant_id", k.tenantID, "user_id", k.userID, "error", err)
			return
		}
		if shared[0].Online {
			return // still connected through another instance
		}
	}
	e := event.ForPresence(k.tenantID, k.userID, status, lastSeen)
	h.deliverPresence(ctx, e, rooms)
	h.cfg.Cluster.Broadcast(ctx, e)
}

// presenceQueue hands the presence changes Deliver gets (other instances'
// through the bus, and those of the users of instances found dead) to one
// goroutine, in the order they came, so that the bus goes on delivering
// room events while the peers of each change are read: a change costs
// store reads (presencePeers), and the offline changes of hundreds of
// users, one after another on the bus's goroutine, held another
// instance's messages back for over a second. This instance's own
// announcements are delivered by their announcer, under the user's
// announcing lock, as before.
type presenceQueue struct {
	mu      sync.Mutex
	pending []event.Event
	running bool
}

// deliverPresenceLater queues e for deliverPresence. The goroutine that
// drains the queue runs while it holds changes; once the hub stops, new
// ones are dropped, as nobody is left to tell.
func (h *Hub) deliverPresenceLater(e event.Event) {
	q := &h.presenceIn
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.running {
		if !h.bg.enter() {
			return
		}
		q.running = true
		go h.drainPresence()
	}
	q.pending = append(q.pending, e)
}

// drainPresence delivers the queued presence changes in order until the
// queue is empty; it runs as one of h.bg's tasks. It takes the whole queue
// at a time, as a connection's drain does: what comes meanwhile waits for
// the next round, behind it.
func (h *Hub) drainPresence() {
	defer h.bg.leave()
	q := &h.presenceIn
	for {
		q.mu.Lock()
		batch := q.pending
		q.pending = nil
		if len(batch) == 0 {
			q.running = false
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
		for _, e := range batch {
			ctx, cancel := context.WithTimeout(context.Background(), h.cfg.WriteTimeout)
			h.deliverPresence(ctx, e, nil)
			cancel()
		}
	}
}

// presenceTo tells the connections here of peers (but not e's user's own)
// that e's user is now e.Status.
func (h *Hub) presenceTo(e event.Event, peers []string) {
	to := h.recipients(e.TenantID, peers, "", e.UserID)
	if len(to) == 0 {
		return
	}
	frame := mustEncode(presenceFrame{Type: "presence.update", UserID: e.UserID, Status: e.Status, LastSeen: e.LastSeen})
	for _, c := range to {
		c.sendPresence(frame)
	}
}

// Presence returns, in the order of userIDs, what this instance knows of
// each user's presence in tenantID.
func (h *Hub) Presence(tenantID string, userIDs []string) []PresenceInfo {
	now := time.Now().UTC()
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make([]PresenceInfo, len(userIDs))
	for i, u := range userIDs {
		out[i].UserID = u
		p := h.presence[userKey{tenantID, u}]
		switch {
		case p == nil:
		case p.conns > 0:
			out[i].Online = true
			out[i].LastSeen = &now
		default:
			seen := p.lastSeen
			out[i].Online = p.online
			out[i].LastSeen = &seen
		}
	}
	return out
}

// stopPresence cancels the pending offline announcements, for Shutdown.
func (h *Hub) stopPresence() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, p := range h.presence {
		if p.expiry != nil {
			p.expiry.Stop()
			p.expiry = nil
		}
	}
}

// Presence frames per connection. A user's presence goes to everyone who
// shares a room with them, so a thousand members of one room connecting at
// once are a million presence.update frames, a write each, when each
// connection gets one per change. A connection therefore gets changes as
// they happen up to PresenceBurst within PresenceInterval; past that, while
// changes keep coming, those held meanwhile go out together as one
// presence.batch per interval, until an interval passes without a change.
// A storm of T seconds costs each connection at most PresenceBurst +
// T/PresenceInterval + 1 presence frames, whatever the room's size. The
// updates are the presence.update frames themselves, encoded once per
// change for all recipients; a batch only joins them.

// presenceOut is a connection's presence run: from its first change until
// an interval passes without one. An idle connection has none.
type presenceOut struct {
	sent  int      // frames sent at once in this run
	held  [][]byte // presence.update frames waiting for the interval's end
	timer *time.Timer
}

// sendPresence hands c one presence.update frame: at once, or held for the
// interval's presence.batch. Frames are queued outside c.mu (enqueueEphemeral
// takes it); the order still holds: a user's announcements follow each
// other (presence.announcing), and held frames go out an interval later.
func (c *conn) sendPresence(frame []byte) {
	c.mu.Lock()
	if c.closing.Load() {
		c.mu.Unlock()
		return
	}
	p := c.presence
	if p == nil {
		p = &presenceOut{timer: time.AfterFunc(c.hub.cfg.PresenceInterval, c.flushPresence)}
		c.presence = p
	}
	if p.sent >= c.hub.cfg.PresenceBurst || len(p.held) > 0 {
		p.held = append(p.held, frame)
		c.mu.Unlock()
		return
	}
	p.sent++
	c.mu.Unlock()
	c.enqueueEphemeral(frame)
}

// flushPresence ends an interval of c's presence run: the frames held go
// out as one (a presence.batch when there are several) and the run goes on;
// an interval without a change ends it. It runs in the timer's goroutine,
// joined by the read loop like the writer.
func (c *conn) flushPresence() {
	if !c.enterTimer() {
		return
	}
	defer c.wg.Done()
	c.mu.Lock()
	p := c.presence
	held := p.held
	p.held = nil
	if len(held) == 0 {
		c.presence = nil
	} else {
		p.timer.Reset(c.hub.cfg.PresenceInterval)
	}
	c.mu.Unlock()
	switch len(held) {
	case 0:
	case 1:
		c.enqueueEphemeral(held[0])
	default:
		c.enqueueEphemeral(presenceBatch(held))
	}
}

// presenceBatch is the presence.batch of the presence.update frames updates.
func presenceBatch(updates [][]byte) []byte {
	const head, tail = `{"type":"presence.batch","updates":[`, `]}`
	n := len(head) + len(tail) + len(updates)
	for _, u := range updates {
		n += len(u)
	}
	b := make([]byte, 0, n)
	b = append(b, head...)
	for i, u := range updates {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, u...)
	}
	return append(b, tail...)
}

// presencePeers returns the members of userID's rooms, userID among them
// and some more than once (recipients leaves them out): the user's rooms,
// then each room's members, as a message's fan-out reads them
// (RoomMemberIDs, which the SQLite store keeps cached). One query that
// joined the memberships and sorted the distinct peers was 62 % of the
// server's CPU when a thousand members of one room connected at once: a
// thousand rows sorted per connect.
func (h *Hub) presencePeers(ctx context.Context, tenantID, userID string) ([]string, error) {
	rooms, err := h.store.MemberCursors(ctx, tenantID, userID)
	if err != nil {
		return nil, err
	}
	return h.roomsPeers(ctx, tenantID, rooms)
}

// roomsPeers returns the members of rooms, as presencePeers does.
func (h *Hub) roomsPeers(ctx context.Context, tenantID string, rooms []store.RoomCursor) ([]string, error) {
	var peers []string
	for _, r := range rooms {
		ids, err := h.store.RoomMemberIDs(ctx, tenantID, r.RoomID)
		if err != nil {
			return nil, err
		}
		if len(rooms) == 1 {
			return ids, nil // the store's slice, read only
		}
		peers = append(peers, ids...)
	}
	return peers, nil
}
