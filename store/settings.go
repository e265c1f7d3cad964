package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// MemberSettings are a member's own settings of a room: nobody else sees
// them. MutedUntil is nil when the room is not muted (also once a mute has
// run out); a room is Archived until a message arrives after the member
// archived it.
type MemberSettings struct {
	RoomID     string
	MutedUntil *time.Time
	Archived   bool
	Pinned     bool
}

// SettingsChange changes a member's settings; nil fields stay as they are.
// SetMutedUntil with a nil MutedUntil unmutes.
type SettingsChange struct {
	SetMutedUntil bool
	MutedUntil    *time.Time
	Archived      *bool
	Pinned        *bool
}

// settingsColumns reads a member's settings beside its room's last_seq
// (m: room_members, r: rooms), which decides whether it is still archived.
const settingsColumns = `m.muted_until, m.pinned_at, m.archived_seq`

type settingsRow struct {
	MutedUntil  *int64 `db:"muted_until"`
	PinnedAt    *int64 `db:"pinned_at"`
	ArchivedSeq *int64 `db:"archived_seq"`
}

func (r settingsRow) settings(roomID string, lastSeq, now int64) MemberSettings {
	ms := MemberSettings{
		RoomID:   roomID,
		Pinned:   r.PinnedAt != nil,
		Archived: r.ArchivedSeq != nil && lastSeq <= *r.ArchivedSeq,
	}
	if r.MutedUntil != nil && *r.MutedUntil > now {
		ms.MutedUntil = fromNullMillis(r.MutedUntil)
	}
	return ms
}

// UpdateMemberSettings changes userID's settings of a room they belong to.
// Only the member changes their own: another actor is a ForbiddenError. A
// room they may not see is ErrNotFound or a ForbiddenError as for every
// room read; a channel they only watch is a ForbiddenError (settings are a
// member's).
func (s *Store) UpdateMemberSettings(ctx context.Context, tenantID, actor, roomID, userID string, ch SettingsChange) (MemberSettings, error) {
	if actor != userID {
		return MemberSettings{}, &ForbiddenError{Message: "a member's settings are their own"}
	}
	var mutedUntil *int64
	if ch.SetMutedUntil && ch.MutedUntil != nil {
		ms := ch.MutedUntil.UnixMilli()
		mutedUntil = &ms
	}
	now := s.nowMillis()
	var out MemberSettings
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		// Pinning again keeps the first pin's time; archiving again moves
		// the mark to the room's newest message.
		res, err := tx.ExecContext(ctx, tx.Rebind(`
			UPDATE room_members SET
				muted_until  = CASE WHEN ? THEN ? ELSE muted_until END,
				pinned_at    = CASE WHEN ? THEN (CASE WHEN ? THEN COALESCE(pinned_at, ?) ELSE NULL END) ELSE pinned_at END,
				archived_seq = CASE WHEN ? THEN (CASE WHEN ? THEN (SELECT r.last_seq FROM rooms r WHERE r.id = room_members.room_id) ELSE NULL END) ELSE archived_seq END
			WHERE tenant_id = ? AND room_id = ? AND user_id = ?`),
			ch.SetMutedUntil, mutedUntil,
			ch.Pinned != nil, deref(ch.Pinned), now,
			ch.Archived != nil, deref(ch.Archived),
			tenantID, roomID, actor)
		if err != nil {
			return fmt.Errorf("update member settings: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("update member settings: %w", err)
		} else if n == 0 {
			if _, err := s.visibleRoom(ctx, tenantID, actor, roomID); err != nil {
				return err
			}
			return &ForbiddenError{Message: "not a member of this room"}
		}
		var row struct {
			settingsRow
			LastSeq int64 `db:"last_seq"`
		}
		err = tx.GetContext(ctx, &row, tx.Rebind(`
			SELECT `+settingsColumns+`, r.last_seq
			FROM room_members m JOIN rooms r ON r.id = m.room_id
			WHERE m.tenant_id = ? AND m.room_id = ? AND m.user_id = ?`), tenantID, roomID, actor)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("member settings: %w", ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("read member settings: %w", err)
		}
		out = row.settings(roomID, row.LastSeq, now)
		return nil
	})
	return out, err
}
