// Package server is ChatAPI's HTTP edge: an Echo application that implements
// the interface generated from openapi.yaml. Handlers translate between the
// generated types and the store's reads or chat.Service's changes;
// authentication, validation against the contract, rate limiting, logging
// and the error envelope are middleware.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/chatapi/chatapi/chat"
	"github.com/chatapi/chatapi/contentfilter"
	"github.com/chatapi/chatapi/files"
	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/storage"
	"github.com/chatapi/chatapi/store"
	"github.com/chatapi/chatapi/webhook"
)

// Store is what the handlers need from persistence: the changes, which they
// make through a chat.Service over it, and the reads.
type Store interface {
	chat.Store

	CheckWritable(ctx context.Context) error

	CreateTenantWithLimits(ctx context.Context, name string, rateLimitRPS int, apiKeyHash string, limits store.UploadLimits) (store.Tenant, error)
	ListTenants(ctx context.Context) ([]store.Tenant, error)
	TenantByKeyHash(ctx context.Context, hash string) (store.Tenant, error)
	TenantByID(ctx context.Context, tenantID string) (store.Tenant, error)
	RotateTenantKey(ctx context.Context, tenantID, newHash string) (store.Tenant, error)

	CreateRoom(ctx context.Context, tenantID, actor string, p store.NewRoom) (store.Room, error)
	ListRooms(ctx context.Context, tenantID, userID string, f store.RoomFilter) ([]store.RoomSummary, error)
	GetRoom(ctx context.Context, tenantID, actor, roomID string) (store.Room, error)
	ListMembers(ctx context.Context, tenantID, actor, roomID string) ([]store.Member, error)

	ListMessages(ctx context.Context, tenantID, actor, roomID string, p store.MessagePage) ([]store.Message, error)
	ListReactions(ctx context.Context, tenantID, actor, roomID, messageID string, p store.ReactionPage) ([]store.Reaction, error)
	ListPins(ctx context.Context, tenantID, actor, roomID string) ([]store.Pin, error)
	ListReplies(ctx context.Context, tenantID, actor, roomID, parentID string, p store.MessagePage) ([]store.Message, error)
	Unread(ctx context.Context, tenantID, userID string) (store.UnreadTotals, error)

	ListRoomEvents(ctx context.Context, tenantID, actor, roomID string, after *int64, limit int) ([]store.RoomEvent, error)
	Sync(ctx context.Context, tenantID, userID string, cursor *store.SyncCursor, limit int) (store.SyncPage, error)

	ListNotifications(ctx context.Context, tenantID, userID string, limit int) ([]store.Notification, error)
	Subscribe(ctx context.Context, tenantID, userID, topic string) (store.Subscription, bool, error)
	ListSubscriptions(ctx context.Context, tenantID, userID string) ([]store.Subscription, error)
	UpdateMemberSettings(ctx context.Context, tenantID, actor, roomID, userID string, ch store.SettingsChange) (store.MemberSettings, error)
	GetProfiles(ctx context.Context, tenantID string, userIDs []string) ([]store.Profile, error)
	SearchUsers(ctx context.Context, tenantID, q, after string, limit int) ([]store.Profile, bool, error)
	SearchMessages(ctx context.Context, tenantID, actor string, q store.SearchQuery) (store.SearchPage, error)
	Unsubscribe(ctx context.Context, tenantID, userID, topic string) error
	ListDeadLetters(ctx context.Context, tenantID string, limit int) (store.DeadLetters, error)
	BanStore

	DeleteTenant(ctx context.Context, tenantID string) error
	TenantUsage(ctx context.Context, tenantID string, from, to time.Time) (store.Usage, error)
	RecordActivity(ctx context.Context, tenantID, userID string, at time.Time) error
	NoteActivity(tenantID, userID string, at time.Time, failed func(error))
	DeleteUser(ctx context.Context, tenantID, userID, messages string, at time.Time) (store.UserDeletion, error)
	UserDeletedAt(ctx context.Context, tenantID, userID string) (time.Time, bool, error)
	EachUserMembership(ctx context.Context, tenantID, userID string, fn func(store.Membership) error) error
	EachUserMessage(ctx context.Context, tenantID, userID string, fn func(store.Message) error) error
	EachUserReaction(ctx context.Context, tenantID, userID string, fn func(store.UserReaction) error) error
	EachUserNotification(ctx context.Context, tenantID, userID string, fn func(store.ReceivedNotification) error) error
	EachUserUpload(ctx context.Context, tenantID, userID string, fn func(store.Upload) error) error

	IdempotencyStore

	contentfilter.Store
	SetBlocklist(ctx context.Context, tenantID string, b store.Blocklist) (store.Blocklist, error)
	SetBeforeSendHook(ctx context.Context, tenantID string, h store.BeforeSendHook) (store.BeforeSendHook, bool, error)
	DeleteBeforeSendHook(ctx context.Context, tenantID string) error
	ListReports(ctx context.Context, tenantID string, scope store.ReportScope, f store.ReportFilter) ([]store.Report, bool, error)
	CloseReport(ctx context.Context, tenantID, actor string, scope store.ReportScope, id, status string) (store.Report, error)
}

// Publisher announces changes to realtime delivery. It must not block on
// slow receivers.
type Publisher = chat.Publisher

// Config holds what the HTTP edge is told at start.
type Config struct {
	// MasterKey guards the admin endpoints. Empty disables them (401).
	MasterKey string
	// Version is reported by /health.
	Version string
	// BodyLimit bounds request bodies, in bytes.
	BodyLimit int64
	// DefaultRateLimit is the requests/s of tenants created without one.
	DefaultRateLimit int
	// Logger receives one line per request.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Connections counts open WebSocket connections for /health; nil reports 0.
	Connections func() int
	// TokenSecret signs user tokens; empty derives one from MasterKey.
	TokenSecret []byte
	// WS runs authenticated WebSocket connections at GET /ws; nil answers 501.
	WS WebSocketHandler
	// Presence answers GET /presence; nil answers 501.
	Presence PresenceReader
	// Metrics receives the HTTP metrics; nil makes a registry of its own.
	Metrics *prometheus.Registry
	// MetricsElsewhere leaves GET /metrics off this application because the
	// caller serves it on a private listener (METRICS_ADDR).
	MetricsElsewhere bool
	// RequestTimeout bounds each REST request (not /ws) [30s].
	RequestTimeout time.Duration
	// Files runs uploads (POST /uploads …); nil answers 501.
	Files *files.Service
	// Webhooks runs the /webhooks operations; nil answers 501.
	Webhooks *webhook.Service
	// FileServer, when not nil, answers the storage backend's signed URLs
	// under storage.LocalPrefix (the local-directory backend serves its own).
	FileServer http.Handler
	// IdempotencyWait is how long a request repeating an Idempotency-Key
	// waits for the first request with it to finish before it is refused
	// with 409 [10s].
	IdempotencyWait time.Duration
	// CORSAllowedOrigins are the browser origins (scheme://host[:port])
	// granted cross-origin access, or just "*" for every origin, without
	// credentials. Empty grants none.
	CORSAllowedOrigins []string
	// Closer closes the WebSocket connections of a deleted tenant or user
	// on this instance at once; nil leaves them to the hub's credential
	// checks.
	Closer ConnectionCloser
	// Purge is woken when a tenant or user is deleted, so that the
	// background purge starts at once; nil leaves it to its own schedule.
	Purge Waker
	// ContentFilter checks sends and edits against the tenants' blocklists
	// and before-send hooks; nil makes one over the store that refuses
	// private hook targets. The realtime
	// hub's chat.Service should share it, so that a change made here holds
	// there at once.
	ContentFilter *contentfilter.Filter
}

// ConnectionCloser closes WebSocket connections whose credentials were
// revoked by a deletion.
type ConnectionCloser interface {
	// CloseTenant closes every connection of the tenant.
	CloseTenant(tenantID string)
	// CloseUser closes the user's connections opened before before.
	CloseUser(tenantID, userID string, before time.Time)
}

// Waker wakes a background worker.
type Waker interface {
	Wake()
}

// PresenceReader tells who is online, as the realtime hub knows it.
type PresenceReader interface {
	PresenceOf(ctx context.Context, tenantID string, userIDs []string) ([]realtime.PresenceInfo, error)
}

// WebSocketHandler takes over an authenticated upgrade request. It answers
// the request itself, or returns a *realtime.TooManyConnectionsError
// without answering.
type WebSocketHandler interface {
	ServeWS(w http.ResponseWriter, r *http.Request, s realtime.Session) error
}

// Server implements the generated strict server interface.
type Server struct {
	cfg     Config
	store   Store
	chat    *chat.Service
	content *contentfilter.Filter
	limits  *rateLimiter
	tenants *tenantCache
	secret  []byte
	metrics *httpMetrics
	started time.Time
	// deletedUsers caches users' deletions for the token checks.
	deletedUsers *deletedUsers
	// activity records the users active each day.
	activity *activity
	// pageBufs lends ListMessages its response buffers (see messagePage).
	pageBufs sync.Pool
}

var _ chatapi.StrictServerInterface = (*Server)(nil)

// New builds the Echo application: middleware, the generated routes and the
// documentation routes. Changes are stored in st and announced to pub (nil:
// to no one) through one chat.Service, the one the WebSocket path uses too. extra routes (such as /ws) can be added by the caller
// on the returned instance.
func New(cfg Config, st Store, pub Publisher) (*echo.Echo, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 64 << 10
	}
	if cfg.DefaultRateLimit <= 0 {
		cfg.DefaultRateLimit = 100
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = defaultRequestTimeout
	}
	if cfg.IdempotencyWait <= 0 {
		cfg.IdempotencyWait = defaultIdempotencyWait
	}
	if cfg.Metrics == nil {
		cfg.Metrics = prometheus.NewRegistry()
	}
	if cfg.ContentFilter == nil {
		cfg.ContentFilter = contentfilter.New(st, contentfilter.Config{Logger: cfg.Logger})
	}
	s := &Server{cfg: cfg, store: st, chat: newChat(cfg, st, pub), content: cfg.ContentFilter, limits: newRateLimiter(cfg.Now), tenants: newTenantCache(cfg.Now), secret: tokenSecret(cfg), started: cfg.Now(),
		deletedUsers: newDeletedUsers(cfg.Now, st.UserDeletedAt), activity: newActivity(cfg.Now, st.RecordActivity, st.NoteActivity)}

	var err error
	if s.metrics, err = newHTTPMetrics(cfg.Metrics); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}

	spec, err := chatapi.GetSwagger()
	if err != nil {
		return nil, fmt.Errorf("load embedded spec: %w", err)
	}
	ops, err := operationsOf(spec)
	if err != nil {
		return nil, err
	}

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.Pre(closeUnreadBodies)
	e.Binder = bodyBinder{}
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{}))
	e.Use(s.logRequests)
	e.Use(boundRequests(cfg.RequestTimeout))
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		DisablePrintStack: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.cfg.Logger.Error("panic", "request_id", requestID(c), "error", err.Error(), "stack", string(stack))
			return err
		},
	}))

	if len(cfg.CORSAllowedOrigins) > 0 {
		e.Use(cors(cfg.CORSAllowedOrigins))
	}

	bodyLimit := limitBody(cfg.BodyLimit)
	router := &specRouter{e: e, ops: ops, mw: func(op operation) []echo.MiddlewareFunc {
		// Credentials first: a request without them is refused before
		// anything looks at its body.
		limit := bodyLimit
		if op.bodyLimit > cfg.BodyLimit {
			limit = limitBody(op.bodyLimit)
		}
		mw := []echo.MiddlewareFunc{s.authenticate(op.auth, op.bansChecked), limit, requireJSON(op.hasBody)}
		if op.validate != nil { // nil for a route the spec lacks: New refuses those
			mw = append(mw, op.validate)
		}
		if op.idempotent {
			mw = append(mw, s.idempotent)
		}
		return mw
	}}
	chatapi.RegisterHandlers(router, chatapi.NewStrictHandler(s, nil))
	if router.err != nil {
		return nil, router.err
	}
	registerDocs(e, bodyLimit)
	routeBlocksCollection(e)
	e.GET("/ws", s.serveWS)
	if cfg.FileServer != nil {
		// Outside the contract's routes: a browser or an upload tool
		// calls these signed URLs without the API's headers or envelope.
		e.Any(storage.LocalPrefix+"*", echo.WrapHandler(cfg.FileServer))
	}
	if !cfg.MetricsElsewhere {
		e.GET("/metrics", MetricsHandler(cfg.Metrics), bodyLimit)
	}
	return e, nil
}

// newChat is the chat.Service of the handlers, signing attachment URLs
// when uploads are served.
func newChat(cfg Config, st Store, pub Publisher) *chat.Service {
	opts := []chat.Option{chat.WithContentFilter(cfg.ContentFilter)}
	if cfg.Files != nil {
		opts = append(opts, chat.WithAttachmentURLs(cfg.Files))
	}
	return chat.New(st, pub, opts...)
}

// notImplemented answers operations whose feature has not landed yet.
func notImplemented() error {
	return &apiError{status: http.StatusNotImplemented, code: codeNotImplemented, message: "not implemented yet"}
}
