package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Webhooks (SPEC Part 2, "Webhooks"): a tenant's endpoints, and the queue of
// deliveries to them. The queue is filled from the room event log
// (FanOutWebhookEvents) and by events of no room (EnqueueWebhookEvent);
// senders lease due deliveries (ClaimWebhookDeliveries) and record each
// attempt (FinishWebhookAttempt). The rules that keep deliveries in order
// and never sent twice at once live in those statements: a room's
// deliveries to one endpoint are claimed one at a time, in log order; a
// claim is a lease with an expiry and a token, and only the holder of the
// token records the attempt's outcome.

// WebhookAllEvents subscribes an endpoint to every event type.
const WebhookAllEvents = "*"

// WebhookDisabled is the event sent to a tenant's remaining endpoints when
// one is deactivated at the end of its retry window.
const WebhookDisabled = "webhook.disabled"

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliverySucceeded = "succeeded"
	DeliveryFailed    = "failed"
)

// Limits of the webhook listings.
const (
	DefaultWebhooksLimit   = 50
	MaxWebhooksLimit       = 100
	DefaultDeliveriesLimit = 50
	MaxDeliveriesLimit     = 100
)

// Webhook is an endpoint of a tenant.
type Webhook struct {
	ID       string
	TenantID string
	URL      string
	// Events are the event types delivered, or just WebhookAllEvents.
	Events []string
	Active bool
	// DisabledAt is when the endpoint was deactivated for failing its
	// whole retry window; nil otherwise.
	DisabledAt *time.Time
	// Secret is the signing secret as the webhook package sealed it;
	// PreviousSecret, until PreviousUntil, the one a rotation replaced.
	Secret         []byte
	PreviousSecret []byte
	PreviousUntil  *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Secrets returns the sealed secrets that sign at now: the current one,
// then the previous one during a rotation's overlap.
func (w Webhook) Secrets(now time.Time) [][]byte {
	out := [][]byte{w.Secret}
	if w.PreviousSecret != nil && w.PreviousUntil != nil && now.Before(*w.PreviousUntil) {
		out = append(out, w.PreviousSecret)
	}
	return out
}

// Wants reports whether the endpoint is subscribed to events of typ.
func (w Webhook) Wants(typ string) bool {
	return slices.Contains(w.Events, WebhookAllEvents) || slices.Contains(w.Events, typ)
}

// NewWebhook is an endpoint to create; Secret is sealed.
type NewWebhook struct {
	URL    string
	Events []string
	Active bool
	Secret []byte
}

// WebhookChange is a PATCH of an endpoint: nil fields stay.
type WebhookChange struct {
	URL    *string
	Events []string
	Active *bool
}

type webhookRow struct {
	ID             string        `db:"id"`
	TenantID       string        `db:"tenant_id"`
	URL            string        `db:"url"`
	Events         string        `db:"events"`
	Active         int           `db:"active"`
	DisabledAt     sql.NullInt64 `db:"disabled_at"`
	Secret         []byte        `db:"secret"`
	PreviousSecret []byte        `db:"previous_secret"`
	PreviousUntil  sql.NullInt64 `db:"previous_until"`
	CreatedAt      int64         `db:"created_at"`
	UpdatedAt      int64         `db:"updated_at"`
}

const webhookColumns = `id, tenant_id, url, events, active, disabled_at, secret, previous_secret, previous_until, created_at, updated_at`

func (r webhookRow) webhook() (Webhook, error) {
	w := Webhook{ID: r.ID, TenantID: r.TenantID, URL: r.URL, Active: r.Active == 1, Secret: r.Secret,
		PreviousSecret: r.PreviousSecret, CreatedAt: fromMillis(r.CreatedAt), UpdatedAt: fromMillis(r.UpdatedAt)}
	if err := json.Unmarshal([]byte(r.Events), &w.Events); err != nil {
		return Webhook{}, fmt.Errorf("webhook %s events: %w", r.ID, err)
	}
	w.DisabledAt = optionalMillis(r.DisabledAt)
	w.PreviousUntil = optionalMillis(r.PreviousUntil)
	return w, nil
}

func webhooksOf(rows []webhookRow) ([]Webhook, error) {
	out := make([]Webhook, 0, len(rows))
	for _, r := range rows {
		w, err := r.webhook()
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

func optionalMillis(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMillis(v.Int64)
	return &t
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// normalEvents is events without repeats, in the order given; "*" among
// others is "*" alone.
func normalEvents(events []string) []string {
	if slices.Contains(events, WebhookAllEvents) {
		return []string{WebhookAllEvents}
	}
	out := make([]string, 0, len(events))
	for _, e := range events {
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// CreateWebhook creates an endpoint of the tenant. Its rooms' logs are
// queued for it from their current end: the endpoint gets what happens
// from now on (POST /webhooks/{id}/replay sends what came before).
func (s *Store) CreateWebhook(ctx context.Context, tenantID string, n NewWebhook) (Webhook, error) {
	events, err := json.Marshal(normalEvents(n.Events))
	if err != nil {
		return Webhook{}, fmt.Errorf("create webhook: %w", err)
	}
	now := s.nowMillis()
	id := newID("wh_")
	err = s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`
			INSERT INTO webhook_endpoints (id, tenant_id, url, events, active, secret, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), id, tenantID, n.URL, string(events), boolInt(n.Active), n.Secret, now, now); err != nil {
			return fmt.Errorf("create webhook: %w", err)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`
			INSERT INTO webhook_room_cursors (tenant_id, room_id, event_seq)
			SELECT tenant_id, id, last_event_seq FROM rooms WHERE tenant_id = ?
			ON CONFLICT (room_id) DO NOTHING`), tenantID); err != nil {
			return fmt.Errorf("create webhook: %w", err)
		}
		return nil
	})
	if err != nil {
		return Webhook{}, err
	}
	return s.GetWebhook(ctx, tenantID, id)
}

// GetWebhook returns an endpoint of the tenant; ErrNotFound when the
// tenant has none of that id.
func (s *Store) GetWebhook(ctx context.Context, tenantID, id string) (Webhook, error) {
	return s.getWebhook(ctx, s.w, tenantID, id)
}

func (s *Store) getWebhook(ctx context.Context, q sqlx.QueryerContext, tenantID, id string) (Webhook, error) {
	var r webhookRow
	err := sqlx.GetContext(ctx, q, &r, s.w.Rebind(`SELECT `+webhookColumns+` FROM webhook_endpoints WHERE tenant_id = ? AND id = ?`), tenantID, id)
	if errors.Is(err, sql.ErrNoRows) {
		return Webhook{}, fmt.Errorf("webhook %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Webhook{}, fmt.Errorf("get webhook: %w", err)
	}
	return r.webhook()
}

// ListWebhooks returns the tenant's endpoints in id order after the id
// after ("" from the first), at most limit (0: DefaultWebhooksLimit), and
// whether more follow.
func (s *Store) ListWebhooks(ctx context.Context, tenantID, after string, limit int) ([]Webhook, bool, error) {
	limit, err := pageLimit(limit, DefaultWebhooksLimit, MaxWebhooksLimit)
	if err != nil {
		return nil, false, err
	}
	var rows []webhookRow
	if err := s.r.SelectContext(ctx, &rows, s.r.Rebind(`SELECT `+webhookColumns+` FROM webhook_endpoints
		WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?`), tenantID, after, limit+1); err != nil {
		return nil, false, fmt.Errorf("list webhooks: %w", err)
	}
	more := len(rows) > limit
	out, err := webhooksOf(rows[:min(len(rows), limit)])
	if err != nil {
		return nil, false, err
	}
	return out, more, nil
}

// UpdateWebhook applies c to an endpoint. Activating it clears DisabledAt.
func (s *Store) UpdateWebhook(ctx context.Context, tenantID, id string, c WebhookChange) (Webhook, error) {
	var out Webhook
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		w, err := s.getWebhook(ctx, tx, tenantID, id)
		if err != nil {
			return err
		}
		if c.URL != nil {
			w.URL = *c.URL
		}
		if c.Events != nil {
			w.Events = normalEvents(c.Events)
		}
		disabledAt := sql.NullInt64{}
		if w.DisabledAt != nil {
			disabledAt = sql.NullInt64{Int64: w.DisabledAt.UnixMilli(), Valid: true}
		}
		if c.Active != nil {
			w.Active = *c.Active
			if w.Active {
				disabledAt = sql.NullInt64{}
			}
		}
		events, err := json.Marshal(w.Events)
		if err != nil {
			return fmt.Errorf("update webhook: %w", err)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`
			UPDATE webhook_endpoints SET url = ?, events = ?, active = ?, disabled_at = ?, updated_at = ?
			WHERE tenant_id = ? AND id = ?`), w.URL, string(events), boolInt(w.Active), disabledAt, s.nowMillis(), tenantID, id); err != nil {
			return fmt.Errorf("update webhook: %w", err)
		}
		out, err = s.getWebhook(ctx, tx, tenantID, id)
		return err
	})
	return out, err
}

// DeleteWebhook deletes an endpoint with its deliveries.
func (s *Store) DeleteWebhook(ctx context.Context, tenantID, id string) error {
	return s.withTx(ctx, func(tx *sqlx.Tx) error {
		// Children first: the foreign keys' cascade is not relied on
		// (SQLite enforces them only where the pragma is on).
		for _, q := range []string{
			`DELETE FROM webhook_attempts WHERE tenant_id = ? AND delivery_id IN (SELECT id FROM webhook_deliveries WHERE endpoint_id = ?)`,
			`DELETE FROM webhook_deliveries WHERE tenant_id = ? AND endpoint_id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, tx.Rebind(q), tenantID, id); err != nil {
				return fmt.Errorf("delete webhook: %w", err)
			}
		}
		res, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM webhook_endpoints WHERE tenant_id = ? AND id = ?`), tenantID, id)
		if err != nil {
			return fmt.Errorf("delete webhook: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return fmt.Errorf("webhook %s: %w", id, errors.Join(ErrNotFound, err))
		}
		return nil
	})
}

// RotateWebhookSecret makes secret (sealed) the endpoint's signing secret;
// the one it replaces keeps signing until overlapUntil.
func (s *Store) RotateWebhookSecret(ctx context.Context, tenantID, id string, secret []byte, overlapUntil time.Time) (Webhook, error) {
	var out Webhook
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`
			UPDATE webhook_endpoints SET previous_secret = secret, previous_until = ?, secret = ?, updated_at = ?
			WHERE tenant_id = ? AND id = ?`), overlapUntil.UnixMilli(), secret, s.nowMillis(), tenantID, id)
		if err != nil {
			return fmt.Errorf("rotate webhook secret: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return fmt.Errorf("webhook %s: %w", id, errors.Join(ErrNotFound, err))
		}
		out, err = s.getWebhook(ctx, tx, tenantID, id)
		return err
	})
	return out, err
}

// WebhookDelivery is one event to one endpoint, with its attempts.
type WebhookDelivery struct {
	ID             string
	TenantID       string
	WebhookID      string
	RoomID         string // "" for an event of no room
	EventSeq       int64  // 0 for an event of no room
	EventType      string
	Payload        json.RawMessage
	Replay         bool
	Status         string
	Attempts       int
	NextAttempt    *time.Time // nil unless pending
	ResponseStatus *int
	Latency        *time.Duration
	LastError      string
	CreatedAt      time.Time
	CompletedAt    *time.Time
	// Log is every attempt, oldest first (ListWebhookDeliveries only).
	Log []WebhookAttemptRecord
}

// WebhookAttemptRecord is one attempt of a delivery.
type WebhookAttemptRecord struct {
	Attempt        int
	StartedAt      time.Time
	ResponseStatus *int
	Latency        time.Duration
	Error          string
}

type deliveryRow struct {
	ID             string         `db:"id"`
	TenantID       string         `db:"tenant_id"`
	EndpointID     string         `db:"endpoint_id"`
	RoomID         string         `db:"room_id"`
	EventSeq       int64          `db:"event_seq"`
	EventType      string         `db:"event_type"`
	Payload        string         `db:"payload"`
	Replay         int            `db:"replay"`
	Status         string         `db:"status"`
	Attempts       int            `db:"attempts"`
	NextAttemptAt  int64          `db:"next_attempt_at"`
	WindowStart    int64          `db:"window_start"`
	ResponseStatus sql.NullInt64  `db:"response_status"`
	LatencyMS      sql.NullInt64  `db:"latency_ms"`
	LastError      sql.NullString `db:"last_error"`
	CreatedAt      int64          `db:"created_at"`
	CompletedAt    sql.NullInt64  `db:"completed_at"`
}

const deliveryColumns = `id, tenant_id, endpoint_id, room_id, event_seq, event_type, payload, replay, status, attempts,
	next_attempt_at, window_start, response_status, latency_ms, last_error, created_at, completed_at`

func (r deliveryRow) delivery() WebhookDelivery {
	d := WebhookDelivery{ID: r.ID, TenantID: r.TenantID, WebhookID: r.EndpointID, RoomID: r.RoomID, EventSeq: r.EventSeq,
		EventType: r.EventType, Payload: json.RawMessage(r.Payload), Replay: r.Replay == 1, Status: r.Status,
		Attempts: r.Attempts, LastError: r.LastError.String, CreatedAt: fromMillis(r.CreatedAt),
		CompletedAt: optionalMillis(r.CompletedAt)}
	if r.Status == DeliveryPending {
		t := fromMillis(r.NextAttemptAt)
		d.NextAttempt = &t
	}
	if r.ResponseStatus.Valid {
		v := int(r.ResponseStatus.Int64)
		d.ResponseStatus = &v
	}
	if r.LatencyMS.Valid {
		v := time.Duration(r.LatencyMS.Int64) * time.Millisecond
		d.Latency = &v
	}
	return d
}

// ListWebhookDeliveries returns the endpoint's deliveries, newest first,
// older than the delivery before ("" from the newest), at most limit (0:
// DefaultDeliveriesLimit), each with its attempts, and whether more follow.
// ErrNotFound when the tenant has no such endpoint.
func (s *Store) ListWebhookDeliveries(ctx context.Context, tenantID, webhookID, before string, limit int) ([]WebhookDelivery, bool, error) {
	limit, err := pageLimit(limit, DefaultDeliveriesLimit, MaxDeliveriesLimit)
	if err != nil {
		return nil, false, err
	}
	if _, err := s.getWebhook(ctx, s.r, tenantID, webhookID); err != nil {
		return nil, false, err
	}
	query := `SELECT ` + deliveryColumns + ` FROM webhook_deliveries WHERE tenant_id = ? AND endpoint_id = ?`
	args := []any{tenantID, webhookID}
	if before != "" {
		query += ` AND id < ?`
		args = append(args, before)
	}
	var rows []deliveryRow
	if err := s.r.SelectContext(ctx, &rows, s.r.Rebind(query+` ORDER BY id DESC LIMIT ?`), append(args, limit+1)...); err != nil {
		return nil, false, fmt.Errorf("list webhook deliveries: %w", err)
	}
	more := len(rows) > limit
	rows = rows[:min(len(rows), limit)]
	out := make([]WebhookDelivery, 0, len(rows))
	ids := make([]any, 0, len(rows))
	at := make(map[string]int, len(rows))
	for i, r := range rows {
		out = append(out, r.delivery())
		ids = append(ids, r.ID)
		at[r.ID] = i
	}
	if len(ids) == 0 {
		return out, more, nil
	}
	var attempts []struct {
		DeliveryID     string         `db:"delivery_id"`
		Attempt        int            `db:"attempt"`
		StartedAt      int64          `db:"started_at"`
		ResponseStatus sql.NullInt64  `db:"response_status"`
		LatencyMS      int64          `db:"latency_ms"`
		Error          sql.NullString `db:"error"`
	}
	if err := s.r.SelectContext(ctx, &attempts, s.r.Rebind(`SELECT delivery_id, attempt, started_at, response_status, latency_ms, error
		FROM webhook_attempts WHERE tenant_id = ? AND delivery_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)
		ORDER BY delivery_id, attempt`), append([]any{tenantID}, ids...)...); err != nil {
		return nil, false, fmt.Errorf("list webhook attempts: %w", err)
	}
	for _, a := range attempts {
		rec := WebhookAttemptRecord{Attempt: a.Attempt, StartedAt: fromMillis(a.StartedAt),
			Latency: time.Duration(a.LatencyMS) * time.Millisecond, Error: a.Error.String}
		if a.ResponseStatus.Valid {
			v := int(a.ResponseStatus.Int64)
			rec.ResponseStatus = &v
		}
		d := &out[at[a.DeliveryID]]
		d.Log = append(d.Log, rec)
	}
	return out, more, nil
}

// RetryWebhookDelivery makes a delivery that succeeded or failed pending
// again, due now, with a fresh retry window. ErrNotFound when the tenant's
// endpoint has no such delivery; a ConflictError while it is pending.
func (s *Store) RetryWebhookDelivery(ctx context.Context, tenantID, webhookID, deliveryID string) (WebhookDelivery, error) {
	var out WebhookDelivery
	now := s.nowMillis()
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var r deliveryRow
		err := tx.GetContext(ctx, &r, tx.Rebind(`SELECT `+deliveryColumns+` FROM webhook_deliveries
			WHERE tenant_id = ? AND endpoint_id = ? AND id = ?`), tenantID, webhookID, deliveryID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("delivery %s: %w", deliveryID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("retry webhook delivery: %w", err)
		}
		if r.Status == DeliveryPending {
			return &ConflictError{Message: "the delivery is pending: it is retried on its own", Field: "delivery_id"}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`
			UPDATE webhook_deliveries SET status = ?, next_attempt_at = ?, window_start = ?, completed_at = NULL
			WHERE id = ?`), DeliveryPending, now, now, deliveryID); err != nil {
			return fmt.Errorf("retry webhook delivery: %w", err)
		}
		r.Status, r.NextAttemptAt, r.WindowStart, r.CompletedAt = DeliveryPending, now, now, sql.NullInt64{}
		out = r.delivery()
		return nil
	})
	return out, err
}

// ReplaySince is where a replay starts: a time, or a sync cursor's places.
type ReplaySince struct {
	// Time, when not zero: every kept event of the tenant's rooms from
	// then on.
	Time time.Time
	// Cursor, when Time is zero: in each room the cursor names, the events
	// after its place there.
	Cursor *SyncCursor
}

// ReplayWebhook queues again, for the endpoint, the room events since the
// given place that its filter takes, as replays, each room's in log order,
// and returns how many. Events past the retention are gone from the log
// and are not replayed. ErrNotFound when the tenant has no such endpoint.
func (s *Store) ReplayWebhook(ctx context.Context, tenantID, webhookID string, since ReplaySince) (int, error) {
	w, err := s.GetWebhook(ctx, tenantID, webhookID)
	if err != nil {
		return 0, err
	}
	type roomPlace struct {
		ID    string `db:"id"`
		Num   int64  `db:"num"`
		Last  int64  `db:"last_event_seq"`
		After int64
	}
	var rooms []roomPlace
	if err := s.r.SelectContext(ctx, &rooms, s.r.Rebind(`SELECT id, num, last_event_seq FROM rooms WHERE tenant_id = ? ORDER BY num`), tenantID); err != nil {
		return 0, fmt.Errorf("replay webhook: %w", err)
	}
	// Times are kept to the millisecond: an event of since's own
	// millisecond is since it.
	sinceMillis := since.Time.UnixMilli()
	total := 0
	for _, r := range rooms {
		after := int64(0)
		if since.Time.IsZero() {
			seq, ok := since.Cursor.pos[r.Num]
			if !ok {
				continue
			}
			after = seq
		}
		for after < r.Last {
			events, err := s.readEvents(ctx, tenantID, r.ID, after, r.Last, MaxEventsLimit)
			if err != nil {
				return total, err
			}
			if len(events) == 0 {
				break
			}
			after = events[len(events)-1].EventSeq
			var rows []deliveryRow
			now := s.nowMillis()
			for _, e := range events {
				if !since.Time.IsZero() && e.CreatedAt.UnixMilli() < sinceMillis {
					continue
				}
				if !w.Wants(string(e.Type)) {
					continue
				}
				rows = append(rows, newDeliveryRow(tenantID, w.ID, r.ID, e.EventSeq, string(e.Type), e.Frame, true, now))
			}
			if err := s.withTx(ctx, func(tx *sqlx.Tx) error { return insertDeliveries(ctx, tx, rows) }); err != nil {
				return total, err
			}
			total += len(rows)
		}
	}
	return total, nil
}

func newDeliveryRow(tenantID, endpointID, roomID string, eventSeq int64, typ string, payload json.RawMessage, replay bool, now int64) deliveryRow {
	return deliveryRow{ID: newTimedID("whd_", now), TenantID: tenantID, EndpointID: endpointID, RoomID: roomID,
		EventSeq: eventSeq, EventType: typ, Payload: string(payload), Replay: boolInt(replay), Status: DeliveryPending,
		NextAttemptAt: now, WindowStart: now, CreatedAt: now}
}

// insertDeliveries queues rows, in batches that keep within the databases'
// limits on parameters.
func insertDeliveries(ctx context.Context, tx *sqlx.Tx, rows []deliveryRow) error {
	const perRow, batch = 12, 200
	for start := 0; start < len(rows); start += batch {
		part := rows[start:min(len(rows), start+batch)]
		var b strings.Builder
		b.WriteString(`INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, room_id, event_seq, event_type, payload, replay,
			status, attempts, next_attempt_at, lease_until, lease, window_start, created_at) VALUES `)
		args := make([]any, 0, perRow*len(part))
		for i, r := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(`(?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0, '', ?, ?)`)
			args = append(args, r.ID, r.TenantID, r.EndpointID, r.RoomID, r.EventSeq, r.EventType, r.Payload, r.Replay,
				r.Status, r.NextAttemptAt, r.WindowStart, r.CreatedAt)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(b.String()), args...); err != nil {
			return fmt.Errorf("queue webhook deliveries: %w", err)
		}
	}
	return nil
}

// EnqueueWebhookEvent queues an event of no room (its type and JSON) for
// every active endpoint of the tenant that takes it, and returns how many.
func (s *Store) EnqueueWebhookEvent(ctx context.Context, tenantID, typ string, data json.RawMessage) (int, error) {
	n := 0
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		n, err = enqueueTenantEvent(ctx, tx, tenantID, "", typ, data, s.nowMillis())
		return err
	})
	return n, err
}

// enqueueTenantEvent queues an event of no room for the tenant's active
// endpoints that take it, but the endpoint except.
func enqueueTenantEvent(ctx context.Context, tx *sqlx.Tx, tenantID, except, typ string, data json.RawMessage, now int64) (int, error) {
	endpoints, err := activeWebhooks(ctx, tx, tenantID)
	if err != nil {
		return 0, err
	}
	var rows []deliveryRow
	for _, w := range endpoints {
		if w.ID != except && w.Wants(typ) {
			rows = append(rows, newDeliveryRow(tenantID, w.ID, "", 0, typ, data, false, now))
		}
	}
	return len(rows), insertDeliveries(ctx, tx, rows)
}

func activeWebhooks(ctx context.Context, tx *sqlx.Tx, tenantID string) ([]Webhook, error) {
	var rows []webhookRow
	if err := tx.SelectContext(ctx, &rows, tx.Rebind(`SELECT `+webhookColumns+` FROM webhook_endpoints
		WHERE tenant_id = ? AND active = 1 ORDER BY id`), tenantID); err != nil {
		return nil, fmt.Errorf("active webhooks: %w", err)
	}
	return webhooksOf(rows)
}

// FanOutWebhookEvents queues, for the active endpoints of their tenant, the
// room log events not queued yet, at most limit rooms and MaxEventsLimit
// events a room per call, and returns how many events it took. Each room
// moves its cursor in the transaction that queues its events, by compare
// and set, so that two instances never queue one event twice.
func (s *Store) FanOutWebhookEvents(ctx context.Context, limit int) (int, error) {
	var rooms []struct {
		TenantID string        `db:"tenant_id"`
		ID       string        `db:"id"`
		Last     int64         `db:"last_event_seq"`
		Cursor   sql.NullInt64 `db:"cursor"`
	}
	if err := s.r.SelectContext(ctx, &rooms, s.r.Rebind(`
		SELECT r.tenant_id, r.id, r.last_event_seq, c.event_seq AS cursor
		FROM rooms r LEFT JOIN webhook_room_cursors c ON c.room_id = r.id
		WHERE r.tenant_id IN (SELECT DISTINCT tenant_id FROM webhook_endpoints WHERE active = 1)
		  AND r.last_event_seq > COALESCE(c.event_seq, 0)
		LIMIT ?`), limit); err != nil {
		return 0, fmt.Errorf("webhook fan-out: %w", err)
	}
	total := 0
	for _, r := range rooms {
		from := r.Cursor.Int64
		events, err := s.readEvents(ctx, r.TenantID, r.ID, from, r.Last, MaxEventsLimit)
		if err != nil {
			return total, err
		}
		if len(events) == 0 {
			continue
		}
		to := events[len(events)-1].EventSeq
		err = s.withTx(ctx, func(tx *sqlx.Tx) error {
			var res sql.Result
			var err error
			if r.Cursor.Valid {
				res, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE webhook_room_cursors SET event_seq = ? WHERE room_id = ? AND event_seq = ?`), to, r.ID, from)
			} else {
				res, err = tx.ExecContext(ctx, tx.Rebind(`INSERT INTO webhook_room_cursors (tenant_id, room_id, event_seq) VALUES (?, ?, ?)
					ON CONFLICT (room_id) DO NOTHING`), r.TenantID, r.ID, to)
			}
			if err != nil {
				return fmt.Errorf("webhook fan-out: %w", err)
			}
			if n, err := res.RowsAffected(); err != nil || n != 1 {
				return errFannedOut // another instance queued them
			}
			endpoints, err := activeWebhooks(ctx, tx, r.TenantID)
			if err != nil {
				return err
			}
			now := s.nowMillis()
			var rows []deliveryRow
			for _, e := range events {
				for _, w := range endpoints {
					if w.Wants(string(e.Type)) {
						rows = append(rows, newDeliveryRow(r.TenantID, w.ID, r.ID, e.EventSeq, string(e.Type), e.Frame, false, now))
					}
				}
			}
			return insertDeliveries(ctx, tx, rows)
		})
		switch {
		case errors.Is(err, errFannedOut):
		case err != nil:
			return total, err
		default:
			total += len(events)
		}
	}
	return total, nil
}

var errFannedOut = errors.New("room events queued by another sender")

// ActiveWebhookTenants returns the tenants that have an active endpoint.
func (s *Store) ActiveWebhookTenants(ctx context.Context) ([]string, error) {
	var ids []string
	if err := s.r.SelectContext(ctx, &ids, `SELECT DISTINCT tenant_id FROM webhook_endpoints WHERE active = 1`); err != nil {
		return nil, fmt.Errorf("active webhook tenants: %w", err)
	}
	return ids, nil
}

// DueWebhookEndpoints returns up to limit endpoints (active) that have a
// delivery due now and not held.
func (s *Store) DueWebhookEndpoints(ctx context.Context, limit int) ([]string, error) {
	now := s.nowMillis()
	var ids []string
	if err := s.r.SelectContext(ctx, &ids, s.r.Rebind(`
		SELECT DISTINCT d.endpoint_id FROM webhook_deliveries d
		JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.active = 1
		WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND d.lease_until <= ?
		LIMIT ?`), now, now, limit); err != nil {
		return nil, fmt.Errorf("due webhook endpoints: %w", err)
	}
	return ids, nil
}

// WebhookAttempt is a delivery leased for one attempt.
type WebhookAttempt struct {
	Delivery WebhookDelivery
	Endpoint Webhook
	// Lease is the claim's token, which FinishWebhookAttempt needs.
	Lease string
	// WindowEnd is when the delivery's retry window ends.
	WindowEnd time.Time
}

// ClaimWebhookDeliveries leases up to n deliveries of the endpoint that are
// due, for lease (longer than an attempt may take). Of a room's pending
// deliveries only the first (in log order) is ever claimed, so they go one
// at a time, in order, and a failing one holds back the later ones. On
// PostgreSQL the candidates are locked with SKIP LOCKED: instances claiming
// at once get different deliveries, never the same.
func (s *Store) ClaimWebhookDeliveries(ctx context.Context, endpointID string, n int, lease time.Duration, window time.Duration) ([]WebhookAttempt, error) {
	now := s.nowMillis()
	token := newID("")
	var out []WebhookAttempt
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var w webhookRow
		err := tx.GetContext(ctx, &w, tx.Rebind(`SELECT `+webhookColumns+` FROM webhook_endpoints WHERE id = ? AND active = 1`), endpointID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("claim webhook deliveries: %w", err)
		}
		endpoint, err := w.webhook()
		if err != nil {
			return err
		}
		var rows []deliveryRow
		if err := tx.SelectContext(ctx, &rows, tx.Rebind(`
			UPDATE webhook_deliveries SET lease_until = ?, lease = ?, attempts = attempts + 1
			WHERE id IN (
				SELECT d.id FROM webhook_deliveries d
				WHERE d.endpoint_id = ? AND d.status = 'pending' AND d.next_attempt_at <= ? AND d.lease_until <= ?
				  AND NOT EXISTS (
					SELECT 1 FROM webhook_deliveries p
					WHERE p.endpoint_id = d.endpoint_id AND p.room_id = d.room_id AND d.room_id <> ''
					  AND p.status = 'pending'
					  AND (p.created_at < d.created_at OR (p.created_at = d.created_at AND
					       (p.event_seq < d.event_seq OR (p.event_seq = d.event_seq AND p.id < d.id)))))
				ORDER BY d.next_attempt_at
				LIMIT ?`+s.dialect.lockSkipLocked+`)
			RETURNING `+deliveryColumns), now+lease.Milliseconds(), token, endpointID, now, now, n); err != nil {
			return fmt.Errorf("claim webhook deliveries: %w", err)
		}
		for _, r := range rows {
			out = append(out, WebhookAttempt{Delivery: r.delivery(), Endpoint: endpoint, Lease: token,
				WindowEnd: fromMillis(r.WindowStart).Add(window)})
		}
		return nil
	})
	return out, err
}

// WebhookResult is the outcome of an attempt.
type WebhookResult struct {
	TenantID   string
	DeliveryID string
	Lease      string
	// Attempt is the attempt's number (the claimed delivery's Attempts).
	Attempt        int
	StartedAt      time.Time
	ResponseStatus *int
	Latency        time.Duration
	Error          string
	// Succeeded: a 2xx answer. Otherwise RetryAt, when not zero, is when
	// to try again; zero means the window is over: the delivery fails and
	// its endpoint is deactivated, which DisabledEvent (the JSON of a
	// webhook.disabled event) tells the tenant's other endpoints.
	Succeeded     bool
	RetryAt       time.Time
	DisabledEvent func(w Webhook) (json.RawMessage, error)
}

// FinishWebhookAttempt records an attempt's outcome, if the caller still
// holds the delivery's lease: false when it does not (the lease ran out and
// another sender took the delivery), and nothing is recorded.
func (s *Store) FinishWebhookAttempt(ctx context.Context, r WebhookResult) (bool, error) {
	now := s.nowMillis()
	held := false
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		status, next, completed := DeliveryPending, r.RetryAt.UnixMilli(), sql.NullInt64{}
		switch {
		case r.Succeeded:
			status, next, completed = DeliverySucceeded, 0, sql.NullInt64{Int64: now, Valid: true}
		case r.RetryAt.IsZero():
			status, next, completed = DeliveryFailed, 0, sql.NullInt64{Int64: now, Valid: true}
		}
		var respStatus sql.NullInt64
		if r.ResponseStatus != nil {
			respStatus = sql.NullInt64{Int64: int64(*r.ResponseStatus), Valid: true}
		}
		lastErr := sql.NullString{String: r.Error, Valid: r.Error != ""}
		var endpointID string
		err := tx.GetContext(ctx, &endpointID, tx.Rebind(`
			UPDATE webhook_deliveries SET status = ?, next_attempt_at = ?, lease_until = 0, lease = '',
				response_status = ?, latency_ms = ?, last_error = ?, completed_at = ?
			WHERE id = ? AND lease = ? AND attempts = ? AND status = 'pending'
			RETURNING endpoint_id`), status, next, respStatus, r.Latency.Milliseconds(), lastErr, completed,
			r.DeliveryID, r.Lease, r.Attempt)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("finish webhook attempt: %w", err)
		}
		held = true
		if _, err := tx.ExecContext(ctx, tx.Rebind(`
			INSERT INTO webhook_attempts (tenant_id, delivery_id, attempt, started_at, response_status, latency_ms, error)
			VALUES (?, ?, ?, ?, ?, ?, ?)`), r.TenantID, r.DeliveryID, r.Attempt, r.StartedAt.UnixMilli(), respStatus,
			r.Latency.Milliseconds(), lastErr); err != nil {
			return fmt.Errorf("finish webhook attempt: %w", err)
		}
		if status != DeliveryFailed {
			return nil
		}
		res, err := tx.ExecContext(ctx, tx.Rebind(`
			UPDATE webhook_endpoints SET active = 0, disabled_at = ?, updated_at = ? WHERE id = ? AND active = 1`), now, now, endpointID)
		if err != nil {
			return fmt.Errorf("disable webhook: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 || r.DisabledEvent == nil {
			return err
		}
		w, err := s.getWebhook(ctx, tx, r.TenantID, endpointID)
		if err != nil {
			return err
		}
		data, err := r.DisabledEvent(w)
		if err != nil {
			return err
		}
		_, err = enqueueTenantEvent(ctx, tx, r.TenantID, endpointID, WebhookDisabled, data, now)
		return err
	})
	return held, err
}

// WebhookNotification is the event type of a notification's webhook.
const WebhookNotification = "notification"

// notificationWebhookV1 is the data of a notification's webhook: its
// WebSocket frame (asyncapi.yaml's notification), with who sent it and to
// how many users.
type notificationWebhookV1 struct {
	Type           string          `json:"type"`
	NotificationID string          `json:"notification_id"`
	Topic          string          `json:"topic"`
	Payload        json.RawMessage `json:"payload"`
	SenderID       string          `json:"sender_id"`
	Recipients     int             `json:"recipients"`
	CreatedAt      time.Time       `json:"created_at"`
	ExpiresAt      time.Time       `json:"expires_at"`
}

// queueNotificationWebhooks queues a notification for the tenant's active
// endpoints that take notifications.
func queueNotificationWebhooks(ctx context.Context, tx *sqlx.Tx, tenantID string, n notificationRow, recipients int) error {
	data, err := json.Marshal(notificationWebhookV1{Type: WebhookNotification, NotificationID: n.ID, Topic: n.Topic,
		Payload: json.RawMessage(n.Payload), SenderID: n.SenderID, Recipients: recipients,
		CreatedAt: fromMillis(n.CreatedAt), ExpiresAt: fromMillis(n.ExpiresAt)})
	if err != nil {
		return fmt.Errorf("notification webhook: %w", err)
	}
	_, err = enqueueTenantEvent(ctx, tx, tenantID, "", WebhookNotification, data, n.CreatedAt)
	return err
}

// PruneWebhookDeliveries deletes the deliveries that succeeded or failed
// before before, with their attempts, at most batch (0: 1000) a
// transaction, and returns how many. Pending ones stay, however old.
func (s *Store) PruneWebhookDeliveries(ctx context.Context, before time.Time, batch int) (int64, error) {
	if batch <= 0 {
		batch = 1000
	}
	var total int64
	for ctx.Err() == nil {
		var n int64
		err := s.withTx(ctx, func(tx *sqlx.Tx) error {
			var ids []string
			if err := tx.SelectContext(ctx, &ids, tx.Rebind(`
				SELECT id FROM webhook_deliveries WHERE status <> 'pending' AND completed_at < ? LIMIT ?`),
				before.UnixMilli(), batch); err != nil {
				return fmt.Errorf("prune webhook deliveries: %w", err)
			}
			if len(ids) == 0 {
				return nil
			}
			in := `(?` + strings.Repeat(", ?", len(ids)-1) + `)`
			args := make([]any, len(ids))
			for i, id := range ids {
				args[i] = id
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM webhook_attempts WHERE delivery_id IN `+in), args...); err != nil {
				return fmt.Errorf("prune webhook deliveries: %w", err)
			}
			res, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM webhook_deliveries WHERE id IN `+in), args...)
			if err != nil {
				return fmt.Errorf("prune webhook deliveries: %w", err)
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < int64(batch) {
			break
		}
	}
	return total, ctx.Err()
}
