package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// A user's export (GET /users/{user_id}/export) reads everything stored
// about the user row by row: each Each* method runs one query and hands
// its rows to fn as they come, so that a user with a million messages is
// never held in memory.

// Membership is a user's membership of a room, with their settings there.
type Membership struct {
	RoomID      string
	Role        Role
	JoinedAt    time.Time
	LastReadSeq int64
	MutedUntil  *time.Time
	PinnedAt    *time.Time
	ArchivedSeq *int64
	RoomType    RoomType
	RoomName    *string
}

// UserReaction is one reaction of a user.
type UserReaction struct {
	RoomID    string
	MessageID string
	Type      string
	CreatedAt time.Time
}

// ReceivedNotification is a notification a user was sent, and its state.
type ReceivedNotification struct {
	Notification
	State   string
	AckedAt *time.Time
}

// eachRow runs q and calls fn with each row scanned into a fresh T.
func eachRow[T any](ctx context.Context, db *sqlx.DB, q string, args []any, fn func(T) error) error {
	rows, err := db.QueryxContext(ctx, db.Rebind(q), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v T
		if err := rows.StructScan(&v); err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// EachUserMembership calls fn with each room the user is a member of.
func (s *Store) EachUserMembership(ctx context.Context, tenantID, userID string, fn func(Membership) error) error {
	type row struct {
		RoomID      string  `db:"room_id"`
		Role        string  `db:"role"`
		JoinedAt    int64   `db:"joined_at"`
		LastAck     int64   `db:"last_ack"`
		MutedUntil  *int64  `db:"muted_until"`
		PinnedAt    *int64  `db:"pinned_at"`
		ArchivedSeq *int64  `db:"archived_seq"`
		Type        string  `db:"type"`
		Name        *string `db:"name"`
	}
	err := eachRow(ctx, s.r, `
		SELECT m.room_id, m.role, m.joined_at, m.last_ack, m.muted_until, m.pinned_at, m.archived_seq, r.type, r.name
		FROM room_members AS m JOIN rooms AS r ON r.id = m.room_id
		WHERE m.tenant_id = ? AND m.user_id = ? ORDER BY m.room_id`, []any{tenantID, userID},
		func(r row) error {
			return fn(Membership{RoomID: r.RoomID, Role: Role(r.Role), JoinedAt: fromMillis(r.JoinedAt), LastReadSeq: r.LastAck,
				MutedUntil: fromNullMillis(r.MutedUntil), PinnedAt: fromNullMillis(r.PinnedAt), ArchivedSeq: r.ArchivedSeq,
				RoomType: RoomType(r.Type), RoomName: r.Name})
		})
	if err != nil {
		return fmt.Errorf("export memberships: %w", err)
	}
	return nil
}

// EachUserMessage calls fn with each message the user sent, in every room
// (rooms left included), room by room in seq order. Deleted messages come
// as they are served: empty.
func (s *Store) EachUserMessage(ctx context.Context, tenantID, userID string, fn func(Message) error) error {
	err := eachRow(ctx, s.r, `SELECT `+messageColumns+` FROM messages
		WHERE tenant_id = ? AND sender_id = ? ORDER BY room_id, seq`, []any{tenantID, userID},
		func(r messageRow) error { return fn(r.message()) })
	if err != nil {
		return fmt.Errorf("export messages: %w", err)
	}
	return nil
}

// EachUserReaction calls fn with each reaction of the user.
func (s *Store) EachUserReaction(ctx context.Context, tenantID, userID string, fn func(UserReaction) error) error {
	type row struct {
		RoomID    string `db:"room_id"`
		MessageID string `db:"message_id"`
		Type      string `db:"type"`
		CreatedAt int64  `db:"created_at"`
	}
	err := eachRow(ctx, s.r, `
		SELECT r.room_id, m.id AS message_id, r.type, r.created_at
		FROM reactions AS r JOIN messages AS m ON m.room_id = r.room_id AND m.seq = r.message_seq
		WHERE r.tenant_id = ? AND r.user_id = ? ORDER BY r.room_id, r.message_seq, r.type`, []any{tenantID, userID},
		func(r row) error {
			return fn(UserReaction{RoomID: r.RoomID, MessageID: r.MessageID, Type: r.Type, CreatedAt: fromMillis(r.CreatedAt)})
		})
	if err != nil {
		return fmt.Errorf("export reactions: %w", err)
	}
	return nil
}

// EachUserNotification calls fn with each notification the user was sent
// and that is still kept.
func (s *Store) EachUserNotification(ctx context.Context, tenantID, userID string, fn func(ReceivedNotification) error) error {
	type row struct {
		notificationRow
		State   string `db:"state"`
		AckedAt *int64 `db:"acked_at"`
	}
	err := eachRow(ctx, s.r, `
		SELECT n.id, n.topic, n.payload, n.sender_id, n.created_at, n.expires_at, r.state, r.acked_at
		FROM notification_recipients AS r JOIN notifications AS n ON n.id = r.notification_id
		WHERE r.tenant_id = ? AND r.user_id = ? ORDER BY n.created_at, n.id`, []any{tenantID, userID},
		func(r row) error {
			return fn(ReceivedNotification{Notification: r.notification(), State: r.State, AckedAt: fromNullMillis(r.AckedAt)})
		})
	if err != nil {
		return fmt.Errorf("export notifications: %w", err)
	}
	return nil
}

// EachUserUpload calls fn with each upload the user declared.
func (s *Store) EachUserUpload(ctx context.Context, tenantID, userID string, fn func(Upload) error) error {
	err := eachRow(ctx, s.r, `SELECT `+uploadColumns+` FROM uploads
		WHERE tenant_id = ? AND uploader_id = ? ORDER BY created_at, id`, []any{tenantID, userID},
		func(r uploadRow) error { return fn(r.upload()) })
	if err != nil {
		return fmt.Errorf("export uploads: %w", err)
	}
	return nil
}
