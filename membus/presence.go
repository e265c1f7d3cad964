package membus

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/chatapi/chatapi/store"
)

// PresenceConfig tunes a Presence; zero fields take the defaults in brackets.
type PresenceConfig struct {
	// Memory is how many users gone offline Presence remembers, for their
	// last_seen [50,000]. Past it, the longest gone are forgotten, as the
	// hub's own memory (realtime.Config.PresenceMemory) does.
	Memory int
	// Now is the clock of heartbeats [time.Now].
	Now func() time.Time
}

// Presence keeps who is connected on which instance, and which instances
// are alive, in this process: the in-process counterpart of the store's
// presence tables, with the same semantics (see store.Store.Heartbeat and
// what follows it). It is safe for concurrent use.
type Presence struct {
	cfg PresenceConfig

	mu sync.Mutex
	// instances holds each instance's last heartbeat.
	instances map[string]time.Time
	// conns holds, per user, the instances holding a connection of theirs:
	// a slice, as a user is on one instance or a few, and a one-entry map
	// per connected user cost about 200 B more.
	conns map[userKey][]string
	// lastSeen holds when each user's last connection anywhere closed.
	lastSeen map[userKey]time.Time
}

type userKey struct{ tenantID, userID string }

// NewPresence returns an empty Presence.
func NewPresence(cfg PresenceConfig) *Presence {
	if cfg.Memory <= 0 {
		cfg.Memory = 50_000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Presence{
		cfg:       cfg,
		instances: make(map[string]time.Time),
		conns:     make(map[userKey][]string),
		lastSeen:  make(map[userKey]time.Time),
	}
}

// Heartbeat records that instanceID is alive now. revived is true when it
// was unknown: new, or reaped as dead.
func (p *Presence) Heartbeat(_ context.Context, instanceID string) (revived bool, err error) {
	now := p.cfg.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	_, known := p.instances[instanceID]
	p.instances[instanceID] = now
	return !known, nil
}

// SetConnected records that instanceID holds a connection of userID and
// reports whether another instance alive since liveSince holds one too.
func (p *Presence) SetConnected(_ context.Context, instanceID, tenantID, userID string, liveSince time.Time) (elsewhere bool, err error) {
	k := userKey{tenantID, userID}
	p.mu.Lock()
	defer p.mu.Unlock()
	on := p.conns[k]
	if !slices.Contains(on, instanceID) {
		on = append(on, instanceID)
		p.conns[k] = on
	}
	for _, id := range on {
		if id != instanceID && p.aliveLocked(id, liveSince) {
			return true, nil
		}
	}
	return false, nil
}

// SetDisconnected records that instanceID holds no more connections of
// userID, whose last connection there closed at lastSeen.
func (p *Presence) SetDisconnected(_ context.Context, instanceID, tenantID, userID string, lastSeen time.Time) error {
	k := userKey{tenantID, userID}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dropConnLocked(k, instanceID)
	p.touchLocked(k, lastSeen)
	return nil
}

// Presence returns, in the order of userIDs, whether each user of tenantID
// has a connection on an instance alive since liveSince, and when they were
// last seen.
func (p *Presence) Presence(_ context.Context, tenantID string, userIDs []string, liveSince time.Time) ([]store.UserPresence, error) {
	out := make([]store.UserPresence, len(userIDs))
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, u := range userIDs {
		k := userKey{tenantID, u}
		out[i].UserID = u
		out[i].Online = p.onlineLocked(k, liveSince)
		if at, ok := p.lastSeen[k]; ok {
			out[i].LastSeen = &at
		}
	}
	return out, nil
}

// ReapInstances removes the instances whose last heartbeat is before
// deadBefore, with their connections, and returns the users who were
// connected only there (and on no live instance).
func (p *Presence) ReapInstances(_ context.Context, deadBefore time.Time) ([]store.GoneUser, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var gone []store.GoneUser
	for id, beat := range p.instances {
		if !beat.Before(deadBefore) {
			continue
		}
		delete(p.instances, id)
		for k, on := range p.conns {
			if !slices.Contains(on, id) {
				continue
			}
			p.dropConnLocked(k, id)
			p.touchLocked(k, beat)
			if !p.onlineLocked(k, deadBefore) {
				gone = append(gone, store.GoneUser{TenantID: k.tenantID, UserID: k.userID, LastSeen: beat})
			}
		}
	}
	return gone, nil
}

// RetireInstance backdates instanceID's heartbeat to lastBeat at a clean
// stop; it never moves a heartbeat forward.
func (p *Presence) RetireInstance(_ context.Context, instanceID string, lastBeat time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if beat, ok := p.instances[instanceID]; ok && beat.After(lastBeat) {
		p.instances[instanceID] = lastBeat
	}
	return nil
}

func (p *Presence) aliveLocked(instanceID string, liveSince time.Time) bool {
	beat, ok := p.instances[instanceID]
	return ok && !beat.Before(liveSince)
}

func (p *Presence) onlineLocked(k userKey, liveSince time.Time) bool {
	for _, id := range p.conns[k] {
		if p.aliveLocked(id, liveSince) {
			return true
		}
	}
	return false
}

func (p *Presence) dropConnLocked(k userKey, instanceID string) {
	on := slices.DeleteFunc(p.conns[k], func(id string) bool { return id == instanceID })
	if len(on) == 0 {
		delete(p.conns, k)
	} else {
		p.conns[k] = on
	}
}

// touchLocked moves k's last_seen to at, never back, and bounds what is
// remembered of users gone offline (see LongestGone).
func (p *Presence) touchLocked(k userKey, at time.Time) {
	if prev, ok := p.lastSeen[k]; !ok || prev.Before(at) {
		p.lastSeen[k] = at
	}
	limit := p.cfg.Memory
	if len(p.lastSeen)-len(p.conns) <= limit {
		return
	}
	offline := make(map[userKey]time.Time)
	for k, seen := range p.lastSeen {
		if _, on := p.conns[k]; !on {
			offline[k] = seen
		}
	}
	for _, k := range LongestGone(offline, limit) {
		delete(p.lastSeen, k)
	}
}

// LongestGone bounds what is remembered of users gone offline (by when
// they were last seen): when offline holds more than memory users, it
// returns the longest gone, to forget, so many that a quarter of memory is
// free again, so that a caller's sweep of its whole map runs once per
// memory/4 users gone rather than once each. The hub's presence and this
// package's share it.
func LongestGone[K comparable](offline map[K]time.Time, memory int) []K {
	if len(offline) <= memory {
		return nil
	}
	type gone struct {
		k    K
		seen time.Time
	}
	all := make([]gone, 0, len(offline))
	for k, seen := range offline {
		all = append(all, gone{k, seen})
	}
	slices.SortFunc(all, func(a, b gone) int { return a.seen.Compare(b.seen) })
	keep := memory - memory/4
	forget := make([]K, 0, len(all)-keep)
	for _, g := range all[:len(all)-keep] {
		forget = append(forget, g.k)
	}
	return forget
}
