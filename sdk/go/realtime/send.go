package realtime

import (
	"context"
	"errors"
	"time"

	"github.com/coder/websocket"
)

// maxFrame is the server's frame limit (a bigger one closes with 1009).
const maxFrame = 64 << 10

// send is one SendMessage until message.sent or a refusal.
type send struct {
	ev      SendMessage
	retryAt time.Time // set when the rate limit refused it
	done    chan struct{}
	res     MessageSent
	err     error
}

func (s *send) finish(res MessageSent, err error) {
	s.res, s.err = res, err
	close(s.done)
}

// SendOption adds to a SendMessage.
type SendOption func(*SendMessage)

// WithMeta sets the message's meta object (mentions, type, …).
func WithMeta(meta map[string]any) SendOption {
	return func(e *SendMessage) { e.Meta = meta }
}

// WithClientMsgID sets the send's idempotency id; by default the client
// makes one. The server stores a room's sender's client_msg_id once, so a
// repeat (after a reconnect, or of an app that crashed) returns the first
// message.
func WithClientMsgID(id string) SendOption {
	return func(e *SendMessage) { e.ClientMsgID = &id }
}

// SendMessage sends a message to a room and returns the server's
// message.sent once it is stored. Offline, the send waits in a bounded
// queue (Options.QueueSize) and goes out on the next connection; a send
// whose connection dropped before its confirmation is sent again, under the
// same client_msg_id, so the server stores it once. An error event from the
// server for it is returned as an Error. When ctx ends first the send is
// abandoned: the server may or may not have stored it.
func (c *Client) SendMessage(ctx context.Context, roomID, content string, opts ...SendOption) (MessageSent, error) {
	reqID, cmid := newID(), newID()
	ev := SendMessage{RoomID: roomID, Content: content, RequestID: &reqID, ClientMsgID: &cmid}
	for _, o := range opts {
		o(&ev)
	}
	s := &send{ev: ev, done: make(chan struct{})}
	if data, err := ev.MarshalJSON(); err != nil {
		return MessageSent{}, err
	} else if len(data) > maxFrame {
		return MessageSent{}, Error{Code: ErrorCodeValidationError, Message: "the event is over 64 KB", Field: ptr("content")}
	}
	c.mu.Lock()
	if c.closed || c.ctx.Err() != nil {
		c.mu.Unlock()
		return MessageSent{}, ErrClosed
	}
	if len(c.sends) >= c.opts.QueueSize {
		c.mu.Unlock()
		return MessageSent{}, ErrQueueFull
	}
	c.sends = append(c.sends, s)
	conn := c.conn
	c.mu.Unlock()
	if conn != nil {
		// A failed write is retried on the next connection.
		_ = c.write(ctx, conn, ev)
	}
	select {
	case <-s.done:
		return s.res, s.err
	case <-ctx.Done():
		c.mu.Lock()
		c.drop(s)
		c.mu.Unlock()
		return MessageSent{}, ctx.Err()
	}
}

// MarkRead moves the user's read cursor in a room to seq (an ack event):
// unread counts and read receipts follow. Offline, it is sent on the next
// connection.
func (c *Client) MarkRead(ctx context.Context, roomID string, seq int64) error {
	c.mu.Lock()
	if c.closed || c.ctx.Err() != nil {
		c.mu.Unlock()
		return ErrClosed
	}
	conn := c.conn
	if conn == nil {
		if seq > c.reads[roomID] {
			c.reads[roomID] = seq
		}
		c.mu.Unlock()
		return nil
	}
	c.mu.Unlock()
	return c.write(ctx, conn, Ack{RoomID: roomID, Seq: seq})
}

// Send writes any client event (typing, subscribe, notification.ack, …)
// on the current connection; offline it fails at once: state events like
// typing are worth nothing later.
func (c *Client) Send(ctx context.Context, ev Event) error {
	c.mu.Lock()
	conn := c.conn
	c.mu.Unlock()
	if conn == nil {
		return ErrOffline
	}
	return c.write(ctx, conn, ev)
}

// ErrOffline is Send's error while the client is between connections.
var ErrOffline = errors.New("realtime: not connected")

// flushQueued sends, on a new connection, the reads and sends that wait.
func (c *Client) flushQueued(ctx context.Context, conn *websocket.Conn) {
	c.mu.Lock()
	var out []Event
	for room, seq := range c.reads {
		out = append(out, Ack{RoomID: room, Seq: seq})
	}
	clear(c.reads)
	for _, s := range c.sends {
		s.retryAt = time.Time{}
		out = append(out, s.ev)
	}
	c.mu.Unlock()
	for _, ev := range out {
		if c.write(ctx, conn, ev) != nil {
			return
		}
	}
}

// confirm finishes the send of request reqID. Under c.mu.
func (c *Client) confirm(reqID string, res MessageSent, err error) {
	for _, s := range c.sends {
		if *s.ev.RequestID == reqID {
			c.drop(s)
			s.finish(res, err)
			return
		}
	}
}

// refusedSend handles an error event answering a send: over the rate limit
// it is sent again a second later; any other refusal is final.
func (c *Client) refusedSend(_ context.Context, reqID string, e Error) {
	for _, s := range c.sends {
		if *s.ev.RequestID == reqID {
			if e.Code == ErrorCodeRateLimitExceeded {
				s.retryAt = time.Now().Add(time.Second)
				return
			}
			c.drop(s)
			s.finish(MessageSent{}, e)
			return
		}
	}
}

// drop removes s from the waiting sends. Under c.mu.
func (c *Client) drop(s *send) {
	for i, x := range c.sends {
		if x == s {
			c.sends = append(c.sends[:i], c.sends[i+1:]...)
			return
		}
	}
}

func ptr[T any](v T) *T { return &v }
