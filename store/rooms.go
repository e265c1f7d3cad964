package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// Limits SPEC sets on rooms.
const (
	MaxRoomNameLength   = 100  // characters
	MaxRoomMetadataSize = 4096 // bytes of compact JSON
	DefaultRoomsLimit   = 50
)

type roomRow struct {
	ID          string  `db:"id"`
	TenantID    string  `db:"tenant_id"`
	Type        string  `db:"type"`
	Name        *string `db:"name"`
	UniqueKey   *string `db:"unique_key"`
	Metadata    string  `db:"metadata"`
	LastSeq     int64   `db:"last_seq"`
	MemberCount int     `db:"member_count"`
	CreatedAt   int64   `db:"created_at"`
	UpdatedAt   int64   `db:"updated_at"`
	// Num numbers the room in its tenant, for sync cursors.
	Num            int64 `db:"num"`
	LastEventSeq   int64 `db:"last_event_seq"`
	PrunedEventSeq int64 `db:"pruned_event_seq"`
	// The room controls of 0018.
	SlowModeSeconds int  `db:"slow_mode_seconds"`
	Frozen          bool `db:"frozen"`
}

// roomColumns selects a roomRow from rooms aliased r.
const roomColumns = `r.id, r.tenant_id, r.type, r.name, r.unique_key, r.metadata,
	r.last_seq, r.member_count, r.created_at, r.updated_at, r.num, r.last_event_seq, r.pruned_event_seq,
	r.slow_mode_seconds, r.frozen`

func (r roomRow) room() Room {
	return Room{
		ID:          r.ID,
		TenantID:    r.TenantID,
		Type:        RoomType(r.Type),
		Name:        r.Name,
		UniqueKey:   r.UniqueKey,
		Metadata:    json.RawMessage(r.Metadata),
		LastSeq:     r.LastSeq,
		MemberCount: r.MemberCount,
		CreatedAt:   fromMillis(r.CreatedAt),
		UpdatedAt:   fromMillis(r.UpdatedAt),

		SlowModeSeconds: r.SlowModeSeconds,
		Frozen:          r.Frozen,

		LastEventSeq: r.LastEventSeq,
	}
}

// roomActorRow is a room with the acting user's role in it (nil: not a member).
type roomActorRow struct {
	roomRow
	ActorRole *string `db:"actor_role"`
}

func (r roomActorRow) actorIsAdmin() bool {
	return r.ActorRole != nil && Role(*r.ActorRole) == RoleAdmin
}

// roomForActor reads a room of the tenant with actor's role in it, through q
// (the reader pool, or a transaction). Another tenant's room is ErrNotFound.
func (s *Store) roomForActor(ctx context.Context, q sqlx.QueryerContext, tenantID, roomID, actor string) (roomActorRow, error) {
	var row roomActorRow
	err := sqlx.GetContext(ctx, q, &row, s.w.Rebind(`
		SELECT `+roomColumns+`, m.role AS actor_role
		FROM rooms r
		LEFT JOIN room_members m ON m.room_id = r.id AND m.user_id = ?
		WHERE r.tenant_id = ? AND r.id = ?`), actor, tenantID, roomID)
	if errors.Is(err, sql.ErrNoRows) {
		return roomActorRow{}, fmt.Errorf("room %s: %w", roomID, ErrNotFound)
	}
	if err != nil {
		return roomActorRow{}, fmt.Errorf("read room: %w", err)
	}
	return row, nil
}

// visibleRoom is roomForActor on the readers, refusing a user who may not see
// the room: members see their rooms, any user of the tenant sees a channel.
func (s *Store) visibleRoom(ctx context.Context, tenantID, actor, roomID string) (roomActorRow, error) {
	row, err := s.roomForActor(ctx, s.r, tenantID, roomID, actor)
	if err != nil {
		return roomActorRow{}, err
	}
	if row.ActorRole == nil && RoomType(row.Type) != RoomChannel {
		return roomActorRow{}, &ForbiddenError{Message: "not a member of this room"}
	}
	return row, nil
}

// touchRoom sets the room's updated_at at the start of a transaction that
// changes the room or its members. On PostgreSQL the UPDATE also locks the
// row, so such transactions on one room run one after the other and each sees
// the others' members and counts; on SQLite the single writer already does.
// An error rolls the transaction back, and the timestamp with it.
func (s *Store) touchRoom(ctx context.Context, tx *sqlx.Tx, tenantID, roomID string, now int64) error {
	res, err := tx.ExecContext(ctx, tx.Rebind(`
		UPDATE rooms SET updated_at = ?
		WHERE tenant_id = ? AND id = ?`), now, tenantID, roomID)
	if err != nil {
		return fmt.Errorf("lock room: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("lock room: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("room %s: %w", roomID, ErrNotFound)
	}
	return nil
}

// CreateRoom creates a room with actor as a member, and returns it.
//
// dm: actor and p.Members must make exactly two distinct users, both plain
// members (p.Members names the other user, and may name actor too): naming
// no one else is an InvalidError, naming two or more others a ForbiddenError;
// a second dm for the same pair is a ConflictError naming the existing room. group and channel: actor is admin, the other listed users
// members.
func (s *Store) CreateRoom(ctx context.Context, tenantID, actor string, p NewRoom) (Room, error) {
	if actor == "" {
		return Room{}, &InvalidError{Field: "user_id", Message: "must not be empty"}
	}
	if err := validateRoomName(p.Name); err != nil {
		return Room{}, err
	}
	metadata, err := objectOrEmpty("metadata", p.Metadata, MaxRoomMetadataSize)
	if err != nil {
		return Room{}, err
	}
	others := make([]string, 0, len(p.Members))
	for _, m := range p.Members {
		if m == "" {
			return Room{}, &InvalidError{Field: "members", Message: "user ids must not be empty"}
		}
		if m != actor && !slices.Contains(others, m) {
			others = append(others, m)
		}
	}

	creatorRole := RoleAdmin
	var uniqueKey *string
	switch p.Type {
	case RoomDM:
		switch {
		case len(others) == 0:
			return Room{}, &InvalidError{Field: "members",
				Message: "a dm room has exactly two distinct users: the creator and one other named in members"}
		case len(others) > 1:
			// Well formed, but a dm between other users: a caller opens
			// only their own dms (as a tenant backend does, acting as one
			// of the two).
			return Room{}, &ForbiddenError{Message: "a dm is opened by one of its two users; name one other user in members"}
		}
		pair := []string{actor, others[0]}
		slices.Sort(pair)
		key := "dm:" + pair[0] + ":" + pair[1]
		uniqueKey = &key
		creatorRole = RoleMember
	case RoomGroup, RoomChannel:
	default:
		return Room{}, &InvalidError{Field: "type", Message: "must be dm, group or channel"}
	}

	now := s.nowMillis()
	row := roomRow{
		ID:          newID("room_"),
		TenantID:    tenantID,
		Type:        string(p.Type),
		Name:        p.Name,
		UniqueKey:   uniqueKey,
		Metadata:    metadata,
		MemberCount: 1 + len(others),
		CreatedAt:   now,
		UpdatedAt:   now,
	}
	// Each member's joining is an event of the new room's log, the creator
	// first, so that a later sync presents the room to each of them.
	members := make([]memberRow, 0, row.MemberCount)
	members = append(members, memberRow{UserID: actor, Role: string(creatorRole), JoinedAt: now, JoinedEventSeq: 1})
	for i, u := range others {
		members = append(members, memberRow{UserID: u, Role: string(RoleMember), JoinedAt: now, JoinedEventSeq: int64(i + 2)})
	}
	row.LastEventSeq = int64(len(members))

	err = s.withTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &row.Num, tx.Rebind(`
			UPDATE tenants SET last_room_num = last_room_num + 1
			WHERE id = ?
			RETURNING last_room_num`), tenantID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("tenant %s: %w", tenantID, ErrNotFound)
			}
			return fmt.Errorf("number room: %w", err)
		}
		if uniqueKey != nil {
			if err := checkDMBlock(ctx, tx, tenantID, actor, others[0]); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`
			INSERT INTO rooms (id, tenant_id, num, type, name, unique_key, metadata,
				last_seq, member_count, created_at, updated_at, last_activity_at, last_event_seq)
			VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)`),
			row.ID, row.TenantID, row.Num, row.Type, row.Name, row.UniqueKey, row.Metadata,
			row.MemberCount, row.CreatedAt, row.UpdatedAt, row.CreatedAt, row.LastEventSeq)
		if err != nil {
			return fmt.Errorf("insert room: %w", err)
		}
		if err := insertMembers(ctx, tx, tenantID, row.ID, members); err != nil {
			return err
		}
		events := make([]eventRow, len(members))
		for i, m := range members {
			body := memberJoinedBodyV1{UserID: m.UserID, Role: Role(m.Role), Room: roomBody(row)}
			if events[i], err = newEvent(EventMemberJoined, m.UserID, body, now); err != nil {
				return err
			}
			events[i].EventSeq = m.JoinedEventSeq
		}
		return insertEvents(ctx, tx, tenantID, row.ID, events)
	})
	s.membersChanged(tenantID, row.ID)
	// The UNIQUE (tenant_id, unique_key) constraint decides between concurrent
	// creators of one dm: the loser's insert fails once the winner commits.
	if uniqueKey != nil && s.dialect.isUniqueViolation(err) {
		existing, lookupErr := s.roomIDByUniqueKey(ctx, tenantID, *uniqueKey)
		if lookupErr != nil {
			return Room{}, fmt.Errorf("create room: %w", errors.Join(err, lookupErr))
		}
		return Room{}, &ConflictError{Field: "members", Message: "a dm room for these users already exists", RoomID: existing}
	}
	if err != nil {
		return Room{}, fmt.Errorf("create room: %w", err)
	}
	return row.room(), nil
}

func (s *Store) roomIDByUniqueKey(ctx context.Context, tenantID, key string) (string, error) {
	var id string
	err := s.r.GetContext(ctx, &id, s.r.Rebind(`
		SELECT id FROM rooms WHERE tenant_id = ? AND unique_key = ?`), tenantID, key)
	if err != nil {
		return "", fmt.Errorf("find room by unique key: %w", err)
	}
	return id, nil
}

type roomSummaryRow struct {
	roomRow
	settingsRow
	LastAck        int64   `db:"last_ack"`
	UnreadMentions int64   `db:"unread_mentions"`
	MsgID          *string `db:"msg_id"`
	MsgSenderID    *string `db:"msg_sender_id"`
	MsgSeq         *int64  `db:"msg_seq"`
	MsgContent     *string `db:"msg_content"`
	MsgMeta        *string `db:"msg_meta"`
	MsgClientMsgID *string `db:"msg_client_msg_id"`
	MsgCreatedAt   *int64  `db:"msg_created_at"`
	MsgEditedAt    *int64  `db:"msg_edited_at"`
	MsgDeletedAt   *int64  `db:"msg_deleted_at"`
	MsgCounts      *string `db:"msg_reaction_counts"`
	MsgOwn         *string `db:"msg_own_reactions"`
}

func (r roomSummaryRow) summary(now int64) RoomSummary {
	sum := RoomSummary{Room: r.room(), UnreadCount: max(0, r.LastSeq-r.LastAck), UnreadMentions: r.UnreadMentions,
		Settings: r.settings(r.ID, r.LastSeq, now)}
	if r.MsgID != nil {
		// The LEFT JOIN makes every column nullable; with msg_id set, the
		// NOT NULL ones are all there.
		m := messageRow{
			ID:          *r.MsgID,
			RoomID:      r.ID,
			SenderID:    deref(r.MsgSenderID),
			Seq:         deref(r.MsgSeq),
			Content:     deref(r.MsgContent),
			Meta:        r.MsgMeta,
			ClientMsgID: r.MsgClientMsgID,
			CreatedAt:   deref(r.MsgCreatedAt),
			EditedAt:    r.MsgEditedAt,
			DeletedAt:   r.MsgDeletedAt,
		}.message()
		m.Reactions = scannedReactionPair(nullString(r.MsgCounts), nullString(r.MsgOwn), m.DeletedAt != nil)
		sum.LastMessage = &m
	}
	return sum
}

func nullString(p *string) sql.NullString {
	if p == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: *p, Valid: true}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// ListRooms returns the rooms userID is a member of, the ones they pinned
// first, then most recent activity first, each with its unread count, last
// message and the user's settings, in one query. Archived rooms are left
// out, or only they are listed with f.Archived.
func (s *Store) ListRooms(ctx context.Context, tenantID, userID string, f RoomFilter) ([]RoomSummary, error) {
	if f.Limit < 0 {
		return nil, &InvalidError{Field: "limit", Message: "must not be negative"}
	}
	if f.Offset < 0 {
		return nil, &InvalidError{Field: "offset", Message: "must not be negative"}
	}
	limit := f.Limit
	if limit == 0 {
		limit = DefaultRoomsLimit
	}
	if f.Type != nil {
		switch *f.Type {
		case RoomDM, RoomGroup, RoomChannel:
		default:
			return nil, &InvalidError{Field: "type", Message: "must be dm, group or channel"}
		}
	}
	query, args := listRoomsQuery(tenantID, userID, f, limit)

	var rows []roomSummaryRow
	if err := s.r.SelectContext(ctx, &rows, s.r.Rebind(query), args...); err != nil {
		return nil, fmt.Errorf("list rooms: %w", err)
	}
	now := s.nowMillis()
	out := make([]RoomSummary, len(rows))
	for i, r := range rows {
		out[i] = r.summary(now)
	}
	return out, nil
}

// listRoomsQuery is ListRooms' SQL (before Rebind): the user's memberships
// through room_members_tenant_user, each room by its primary key and its
// last message by the messages primary key (room_id, seq), so the cost
// follows the user's room count, not the size of any table
// (store/plan_test.go holds it to that).
func listRoomsQuery(tenantID, userID string, f RoomFilter, limit int) (string, []any) {
	var q strings.Builder
	q.WriteString(`
		SELECT ` + roomColumns + `, m.last_ack, ` + settingsColumns + `,
			msg.id AS msg_id, msg.sender_id AS msg_sender_id, msg.seq AS msg_seq,
			msg.content AS msg_content, msg.meta AS msg_meta,
			msg.client_msg_id AS msg_client_msg_id, msg.created_at AS msg_created_at,
			msg.edited_at AS msg_edited_at, msg.deleted_at AS msg_deleted_at,
			msg.reaction_counts AS msg_reaction_counts,
			(SELECT string_agg(own.type, ' ') FROM reactions own
				WHERE own.room_id = msg.room_id AND own.message_seq = msg.seq AND own.user_id = m.user_id) AS msg_own_reactions,
			(SELECT COUNT(*) FROM message_mentions mm
			 WHERE mm.room_id = m.room_id AND mm.user_id = m.user_id AND mm.seq > m.last_ack) AS unread_mentions
		FROM room_members m
		JOIN rooms r ON r.id = m.room_id AND r.tenant_id = m.tenant_id
		LEFT JOIN messages msg ON msg.room_id = r.id AND msg.seq = r.last_seq
		WHERE m.tenant_id = ? AND m.user_id = ?`)
	args := []any{tenantID, userID}
	if f.Type != nil {
		q.WriteString(` AND r.type = ?`)
		args = append(args, string(*f.Type))
	}
	// Archived while no message came after the mark (see 0008).
	if f.Archived {
		q.WriteString(` AND m.archived_seq IS NOT NULL AND r.last_seq <= m.archived_seq`)
	} else {
		q.WriteString(` AND (m.archived_seq IS NULL OR r.last_seq > m.archived_seq)`)
	}
	q.WriteString(`
		ORDER BY (m.pinned_at IS NULL), r.last_activity_at DESC, r.id
		LIMIT ? OFFSET ?`)
	return q.String(), append(args, limit, f.Offset)
}

// GetRoom returns a room actor may see: a member sees the room, any user of
// the tenant sees a channel; others get a ForbiddenError. A missing room, or
// another tenant's, is ErrNotFound.
func (s *Store) GetRoom(ctx context.Context, tenantID, actor, roomID string) (Room, error) {
	row, err := s.visibleRoom(ctx, tenantID, actor, roomID)
	if err != nil {
		return Room{}, err
	}
	return row.room(), nil
}

// CanType reports whether userID may say they are typing in the room: only
// its members may. A missing room, or another tenant's, is ErrNotFound, as
// for every room read; a user who is not a member gets a ForbiddenError.
func (s *Store) CanType(ctx context.Context, tenantID, roomID, userID string) error {
	row, err := s.roomForActor(ctx, s.r, tenantID, roomID, userID)
	if err != nil {
		return err
	}
	if row.ActorRole == nil {
		return &ForbiddenError{Message: "not a member of this room"}
	}
	return nil
}

// CanWatch reports whether userID may watch the room (receive its events
// without being a member): only channels can be watched, by any user who may
// see them. A room the user may not see is refused as GetRoom refuses it;
// a room of another type is a ConflictError on room_id, since its type, not
// the user, is what refuses the watch.
func (s *Store) CanWatch(ctx context.Context, tenantID, userID, roomID string) error {
	row, err := s.visibleRoom(ctx, tenantID, userID, roomID)
	if err != nil {
		return err
	}
	if t := RoomType(row.Type); t != RoomChannel {
		return &ConflictError{Field: "room_id", Message: "only channels can be watched; this room is a " + string(t)}
	}
	return nil
}

// UpdateRoom changes a room's name or metadata; only the room's admins may
// (a dm has none). It bumps updated_at.
func (s *Store) UpdateRoom(ctx context.Context, tenantID, actor, roomID string, u RoomUpdate) (Room, error) {
	defer s.moderationChanged(tenantID) // slow mode and frozen
	if u.SetName {
		if err := validateRoomName(u.Name); err != nil {
			return Room{}, err
		}
	}
	if err := checkRoomControls(u); err != nil {
		return Room{}, err
	}
	var metadata string
	if u.Metadata != nil {
		m, err := objectOrEmpty("metadata", u.Metadata, MaxRoomMetadataSize)
		if err != nil {
			return Room{}, err
		}
		metadata = m
	}

	var out Room
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		now := s.nowMillis()
		if err := s.touchRoom(ctx, tx, tenantID, roomID, now); err != nil {
			return err
		}
		row, err := s.roomForActor(ctx, tx, tenantID, roomID, actor)
		if err != nil {
			return err
		}
		if !row.actorIsAdmin() {
			return &ForbiddenError{Message: "only room admins may update the room"}
		}
		if u.SetName {
			row.Name = u.Name
		}
		if u.Metadata != nil {
			row.Metadata = metadata
		}
		applyRoomControls(&row.roomRow, u)
		_, err = tx.ExecContext(ctx, tx.Rebind(`
			UPDATE rooms SET name = ?, metadata = ?, slow_mode_seconds = ?, frozen = ?
			WHERE tenant_id = ? AND id = ?`), row.Name, row.Metadata, row.SlowModeSeconds, boolInt(row.Frozen), tenantID, roomID)
		if err != nil {
			return fmt.Errorf("update room: %w", err)
		}
		ev, err := newEvent(EventRoomUpdated, actor, roomUpdatedBodyV1{Room: roomBody(row.roomRow)}, now)
		if err != nil {
			return err
		}
		if row.LastEventSeq, err = appendEvent(ctx, tx, tenantID, roomID, ev); err != nil {
			return err
		}
		out = row.room()
		return nil
	})
	if err != nil {
		return Room{}, err
	}
	return out, nil
}

func validateRoomName(name *string) error {
	if name == nil {
		return nil
	}
	if utf8.RuneCountInString(*name) > MaxRoomNameLength {
		return &InvalidError{Field: "name", Message: fmt.Sprintf("must be at most %d characters", MaxRoomNameLength)}
	}
	return checkText("name", *name, false)
}

// objectOrEmpty is normalizeObject for a field stored NOT NULL (room
// metadata, notification payload): nothing (or null) is the empty object.
func objectOrEmpty(field string, raw json.RawMessage, maxSize int) (string, error) {
	obj, err := normalizeObject(field, raw, maxSize)
	if err != nil || obj == nil {
		return "{}", err
	}
	return *obj, nil
}

// normalizeObject checks that raw is a JSON object of at most maxSize bytes
// once compacted, and returns it compacted; nil for nothing or null. field
// names the input in the InvalidError.
func normalizeObject(field string, raw json.RawMessage, maxSize int) (*string, error) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		return nil, nil
	}
	var buf bytes.Buffer
	if trimmed[0] != '{' || json.Compact(&buf, trimmed) != nil {
		return nil, &InvalidError{Field: field, Message: "must be a JSON object"}
	}
	// json.Compact passes any bytes inside strings on; PostgreSQL would
	// refuse invalid UTF-8 where SQLite keeps it.
	if !utf8.Valid(buf.Bytes()) {
		return nil, &InvalidError{Field: field, Message: "must be valid UTF-8"}
	}
	if buf.Len() > maxSize {
		return nil, &InvalidError{Field: field, Message: fmt.Sprintf("must be at most %d bytes", maxSize)}
	}
	obj := buf.String()
	return &obj, nil
}
