// Package realtime is ChatAPI's WebSocket client: it connects to GET /ws,
// stays connected (reconnecting with jittered exponential backoff, as each
// close code and server.shutdown ask), resumes from the cursor of the last
// sync.complete, drops the duplicates a resume or a redelivery brings,
// confirms what it received with batched delivered events, and sends
// messages that survive reconnects under their client_msg_id.
//
// Events arrive on one channel, typed from asyncapi.yaml (see Event). Close
// stops everything the client started and waits for it.
package realtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// TokenFunc returns a user token (from POST /tokens). The client calls it
// before its first connect and again whenever the server refuses the token
// it holds (a 401 handshake, or a close with 1008 when it expired or its key
// was rotated); it never calls it while a token is accepted.
type TokenFunc func(ctx context.Context) (string, error)

// Options configure a Client. BaseURL and one credential (Token, or APIKey
// with UserID) are required; the rest have defaults.
type Options struct {
	// BaseURL is the server, e.g. "https://chat.example.com"; the client
	// connects to its /ws (ws:// or wss:// as the scheme says).
	BaseURL string
	// Token provides user tokens: what a browser or mobile app uses.
	Token TokenFunc
	// APIKey and UserID connect a trusted server-side process as a user with
	// the tenant key, in headers.
	APIKey, UserID string

	// Cursors keeps the resume cursor; default a MemoryCursorStore.
	Cursors CursorStore
	// HTTPClient makes the handshakes; default http.DefaultClient.
	HTTPClient *http.Client
	// MinBackoff and MaxBackoff bound the reconnect delay (default 500 ms
	// and 30 s); each failed attempt doubles it, with jitter.
	MinBackoff, MaxBackoff time.Duration
	// DeliveredEvery is how often received messages are confirmed with
	// delivered events, one per room (default 200 ms).
	DeliveredEvery time.Duration
	// QueueSize bounds the sends not yet confirmed by message.sent, those
	// waiting offline included; one more fails with ErrQueueFull (default 64).
	QueueSize int
	// EventBuffer is the capacity of the Events channel (default 256). When
	// it is full the client stops reading the socket until it has room.
	EventBuffer int
}

// Errors of SendMessage and MarkRead.
var (
	ErrClosed    = errors.New("realtime: client closed")
	ErrQueueFull = errors.New("realtime: too many sends waiting")
)

// Client is one user's realtime connection, kept open across server
// restarts and network loss until Close.
type Client struct {
	opts   Options
	events chan Event

	ctx    context.Context // ends at Close
	cancel context.CancelFunc
	done   chan struct{} // closed when run returned

	synced    chan struct{} // closed at the first sync.complete
	syncOnce  sync.Once
	lastError error // of a failed attempt, for Connect; under mu

	mu        sync.Mutex
	conn      *websocket.Conn // nil while offline
	token     string
	sends     []*send // not yet confirmed, in order of SendMessage
	reads     map[string]int64
	delivered map[string]int64 // room → highest seq to confirm
	lastEvent map[string]int64 // room → highest event_seq passed on
	lastSeq   map[string]int64 // room → highest message seq passed on (messages without event_seq)
	closed    bool
}

// Connect starts a client and waits, bounded by ctx, until its first
// connection has synced (the SyncComplete event is on the channel). On
// failure it closes the client and returns ctx's error with the last
// attempt's. ctx bounds only the waiting: the client lives until Close.
func Connect(ctx context.Context, opts Options) (*Client, error) {
	c, err := New(opts)
	if err != nil {
		return nil, err
	}
	select {
	case <-c.synced:
		return c, nil
	case <-ctx.Done():
		c.mu.Lock()
		last := c.lastError
		c.mu.Unlock()
		c.Close()
		if last != nil {
			return nil, fmt.Errorf("realtime: connect: %w (last attempt: %v)", ctx.Err(), last)
		}
		return nil, fmt.Errorf("realtime: connect: %w", ctx.Err())
	}
}

// New starts a client that connects in the background; events, the
// connection's own included, arrive on Events.
func New(opts Options) (*Client, error) {
	if opts.BaseURL == "" {
		return nil, errors.New("realtime: Options.BaseURL is required")
	}
	if opts.Token == nil && (opts.APIKey == "" || opts.UserID == "") {
		return nil, errors.New("realtime: set Options.Token, or APIKey and UserID")
	}
	if opts.Cursors == nil {
		opts.Cursors = &MemoryCursorStore{}
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = http.DefaultClient
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 500 * time.Millisecond
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = max(30*time.Second, opts.MinBackoff)
	}
	if opts.DeliveredEvery <= 0 {
		opts.DeliveredEvery = 200 * time.Millisecond
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 64
	}
	if opts.EventBuffer <= 0 {
		opts.EventBuffer = 256
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &Client{
		opts: opts, events: make(chan Event, opts.EventBuffer),
		ctx: ctx, cancel: cancel, done: make(chan struct{}), synced: make(chan struct{}),
		reads: map[string]int64{}, delivered: map[string]int64{},
		lastEvent: map[string]int64{}, lastSeq: map[string]int64{},
	}
	go c.run()
	return c, nil
}

// Events is where every event arrives, in the order the server sent them,
// duplicates dropped. It is closed after Close. Read it steadily: while it
// is full the client does not read the socket. A presence.batch frame
// arrives as its PresenceUpdate events, in order, never as a PresenceBatch:
// a consumer of PresenceUpdate sees every change.
func (c *Client) Events() <-chan Event { return c.events }

// Close ends the connection and every goroutine of the client, waits for
// them, fails the sends still waiting with ErrClosed and closes Events.
func (c *Client) Close() error {
	c.cancel()
	<-c.done
	c.mu.Lock()
	first := !c.closed
	c.closed = true
	sends := c.sends
	c.sends = nil
	c.mu.Unlock()
	for _, s := range sends {
		s.finish(MessageSent{}, ErrClosed)
	}
	if first {
		close(c.events)
	}
	return nil
}

// run connects, serves and reconnects until Close.
func (c *Client) run() {
	defer close(c.done)
	attempt := 0
	for {
		res := c.connectOnce()
		if c.ctx.Err() != nil {
			return
		}
		if res.synced {
			attempt = 0
		}
		var wait time.Duration
		switch {
		case res.retryAfter > 0:
			wait = afterShutdown(res.retryAfter)
		case res.now:
			wait = 0
		default:
			wait = backoff(attempt, c.opts.MinBackoff, c.opts.MaxBackoff)
			attempt++
		}
		c.mu.Lock()
		c.lastError = res.err
		c.mu.Unlock()
		c.emit(Disconnected{Code: res.code, Reason: res.reason, Err: res.err, RetryIn: wait})
		t := time.NewTimer(wait)
		select {
		case <-c.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// outcome is how one connection ended and what the next attempt should wait.
type outcome struct {
	code       websocket.StatusCode
	reason     string
	err        error
	synced     bool          // it got as far as sync.complete
	retryAfter time.Duration // asked by the server (server.shutdown, Retry-After)
	now        bool          // retry at once (a forgotten cursor)
}

func (c *Client) connectOnce() outcome {
	ctx := c.ctx
	u, resumed, err := c.wsURL(ctx)
	if err != nil {
		return outcome{code: -1, err: err}
	}
	hdr := http.Header{}
	if c.opts.Token == nil {
		hdr.Set("X-API-Key", c.opts.APIKey)
		hdr.Set("X-User-Id", c.opts.UserID)
	}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	conn, resp, err := websocket.Dial(dctx, u, &websocket.DialOptions{HTTPClient: c.opts.HTTPClient, HTTPHeader: hdr})
	cancel()
	if err != nil {
		return c.refused(ctx, resp, resumed, err)
	}
	conn.SetReadLimit(32 << 20)
	return c.serve(conn, resumed)
}

// refused decides what a failed handshake means.
func (c *Client) refused(ctx context.Context, resp *http.Response, resumed bool, err error) outcome {
	o := outcome{code: -1, err: err}
	if resp == nil {
		return o
	}
	if resp.Body != nil {
		resp.Body.Close()
	}
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		// The token expired or its key was rotated: ask for a new one.
		c.mu.Lock()
		c.token = ""
		c.mu.Unlock()
	case http.StatusBadRequest:
		if resumed {
			// A cursor the server does not take: forget it and connect
			// without one (the connect-time sync delivers what is unread).
			if err := c.opts.Cursors.Save(ctx, ""); err == nil {
				o.now = true
			}
		}
	case http.StatusServiceUnavailable:
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			o.retryAfter = time.Duration(s) * time.Second
		}
	}
	return o
}

// wsURL is the /ws URL with credentials and the stored cursor.
func (c *Client) wsURL(ctx context.Context) (string, bool, error) {
	u, err := url.Parse(c.opts.BaseURL)
	if err != nil {
		return "", false, fmt.Errorf("realtime: BaseURL: %w", err)
	}
	switch u.Scheme {
	case "http", "ws":
		u.Scheme = "ws"
	case "https", "wss":
		u.Scheme = "wss"
	default:
		return "", false, fmt.Errorf("realtime: BaseURL scheme %q", u.Scheme)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/ws"
	q := url.Values{}
	if c.opts.Token != nil {
		c.mu.Lock()
		tok := c.token
		c.mu.Unlock()
		if tok == "" {
			if tok, err = c.opts.Token(ctx); err != nil {
				return "", false, fmt.Errorf("realtime: token: %w", err)
			}
			c.mu.Lock()
			c.token = tok
			c.mu.Unlock()
		}
		q.Set("token", tok)
	}
	cursor, err := c.opts.Cursors.Load(ctx)
	if err != nil {
		return "", false, fmt.Errorf("realtime: load cursor: %w", err)
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	u.RawQuery = q.Encode()
	return u.String(), cursor != "", nil
}

// serve reads one connection until it ends. It owns the connection's one
// helper goroutine (delivered batches and send retries) and joins it.
func (c *Client) serve(conn *websocket.Conn, resumed bool) outcome {
	ctx, cancel := context.WithCancel(c.ctx)
	var wg sync.WaitGroup
	defer func() {
		c.mu.Lock()
		c.conn = nil
		c.mu.Unlock()
		cancel()
		wg.Wait()
		conn.CloseNow()
	}()
	c.mu.Lock()
	c.conn = conn
	c.mu.Unlock()
	c.emit(Connected{At: time.Now(), Resumed: resumed})
	c.flushQueued(ctx, conn)
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.tick(ctx, conn)
	}()

	var o outcome
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			o.code = websocket.CloseStatus(err)
			o.err = err
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				o.reason = ce.Reason
				o.err = nil
			}
			break
		}
		var head struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(data, &head) != nil {
			continue // not JSON: nothing a server sends
		}
		ev, err := decodeServerEvent(head.Type, data)
		if err != nil {
			continue
		}
		switch e := ev.(type) {
		case SyncComplete:
			o.synced = true
			c.opts.Cursors.Save(ctx, e.Cursor) //nolint:errcheck // a store that fails resumes from the previous cursor
		case SyncResetRequired:
			c.opts.Cursors.Save(ctx, e.Cursor) //nolint:errcheck
		case ServerShutdown:
			o.retryAfter = time.Duration(e.ReconnectAfterMS) * time.Millisecond
		}
		if b, ok := ev.(PresenceBatch); ok {
			// The changes the server held together, one PresenceUpdate
			// each, in order: a consumer of PresenceUpdate sees them all.
			for _, u := range b.Updates {
				c.emit(u)
			}
			continue
		}
		if c.accept(ctx, conn, ev) {
			c.emit(ev)
		}
		if _, ok := ev.(SyncComplete); ok {
			c.syncOnce.Do(func() { close(c.synced) })
		}
	}
	switch o.code {
	case websocket.StatusPolicyViolation:
		// The credentials expired or were revoked: get new ones.
		c.mu.Lock()
		c.token = ""
		c.mu.Unlock()
	case websocket.StatusGoingAway:
		// server.shutdown's wait holds for the 1001 that follows it.
		return o
	}
	o.retryAfter = 0
	return o
}

// accept updates the client's state for an event and says whether it is
// new to the application (false for duplicates and internal replies).
func (c *Client) accept(ctx context.Context, conn *websocket.Conn, ev Event) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch e := ev.(type) {
	case Message:
		if e.Seq > c.delivered[e.RoomID] {
			c.delivered[e.RoomID] = e.Seq
		}
		if e.EventSeq == nil {
			if e.Seq <= c.lastSeq[e.RoomID] {
				return false
			}
			c.lastSeq[e.RoomID] = e.Seq
			return true
		}
		if e.Seq > c.lastSeq[e.RoomID] {
			c.lastSeq[e.RoomID] = e.Seq
		}
		return c.newEvent(e.RoomID, e.EventSeq)
	case MessageUpdated:
		return c.newEvent(e.RoomID, e.EventSeq)
	case MessageDeleted:
		return c.newEvent(e.RoomID, e.EventSeq)
	case MemberJoined:
		return c.newEvent(e.RoomID, e.EventSeq)
	case MemberLeft:
		return c.newEvent(e.RoomID, e.EventSeq)
	case RoomUpdated:
		return c.newEvent(e.RoomID, e.EventSeq)
	case MessageSent:
		if e.RequestID != nil {
			c.confirm(*e.RequestID, e, nil)
		}
	case Error:
		if e.RequestID != nil {
			c.refusedSend(ctx, *e.RequestID, e)
		}
	}
	return true
}

// newEvent drops a room event at or before the last one passed on (a
// replay after a resume repeats what arrived live). Under c.mu.
func (c *Client) newEvent(room string, seq *int64) bool {
	if seq == nil {
		return true
	}
	if *seq <= c.lastEvent[room] {
		return false
	}
	c.lastEvent[room] = *seq
	return true
}

// tick confirms received messages every DeliveredEvery and resends the
// sends the rate limit refused.
func (c *Client) tick(ctx context.Context, conn *websocket.Conn) {
	t := time.NewTicker(c.opts.DeliveredEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		c.mu.Lock()
		var out []Event
		for room, seq := range c.delivered {
			out = append(out, Delivered{RoomID: room, Seq: seq})
		}
		clear(c.delivered)
		now := time.Now()
		for _, s := range c.sends {
			if !s.retryAt.IsZero() && now.After(s.retryAt) {
				s.retryAt = time.Time{}
				out = append(out, s.ev)
			}
		}
		c.mu.Unlock()
		for _, ev := range out {
			if c.write(ctx, conn, ev) != nil {
				return // the read loop sees the end too
			}
		}
	}
}

// write sends one event, bounded by ten seconds.
func (c *Client) write(ctx context.Context, conn *websocket.Conn, ev Event) error {
	data, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return conn.Write(ctx, websocket.MessageText, data)
}

// emit passes ev to the application, waiting for room on the channel.
func (c *Client) emit(ev Event) {
	select {
	case c.events <- ev:
	case <-c.ctx.Done():
	}
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
