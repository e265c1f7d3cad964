package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// MaxPinsPerRoom is how many messages a room may have pinned at once.
const MaxPinsPerRoom = 50

// Pin is a pinned message, as the pins listing shows it.
type Pin struct {
	Message  Message
	PinnedBy string
	PinnedAt time.Time
	// EventSeq is the pin.added event: the listing's order, newest first.
	EventSeq int64
}

// PinChange is what AddPin or RemovePin did.
type PinChange struct {
	RoomID     string
	MessageID  string
	MessageSeq int64
	UserID     string
	// Changed is false when the message already was (or was not) pinned:
	// nothing was stored and no event appended.
	Changed bool
	// Event is the pin.added or pin.removed the change appended, as
	// RoomEvents reads it back; zero when !Changed.
	Event RoomEvent
}

// pinBodyV1 is the body of pin.added and pin.removed; user_id is who
// pinned or unpinned.
type pinBodyV1 struct {
	MessageID string `json:"message_id"`
	UserID    string `json:"user_id"`
}

// AddPin pins a message of a room: in a dm either member may, in a group
// or channel its admins. Pinning a pinned message changes nothing; a
// deleted message, or a room with MaxPinsPerRoom pins, is a ConflictError.
func (s *Store) AddPin(ctx context.Context, tenantID, actor, roomID, messageID string) (PinChange, error) {
	return s.changePin(ctx, tenantID, actor, roomID, messageID, true)
}

// RemovePin unpins a message (by the rule of AddPin); an unpinned message
// changes nothing.
func (s *Store) RemovePin(ctx context.Context, tenantID, actor, roomID, messageID string) (PinChange, error) {
	return s.changePin(ctx, tenantID, actor, roomID, messageID, false)
}

func (s *Store) changePin(ctx context.Context, tenantID, actor, roomID, messageID string, add bool) (PinChange, error) {
	out := PinChange{RoomID: roomID, MessageID: messageID, UserID: actor}
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		// The event_seq first: it locks the room's row (PostgreSQL), so the
		// count of pins below sees every earlier pin committed.
		eventSeq, err := nextEventSeq(ctx, tx, tenantID, roomID)
		if err != nil {
			return err
		}
		msg, room, err := s.messageForActor(ctx, tx, tenantID, actor, roomID, messageID)
		if err != nil {
			return err
		}
		if RoomType(room.Type) != RoomDM && !room.actorIsAdmin() {
			return &ForbiddenError{Message: "only a room admin may pin or unpin messages here"}
		}
		out.MessageSeq = msg.Seq
		now := s.nowMillis()
		var res sql.Result
		if add {
			if msg.DeletedAt != nil {
				return &ConflictError{Field: "message_id", Message: "the message is deleted"}
			}
			res, err = tx.ExecContext(ctx, tx.Rebind(`
				INSERT INTO pins (tenant_id, room_id, message_seq, pinned_by, event_seq, pinned_at)
				VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (room_id, message_seq) DO NOTHING`),
				tenantID, roomID, msg.Seq, actor, eventSeq, now)
		} else {
			res, err = tx.ExecContext(ctx, tx.Rebind(`
				DELETE FROM pins WHERE room_id = ? AND message_seq = ?`), roomID, msg.Seq)
		}
		if err != nil {
			return fmt.Errorf("change pin: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("change pin: %w", err)
		} else if n == 0 {
			return errUnchanged
		}
		evType := EventPinRemoved
		if add {
			evType = EventPinAdded
			var pins int
			if err := tx.GetContext(ctx, &pins, tx.Rebind(`SELECT COUNT(*) FROM pins WHERE room_id = ?`), roomID); err != nil {
				return fmt.Errorf("count pins: %w", err)
			}
			if pins > MaxPinsPerRoom {
				return &ConflictError{Field: "message_id", Message: fmt.Sprintf("a room has at most %d pinned messages", MaxPinsPerRoom)}
			}
		}
		ev, err := newEvent(evType, actor, pinBodyV1{MessageID: messageID, UserID: actor}, now)
		if err != nil {
			return err
		}
		ev.MessageSeq, ev.EventSeq = &msg.Seq, eventSeq
		if err := insertEvents(ctx, tx, tenantID, roomID, []eventRow{ev}); err != nil {
			return err
		}
		out.Event, err = roomEventOf(roomID, ev)
		return err
	})
	switch {
	case errors.Is(err, errUnchanged):
		return out, nil
	case err != nil:
		return PinChange{}, err
	}
	out.Changed = true
	return out, nil
}

// listPinsSQL reads a room's pins through pins_order, newest first, each
// with its message (by the messages primary key) and the reactions of
// that message to the user of the first placeholder.
const listPinsSQL = `
	SELECT p.pinned_by, p.pinned_at, p.event_seq, ` + pageColumns + `,` + reactionColumns + `
	FROM pins p JOIN messages m ON m.room_id = p.room_id AND m.seq = p.message_seq
	WHERE p.tenant_id = ? AND p.room_id = ?
	ORDER BY p.event_seq DESC`

// ListPins lists a room's pinned messages, newest pin first, to a member:
// at most MaxPinsPerRoom, with each message as ListMessages shows it.
func (s *Store) ListPins(ctx context.Context, tenantID, actor, roomID string) ([]Pin, error) {
	if _, err := s.memberRoom(ctx, s.r, tenantID, roomID, actor); err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, s.r.Rebind(listPinsSQL), actor, tenantID, roomID)
	if err != nil {
		return nil, fmt.Errorf("list pins: %w", err)
	}
	defer rows.Close()
	out := make([]Pin, 0, 8)
	for rows.Next() {
		var (
			p        Pin
			pinnedAt int64
		)
		msg, err := scanMessage(rows, roomID, &p.PinnedBy, &pinnedAt, &p.EventSeq)
		if err != nil {
			return nil, fmt.Errorf("list pins: %w", err)
		}
		p.Message, p.PinnedAt = msg, fromMillis(pinnedAt)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list pins: %w", err)
	}
	return out, nil
}

// scanMessage reads the current row of rows: the columns before, then
// pageColumns and reactionColumns of a message of roomID.
func scanMessage(rows *sql.Rows, roomID string, before ...any) (Message, error) {
	var (
		head                string
		meta, clientMsgID   sql.NullString
		editedAt, deletedAt sql.NullInt64
		parentID            sql.NullString
		quoted, mentions    *string
		thread              sql.NullString
		attachments         *string
		reactions           sql.NullString
	)
	m := Message{RoomID: roomID}
	dest := append(before, &head, &meta, &clientMsgID,
		&editedAt, &deletedAt, &parentID, &quoted, &mentions, &thread,
		&attachments, &reactions)
	if err := rows.Scan(dest...); err != nil {
		return Message{}, err
	}
	if err := splitHead(head, &m); err != nil {
		return Message{}, err
	}
	if parentID.Valid {
		m.ParentID = &parentID.String
	}
	if quoted != nil || mentions != nil || thread.Valid {
		replyCount, lastReplyAt, participants, err := splitThread(thread)
		if err != nil {
			return Message{}, err
		}
		m.Quoted, m.Mentions, m.Thread = decodeRefs(quoted, mentions, replyCount, &lastReplyAt, &participants)
	}
	if attachments != nil {
		m.Attachments = decodeAttachments([]byte(*attachments))
	}
	if meta.Valid {
		m.Meta = []byte(meta.String)
	}
	if clientMsgID.Valid {
		m.ClientMsgID = &clientMsgID.String
	}
	if editedAt.Valid {
		m.EditedAt = fromNullMillis(&editedAt.Int64)
	}
	if deletedAt.Valid {
		m.DeletedAt = fromNullMillis(&deletedAt.Int64)
	}
	m.Reactions = scannedReactions(reactions, deletedAt.Valid)
	return m, nil
}
