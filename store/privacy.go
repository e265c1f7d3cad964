package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Privacy (SPEC Part 2, "Tenant administration and privacy"): a user's
// deletion and export.

// What a user deletion does with the user's messages.
const (
	// KeepMessages leaves them as they are.
	KeepMessages = "keep"
	// AnonymizeMessages keeps their content under DeletedUserID.
	AnonymizeMessages = "anonymize"
	// DeleteMessages empties them as a soft delete does, seq kept, under
	// DeletedUserID.
	DeleteMessages = "delete"
)

// DeletedUserID is the sender of an anonymized user's messages.
const DeletedUserID = "deleted-user"

// UserDeletion is a user's deletion: requested, then run to the end.
type UserDeletion struct {
	TenantID    string
	UserID      string
	Messages    string
	RequestedAt time.Time
	Done        bool
}

type userDeletionRow struct {
	TenantID    string `db:"tenant_id"`
	UserID      string `db:"user_id"`
	Messages    string `db:"messages"`
	RequestedAt int64  `db:"requested_at"`
	DoneAt      *int64 `db:"done_at"`
}

func (r userDeletionRow) deletion() UserDeletion {
	return UserDeletion{TenantID: r.TenantID, UserID: r.UserID, Messages: r.Messages,
		RequestedAt: fromMillis(r.RequestedAt), Done: r.DoneAt != nil}
}

const userDeletionColumns = `tenant_id, user_id, messages, requested_at, done_at`

// DeleteUser records the deletion of a user, which EraseUser carries out:
// from its RequestedAt on, the user tokens issued before it are refused.
// A deletion requested again starts again with the new option.
// at is when it is asked for, by the caller's clock: the one that stamps
// the tokens and connections it refuses.
func (s *Store) DeleteUser(ctx context.Context, tenantID, userID, messages string, at time.Time) (UserDeletion, error) {
	switch messages {
	case KeepMessages, AnonymizeMessages, DeleteMessages:
	default:
		return UserDeletion{}, &InvalidError{Field: "messages", Message: "must be keep, anonymize or delete"}
	}
	row := userDeletionRow{TenantID: tenantID, UserID: userID, Messages: messages, RequestedAt: at.UnixMilli()}
	if _, err := s.w.ExecContext(ctx, s.w.Rebind(`
		INSERT INTO user_deletions (tenant_id, user_id, messages, requested_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (tenant_id, user_id) DO UPDATE
		SET messages = excluded.messages, requested_at = excluded.requested_at, done_at = NULL`),
		row.TenantID, row.UserID, row.Messages, row.RequestedAt); err != nil {
		return UserDeletion{}, fmt.Errorf("delete user: %w", err)
	}
	return row.deletion(), nil
}

// UserDeletedAt is when the user's last deletion was requested, and
// whether there was one.
func (s *Store) UserDeletedAt(ctx context.Context, tenantID, userID string) (time.Time, bool, error) {
	var at int64
	err := s.r.GetContext(ctx, &at, s.r.Rebind(`SELECT requested_at FROM user_deletions WHERE tenant_id = ? AND user_id = ?`), tenantID, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("user deletion: %w", err)
	}
	return fromMillis(at), true, nil
}

// UserDeletionsSince returns the user deletions requested at or after
// since, across tenants.
func (s *Store) UserDeletionsSince(ctx context.Context, since time.Time) ([]UserDeletion, error) {
	return s.userDeletions(ctx, `requested_at >= ?`, since.UnixMilli())
}

// PendingUserDeletions returns the user deletions not yet run to the end,
// oldest first.
func (s *Store) PendingUserDeletions(ctx context.Context) ([]UserDeletion, error) {
	return s.userDeletions(ctx, `done_at IS NULL`)
}

// UserDeletion returns a user's deletion; ErrNotFound when there is none.
func (s *Store) UserDeletion(ctx context.Context, tenantID, userID string) (UserDeletion, error) {
	ds, err := s.userDeletions(ctx, `tenant_id = ? AND user_id = ?`, tenantID, userID)
	if err != nil {
		return UserDeletion{}, err
	}
	if len(ds) == 0 {
		return UserDeletion{}, fmt.Errorf("user deletion: %w", ErrNotFound)
	}
	return ds[0], nil
}

func (s *Store) userDeletions(ctx context.Context, cond string, args ...any) ([]UserDeletion, error) {
	var rows []userDeletionRow
	// The read pool: every instance's credential checks ask, and on
	// SQLite the writer's one connection is the sends'.
	if err := s.r.SelectContext(ctx, &rows, s.r.Rebind(`SELECT `+userDeletionColumns+` FROM user_deletions WHERE `+cond+` ORDER BY requested_at`), args...); err != nil {
		return nil, fmt.Errorf("user deletions: %w", err)
	}
	out := make([]UserDeletion, len(rows))
	for i, r := range rows {
		out[i] = r.deletion()
	}
	return out, nil
}

// UserUploads returns up to limit uploads of a user, for an erasure to
// delete their files before their records (DropUploads).
func (s *Store) UserUploads(ctx context.Context, tenantID, userID string, limit int) ([]UploadRef, error) {
	var out []UploadRef
	if err := s.w.SelectContext(ctx, &out, s.w.Rebind(`SELECT tenant_id, id FROM uploads WHERE tenant_id = ? AND uploader_id = ? ORDER BY id LIMIT ?`),
		tenantID, userID, limit); err != nil {
		return nil, fmt.Errorf("user uploads: %w", err)
	}
	return out, nil
}

// Erasure is what EraseUser changed in rooms, for live clients.
type Erasure struct {
	// Deleted are the user's messages it deleted (DeleteMessages).
	Deleted []Message
	// Reactions are the user's reactions it took back.
	Reactions []ReactionChange
	// Left are the rooms the user was taken out of, with the event_seq of
	// each member.left.
	Left []RoomLeave
}

// RoomLeave is a member.left of an erasure.
type RoomLeave struct {
	RoomID   string
	EventSeq int64
}

// EraseUser carries out a user's deletion in the database, the uploads'
// files being gone already (UserUploads, DropUploads): the messages as
// the deletion says (each deleted one a message.deleted in its room's
// log), the quotes of them in others' messages, the user's reactions
// (reaction.removed), memberships (member.left), and every other row of the
// tenant's tables that names the user in a user_id column; then it marks
// the deletion done. Each step may be run again: a deletion stopped
// halfway is resumed by running it again.
func (s *Store) EraseUser(ctx context.Context, d UserDeletion) (Erasure, error) {
	var out Erasure
	tenantID, userID := d.TenantID, d.UserID
	// The uploads go whatever becomes of the messages: those kept no
	// longer list files that are gone.
	if _, err := s.w.ExecContext(ctx, s.w.Rebind(`
		UPDATE messages SET attachments = NULL WHERE tenant_id = ? AND sender_id = ? AND attachments IS NOT NULL`),
		tenantID, userID); err != nil {
		return out, fmt.Errorf("drop attachments: %w", err)
	}
	if d.Messages == DeleteMessages {
		for {
			var refs []struct {
				RoomID string `db:"room_id"`
				ID     string `db:"id"`
			}
			if err := s.w.SelectContext(ctx, &refs, s.w.Rebind(`
				SELECT room_id, id FROM messages WHERE tenant_id = ? AND sender_id = ? AND deleted_at IS NULL LIMIT 100`),
				tenantID, userID); err != nil {
				return out, fmt.Errorf("find messages: %w", err)
			}
			for _, r := range refs {
				msg, changed, err := s.eraseMessage(ctx, tenantID, userID, r.RoomID, r.ID)
				if err != nil {
					return out, err
				}
				if changed {
					out.Deleted = append(out.Deleted, msg)
				}
			}
			if len(refs) < 100 {
				break
			}
		}
	}
	if d.Messages != KeepMessages {
		// Deleted messages too: what is left of them names nobody.
		if err := s.withTx(ctx, func(tx *sqlx.Tx) error {
			// client_msg_id goes too: two users anonymized in one room
			// must not collide on (room_id, sender_id, client_msg_id).
			if _, err := tx.ExecContext(ctx, tx.Rebind(`
				UPDATE messages SET sender_id = ?, client_msg_id = NULL WHERE tenant_id = ? AND sender_id = ?`),
				DeletedUserID, tenantID, userID); err != nil {
				return fmt.Errorf("anonymize messages: %w", err)
			}
			return s.anonymizeEvents(ctx, tx, tenantID, userID)
		}); err != nil {
			return out, err
		}
		for i := range out.Deleted {
			out.Deleted[i].SenderID = DeletedUserID
		}
		if err := s.rewriteQuotes(ctx, tenantID, userID, d.Messages == DeleteMessages); err != nil {
			return out, err
		}
		if err := s.eraseNotifications(ctx, tenantID, userID, d.Messages == DeleteMessages); err != nil {
			return out, err
		}
	}
	var reactions []struct {
		RoomID string `db:"room_id"`
		Seq    int64  `db:"message_seq"`
		Type   string `db:"type"`
	}
	if err := s.w.SelectContext(ctx, &reactions, s.w.Rebind(`
		SELECT room_id, message_seq, type FROM reactions WHERE tenant_id = ? AND user_id = ?`), tenantID, userID); err != nil {
		return out, fmt.Errorf("find reactions: %w", err)
	}
	for _, r := range reactions {
		ch, err := s.eraseReaction(ctx, tenantID, userID, r.RoomID, r.Seq, r.Type)
		if err != nil {
			return out, err
		}
		if ch.Changed {
			out.Reactions = append(out.Reactions, ch)
		}
	}
	var rooms []string
	if err := s.w.SelectContext(ctx, &rooms, s.w.Rebind(`SELECT room_id FROM room_members WHERE tenant_id = ? AND user_id = ?`), tenantID, userID); err != nil {
		return out, fmt.Errorf("find memberships: %w", err)
	}
	for _, room := range rooms {
		seq, err := s.eraseMember(ctx, tenantID, userID, room)
		if err != nil {
			return out, err
		}
		if seq != 0 {
			out.Left = append(out.Left, RoomLeave{RoomID: room, EventSeq: seq})
		}
	}
	if err := s.eraseUserRows(ctx, tenantID, userID); err != nil {
		return out, err
	}
	if _, err := s.w.ExecContext(ctx, s.w.Rebind(`
		UPDATE user_deletions SET done_at = ? WHERE tenant_id = ? AND user_id = ? AND requested_at = ?`),
		s.nowMillis(), tenantID, userID, d.RequestedAt.UnixMilli()); err != nil {
		return out, fmt.Errorf("finish user deletion: %w", err)
	}
	return out, nil
}

// eraseMessage soft-deletes one message of the user as DeleteMessage does,
// whoever may still read the room.
func (s *Store) eraseMessage(ctx context.Context, tenantID, userID, roomID, messageID string) (Message, bool, error) {
	var row messageRow
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		eventSeq, err := nextEventSeq(ctx, tx, tenantID, roomID)
		if err != nil {
			return err
		}
		now := s.nowMillis()
		err = tx.QueryRowxContext(ctx, tx.Rebind(`
			UPDATE messages SET content = '', meta = NULL, quoted = NULL, attachments = NULL, deleted_at = ?
			WHERE tenant_id = ? AND room_id = ? AND id = ? AND sender_id = ? AND deleted_at IS NULL
			RETURNING `+messageColumns),
			now, tenantID, roomID, messageID, userID).StructScan(&row)
		if errors.Is(err, sql.ErrNoRows) {
			return errUnchanged
		}
		if err != nil {
			return fmt.Errorf("erase message: %w", err)
		}
		row.EventSeq = eventSeq
		return insertMessageEvent(ctx, tx, tenantID, EventMessageDeleted, userID, row, now)
	})
	if errors.Is(err, errUnchanged) {
		return Message{}, false, nil
	}
	if err != nil {
		return Message{}, false, err
	}
	return row.message(), true, nil
}

// anonymizeEvents rewrites the sender of the user's message events in the
// log (edits and deletes keep a copy of the message) to DeletedUserID.
func (s *Store) anonymizeEvents(ctx context.Context, tx *sqlx.Tx, tenantID, userID string) error {
	var evs []struct {
		RoomID   string `db:"room_id"`
		EventSeq int64  `db:"event_seq"`
		Payload  string `db:"payload"`
	}
	if err := tx.SelectContext(ctx, &evs, tx.Rebind(`
		SELECT room_id, event_seq, payload FROM room_events
		WHERE tenant_id = ? AND type IN (?, ?) AND payload LIKE ? ESCAPE '\'`),
		tenantID, EventMessageUpdated, EventMessageDeleted, senderPattern(userID)); err != nil {
		return fmt.Errorf("find message events: %w", err)
	}
	for _, e := range evs {
		b, err := resend(e.Payload, userID, map[string]json.RawMessage{"client_msg_id": json.RawMessage(`null`)})
		if err != nil {
			return fmt.Errorf("decode event: %w", err)
		}
		if b == nil {
			continue
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE room_events SET payload = ? WHERE room_id = ? AND event_seq = ?`),
			string(b), e.RoomID, e.EventSeq); err != nil {
			return fmt.Errorf("anonymize event: %w", err)
		}
	}
	return nil
}

// rewriteQuotes changes the snapshots of the user's messages quoted in
// other messages: the sender becomes DeletedUserID and, when the messages
// are deleted, the quoted words go and the quote says deleted, as the
// quoted message itself now does.
func (s *Store) rewriteQuotes(ctx context.Context, tenantID, userID string, deleted bool) error {
	var rows []struct {
		RoomID string `db:"room_id"`
		ID     string `db:"id"`
		Quoted string `db:"quoted"`
	}
	if err := s.w.SelectContext(ctx, &rows, s.w.Rebind(`
		SELECT room_id, id, quoted FROM messages WHERE tenant_id = ? AND quoted LIKE ? ESCAPE '\'`),
		tenantID, senderPattern(userID)); err != nil {
		return fmt.Errorf("find quotes: %w", err)
	}
	var set map[string]json.RawMessage
	if deleted {
		set = map[string]json.RawMessage{"content": json.RawMessage(`""`), "deleted": json.RawMessage(`true`)}
	}
	for _, r := range rows {
		b, err := resend(r.Quoted, userID, set)
		if err != nil {
			return fmt.Errorf("decode quote: %w", err)
		}
		if b == nil {
			continue
		}
		if _, err := s.w.ExecContext(ctx, s.w.Rebind(`UPDATE messages SET quoted = ? WHERE tenant_id = ? AND room_id = ? AND id = ?`),
			string(b), tenantID, r.RoomID, r.ID); err != nil {
			return fmt.Errorf("rewrite quote: %w", err)
		}
	}
	return nil
}

// eraseNotifications deletes the notifications the user sent (deleted) or
// puts them under DeletedUserID.
func (s *Store) eraseNotifications(ctx context.Context, tenantID, userID string, deleted bool) error {
	var err error
	if deleted {
		_, err = s.w.ExecContext(ctx, s.w.Rebind(`DELETE FROM notifications WHERE tenant_id = ? AND sender_id = ?`), tenantID, userID)
	} else {
		_, err = s.w.ExecContext(ctx, s.w.Rebind(`UPDATE notifications SET sender_id = ? WHERE tenant_id = ? AND sender_id = ?`), DeletedUserID, tenantID, userID)
	}
	if err != nil {
		return fmt.Errorf("erase notifications: %w", err)
	}
	return nil
}

// eraseReaction takes back one reaction of the user as RemoveReaction
// does, member or not.
func (s *Store) eraseReaction(ctx context.Context, tenantID, userID, roomID string, seq int64, typ string) (ReactionChange, error) {
	out := ReactionChange{RoomID: roomID, MessageSeq: seq, UserID: userID, Type: typ}
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		eventSeq, err := nextEventSeq(ctx, tx, tenantID, roomID)
		if err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &out.MessageID, tx.Rebind(`SELECT id FROM messages WHERE tenant_id = ? AND room_id = ? AND seq = ?`),
			tenantID, roomID, seq); err != nil {
			return fmt.Errorf("reaction's message: %w", err)
		}
		res, err := tx.ExecContext(ctx, tx.Rebind(`
			DELETE FROM reactions WHERE room_id = ? AND message_seq = ? AND user_id = ? AND type = ?`), roomID, seq, userID, typ)
		if err != nil {
			return fmt.Errorf("erase reaction: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("erase reaction: %w", err)
		} else if n == 0 {
			return errUnchanged
		}
		if out.Counts, err = s.reactionCounts(ctx, tx, roomID, seq); err != nil {
			return err
		}
		if out.Counts, err = storeReactionCount(ctx, tx, roomID, seq, out.Counts, typ, -1); err != nil {
			return err
		}
		now := s.nowMillis()
		ev, err := newEvent(EventReactionRemoved, userID, reactionBodyV1{MessageID: out.MessageID, UserID: userID, Reaction: typ, Counts: countsOrEmpty(out.Counts)}, now)
		if err != nil {
			return err
		}
		ev.MessageSeq, ev.EventSeq = &seq, eventSeq
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

// eraseMember takes the user out of a room as RemoveMember does, a dm
// included; 0 when they were no longer in it.
func (s *Store) eraseMember(ctx context.Context, tenantID, userID, roomID string) (eventSeq int64, err error) {
	defer s.membersChanged(tenantID, roomID)
	err = s.withTx(ctx, func(tx *sqlx.Tx) error {
		now := s.nowMillis()
		if err := s.touchRoom(ctx, tx, tenantID, roomID, now); err != nil {
			return err
		}
		eventSeq, err = leaveRoom(ctx, tx, tenantID, roomID, userID, now)
		return err
	})
	if errors.Is(err, errUnchanged) {
		return 0, nil
	}
	return eventSeq, err
}

// userRowsKept are the tables whose user_id rows a user's erasure leaves:
// the room log (its order has no gaps; the events are the rooms'
// history), the deletion's own record, and the tables erased above.
var userRowsKept = map[string]bool{"room_events": true, "user_deletions": true, "room_members": true, "reactions": true}

// eraseUserRows deletes the user's rows of every table of the tenant's
// with a user_id column, found in the database's catalogue so that tables
// added later are covered too.
func (s *Store) eraseUserRows(ctx context.Context, tenantID, userID string) error {
	tables, err := s.tenantTables(ctx)
	if err != nil {
		return err
	}
	for _, t := range tables {
		if !t.hasUser || userRowsKept[t.name] {
			continue
		}
		if err := s.deleteBatches(ctx, t, `tenant_id = ? AND user_id = ?`, tenantID, userID); err != nil {
			return err
		}
	}
	return nil
}

// senderPattern matches, with LIKE … ESCAPE '\', the JSON that may name
// userID as its sender_id; resend tells those that do.
func senderPattern(userID string) string {
	return "%" + likeEscaper.Replace(`"sender_id":"`+userID+`"`) + "%"
}

// likeEscaper escapes LIKE's wildcards (and the escape character \).
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// resend re-encodes the JSON object doc with its sender_id, when that is
// userID, made DeletedUserID and the fields of set put in; nil when doc
// names another sender.
func resend(doc, userID string, set map[string]json.RawMessage) ([]byte, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &fields); err != nil {
		return nil, err
	}
	var sender string
	if json.Unmarshal(fields["sender_id"], &sender) != nil || sender != userID {
		return nil, nil
	}
	fields["sender_id"] = json.RawMessage(`"` + DeletedUserID + `"`)
	for k, v := range set {
		fields[k] = v
	}
	return json.Marshal(fields)
}
