package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Notification rules SPEC sets.
const (
	// NotificationTTL is how long a notification stays owed to its
	// recipients: after it, it is no longer pending.
	NotificationTTL            = 7 * 24 * time.Hour
	MaxNotificationPayloadSize = 16 * 1024 // bytes of compact JSON
	MaxTopicLength             = 128       // characters of [a-z0-9._-]
	DefaultNotificationsLimit  = 50
	MaxNotificationsLimit      = 100
)

// notificationRow is a row of notifications. Each recipient has a row in
// notification_recipients whose state is 'pending' until the user acks
// ('acked') or redelivery gives up ('dead'); only pending, unexpired
// notifications are owed to the user.
type notificationRow struct {
	ID        string `db:"id"`
	Topic     string `db:"topic"`
	Payload   string `db:"payload"`
	SenderID  string `db:"sender_id"`
	CreatedAt int64  `db:"created_at"`
	ExpiresAt int64  `db:"expires_at"`
}

func (r notificationRow) notification() Notification {
	return Notification{
		ID:        r.ID,
		Topic:     r.Topic,
		Payload:   []byte(r.Payload),
		SenderID:  r.SenderID,
		CreatedAt: fromMillis(r.CreatedAt),
		ExpiresAt: fromMillis(r.ExpiresAt),
	}
}

// validateTopic checks a notification topic: 1 to MaxTopicLength characters
// of [a-z0-9._-].
func validateTopic(topic string) error {
	ok := len(topic) >= 1 && len(topic) <= MaxTopicLength
	for i := 0; ok && i < len(topic); i++ {
		c := topic[i]
		ok = 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-'
	}
	if !ok {
		return &InvalidError{Field: "topic",
			Message: fmt.Sprintf("must be 1 to %d characters of a-z, 0-9, '.', '_' and '-'", MaxTopicLength)}
	}
	return nil
}

// recipientInsertBatch rows per INSERT keep the parameters (3 a row) far
// below both databases' limits.
const recipientInsertBatch = 300

// CreateNotification stores a notification from sender and one pending
// recipient row for every user it resolves to (see NewNotification), in one
// transaction. It returns the notification and its recipients' user ids,
// sorted. A RoomID that is not the tenant's is ErrNotFound; one the sender is
// not a member of, a ForbiddenError. The notification expires NotificationTTL
// after it is created.
func (s *Store) CreateNotification(ctx context.Context, tenantID, sender string, n NewNotification) (Notification, []string, error) {
	if sender == "" {
		return Notification{}, nil, &InvalidError{Field: "user_id", Message: "must not be empty"}
	}
	if err := validateTopic(n.Topic); err != nil {
		return Notification{}, nil, err
	}
	payload, err := objectOrEmpty("payload", n.Payload, MaxNotificationPayloadSize)
	if err != nil {
		return Notification{}, nil, err
	}
	if len(n.UserIDs) == 0 && n.RoomID == nil && !n.TopicSubscribers {
		return Notification{}, nil, &InvalidError{Field: "targets",
			Message: "give at least one of user_ids, room_id and topic_subscribers"}
	}
	if slices.Contains(n.UserIDs, "") {
		return Notification{}, nil, &InvalidError{Field: "targets.user_ids", Message: "user ids must not be empty"}
	}
	userIDs := slices.Compact(slices.Sorted(slices.Values(n.UserIDs)))

	now := s.nowMillis()
	row := notificationRow{
		ID:        newID("ntf_"),
		Topic:     n.Topic,
		Payload:   payload,
		SenderID:  sender,
		CreatedAt: now,
		ExpiresAt: now + NotificationTTL.Milliseconds(),
	}
	var recipients []string
	defer s.notificationsChanged(tenantID)
	err = s.withTx(ctx, func(tx *sqlx.Tx) error {
		if n.RoomID != nil {
			if _, err := s.memberRoom(ctx, tx, tenantID, *n.RoomID, sender); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`
			INSERT INTO notifications (id, tenant_id, sender_id, topic, payload, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`),
			row.ID, tenantID, row.SenderID, row.Topic, row.Payload, row.CreatedAt, row.ExpiresAt); err != nil {
			return fmt.Errorf("insert notification: %w", err)
		}
		if err := insertRecipients(ctx, tx, tenantID, row.ID, userIDs); err != nil {
			return err
		}
		// The room and topic expansions run in the database, one statement
		// each whatever the number of members or subscribers; ON CONFLICT
		// drops the users an earlier target already added.
		if n.RoomID != nil {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`
				INSERT INTO notification_recipients (notification_id, tenant_id, user_id, state, attempts)
				SELECT ?, tenant_id, user_id, 'pending', 0
				FROM room_members
				WHERE tenant_id = ? AND room_id = ? AND user_id <> ?
				ON CONFLICT (notification_id, user_id) DO NOTHING`),
				row.ID, tenantID, *n.RoomID, sender); err != nil {
				return fmt.Errorf("insert room recipients: %w", err)
			}
		}
		if n.TopicSubscribers {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`
				INSERT INTO notification_recipients (notification_id, tenant_id, user_id, state, attempts)
				SELECT ?, tenant_id, user_id, 'pending', 0
				FROM subscriptions
				WHERE tenant_id = ? AND topic = ? AND user_id <> ?
				ON CONFLICT (notification_id, user_id) DO NOTHING`),
				row.ID, tenantID, row.Topic, sender); err != nil {
				return fmt.Errorf("insert subscriber recipients: %w", err)
			}
		}
		if err := tx.SelectContext(ctx, &recipients, tx.Rebind(`
			SELECT user_id FROM notification_recipients
			WHERE tenant_id = ? AND notification_id = ?`), tenantID, row.ID); err != nil {
			return fmt.Errorf("read recipients: %w", err)
		}
		// The tenant's webhooks get it in the same transaction: never lost,
		// never queued twice.
		return queueNotificationWebhooks(ctx, tx, tenantID, row, len(recipients))
	})
	if err != nil {
		return Notification{}, nil, err
	}
	// Sorted here, not by ORDER BY: the databases' collations may disagree.
	slices.Sort(recipients)
	return row.notification(), recipients, nil
}

// insertRecipients adds the pending recipient rows of a notification for
// userIDs, which hold no duplicates.
func insertRecipients(ctx context.Context, tx *sqlx.Tx, tenantID, notificationID string, userIDs []string) error {
	for batch := range slices.Chunk(userIDs, recipientInsertBatch) {
		var q strings.Builder
		q.WriteString(`INSERT INTO notification_recipients (notification_id, tenant_id, user_id, state, attempts) VALUES `)
		args := make([]any, 0, 3*len(batch))
		for i, u := range batch {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, 'pending', 0)")
			args = append(args, notificationID, tenantID, u)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(q.String()), args...); err != nil {
			return fmt.Errorf("insert recipients: %w", err)
		}
	}
	return nil
}

// listNotificationsSQL is ListNotifications' query (before Rebind), with
// the parameters tenant_id, user_id, now and limit:
// notification_recipients_user (tenant_id, user_id, state) finds the pending
// rows, each notification is then read by its primary key.
const listNotificationsSQL = `
	SELECT n.id, n.topic, n.payload, n.sender_id, n.created_at, n.expires_at
	FROM notification_recipients nr
	JOIN notifications n ON n.id = nr.notification_id AND n.tenant_id = nr.tenant_id
	WHERE nr.tenant_id = ? AND nr.user_id = ? AND nr.state = 'pending' AND n.expires_at > ?
	ORDER BY n.created_at, n.id
	LIMIT ?`

// ListNotifications returns userID's pending notifications that have not
// expired, oldest first. limit 0 means DefaultNotificationsLimit. In a
// tenant that never had one it reads nothing, on SQLite (see
// notificationFree).
func (s *Store) ListNotifications(ctx context.Context, tenantID, userID string, limit int) ([]Notification, error) {
	limit, err := pageLimit(limit, DefaultNotificationsLimit, MaxNotificationsLimit)
	if err != nil {
		return nil, err
	}
	free, err := s.notificationFree(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	if free {
		return []Notification{}, nil
	}
	var rows []notificationRow
	// Prepared once: every WebSocket connect reads the pending
	// notifications, and parsing the statement each time was 30 % of the
	// server's CPU while 10,000 clients connected.
	st, err := s.reads.get(ctx, s.r.Rebind(listNotificationsSQL))
	if err == nil {
		err = st.SelectContext(ctx, &rows, tenantID, userID, s.nowMillis(), limit)
	}
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	out := make([]Notification, len(rows))
	for i, r := range rows {
		out[i] = r.notification()
	}
	return out, nil
}

// AckNotification records that userID received the notification and returns
// when. A repeated ack changes nothing and returns the first ack's time; an
// ack after redelivery gave up still counts. A notification userID is not a
// recipient of (or another tenant's, or none) is ErrNotFound.
func (s *Store) AckNotification(ctx context.Context, tenantID, userID, notificationID string) (time.Time, error) {
	var ackedAt int64
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		// acked_at IS NULL: under concurrent acks, the one that waited on the
		// other's row lock re-checks it and changes nothing.
		if _, err := tx.ExecContext(ctx, tx.Rebind(`
			UPDATE notification_recipients SET state = 'acked', acked_at = ?
			WHERE tenant_id = ? AND notification_id = ? AND user_id = ? AND acked_at IS NULL`),
			s.nowMillis(), tenantID, notificationID, userID); err != nil {
			return fmt.Errorf("ack notification: %w", err)
		}
		err := tx.GetContext(ctx, &ackedAt, tx.Rebind(`
			SELECT acked_at FROM notification_recipients
			WHERE tenant_id = ? AND notification_id = ? AND user_id = ?`), tenantID, notificationID, userID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("notification %s: %w", notificationID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("read ack: %w", err)
		}
		return nil
	})
	if err != nil {
		return time.Time{}, err
	}
	return fromMillis(ackedAt), nil
}
