package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Limits of ListDeadLetters, per list.
const (
	DefaultDeadLettersLimit = 50
	MaxDeadLettersLimit     = 100
)

type failedMessageRow struct {
	TenantID      string `db:"tenant_id"`
	MessageID     string `db:"message_id"`
	RoomID        string `db:"room_id"`
	UserID        string `db:"user_id"`
	Attempts      int    `db:"attempts"`
	LastAttemptAt int64  `db:"last_attempt_at"`
	Error         string `db:"error"`
}

func (r failedMessageRow) failedMessage() FailedMessage {
	return FailedMessage{
		TenantID: r.TenantID, MessageID: r.MessageID, RoomID: r.RoomID, UserID: r.UserID,
		Attempts: r.Attempts, LastAttemptAt: fromMillis(r.LastAttemptAt), Error: r.Error,
	}
}

type failedNotificationRow struct {
	TenantID       string `db:"tenant_id"`
	NotificationID string `db:"notification_id"`
	UserID         string `db:"user_id"`
	Attempts       int    `db:"attempts"`
	LastAttemptAt  int64  `db:"last_attempt_at"`
	Error          string `db:"error"`
}

func (r failedNotificationRow) failedNotification() FailedNotification {
	return FailedNotification{
		TenantID: r.TenantID, NotificationID: r.NotificationID, UserID: r.UserID,
		Attempts: r.Attempts, LastAttemptAt: fromMillis(r.LastAttemptAt), Error: r.Error,
	}
}

// deadLetterTime is f's LastAttemptAt in the schema's unit; the zero time
// means now.
func (s *Store) deadLetterTime(t time.Time) int64 {
	if t.IsZero() {
		return s.nowMillis()
	}
	return t.UnixMilli()
}

// RecordFailedMessage writes a dead letter: redelivering the message to the
// user gave up. A zero LastAttemptAt means now. The record keeps no link to
// the message, so it outlives it.
func (s *Store) RecordFailedMessage(ctx context.Context, f FailedMessage) error {
	for _, req := range []struct{ field, value string }{
		{"tenant_id", f.TenantID}, {"message_id", f.MessageID}, {"room_id", f.RoomID}, {"user_id", f.UserID},
	} {
		if req.value == "" {
			return &InvalidError{Field: req.field, Message: "must not be empty"}
		}
	}
	if f.Attempts < 0 {
		return &InvalidError{Field: "attempts", Message: "must not be negative"}
	}
	_, err := s.w.ExecContext(ctx, s.w.Rebind(`
		INSERT INTO dead_letter_messages (id, tenant_id, message_id, user_id, room_id, attempts, last_attempt_at, error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
		newID("dlm_"), f.TenantID, f.MessageID, f.UserID, f.RoomID, f.Attempts, s.deadLetterTime(f.LastAttemptAt), f.Error)
	if err != nil {
		return fmt.Errorf("record failed message: %w", err)
	}
	return nil
}

// RecordFailedNotification writes a dead letter: redelivering the
// notification to the user gave up. In the same transaction the recipient,
// if still pending, becomes dead, so the notification is no longer owed to
// them; one the user acked in the meantime stays acked. A zero LastAttemptAt
// means now.
func (s *Store) RecordFailedNotification(ctx context.Context, f FailedNotification) error {
	for _, req := range []struct{ field, value string }{
		{"tenant_id", f.TenantID}, {"notification_id", f.NotificationID}, {"user_id", f.UserID},
	} {
		if req.value == "" {
			return &InvalidError{Field: req.field, Message: "must not be empty"}
		}
	}
	if f.Attempts < 0 {
		return &InvalidError{Field: "attempts", Message: "must not be negative"}
	}
	at := s.deadLetterTime(f.LastAttemptAt)
	return s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`
			INSERT INTO dead_letter_notifications (id, tenant_id, notification_id, user_id, attempts, last_attempt_at, error)
			VALUES (?, ?, ?, ?, ?, ?, ?)`),
			newID("dln_"), f.TenantID, f.NotificationID, f.UserID, f.Attempts, at, f.Error); err != nil {
			return fmt.Errorf("record failed notification: %w", err)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`
			UPDATE notification_recipients SET state = 'dead', attempts = ?, last_attempt_at = ?
			WHERE tenant_id = ? AND notification_id = ? AND user_id = ? AND state = 'pending'`),
			f.Attempts, at, f.TenantID, f.NotificationID, f.UserID); err != nil {
			return fmt.Errorf("mark recipient dead: %w", err)
		}
		return nil
	})
}

// ListDeadLetters returns the latest dead letters of the tenant, or of every
// tenant when tenantID is "", newest first. limit (0 means
// DefaultDeadLettersLimit) applies to each list.
func (s *Store) ListDeadLetters(ctx context.Context, tenantID string, limit int) (DeadLetters, error) {
	limit, err := pageLimit(limit, DefaultDeadLettersLimit, MaxDeadLettersLimit)
	if err != nil {
		return DeadLetters{}, err
	}
	msgQuery, ntfQuery, args := deadLettersQueries(tenantID, limit)
	var msgRows []failedMessageRow
	if err := s.r.SelectContext(ctx, &msgRows, s.r.Rebind(msgQuery), args...); err != nil {
		return DeadLetters{}, fmt.Errorf("list failed messages: %w", err)
	}
	var ntfRows []failedNotificationRow
	if err := s.r.SelectContext(ctx, &ntfRows, s.r.Rebind(ntfQuery), args...); err != nil {
		return DeadLetters{}, fmt.Errorf("list failed notifications: %w", err)
	}

	out := DeadLetters{
		Messages:      make([]FailedMessage, len(msgRows)),
		Notifications: make([]FailedNotification, len(ntfRows)),
	}
	for i, r := range msgRows {
		out.Messages[i] = r.failedMessage()
	}
	for i, r := range ntfRows {
		out.Notifications[i] = r.failedNotification()
	}
	return out, nil
}

// deadLettersQueries are ListDeadLetters' two queries (before Rebind) and
// their arguments. Each reads an index newest first and stops at limit: the
// tenant's (tenant_id, last_attempt_at), or 0002's (last_attempt_at, id) for
// all tenants.
func deadLettersQueries(tenantID string, limit int) (msgQuery, ntfQuery string, args []any) {
	where, args := "", []any{limit}
	if tenantID != "" {
		where, args = "WHERE tenant_id = ?", []any{tenantID, limit}
	}
	msgQuery = `
		SELECT tenant_id, message_id, room_id, user_id, attempts, last_attempt_at, error
		FROM dead_letter_messages ` + where + `
		ORDER BY last_attempt_at DESC, id DESC
		LIMIT ?`
	ntfQuery = `
		SELECT tenant_id, notification_id, user_id, attempts, last_attempt_at, error
		FROM dead_letter_notifications ` + where + `
		ORDER BY last_attempt_at DESC, id DESC
		LIMIT ?`
	return msgQuery, ntfQuery, args
}
