// Package realtime delivers ChatAPI's events over WebSocket connections, as
// asyncapi.yaml describes them: it validates client events against that
// contract, makes the changes they ask for through chat.Service (as the REST
// handlers do), fans published events out to the connections of the users
// they concern, and catches a connecting user up on what they missed.
//
// # Delivery pipeline
//
// Connecting (hub.go ServeWS, conn.go): the handshake registers the
// connection before anything is read, so nothing published meanwhile is
// lost: live room events wait in the connection's cursor (resync.go)
// while the connect-time sync writes what the user is owed (the messages
// after each read cursor, or, for a resume with ?cursor=, the room event
// log after it, a page at a time), then go out after it, those the sync
// covered dropped, so the switch to live has no gap and no duplicate. The
// HTTP handler then returns; the connection's read loop runs in a goroutine
// the hub owns (Shutdown joins it).
//
// Inbound (conn.go handle, inbound.go): the read loop reads one frame at a
// time (ReadLimit), checks it against its schema in asyncapi.yaml, applies
// the connection's rate limit and runs it. Changes go through chat.Service,
// which stores them and then publishes them, exactly as the REST handlers
// do; rules (store.CanType, store.CanWatch and the store's own) live in the
// store; refusals become error events through chat.Classify, the
// classification REST uses too.
//
// Publish and Deliver (cluster.go, hub.go): Publish delivers an event to
// this instance's connections (Deliver) and hands it to Config.Cluster for
// the other instances, whose events arrive through Deliver. Deliver encodes
// an event once and routes it by type: a room's events (every type of its
// log) through the sequencer (order.go), which checks they come in
// event_seq order and, where one is missing, reads it from the log and
// delivers it first, dropping its late announcement; notifications, typing
// and presence straight to their recipients; read and delivery receipts
// into the per-room coalescing of receipts.go; acks to the redelivery
// state. Receipts are the exception to "hands it to Config.Cluster": they
// cross to the other instances coalesced with the receipts flush, one
// Receipts event per room, never one per ack or delivered.
//
// Recipients and queues (conn.go): recipients are collected under a read
// lock of the hub and the lock released before anything is queued. A
// room's recipients are kept from one of its events to the next while
// its members and the hub's connections and watchers stay as they were
// (roomOrder.conns, Hub.connsGen). Each
// connection has a bounded queue and no writer while it is empty; enqueue
// never blocks: a full queue closes the connection (1013) once,
// asynchronously, and the client catches up on reconnect. Presence and
// typing are skipped for a half-full queue rather than closing it. The
// writer (drain) takes the whole queue at once and writes its frames held
// in memory under coder/websocket (socketwriter.go): one socket write per
// batch, or per 16 KiB of it, each under the write timeout.
//
// Redelivery (redelivery.go): messages and notifications handed to a
// connection are tracked until its client confirms them, sent again with
// backoff, and dead-lettered after RetryMaxAttempts.
//
// # Lock order
//
// A goroutine holding a lock of this list takes only locks further down it,
// never one above:
//
//  1. presence.announcing (one user's presence announcements; held across
//     the Publish of the announcement)
//  2. roomOrder.mu (one room of the sequencer; held while its events are
//     handed to their connections, a gap's read of the log included)
//  3. sequencer.mu (the sequencer's room map; the reverse only with TryLock,
//     when idle rooms are pruned)
//  4. Hub.mu (connections, users, watchers, presence map), read-locked to
//     collect recipients and released before any connection lock is taken
//  5. messageCursor.mu (a connection's message positions)
//  6. conn.mu (a connection's queue and writer)
//
// These are leaves, taken with no other lock of the package held inside
// them: conn.rmu (redelivery state; released before queueing),
// receipts.mu (released before receipts are sent), Hub.typingMu (released
// before typing is published), tasks.mu, socketWriter.mu (taken under
// coder/websocket's own write lock; held across the socket write of a
// flush, so that nothing overtakes what was held).
//
// No lock is held across store I/O, except presence.announcing around the
// cluster's presence records, which must land in the order they were
// decided, and roomOrder.mu around the read of a gap from the log, so that
// the room's later events wait for the ones it brings.
package realtime
