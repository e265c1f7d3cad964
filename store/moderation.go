package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// Moderation (SPEC Part 2, "Moderation"): room bans (timed, shadow),
// tenant-wide bans, room mutes, user blocks, slow mode and frozen rooms.
// Expiry is judged when read: a ban or mute past its expires_at is absent.
// The changes that concern a room are room log events appended in their
// own transaction; a shadow ban is not, since telling the room would undo
// it.

// Limits of the moderation inputs.
const (
	MaxSlowModeSeconds = 3600
	MaxModReasonLength = 500 // characters
)

// The moderation events of a room's log.
const (
	EventBanAdded    EventType = "ban.added"
	EventBanRemoved  EventType = "ban.removed"
	EventMuteAdded   EventType = "mute.added"
	EventMuteRemoved EventType = "mute.removed"
)

// Ban is a room ban (RoomID set) or a tenant-wide ban (RoomID empty).
type Ban struct {
	RoomID   string
	UserID   string
	BannedBy string
	Reason   *string
	// Shadow bans keep the user in the room; their sends reach no one.
	Shadow    bool
	ExpiresAt *time.Time
	CreatedAt time.Time
}

// NewBan is a ban to make. A nil DurationSeconds bans until lifted.
type NewBan struct {
	UserID          string
	Reason          *string
	DurationSeconds *int
	Shadow          bool
}

// Mute is a room mute: the user may read but not send until ExpiresAt
// (nil: until lifted).
type Mute struct {
	RoomID    string
	UserID    string
	MutedBy   string
	ExpiresAt *time.Time
	CreatedAt time.Time
}

// Block is a user's block of another (BlockedID).
type Block struct {
	UserID    string
	BlockedID string
	CreatedAt time.Time
}

// ModChange is what a room ban, unban, mute or unmute did: the events it
// appended to the room's log, in order (a ban of a member: member.left,
// then ban.added). LeftEventSeq is the member.left's event_seq, 0 when the
// user was no member.
type ModChange struct {
	Ban          Ban
	Mute         Mute
	Events       []RoomEvent
	LeftEventSeq int64
}

// RetryError refuses a send that comes too soon after the sender's last
// one in a slow-mode room: try again after RetryAfter.
type RetryError struct {
	Message    string
	RetryAfter time.Duration
}

func (e *RetryError) Error() string { return e.Message }

// RestrictedError is a ForbiddenError that lasts until a time: a ban or a
// mute, lifted at Until (nil: until lifted by hand). It wraps ErrForbidden.
type RestrictedError struct {
	Message string
	Until   *time.Time
}

func (e *RestrictedError) Error() string { return e.Message }

// Unwrap makes errors.Is(err, ErrForbidden) true.
func (e *RestrictedError) Unwrap() error { return ErrForbidden }

// modBodyV1 is the body of ban.added, ban.removed, mute.added and
// mute.removed: user_id is who is banned or muted, by who did it.
type modBodyV1 struct {
	UserID    string     `json:"user_id"`
	By        string     `json:"by"`
	Reason    *string    `json:"reason,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// checkModTarget checks the user a ban, mute or block names.
func checkModTarget(userID string) error {
	if userID == "" {
		return &InvalidError{Field: "user_id", Message: "must not be empty"}
	}
	return nil
}

// expiry is when a restriction of durationSeconds made at now ends (nil:
// never), in unix milliseconds.
func expiry(now int64, durationSeconds *int) (*int64, error) {
	if durationSeconds == nil {
		return nil, nil
	}
	if *durationSeconds < 1 {
		return nil, &InvalidError{Field: "duration_seconds", Message: "must be at least 1"}
	}
	at := now + int64(*durationSeconds)*1000
	return &at, nil
}

func checkReason(reason *string) error {
	if reason == nil {
		return nil
	}
	if utf8.RuneCountInString(*reason) > MaxModReasonLength {
		return &InvalidError{Field: "reason", Message: fmt.Sprintf("must be at most %d characters", MaxModReasonLength)}
	}
	return checkText("reason", *reason, true)
}

// checkRoomControls checks a room update's slow mode.
func checkRoomControls(u RoomUpdate) error {
	if u.SlowModeSeconds != nil && (*u.SlowModeSeconds < 0 || *u.SlowModeSeconds > MaxSlowModeSeconds) {
		return &InvalidError{Field: "slow_mode_seconds", Message: fmt.Sprintf("must be 0 to %d", MaxSlowModeSeconds)}
	}
	return nil
}

// applyRoomControls sets the controls u changes on r.
func applyRoomControls(r *roomRow, u RoomUpdate) {
	if u.SlowModeSeconds != nil {
		r.SlowModeSeconds = *u.SlowModeSeconds
	}
	if u.Frozen != nil {
		r.Frozen = *u.Frozen
	}
}

// roomAdmin locks the room (its next event_seq, which the caller's event
// takes) and checks that actor is one of its admins.
func (s *Store) roomAdmin(ctx context.Context, tx *sqlx.Tx, tenantID, actor, roomID, what string) (roomActorRow, int64, error) {
	eventSeq, err := nextEventSeq(ctx, tx, tenantID, roomID)
	if err != nil {
		return roomActorRow{}, 0, err
	}
	room, err := s.roomForActor(ctx, tx, tenantID, roomID, actor)
	if err != nil {
		return roomActorRow{}, 0, err
	}
	if !room.actorIsAdmin() {
		return roomActorRow{}, 0, &ForbiddenError{Message: "only room admins may " + what}
	}
	return room, eventSeq, nil
}

// appendModEvent stores a moderation event of the room at eventSeq.
func appendModEvent(ctx context.Context, tx *sqlx.Tx, tenantID, roomID string, typ EventType, actor string, body modBodyV1, eventSeq, now int64) (RoomEvent, error) {
	ev, err := newEvent(typ, body.UserID, body, now)
	if err != nil {
		return RoomEvent{}, err
	}
	ev.EventSeq = eventSeq
	if err := insertEvents(ctx, tx, tenantID, roomID, []eventRow{ev}); err != nil {
		return RoomEvent{}, err
	}
	return roomEventOf(roomID, ev)
}

// BanFromRoom bans a user from a room (room admins only) until the ban
// expires or is lifted: a member is removed (member.left), and rejoining
// and sending are refused. A shadow ban keeps the user in the room and
// appends nothing: their sends succeed for them and reach no one. Banning
// a banned user replaces the ban.
func (s *Store) BanFromRoom(ctx context.Context, tenantID, actor, roomID string, b NewBan) (ModChange, error) {
	defer s.moderationChanged(tenantID)
	if err := checkModTarget(b.UserID); err != nil {
		return ModChange{}, err
	}
	if err := checkReason(b.Reason); err != nil {
		return ModChange{}, err
	}
	var out ModChange
	defer s.membersChanged(tenantID, roomID)
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		now := s.nowMillis()
		expires, err := expiry(now, b.DurationSeconds)
		if err != nil {
			return err
		}
		_, eventSeq, err := s.roomAdmin(ctx, tx, tenantID, actor, roomID, "ban users")
		if err != nil {
			return err
		}
		out.Ban = Ban{RoomID: roomID, UserID: b.UserID, BannedBy: actor, Reason: b.Reason, Shadow: b.Shadow,
			ExpiresAt: fromNullMillis(expires), CreatedAt: fromMillis(now)}
		if b.Shadow {
			// Nothing in the log: the room must not learn of it. The
			// event_seq taken to lock the room is given back, and the ban
			// is stored after the rollback.
			return errShadowDone
		}
		if err := putRoomBan(ctx, tx, tenantID, out.Ban); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, tx.Rebind(`
			DELETE FROM room_members WHERE tenant_id = ? AND room_id = ? AND user_id = ?`), tenantID, roomID, b.UserID)
		if err != nil {
			return fmt.Errorf("ban: remove member: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("ban: remove member: %w", err)
		} else if n > 0 {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`
				UPDATE rooms SET member_count = member_count - 1, updated_at = ?
				WHERE tenant_id = ? AND id = ?`), now, tenantID, roomID); err != nil {
				return fmt.Errorf("ban: count member: %w", err)
			}
			left, err := newEvent(EventMemberLeft, b.UserID, memberLeftBodyV1{UserID: b.UserID}, now)
			if err != nil {
				return err
			}
			left.EventSeq = eventSeq
			if err := insertEvents(ctx, tx, tenantID, roomID, []eventRow{left}); err != nil {
				return err
			}
			out.LeftEventSeq = eventSeq
			if eventSeq, err = nextEventSeq(ctx, tx, tenantID, roomID); err != nil {
				return err
			}
		}
		ev, err := appendModEvent(ctx, tx, tenantID, roomID, EventBanAdded, actor,
			modBodyV1{UserID: b.UserID, By: actor, Reason: b.Reason, ExpiresAt: out.Ban.ExpiresAt}, eventSeq, now)
		if err != nil {
			return err
		}
		out.Events = []RoomEvent{ev}
		return nil
	})
	if err != nil && !errors.Is(err, errShadowDone) {
		return ModChange{}, err
	}
	if errors.Is(err, errShadowDone) {
		// Rolled back to give the event_seq back; store the ban alone.
		return out, putRoomBan(ctx, s.w, tenantID, out.Ban)
	}
	return out, nil
}

// errShadowDone rolls back the transaction of a shadow ban, whose event_seq
// must not be taken.
var errShadowDone = errors.New("shadow ban")

// putRoomBan stores b, a room ban, in place of any ban of the user there.
func putRoomBan(ctx context.Context, q sqlx.ExtContext, tenantID string, b Ban) error {
	var expires *int64
	if b.ExpiresAt != nil {
		ms := b.ExpiresAt.UnixMilli()
		expires = &ms
	}
	if _, err := q.ExecContext(ctx, q.Rebind(`
		INSERT INTO room_bans (tenant_id, room_id, user_id, banned_by, reason, shadow, expires_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (room_id, user_id) DO UPDATE SET banned_by = excluded.banned_by, reason = excluded.reason,
			shadow = excluded.shadow, expires_at = excluded.expires_at, created_at = excluded.created_at`),
		tenantID, b.RoomID, b.UserID, b.BannedBy, b.Reason, boolInt(b.Shadow), expires, b.CreatedAt.UnixMilli()); err != nil {
		return fmt.Errorf("ban: %w", err)
	}
	return nil
}

// UnbanFromRoom lifts a user's ban from a room (room admins only);
// ErrNotFound when there is none in force. Lifting a shadow ban appends
// nothing, as making it did not.
func (s *Store) UnbanFromRoom(ctx context.Context, tenantID, actor, roomID, userID string) (ModChange, error) {
	defer s.moderationChanged(tenantID)
	var out ModChange
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		now := s.nowMillis()
		_, eventSeq, err := s.roomAdmin(ctx, tx, tenantID, actor, roomID, "lift bans")
		if err != nil {
			return err
		}
		var shadow bool
		err = tx.GetContext(ctx, &shadow, tx.Rebind(`
			DELETE FROM room_bans WHERE tenant_id = ? AND room_id = ? AND user_id = ?
				AND (expires_at IS NULL OR expires_at > ?)
			RETURNING shadow`), tenantID, roomID, userID, now)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("ban of %s: %w", userID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("unban: %w", err)
		}
		if shadow {
			return errShadowDone
		}
		ev, err := appendModEvent(ctx, tx, tenantID, roomID, EventBanRemoved, actor, modBodyV1{UserID: userID, By: actor}, eventSeq, now)
		if err != nil {
			return err
		}
		out.Events = []RoomEvent{ev}
		return nil
	})
	if errors.Is(err, errShadowDone) {
		_, err = s.w.ExecContext(ctx, s.w.Rebind(`
			DELETE FROM room_bans WHERE tenant_id = ? AND room_id = ? AND user_id = ?`), tenantID, roomID, userID)
		if err != nil {
			return ModChange{}, fmt.Errorf("unban: %w", err)
		}
		return out, nil
	}
	if err != nil {
		return ModChange{}, err
	}
	return out, nil
}

type banRow struct {
	RoomID    string  `db:"room_id"`
	UserID    string  `db:"user_id"`
	BannedBy  string  `db:"banned_by"`
	Reason    *string `db:"reason"`
	Shadow    bool    `db:"shadow"`
	ExpiresAt *int64  `db:"expires_at"`
	CreatedAt int64   `db:"created_at"`
}

func (r banRow) ban() Ban {
	return Ban{RoomID: r.RoomID, UserID: r.UserID, BannedBy: r.BannedBy, Reason: r.Reason, Shadow: r.Shadow,
		ExpiresAt: fromNullMillis(r.ExpiresAt), CreatedAt: fromMillis(r.CreatedAt)}
}

// ListRoomBans lists a room's bans in force, newest first, to its admins.
func (s *Store) ListRoomBans(ctx context.Context, tenantID, actor, roomID string) ([]Ban, error) {
	room, err := s.roomForActor(ctx, s.r, tenantID, roomID, actor)
	if err != nil {
		return nil, err
	}
	if !room.actorIsAdmin() {
		return nil, &ForbiddenError{Message: "only room admins may list bans"}
	}
	var rows []banRow
	if err := s.r.SelectContext(ctx, &rows, s.r.Rebind(`
		SELECT room_id, user_id, banned_by, reason, shadow, expires_at, created_at
		FROM room_bans
		WHERE tenant_id = ? AND room_id = ? AND (expires_at IS NULL OR expires_at > ?)
		ORDER BY created_at DESC, user_id`), tenantID, roomID, s.nowMillis()); err != nil {
		return nil, fmt.Errorf("list bans: %w", err)
	}
	out := make([]Ban, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.ban())
	}
	return out, nil
}

// BanFromTenant bans a user from the whole tenant until the ban expires or
// is lifted; banning a banned user replaces the ban.
func (s *Store) BanFromTenant(ctx context.Context, tenantID, actor string, b NewBan) (Ban, error) {
	defer s.moderationChanged(tenantID)
	if err := checkModTarget(b.UserID); err != nil {
		return Ban{}, err
	}
	if err := checkReason(b.Reason); err != nil {
		return Ban{}, err
	}
	if b.Shadow {
		return Ban{}, &InvalidError{Field: "shadow", Message: "tenant-wide bans cannot be shadow bans; shadow-ban in each room"}
	}
	now := s.nowMillis()
	expires, err := expiry(now, b.DurationSeconds)
	if err != nil {
		return Ban{}, err
	}
	if _, err := s.w.ExecContext(ctx, s.w.Rebind(`
		INSERT INTO tenant_bans (tenant_id, user_id, banned_by, reason, expires_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, user_id) DO UPDATE SET banned_by = excluded.banned_by, reason = excluded.reason,
			expires_at = excluded.expires_at, created_at = excluded.created_at`),
		tenantID, b.UserID, actor, b.Reason, expires, now); err != nil {
		return Ban{}, fmt.Errorf("tenant ban: %w", err)
	}
	return Ban{UserID: b.UserID, BannedBy: actor, Reason: b.Reason, ExpiresAt: fromNullMillis(expires), CreatedAt: fromMillis(now)}, nil
}

// UnbanFromTenant lifts a tenant-wide ban; ErrNotFound when none is in force.
func (s *Store) UnbanFromTenant(ctx context.Context, tenantID, userID string) error {
	defer s.moderationChanged(tenantID)
	res, err := s.w.ExecContext(ctx, s.w.Rebind(`
		DELETE FROM tenant_bans WHERE tenant_id = ? AND user_id = ? AND (expires_at IS NULL OR expires_at > ?)`),
		tenantID, userID, s.nowMillis())
	if err != nil {
		return fmt.Errorf("tenant unban: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("tenant unban: %w", err)
	} else if n == 0 {
		return fmt.Errorf("ban of %s: %w", userID, ErrNotFound)
	}
	return nil
}

// ListTenantBans lists the tenant-wide bans in force, newest first.
func (s *Store) ListTenantBans(ctx context.Context, tenantID string) ([]Ban, error) {
	var rows []banRow
	if err := s.r.SelectContext(ctx, &rows, s.r.Rebind(`
		SELECT '' AS room_id, user_id, banned_by, reason, 0 AS shadow, expires_at, created_at
		FROM tenant_bans
		WHERE tenant_id = ? AND (expires_at IS NULL OR expires_at > ?)
		ORDER BY created_at DESC, user_id`), tenantID, s.nowMillis()); err != nil {
		return nil, fmt.Errorf("list tenant bans: %w", err)
	}
	out := make([]Ban, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.ban())
	}
	return out, nil
}

// tenantBanSQL reads a user's tenant-wide ban in force, on every
// authenticated request: one primary key lookup, prepared.
const tenantBanSQL = `
	SELECT expires_at FROM tenant_bans
	WHERE tenant_id = ? AND user_id = ? AND (expires_at IS NULL OR expires_at > ?)`

// CheckTenantBan refuses (RestrictedError) a user banned from the tenant.
func (s *Store) CheckTenantBan(ctx context.Context, tenantID, userID string) error {
	if free, err := s.moderationFree(ctx, tenantID); err != nil || free {
		return err
	}
	var expires sql.NullInt64
	st, err := s.reads.get(ctx, s.r.Rebind(tenantBanSQL))
	if err != nil {
		return fmt.Errorf("read tenant ban: %w", err)
	}
	err = st.GetContext(ctx, &expires, tenantID, userID, s.nowMillis())
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read tenant ban: %w", err)
	}
	return &RestrictedError{Message: "the user is banned from this tenant", Until: untilOf(expires.Int64)}
}

// MuteInRoom mutes a user in a room (room admins only) until the mute
// expires or is lifted; muting a muted user replaces the mute.
func (s *Store) MuteInRoom(ctx context.Context, tenantID, actor, roomID, userID string, durationSeconds *int) (ModChange, error) {
	defer s.moderationChanged(tenantID)
	if err := checkModTarget(userID); err != nil {
		return ModChange{}, err
	}
	var out ModChange
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		now := s.nowMillis()
		expires, err := expiry(now, durationSeconds)
		if err != nil {
			return err
		}
		_, eventSeq, err := s.roomAdmin(ctx, tx, tenantID, actor, roomID, "mute users")
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`
			INSERT INTO room_mutes (tenant_id, room_id, user_id, muted_by, expires_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (room_id, user_id) DO UPDATE SET muted_by = excluded.muted_by,
				expires_at = excluded.expires_at, created_at = excluded.created_at`),
			tenantID, roomID, userID, actor, expires, now); err != nil {
			return fmt.Errorf("mute: %w", err)
		}
		out.Mute = Mute{RoomID: roomID, UserID: userID, MutedBy: actor, ExpiresAt: fromNullMillis(expires), CreatedAt: fromMillis(now)}
		ev, err := appendModEvent(ctx, tx, tenantID, roomID, EventMuteAdded, actor,
			modBodyV1{UserID: userID, By: actor, ExpiresAt: out.Mute.ExpiresAt}, eventSeq, now)
		if err != nil {
			return err
		}
		out.Events = []RoomEvent{ev}
		return nil
	})
	if err != nil {
		return ModChange{}, err
	}
	return out, nil
}

// UnmuteInRoom lifts a user's mute in a room (room admins only);
// ErrNotFound when none is in force.
func (s *Store) UnmuteInRoom(ctx context.Context, tenantID, actor, roomID, userID string) (ModChange, error) {
	defer s.moderationChanged(tenantID)
	var out ModChange
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		now := s.nowMillis()
		_, eventSeq, err := s.roomAdmin(ctx, tx, tenantID, actor, roomID, "lift mutes")
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, tx.Rebind(`
			DELETE FROM room_mutes WHERE tenant_id = ? AND room_id = ? AND user_id = ?
				AND (expires_at IS NULL OR expires_at > ?)`), tenantID, roomID, userID, now)
		if err != nil {
			return fmt.Errorf("unmute: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("unmute: %w", err)
		} else if n == 0 {
			return fmt.Errorf("mute of %s: %w", userID, ErrNotFound)
		}
		ev, err := appendModEvent(ctx, tx, tenantID, roomID, EventMuteRemoved, actor, modBodyV1{UserID: userID, By: actor}, eventSeq, now)
		if err != nil {
			return err
		}
		out.Events = []RoomEvent{ev}
		return nil
	})
	if err != nil {
		return ModChange{}, err
	}
	return out, nil
}

// ListRoomMutes lists a room's mutes in force, newest first, to its admins.
func (s *Store) ListRoomMutes(ctx context.Context, tenantID, actor, roomID string) ([]Mute, error) {
	room, err := s.roomForActor(ctx, s.r, tenantID, roomID, actor)
	if err != nil {
		return nil, err
	}
	if !room.actorIsAdmin() {
		return nil, &ForbiddenError{Message: "only room admins may list mutes"}
	}
	var rows []struct {
		UserID    string `db:"user_id"`
		MutedBy   string `db:"muted_by"`
		ExpiresAt *int64 `db:"expires_at"`
		CreatedAt int64  `db:"created_at"`
	}
	if err := s.r.SelectContext(ctx, &rows, s.r.Rebind(`
		SELECT user_id, muted_by, expires_at, created_at
		FROM room_mutes
		WHERE tenant_id = ? AND room_id = ? AND (expires_at IS NULL OR expires_at > ?)
		ORDER BY created_at DESC, user_id`), tenantID, roomID, s.nowMillis()); err != nil {
		return nil, fmt.Errorf("list mutes: %w", err)
	}
	out := make([]Mute, 0, len(rows))
	for _, r := range rows {
		out = append(out, Mute{RoomID: roomID, UserID: r.UserID, MutedBy: r.MutedBy, ExpiresAt: fromNullMillis(r.ExpiresAt), CreatedAt: fromMillis(r.CreatedAt)})
	}
	return out, nil
}

// BlockUser records that userID blocks blockedID; created is false when
// they already did. Blocking oneself is an InvalidError.
func (s *Store) BlockUser(ctx context.Context, tenantID, userID, blockedID string) (Block, bool, error) {
	defer s.moderationChanged(tenantID)
	if err := checkModTarget(blockedID); err != nil {
		return Block{}, false, err
	}
	if blockedID == userID {
		return Block{}, false, &InvalidError{Field: "user_id", Message: "a user cannot block themself"}
	}
	now := s.nowMillis()
	res, err := s.w.ExecContext(ctx, s.w.Rebind(`
		INSERT INTO user_blocks (tenant_id, user_id, blocked_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (tenant_id, user_id, blocked_id) DO NOTHING`), tenantID, userID, blockedID, now)
	if err != nil {
		return Block{}, false, fmt.Errorf("block: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return Block{}, false, fmt.Errorf("block: %w", err)
	}
	if n == 0 {
		var at int64
		if err := s.w.GetContext(ctx, &at, s.w.Rebind(`
			SELECT created_at FROM user_blocks WHERE tenant_id = ? AND user_id = ? AND blocked_id = ?`),
			tenantID, userID, blockedID); err != nil {
			return Block{}, false, fmt.Errorf("block: %w", err)
		}
		now = at
	}
	return Block{UserID: userID, BlockedID: blockedID, CreatedAt: fromMillis(now)}, n > 0, nil
}

// UnblockUser lifts userID's block of blockedID; ErrNotFound when there is
// none.
func (s *Store) UnblockUser(ctx context.Context, tenantID, userID, blockedID string) error {
	defer s.moderationChanged(tenantID)
	res, err := s.w.ExecContext(ctx, s.w.Rebind(`
		DELETE FROM user_blocks WHERE tenant_id = ? AND user_id = ? AND blocked_id = ?`), tenantID, userID, blockedID)
	if err != nil {
		return fmt.Errorf("unblock: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("unblock: %w", err)
	} else if n == 0 {
		return fmt.Errorf("block of %s: %w", blockedID, ErrNotFound)
	}
	return nil
}

// ListBlocks lists the users userID blocks, newest first.
func (s *Store) ListBlocks(ctx context.Context, tenantID, userID string) ([]Block, error) {
	var rows []struct {
		BlockedID string `db:"blocked_id"`
		CreatedAt int64  `db:"created_at"`
	}
	if err := s.r.SelectContext(ctx, &rows, s.r.Rebind(`
		SELECT blocked_id, created_at FROM user_blocks
		WHERE tenant_id = ? AND user_id = ?
		ORDER BY created_at DESC, blocked_id`), tenantID, userID); err != nil {
		return nil, fmt.Errorf("list blocks: %w", err)
	}
	out := make([]Block, 0, len(rows))
	for _, r := range rows {
		out = append(out, Block{UserID: userID, BlockedID: r.BlockedID, CreatedAt: fromMillis(r.CreatedAt)})
	}
	return out, nil
}

// BlockedUsers returns the ids of the users userID blocks, for realtime
// delivery to leave their messages out.
func (s *Store) BlockedUsers(ctx context.Context, tenantID, userID string) ([]string, error) {
	if free, err := s.moderationFree(ctx, tenantID); err != nil || free {
		return nil, err
	}
	var ids []string
	if err := s.r.SelectContext(ctx, &ids, s.r.Rebind(`
		SELECT blocked_id FROM user_blocks WHERE tenant_id = ? AND user_id = ?`), tenantID, userID); err != nil {
		return nil, fmt.Errorf("blocked users: %w", err)
	}
	return ids, nil
}

// checkDMBlock refuses the creation of a dm by a user the other member
// blocks (creator blocked by other).
func checkDMBlock(ctx context.Context, tx *sqlx.Tx, tenantID, creator, other string) error {
	var n int
	if err := tx.GetContext(ctx, &n, tx.Rebind(`
		SELECT COUNT(*) FROM user_blocks WHERE tenant_id = ? AND user_id = ? AND blocked_id = ?`),
		tenantID, other, creator); err != nil {
		return fmt.Errorf("read blocks: %w", err)
	}
	if n > 0 {
		return &ForbiddenError{Message: "the other user has blocked you"}
	}
	return nil
}

// checkRoomBan refuses (RestrictedError) a user banned from the room, for
// joins: a shadow ban refuses nothing.
func checkRoomBan(ctx context.Context, tx *sqlx.Tx, tenantID, roomID, userID string, now int64) error {
	var expires []sql.NullInt64
	if err := tx.SelectContext(ctx, &expires, tx.Rebind(`
		SELECT expires_at FROM room_bans
		WHERE tenant_id = ? AND room_id = ? AND user_id = ? AND shadow = 0 AND (expires_at IS NULL OR expires_at > ?)`),
		tenantID, roomID, userID, now); err != nil {
		return fmt.Errorf("read room ban: %w", err)
	}
	if len(expires) == 0 {
		return nil
	}
	return &RestrictedError{Message: "the user is banned from this room", Until: untilOf(expires[0].Int64)}
}

// SendVerdict is what CheckSend allows: a send, or a shadow send.
type SendVerdict struct {
	// Shadow: the sender is shadow-banned; their send goes to SendShadow.
	Shadow bool
	// Deferred: no rule was read, because the tenant had no moderation
	// state when this instance last looked (PostgreSQL). The send carries
	// it as NewMessage.RulesDeferred, and its transaction makes sure the
	// tenant still has none (else ErrRulesChanged).
	Deferred bool
}

// checkSendSQL reads, for one send, the room's controls, the sender's role,
// and the restrictions in force on the sender: one row, NULL where there is
// none. banned: 1 a ban, 2 a shadow ban. blocked: 1 when the room is a dm
// whose other member blocks the sender.
const checkSendSQL = `
	SELECT r.type, r.slow_mode_seconds, r.frozen,
		(SELECT m.role FROM room_members m WHERE m.room_id = r.id AND m.user_id = ?) AS role,
		(SELECT 1 + b.shadow FROM room_bans b WHERE b.room_id = r.id AND b.user_id = ?
			AND (b.expires_at IS NULL OR b.expires_at > ?)) AS banned,
		(SELECT COALESCE(b.expires_at, 0) FROM room_bans b WHERE b.room_id = r.id AND b.user_id = ?
			AND (b.expires_at IS NULL OR b.expires_at > ?)) AS ban_until,
		(SELECT COALESCE(t.expires_at, 0) FROM tenant_bans t WHERE t.tenant_id = r.tenant_id AND t.user_id = ?
			AND (t.expires_at IS NULL OR t.expires_at > ?)) AS tenant_ban_until,
		(SELECT COALESCE(u.expires_at, 0) FROM room_mutes u WHERE u.room_id = r.id AND u.user_id = ?
			AND (u.expires_at IS NULL OR u.expires_at > ?)) AS mute_until,
		(SELECT 1 FROM room_members o JOIN user_blocks k ON k.tenant_id = o.tenant_id AND k.user_id = o.user_id
			WHERE r.type = 'dm' AND o.room_id = r.id AND o.user_id <> ? AND k.blocked_id = ?) AS blocked
	FROM rooms r
	WHERE r.tenant_id = ? AND r.id = ?`

// untilOf is a restriction's end from its expires_at column, 0 meaning
// none.
func untilOf(ms int64) *time.Time {
	if ms == 0 {
		return nil
	}
	return fromNullMillis(&ms)
}

// CheckSend applies the moderation rules to a send of sender into a room,
// before it is stored: a tenant-wide or room ban, a mute and a dm whose
// other member blocks the sender refuse it (RestrictedError or
// ForbiddenError, 403); a frozen room refuses it (ConflictError, 409); in
// slow mode, a member's second send within the window is refused
// (RetryError, 429), room admins exempt; a shadow-banned sender is let
// through to SendShadow. A sender who is no member is left to the send to
// refuse. Each send in slow mode records its time.
//
// On PostgreSQL, for a tenant that has never had moderation state, it
// reads nothing and defers the rules to the send (SendVerdict.Deferred):
// each instance remembers such tenants, and the send's transaction reads
// tenants.moderated with the room's counters. A send that finds it set
// stores nothing and answers ErrRulesChanged; the tenant is forgotten and
// the rules read from then on. Reading them was a query of seven subplans
// and a round trip per message (BENCHMARKS.md, "PostgreSQL send: the rules
// read once per tenant").
func (s *Store) CheckSend(ctx context.Context, tenantID, sender, roomID string) (SendVerdict, error) {
	if free, err := s.moderationFree(ctx, tenantID); err != nil || free {
		return SendVerdict{}, err
	}
	if free, err := s.unmoderatedTenant(ctx, tenantID); err != nil || free {
		return SendVerdict{Deferred: free}, err
	}
	now := s.nowMillis()
	var row struct {
		Type           string         `db:"type"`
		SlowMode       int            `db:"slow_mode_seconds"`
		Frozen         bool           `db:"frozen"`
		Role           sql.NullString `db:"role"`
		Banned         sql.NullInt64  `db:"banned"`
		BanUntil       sql.NullInt64  `db:"ban_until"`
		TenantBanUntil sql.NullInt64  `db:"tenant_ban_until"`
		MuteUntil      sql.NullInt64  `db:"mute_until"`
		Blocked        sql.NullInt64  `db:"blocked"`
	}
	st, err := s.reads.get(ctx, s.r.Rebind(checkSendSQL))
	if err != nil {
		return SendVerdict{}, fmt.Errorf("check send: %w", err)
	}
	err = st.GetContext(ctx, &row, sender, sender, now, sender, now, sender, now, sender, now, sender, sender, tenantID, roomID)
	if errors.Is(err, sql.ErrNoRows) {
		return SendVerdict{}, fmt.Errorf("room %s: %w", roomID, ErrNotFound)
	}
	if err != nil {
		return SendVerdict{}, fmt.Errorf("check send: %w", err)
	}
	switch {
	case row.TenantBanUntil.Valid:
		return SendVerdict{}, &RestrictedError{Message: "the user is banned from this tenant", Until: untilOf(row.TenantBanUntil.Int64)}
	case row.Banned.Valid && row.Banned.Int64 == 1:
		return SendVerdict{}, &RestrictedError{Message: "the user is banned from this room", Until: untilOf(row.BanUntil.Int64)}
	case !row.Role.Valid:
		return SendVerdict{}, nil // not a member: the send refuses it
	case row.Frozen:
		return SendVerdict{}, &ConflictError{Field: "room_id", Message: "the room is frozen: no message may be sent or edited"}
	case row.MuteUntil.Valid:
		return SendVerdict{}, &RestrictedError{Message: "the user is muted in this room", Until: untilOf(row.MuteUntil.Int64)}
	case row.Blocked.Valid:
		return SendVerdict{}, &ForbiddenError{Message: "the other member of this dm has blocked you"}
	}
	if row.SlowMode > 0 && Role(row.Role.String) != RoleAdmin {
		if err := s.takeSlowModeSlot(ctx, tenantID, roomID, sender, row.SlowMode, now); err != nil {
			return SendVerdict{}, err
		}
	}
	return SendVerdict{Shadow: row.Banned.Valid && row.Banned.Int64 == 2}, nil
}

// tenantModeratedSQL reads tenants.moderated (PostgreSQL, migration 0025).
const tenantModeratedSQL = `SELECT moderated FROM tenants WHERE id = ?`

// unmoderatedTenant reports, on PostgreSQL, whether the tenant had no
// moderation state (tenants.moderated) when this instance last looked;
// false on SQLite, where moderationFree knows exactly.
func (s *Store) unmoderatedTenant(ctx context.Context, tenantID string) (bool, error) {
	if s.unmoderated == nil {
		return false, nil
	}
	return s.unmoderated.load(tenantID, func() (bool, error) {
		var moderated bool
		err := s.r.GetContext(ctx, &moderated, s.r.Rebind(tenantModeratedSQL), tenantID)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("moderation state: %w", err)
		}
		return !moderated, nil
	})
}

// checkDeferredRules is the send's check of rules CheckSend deferred, for
// a send stored alone: ErrRulesChanged when its tenant has had moderation
// state since. The room's row is locked by now.
func (s *Store) checkDeferredRules(ctx context.Context, tx *sqlx.Tx, tenantID string, m NewMessage) error {
	if !m.RulesDeferred || s.unmoderated == nil {
		return nil
	}
	var moderated bool
	if err := tx.GetContext(ctx, &moderated, tx.Rebind(tenantModeratedSQL), tenantID); err != nil {
		return fmt.Errorf("moderation state: %w", err)
	}
	if moderated {
		s.unmoderated.forget(tenantID)
		return ErrRulesChanged
	}
	return nil
}

// takeSlowModeSlot records a send of userID at now unless their last one
// is within the window, which is a RetryError.
func (s *Store) takeSlowModeSlot(ctx context.Context, tenantID, roomID, userID string, seconds int, now int64) error {
	window := int64(seconds) * 1000
	res, err := s.w.ExecContext(ctx, s.w.Rebind(`
		INSERT INTO slow_mode_sends (tenant_id, room_id, user_id, last_sent_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (room_id, user_id) DO UPDATE SET last_sent_at = excluded.last_sent_at
		WHERE slow_mode_sends.last_sent_at <= ?`), tenantID, roomID, userID, now, now-window)
	if err != nil {
		return fmt.Errorf("slow mode: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("slow mode: %w", err)
	} else if n > 0 {
		return nil
	}
	var last int64
	if err := s.w.GetContext(ctx, &last, s.w.Rebind(`
		SELECT last_sent_at FROM slow_mode_sends WHERE room_id = ? AND user_id = ?`), roomID, userID); err != nil {
		return fmt.Errorf("slow mode: %w", err)
	}
	wait := time.Duration(last+window-now) * time.Millisecond
	return &RetryError{Message: fmt.Sprintf("slow mode: one message every %d seconds", seconds), RetryAfter: max(wait, time.Millisecond)}
}

// CheckEdit refuses an edit in a frozen room (ConflictError), or by a user
// banned from the room or the tenant (RestrictedError).
func (s *Store) CheckEdit(ctx context.Context, tenantID, actor, roomID string) error {
	if free, err := s.moderationFree(ctx, tenantID); err != nil || free {
		return err
	}
	now := s.nowMillis()
	var row struct {
		Frozen         bool          `db:"frozen"`
		Banned         sql.NullInt64 `db:"banned"`
		BanUntil       sql.NullInt64 `db:"ban_until"`
		TenantBanUntil sql.NullInt64 `db:"tenant_ban_until"`
	}
	err := s.r.GetContext(ctx, &row, s.r.Rebind(`
		SELECT r.frozen,
			(SELECT 1 + b.shadow FROM room_bans b WHERE b.room_id = r.id AND b.user_id = ?
				AND (b.expires_at IS NULL OR b.expires_at > ?)) AS banned,
			(SELECT COALESCE(b.expires_at, 0) FROM room_bans b WHERE b.room_id = r.id AND b.user_id = ?
				AND (b.expires_at IS NULL OR b.expires_at > ?)) AS ban_until,
			(SELECT COALESCE(t.expires_at, 0) FROM tenant_bans t WHERE t.tenant_id = r.tenant_id AND t.user_id = ?
				AND (t.expires_at IS NULL OR t.expires_at > ?)) AS tenant_ban_until
		FROM rooms r WHERE r.tenant_id = ? AND r.id = ?`),
		actor, now, actor, now, actor, now, tenantID, roomID)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("room %s: %w", roomID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("check edit: %w", err)
	}
	switch {
	case row.TenantBanUntil.Valid:
		return &RestrictedError{Message: "the user is banned from this tenant", Until: untilOf(row.TenantBanUntil.Int64)}
	case row.Banned.Valid && row.Banned.Int64 == 1:
		return &RestrictedError{Message: "the user is banned from this room", Until: untilOf(row.BanUntil.Int64)}
	case row.Frozen:
		return &ConflictError{Field: "room_id", Message: "the room is frozen: no message may be sent or edited"}
	}
	return nil
}

// SendShadow stores a shadow-banned sender's message where only they see
// it: not in the room's messages, seqs or log. It carries the seq the
// room's next message will take, as a send would have; a repeated
// client_msg_id returns the first (created false). It refuses what
// SendMessage would refuse, the references too (a missing parent or quote,
// a reply to a reply, a mention of a non-member, another's upload), so that
// a refusal does not give the ban away; what it keeps is the content and
// meta alone.
func (s *Store) SendShadow(ctx context.Context, tenantID, sender, roomID string, m NewMessage) (Message, bool, error) {
	defer s.moderationChanged(tenantID)
	meta, err := checkNewMessage(&m)
	if err != nil {
		return Message{}, false, err
	}
	if err := s.checkShadowRefs(ctx, tenantID, sender, roomID, m); err != nil {
		return Message{}, false, err
	}
	if m.ClientMsgID != nil {
		var prior []messageRow
		if err := s.w.SelectContext(ctx, &prior, s.w.Rebind(`
			SELECT id, room_id, user_id AS sender_id, seq, content, meta, client_msg_id, created_at
			FROM shadow_messages WHERE tenant_id = ? AND room_id = ? AND user_id = ? AND client_msg_id = ?`),
			tenantID, roomID, sender, *m.ClientMsgID); err != nil {
			return Message{}, false, fmt.Errorf("shadow send: %w", err)
		}
		if len(prior) > 0 {
			return prior[0].message(), false, nil
		}
	}
	now := s.nowMillis()
	row := messageRow{ID: newMessageID(now), RoomID: roomID, SenderID: sender, Content: m.Content, Meta: meta, ClientMsgID: m.ClientMsgID, CreatedAt: now}
	if err := s.w.GetContext(ctx, &row.Seq, s.w.Rebind(`
		SELECT last_seq + 1 FROM rooms WHERE tenant_id = ? AND id = ?`), tenantID, roomID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Message{}, false, fmt.Errorf("room %s: %w", roomID, ErrNotFound)
		}
		return Message{}, false, fmt.Errorf("shadow send: %w", err)
	}
	if _, err := s.w.ExecContext(ctx, s.w.Rebind(`
		INSERT INTO shadow_messages (tenant_id, room_id, id, user_id, seq, content, meta, client_msg_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		tenantID, roomID, row.ID, sender, row.Seq, row.Content, row.Meta, row.ClientMsgID, now); err != nil {
		return Message{}, false, fmt.Errorf("shadow send: %w", err)
	}
	return row.message(), true, nil
}

// checkShadowRefs is the refusal SendMessage would give m's references to
// messages, users and uploads, found in a transaction that is rolled back:
// a shadow send claims no upload and records no mention.
func (s *Store) checkShadowRefs(ctx context.Context, tenantID, sender, roomID string, m NewMessage) error {
	now := s.nowMillis()
	row := messageRow{ID: newMessageID(now), RoomID: roomID, SenderID: sender}
	sends := []refSend{{tenantID: tenantID, m: m, row: &row}}
	if !sends[0].hasRefs() {
		return nil
	}
	errChecked := errors.New("references checked")
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		_, refused, err := resolveRefs(ctx, tx, sends, now)
		if err != nil {
			return err
		}
		if err := refused[0]; err != nil {
			return err
		}
		return errChecked
	})
	if errors.Is(err, errChecked) {
		return nil
	}
	return err
}

// shadowMessagesSQL reads a sender's shadow messages of a room in a seq
// range.
const shadowMessagesSQL = `
	SELECT id, room_id, user_id AS sender_id, seq, content, meta, client_msg_id, created_at
	FROM shadow_messages
	WHERE room_id = ? AND user_id = ? AND tenant_id = ? AND seq >= ? AND seq <= ?
	ORDER BY seq, created_at, id`

// WithShadow merges into page, a page of the room's history as actor reads
// it (p), actor's own shadow messages that fall in it: a shadow message
// shown under seq S sits after the room's message S-1. Others never see
// them.
func (s *Store) WithShadow(ctx context.Context, tenantID, actor, roomID string, p MessagePage, page []Message) ([]Message, error) {
	if free, err := s.moderationFree(ctx, tenantID); err != nil {
		return nil, err
	} else if free {
		return page, nil
	}
	var from, to int64
	switch {
	case len(page) > 0:
		from, to = page[0].Seq+1, page[len(page)-1].Seq+1
		if page[0].Seq == 1 || (p.AfterSeq != nil && *p.AfterSeq+1 == page[0].Seq) {
			from = page[0].Seq
		}
	case p.AfterSeq == nil && p.BeforeSeq == nil:
		from, to = 1, 1 // an empty room
	default:
		return page, nil
	}
	st, err := s.reads.get(ctx, s.r.Rebind(shadowMessagesSQL))
	if err != nil {
		return nil, fmt.Errorf("shadow messages: %w", err)
	}
	var rows []messageRow
	if err := st.SelectContext(ctx, &rows, roomID, actor, tenantID, from, to); err != nil {
		return nil, fmt.Errorf("shadow messages: %w", err)
	}
	if len(rows) == 0 {
		return page, nil
	}
	out := make([]Message, 0, len(page)+len(rows))
	i := 0
	for _, m := range page {
		for i < len(rows) && rows[i].Seq <= m.Seq {
			out = append(out, rows[i].message())
			i++
		}
		out = append(out, m)
	}
	for ; i < len(rows); i++ {
		out = append(out, rows[i].message())
	}
	return out, nil
}
