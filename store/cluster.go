package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Several instances on one database. Each instance heartbeats its row of
// instances; an instance whose heartbeat is older than a cutoff the caller
// picks counts as dead. A user is online while a live instance holds a
// connection of theirs (a presence_connections row).

// UserPresence is what the database knows of a user's presence.
type UserPresence struct {
	UserID string
	// Online is true while a live instance holds a connection of the user.
	Online bool
	// LastSeen is when the user's last connection on any instance closed
	// (nil when never recorded).
	LastSeen *time.Time
}

// GoneUser is a user whose only connections were on an instance found dead:
// nobody announced them offline.
type GoneUser struct {
	TenantID string
	UserID   string
	// LastSeen is the dead instance's last heartbeat.
	LastSeen time.Time
}

// Heartbeat records that instanceID is alive now. revived is true when the
// instance had no row: it is new, or it was taken for dead (its presence was
// removed, and the caller should record its connected users again).
func (s *Store) Heartbeat(ctx context.Context, instanceID string) (revived bool, err error) {
	now := s.nowMillis()
	res, err := s.w.ExecContext(ctx, s.w.Rebind(`
		UPDATE instances SET heartbeat_at = ? WHERE id = ?`), now, instanceID)
	if err != nil {
		s.dropIdle()
		return false, fmt.Errorf("heartbeat: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return false, err
	}
	_, err = s.w.ExecContext(ctx, s.w.Rebind(`
		INSERT INTO instances (id, started_at, heartbeat_at) VALUES (?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`), instanceID, now, now)
	if err != nil {
		return false, fmt.Errorf("register instance: %w", err)
	}
	return true, nil
}

// SetConnected records that instanceID holds a connection of userID and
// reports whether another instance alive since liveSince holds one too (the
// user was online already).
func (s *Store) SetConnected(ctx context.Context, instanceID, tenantID, userID string, liveSince time.Time) (elsewhere bool, err error) {
	err = s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`
			INSERT INTO presence_connections (tenant_id, user_id, instance_id, since) VALUES (?, ?, ?, ?)
			ON CONFLICT (tenant_id, user_id, instance_id) DO NOTHING`), tenantID, userID, instanceID, s.nowMillis()); err != nil {
			return fmt.Errorf("record connection: %w", err)
		}
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`
			SELECT COUNT(*) FROM presence_connections p
			JOIN instances i ON i.id = p.instance_id
			WHERE p.tenant_id = ? AND p.user_id = ? AND p.instance_id <> ? AND i.heartbeat_at >= ?`),
			tenantID, userID, instanceID, liveSince.UnixMilli()); err != nil {
			return fmt.Errorf("count connections elsewhere: %w", err)
		}
		elsewhere = n > 0
		return nil
	})
	return elsewhere, err
}

// SetDisconnected records that instanceID holds no more connections of
// userID, whose last connection there closed at lastSeen.
func (s *Store) SetDisconnected(ctx context.Context, instanceID, tenantID, userID string, lastSeen time.Time) error {
	return s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`
			DELETE FROM presence_connections WHERE tenant_id = ? AND user_id = ? AND instance_id = ?`),
			tenantID, userID, instanceID); err != nil {
			return fmt.Errorf("remove connection: %w", err)
		}
		return touchLastSeen(ctx, tx, tenantID, userID, lastSeen.UnixMilli())
	})
}

func touchLastSeen(ctx context.Context, tx *sqlx.Tx, tenantID, userID string, at int64) error {
	_, err := tx.ExecContext(ctx, tx.Rebind(`
		INSERT INTO presence_last_seen (tenant_id, user_id, last_seen) VALUES (?, ?, ?)
		ON CONFLICT (tenant_id, user_id) DO UPDATE SET last_seen = excluded.last_seen
		WHERE presence_last_seen.last_seen < excluded.last_seen`), tenantID, userID, at)
	if err != nil {
		return fmt.Errorf("record last seen: %w", err)
	}
	return nil
}

// Presence returns, in the order of userIDs, whether each user of tenantID
// has a connection on an instance alive since liveSince, and when they were
// last seen.
func (s *Store) Presence(ctx context.Context, tenantID string, userIDs []string, liveSince time.Time) ([]UserPresence, error) {
	out := make([]UserPresence, len(userIDs))
	if len(userIDs) == 0 {
		return out, nil
	}
	q, args, err := sqlx.In(`
		SELECT u.user_id,
			EXISTS (SELECT 1 FROM presence_connections p JOIN instances i ON i.id = p.instance_id
				WHERE p.tenant_id = ? AND p.user_id = u.user_id AND i.heartbeat_at >= ?) AS online,
			l.last_seen
		FROM (SELECT DISTINCT user_id FROM presence_connections WHERE tenant_id = ? AND user_id IN (?)
			UNION SELECT user_id FROM presence_last_seen WHERE tenant_id = ? AND user_id IN (?)) u
		LEFT JOIN presence_last_seen l ON l.tenant_id = ? AND l.user_id = u.user_id`,
		tenantID, liveSince.UnixMilli(), tenantID, userIDs, tenantID, userIDs, tenantID)
	if err != nil {
		return nil, fmt.Errorf("presence query: %w", err)
	}
	var rows []struct {
		UserID   string `db:"user_id"`
		Online   bool   `db:"online"`
		LastSeen *int64 `db:"last_seen"`
	}
	if err := s.r.SelectContext(ctx, &rows, s.r.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("read presence: %w", err)
	}
	byUser := make(map[string]UserPresence, len(rows))
	for _, r := range rows {
		byUser[r.UserID] = UserPresence{UserID: r.UserID, Online: r.Online, LastSeen: fromNullMillis(r.LastSeen)}
	}
	for i, u := range userIDs {
		out[i] = byUser[u]
		out[i].UserID = u
	}
	return out, nil
}

// ReapInstances removes the instances whose last heartbeat is before
// deadBefore, with their connections, and returns the users who were
// connected only there (and on no live instance): they went offline
// unannounced. Of instances reaping together, each dead one is reaped once.
func (s *Store) ReapInstances(ctx context.Context, deadBefore time.Time) ([]GoneUser, error) {
	var gone []GoneUser
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		gone = nil
		var dead []struct {
			ID          string `db:"id"`
			HeartbeatAt int64  `db:"heartbeat_at"`
		}
		if err := tx.SelectContext(ctx, &dead, tx.Rebind(`
			DELETE FROM instances WHERE heartbeat_at < ? RETURNING id, heartbeat_at`), deadBefore.UnixMilli()); err != nil {
			return fmt.Errorf("remove dead instances: %w", err)
		}
		for _, d := range dead {
			var users []struct {
				TenantID string `db:"tenant_id"`
				UserID   string `db:"user_id"`
			}
			if err := tx.SelectContext(ctx, &users, tx.Rebind(`
				DELETE FROM presence_connections WHERE instance_id = ? RETURNING tenant_id, user_id`), d.ID); err != nil {
				return fmt.Errorf("remove connections of dead instance: %w", err)
			}
			for _, u := range users {
				if err := touchLastSeen(ctx, tx, u.TenantID, u.UserID, d.HeartbeatAt); err != nil {
					return err
				}
				var n int
				if err := tx.GetContext(ctx, &n, tx.Rebind(`
					SELECT COUNT(*) FROM presence_connections p JOIN instances i ON i.id = p.instance_id
					WHERE p.tenant_id = ? AND p.user_id = ? AND i.heartbeat_at >= ?`),
					u.TenantID, u.UserID, deadBefore.UnixMilli()); err != nil {
					return fmt.Errorf("count connections elsewhere: %w", err)
				}
				if n == 0 {
					gone = append(gone, GoneUser{TenantID: u.TenantID, UserID: u.UserID, LastSeen: fromMillis(d.HeartbeatAt)})
				}
			}
		}
		return nil
	})
	return gone, err
}

// RetireInstance backdates instanceID's heartbeat to lastBeat at a clean
// stop, so that the others take it for dead as soon as lastBeat is older
// than their timeout, rather than a whole timeout after its last beat:
// they then announce offline its users who did not reconnect elsewhere. A
// heartbeat is never moved forward by it.
func (s *Store) RetireInstance(ctx context.Context, instanceID string, lastBeat time.Time) error {
	_, err := s.w.ExecContext(ctx, s.w.Rebind(`
		UPDATE instances SET heartbeat_at = ? WHERE id = ? AND heartbeat_at > ?`),
		lastBeat.UnixMilli(), instanceID, lastBeat.UnixMilli())
	if err != nil {
		return fmt.Errorf("retire instance: %w", err)
	}
	return nil
}

// PutEventPayload stores an event body too large for a notification and
// returns its id, for EventPayload.
func (s *Store) PutEventPayload(ctx context.Context, body []byte) (int64, error) {
	var id int64
	if err := s.w.GetContext(ctx, &id, s.w.Rebind(`
		INSERT INTO event_payloads (body, created_at) VALUES (?, ?) RETURNING id`), string(body), s.nowMillis()); err != nil {
		return 0, fmt.Errorf("store event payload: %w", err)
	}
	return id, nil
}

// EventPayload returns the body PutEventPayload stored as id; ErrNotFound
// when it is unknown or pruned.
func (s *Store) EventPayload(ctx context.Context, id int64) ([]byte, error) {
	var body string
	err := s.r.GetContext(ctx, &body, s.r.Rebind(`SELECT body FROM event_payloads WHERE id = ?`), id)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("event payload %d: %w", id, ErrNotFound)
		}
		return nil, fmt.Errorf("read event payload: %w", err)
	}
	return []byte(body), nil
}

// PruneEventPayloads deletes the event bodies stored before before and
// returns how many.
func (s *Store) PruneEventPayloads(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, s.w.Rebind(`DELETE FROM event_payloads WHERE created_at < ?`), before.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("prune event payloads: %w", err)
	}
	return res.RowsAffected()
}

// NotifyBatch sends payloads (each at most MaxNotifyPayload bytes) on
// channel to every listener of the database, in their order, in one
// transaction.
//
// PostgreSQL commits the transactions that notify one at a time across the
// whole server (they hold one lock from before their commit record to its
// end), so a transaction per event caps the bus at one commit each: with
// synchronous_commit on, one disk flush per event. Hence one transaction
// for whatever the bus has queued, and one that does not wait for its
// commit to reach the disk: a notification is not data (the events it
// carries were committed, durably, before they were broadcast), and a
// server that crashed has dropped its listeners, who resync on reconnect.
func (s *Store) NotifyBatch(ctx context.Context, channel string, payloads []string) error {
	if s.dialect.name != "postgres" {
		return ErrNotifyUnsupported
	}
	if len(payloads) == 0 {
		return nil
	}
	for _, p := range payloads {
		if len(p) > maxNotifyPayload {
			return fmt.Errorf("notify: payload of %d bytes over %d", len(p), maxNotifyPayload)
		}
	}
	return s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			return fmt.Errorf("notify: %w", err)
		}
		// The payloads in array order: pg_notify, volatile, is evaluated
		// after the sort.
		if _, err := tx.ExecContext(ctx, `
			SELECT pg_notify($1, t.payload) FROM unnest($2::text[]) WITH ORDINALITY AS t(payload, n) ORDER BY t.n`,
			channel, pq.StringArray(payloads)); err != nil {
			return fmt.Errorf("notify: %w", err)
		}
		return nil
	})
}
