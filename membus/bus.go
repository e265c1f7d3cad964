// Package membus is the in-process counterpart of pgbus and of the store's
// shared presence: a Bus that carries realtime events between the hubs of
// one process, and a Presence that keeps who is connected where in memory.
// A single instance runs on them, so that the hub always has a bus and a
// presence store; with one hub on the bus, a broadcast reaches nobody.
// They pass the same suites as the PostgreSQL implementations
// (realtime/bustest, realtime/presencetest).
package membus

import (
	"context"
	"sync"

	"github.com/chatapi/chatapi/event"
)

// Local is the instance's own delivery, the realtime hub. It is the same
// type as pgbus.Local (an alias of one interface), so that either bus fits
// one interface where the bus is chosen.
type Local = interface {
	// Deliver hands an event of another participant to this instance's
	// clients.
	Deliver(ctx context.Context, e event.Event)
	// Resync catches this instance's clients up from the store after events
	// may have been missed. The in-process bus never misses any.
	Resync(ctx context.Context)
}

// Stats are a bus's counters, the same type as pgbus.Stats. The in-process
// bus neither refuses nor fails to decode, and sends no notifications: its
// counters stay zero.
type Stats = struct {
	// RefusedVersion counts events of another wire version, refused.
	RefusedVersion uint64
	// Undecodable counts events that did not decode.
	Undecodable uint64
	// Sent, SentBytes and Received count notifications between processes
	// (pgbus.Stats).
	Sent, SentBytes, Received uint64
}

// Network joins the buses of one process; a broadcast on one reaches every
// other bus of the network that is running. The zero value is not usable:
// construct with NewNetwork.
type Network struct {
	mu    sync.RWMutex
	buses map[*Bus]struct{}
}

// NewNetwork returns a network without buses.
func NewNetwork() *Network { return &Network{buses: make(map[*Bus]struct{})} }

// Bus returns a new participant of n.
func (n *Network) Bus() *Bus {
	return &Bus{net: n, wake: make(chan struct{}, 1), listening: make(chan struct{})}
}

// New returns a bus alone on its own network: a single instance's.
func New() *Bus { return NewNetwork().Bus() }

// Bus is one participant of a Network. Broadcast may be called before, during
// and after Run; only the events broadcast while a bus runs reach it, as with
// LISTEN on PostgreSQL.
type Bus struct {
	net *Network

	// mu guards queue: the events of the others not yet delivered, in the
	// order they were broadcast. It is unbounded, so that a broadcast never
	// waits for a slow receiver (pgbus has PostgreSQL's notification queue).
	mu    sync.Mutex
	queue []event.Event
	wake  chan struct{}

	listening chan struct{}
	once      sync.Once
}

// Broadcast hands e to every other running bus of the network. It does not
// deliver e here (the hub did), and never blocks on a receiver. Receivers
// get e itself, not a copy: what it points to must not be changed.
func (b *Bus) Broadcast(_ context.Context, e event.Event) {
	b.net.mu.RLock()
	defer b.net.mu.RUnlock()
	for o := range b.net.buses {
		if o != b {
			o.enqueue(e)
		}
	}
}

func (b *Bus) enqueue(e event.Event) {
	b.mu.Lock()
	b.queue = append(b.queue, e)
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// Listening is closed once the bus runs, for tests and readiness.
func (b *Bus) Listening() <-chan struct{} { return b.listening }

// Run delivers the other participants' events to local, each publisher's in
// the order it broadcast them, until ctx ends; then it returns nil.
func (b *Bus) Run(ctx context.Context, local Local) error {
	b.net.mu.Lock()
	b.net.buses[b] = struct{}{}
	b.net.mu.Unlock()
	defer func() {
		b.net.mu.Lock()
		delete(b.net.buses, b)
		b.net.mu.Unlock()
		b.mu.Lock()
		b.queue = nil
		b.mu.Unlock()
	}()
	b.once.Do(func() { close(b.listening) })
	var batch []event.Event
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-b.wake:
		}
		b.mu.Lock()
		batch, b.queue = b.queue, batch[:0]
		b.mu.Unlock()
		for i, e := range batch {
			if ctx.Err() != nil {
				return nil
			}
			local.Deliver(ctx, e)
			batch[i] = event.Event{}
		}
	}
}

// Stats returns the bus's counters: zero.
func (b *Bus) Stats() Stats { return Stats{} }
