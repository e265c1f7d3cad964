package webhook

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chatapi/chatapi/store"
)

// Store is what Service needs of the store.
type Store interface {
	CreateWebhook(ctx context.Context, tenantID string, n store.NewWebhook) (store.Webhook, error)
	GetWebhook(ctx context.Context, tenantID, id string) (store.Webhook, error)
	ListWebhooks(ctx context.Context, tenantID, after string, limit int) ([]store.Webhook, bool, error)
	UpdateWebhook(ctx context.Context, tenantID, id string, c store.WebhookChange) (store.Webhook, error)
	DeleteWebhook(ctx context.Context, tenantID, id string) error
	RotateWebhookSecret(ctx context.Context, tenantID, id string, secret []byte, overlapUntil time.Time) (store.Webhook, error)
	ListWebhookDeliveries(ctx context.Context, tenantID, webhookID, before string, limit int) ([]store.WebhookDelivery, bool, error)
	RetryWebhookDelivery(ctx context.Context, tenantID, webhookID, deliveryID string) (store.WebhookDelivery, error)
	ReplayWebhook(ctx context.Context, tenantID, webhookID string, since store.ReplaySince) (int, error)
	FanOutWebhookEvents(ctx context.Context, limit int) (int, error)
	DueWebhookEndpoints(ctx context.Context, limit int) ([]string, error)
	ActiveWebhookTenants(ctx context.Context) ([]string, error)
	ClaimWebhookDeliveries(ctx context.Context, endpointID string, n int, lease, window time.Duration) ([]store.WebhookAttempt, error)
	FinishWebhookAttempt(ctx context.Context, r store.WebhookResult) (bool, error)
	PruneWebhookDeliveries(ctx context.Context, before time.Time, batch int) (int64, error)
}

// Defaults of Config.
const (
	// DefaultTimeout is how long an endpoint has to answer (SPEC: 5 s).
	DefaultTimeout = 5 * time.Second
	// DefaultRetryWindow is how long a delivery is retried (SPEC: 24 h).
	DefaultRetryWindow = 24 * time.Hour
	// DefaultPerEndpoint is how many deliveries to one endpoint one
	// instance has in flight at most.
	DefaultPerEndpoint = 4
	// DefaultPollInterval is how often the queue is looked at when nothing
	// wakes the sender sooner.
	DefaultPollInterval = 200 * time.Millisecond
	// DefaultKeepFinished is how long a delivery that succeeded or failed
	// stays in the delivery log (and in the usage counts read from it).
	DefaultKeepFinished = 90 * 24 * time.Hour
	// pruneEvery is how often finished deliveries past KeepFinished are
	// deleted.
	pruneEvery = time.Hour
	// RotationOverlap is how long a rotated-out secret still signs.
	RotationOverlap = 24 * time.Hour
	// maxRetryDelay caps the backoff between two attempts.
	maxRetryDelay = time.Hour
	// maxResponseRead is how much of an answer is read (and dropped) so
	// that the connection can be reused.
	maxResponseRead = 64 << 10
)

// Config tunes a Service; zero fields take the defaults.
type Config struct {
	// SealKey is the server's secret from which the key that seals the
	// endpoints' signing secrets in the database is derived. Required.
	SealKey []byte
	// AllowPrivate lets endpoints be on loopback and private networks
	// (WEBHOOK_ALLOW_PRIVATE; development and tests).
	AllowPrivate bool
	Timeout      time.Duration
	RetryWindow  time.Duration
	PerEndpoint  int
	PollInterval time.Duration
	// KeepFinished is how long finished deliveries are kept.
	KeepFinished time.Duration
	Logger       *slog.Logger
	Now          func() time.Time
}

// Service holds a tenant's endpoints and delivers their events.
type Service struct {
	store  Store
	cfg    Config
	seal   *Sealer
	client *http.Client
	// wake makes Run look at the queue before its next tick.
	wake chan struct{}

	// hooked is the set of tenants with an active endpoint as last read
	// (nil until Run first reads it): a room event of any other tenant
	// does not wake Run, whose look at the queue would find nothing to
	// send for it. Run reads the set again on every tick, as it looks at
	// the queue then anyway, so an endpoint made through another instance
	// is seen within PollInterval, like that instance's events.
	hooked   atomic.Pointer[map[string]struct{}]
	hookedMu sync.Mutex // serialises writers of hooked
	// hookedAdds counts the tenants added since Run began its last read,
	// so that the read does not drop an addition it raced with.
	hookedAdds uint64
}

// New returns a Service over st.
func New(st Store, cfg Config) (*Service, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.RetryWindow <= 0 {
		cfg.RetryWindow = DefaultRetryWindow
	}
	if cfg.PerEndpoint <= 0 {
		cfg.PerEndpoint = DefaultPerEndpoint
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.KeepFinished <= 0 {
		cfg.KeepFinished = DefaultKeepFinished
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	seal, err := NewSealer(cfg.SealKey)
	if err != nil {
		return nil, err
	}
	dialer := &net.Dialer{Timeout: cfg.Timeout}
	if !cfg.AllowPrivate {
		dialer.Control = GuardDial
	}
	transport := &http.Transport{
		// Never through a proxy of the environment: the dialer's check
		// would then see the proxy, not the target.
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConnsPerHost:   cfg.PerEndpoint,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   cfg.Timeout,
		ResponseHeaderTimeout: cfg.Timeout,
	}
	return &Service{store: st, cfg: cfg, seal: seal, wake: make(chan struct{}, 1),
		client: &http.Client{Transport: transport, Timeout: cfg.Timeout,
			// A redirect is an answer (3xx: not delivered), never followed
			// to wherever it points.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}, nil
}

// signer returns the Signer of the endpoint's secrets at now.
func (s *Service) signer(w store.Webhook, now time.Time) (*Signer, error) {
	var secrets []string
	for _, sealed := range w.Secrets(now) {
		secret, err := s.seal.Open(w.TenantID, sealed)
		if err != nil {
			return nil, err
		}
		secrets = append(secrets, secret)
	}
	return NewSigner(secrets...)
}

func (s *Service) checkURL(ctx context.Context, raw string) error {
	if err := CheckURL(ctx, raw, s.cfg.AllowPrivate); err != nil {
		return &store.InvalidError{Field: "url", Message: err.Error()}
	}
	return nil
}

// Create creates an endpoint and returns it with its signing secret, which
// is never shown again.
func (s *Service) Create(ctx context.Context, tenantID, url string, events []string, active bool) (store.Webhook, string, error) {
	if err := s.checkURL(ctx, url); err != nil {
		return store.Webhook{}, "", err
	}
	secret := NewSecret()
	w, err := s.store.CreateWebhook(ctx, tenantID, store.NewWebhook{URL: url, Events: events, Active: active,
		Secret: s.seal.Seal(tenantID, secret)})
	if err != nil {
		return store.Webhook{}, "", err
	}
	if w.Active {
		s.addHooked(tenantID)
	}
	s.Notify()
	return w, secret, nil
}

// Get returns an endpoint of the tenant.
func (s *Service) Get(ctx context.Context, tenantID, id string) (store.Webhook, error) {
	return s.store.GetWebhook(ctx, tenantID, id)
}

// List returns a page of the tenant's endpoints.
func (s *Service) List(ctx context.Context, tenantID, after string, limit int) ([]store.Webhook, bool, error) {
	return s.store.ListWebhooks(ctx, tenantID, after, limit)
}

// Update changes an endpoint.
func (s *Service) Update(ctx context.Context, tenantID, id string, c store.WebhookChange) (store.Webhook, error) {
	if c.URL != nil {
		if err := s.checkURL(ctx, *c.URL); err != nil {
			return store.Webhook{}, err
		}
	}
	w, err := s.store.UpdateWebhook(ctx, tenantID, id, c)
	if err == nil {
		if w.Active {
			s.addHooked(tenantID)
		}
		s.Notify()
	}
	return w, err
}

// Delete deletes an endpoint and its deliveries.
func (s *Service) Delete(ctx context.Context, tenantID, id string) error {
	return s.store.DeleteWebhook(ctx, tenantID, id)
}

// RotateSecret gives the endpoint a new signing secret, returned once; the
// old one signs too for RotationOverlap.
func (s *Service) RotateSecret(ctx context.Context, tenantID, id string) (store.Webhook, string, error) {
	secret := NewSecret()
	w, err := s.store.RotateWebhookSecret(ctx, tenantID, id, s.seal.Seal(tenantID, secret), s.cfg.Now().Add(RotationOverlap))
	if err != nil {
		return store.Webhook{}, "", err
	}
	return w, secret, nil
}

// Deliveries returns a page of the endpoint's deliveries, newest first.
func (s *Service) Deliveries(ctx context.Context, tenantID, id, before string, limit int) ([]store.WebhookDelivery, bool, error) {
	return s.store.ListWebhookDeliveries(ctx, tenantID, id, before, limit)
}

// Retry makes a finished delivery due again now.
func (s *Service) Retry(ctx context.Context, tenantID, id, deliveryID string) (store.WebhookDelivery, error) {
	d, err := s.store.RetryWebhookDelivery(ctx, tenantID, id, deliveryID)
	if err == nil {
		s.Notify()
	}
	return d, err
}

// Replay queues again the room events since a time (RFC 3339) or a sync
// cursor, and returns how many.
func (s *Service) Replay(ctx context.Context, tenantID, id, since string) (int, error) {
	var from store.ReplaySince
	if t, err := time.Parse(time.RFC3339Nano, since); err == nil {
		from.Time = t
	} else {
		c, err := store.ParseSyncCursor(since)
		if err != nil {
			return 0, &store.InvalidError{Field: "since", Message: "must be an RFC 3339 time or a cursor from GET /sync"}
		}
		from.Cursor = &c
	}
	n, err := s.store.ReplayWebhook(ctx, tenantID, id, from)
	if n > 0 {
		s.Notify()
	}
	return n, err
}

// NotifyEvent is Notify for a room event of the tenant: it wakes Run only
// when the tenant has an active endpoint (or Run has not yet read which
// tenants do). A room event is stored for every message, reaction and
// receipt; each wake costs two reads of the queue.
func (s *Service) NotifyEvent(tenantID string) {
	if m := s.hooked.Load(); m != nil {
		if _, ok := (*m)[tenantID]; !ok {
			return
		}
	}
	s.Notify()
}

// addHooked adds a tenant that now has an active endpoint to hooked.
func (s *Service) addHooked(tenantID string) {
	s.hookedMu.Lock()
	defer s.hookedMu.Unlock()
	s.hookedAdds++
	old := s.hooked.Load()
	if old == nil {
		return // Run's first read will see the endpoint
	}
	if _, ok := (*old)[tenantID]; ok {
		return
	}
	m := make(map[string]struct{}, len(*old)+1)
	for id := range *old {
		m[id] = struct{}{}
	}
	m[tenantID] = struct{}{}
	s.hooked.Store(&m)
}

// readHooked reads which tenants have an active endpoint into hooked. An
// addition made while it read is kept (with the previous set, until the
// next read): the read may have missed it.
func (s *Service) readHooked(ctx context.Context) error {
	s.hookedMu.Lock()
	adds := s.hookedAdds
	s.hookedMu.Unlock()
	ids, err := s.store.ActiveWebhookTenants(ctx)
	if err != nil {
		return err
	}
	m := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		m[id] = struct{}{}
	}
	s.hookedMu.Lock()
	defer s.hookedMu.Unlock()
	if old := s.hooked.Load(); old != nil && s.hookedAdds != adds {
		for id := range *old {
			m[id] = struct{}{}
		}
	}
	s.hooked.Store(&m)
	return nil
}

// Notify makes Run look at the queue now rather than at its next tick: a
// room event was stored, a delivery was made due.
func (s *Service) Notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// envelope is the body of a delivery, version 1 of the wire form: the
// Standard Webhooks layout, type, timestamp and the event's own JSON (for a
// room event, its frame as asyncapi.yaml gives it, event_seq and room_id
// included).
type envelope struct {
	Type      string          `json:"type"`
	Timestamp time.Time       `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}

// disabledData is the data of a webhook.disabled event.
type disabledData struct {
	WebhookID  string    `json:"webhook_id"`
	URL        string    `json:"url"`
	DisabledAt time.Time `json:"disabled_at"`
}
