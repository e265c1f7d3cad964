// Command chatapi runs the ChatAPI server: REST and WebSocket on one
// listener, on SQLite by default or PostgreSQL when DATABASE_URL says so.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/coder/websocket"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/chatapi/chatapi/contentfilter"
	"github.com/chatapi/chatapi/demo"
	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/files"
	"github.com/chatapi/chatapi/membus"
	"github.com/chatapi/chatapi/pgbus"
	"github.com/chatapi/chatapi/purge"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/server"
	"github.com/chatapi/chatapi/store"
	"github.com/chatapi/chatapi/webhook"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "chatapi:", err)
		os.Exit(1)
	}
}

// defaultGCPercent is the garbage collector's target when GOGC is not set:
// the heap may grow to three times what is live before a collection, not
// Go's two. A send allocates short-lived objects all along the HTTP path
// and the group committer; at Go's default the collector took ~9 % of the
// server's CPU under the send load, and the server sent 14 % more with
// this (BENCHMARKS.md, "Send on SQLite: the collector and the batches");
// idle connections cost ~9 % more memory for it.
const defaultGCPercent = 200

// gcPercent is the GC target to set at start: defaultGCPercent, unless
// GOGC is set, which the runtime has applied already.
func gcPercent(getenv func(string) string) (int, bool) {
	if getenv("GOGC") != "" {
		return 0, false
	}
	return defaultGCPercent, true
}

// config is everything the process is told at start.
type config struct {
	addr          string
	databaseURL   string
	masterKey     string
	logLevel      slog.Level
	rateLimit     int
	bodyLimit     int64
	shutdownDrain time.Duration
	tokenSecret   string
	metricsAddr   string
	pprofAddr     string
	retryMax      int
	// eventRetention is how long room events are kept (EVENT_RETENTION).
	eventRetention time.Duration
	// uploadGCInterval is how often uploads never attached within 24 h are
	// deleted (UPLOAD_GC_INTERVAL).
	uploadGCInterval time.Duration
	// instance places this process among several on one PostgreSQL database.
	instance realtime.ClusterConfig
	// http bounds every connection of the public listener (see httpServer).
	http httpTimeouts
	// wsMaxConns caps one user's WebSocket connections on this instance.
	wsMaxConns int
	// wsCredentialCheck is how often WebSocket connections are checked for
	// expired tokens and rotated keys.
	wsCredentialCheck time.Duration
	// reconnectAfter is how long WebSocket clients are told to wait before
	// they reconnect when this instance shuts down.
	reconnectAfter time.Duration
	// receiptsMaxMembers is the largest room whose members get per-user
	// read and delivery receipts.
	receiptsMaxMembers int
	// demo serves the demo web app at /demo/ (DEMO=true; development only).
	demo bool
	// hookAllowPrivate lets the before-send hook and webhook endpoints be
	// on loopback and private addresses (WEBHOOK_ALLOW_PRIVATE; development
	// and tests).
	hookAllowPrivate bool
	// corsOrigins are the browser origins allowed to call the API and open
	// /ws (CORS_ALLOWED_ORIGINS), or just "*".
	corsOrigins []string
	// storageURL names where uploads are kept (STORAGE_URL), storageSecret
	// signs the local backend's URLs, publicURL is how clients reach us.
	storageURL    string
	storageSecret string
	publicURL     string
	// s3 are the credentials of an s3:// STORAGE_URL.
	s3 s3Credentials
	// webhooks configures the delivery of the tenants' webhooks.
	webhooks webhookConfig
}

// webhookConfig is what the webhook sender is told at start.
type webhookConfig struct {
	// retryWindow is how long a failing delivery is retried before its
	// endpoint is deactivated (WEBHOOK_RETRY_WINDOW).
	retryWindow time.Duration
	// pollInterval is how often the delivery queue is looked at for what
	// other instances stored or what is due for a retry (WEBHOOK_POLL_INTERVAL).
	pollInterval time.Duration
	// secretKey seals the endpoints' signing secrets in the database
	// (WEBHOOK_SECRET_KEY); empty derives one from the master key.
	secretKey string
}

// httpTimeouts are the http.Server deadlines. Hijacked WebSocket
// connections drop them (realtime's smallBuffers) and keep their own
// heartbeat.
type httpTimeouts struct {
	// readHeader bounds the request line and headers.
	readHeader time.Duration
	// read bounds the whole request, body included, from its first byte.
	read time.Duration
	// write bounds the response, from the end of the request headers: it
	// must cover the body's read and the handler's own limit (30 s).
	write time.Duration
	// idle bounds the wait for the next request on a kept-alive connection.
	idle time.Duration
}

func loadConfig(args []string, getenv func(string) string) (config, error) {
	fs := flag.NewFlagSet("chatapi", flag.ContinueOnError)
	env := &environment{getenv: getenv}
	addr := fs.String("addr", env.str("CHATAPI_ADDR", ":8080"), "listen address (CHATAPI_ADDR)")
	dbURL := fs.String("database-url", getenv("DATABASE_URL"), "SQLite path or postgres:// URL (DATABASE_URL); default ./data/chatapi.db")
	logLevel := fs.String("log-level", env.str("LOG_LEVEL", "info"), "debug, info, warn or error (LOG_LEVEL)")
	rateLimit := fs.Int("rate-limit", env.int("RATE_LIMIT_RPS", 100), "default requests/s per tenant (RATE_LIMIT_RPS)")
	bodyLimit := fs.Int64("body-limit", int64(env.int("BODY_LIMIT_BYTES", 64<<10)), "request body limit in bytes (BODY_LIMIT_BYTES)")
	drain := fs.Duration("shutdown-drain-timeout", env.duration("SHUTDOWN_DRAIN_TIMEOUT", 10*time.Second), "graceful shutdown limit (SHUTDOWN_DRAIN_TIMEOUT)")
	pprofAddr := fs.String("pprof-addr", getenv("PPROF_ADDR"), "serve /debug/pprof/ on this loopback address (PPROF_ADDR); off when empty")
	retryMax := fs.Int("retry-max-attempts", env.int("RETRY_MAX_ATTEMPTS", 5), "deliveries of an unacked message before it is dead-lettered (RETRY_MAX_ATTEMPTS)")
	instanceID := fs.String("instance-id", getenv("INSTANCE_ID"), "this instance's name among several on one PostgreSQL database; default random (INSTANCE_ID)")
	heartbeat := fs.Duration("instance-heartbeat", env.duration("INSTANCE_HEARTBEAT", 2*time.Second), "how often an instance proves it is alive, PostgreSQL only (INSTANCE_HEARTBEAT)")
	instanceTimeout := fs.Duration("instance-timeout", env.duration("INSTANCE_TIMEOUT", 10*time.Second), "silence after which an instance is taken for dead and its users offline (INSTANCE_TIMEOUT)")
	uploadGC := fs.Duration("upload-gc-interval", env.duration("UPLOAD_GC_INTERVAL", files.DefaultCollectInterval), "how often uploads never attached to a message within 24 hours are deleted (UPLOAD_GC_INTERVAL)")
	eventRetention := fs.Duration("event-retention", env.duration("EVENT_RETENTION", defaultEventRetention), "how long room events are kept for GET /sync and GET /rooms/{room_id}/events (EVENT_RETENTION)")
	readHeader := fs.Duration("http-read-header-timeout", env.duration("HTTP_READ_HEADER_TIMEOUT", 10*time.Second), "limit on reading a request's headers; 0 for none (HTTP_READ_HEADER_TIMEOUT)")
	read := fs.Duration("http-read-timeout", env.duration("HTTP_READ_TIMEOUT", 30*time.Second), "limit on reading a whole request, body included; 0 for none (HTTP_READ_TIMEOUT)")
	write := fs.Duration("http-write-timeout", env.duration("HTTP_WRITE_TIMEOUT", 60*time.Second), "limit on answering a request, from the end of its headers; 0 for none (HTTP_WRITE_TIMEOUT)")
	idle := fs.Duration("http-idle-timeout", env.duration("HTTP_IDLE_TIMEOUT", 60*time.Second), "how long a kept-alive connection may wait for its next request; 0 takes HTTP_READ_TIMEOUT (HTTP_IDLE_TIMEOUT)")
	wsMaxConns := fs.Int("ws-max-connections-per-user", env.int("WS_MAX_CONNECTIONS_PER_USER", 10), "WebSocket connections one user may hold on this instance (WS_MAX_CONNECTIONS_PER_USER)")
	wsCheck := fs.Duration("ws-credential-check-interval", env.duration("WS_CREDENTIAL_CHECK_INTERVAL", 5*time.Second), "how often WebSocket connections of expired tokens and rotated keys are closed (WS_CREDENTIAL_CHECK_INTERVAL)")
	reconnectAfter := fs.Duration("shutdown-reconnect-after", env.duration("SHUTDOWN_RECONNECT_AFTER", 2*time.Second), "how long WebSocket clients are told to wait before reconnecting, in server.shutdown and the Retry-After of a handshake refused during shutdown (SHUTDOWN_RECONNECT_AFTER)")
	receiptsMax := fs.Int("receipts-max-members", env.int("RECEIPTS_MAX_MEMBERS", 100), "largest room whose members get per-user read and delivery receipts (RECEIPTS_MAX_MEMBERS)")
	hookAllowPrivate := fs.Bool("webhook-allow-private", env.bool("WEBHOOK_ALLOW_PRIVATE", false), "let the before-send hook and webhook endpoints be on loopback and private addresses: development and tests only (WEBHOOK_ALLOW_PRIVATE)")
	demoApp := fs.Bool("demo", env.bool("DEMO", false), "serve the demo web app at /demo/, with a demo tenant for anyone who opens it: development only (DEMO)")
	corsOrigins := fs.String("cors-allowed-origins", getenv("CORS_ALLOWED_ORIGINS"), "comma-separated browser origins (https://app.example.com) allowed to call the API and open /ws, or * for any (then without credentials); none when empty (CORS_ALLOWED_ORIGINS)")
	storageURL := fs.String("storage-url", env.str("STORAGE_URL", defaultStorageURL), "where uploaded files are kept: "+storageURLForms+"; s3:// signs with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (STORAGE_URL)")
	publicURL := fs.String("public-url", getenv("PUBLIC_URL"), "scheme://host[:port] clients reach this service at, for the local storage's signed URLs; default http://localhost:PORT (PUBLIC_URL)")
	whWindow := fs.Duration("webhook-retry-window", env.duration("WEBHOOK_RETRY_WINDOW", webhook.DefaultRetryWindow), "how long a failing webhook delivery is retried before its endpoint is deactivated (WEBHOOK_RETRY_WINDOW)")
	whPoll := fs.Duration("webhook-poll-interval", env.duration("WEBHOOK_POLL_INTERVAL", webhook.DefaultPollInterval), "how often the webhook queue is looked at for events stored by other instances and retries due (WEBHOOK_POLL_INTERVAL)")
	if err := env.err(); err != nil {
		return config{}, err
	}
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if *reconnectAfter <= 0 {
		return config{}, fmt.Errorf("SHUTDOWN_RECONNECT_AFTER: must be positive, got %v", *reconnectAfter)
	}
	if *uploadGC <= 0 {
		return config{}, fmt.Errorf("UPLOAD_GC_INTERVAL: must be positive, got %s", *uploadGC)
	}
	if *whWindow <= 0 {
		return config{}, fmt.Errorf("WEBHOOK_RETRY_WINDOW: must be positive, got %s", *whWindow)
	}
	if *whPoll <= 0 {
		return config{}, fmt.Errorf("WEBHOOK_POLL_INTERVAL: must be positive, got %s", *whPoll)
	}
	if *eventRetention <= 0 {
		return config{}, fmt.Errorf("EVENT_RETENTION: must be positive, got %s", *eventRetention)
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*logLevel)); err != nil {
		return config{}, fmt.Errorf("LOG_LEVEL: %w", err)
	}
	for name, d := range map[string]time.Duration{
		"HTTP_READ_HEADER_TIMEOUT": *readHeader, "HTTP_READ_TIMEOUT": *read,
		"HTTP_WRITE_TIMEOUT": *write, "HTTP_IDLE_TIMEOUT": *idle,
	} {
		if d < 0 {
			return config{}, fmt.Errorf("%s: must not be negative, got %v", name, d)
		}
	}
	if *wsMaxConns < 1 {
		return config{}, fmt.Errorf("WS_MAX_CONNECTIONS_PER_USER: must be at least 1, got %d", *wsMaxConns)
	}
	if *receiptsMax < 1 {
		return config{}, fmt.Errorf("RECEIPTS_MAX_MEMBERS: must be at least 1, got %d", *receiptsMax)
	}
	if *wsCheck <= 0 {
		return config{}, fmt.Errorf("WS_CREDENTIAL_CHECK_INTERVAL: must be positive, got %v", *wsCheck)
	}
	origins, err := parseOrigins(*corsOrigins)
	if err != nil {
		return config{}, fmt.Errorf("CORS_ALLOWED_ORIGINS: %w", err)
	}
	return config{
		corsOrigins: origins,
		addr:        *addr, databaseURL: *dbURL, masterKey: getenv("MASTER_API_KEY"), logLevel: lvl,
		rateLimit: *rateLimit, bodyLimit: *bodyLimit, shutdownDrain: *drain,
		tokenSecret: getenv("TOKEN_SECRET"), metricsAddr: getenv("METRICS_ADDR"),
		retryMax: *retryMax, pprofAddr: *pprofAddr, eventRetention: *eventRetention, uploadGCInterval: *uploadGC,
		instance:   realtime.ClusterConfig{InstanceID: *instanceID, Heartbeat: *heartbeat, InstanceTimeout: *instanceTimeout},
		http:       httpTimeouts{readHeader: *readHeader, read: *read, write: *write, idle: *idle},
		wsMaxConns: *wsMaxConns, wsCredentialCheck: *wsCheck, reconnectAfter: *reconnectAfter,
		receiptsMaxMembers: *receiptsMax, demo: *demoApp, hookAllowPrivate: *hookAllowPrivate,
		storageURL: *storageURL, storageSecret: getenv("STORAGE_SECRET"), publicURL: *publicURL,
		s3: s3Credentials{accessKeyID: getenv("AWS_ACCESS_KEY_ID"), secretAccessKey: getenv("AWS_SECRET_ACCESS_KEY"), sessionToken: getenv("AWS_SESSION_TOKEN")},
		webhooks: webhookConfig{retryWindow: *whWindow, pollInterval: *whPoll,
			secretKey: getenv("WEBHOOK_SECRET_KEY")},
	}, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(args, getenv)
	if err != nil {
		return err
	}
	if pct, ok := gcPercent(getenv); ok {
		debug.SetGCPercent(pct)
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.logLevel}))

	if cfg.masterKey == "" {
		cfg.masterKey, err = newMasterKey()
		if err != nil {
			return err
		}
		// Printed once, to the terminal, never through the logger.
		fmt.Fprintf(stdout, "MASTER_API_KEY was not set; generated for this run: %s\n", cfg.masterKey)
	}

	st, err := store.Open(ctx, cfg.databaseURL)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer st.Close()

	hubCfg := realtime.Config{Logger: logger, RetryMaxAttempts: cfg.retryMax,
		MaxConnsPerUser: cfg.wsMaxConns, CredentialCheckInterval: cfg.wsCredentialCheck,
		ReconnectAfter: cfg.reconnectAfter, ReceiptsMaxMembers: cfg.receiptsMaxMembers,
		// The WebSocket library accepts a same-host origin by itself; the
		// others are CORS_ALLOWED_ORIGINS, matched as scheme://host
		// patterns, which parseOrigins left free of pattern characters
		// but a lone "*".
		AcceptOptions: &websocket.AcceptOptions{OriginPatterns: cfg.corsOrigins}}
	if cfg.instance.InstanceID == "" {
		if cfg.instance.InstanceID, err = newInstanceID(); err != nil {
			return err
		}
	}
	bus, presence, err := openCluster(ctx, st, cfg, logger)
	if err != nil {
		return err
	}
	hubCfg.Cluster, hubCfg.Presence, hubCfg.Instance = bus, presence, cfg.instance
	if cfg.publicURL == "" {
		cfg.publicURL = defaultPublicURL(cfg.addr)
	}
	backend, fileServer, err := openStorage(ctx, cfg.storageURL, secretOr(cfg.storageSecret, cfg.masterKey, "chatapi storage urls v1"), cfg.publicURL, nil, cfg.s3)
	if err != nil {
		return err
	}
	uploads := files.New(st, backend, files.Config{Logger: logger})
	// A message filled into the live stream from the log carries signed
	// attachment URLs, as its live announcement does.
	hubCfg.Attachments = uploads
	// One content filter for both transports: a blocklist or hook changed
	// over REST holds for WebSocket sends at once.
	// Its hooks' secrets are sealed with the webhook endpoints' key.
	sealKey := secretOr(cfg.webhooks.secretKey, cfg.masterKey, "chatapi webhook secrets v1")
	content := contentfilter.New(st, contentfilter.Config{Logger: logger, AllowPrivate: cfg.hookAllowPrivate, SealKey: sealKey})
	hubCfg.ContentFilter = content
	hub, err := realtime.New(hubCfg, st)
	if err != nil {
		return fmt.Errorf("realtime: %w", err)
	}
	// The bus and the heartbeat run until the hub has said goodbye to its
	// clients (below), then stop with runCtx.
	runCtx, stopRunning := context.WithCancel(context.WithoutCancel(ctx))
	var background sync.WaitGroup
	defer func() {
		stopRunning()
		background.Wait()
	}()
	background.Go(func() { _ = hub.RunCredentialChecks(runCtx) })
	busErr := make(chan error, 1)
	background.Go(func() { busErr <- bus.Run(runCtx, hub) })
	background.Go(func() { _ = hub.RunCluster(runCtx) })
	select {
	case <-bus.Listening():
	case err := <-busErr:
		return fmt.Errorf("event bus: %w", err)
	case <-ctx.Done():
		return nil
	}
	background.Go(func() { pruneEvents(runCtx, st, cfg.eventRetention, logger) })
	background.Go(func() { pruneIdempotencyKeys(runCtx, st, maxPruneInterval, logger) })
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "chatapi_ws_connections", Help: "Open WebSocket connections on this instance.",
		}, func() float64 { return float64(hub.Connections()) }))
	for _, c := range []struct {
		name, help string
		value      func() uint64
	}{
		{"chatapi_bus_refused_version_total", "Event bus notifications of another wire version, refused: another server version shares the database.",
			func() uint64 { return bus.Stats().RefusedVersion }},
		{"chatapi_bus_undecodable_total", "Event bus notifications that did not decode.",
			func() uint64 { return bus.Stats().Undecodable }},
		{"chatapi_bus_sent_total", "Event bus notifications this instance sent to the others.",
			func() uint64 { return bus.Stats().Sent }},
		{"chatapi_bus_sent_bytes_total", "Payload bytes of the event bus notifications this instance sent.",
			func() uint64 { return bus.Stats().SentBytes }},
		{"chatapi_bus_received_total", "Event bus notifications of other instances handled here.",
			func() uint64 { return bus.Stats().Received }},
		{"chatapi_ws_events_in_total", "Frames received from WebSocket clients.",
			func() uint64 { return hub.Stats().EventsIn }},
		{"chatapi_ws_events_out_total", "Frames sent to WebSocket clients.",
			func() uint64 { return hub.Stats().EventsOut }},
		{"chatapi_ws_slow_consumers_dropped_total", "Connections closed with 1013 because their queue was full.",
			func() uint64 { return hub.Stats().SlowConsumersDropped }},
		{"chatapi_ws_ephemeral_skipped_total", "Presence and typing frames skipped for connections whose queue was half full.",
			func() uint64 { return hub.Stats().EphemeralSkipped }},
		{"chatapi_ws_order_gaps_total", "Live room events that were not the next of their room, so that the event log was read for those in between.",
			func() uint64 { return hub.Stats().OrderGaps }},
		{"chatapi_ws_order_filled_total", "Room events delivered from the event log to fill a gap in the live stream.",
			func() uint64 { return hub.Stats().OrderFilled }},
		{"chatapi_ws_order_skipped_total", "Room events of a gap the event log no longer had or could not be read for; clients catch up by resuming.",
			func() uint64 { return hub.Stats().OrderSkipped }},
		{"chatapi_ws_order_dropped_total", "Late live announcements of room events already delivered from the event log.",
			func() uint64 { return hub.Stats().OrderDropped }},
		{"chatapi_ws_resumes_reset_total", "WebSocket resumes from a cursor past the event retention, answered by sync.reset_required.",
			func() uint64 { return hub.Stats().ResumesReset }},
	} {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: c.name, Help: c.help},
			func() float64 { return float64(c.value()) }))
	}
	// Thumbnails: those owed from before this start first, then each
	// image as it is completed.
	background.Go(func() { _ = uploads.RunProcessing(runCtx, hub) })
	background.Go(func() { _ = uploads.RunCollection(runCtx, cfg.uploadGCInterval, files.DefaultAbandonAfter) })
	// Deleted tenants and users: those left unfinished by the last run
	// first, then each as it is deleted.
	purger := purge.New(st, backend, hub, purge.Config{Logger: logger})
	background.Go(func() { _ = purger.Run(runCtx) })
	webhooks, err := webhook.New(st, webhook.Config{
		SealKey: sealKey, AllowPrivate: cfg.hookAllowPrivate,
		RetryWindow: cfg.webhooks.retryWindow, PollInterval: cfg.webhooks.pollInterval, Logger: logger,
	})
	if err != nil {
		return err
	}
	if cfg.hookAllowPrivate {
		logger.Warn("WEBHOOK_ALLOW_PRIVATE=true: the before-send hook and webhook endpoints may be on loopback and private networks; development and tests only")
	}
	background.Go(func() { _ = webhooks.Run(runCtx) })
	app, err := server.New(server.Config{
		Files:              uploads,
		FileServer:         fileServer,
		MasterKey:          cfg.masterKey,
		Version:            version,
		BodyLimit:          cfg.bodyLimit,
		DefaultRateLimit:   cfg.rateLimit,
		Logger:             logger,
		TokenSecret:        []byte(cfg.tokenSecret),
		WS:                 hub,
		Connections:        hub.Connections,
		Presence:           hub,
		Metrics:            reg,
		MetricsElsewhere:   cfg.metricsAddr != "",
		CORSAllowedOrigins: cfg.corsOrigins,
		Closer:             hub,
		Purge:              purger,
		ContentFilter:      content,
		Webhooks:           webhooks,
	}, st, webhookNotifier{hub, webhooks})
	if err != nil {
		return err
	}

	if cfg.demo {
		b, err := demo.New(app, cfg.masterKey)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		b.Register(app, middleware.BodyLimit("4K"))
		logger.Warn("DEMO=true: the demo web app is served at /demo/ and hands anyone who opens it a user token of a demo tenant; development only, never in production")
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	srv := httpServer(app, cfg.http)
	logger.Info("listening", "addr", ln.Addr().String(), "database", st.Dialect(), "version", version, "instance", cfg.instance.InstanceID)

	// Every listener is served by a goroutine of background, closed on the
	// way out (the public one after its graceful Shutdown), so that a failure
	// to open a later listener does not leave the earlier ones serving.
	errc := make(chan error, 3)
	defer srv.Close()
	serve(&background, errc, "listener", srv, ln)
	if cfg.metricsAddr != "" {
		// Metrics on a private listener.
		mln, err := net.Listen("tcp", cfg.metricsAddr)
		if err != nil {
			return fmt.Errorf("METRICS_ADDR: %w", err)
		}
		msrv := httpServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), cfg.http)
		defer msrv.Close()
		serve(&background, errc, "metrics listener", msrv, mln)
		logger.Info("metrics listening", "addr", mln.Addr().String())
	}
	if cfg.pprofAddr != "" {
		psrv, err := servePprof(cfg.pprofAddr, &background, errc)
		if err != nil {
			return err
		}
		defer psrv.Close()
		// With the profiler on, contention is sampled too: the block and
		// mutex profiles show where requests wait (e.g. for SQLite's one
		// writer connection), which a CPU profile cannot.
		runtime.SetBlockProfileRate(int((100 * time.Microsecond).Nanoseconds()))
		runtime.SetMutexProfileFraction(100)
		logger.Info("pprof listening", "addr", cfg.pprofAddr)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", cfg.shutdownDrain.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.shutdownDrain)
	defer cancel()
	// Hijacked WebSocket connections are not closed by the HTTP server's
	// shutdown: the hub says goodbye to them (server.shutdown, close 1001)
	// while the HTTP server drains in-flight requests.
	herr := make(chan error, 1)
	background.Go(func() { herr <- hub.Shutdown(sctx) })
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-herr; err != nil {
		return fmt.Errorf("realtime shutdown: %w", err)
	}
	return nil
}

// eventBus carries this instance's events to the other instances and
// theirs to the hub: pgbus.Bus or membus.Bus.
type eventBus interface {
	realtime.Broadcaster
	Run(ctx context.Context, local pgbus.Local) error
	Listening() <-chan struct{}
	Stats() pgbus.Stats
}

// Both buses fit, the in-process one through its aliases of pgbus's types.
var (
	_ eventBus = (*pgbus.Bus)(nil)
	_ eventBus = (*membus.Bus)(nil)
)

// openCluster returns how this instance meets the others. On PostgreSQL
// several instances may share the database: events travel between them over
// LISTEN/NOTIFY and presence lives in the database. On SQLite the instance
// is alone: its bus and presence are in-process.
func openCluster(ctx context.Context, st *store.Store, cfg config, logger *slog.Logger) (eventBus, realtime.PresenceStore, error) {
	if st.Dialect() != "postgres" {
		return membus.New(), membus.NewPresence(membus.PresenceConfig{}), nil
	}
	dsn, err := store.PostgresURL(cfg.databaseURL)
	if err != nil {
		return nil, nil, err
	}
	bus, err := pgbus.New(ctx, pgbus.Config{DSN: dsn, InstanceID: cfg.instance.InstanceID, Logger: logger}, st)
	if err != nil {
		return nil, nil, err
	}
	return bus, st, nil
}

// webhookNotifier announces events to the hub and wakes the webhook sender
// for every room event stored here of a tenant with an active endpoint, so
// that a delivery does not wait for the sender's next look at the queue.
type webhookNotifier struct {
	*realtime.Hub
	webhooks *webhook.Service
}

func (n webhookNotifier) Publish(ctx context.Context, e event.Event) {
	n.Hub.Publish(ctx, e)
	if e.EventSeq > 0 {
		n.webhooks.NotifyEvent(e.TenantID)
	}
}

// parseOrigins reads CORS_ALLOWED_ORIGINS: a comma-separated list of
// origins, each scheme://host[:port] with no path, or "*" alone (any
// origin, then without credentials). Origins are kept lowercase, as
// browsers send them.
func parseOrigins(list string) ([]string, error) {
	var origins []string
	for o := range strings.SplitSeq(list, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if o == "*" {
			origins = append(origins, o)
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" ||
			strings.ContainsAny(u.Host, "*?[]\\") {
			return nil, fmt.Errorf("%q is not an origin: give scheme://host[:port], e.g. https://app.example.com", o)
		}
		origins = append(origins, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	if len(origins) > 1 && slices.Contains(origins, "*") {
		return nil, errors.New(`"*" allows every origin and must be given alone`)
	}
	return origins, nil
}

// defaultEventRetention is SPEC's EVENT_RETENTION default: 30 days.
const defaultEventRetention = 30 * 24 * time.Hour

// Pruning of the room event log: how often at most, and how many events a
// transaction deletes (the writer is free for sends between two).
const (
	maxPruneInterval = 10 * time.Minute
	pruneBatch       = 1000
)

// pruneEvents deletes the room events older than retention, at start and
// then every retention/4 (at most maxPruneInterval), until ctx ends. Every
// instance on a PostgreSQL database prunes; the store makes concurrent
// pruners safe.
func pruneEvents(ctx context.Context, st *store.Store, retention time.Duration, logger *slog.Logger) {
	tick := time.NewTicker(min(retention/4, maxPruneInterval))
	defer tick.Stop()
	for {
		n, err := st.PruneEvents(ctx, time.Now().Add(-retention), pruneBatch)
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Warn("prune room events", "error", err.Error(), "deleted", n)
		case n > 0:
			logger.Info("pruned room events", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// pruneIdempotencyKeys deletes the Idempotency-Key answers past their 24
// hours, at start and then every interval, until ctx ends.
func pruneIdempotencyKeys(ctx context.Context, st *store.Store, interval time.Duration, logger *slog.Logger) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		n, err := st.PruneIdempotencyKeys(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Warn("prune idempotency keys", "error", err.Error())
		case n > 0:
			logger.Info("pruned idempotency keys", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// httpServer serves h with every deadline of t, so that no client holds a
// connection without limit: not with slow headers, a body that never comes
// or trickles in, a response it does not read, nor an idle keep-alive.
func httpServer(h http.Handler, t httpTimeouts) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.readHeader,
		ReadTimeout:       t.read,
		WriteTimeout:      t.write,
		IdleTimeout:       t.idle,
	}
}

// serve runs srv on ln as a goroutine of wg until srv is closed or shut
// down; any other end is sent to errc, named.
func serve(wg *sync.WaitGroup, errc chan<- error, name string, srv *http.Server, ln net.Listener) {
	wg.Go(func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("%s: %w", name, err)
		}
	})
}

// servePprof serves net/http/pprof on its own listener, which must be a
// loopback address: profiles expose internals and cost CPU, so they are
// never on the public listener nor reachable from another machine.
func servePprof(addr string, wg *sync.WaitGroup, errc chan<- error) (*http.Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("PPROF_ADDR: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("PPROF_ADDR %q: must be a loopback address (127.0.0.1:PORT, [::1]:PORT, localhost:PORT)", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("PPROF_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	// A CPU profile takes its seconds parameter to answer: no write timeout.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	serve(wg, errc, "pprof listener", srv, ln)
	return srv, nil
}

func newMasterKey() (string, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "mk_" + hex.EncodeToString(b[:]), nil
}

// newInstanceID names this process among the instances on one database.
func newInstanceID() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:])), nil
}

// environment reads the configuration's environment variables. A variable
// that is set but cannot be read is not ignored for its default: err names
// every such variable, and the start stops.
type environment struct {
	getenv func(string) string
	errs   []error
}

func (e *environment) str(name, def string) string {
	if v := e.getenv(name); v != "" {
		return v
	}
	return def
}

func (e *environment) int(name string, def int) int {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s=%q: want an integer", name, v))
		return def
	}
	return n
}

// duration reads Go's durations ("30s", "1m30s") and, for convenience, a
// bare number of seconds ("30").
func (e *environment) duration(name string, def time.Duration) time.Duration {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	if d, err := time.ParseDuration(v); err == nil {
		return d
	}
	if n, err := strconv.Atoi(v); err == nil {
		return time.Duration(n) * time.Second
	}
	e.errs = append(e.errs, fmt.Errorf("%s=%q: want a duration such as 30s, 1m or 1h30m, or a number of seconds", name, v))
	return def
}

// err is every variable that could not be read, or nil.
func (e *environment) bool(name string, def bool) bool {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s=%q: want true or false", name, v))
		return def
	}
	return b
}

func (e *environment) err() error { return errors.Join(e.errs...) }
