package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/chatapi/chatapi/contentfilter"
	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/files"
	"github.com/chatapi/chatapi/gen/chatclient"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/server"
	"github.com/chatapi/chatapi/storage"
	"github.com/chatapi/chatapi/storage/s3test"
	"github.com/chatapi/chatapi/store"
	"github.com/chatapi/chatapi/store/pgtest"
	"github.com/chatapi/chatapi/webhook"
)

const testMasterKey = "mk_test_master_key"

// env is a live server over a real listener, on a fresh SQLite database.
type env struct {
	t      testing.TB
	url    string
	store  *store.Store
	events *event.Recorder
	logs   *syncBuffer
	// skew moves the server's clock ahead of the real one (nanoseconds).
	skew atomic.Int64
	// files is the storage backend the server keeps uploads in.
	files storage.Backend
	// storeSkew moves the store's clock forward (nanoseconds).
	storeSkew atomic.Int64
	// svc runs the server's uploads; pub is where the server announces.
	svc *files.Service
	pub server.Publisher
}

// startProcessing runs the thumbnail processing of the server's uploads,
// as the binary does from its start, until the test ends: what was
// completed before it starts is processed first, as after a restart.
func (e *env) startProcessing() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = e.svc.RunProcessing(ctx, e.pub)
	}()
	e.t.Cleanup(func() {
		cancel()
		<-done
	})
}

// now is the server's clock.
func (e *env) now() time.Time { return time.Now().Add(time.Duration(e.skew.Load())) }

// advance moves the server's clock forward.
func (e *env) advance(d time.Duration) { e.skew.Add(int64(d)) }

// advanceStore moves the store's clock forward, as if d passed between the
// changes it stores.
func (e *env) advanceStore(d time.Duration) { e.storeSkew.Add(int64(d)) }

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newEnv(t testing.TB) *env {
	return newEnvWith(t, envOptions{})
}

// envOptions changes the server newEnvWith runs; the zero value is newEnv's.
type envOptions struct {
	// wrap wraps the store the server sees.
	wrap func(*store.Store) server.Store
	// hub, built on the store and the server's clock, runs behind /ws and
	// as the publisher in place of the stand-in and the recorder (see
	// realHub).
	hub func(st *store.Store, now func() time.Time, attachments realtime.FrameSigner) hubUnderTest
	// requestTimeout is Config.RequestTimeout; zero keeps the default.
	requestTimeout time.Duration
	// idempotencyWait is Config.IdempotencyWait; zero keeps the default.
	idempotencyWait time.Duration
	// cors is Config.CORSAllowedOrigins.
	cors []string
	// databaseURL is the database the store opens in place of a fresh
	// SQLite file (a PostgreSQL schema of pgtest).
	databaseURL string
	// allowPrivate lets the before-send hook call loopback addresses
	// (WEBHOOK_ALLOW_PRIVATE).
	allowPrivate bool
	// s3, when set, keeps uploads in a fresh bucket of this S3-compatible
	// server in place of a local directory.
	s3 *s3test.Server
	// webhooks, when set, runs the webhook sender with this configuration
	// (its SealKey filled in); otherwise /webhooks works but nothing is
	// sent, and private targets are refused.
	webhooks *webhook.Config
}

func newEnvWith(t testing.TB, opts envOptions) *env {
	t.Helper()
	ctx := context.Background()
	// A clock that moves 1 ms per reading, so that "newest first" is never a tie.
	var mu sync.Mutex
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e := &env{t: t, events: &event.Recorder{}, logs: &syncBuffer{}}
	tick := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Millisecond)
		return clock.Add(time.Duration(e.storeSkew.Load()))
	}
	dbURL := opts.databaseURL
	if dbURL == "" {
		dbURL = filepath.Join(t.TempDir(), "chatapi.db")
	}
	st, err := store.Open(ctx, dbURL, store.WithClock(tick))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	var s server.Store = st
	if opts.wrap != nil {
		s = opts.wrap(st)
	}
	e.store = st
	cfg := server.Config{
		MasterKey: testMasterKey,
		Version:   "test",
		Logger:    slog.New(slog.NewJSONHandler(e.logs, nil)),
		WS:        wsStandIn{},
		Now:       e.now,

		RequestTimeout:     opts.requestTimeout,
		CORSAllowedOrigins: opts.cors,
		IdempotencyWait:    opts.idempotencyWait,
	}
	if opts.allowPrivate {
		cfg.ContentFilter = contentfilter.New(st, contentfilter.Config{AllowPrivate: true})
	}
	// The listener first: the local storage signs URLs under its address.
	srv := httptest.NewUnstartedServer(nil)
	e.url = "http://" + srv.Listener.Addr().String()
	if opts.s3 != nil {
		bucket, err := opts.s3.NewBucket(ctx)
		if err != nil {
			t.Fatalf("storage: %v", err)
		}
		b, err := storage.NewS3(storage.S3Config{
			Endpoint: opts.s3.Endpoint, Region: s3test.Region, Bucket: bucket, PathStyle: true,
			AccessKeyID: s3test.AccessKeyID, SecretAccessKey: s3test.SecretAccessKey,
		})
		if err != nil {
			t.Fatalf("storage: %v", err)
		}
		e.files = b
	} else {
		local, err := storage.NewLocal(t.TempDir(), []byte("test storage secret 0123456789"), e.url, e.now)
		if err != nil {
			t.Fatalf("storage: %v", err)
		}
		e.files = local
		cfg.FileServer = local
	}
	cfg.Files = files.New(st, e.files, files.Config{Now: e.now})
	var pub server.Publisher = e.events
	if opts.hub != nil {
		h := opts.hub(st, e.now, cfg.Files)
		cfg.WS, cfg.Connections, cfg.Presence, pub = h, h.Connections, h, h
		if c, ok := h.(server.ConnectionCloser); ok {
			cfg.Closer = c
		}
	}
	e.svc, e.pub = cfg.Files, pub
	whCfg := webhook.Config{}
	if opts.webhooks != nil {
		whCfg = *opts.webhooks
	}
	whCfg.SealKey = []byte("test webhook seal key")
	if cfg.Webhooks, err = webhook.New(st, whCfg); err != nil {
		t.Fatalf("webhooks: %v", err)
	}
	if opts.webhooks != nil {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = cfg.Webhooks.Run(ctx)
		}()
		t.Cleanup(func() {
			cancel()
			<-done
		})
	}
	app, err := server.New(cfg, s, pub)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	srv.Config.Handler = app
	srv.Start()
	t.Cleanup(srv.Close)
	return e
}

// client is the generated client with the given headers set on every request.
func (e *env) client(headers map[string]string) *chatclient.ClientWithResponses {
	e.t.Helper()
	c, err := chatclient.NewClientWithResponses(e.url, chatclient.WithRequestEditorFn(
		func(_ context.Context, req *http.Request) error {
			for k, v := range headers {
				req.Header.Set(k, v)
			}
			return nil
		}))
	if err != nil {
		e.t.Fatalf("client: %v", err)
	}
	return c
}

func (e *env) admin() *chatclient.ClientWithResponses {
	return e.client(map[string]string{"X-Master-Key": testMasterKey})
}

// tenant is a created tenant and its key.
type tenant struct {
	id  string
	key string
	e   *env
}

func (e *env) newTenant(name string, rps int) tenant {
	e.t.Helper()
	body := chatclient.CreateTenantJSONRequestBody{Name: name}
	if rps > 0 {
		body.RateLimitRps = &rps
	}
	resp, err := e.admin().CreateTenantWithResponse(context.Background(), nil, body)
	if err != nil || resp.JSON201 == nil {
		e.t.Fatalf("create tenant: %v %s", err, bodyOf(resp))
	}
	return tenant{id: resp.JSON201.Data.TenantId, key: resp.JSON201.Data.ApiKey, e: e}
}

// token is a user token of user in the tenant, from POST /tokens.
func (tn tenant) token(user string) string {
	tn.e.t.Helper()
	r, err := tn.as(user).CreateTokenWithResponse(context.Background(), nil, chatclient.CreateTokenRequest{})
	if err != nil || r.JSON201 == nil {
		tn.e.t.Fatalf("token: %v %s", err, bodyOf(r))
	}
	return r.JSON201.Data.Token
}

// bearer is the generated client authenticated by a user token alone.
func (e *env) bearer(token string) *chatclient.ClientWithResponses {
	return e.client(map[string]string{"Authorization": "Bearer " + token})
}

// as is the generated client acting as user in the tenant.
func (tn tenant) as(user string) *chatclient.ClientWithResponses {
	return tn.e.client(map[string]string{"X-API-Key": tn.key, "X-User-Id": user})
}

func (tn tenant) createRoom(user string, typ chatclient.RoomType, members ...string) chatclient.Room {
	tn.e.t.Helper()
	req := chatclient.CreateRoomRequest{Type: typ}
	if len(members) > 0 {
		req.Members = &members
	}
	resp, err := tn.as(user).CreateRoomWithResponse(context.Background(), nil, req)
	if err != nil || resp.JSON201 == nil {
		tn.e.t.Fatalf("create %s room: %v %s", typ, err, bodyOf(resp))
	}
	return resp.JSON201.Data
}

// response is what every generated response has.
type response interface {
	StatusCode() int
	GetBody() []byte
}

// bodyOf returns the raw body of a generated response, for failure messages.
func bodyOf[R response](r R) string {
	if v := reflect.ValueOf(r); !v.IsValid() || (v.Kind() == reflect.Pointer && v.IsNil()) {
		return "<nil>"
	}
	return string(r.GetBody())
}

// refused asserts that a generated call was refused as wanted.
func refused[R response](t *testing.T, r R, err error, want refusal) {
	t.Helper()
	if err != nil {
		t.Fatalf("request failed: %v", err)
	}
	checkRefusal(t, r.StatusCode(), r.GetBody(), want)
}

// answered asserts a generated call's status and, when code is set, that it
// was a refusal with that error code.
func answered[R response](t *testing.T, r R, err error, status int, code string) {
	t.Helper()
	if code != "" {
		refused(t, r, err, refusal{status, code, ""})
		return
	}
	if err != nil {
		t.Fatalf("request failed: %v", err)
	}
	if r.StatusCode() != status {
		t.Fatalf("status = %d, want %d: %s", r.StatusCode(), status, r.GetBody())
	}
}

// envelope is the SPEC envelope, decoded loosely so a test sees exactly
// what was sent.
type envelope struct {
	Success *bool           `json:"success"`
	Data    json.RawMessage `json:"data"`
	Error   *struct {
		Code    string         `json:"code"`
		Message string         `json:"message"`
		Field   string         `json:"field"`
		Details map[string]any `json:"details"`
	} `json:"error"`
}

// refusal is the status and error of a refused request.
type refusal struct {
	status int
	code   string
	field  string
}

// raw sends a request the generated client cannot produce and returns the
// status and body.
func (e *env) raw(method, path string, headers map[string]string, body string) (int, http.Header, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, resp.Header, readAll(e.t, resp)
}

// rawOversized sends a body the server refuses before reading it all. The
// server answers 413 and closes; on a loaded machine the client may still be
// writing then and see a broken pipe or a reset instead of the answer, which
// says nothing about the server, so such a try is repeated (at most 5).
func (e *env) rawOversized(method, path, body string) (int, []byte) {
	e.t.Helper()
	for try := 1; ; try++ {
		req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
		if err != nil {
			e.t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			if try < 5 && (errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)) {
				continue
			}
			e.t.Fatal(err)
		}
		defer resp.Body.Close()
		return resp.StatusCode, readAll(e.t, resp)
	}
}

// checkRefusal asserts that raw is the error envelope with the wanted status,
// code and (when want.field is set) field.
func checkRefusal(t *testing.T, status int, raw []byte, want refusal) {
	t.Helper()
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatalf("body is not JSON: %q", raw)
	}
	if status != want.status {
		t.Errorf("status = %d, want %d (body %s)", status, want.status, raw)
	}
	if env.Success == nil || *env.Success || env.Error == nil || string(env.Data) != "null" {
		t.Fatalf("not an error envelope: %s", raw)
	}
	if env.Error.Code != want.code {
		t.Errorf("code = %s, want %s (body %s)", env.Error.Code, want.code, raw)
	}
	if env.Error.Message == "" {
		t.Errorf("empty message: %s", raw)
	}
	if want.field != "" && env.Error.Field != want.field {
		t.Errorf("field = %q, want %q (body %s)", env.Error.Field, want.field, raw)
	}
}

func readAll(t testing.TB, resp *http.Response) []byte {
	t.Helper()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return raw
}

// wsStandIn takes the place of the realtime hub behind /ws: it answers with
// whom the server authenticated, so handshake authentication can be tested
// on its own.
type wsStandIn struct{}

func (wsStandIn) ServeWS(w http.ResponseWriter, _ *http.Request, s realtime.Session) error {
	io.WriteString(w, "ws "+s.TenantID+" "+s.UserID)
	return nil
}

// realHub is envOptions.hub for the realtime hub with cfg, on the server's
// clock, checking credentials as cmd/chatapi does; it is shut down when the
// test ends.
func realHub(t testing.TB, cfg realtime.Config) func(*store.Store, func() time.Time, realtime.FrameSigner) hubUnderTest {
	return func(st *store.Store, now func() time.Time, attachments realtime.FrameSigner) hubUnderTest {
		cfg.Now, cfg.Attachments = now, attachments
		h, err := realtime.New(cfg, st)
		if err != nil {
			t.Fatalf("realtime.New: %v", err)
		}
		ctx, stop := context.WithCancel(context.Background())
		checks := make(chan struct{})
		go func() {
			defer close(checks)
			_ = h.RunCredentialChecks(ctx)
		}()
		t.Cleanup(func() {
			stop()
			<-checks
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			h.Shutdown(ctx)
		})
		return h
	}
}

// hubUnderTest is the realtime hub as the server sees it.
type hubUnderTest interface {
	server.WebSocketHandler
	server.Publisher
	server.PresenceReader
	Connections() int
}

// onBothDatabases runs run as subtests on SQLite (dbURL "") and on a fresh
// schema of the throwaway PostgreSQL cluster (skipped when none can be
// started, a failure under CI=true).
func onBothDatabases(t *testing.T, run func(t *testing.T, dbURL string)) {
	t.Run("sqlite", func(t *testing.T) { run(t, "") })
	t.Run("postgres", func(t *testing.T) { run(t, pgtest.Schema(t)) })
}
