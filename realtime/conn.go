package realtime

import (
	"bufio"
	"context"
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/chatapi/chatapi/chat"
	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/store"
)

// conn is one client connection. ServeWS syncs it, then its read loop runs
// in a goroutine of its own (Hub.serve); a writer goroutine exists only
// while the queue has frames, so an idle connection costs that one
// goroutine.
type conn struct {
	hub      *Hub
	ws       *websocket.Conn
	tenantID string
	userID   string
	// keyGen and expires bound the connection's life (see Session and
	// credentials.go); expires is unix nanoseconds, 0 for never.
	keyGen  int64
	expires int64
	// opened is when the connection was opened (Config.Now, unix
	// nanoseconds): a user deleted since closes it.
	opened int64
	// limiter is made on the client's first event (see handle): most
	// connections only listen, and at 10,000 of them every per-connection
	// allocation shows in the server's RSS. Only the read loop touches it.
	limiter *rate.Limiter
	// watching holds the channels this connection subscribed to, made on the
	// first subscribe; guarded by hub.mu.
	watching map[string]struct{}

	mu      sync.Mutex
	queue   [][]byte
	writing bool // a writer goroutine is draining queue
	held    bool // the connect-time sync is being written; live frames wait
	// beating is set, under hub.mu, once the heartbeat sweep looks at c:
	// after the sync (see startHeartbeat).
	beating bool
	// early is whether the client's first bytes came with the handshake.
	// Only the read loop touches it after the hijack (see waitFrame).
	// It sits with the other flags rather than in a padded word of its
	// own: conn is 312 B, in the 320 B size class (the next is 352 B)
	// every idle connection pays.
	early bool
	// closing is set once, by the first of: queue overflow, shutdown, write
	// failure, end of the read loop. After it nothing more is queued.
	closing atomic.Bool
	// wg joins the writer, the closer and a waiting ping before the
	// connection's goroutine ends.
	wg sync.WaitGroup

	// lastActive is when the client last sent a frame (hub.clock).
	lastActive atomic.Int64
	// lastPing is when the heartbeat last pinged c (hub.clock); see
	// dueBeats.
	lastPing int64

	// in is coder/websocket's buffered reader, handed to it at the hijack
	// (smallBuffers); the read loop only asks it whether it holds bytes.
	in *bufio.Reader
	// out is under coder/websocket's buffered writer: the drain holds its
	// frames there and writes them together (see socketwriter.go).
	out socketWriter
	// writeTimer bounds the drain's socket writes (see flushHeld). Only the
	// one running drain uses it; c.mu hands it from one drain to the next.
	// The connect-time sync, which runs before any drain, uses it too and
	// then drops it (see start): an idle connection keeps no timer for
	// writes.
	writeTimer *time.Timer
	// writeStart is hub.clock when the drain's current socket write began,
	// 0 between writes.
	writeStart atomic.Int64

	rmu   sync.Mutex
	retry *retryState // nil until something owed is tracked

	// presence holds the presence frames coalesced while changes come
	// quickly (see presence.go); nil otherwise. Guarded by mu.
	presence *presenceOut

	// msgs is what the client was handed per room (see resync.go).
	msgs messageCursor
}

// newConn is a connection before its upgrade; ws is set once accepted.
func newConn(h *Hub, s Session) *conn {
	c := &conn{
		hub: h, tenantID: s.TenantID, userID: s.UserID, keyGen: s.KeyGeneration,
		held: true, opened: h.cfg.Now().UnixNano(),
	}
	if !s.Expires.IsZero() {
		c.expires = s.Expires.UnixNano()
	}
	return c
}

// start syncs the client (from resume, a Session.Resume, when not nil),
// calls online with the user's rooms as the sync read them (nil when it
// did not: a resume, a failure), then lets live frames go and starts the
// heartbeat. online runs before the sync is written (what the sync writes
// is held until then), so a client that has its sync.complete is online
// for the others. It runs in ServeWS, before the connection's own
// goroutine: the sync's store reads grow a goroutine's stack to tens of
// KB, which the handler's goroutine takes with it when it ends, while the
// long-lived read loop starts on a fresh, small stack.
func (c *conn) start(ctx context.Context, resume *store.SyncCursor, online func(rooms []store.RoomCursor)) {
	rooms, err := c.sync(ctx, resume)
	if err != nil {
		if !errors.Is(err, context.Canceled) && websocket.CloseStatus(err) == -1 {
			c.hub.cfg.Logger.Warn("realtime: sync", "tenant_id", c.tenantID, "user_id", c.userID, "error", err)
		}
		c.closeAsync(websocket.StatusInternalError, "sync failed", nil)
		rooms = nil
	}
	online(rooms)
	// No drain has run yet (the queue is held until release), so the
	// sync's held frames and timer are still the sync's alone.
	_ = c.flushHeld(true) // a failed write has the read loop end
	if c.writeTimer != nil {
		c.writeTimer.Stop()
		c.writeTimer = nil
	}
	c.goLive()
	c.release()
	c.startHeartbeat()
}

// readLoop reads and handles the client's events until the connection
// ends, then joins the connection's goroutines.
func (c *conn) readLoop(ctx context.Context) {
	defer func() {
		c.stop()
		c.stopRedelivery()
		c.wg.Wait()
		_ = c.ws.CloseNow()
	}()
	for {
		c.waitFrame()
		typ, data, err := c.ws.Read(ctx)
		if err != nil {
			return
		}
		c.touch()
		c.hub.stats.eventsIn.Add(1)
		c.handle(ctx, typ, data)
	}
}

// enqueue queues frame without blocking. A full queue closes the connection
// with 1013: the client reads too slowly and will catch up by syncing.
func (c *conn) enqueue(frame []byte) {
	c.mu.Lock()
	if len(c.queue) >= c.hub.cfg.QueueSize && !c.closing.Load() {
		c.mu.Unlock()
		if c.closeAsync(websocket.StatusTryAgainLater, "outgoing queue full", nil) {
			c.hub.stats.slowDropped.Add(1)
		}
		return
	}
	c.pushLocked(frame)
	c.mu.Unlock()
}

// enqueueEphemeral queues a frame that is state, not history (presence,
// typing): a connection whose queue is half full skips it rather than being
// closed for it, so a burst of them (a thousand members coming online in one
// room) never costs a connection. Messages and notifications are owed and
// always go through enqueue.
func (c *conn) enqueueEphemeral(frame []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.queue) >= c.hub.cfg.QueueSize/2 {
		c.hub.stats.ephemeralSkipped.Add(1)
		return
	}
	c.pushLocked(frame)
}

// pushLocked queues frame on a connection that is not closing; the caller
// has checked the queue's bound. c.mu is held.
func (c *conn) pushLocked(frame []byte) {
	if c.closing.Load() {
		return
	}
	c.hub.stats.eventsOut.Add(1)
	c.queue = append(c.queue, frame)
	c.startWriterLocked()
}

// startWriterLocked starts the writer unless one runs or the sync holds the
// queue. c.mu is held.
func (c *conn) startWriterLocked() {
	if c.writing || c.held || len(c.queue) == 0 || c.closing.Load() {
		return
	}
	c.writing = true
	c.wg.Add(1)
	go c.drain()
}

// release lets queued live frames go after the sync.
func (c *conn) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.held = false
	c.startWriterLocked()
}

// drain writes queued frames until the queue is empty, then exits. It takes
// the whole queue at a time, so a burst costs one lock, not one per frame,
// and one socket write per heldFlushBytes (drainBatch).
func (c *conn) drain() {
	defer c.wg.Done()
	for {
		c.mu.Lock()
		if len(c.queue) == 0 || c.closing.Load() {
			c.queue = nil
			c.writing = false
			c.mu.Unlock()
			return
		}
		batch := c.queue
		c.queue = nil
		c.mu.Unlock()
		if err := c.drainBatch(batch); err != nil {
			c.closeAsync(websocket.StatusInternalError, "write failed", nil)
		}
	}
}

// drainBatch writes frames in order, held (see socketwriter.go) and
// released at the end; it stops at the first error or when the connection
// is closing. What it held goes out even then: a closing handshake written
// meanwhile may be among it.
func (c *conn) drainBatch(frames [][]byte) error {
	c.out.hold()
	for _, frame := range frames {
		if c.closing.Load() {
			break
		}
		if err := c.writeHeld(frame); err != nil {
			_ = c.flushHeld(true)
			return err
		}
	}
	return c.flushHeld(true)
}

// syncWrite writes one frame of the connect-time sync, counted out, held
// like the drain's: start releases what is left when the sync ends.
// coder/websocket keeps the context of a connection's last write until
// the next one, so it is context.Background (see writeHeld): a sync
// written with a deadline context per frame left the last one (about
// 250 B with its done channel) reachable for as long as the connection
// stayed idle.
func (c *conn) syncWrite(frame []byte) error {
	c.hub.stats.eventsOut.Add(1)
	c.out.hold()
	return c.writeHeld(frame)
}

// writeHeld writes one frame while c.out holds: into memory, and to the
// socket once heldFlushBytes wait. The write timeout is on the socket
// writes (flushHeld) rather than per frame: a held frame cannot block.
// The frame is framed here (see writeText) unless the connection
// negotiated compression.
func (c *conn) writeHeld(frame []byte) error {
	var held int
	if c.out.lib.compressed {
		if err := c.ws.Write(context.Background(), websocket.MessageText, frame); err != nil {
			return err
		}
		held = c.out.heldBytes()
	} else {
		var err error
		if held, err = c.out.writeText(frame); err != nil {
			return err
		}
	}
	if held >= heldFlushBytes {
		return c.flushHeld(false)
	}
	return nil
}

// flushHeld writes the held frames in one socket write, with the write
// timeout, and with release stops holding. The timeout is one timer per
// connection, re-armed for each write, rather than a context with a
// deadline, which coder/websocket then watches: profiles of a 1,000-member
// fan-out gave the per-frame context and its garbage about a sixth of the
// server's CPU. A timer that fires while the write it was armed for still
// runs closes the connection, which ends the write with an error, as
// coder/websocket does when a write's context expires.
func (c *conn) flushHeld(release bool) error {
	timeout := c.hub.cfg.WriteTimeout
	c.writeStart.Store(c.hub.clock())
	if c.writeTimer == nil {
		c.writeTimer = time.AfterFunc(timeout, c.writeTimedOut)
	} else {
		c.writeTimer.Reset(timeout)
	}
	err := c.out.flush(release)
	c.writeStart.Store(0)
	c.writeTimer.Stop()
	return err
}

// writeTimedOut closes the connection if a drain write has run for the
// whole write timeout; a timer that fired as its write ended finds none.
func (c *conn) writeTimedOut() {
	start := c.writeStart.Load()
	if start != 0 && c.hub.clock()-start >= int64(c.hub.cfg.WriteTimeout) {
		_ = c.ws.CloseNow()
	}
}

// write sends one frame with the write timeout.
func (c *conn) write(frame []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), c.hub.cfg.WriteTimeout)
	defer cancel()
	return c.ws.Write(ctx, websocket.MessageText, frame)
}

// closeAsync closes the connection with code, once, without blocking the
// caller: a closing handshake waits on the client, and the caller may be a
// Publish serving everyone else. final, when set, is written first. It
// reports whether this call closed the connection.
func (c *conn) closeAsync(code websocket.StatusCode, reason string, final []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closing.CompareAndSwap(false, true) {
		return false
	}
	c.queue = nil
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		if final != nil {
			_ = c.write(final)
		}
		_ = c.ws.Close(code, reason)
	}()
	return true
}

// stop marks the connection closing after its read loop ended.
func (c *conn) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closing.Store(true)
	c.queue = nil
}

func (c *conn) sendError(fe *frameError) {
	c.enqueue(mustEncode(errorFrame{Type: "error", Code: fe.Code, Message: fe.Message, Field: fe.Field, RequestID: fe.RequestID}))
}

// handle runs one client frame.
func (c *conn) handle(ctx context.Context, typ websocket.MessageType, data []byte) {
	in, fe := c.hub.dec.decode(typ, data)
	if fe != nil && fe.Close != 0 {
		c.closeAsync(fe.Close, fe.Message, nil)
		return
	}
	if c.limiter == nil {
		c.limiter = rate.NewLimiter(c.hub.cfg.EventRate, c.hub.cfg.EventBurst)
	}
	if !c.limiter.Allow() {
		reqID := in.RequestID
		if fe != nil {
			reqID = fe.RequestID
		}
		c.sendError(&frameError{Code: codeRateLimited, Message: "too many events, slow down", RequestID: reqID})
		return
	}
	if fe != nil {
		c.sendError(fe)
		return
	}
	if err := c.dispatch(ctx, in); err != nil {
		c.sendError(c.storeError(err, in.RequestID))
	}
}

func (c *conn) dispatch(ctx context.Context, in inbound) error {
	h := c.hub
	switch in.Type {
	case "ping":
		c.enqueue(mustEncode(pongFrame{Type: "pong", RequestID: in.RequestID}))
	case "send_message":
		_, _, err := h.chat.SendMessage(ctx, c.tenantID, c.userID, in.RoomID, store.NewMessage{
			Content: in.Content, Meta: in.Meta, ClientMsgID: in.ClientMsgID,
			ParentID: in.ParentID, QuotedID: in.QuotedID, Mentions: in.Mentions,
		}, func(msg store.Message) {
			c.enqueue(mustEncode(messageSentFrame{Type: "message.sent", RequestID: in.RequestID, RoomID: msg.RoomID, MessageID: msg.ID, Seq: msg.Seq, CreatedAt: msg.CreatedAt}))
		})
		if err != nil {
			return err
		}
	case "ack":
		if _, err := h.chat.Ack(ctx, c.tenantID, c.userID, in.RoomID, in.Seq); err != nil {
			return err
		}
	case "delivered":
		cur, err := h.chat.Delivered(ctx, c.tenantID, c.userID, in.RoomID, in.Seq)
		if err != nil {
			return err
		}
		// This connection has it all; the user's other devices may not.
		c.receivedMessages(in.RoomID, max(in.Seq, cur.To))
	case "typing.start", "typing.stop":
		action := "start"
		if in.Type == "typing.stop" {
			action = "stop"
		}
		if err := h.chat.Typing(ctx, c.tenantID, in.RoomID, c.userID, action); err != nil {
			return err
		}
		k := typingKey{c.tenantID, in.RoomID, c.userID}
		if action == "start" {
			h.typingStarted(k)
		} else {
			h.typingStoppedBy(k)
		}
	case "subscribe":
		if err := h.store.CanWatch(ctx, c.tenantID, c.userID, in.RoomID); err != nil {
			return err
		}
		h.watch(c, in.RoomID)
	case "unsubscribe":
		h.unwatch(c, in.RoomID)
	case "notification.ack":
		if _, err := h.chat.AckNotification(ctx, c.tenantID, c.userID, in.NotificationID); err != nil {
			return err
		}
	}
	return nil
}

// storeError is the error event for a refused store call, classified as
// REST classifies it (chat.Classify); anything unexpected is logged and
// reported without internals.
func (c *conn) storeError(err error, reqID string) *frameError {
	r, ok := chat.Classify(err)
	if !ok {
		c.hub.cfg.Logger.Error("realtime: client event", "tenant_id", c.tenantID, "user_id", c.userID, "error", err)
		return &frameError{Code: codeInternal, Message: "internal error", RequestID: reqID}
	}
	fe := &frameError{Code: r.Code, Message: r.Message, Field: r.Field, RequestID: reqID}
	if r.Code == codeValidation && r.Field != "" {
		// Error events name the field in the message too, as the schema's
		// refusals of a frame do (decoder.describe).
		fe.Message = r.Field + ": " + r.Message
	}
	return fe
}

// syncPage is how many events a resume reads from the log at a time.
const syncPage = store.MaxEventsLimit

// sync streams what the user is owed, then sync.complete with a cursor to
// resume from. Without a resume cursor: per room, the messages after their
// read cursor (at most SyncLimit, oldest first). With one: the room event
// log after it, a page at a time (see replay); a cursor past the retention
// gets sync.reset_required and then the messages as without one. Pending
// notifications follow either. It writes directly, ahead of the live frames
// that wait meanwhile (see messageCursor): those the sync covered are
// dropped when it ends, so the switch to live has no gap and no duplicate.
// It returns the user's rooms when it read them (without a resume cursor,
// or after sync.reset_required), else nil.
func (c *conn) sync(ctx context.Context, resume *store.SyncCursor) ([]store.RoomCursor, error) {
	var (
		rooms   = []syncRoom{}
		members []store.RoomCursor
		cursor  store.SyncCursor
		err     error
	)
	resumed := false
	if resume != nil {
		cursor, resumed, err = c.replay(ctx, *resume)
		if err != nil {
			return nil, err
		}
	}
	if !resumed {
		if cursor, rooms, members, err = c.syncMessages(ctx); err != nil {
			return nil, err
		}
	}
	if err := c.syncNotifications(ctx); err != nil {
		return nil, err
	}
	return members, c.syncWrite(mustEncode(syncCompleteFrame{Type: "sync.complete", Rooms: rooms, Cursor: cursor.String()}))
}

// replay writes the user's room events after cursor, read from the log a
// page at a time, and returns the cursor after them. A cursor past the
// retention is answered by sync.reset_required with a fresh cursor, and
// resumed false: the client reloads its rooms, and is owed the messages
// after its read cursors as on a connect without a cursor. When the hub
// took a room's position past the end a page was read at (see
// sequencer.start), the log is read again from the new cursor, so that the
// events it delivers late are replayed here, in order, and dropped live.
func (c *conn) replay(ctx context.Context, cursor store.SyncCursor) (store.SyncCursor, bool, error) {
	h := c.hub
	for {
		page, err := h.store.Sync(ctx, c.tenantID, c.userID, &cursor, syncPage)
		var gone *store.GoneError
		if errors.As(err, &gone) && gone.Cursor != nil {
			c.hub.stats.resumesReset.Add(1)
			return store.SyncCursor{}, false, c.syncWrite(mustEncode(syncResetFrame{Type: "sync.reset_required", Cursor: gone.Cursor.String()}))
		}
		if err != nil {
			return store.SyncCursor{}, false, err
		}
		behind := h.order.start(c.tenantID, page.Ends)
		// Each room's events up to its end are in this page or the next
		// ones (or are not the user's): a live one among them, announced
		// late, is not sent again.
		for roomID, end := range page.Ends {
			c.replayedTo(roomID, end)
		}
		for i := range page.Events {
			e := &page.Events[i]
			if e.Type == store.EventMessage && c.blocks(e.UserID) {
				c.replayedTo(e.RoomID, e.EventSeq)
				continue
			}
			if err := c.syncWrite(h.signed(ctx, c.tenantID, e.Frame)); err != nil {
				return store.SyncCursor{}, false, err
			}
			c.replayedTo(e.RoomID, e.EventSeq)
		}
		cursor = page.Next
		if !page.HasMore && !behind {
			return cursor, true, nil
		}
	}
}

// syncMessages streams, per room, the messages after the user's read cursor
// (at most SyncLimit, oldest first), and returns a cursor at the end of
// every room's log, taken before the messages are read: whatever commits
// later comes live, as it would after a resume from that cursor. It returns
// the user's rooms too, as the store read them (never nil).
func (c *conn) syncMessages(ctx context.Context) (store.SyncCursor, []syncRoom, []store.RoomCursor, error) {
	h := c.hub
	fresh, err := h.store.Sync(ctx, c.tenantID, c.userID, nil, 0)
	if err != nil {
		return store.SyncCursor{}, nil, nil, err
	}
	h.order.start(c.tenantID, fresh.Ends)
	rooms := make([]syncRoom, 0, len(fresh.Members))
	for _, cur := range fresh.Members {
		after, delivered := cur.LastAck, 0
		for delivered < h.cfg.SyncLimit {
			limit := min(store.MaxMessagesLimit, h.cfg.SyncLimit-delivered)
			// The room is one of the user's (fresh.Members); these reads
			// carry each message's event_seq.
			page, err := h.store.RoomMessagesBetween(ctx, c.tenantID, cur.RoomID, after, math.MaxInt64, limit)
			if err != nil {
				return store.SyncCursor{}, nil, nil, err
			}
			for i := range page {
				if c.blocks(page[i].SenderID) {
					after = page[i].Seq
					continue
				}
				if err := c.syncWrite(mustEncode(newMessageFrame(event.MessageCreated, &page[i]))); err != nil {
					return store.SyncCursor{}, nil, nil, err
				}
				after = page[i].Seq
				delivered++
			}
			if len(page) < limit {
				break
			}
		}
		if delivered > 0 {
			c.trackMessages(cur.RoomID, cur.LastAck+1, after)
		}
		c.synced(cur.RoomID, after)
		last := max(cur.LastSeq, after)
		rooms = append(rooms, syncRoom{RoomID: cur.RoomID, LastSeq: last, Delivered: delivered, HasMore: after < last})
	}
	return fresh.Next, rooms, fresh.Members, nil
}

// syncNotifications streams the user's pending notifications.
func (c *conn) syncNotifications(ctx context.Context) error {
	pending, err := c.hub.store.ListNotifications(ctx, c.tenantID, c.userID, store.MaxNotificationsLimit)
	if err != nil {
		return err
	}
	for i := range pending {
		frame := mustEncode(newNotificationFrame(&pending[i]))
		if err := c.syncWrite(frame); err != nil {
			return err
		}
		c.trackNotification(pending[i].ID, frame)
	}
	return nil
}
