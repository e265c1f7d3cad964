package realtime

import (
	"context"
	"time"

	"github.com/coder/websocket"
)

// Heartbeat. One sweep for the whole hub, every heartbeatTick, looks at
// every live connection: one from which no frame (events, pings, pongs)
// arrived for IdleTimeout is dropped without a closing handshake, which a
// dead peer would not answer anyway (asyncapi.yaml: "any other end of the
// connection … heartbeat timeout"); one pinged PingInterval ago is pinged
// again. A goroutine exists only while a ping waits for its pong, as with
// the timer per connection this replaced: that timer and the method value
// it called were 144 B of heap per idle connection (about 0.3 KB of RSS,
// the GC letting the heap grow to twice what is live), against a pass
// over the connections once per tick here (atomic loads: about a tenth of
// a millisecond for 10,000, once a second by default).
//
// The price is a tick of lateness: a connection silent since t is dropped
// between t+IdleTimeout and t+IdleTimeout+heartbeatTick, and pings go out
// up to a tick late. The sweep runs only while the hub has connections.

// heartbeatTicks is how many sweeps run per PingInterval (or IdleTimeout,
// if shorter): the most a drop or a ping is late, as a fraction of that.
const heartbeatTicks = 30

// heartbeatTick is the time between sweeps: 1s with the defaults.
func (h *Hub) heartbeatTick() time.Duration {
	return max(min(h.cfg.PingInterval, h.cfg.IdleTimeout)/heartbeatTicks, time.Millisecond)
}

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

// startHeartbeat hands c to the sweep; the read loop is about to start.
func (c *conn) startHeartbeat() {
	c.touch()
	c.lastPing = c.hub.clock()
	h := c.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	c.beating = true
	h.armHeartbeatLocked()
}

// armHeartbeatLocked schedules the next sweep unless one is scheduled or
// running. h.mu is held.
func (h *Hub) armHeartbeatLocked() {
	if h.beatArmed || h.closed {
		return
	}
	h.beatArmed = true
	if h.beat == nil {
		h.beat = time.AfterFunc(h.heartbeatTick(), h.sweepHeartbeats)
	} else {
		h.beat.Reset(h.heartbeatTick())
	}
}

// sweepHeartbeats drops the connections idle too long and pings those
// due, then schedules the next sweep while connections remain. It runs in
// the timer's goroutine, as a task of the hub (Shutdown waits for it);
// sweeps follow each other.
func (h *Hub) sweepHeartbeats() {
	if !h.bg.enter() {
		return
	}
	defer h.bg.leave()
	drop, ping := h.dueBeats(h.clock())
	for _, c := range drop {
		c.drop()
	}
	for _, c := range ping {
		if c.enterTimer() {
			go c.ping()
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.beatArmed = false
	if len(h.conns) > 0 {
		h.armHeartbeatLocked()
	}
}

// dueBeats returns, at now (hub.clock), the live connections idle for
// IdleTimeout, to drop, and the others last pinged PingInterval ago, to
// ping; those are taken as pinged now.
func (h *Hub) dueBeats(now int64) (drop, ping []*conn) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for c := range h.conns {
		switch {
		case !c.beating:
		case time.Duration(now-c.lastActive.Load()) >= h.cfg.IdleTimeout:
			drop = append(drop, c)
		case time.Duration(now-c.lastPing) >= h.cfg.PingInterval:
			// Only the sweeps, which follow each other, touch lastPing
			// once c is beating.
			c.lastPing = now
			ping = append(ping, c)
		}
	}
	return drop, ping
}

// ping pings c; the pong is seen by the OnPongReceived hook. Ping's own
// wait is bounded so that pings of one connection do not pile up. It runs
// in a goroutine of its own, joined by the read loop like the writer.
func (c *conn) ping() {
	defer c.wg.Done()
	wait := min(c.hub.cfg.WriteTimeout, c.hub.cfg.PingInterval)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	_ = c.ws.Ping(ctx)
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
