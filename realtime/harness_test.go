package realtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

// ioTimeout bounds every read and write a test makes, so no test can hang.
const ioTimeout = 5 * time.Second

// serverMessages maps each server event type to its message in asyncapi.yaml.
var serverMessages = map[string]string{
	"message":              "message",
	"message.sent":         "messageSent",
	"message.updated":      "messageUpdated",
	"message.deleted":      "messageDeleted",
	"ack.received":         "ackReceived",
	"receipts":             "receipts",
	"delivery.received":    "deliveryReceived",
	"presence.update":      "presenceUpdate",
	"presence.batch":       "presenceBatch",
	"typing":               "typing",
	"notification":         "notification",
	"room.updated":         "roomUpdated",
	"member.joined":        "memberJoined",
	"member.left":          "memberLeft",
	"reaction.added":       "reactionAdded",
	"reaction.removed":     "reactionRemoved",
	"pin.added":            "pinAdded",
	"pin.removed":          "pinRemoved",
	"attachment.processed": "attachmentProcessed",
	"user.updated":         "userUpdated",
	"sync.complete":        "syncComplete",
	"sync.reset_required":  "syncResetRequired",
	"server.shutdown":      "serverShutdown",
	"error":                "error",
	"pong":                 "pong",
}

// serverSchemas compiles the server event schemas once for the test binary.
var serverSchemas = sync.OnceValues(func() (map[string]*jsonschema.Schema, error) {
	names := make([]string, 0, len(serverMessages))
	for _, n := range serverMessages {
		names = append(names, n)
	}
	byName, err := realtime.CompileServerMessages(names...)
	if err != nil {
		return nil, err
	}
	byType := make(map[string]*jsonschema.Schema, len(serverMessages))
	for typ, n := range serverMessages {
		byType[typ] = byName[n]
	}
	return byType, nil
})

// checkFrame validates an outbound frame against its asyncapi.yaml schema,
// so the hub and the contract cannot drift apart.
func checkFrame(data []byte) (frame, error) {
	schemas, err := serverSchemas()
	if err != nil {
		return frame{}, err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return frame{}, fmt.Errorf("frame is not JSON: %w: %s", err, data)
	}
	obj, _ := v.(map[string]any)
	typ, _ := obj["type"].(string)
	s, ok := schemas[typ]
	if !ok {
		return frame{}, fmt.Errorf("frame of unknown type %q: %s", typ, data)
	}
	if err := s.Validate(v); err != nil {
		return frame{}, fmt.Errorf("frame breaks the %s schema: %v: %s", typ, err, data)
	}
	f := frame{Type: typ, Raw: data}
	if err := json.Unmarshal(data, &f.F); err != nil {
		return frame{}, err
	}
	return f, nil
}

// frame is a received server event.
type frame struct {
	Type string
	F    map[string]any
	Raw  []byte
}

func (f frame) str(k string) string { s, _ := f.F[k].(string); return s }

func (f frame) num(k string) int64 { n, _ := f.F[k].(float64); return int64(n) }

type env struct {
	t      testing.TB
	st     *store.Store
	hub    *realtime.Hub
	srv    *httptest.Server
	tenant string
}

// newEnv runs a hub over a fresh SQLite store behind an httptest server whose
// handler takes tenant and user from the query: the stand-in for the
// server's authentication, which is not under test here.
func newEnv(t testing.TB, cfg realtime.Config) *env {
	t.Helper()
	return newEnvOver(t, cfg, nil)
}

// newEnvOver is newEnv with the hub over wrap(store) (the store itself
// when wrap is nil): a test that needs a store method to be slow wraps it.
func newEnvOver(t testing.TB, cfg realtime.Config, wrap func(*store.Store) realtime.Store) *env {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "chat.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if cfg.MaxConnsPerUser == 0 {
		// Tests open a connection of the same user per subtest and keep
		// them; TestMaxConnsPerUser sets its own cap.
		cfg.MaxConnsPerUser = 1000
	}
	var hubStore realtime.Store = st
	if wrap != nil {
		hubStore = wrap(st)
	}
	hub, err := realtime.New(cfg, hubStore)
	if err != nil {
		t.Fatalf("new hub: %v", err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := hub.ServeWS(w, r, sessionOf(r)); err != nil {
			http.Error(w, err.Error(), http.StatusTooManyRequests)
		}
	}))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := hub.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		srv.Close()
	})
	tn, err := st.CreateTenant(ctx, "acme", 1000, "hash-"+t.Name())
	if err != nil {
		t.Fatalf("create tenant: %v", err)
	}
	return &env{t: t, st: st, hub: hub, srv: srv, tenant: tn.ID}
}

// sessionOf reads the session from the query: tenant, user, and
// optionally gen (the key generation, 1 when absent) and expires (unix
// nanoseconds).
func sessionOf(r *http.Request) realtime.Session {
	q := r.URL.Query()
	s := realtime.Session{TenantID: q.Get("tenant"), UserID: q.Get("user"), KeyGeneration: 1}
	if g, err := strconv.ParseInt(q.Get("gen"), 10, 64); err == nil {
		s.KeyGeneration = g
	}
	if ns, err := strconv.ParseInt(q.Get("expires"), 10, 64); err == nil {
		s.Expires = time.Unix(0, ns)
	}
	if q.Has("cursor") {
		// The server refuses a malformed cursor at the handshake; here a
		// test gives only good ones.
		if cur, err := store.ParseSyncCursor(q.Get("cursor")); err == nil {
			s.Resume = &cur
		}
	}
	return s
}

func (e *env) room(typ store.RoomType, creator string, members ...string) string {
	e.t.Helper()
	name := "room"
	r, err := e.st.CreateRoom(context.Background(), e.tenant, creator, store.NewRoom{Type: typ, Name: &name, Members: append([]string{creator}, members...)})
	if err != nil {
		e.t.Fatalf("create room: %v", err)
	}
	return r.ID
}

func (e *env) url(user string) string {
	return "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/ws?" + url.Values{"tenant": {e.tenant}, "user": {user}}.Encode()
}

// resumeURL is url with a resume cursor.
func (e *env) resumeURL(user, cursor string) string {
	return e.url(user) + "&" + url.Values{"cursor": {cursor}}.Encode()
}

type client struct {
	t  testing.TB
	ws *websocket.Conn
}

// dial opens a connection without reading anything.
func (e *env) dial(user string, opts *websocket.DialOptions) *client {
	e.t.Helper()
	return e.dialURL(user, e.url(user), opts)
}

// dialURL opens a connection of user to u without reading anything.
func (e *env) dialURL(user, u string, opts *websocket.DialOptions) *client {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, u, opts)
	if err != nil {
		e.t.Fatalf("dial as %s: %v", user, err)
	}
	ws.SetReadLimit(1 << 20)
	e.t.Cleanup(func() { _ = ws.CloseNow() })
	return &client{t: e.t, ws: ws}
}

// connect dials and reads the connect-time sync: it returns the frames
// before sync.complete, and sync.complete.
func (e *env) connect(user string) (*client, []frame, frame) {
	e.t.Helper()
	c := e.dial(user, nil)
	var before []frame
	for {
		f := c.next()
		if f.Type == "sync.complete" {
			return c, before, f
		}
		before = append(before, f)
	}
}

func readFrame(ctx context.Context, ws *websocket.Conn) (frame, error) {
	typ, data, err := ws.Read(ctx)
	if err != nil {
		return frame{}, err
	}
	if typ != websocket.MessageText {
		return frame{}, fmt.Errorf("got a %v frame, want text", typ)
	}
	return checkFrame(data)
}

// next reads one frame, valid against its schema.
func (c *client) next() frame {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	f, err := readFrame(ctx, c.ws)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return f
}

func (c *client) sendRaw(typ websocket.MessageType, data []byte) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	if err := c.ws.Write(ctx, typ, data); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func (c *client) send(v any) {
	c.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	c.sendRaw(websocket.MessageText, b)
}

// until reads frames up to and including the pong answering a ping with
// request id "end", which it sends first: everything the hub queued for this
// connection before handling that ping has then arrived.
func (c *client) until() []frame {
	c.t.Helper()
	c.send(map[string]any{"type": "ping", "request_id": "end"})
	var got []frame
	for {
		f := c.next()
		if f.Type == "pong" && f.str("request_id") == "end" {
			return got
		}
		got = append(got, f)
	}
}

// expectClose reads until the connection ends and checks its close code.
func (c *client) expectClose(want websocket.StatusCode) []frame {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*ioTimeout)
	defer cancel()
	var got []frame
	for {
		f, err := readFrame(ctx, c.ws)
		if err == nil {
			got = append(got, f)
			continue
		}
		var ce websocket.CloseError
		if !errors.As(err, &ce) {
			c.t.Fatalf("connection ended with %v after %d frames, want close %d", err, len(got), want)
		}
		if ce.Code != want {
			c.t.Fatalf("close code %d (%q), want %d", ce.Code, ce.Reason, want)
		}
		return got
	}
}

func types(fs []frame) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Type
	}
	return out
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// settle reads what each client has been sent so far and fails on anything
// but presence.update: the presence of the users who connected after it.
func settle(t *testing.T, cs ...*client) {
	t.Helper()
	for i, c := range cs {
		for _, f := range c.until() {
			if f.Type != "presence.update" {
				t.Fatalf("client %d got %s while settling", i, f.Raw)
			}
		}
	}
}
