package realtime

import (
	"context"
	"time"

	"github.com/coder/websocket"
)

// Heartbeat. Each connection has one time.AfterFunc timer, re-armed by its
// own run: an idle connection costs a timer in the runtime's heap, not a
// goroutine; a goroutine exists only while a ping waits for its pong. Any
// frame from the client (events, pings, pongs) is activity; a connection
// without activity for IdleTimeout is dropped without a closing handshake,
// which a dead peer would not answer anyway (asyncapi.yaml: "any other end
// of the connection … heartbeat timeout").

// clock is the hub's monotonic time, in nanoseconds since New.
func (h *Hub) clock() int64 { return int64(time.Since(h.epoch)) }

// touch records activity on c.
func (c *conn) touch() { c.lastActive.Store(c.hub.clock()) }

// acceptOptions are the configured options with hooks that count the
// client's control frames as activity on c.
func (h *Hub) acceptOptions(c *conn) *websocket.AcceptOptions {
	var opts websocket.AcceptOptions
	if h.cfg.AcceptOptions != nil {
		opts = *h.cfg.AcceptOptions
	}
	onPing, onPong := opts.OnPingReceived, opts.OnPongReceived
	opts.OnPingReceived = func(ctx context.Context, payload []byte) bool {
		c.touch()
		if onPing != nil {
			return onPing(ctx, payload)
		}
		return true
	}
	opts.OnPongReceived = func(ctx context.Context, payload []byte) {
		c.touch()
		if onPong != nil {
			onPong(ctx, payload)
		}
	}
	return &opts
}

// startHeartbeat arms c's timer; the read loop is about to start.
func (c *conn) startHeartbeat() {
	c.touch()
	c.lastPing = c.hub.clock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing.Load() {
		return
	}
	c.heartbeat = time.AfterFunc(c.nextBeat(), c.beat)
}

// nextBeat is how long until the next ping or the idle deadline, whichever
// comes first.
func (c *conn) nextBeat() time.Duration {
	cfg, now := &c.hub.cfg, c.hub.clock()
	ping := time.Duration(c.lastPing + int64(cfg.PingInterval) - now)
	idle := time.Duration(c.lastActive.Load() + int64(cfg.IdleTimeout) - now)
	return max(min(ping, idle), time.Millisecond)
}

// beat drops c if it has been idle too long, pings it when a ping is due,
// and re-arms the timer. It runs in the timer's goroutine, joined by run
// like the writer.
func (c *conn) beat() {
	if !c.enterTimer() {
		return
	}
	defer c.wg.Done()

	h := c.hub
	if time.Duration(h.clock()-c.lastActive.Load()) >= h.cfg.IdleTimeout {
		c.drop()
		return
	}
	if time.Duration(h.clock()-c.lastPing) >= h.cfg.PingInterval {
		c.lastPing = h.clock()
		// The pong is seen by the OnPongReceived hook; Ping's own wait is
		// bounded so that the timer is re-armed in time.
		wait := min(h.cfg.WriteTimeout, h.cfg.PingInterval)
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		_ = c.ws.Ping(ctx)
		cancel()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closing.Load() {
		c.heartbeat.Reset(c.nextBeat())
	}
}

// drop ends an idle connection at once: the read loop sees the error and
// the handler returns.
func (c *conn) drop() {
	c.mu.Lock()
	first := c.closing.CompareAndSwap(false, true)
	c.queue = nil
	c.mu.Unlock()
	if first {
		_ = c.ws.CloseNow()
	}
}

// stopHeartbeat cancels c's timer. c is closing: a run already started
// returns without re-arming.
func (c *conn) stopHeartbeat() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.heartbeat != nil {
		c.heartbeat.Stop()
	}
}

// enterTimer joins a timer callback to c's goroutines, so that run waits for
// it; false when c is closing and the callback must do nothing. The caller
// calls c.wg.Done when it returns.
func (c *conn) enterTimer() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing.Load() {
		return false
	}
	c.wg.Add(1)
	return true
}
