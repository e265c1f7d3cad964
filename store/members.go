package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
)

type memberRow struct {
	RoomID   string `db:"room_id"`
	UserID   string `db:"user_id"`
	Role     string `db:"role"`
	JoinedAt int64  `db:"joined_at"`
	LastAck  int64  `db:"last_ack"`
	// LastDelivered is the stored column; the member's delivered cursor
	// is max(it, LastAck).
	LastDelivered int64 `db:"last_delivered"`

	JoinedEventSeq int64 `db:"joined_event_seq"`
}

// memberColumns selects a memberRow from room_members.
const memberColumns = `room_id, user_id, role, joined_at, last_ack, last_delivered, joined_event_seq`

func (r memberRow) member() Member {
	return Member{RoomID: r.RoomID, UserID: r.UserID, Role: Role(r.Role), JoinedAt: fromMillis(r.JoinedAt),
		LastAck: r.LastAck, LastDelivered: max(r.LastDelivered, r.LastAck), JoinedEventSeq: r.JoinedEventSeq}
}

// dmMembersFixed refuses adding to or leaving a dm. The request is valid in
// itself; the room being a dm is what blocks it, hence a conflict.
func dmMembersFixed() error {
	return &ConflictError{Field: "room_id", Message: "the room is a dm, whose two members never change"}
}

// memberInsertBatch rows per INSERT keep the parameters (7 a row) far below
// both databases' limits while creating a large room in a few round trips.
const memberInsertBatch = 200

// insertMembers adds members (their UserID, Role, JoinedAt, LastAck and
// JoinedEventSeq) to a room.
func insertMembers(ctx context.Context, tx *sqlx.Tx, tenantID, roomID string, members []memberRow) error {
	for batch := range slices.Chunk(members, memberInsertBatch) {
		var q strings.Builder
		q.WriteString(`INSERT INTO room_members (tenant_id, room_id, user_id, role, joined_at, last_ack, joined_event_seq) VALUES `)
		args := make([]any, 0, 7*len(batch))
		for i, m := range batch {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?, ?)")
			args = append(args, tenantID, roomID, m.UserID, m.Role, m.JoinedAt, m.LastAck, m.JoinedEventSeq)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(q.String()), args...); err != nil {
			return fmt.Errorf("insert members: %w", err)
		}
	}
	return nil
}

// ListMembers returns the members of a room actor may see (as GetRoom),
// in the order they joined.
func (s *Store) ListMembers(ctx context.Context, tenantID, actor, roomID string) ([]Member, error) {
	if _, err := s.visibleRoom(ctx, tenantID, actor, roomID); err != nil {
		return nil, err
	}
	var rows []memberRow
	err := s.r.SelectContext(ctx, &rows, s.r.Rebind(`
		SELECT `+memberColumns+`
		FROM room_members
		WHERE tenant_id = ? AND room_id = ?
		ORDER BY joined_at, user_id`), tenantID, roomID)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	members := make([]Member, len(rows))
	for i, r := range rows {
		members[i] = r.member()
	}
	return members, nil
}

// IsMember returns userID's membership of the room, or ErrNotFound when
// they are not a member (or the room is not the tenant's).
func (s *Store) IsMember(ctx context.Context, tenantID, roomID, userID string) (Member, error) {
	var row memberRow
	err := s.r.GetContext(ctx, &row, s.r.Rebind(`
		SELECT `+memberColumns+`
		FROM room_members
		WHERE tenant_id = ? AND room_id = ? AND user_id = ?`), tenantID, roomID, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return Member{}, fmt.Errorf("member %s of room %s: %w", userID, roomID, ErrNotFound)
	}
	if err != nil {
		return Member{}, fmt.Errorf("read member: %w", err)
	}
	return row.member(), nil
}

// AddMember makes userID a member of the room with role ("" is member).
// A dm's members are fixed (ConflictError on room_id). In a group only admins
// add members; in a channel any user may join as a plain member, and only
// admins add others or admins. An existing member is a ConflictError.
// The new member's read cursor starts at the room's last message: what was
// sent before they joined is history to page, not messages owed to them.
func (s *Store) AddMember(ctx context.Context, tenantID, actor, roomID, userID string, role Role) (Member, error) {
	if role == "" {
		role = RoleMember
	}
	if role != RoleMember && role != RoleAdmin {
		return Member{}, &InvalidError{Field: "role", Message: "must be admin or member"}
	}
	if userID == "" {
		return Member{}, &InvalidError{Field: "user_id", Message: "must not be empty"}
	}

	var out Member
	defer s.membersChanged(tenantID, roomID)
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		now := s.nowMillis()
		if err := s.touchRoom(ctx, tx, tenantID, roomID, now); err != nil {
			return err
		}
		room, err := s.roomForActor(ctx, tx, tenantID, roomID, actor)
		if err != nil {
			return err
		}
		switch RoomType(room.Type) {
		case RoomDM:
			return dmMembersFixed()
		case RoomGroup:
			if !room.actorIsAdmin() {
				return &ForbiddenError{Message: "only room admins may add members to a group"}
			}
		case RoomChannel:
			if !room.actorIsAdmin() && (userID != actor || role != RoleMember) {
				return &ForbiddenError{Message: "only room admins may add other users or admins to a channel"}
			}
		}
		if err := checkRoomBan(ctx, tx, tenantID, roomID, userID, now); err != nil {
			return err
		}
		// The member.joined event's seq is where the member's view of the
		// log starts; a refusal below rolls it back.
		eventSeq, err := nextEventSeq(ctx, tx, tenantID, roomID)
		if err != nil {
			return err
		}
		m := memberRow{RoomID: roomID, UserID: userID, Role: string(role), JoinedAt: now, LastAck: room.LastSeq, JoinedEventSeq: eventSeq}
		res, err := tx.ExecContext(ctx, tx.Rebind(`
			INSERT INTO room_members (tenant_id, room_id, user_id, role, joined_at, last_ack, joined_event_seq)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (room_id, user_id) DO NOTHING`),
			tenantID, m.RoomID, m.UserID, m.Role, m.JoinedAt, m.LastAck, m.JoinedEventSeq)
		if err != nil {
			return fmt.Errorf("insert member: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("insert member: %w", err)
		} else if n == 0 {
			return &ConflictError{Field: "user_id", Message: "user_id is already a member of this room", RoomID: roomID}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`
			UPDATE rooms SET member_count = member_count + 1
			WHERE tenant_id = ? AND id = ?`), tenantID, roomID); err != nil {
			return fmt.Errorf("count member: %w", err)
		}
		// The event carries the room as the new member sees it.
		room.MemberCount++
		ev, err := newEvent(EventMemberJoined, userID, memberJoinedBodyV1{UserID: userID, Role: role, Room: roomBody(room.roomRow)}, now)
		if err != nil {
			return err
		}
		ev.EventSeq = eventSeq
		if err := insertEvents(ctx, tx, tenantID, roomID, []eventRow{ev}); err != nil {
			return err
		}
		out = m.member()
		return nil
	})
	if err != nil {
		return Member{}, err
	}
	return out, nil
}

// RemoveMember ends userID's membership: admins remove anyone, anyone removes
// themself. A dm's members are fixed (ConflictError on room_id): leaving one
// would strand its other user, since the pair's dm can be neither re-created
// nor re-joined. A user who is not a member is ErrNotFound. It returns the
// event_seq of the member.left event.
func (s *Store) RemoveMember(ctx context.Context, tenantID, actor, roomID, userID string) (eventSeq int64, err error) {
	defer s.membersChanged(tenantID, roomID)
	err = s.withTx(ctx, func(tx *sqlx.Tx) error {
		now := s.nowMillis()
		if err := s.touchRoom(ctx, tx, tenantID, roomID, now); err != nil {
			return err
		}
		room, err := s.roomForActor(ctx, tx, tenantID, roomID, actor)
		if err != nil {
			return err
		}
		if RoomType(room.Type) == RoomDM {
			return dmMembersFixed()
		}
		if userID != actor && !room.actorIsAdmin() {
			return &ForbiddenError{Message: "only room admins may remove other members"}
		}
		eventSeq, err = leaveRoom(ctx, tx, tenantID, roomID, userID, now)
		if errors.Is(err, errUnchanged) {
			return fmt.Errorf("member %s of room %s: %w", userID, roomID, ErrNotFound)
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	return eventSeq, nil
}

// leaveRoom takes userID out of the room in tx, the room's row touched
// already, and appends member.left at now; it returns the event's
// event_seq, or errUnchanged when userID was not a member.
func leaveRoom(ctx context.Context, tx *sqlx.Tx, tenantID, roomID, userID string, now int64) (int64, error) {
	res, err := tx.ExecContext(ctx, tx.Rebind(`
		DELETE FROM room_members
		WHERE tenant_id = ? AND room_id = ? AND user_id = ?`), tenantID, roomID, userID)
	if err != nil {
		return 0, fmt.Errorf("delete member: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return 0, fmt.Errorf("delete member: %w", err)
	} else if n == 0 {
		return 0, errUnchanged
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`
		UPDATE rooms SET member_count = member_count - 1
		WHERE tenant_id = ? AND id = ?`), tenantID, roomID); err != nil {
		return 0, fmt.Errorf("count member: %w", err)
	}
	ev, err := newEvent(EventMemberLeft, userID, memberLeftBodyV1{UserID: userID}, now)
	if err != nil {
		return 0, err
	}
	return appendEvent(ctx, tx, tenantID, roomID, ev)
}
