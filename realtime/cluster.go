package realtime

import (
	"context"
	"time"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/store"
)

// Several instances on one database. Every event an instance originates
// (from a REST handler or a WebSocket client) is delivered to its own
// connections and handed to Config.Cluster, which carries it to the other
// instances; theirs arrive through Deliver. Presence is kept where the
// instances share it (Config.Presence) so that a user counts as online while
// any live instance holds a connection of theirs; RunCluster heartbeats this
// instance and announces offline the users of instances that died without a
// word. A single instance runs the same code over the in-process bus and
// presence of package membus, where no other instance ever shows.

// Broadcaster carries this instance's events to the other instances. It
// must not deliver them here, and must not block on slow receivers; each
// publisher's events reach the others in the order it broadcast them.
// pgbus.Bus and membus.Bus implement it; realtime/bustest is their suite.
type Broadcaster interface {
	Broadcast(ctx context.Context, e event.Event)
}

// PresenceStore keeps who is connected on which instance, and which
// instances are alive, where the instances share it: store.Store in the
// database, membus.Presence in this process. realtime/presencetest is
// their suite.
type PresenceStore interface {
	Heartbeat(ctx context.Context, instanceID string) (revived bool, err error)
	SetConnected(ctx context.Context, instanceID, tenantID, userID string, liveSince time.Time) (elsewhere bool, err error)
	SetDisconnected(ctx context.Context, instanceID, tenantID, userID string, lastSeen time.Time) error
	Presence(ctx context.Context, tenantID string, userIDs []string, liveSince time.Time) ([]store.UserPresence, error)
	ReapInstances(ctx context.Context, deadBefore time.Time) ([]store.GoneUser, error)
	RetireInstance(ctx context.Context, instanceID string, lastBeat time.Time) error
}

// ClusterConfig places the hub among several instances; see Config.
type ClusterConfig struct {
	// InstanceID names this instance; unique among the live ones.
	InstanceID string
	// Heartbeat is how often the instance proves it is alive [2s].
	Heartbeat time.Duration
	// InstanceTimeout is how long an instance may stay silent before the
	// others take it for dead and announce its users offline [10s].
	InstanceTimeout time.Duration
}

func (c *ClusterConfig) defaults() {
	if c.Heartbeat <= 0 {
		c.Heartbeat = 2 * time.Second
	}
	if c.InstanceTimeout <= 0 {
		c.InstanceTimeout = 10 * time.Second
	}
}

// Publish delivers e to the connections it concerns on this instance and,
// in a cluster, on every other instance. Server handlers call it for their
// changes; the hub for its clients' events. Read and delivery receipts
// cross to the other instances coalesced, one Receipts event per room and
// receipts flush (see receipts.go), not one per ack or delivered.
func (h *Hub) Publish(ctx context.Context, e event.Event) {
	h.Deliver(ctx, e)
	switch e.Type {
	case event.AckReceived, event.DeliveryReceived:
		h.receipts.outbound(e)
	default:
		h.cfg.Cluster.Broadcast(ctx, e)
	}
}

// deliverPresence tells the connections of the users who share a room with
// e's user, on this instance, that the user is now e.Status. rooms are the
// user's rooms when the caller has just read them, else nil.
func (h *Hub) deliverPresence(ctx context.Context, e event.Event, rooms []store.RoomCursor) {
	var peers []string
	var err error
	if rooms == nil {
		peers, err = h.presencePeers(ctx, e.TenantID, e.UserID)
	} else {
		peers, err = h.roomsPeers(ctx, e.TenantID, rooms)
	}
	if err != nil {
		if ctx.Err() == nil {
			h.cfg.Logger.Error("realtime: presence peers", "tenant_id", e.TenantID, "user_id", e.UserID, "error", err)
		}
		return
	}
	h.presenceTo(e, peers)
}

// liveSince is the oldest heartbeat of an instance still taken for alive.
func (h *Hub) liveSince() time.Time {
	return time.Now().Add(-h.cfg.Instance.InstanceTimeout)
}

// PresenceOf answers GET /presence: what this instance knows, and what the
// presence store knows of the others.
func (h *Hub) PresenceOf(ctx context.Context, tenantID string, userIDs []string) ([]PresenceInfo, error) {
	local := h.Presence(tenantID, userIDs)
	shared, err := h.cfg.Presence.Presence(ctx, tenantID, userIDs, h.liveSince())
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	for i := range local {
		in, sh := &local[i], shared[i]
		switch {
		case in.Online:
			// Connected here, or in the grace after: this instance knows best.
		case sh.Online:
			in.Online, in.LastSeen = true, &now
		case sh.LastSeen != nil && (in.LastSeen == nil || sh.LastSeen.After(*in.LastSeen)):
			in.LastSeen = sh.LastSeen
		}
	}
	return local, nil
}

// RunCluster heartbeats this instance and, every heartbeat, takes the
// instances silent for longer than InstanceTimeout for dead: their users no
// longer connected anywhere are announced offline. It returns when ctx
// ends, after retiring this instance.
func (h *Hub) RunCluster(ctx context.Context) error {
	ps := h.cfg.Presence
	id := h.cfg.Instance.InstanceID
	defer func() {
		// A clean stop: the others take this instance for dead after the
		// presence grace rather than the whole timeout. Its clients,
		// told to reconnect, stay online if they do so elsewhere meanwhile;
		// the others are announced offline.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.cfg.WriteTimeout)
		defer cancel()
		lastBeat := time.Now().Add(-h.cfg.Instance.InstanceTimeout + h.cfg.PresenceGrace)
		if err := ps.RetireInstance(rctx, id, lastBeat); err != nil {
			h.cfg.Logger.Warn("realtime: retire instance", "instance", id, "error", err)
		}
	}()
	tick := time.NewTicker(h.cfg.Instance.Heartbeat)
	defer tick.Stop()
	// reapAfter: after the database was unreachable (from here), every
	// instance's heartbeat looks overdue; others are judged only once this
	// one has beaten for a whole InstanceTimeout again, so have they.
	var reapAfter time.Time
	for {
		if !h.clusterBeat(ctx, ps, id, reapAfter) {
			reapAfter = time.Time{}
		} else if reapAfter.IsZero() {
			reapAfter = time.Now().Add(h.cfg.Instance.InstanceTimeout)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// clusterBeat heartbeats, and reaps dead instances once reapAfter (set)
// has passed; it reports whether the heartbeat went through.
func (h *Hub) clusterBeat(ctx context.Context, ps PresenceStore, id string, reapAfter time.Time) bool {
	ctx, cancel := context.WithTimeout(ctx, h.cfg.Instance.Heartbeat+h.cfg.WriteTimeout)
	defer cancel()
	revived, err := ps.Heartbeat(ctx, id)
	if err != nil {
		if ctx.Err() == nil {
			h.cfg.Logger.Warn("realtime: heartbeat", "instance", id, "error", err)
		}
		return false
	}
	if revived {
		// New, or taken for dead while it could not reach the database: its
		// connected users are recorded again.
		for _, k := range h.connectedUsers() {
			if _, err := ps.SetConnected(ctx, id, k.tenantID, k.userID, h.liveSince()); err != nil {
				h.cfg.Logger.Warn("realtime: record presence", "tenant_id", k.tenantID, "user_id", k.userID, "error", err)
			}
		}
	}
	if reapAfter.IsZero() || time.Now().Before(reapAfter) {
		return true
	}
	gone, err := ps.ReapInstances(ctx, h.liveSince())
	if err != nil {
		if ctx.Err() == nil {
			h.cfg.Logger.Warn("realtime: reap instances", "error", err)
		}
		return true
	}
	for _, g := range gone {
		h.Publish(ctx, event.ForPresence(g.TenantID, g.UserID, "offline", g.LastSeen))
	}
	return true
}

// connectedUsers lists the users with a connection on this instance.
func (h *Hub) connectedUsers() []userKey {
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make([]userKey, 0, len(h.users))
	for k := range h.users {
		out = append(out, k)
	}
	return out
}
