// Package pgbus carries realtime events between the instances that share one
// PostgreSQL database, over LISTEN/NOTIFY through lib/pq's reconnecting
// Listener.
//
// Each instance delivers its own events locally (realtime.Hub.Publish) and
// broadcasts them; every instance listens and delivers the events of the
// others to its connections, skipping its own, so each event reaches each
// instance once. An event whose encoding does not fit a notification (8000
// bytes) is stored in event_payloads and the notification carries its id.
//
// Broadcast queues the notification; one publisher sends what queued
// meanwhile in one transaction (Store.NotifyBatch), as the send path's
// group committer does with sends: PostgreSQL commits notifying
// transactions one at a time, server-wide, so one per event would cap every
// instance's events together at one commit each.
// When the listening connection was lost and is back, events may have been
// missed meanwhile: the local hub is told to resync its clients from the
// store.
package pgbus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"

	"github.com/chatapi/chatapi/event"
)

// Store is what the bus needs from the database.
type Store interface {
	EventChannel(ctx context.Context) (string, error)
	MaxNotifyPayload() int
	NotifyBatch(ctx context.Context, channel string, payloads []string) error
	PutEventPayload(ctx context.Context, body []byte) (int64, error)
	EventPayload(ctx context.Context, id int64) ([]byte, error)
	PruneEventPayloads(ctx context.Context, before time.Time) (int64, error)
}

// Local is the instance's own delivery: the realtime hub. It is an alias of
// an interface, the same type as membus.Local, so that either bus fits one
// interface where the bus is chosen.
type Local = interface {
	// Deliver hands an event of another instance to this instance's clients.
	Deliver(ctx context.Context, e event.Event)
	// Resync catches this instance's clients up from the store after events
	// may have been missed.
	Resync(ctx context.Context)
}

// Config tunes the bus; zero fields take the defaults in brackets.
type Config struct {
	// DSN is the PostgreSQL URL the listener connects with (see
	// store.PostgresURL for the connect timeout).
	DSN string
	// InstanceID names this instance in notifications; it must be unique
	// among the instances on the database.
	InstanceID string
	// PublishTimeout bounds how long Broadcast waits for room in a full
	// queue, and how long one batch of notifications may take [2s].
	PublishTimeout time.Duration
	// QueueSize is how many notifications may wait for the publisher
	// [8192]; MaxBatch how many it sends in one transaction [512].
	QueueSize, MaxBatch int
	// DeliverTimeout bounds the store reads of one delivery [10s].
	DeliverTimeout time.Duration
	// MinReconnect and MaxReconnect bound the listener's reconnect backoff
	// [100ms, 2s].
	MinReconnect, MaxReconnect time.Duration
	// PayloadTTL is how long large event bodies are kept [10m].
	PayloadTTL time.Duration
	// Logger receives bus failures [discarded].
	Logger *slog.Logger
}

func (c *Config) defaults() {
	if c.PublishTimeout <= 0 {
		c.PublishTimeout = 2 * time.Second
	}
	if c.QueueSize <= 0 {
		c.QueueSize = 8192
	}
	if c.MaxBatch <= 0 {
		c.MaxBatch = 512
	}
	if c.DeliverTimeout <= 0 {
		c.DeliverTimeout = 10 * time.Second
	}
	if c.MinReconnect <= 0 {
		c.MinReconnect = 100 * time.Millisecond
	}
	if c.MaxReconnect <= 0 {
		c.MaxReconnect = 2 * time.Second
	}
	if c.PayloadTTL <= 0 {
		c.PayloadTTL = 10 * time.Minute
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Bus is one instance's end of the event bus. Construct with New, run with
// Run; Broadcast may be called before Run (what it queues is sent once Run
// starts) and after (what it queues is dropped).
type Bus struct {
	cfg     Config
	store   Store
	channel string
	// prefix starts every notification of this instance (envelopePrefix).
	prefix string

	// queue holds the notifications Broadcast encoded, in its order, for
	// the publisher Run starts.
	queue chan string

	// listening is closed once the first LISTEN is in place.
	listening chan struct{}
	once      sync.Once

	refusedVersion, refused atomic.Uint64
	// notified and notifiedBytes count the notifications this instance
	// sent and their payload bytes; heard those of the others it handled.
	notified, notifiedBytes, heard atomic.Uint64
}

// New prepares a bus over st; it reads the schema's channel name once.
func New(ctx context.Context, cfg Config, st Store) (*Bus, error) {
	cfg.defaults()
	if cfg.InstanceID == "" || cfg.DSN == "" {
		return nil, errors.New("pgbus: DSN and InstanceID are required")
	}
	ch, err := st.EventChannel(ctx)
	if err != nil {
		return nil, fmt.Errorf("pgbus: %w", err)
	}
	return &Bus{cfg: cfg, store: st, channel: ch, prefix: envelopePrefix(cfg.InstanceID),
		listening: make(chan struct{}), queue: make(chan string, cfg.QueueSize)}, nil
}

// Broadcast sends e to the other instances. It does not deliver e here
// (the hub did). It queues e's notification for the publisher, waiting for
// room at most PublishTimeout, and is not cancelled by the end of ctx (a
// request that answered already). Events broadcast one after the other
// reach the others in that order.
func (b *Bus) Broadcast(ctx context.Context, e event.Event) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.PublishTimeout)
	defer cancel()
	payload, err := b.encode(ctx, e)
	if err == nil {
		select {
		case b.queue <- payload:
			return
		default:
		}
		select {
		case b.queue <- payload:
			return
		case <-ctx.Done():
			err = errors.New("publish queue full")
		}
	}
	b.cfg.Logger.Error("pgbus: broadcast", "type", string(e.Type), "tenant_id", e.TenantID, "room_id", e.RoomID, "error", err)
}

// encode is e's notification: the event itself, or, when too large, a
// reference to its body stored meanwhile.
func (b *Bus) encode(ctx context.Context, e event.Event) (string, error) {
	body, err := encodeEvent(e)
	if err != nil {
		return "", err
	}
	payload := inlineNotification(b.prefix, body)
	if len(payload) > b.store.MaxNotifyPayload() {
		id, err := b.store.PutEventPayload(ctx, body)
		if err != nil {
			return "", err
		}
		payload = refNotification(b.prefix, id)
	}
	return payload, nil
}

// publish sends the queued notifications until ctx ends, then what is
// queued still, for at most PublishTimeout more: each time, whatever queued
// while the last batch was sent, in one transaction. At a trickle a batch is
// one event, sent at once; under load batches grow instead of a queue of
// transactions.
func (b *Bus) publish(ctx context.Context) {
	batch := make([]string, 0, b.cfg.MaxBatch)
	for {
		select {
		case p := <-b.queue:
			batch = append(batch, p)
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.PublishTimeout)
			defer cancel()
			b.flush(fctx)
			return
		}
		b.send(ctx, b.more(batch))
		batch = batch[:0]
	}
}

// more adds to batch what is queued, up to MaxBatch, without waiting.
func (b *Bus) more(batch []string) []string {
	for len(batch) < b.cfg.MaxBatch {
		select {
		case p := <-b.queue:
			batch = append(batch, p)
		default:
			return batch
		}
	}
	return batch
}

// flush sends what is queued until none is or ctx ends: at the end of Run,
// whose context ended.
func (b *Bus) flush(ctx context.Context) {
	batch := make([]string, 0, b.cfg.MaxBatch)
	for ctx.Err() == nil {
		if batch = b.more(batch[:0]); len(batch) == 0 {
			return
		}
		b.send(ctx, batch)
	}
}

// send notifies one batch, within PublishTimeout (and ctx's deadline, if
// sooner), even after ctx ended; a batch that fails is logged and dropped,
// as a lost notification would be: the other instances' hubs fill the gap
// of a room from its event log at the room's next event.
func (b *Bus) send(ctx context.Context, batch []string) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.PublishTimeout)
	defer cancel()
	if d, ok := ctx.Deadline(); ok {
		var cancelEarlier context.CancelFunc
		sctx, cancelEarlier = context.WithDeadline(sctx, d)
		defer cancelEarlier()
	}
	if err := b.store.NotifyBatch(sctx, b.channel, batch); err != nil {
		b.cfg.Logger.Error("pgbus: notify", "events", len(batch), "error", err)
		return
	}
	n := 0
	for _, p := range batch {
		n += len(p)
	}
	b.notified.Add(uint64(len(batch)))
	b.notifiedBytes.Add(uint64(n))
}

// Listening is closed once the bus listens, for tests and readiness.
func (b *Bus) Listening() <-chan struct{} { return b.listening }

// Run listens for the other instances' events and delivers them to local
// until ctx ends; it also prunes old event bodies. It returns nil after ctx
// ends, or the error that stopped it from listening at all.
func (b *Bus) Run(ctx context.Context, local Local) error {
	l := pq.NewListener(b.cfg.DSN, b.cfg.MinReconnect, b.cfg.MaxReconnect, func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventDisconnected:
			b.cfg.Logger.Warn("pgbus: listener disconnected; events of other instances wait for the reconnect", "error", err)
		case pq.ListenerEventConnectionAttemptFailed:
			b.cfg.Logger.Debug("pgbus: listener reconnect failed", "error", err)
		}
	})
	defer l.Close()
	// Listen waits for a connection; the end of ctx ends the wait.
	stop := context.AfterFunc(ctx, func() { _ = l.Close() })
	defer stop()
	if err := l.Listen(b.channel); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("pgbus: listen: %w", err)
	}
	b.once.Do(func() { close(b.listening) })
	b.cfg.Logger.Info("pgbus: listening", "instance", b.cfg.InstanceID)
	var publisher sync.WaitGroup
	defer publisher.Wait()
	publisher.Go(func() { b.publish(ctx) })

	prune := time.NewTicker(b.cfg.PayloadTTL / 4)
	defer prune.Stop()
	// A listener that hears nothing pings, so that a dead connection shows.
	const pingEvery = 30 * time.Second
	ping := time.NewTimer(pingEvery)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case n := <-l.NotificationChannel():
			if n != nil {
				b.handle(ctx, local, n.Extra)
				break
			}
			// lib/pq sends nil once it listens again after a reconnect (the
			// ListenerEventReconnected event), ahead of what the new
			// connection hears: what was missed meanwhile is read from the
			// store before the live stream goes on.
			b.cfg.Logger.Info("pgbus: listener reconnected; resyncing clients")
			rctx, cancel := context.WithTimeout(ctx, 2*b.cfg.DeliverTimeout)
			local.Resync(rctx)
			cancel()
		case <-prune.C:
			pctx, cancel := context.WithTimeout(ctx, b.cfg.DeliverTimeout)
			if _, err := b.store.PruneEventPayloads(pctx, time.Now().Add(-b.cfg.PayloadTTL)); err != nil && ctx.Err() == nil {
				b.cfg.Logger.Warn("pgbus: prune event payloads", "error", err)
			}
			cancel()
		case <-ping.C:
			// A broken connection fails the ping, and the listener reconnects.
			_ = l.Ping()
		}
		// Since Go 1.23 Reset leaves no stale tick in ping.C to drain.
		ping.Reset(pingEvery)
	}
}

// handle delivers one notification of another instance.
func (b *Bus) handle(ctx context.Context, local Local, payload string) {
	if strings.HasPrefix(payload, b.prefix) {
		return // delivered here when published
	}
	b.heard.Add(1)
	var n envelope
	if err := json.Unmarshal([]byte(payload), &n); err != nil {
		// Another version's event need not fit this version's wireEvent:
		// its version says which failure this is.
		var head struct {
			V      int    `json:"v"`
			Origin string `json:"o"`
		}
		if json.Unmarshal([]byte(payload), &head) == nil && head.V != WireVersion {
			b.refuseVersion(head.V, head.Origin)
			return
		}
		b.refused.Add(1)
		b.cfg.Logger.Error("pgbus: undecodable notification", "error", err)
		return
	}
	if n.Origin == b.cfg.InstanceID {
		return // delivered here when published
	}
	if n.V != WireVersion {
		b.refuseVersion(n.V, n.Origin)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, b.cfg.DeliverTimeout)
	defer cancel()
	var e event.Event
	switch {
	case n.Ref != 0:
		body, err := b.store.EventPayload(ctx, n.Ref)
		if err != nil {
			b.cfg.Logger.Error("pgbus: read event payload", "id", n.Ref, "error", err)
			return
		}
		if e, err = decodeEvent(body); err != nil {
			b.refused.Add(1)
			b.cfg.Logger.Error("pgbus: undecodable event", "error", err)
			return
		}
	case n.Event != nil:
		e = n.Event.event()
	default:
		b.refused.Add(1)
		b.cfg.Logger.Error("pgbus: a notification without an event", "origin", n.Origin)
		return
	}
	local.Deliver(ctx, e)
}

// refuseVersion counts and logs a notification of another wire version.
// Another version of the server shares the database: its events are not
// guessed at. Its clients' events do not reach this instance's clients
// until both run one version.
func (b *Bus) refuseVersion(v int, origin string) {
	b.refusedVersion.Add(1)
	b.cfg.Logger.Error("pgbus: refused a notification of another wire version; run one server version on the database",
		"version", v, "want", WireVersion, "origin", origin)
}

// Stats are the bus's counters since it started, for metrics; the same type
// as membus.Stats (an alias of one struct).
type Stats = struct {
	// RefusedVersion counts notifications of another WireVersion, refused.
	RefusedVersion uint64
	// Undecodable counts notifications or event bodies that did not decode.
	Undecodable uint64
	// Sent counts the notifications this instance sent (committed), and
	// SentBytes their payloads: a notification's payload is its event, or
	// the reference to its stored body when the event does not fit.
	Sent, SentBytes uint64
	// Received counts the notifications of other instances handled here.
	Received uint64
}

// Stats returns the bus's counters.
func (b *Bus) Stats() Stats {
	return Stats{RefusedVersion: b.refusedVersion.Load(), Undecodable: b.refused.Load(),
		Sent: b.notified.Load(), SentBytes: b.notifiedBytes.Load(), Received: b.heard.Load()}
}
