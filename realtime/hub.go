package realtime

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/chatapi/chatapi/chat"
	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/membus"
	"github.com/chatapi/chatapi/store"
)

// Store is what the hub needs from persistence: the changes, which client
// events make through a chat.Service over it (as the REST handlers do), the
// rule for watching, and the reads of delivery.
type Store interface {
	chat.Store
	CanWatch(ctx context.Context, tenantID, userID, roomID string) error

	ListMessages(ctx context.Context, tenantID, actor, roomID string, p store.MessagePage) ([]store.Message, error)
	ListNotifications(ctx context.Context, tenantID, userID string, limit int) ([]store.Notification, error)
	RoomMemberIDs(ctx context.Context, tenantID, roomID string) ([]string, error)
	MemberCursors(ctx context.Context, tenantID, userID string) ([]store.RoomCursor, error)
	RoomMessagesBetween(ctx context.Context, tenantID, roomID string, afterSeq, beforeSeq int64, limit int) ([]store.Message, error)
	RoomEventsAfter(ctx context.Context, tenantID, roomID string, after, upto int64, limit int) ([]store.RoomEvent, error)
	Sync(ctx context.Context, tenantID, userID string, cursor *store.SyncCursor, limit int) (store.SyncPage, error)
	RecordFailedMessage(ctx context.Context, f store.FailedMessage) error
	RecordFailedNotification(ctx context.Context, f store.FailedNotification) error
	TenantKeyGenerations(ctx context.Context, tenantIDs []string) (map[string]int64, error)
	BlockedUsers(ctx context.Context, tenantID, userID string) ([]string, error)
	UserDeletionsSince(ctx context.Context, since time.Time) ([]store.UserDeletion, error)
	RecordConnectionPeaks(ctx context.Context, instanceID string, at time.Time, peaks map[string]int) error
}

// Config tunes the hub; zero fields take the defaults in brackets.
type Config struct {
	// ContentFilter checks the content of sends and edits before they are
	// stored (chat.WithContentFilter); nil checks nothing.
	ContentFilter chat.ContentFilter
	// Attachments signs the download URLs of the attachments in frames
	// read from the room's log to fill a gap in the live stream, so that
	// they carry working URLs as the live announcement would have; nil
	// leaves them without.
	Attachments FrameSigner
	// QueueSize bounds each connection's outgoing frames [256]; a connection
	// whose queue is full is closed with 1013.
	QueueSize int
	// WriteTimeout bounds every frame written to a client [10s].
	WriteTimeout time.Duration
	// ReadLimit is the largest frame accepted, in bytes [64 KiB]; a larger
	// one closes the connection with 1009.
	ReadLimit int64
	// EventRate and EventBurst limit each connection's client events [20/s, 40].
	EventRate  rate.Limit
	EventBurst int
	// SyncLimit caps the messages streamed per room on connect [500].
	SyncLimit int
	// ReconnectAfter is what server.shutdown tells clients to wait, and
	// the Retry-After of a handshake refused during shutdown [2s].
	ReconnectAfter time.Duration
	// PresenceGrace is how long after a user's last connection closes
	// offline is announced, unless they reconnect [5s].
	PresenceGrace time.Duration
	// PresenceMemory is how many users gone offline the hub remembers, for
	// their last_seen [50,000]. Past it, the longest gone are forgotten:
	// Presence then reports them as never seen here (in a cluster the
	// database still knows their last_seen).
	PresenceMemory int
	// PresenceBurst and PresenceInterval coalesce presence per connection
	// (see presence.go): up to PresenceBurst presence.update frames within
	// PresenceInterval, then, while changes keep coming, one presence.batch
	// per interval [8, 250ms].
	PresenceBurst    int
	PresenceInterval time.Duration
	// TypingTimeout is how long a typing.start lasts unless refreshed; then
	// the server relays the stop [8s].
	TypingTimeout time.Duration
	// PingInterval is the period of protocol pings [30s].
	PingInterval time.Duration
	// IdleTimeout drops a connection from which no frame (pongs included)
	// arrived for that long [60s].
	IdleTimeout time.Duration
	// AckTimeout is how long a delivered message or notification waits for
	// its confirmation (delivered or ack; notification.ack) before it is
	// sent again; each further wait doubles [10s].
	AckTimeout time.Duration
	// RetryMaxAttempts is how many times a message or notification is
	// delivered to a connection before it is dead-lettered [5].
	RetryMaxAttempts int
	// MaxConnsPerUser caps one user's connections on this hub [10]; one more
	// is refused (TooManyConnectionsError).
	MaxConnsPerUser int
	// CredentialCheckInterval is how often RunCredentialChecks closes the
	// connections of expired tokens and rotated keys [5s].
	CredentialCheckInterval time.Duration
	// Now is the wall clock that token expiry is judged by [time.Now].
	Now func() time.Time
	// Clock times redelivery and the receipts flush [the real time].
	Clock Clock
	// ReceiptsInterval is how often a room's moved cursors go out as one
	// receipts frame [1s].
	ReceiptsInterval time.Duration
	// ReceiptsMaxMembers is the largest room whose members get per-user
	// receipts [100]; see receipts.go for what larger rooms get.
	ReceiptsMaxMembers int
	// AcceptOptions are passed to websocket.Accept (origin checks…); its
	// ping and pong hooks are kept and wrapped.
	AcceptOptions *websocket.AcceptOptions
	// Logger receives delivery failures [discarded].
	Logger *slog.Logger
	// Cluster carries the events of this instance to the other instances
	// on the same database (see cluster.go) [membus.New(): a single
	// instance, alone on its bus].
	Cluster Broadcaster
	// Presence keeps who is connected where, shared by the instances, so
	// that presence is right across them [a membus.Presence of
	// PresenceMemory users: this process only].
	Presence PresenceStore
	// Instance names this instance and times its heartbeat, with Presence.
	Instance ClusterConfig
}

func (c *Config) defaults() {
	if c.QueueSize <= 0 {
		c.QueueSize = 256
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 10 * time.Second
	}
	if c.ReadLimit <= 0 {
		c.ReadLimit = 64 << 10
	}
	if c.EventRate <= 0 {
		c.EventRate = 20
	}
	if c.EventBurst <= 0 {
		c.EventBurst = 40
	}
	if c.SyncLimit <= 0 {
		c.SyncLimit = 500
	}
	if c.ReconnectAfter <= 0 {
		c.ReconnectAfter = 2 * time.Second
	}
	if c.PresenceGrace <= 0 {
		c.PresenceGrace = 5 * time.Second
	}
	if c.PresenceMemory <= 0 {
		c.PresenceMemory = 50_000
	}
	if c.PresenceBurst <= 0 {
		c.PresenceBurst = 8
	}
	if c.PresenceInterval <= 0 {
		c.PresenceInterval = 250 * time.Millisecond
	}
	if c.TypingTimeout <= 0 {
		c.TypingTimeout = 8 * time.Second
	}
	if c.PingInterval <= 0 {
		c.PingInterval = 30 * time.Second
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 60 * time.Second
	}
	if c.AckTimeout <= 0 {
		c.AckTimeout = 10 * time.Second
	}
	if c.RetryMaxAttempts <= 0 {
		c.RetryMaxAttempts = 5
	}
	if c.MaxConnsPerUser <= 0 {
		c.MaxConnsPerUser = 10
	}
	if c.CredentialCheckInterval <= 0 {
		c.CredentialCheckInterval = 5 * time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Clock == nil {
		c.Clock = wallClock{}
	}
	if c.ReceiptsInterval <= 0 {
		c.ReceiptsInterval = time.Second
	}
	if c.ReceiptsMaxMembers <= 0 {
		c.ReceiptsMaxMembers = 100
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Cluster == nil {
		c.Cluster = membus.New()
	}
	if c.Presence == nil {
		c.Presence = membus.NewPresence(membus.PresenceConfig{Memory: c.PresenceMemory})
	}
	c.Instance.defaults()
}

type userKey struct{ tenantID, userID string }

type roomKey struct{ tenantID, roomID string }

// Hub delivers events to WebSocket connections. Construct with New.
type Hub struct {
	cfg   Config
	store Store
	// chat stores and announces what client events change.
	chat  *chat.Service
	dec   *decoder
	order *sequencer
	// receipts coalesces read and delivery receipts (see receipts.go).
	receipts *receipts
	// blocks is whom the users connected here block (see blocks.go).
	blocks *blockIndex
	stats  counters
	// epoch starts hub.clock.
	epoch time.Time
	// bg holds the work of presence and typing timers.
	bg tasks
	// expiries bounds the offline announcements at once (presenceExpiries).
	expiries chan struct{}
	// presenceIn queues the presence changes Deliver gets.
	presenceIn presenceQueue

	mu     sync.RWMutex
	closed bool
	conns  map[*conn]struct{}
	// users holds each user's connections: a slice, not a set, because a
	// user has one or a few, and a one-entry map costs about 300 B, a
	// slice 8 B, per connected user.
	users map[userKey][]*conn
	// joining counts each user's connections between the check of
	// MaxConnsPerUser and their registration, so that handshakes at once
	// cannot pass the cap together.
	joining  map[userKey]int
	watchers map[roomKey]map[*conn]struct{}
	// connsGen counts the changes to users and watchers, made under mu:
	// a room's recipients found at one count are still its recipients
	// while it stands (see roomOrder.conns).
	connsGen atomic.Uint64
	// presence keeps the users connected, in their grace, or gone offline
	// (at most PresenceMemory of those: see forgetOfflineLocked), for
	// last_seen.
	presence map[userKey]*presence

	// peaks are the tenants' connection peaks of the day (deletions.go).
	peaks connectionPeaks
	// deletionsSince is when the last check of user deletions ran; only
	// the credential checks' goroutine touches it.
	deletionsSince time.Time

	// beat runs the heartbeat's sweeps (see heartbeat.go) while beatArmed;
	// both guarded by mu.
	beat      *time.Timer
	beatArmed bool

	typingMu      sync.Mutex
	typing        map[typingKey]*typist
	typingStopped bool
	// running counts the connections' goroutines (see ServeWS); Shutdown
	// waits for them.
	running sync.WaitGroup
}

// New builds a hub over st, compiling the client event schemas of
// asyncapi.yaml once.
func New(cfg Config, st Store) (*Hub, error) {
	cfg.defaults()
	dec, err := newDecoder()
	if err != nil {
		return nil, fmt.Errorf("load websocket contract: %w", err)
	}
	h := &Hub{
		cfg: cfg, store: st, dec: dec,
		conns:    make(map[*conn]struct{}),
		users:    make(map[userKey][]*conn),
		joining:  make(map[userKey]int),
		watchers: make(map[roomKey]map[*conn]struct{}),
		presence: make(map[userKey]*presence),
		typing:   make(map[typingKey]*typist),
		epoch:    time.Now(),
		expiries: make(chan struct{}, presenceExpiries),
		blocks:   newBlockIndex(),
		peaks:    connectionPeaks{open: map[string]int{}, peaks: map[string]int{}, dirty: map[string]bool{}},
	}
	h.order = newSequencer(h)
	h.receipts = newReceipts(h)
	h.chat = chat.New(st, h, chat.WithContentFilter(cfg.ContentFilter))
	return h, nil
}

// Connections reports how many WebSocket connections are open.
func (h *Hub) Connections() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.conns)
}

// ServeWS accepts the upgrade of an authenticated request for the session
// and returns: the connection runs on in a goroutine of its own, which the
// hub owns and Shutdown joins. A user at MaxConnsPerUser connections gets a
// *TooManyConnectionsError and no answer: the caller answers the request.
// Otherwise ServeWS has answered it and returns nil.
//
// This departs on purpose from the house rule that per-connection
// goroutines are joined before the handler returns. A handler that stays
// for the connection's life keeps its 8 KB goroutine stack and the request
// (headers, Echo context, net/http's connection state) reachable for as
// long as the client stays. Returning at once, reading on a context of our
// own (the request's ends with the handler), starting that goroutine only
// after the sync (whose store reads grow a stack to tens of KB) and keeping
// small buffers (see smallBuffers) took the server's RSS per idle
// connection, measured at 10,000, from 36.7 KB to 15.3 KB (medians of 3).
// The goroutine is still owned: it is counted in h.running before ServeWS
// returns, and Shutdown waits for it.
func (h *Hub) ServeWS(w http.ResponseWriter, r *http.Request, s Session) error {
	k := userKey{s.TenantID, s.UserID}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		w.Header().Set("Retry-After", retryAfter(h.cfg.ReconnectAfter))
		http.Error(w, "server is shutting down", http.StatusServiceUnavailable)
		return nil
	}
	if len(h.users[k])+h.joining[k] >= h.cfg.MaxConnsPerUser {
		h.mu.Unlock()
		return &TooManyConnectionsError{Limit: h.cfg.MaxConnsPerUser}
	}
	h.joining[k]++
	h.running.Add(1)
	h.mu.Unlock()

	// The HTTP server's write deadline bounds requests; this one becomes a
	// WebSocket with write timeouts of its own. It is lifted before the 101
	// is written: net/http flushes the 101 before the hijack clears the
	// deadlines, and a handshake that got here after the deadline (a loaded
	// server) lost its 101 while the connection went on.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})

	c := newConn(h, s)
	ws, err := websocket.Accept(heldHijack{smallBuffers{w, c}, &c.out}, r, h.acceptOptions(c))
	if err != nil {
		h.mu.Lock()
		h.joinedLocked(k)
		h.mu.Unlock()
		h.running.Done()
		return nil // Accept has answered the request
	}
	c.ws = ws
	c.unwrapReader()
	ws.SetReadLimit(h.cfg.ReadLimit)
	// Registered before the backlog is read, so nothing published meanwhile
	// is lost: it waits in the queue until the sync is written.
	p, decision, came, ok := h.register(c)
	if !ok {
		_ = c.flushHeld(true) // the 101 (see smallBuffers.WriteHeader)
		go func() {
			defer h.running.Done()
			_ = ws.Close(websocket.StatusGoingAway, "server is shutting down")
		}()
		return nil
	}
	// After the hijack nothing ends the request's context before ServeWS
	// returns: net/http no longer watches the connection. The connect's
	// reads take it without its cancellation, which changes nothing but
	// their cost: for a context that can end, each query of modernc's
	// SQLite starts a goroutine to interrupt it, and each of
	// database/sql's result sets another to close it.
	ctx := context.WithoutCancel(r.Context())
	h.loadBlocks(ctx, k)
	c.start(ctx, s.Resume, func(rooms []store.RoomCursor) {
		h.cameOnline(ctx, k, p, decision, came, rooms)
	})
	go h.serve(c)
	return nil
}

// retryAfter is d as a Retry-After header: whole seconds, rounded up, at
// least 1.
func retryAfter(d time.Duration) string {
	return strconv.FormatInt(max(1, int64((d+time.Second-1)/time.Second)), 10)
}

// joinedLocked ends a handshake of k counted in joining. h.mu is held.
func (h *Hub) joinedLocked(k userKey) {
	if h.joining[k]--; h.joining[k] <= 0 {
		delete(h.joining, k)
	}
}

// serve runs a registered, synced connection's read loop until it ends,
// then unregisters it. Its context is not the request's, which ends when
// ServeWS returns; it is context.Background itself, because coder/websocket
// watches a cancellable context for the life of every Read, and nothing
// needs to cancel this one: the connection ends when its socket is closed
// (Shutdown, overflow, the heartbeat, the client).
func (h *Hub) serve(c *conn) {
	defer h.running.Done()
	defer h.unregister(c)
	c.readLoop(context.Background())
}

// register adds c to the hub unless it is shutting down (ok false), and
// returns the presence of c's user as connectedLocked does.
func (h *Hub) register(c *conn) (p *presence, decision uint64, came, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	k := userKey{c.tenantID, c.userID}
	h.joinedLocked(k)
	if h.closed {
		return nil, 0, false, false
	}
	h.conns[c] = struct{}{}
	h.users[k] = append(h.users[k], c)
	h.connsGen.Add(1)
	h.openedLocked(c.tenantID)
	p, decision, came = h.connectedLocked(k)
	return p, decision, came, true
}

func (h *Hub) unregister(c *conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.conns[c]; ok {
		h.closedLocked(c.tenantID)
	}
	delete(h.conns, c)
	h.connsGen.Add(1)
	k := userKey{c.tenantID, c.userID}
	cs := h.users[k]
	for i := range cs {
		if cs[i] == c {
			last := len(cs) - 1
			cs[i], cs[last] = cs[last], nil
			cs = cs[:last]
			break
		}
	}
	if len(cs) == 0 {
		delete(h.users, k)
		h.blocks.forget(k)
	} else {
		h.users[k] = cs
	}
	for roomID := range c.watching {
		h.unwatchLocked(c, roomID)
	}
	h.disconnectedLocked(k)
}

// watch makes c receive roomID's live events without membership.
func (h *Hub) watch(c *conn, roomID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.conns[c]; !ok {
		return
	}
	k := roomKey{c.tenantID, roomID}
	if h.watchers[k] == nil {
		h.watchers[k] = make(map[*conn]struct{})
	}
	h.watchers[k][c] = struct{}{}
	h.connsGen.Add(1)
	if c.watching == nil {
		c.watching = make(map[string]struct{})
	}
	c.watching[roomID] = struct{}{}
}

func (h *Hub) unwatch(c *conn, roomID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.unwatchLocked(c, roomID)
}

func (h *Hub) unwatchLocked(c *conn, roomID string) {
	k := roomKey{c.tenantID, roomID}
	delete(h.watchers[k], c)
	h.connsGen.Add(1)
	if len(h.watchers[k]) == 0 {
		delete(h.watchers, k)
	}
	delete(c.watching, roomID)
}

// Deliver delivers e to every connection of this instance it concerns: room
// events to the room's members and watchers, notifications to their
// recipients, typing to the room's other members, presence to the user's
// peers. Publish calls it for events of this instance; a cluster bus calls it
// for the events of the others. The event
// is encoded once; each recipient gets the same bytes through its bounded
// queue, so a slow client never holds Publish or anyone else up. A room's
// events go out in event_seq order (see order.go). Delivered messages
// and notifications are sent again until confirmed (see redelivery.go).
// Read and delivery receipts are coalesced per room (see receipts.go).
func (h *Hub) Deliver(ctx context.Context, e event.Event) {
	switch e.Type {
	case event.AckReceived:
		h.acked(e.TenantID, e.UserID, e.RoomID, e.Seq)
		h.receipts.moved(roomKey{e.TenantID, e.RoomID}, e.UserID, e.Seq, 0, 0)
		return
	case event.DeliveryReceived:
		h.receipts.moved(roomKey{e.TenantID, e.RoomID}, e.UserID, 0, e.FromSeq, e.Seq)
		return
	case event.Receipts: // another instance's, coalesced
		k := roomKey{e.TenantID, e.RoomID}
		for _, r := range e.Receipts {
			if r.LastAck > 0 {
				h.acked(e.TenantID, r.UserID, e.RoomID, r.LastAck)
			}
			h.receipts.moved(k, r.UserID, r.LastAck, r.DeliveredFrom, r.DeliveredTo)
		}
		return
	case event.NotificationAcked:
		h.NotificationAcked(e.TenantID, e.UserID, e.NotificationID)
		return
	case event.Typing:
		h.deliverTyping(ctx, e)
		return
	case event.Presence:
		h.deliverPresenceLater(e)
		return
	case event.UserUpdated:
		h.deliverUserUpdated(ctx, e)
		return
	case event.UserBanned:
		h.banned(userKey{e.TenantID, e.UserID})
		return
	case event.BlocksChanged:
		h.blocksChanged(ctx, userKey{e.TenantID, e.UserID})
		return
	}
	frame, err := encodeEvent(e)
	if err != nil {
		h.cfg.Logger.Error("realtime: encode event", "type", string(e.Type), "error", err)
		return
	}
	if e.Type == event.Notification {
		to := h.recipients(e.TenantID, e.Recipients, "", "")
		deliver(frame, to)
		for _, c := range to {
			c.trackNotification(e.Notification.ID, frame)
		}
		return
	}
	if e.EventSeq <= 0 && e.Recipients != nil {
		// Addressed to users, outside any room's log (an upload processed
		// before it is attached: its uploader alone knows of it).
		deliver(frame, h.recipients(e.TenantID, e.Recipients, "", ""))
		return
	}
	if e.EventSeq <= 0 {
		// Announced without its place in the log: to the members now.
		h.deliverUnplaced(ctx, e, frame)
		return
	}
	ev := roomEvent{eventSeq: e.EventSeq, typ: store.EventType(e.Type), userID: e.UserID, frame: frame, announced: true}
	if e.Type == event.MessageCreated && e.Message != nil {
		ev.userID, ev.msgSeq = e.Message.SenderID, e.Message.Seq
	}
	h.order.deliver(roomKey{e.TenantID, e.RoomID}, ev)
}

// deliverUnplaced delivers a room event announced without its event_seq
// to the room's members as the store has them now (and to the one who
// left, for a member.left), and its watchers.
func (h *Hub) deliverUnplaced(ctx context.Context, e event.Event, frame []byte) {
	var also []string
	if e.Type == event.MemberLeft && e.UserID != "" {
		also = []string{e.UserID} // the one who left is told too
	}
	ids, err := h.store.RoomMemberIDs(ctx, e.TenantID, e.RoomID)
	if err != nil {
		h.cfg.Logger.Error("realtime: room members", "tenant_id", e.TenantID, "room_id", e.RoomID, "error", err)
		return
	}
	to, ofMembers := h.recipientsSplit(e.TenantID, append(ids, also...), e.RoomID, "")
	ev := roomEvent{frame: frame}
	var track []*conn
	if e.Type == event.MessageCreated && e.Message != nil {
		ev.typ, ev.userID = store.EventMessage, e.Message.SenderID
		to, ofMembers = h.withoutBlocked(e.TenantID, ev, to, ofMembers)
		ev.msgSeq, track = e.Message.Seq, owing(to[:ofMembers], e.Message.SenderID)
		h.receipts.sent(roomKey{e.TenantID, e.RoomID}, e.Message.Seq, e.Message.SenderID, len(ids))
	}
	sendRoomEvent(e.RoomID, ev, to, track)
}

// roomRecipients returns the connections of the room's members (and of also)
// and of its watchers, leaving out except's. The members are read from the
// store on every call: simple and always right; a membership cache kept
// current by member.joined / member.left is the optimisation when it shows
// in profiles.
func (h *Hub) roomRecipients(ctx context.Context, tenantID, roomID, except string, also ...string) ([]*conn, error) {
	ids, err := h.store.RoomMemberIDs(ctx, tenantID, roomID)
	if err != nil {
		return nil, err
	}
	return h.recipients(tenantID, append(ids, also...), roomID, except), nil
}

// recipients returns the connections of users and the watchers of room
// ("" for none) in tenantID, each once, leaving out except's connections.
func (h *Hub) recipients(tenantID string, users []string, room, except string) []*conn {
	out, _ := h.recipientsSplit(tenantID, users, room, except)
	return out
}

// recipientsSplit is recipients that also says how many of the connections,
// at the front, are users' (the rest are only watching room), so that a
// message's fan-out finds the connections that owe an ack in the same pass
// (see owing).
func (h *Hub) recipientsSplit(tenantID string, users []string, room, except string) (out []*conn, ofUsers int) {
	out, ofUsers, _ = h.recipientsAt(tenantID, users, room, except)
	return out, ofUsers
}

// recipientsAt is recipientsSplit that also returns connsGen as of the
// connections it found.
func (h *Hub) recipientsAt(tenantID string, users []string, room, except string) (out []*conn, ofUsers int, gen uint64) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	gen = h.connsGen.Load()
	// Sized for a connection per user up front: growing the map and the
	// slice a step at a time was most of this function's cost at a
	// 1,000-member fan-out.
	seen := make(map[*conn]struct{}, len(users))
	out = make([]*conn, 0, len(users))
	add := func(c *conn) {
		if _, dup := seen[c]; dup || c.userID == except {
			return
		}
		seen[c] = struct{}{}
		out = append(out, c)
	}
	for _, u := range users {
		for _, c := range h.users[userKey{tenantID, u}] {
			add(c)
		}
	}
	ofUsers = len(out)
	if room != "" {
		for c := range h.watchers[roomKey{tenantID, room}] {
			add(c)
		}
	}
	return out, ofUsers, gen
}

// userConns returns a copy of one user's connections: recipients for a
// single user, without its dedup map, on the path of every ack.
func (h *Hub) userConns(tenantID, userID string) []*conn {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return slices.Clone(h.users[userKey{tenantID, userID}])
}

// Shutdown sends server.shutdown to every connection, closes each with 1001
// and waits for their goroutines to end, or for ctx: then the remaining
// connections are dropped and ctx's error returned. New upgrades are refused
// from the start.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.closed = true
	if h.beat != nil {
		h.beat.Stop()
	}
	conns := make([]*conn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.Unlock()
	// Nobody is left to tell of presence or typing.
	h.stopTyping()
	h.stopPresence()
	h.receipts.stop()

	frame := mustEncode(shutdownFrame{Type: "server.shutdown", ReconnectAfterMS: h.cfg.ReconnectAfter.Milliseconds()})
	for _, c := range conns {
		c.closeAsync(websocket.StatusGoingAway, "server shutting down", frame)
	}
	if waitCtx(ctx, &h.running) != nil {
		for _, c := range conns {
			_ = c.ws.CloseNow()
		}
		_ = h.bg.stop(ctx)
		return fmt.Errorf("realtime shutdown: %w", ctx.Err())
	}
	if err := h.bg.stop(ctx); err != nil {
		return fmt.Errorf("realtime shutdown: %w", err)
	}
	return nil
}
