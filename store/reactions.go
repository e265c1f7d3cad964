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
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// Limits SPEC sets on reactions.
const (
	MaxReactionTypeLength   = 32 // characters
	MaxReactionTypesPerUser = 20 // per message
	DefaultReactionsLimit   = 50
	MaxReactionsLimit       = 100
)

// Reactions are a message's reactions as one user sees them. A deleted
// message's are empty.
type Reactions struct {
	// Counts is the JSON object {type: n} of how many users reacted with
	// each type, as stored (sorted keys, compact); nil for none. Kept as
	// JSON: a page of history passes it through to its answer undecoded.
	Counts json.RawMessage
	// Own are the types the user reacted with, sorted.
	Own []string
}

// Reaction is one user's reaction to a message, as the who-reacted listing
// shows it.
type Reaction struct {
	UserID    string
	Type      string
	CreatedAt time.Time
	// EventSeq is the reaction.added event that made it: the listing's
	// order and cursor.
	EventSeq int64
}

// ReactionPage selects ListReactions' page: the reactions of Type (all
// when empty) after the one with event_seq After, oldest first. Limit 0
// means the default (50).
type ReactionPage struct {
	Type  string
	After int64
	Limit int
}

// ReactionChange is what AddReaction or RemoveReaction did.
type ReactionChange struct {
	RoomID     string
	MessageID  string
	MessageSeq int64
	UserID     string
	Type       string
	// Counts are the message's counts after the change (as Reactions.Counts).
	Counts json.RawMessage
	// Changed is false when the reaction already was (or was not) there:
	// nothing was stored and no event appended.
	Changed bool
	// Event is the reaction.added or reaction.removed the change appended
	// to the room's log, as RoomEvents reads it back; zero when !Changed.
	Event RoomEvent
}

// The events of reactions and pins.
const (
	EventReactionAdded   EventType = "reaction.added"
	EventReactionRemoved EventType = "reaction.removed"
	EventPinAdded        EventType = "pin.added"
	EventPinRemoved      EventType = "pin.removed"
)

// reactionBodyV1 is the body of reaction.added and reaction.removed. The
// reaction's type is "reaction": the frame's "type" is the event's.
type reactionBodyV1 struct {
	MessageID string          `json:"message_id"`
	UserID    string          `json:"user_id"`
	Reaction  string          `json:"reaction"`
	Counts    json.RawMessage `json:"counts"`
}

// checkReactionType is an InvalidError on type unless it is 1 to
// MaxReactionTypeLength characters without control characters or
// whitespace: an emoji or a shortcode.
func checkReactionType(typ string) error {
	if !utf8.ValidString(typ) {
		return &InvalidError{Field: "type", Message: "must be UTF-8"}
	}
	if err := checkLength("type", typ, MaxReactionTypeLength); err != nil {
		return err
	}
	if strings.IndexFunc(typ, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0 {
		return &InvalidError{Field: "type", Message: "must not contain control characters or whitespace"}
	}
	return nil
}

// errUnchanged rolls back a transaction that found nothing to change (and
// gives back the event_seq it took).
var errUnchanged = errors.New("unchanged")

// AddReaction records actor's reaction typ to a message of a room they are
// a member of, and appends reaction.added. Reacting again with the same
// type changes nothing (Changed false). A deleted message, or a type past
// the MaxReactionTypesPerUser the actor has on the message, is a
// ConflictError.
func (s *Store) AddReaction(ctx context.Context, tenantID, actor, roomID, messageID, typ string) (ReactionChange, error) {
	return s.changeReaction(ctx, tenantID, actor, roomID, messageID, typ, true)
}

// RemoveReaction takes actor's reaction typ back and appends
// reaction.removed; with no such reaction it changes nothing.
func (s *Store) RemoveReaction(ctx context.Context, tenantID, actor, roomID, messageID, typ string) (ReactionChange, error) {
	return s.changeReaction(ctx, tenantID, actor, roomID, messageID, typ, false)
}

func (s *Store) changeReaction(ctx context.Context, tenantID, actor, roomID, messageID, typ string, add bool) (ReactionChange, error) {
	if err := checkReactionType(typ); err != nil {
		return ReactionChange{}, err
	}
	out := ReactionChange{RoomID: roomID, MessageID: messageID, UserID: actor, Type: typ}
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		// The event_seq first: it locks the room's row (PostgreSQL), so the
		// reads below see every earlier change of the room committed, and
		// the counts' read-modify-write cannot lose a concurrent one.
		eventSeq, err := nextEventSeq(ctx, tx, tenantID, roomID)
		if err != nil {
			return err
		}
		msg, _, err := s.messageForActor(ctx, tx, tenantID, actor, roomID, messageID)
		if err != nil {
			return err
		}
		out.MessageSeq = msg.Seq
		if out.Counts, err = s.reactionCounts(ctx, tx, roomID, msg.Seq); err != nil {
			return err
		}
		if msg.DeletedAt != nil {
			return &ConflictError{Field: "message_id", Message: "the message is deleted"}
		}
		now := s.nowMillis()
		var res sql.Result
		if add {
			res, err = tx.ExecContext(ctx, tx.Rebind(`
				INSERT INTO reactions (tenant_id, room_id, message_seq, user_id, type, event_seq, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (room_id, message_seq, user_id, type) DO NOTHING`),
				tenantID, roomID, msg.Seq, actor, typ, eventSeq, now)
		} else {
			res, err = tx.ExecContext(ctx, tx.Rebind(`
				DELETE FROM reactions WHERE room_id = ? AND message_seq = ? AND user_id = ? AND type = ?`),
				roomID, msg.Seq, actor, typ)
		}
		if err != nil {
			return fmt.Errorf("change reaction: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("change reaction: %w", err)
		} else if n == 0 {
			return errUnchanged
		}
		delta := int64(-1)
		if add {
			delta = 1
			var mine int
			if err := tx.GetContext(ctx, &mine, tx.Rebind(`
				SELECT COUNT(*) FROM reactions WHERE room_id = ? AND message_seq = ? AND user_id = ?`),
				roomID, msg.Seq, actor); err != nil {
				return fmt.Errorf("count reactions: %w", err)
			}
			if mine > MaxReactionTypesPerUser {
				return &ConflictError{Field: "type", Message: fmt.Sprintf("at most %d reaction types per user on a message", MaxReactionTypesPerUser)}
			}
		}
		if out.Counts, err = storeReactionCount(ctx, tx, roomID, msg.Seq, out.Counts, typ, delta); err != nil {
			return err
		}
		evType := EventReactionRemoved
		if add {
			evType = EventReactionAdded
		}
		ev, err := newEvent(evType, actor, reactionBodyV1{MessageID: messageID, UserID: actor, Reaction: typ, Counts: countsOrEmpty(out.Counts)}, now)
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
		return ReactionChange{}, err
	}
	out.Changed = true
	return out, nil
}

// roomEventOf is the stored event ev of a room as readEvents gives it back.
func roomEventOf(roomID string, ev eventRow) (RoomEvent, error) {
	e := RoomEvent{RoomID: roomID, EventSeq: ev.EventSeq, Type: ev.Type, UserID: ev.UserID, CreatedAt: fromMillis(ev.CreatedAt)}
	if ev.MessageSeq != nil {
		e.MessageSeq = *ev.MessageSeq
	}
	var err error
	e.Frame, err = eventFrame(e, ev.MessageSeq, ev.Payload)
	return e, err
}

// countsOrEmpty is counts, or the empty object for none.
func countsOrEmpty(counts json.RawMessage) json.RawMessage {
	if len(counts) == 0 {
		return json.RawMessage(`{}`)
	}
	return counts
}

// reactionCounts reads a message's counts (nil for none).
func (s *Store) reactionCounts(ctx context.Context, q sqlx.QueryerContext, roomID string, seq int64) (json.RawMessage, error) {
	var counts sql.NullString
	err := sqlx.GetContext(ctx, q, &counts, s.w.Rebind(`
		SELECT reaction_counts FROM messages WHERE room_id = ? AND seq = ?`), roomID, seq)
	if err != nil {
		return nil, fmt.Errorf("read reaction counts: %w", err)
	}
	if !counts.Valid {
		return nil, nil
	}
	return json.RawMessage(counts.String), nil
}

// storeReactionCount adds delta to typ's count in counts, the message's
// counts read in tx, stores the result in the message's row and returns it.
func storeReactionCount(ctx context.Context, tx *sqlx.Tx, roomID string, seq int64, counts json.RawMessage, typ string, delta int64) (json.RawMessage, error) {
	m := map[string]int64{}
	if len(counts) > 0 {
		if err := json.Unmarshal(counts, &m); err != nil {
			return nil, fmt.Errorf("decode reaction counts: %w", err)
		}
	}
	if m[typ] += delta; m[typ] <= 0 {
		delete(m, typ)
	}
	var (
		enc    []byte
		stored *string
	)
	if len(m) > 0 {
		var err error
		if enc, err = json.Marshal(m); err != nil { // sorted keys
			return nil, err
		}
		str := string(enc)
		stored = &str
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`
		UPDATE messages SET reaction_counts = ? WHERE room_id = ? AND seq = ?`), stored, roomID, seq); err != nil {
		return nil, fmt.Errorf("store reaction counts: %w", err)
	}
	return enc, nil
}

// ownReactions reads the types userID reacted with to a message, sorted.
func (s *Store) ownReactions(ctx context.Context, q sqlx.QueryerContext, roomID string, seq int64, userID string) ([]string, error) {
	var own []string
	err := sqlx.SelectContext(ctx, q, &own, s.w.Rebind(`
		SELECT type FROM reactions WHERE room_id = ? AND message_seq = ? AND user_id = ? ORDER BY type`),
		roomID, seq, userID)
	if err != nil {
		return nil, fmt.Errorf("read own reactions: %w", err)
	}
	return own, nil
}

// reactionsFor reads a message's reactions as userID sees them.
func (s *Store) reactionsFor(ctx context.Context, q sqlx.QueryerContext, row messageRow, userID string) (Reactions, error) {
	if row.DeletedAt != nil {
		return Reactions{}, nil
	}
	counts, err := s.reactionCounts(ctx, q, row.RoomID, row.Seq)
	if err != nil {
		return Reactions{}, err
	}
	own, err := s.ownReactions(ctx, q, row.RoomID, row.Seq, userID)
	if err != nil {
		return Reactions{}, err
	}
	return Reactions{Counts: counts, Own: own}, nil
}

// reactionColumns is a page query's reaction column for the message
// aliased m: its counts (the message row's own column) and, after a space,
// the types of the user bound to the one placeholder, space-separated (a
// type has none, and the counts' compact JSON neither), in any order; NULL
// for a message without reactions. One column, not two, and the caller's
// own are looked up only for a message that has counts: on SQLite each
// column read is a few locked calls into the driver, and a message without
// reactions costs no lookup.
const reactionColumns = `
	CASE WHEN m.reaction_counts IS NULL THEN NULL
	ELSE m.reaction_counts || COALESCE(' ' || (SELECT string_agg(r.type, ' ') FROM reactions r
		WHERE r.room_id = m.room_id AND r.user_id = ? AND r.message_seq = m.seq), '') END AS reactions`

// scannedReactions is what reactionColumns read into Reactions; a deleted
// message's are left out. The own types are substrings of packed.
func scannedReactions(packed sql.NullString, deleted bool) Reactions {
	if !packed.Valid {
		return Reactions{}
	}
	counts, own, found := strings.Cut(packed.String, " ")
	return scannedReactionPair(sql.NullString{String: counts, Valid: true}, sql.NullString{String: own, Valid: found}, deleted)
}

// scannedReactionPair is scannedReactions for a query that reads the
// counts and the own types (space-separated) in two columns.
func scannedReactionPair(counts, own sql.NullString, deleted bool) Reactions {
	if deleted {
		return Reactions{}
	}
	var r Reactions
	if counts.Valid {
		r.Counts = json.RawMessage(counts.String)
	}
	if own.Valid && own.String != "" {
		r.Own = strings.Split(own.String, " ")
		slices.Sort(r.Own)
	}
	return r
}

// ListReactions lists who reacted to a message, oldest first, to a member
// of its room (see ReactionPage).
func (s *Store) ListReactions(ctx context.Context, tenantID, actor, roomID, messageID string, p ReactionPage) ([]Reaction, error) {
	limit, err := pageLimit(p.Limit, DefaultReactionsLimit, MaxReactionsLimit)
	if err != nil {
		return nil, err
	}
	if p.After < 0 {
		return nil, &InvalidError{Field: "after", Message: "must not be negative"}
	}
	if p.Type != "" {
		if err := checkReactionType(p.Type); err != nil {
			return nil, err
		}
	}
	if _, err := s.memberRoom(ctx, s.r, tenantID, roomID, actor); err != nil {
		return nil, err
	}
	var msg struct {
		Seq       int64  `db:"seq"`
		DeletedAt *int64 `db:"deleted_at"`
	}
	err = s.r.GetContext(ctx, &msg, s.r.Rebind(`
		SELECT seq, deleted_at FROM messages WHERE tenant_id = ? AND room_id = ? AND id = ?`), tenantID, roomID, messageID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("message %s: %w", messageID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read message: %w", err)
	}
	if msg.DeletedAt != nil {
		return []Reaction{}, nil
	}
	query, args := listReactionsQuery(roomID, msg.Seq, p, limit)
	rows, err := s.r.QueryContext(ctx, s.r.Rebind(query), args...)
	if err != nil {
		return nil, fmt.Errorf("list reactions: %w", err)
	}
	defer rows.Close()
	out := make([]Reaction, 0, limit)
	for rows.Next() {
		var (
			r  Reaction
			at int64
		)
		if err := rows.Scan(&r.UserID, &r.Type, &at, &r.EventSeq); err != nil {
			return nil, fmt.Errorf("list reactions: %w", err)
		}
		r.CreatedAt = fromMillis(at)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list reactions: %w", err)
	}
	return out, nil
}

// listReactionsQuery is ListReactions' SQL (before Rebind) for the message
// with seq: reactions_order in event_seq order from p.After, stopping
// after limit rows.
func listReactionsQuery(roomID string, seq int64, p ReactionPage, limit int) (string, []any) {
	query := `
		SELECT user_id, type, created_at, event_seq FROM reactions
		WHERE room_id = ? AND message_seq = ? AND event_seq > ?`
	args := []any{roomID, seq, p.After}
	if p.Type != "" {
		query += ` AND type = ?`
		args = append(args, p.Type)
	}
	return query + ` ORDER BY event_seq LIMIT ?`, append(args, limit)
}
