package store

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of a user's profile (SPEC Part 2, "Users and per-member settings").
const (
	MaxDisplayNameLength  = 100  // characters
	MaxAvatarURLLength    = 2048 // bytes
	MaxProfileCustomSize  = 5120 // bytes of compact JSON
	MaxDirectoryQuery     = 100  // characters of a directory search
	MaxProfileBatch       = 100  // ids of one GetProfiles
	DefaultDirectoryLimit = 20   // users in a directory page
	MaxDirectoryLimit     = 50
)

// ProfileChange is what a write of a profile sets: nil fields stay as they
// are (a PATCH); a PUT passes all three. "" clears a text field, an empty
// object clears custom.
type ProfileChange struct {
	DisplayName *string
	AvatarURL   *string
	Custom      json.RawMessage
}

func (c ProfileChange) check() (custom *string, err error) {
	if c.DisplayName != nil {
		if err := checkText("display_name", *c.DisplayName, false); err != nil {
			return nil, err
		}
		if utf8.RuneCountInString(*c.DisplayName) > MaxDisplayNameLength {
			return nil, &InvalidError{Field: "display_name", Message: fmt.Sprintf("must be at most %d characters", MaxDisplayNameLength)}
		}
	}
	if c.AvatarURL != nil {
		if err := checkAvatarURL(*c.AvatarURL); err != nil {
			return nil, err
		}
	}
	if c.Custom != nil {
		obj, err := normalizeObject("custom", c.Custom, MaxProfileCustomSize)
		if err != nil {
			return nil, err
		}
		if obj == nil {
			empty := "{}"
			obj = &empty
		}
		custom = obj
	}
	return custom, nil
}

// avatarURL is the shape of an avatar URL, the contract's pattern: https,
// a host name, and printable ASCII (percent-encoded) after it. A profile
// picture is fetched by other users' browsers, which must never be sent to a
// plain-http or script URL.
var avatarURL = regexp.MustCompile(`^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?([/?#][!-~]*)?$`)

// checkAvatarURL accepts "" (no avatar) or an https URL of avatarURL's shape.
func checkAvatarURL(v string) error {
	if v == "" {
		return nil
	}
	if len(v) > MaxAvatarURLLength {
		return &InvalidError{Field: "avatar_url", Message: fmt.Sprintf("must be at most %d bytes", MaxAvatarURLLength)}
	}
	if !avatarURL.MatchString(v) {
		return &InvalidError{Field: "avatar_url", Message: "must be an https URL of printable ASCII"}
	}
	return nil
}

type profileRow struct {
	UserID      string `db:"user_id"`
	DisplayName string `db:"display_name"`
	AvatarURL   string `db:"avatar_url"`
	Custom      string `db:"custom"`
	UpdatedAt   *int64 `db:"updated_at"`
}

func (r profileRow) profile() Profile {
	return Profile{
		UserID:      r.UserID,
		DisplayName: r.DisplayName,
		AvatarURL:   r.AvatarURL,
		Custom:      json.RawMessage(r.Custom),
		UpdatedAt:   fromNullMillis(r.UpdatedAt),
	}
}

// emptyProfile is the profile of a user who never set one.
func emptyProfile(userID string) Profile {
	return Profile{UserID: userID, Custom: json.RawMessage("{}")}
}

// UpdateProfile writes the fields ch sets into userID's profile, creating it
// on the first write, and returns the profile as stored. Only the user
// changes their own profile: another actor is ErrForbidden. One statement:
// two concurrent changes of different fields both land.
func (s *Store) UpdateProfile(ctx context.Context, tenantID, actor, userID string, ch ProfileChange) (Profile, error) {
	if actor != userID {
		return Profile{}, fmt.Errorf("profile of %s: only its user changes it: %w", userID, ErrForbidden)
	}
	custom, err := ch.check()
	if err != nil {
		return Profile{}, err
	}
	var nameKey *string
	if ch.DisplayName != nil {
		k := strings.ToLower(*ch.DisplayName)
		nameKey = &k
	}
	now := s.nowMillis()
	var row profileRow
	err = s.w.GetContext(ctx, &row, s.w.Rebind(`
		INSERT INTO user_profiles (tenant_id, user_id, display_name, name_key, avatar_url, custom, updated_at)
		VALUES (?, ?, COALESCE(?, ''), COALESCE(?, ''), COALESCE(?, ''), COALESCE(?, '{}'), ?)
		ON CONFLICT (tenant_id, user_id) DO UPDATE SET
			display_name = COALESCE(?, user_profiles.display_name),
			name_key     = COALESCE(?, user_profiles.name_key),
			avatar_url   = COALESCE(?, user_profiles.avatar_url),
			custom       = COALESCE(?, user_profiles.custom),
			updated_at   = ?
		RETURNING user_id, display_name, avatar_url, custom, updated_at`),
		tenantID, userID, ch.DisplayName, nameKey, ch.AvatarURL, custom, now,
		ch.DisplayName, nameKey, ch.AvatarURL, custom, now)
	if err != nil {
		return Profile{}, fmt.Errorf("update profile: %w", err)
	}
	return row.profile(), nil
}

// GetProfiles returns the profiles of userIDs in the order asked, the empty
// profile for a user who never set one (users need no registration).
func (s *Store) GetProfiles(ctx context.Context, tenantID string, userIDs []string) ([]Profile, error) {
	if len(userIDs) > MaxProfileBatch {
		return nil, &InvalidError{Field: "ids", Message: fmt.Sprintf("must name at most %d users", MaxProfileBatch)}
	}
	out := make([]Profile, len(userIDs))
	if len(userIDs) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(userIDs)+1)
	args = append(args, tenantID)
	for _, id := range userIDs {
		args = append(args, id)
	}
	var rows []profileRow
	if err := s.r.SelectContext(ctx, &rows, s.r.Rebind(`
		SELECT user_id, display_name, avatar_url, custom, updated_at FROM user_profiles
		WHERE tenant_id = ? AND user_id IN (?`+strings.Repeat(", ?", len(userIDs)-1)+`)`), args...); err != nil {
		return nil, fmt.Errorf("get profiles: %w", err)
	}
	found := make(map[string]Profile, len(rows))
	for _, r := range rows {
		found[r.UserID] = r.profile()
	}
	for i, id := range userIDs {
		p, ok := found[id]
		if !ok {
			p = emptyProfile(id)
		}
		out[i] = p
	}
	return out, nil
}

// SearchUsers pages the tenant's user directory: every user who has a
// profile or belongs to a room, whose display name or id starts with q
// (case-insensitively; "" matches everyone), in user id order after the
// id after ("" from the start). It returns up to limit users and whether
// more follow.
func (s *Store) SearchUsers(ctx context.Context, tenantID, q, after string, limit int) ([]Profile, bool, error) {
	limit, err := pageLimit(limit, DefaultDirectoryLimit, MaxDirectoryLimit)
	if err != nil {
		return nil, false, err
	}
	if err := checkText("q", q, false); err != nil {
		return nil, false, err
	}
	if utf8.RuneCountInString(q) > MaxDirectoryQuery {
		return nil, false, &InvalidError{Field: "q", Message: fmt.Sprintf("must be at most %d characters", MaxDirectoryQuery)}
	}
	key := strings.ToLower(q)
	n := utf8.RuneCountInString(key)
	// substr(x, 1, n) = key is a prefix test both databases evaluate alike
	// (characters, not bytes; no LIKE wildcards or collation to escape).
	// User ids are ASCII, so SQL's lower() agrees with Go's on them.
	var rows []profileRow
	if err := s.r.SelectContext(ctx, &rows, s.r.Rebind(`
		SELECT u.user_id, COALESCE(p.display_name, '') AS display_name, COALESCE(p.avatar_url, '') AS avatar_url,
			COALESCE(p.custom, '{}') AS custom, p.updated_at
		FROM (
			SELECT user_id FROM user_profiles
			WHERE tenant_id = ? AND user_id > ? AND (substr(name_key, 1, ?) = ? OR substr(lower(user_id), 1, ?) = ?)
			UNION
			SELECT user_id FROM room_members
			WHERE tenant_id = ? AND user_id > ? AND substr(lower(user_id), 1, ?) = ?
		) u
		LEFT JOIN user_profiles p ON p.tenant_id = ? AND p.user_id = u.user_id
		ORDER BY u.user_id
		LIMIT ?`),
		tenantID, after, n, key, n, key,
		tenantID, after, n, key,
		tenantID, limit+1); err != nil {
		return nil, false, fmt.Errorf("search users: %w", err)
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	out := make([]Profile, len(rows))
	for i, r := range rows {
		out[i] = r.profile()
	}
	return out, more, nil
}

// Profile is a user's profile. UpdatedAt is nil for a user who never set
// one, whose fields are all empty.
type Profile struct {
	UserID      string
	DisplayName string
	AvatarURL   string
	// Custom is a JSON object, "{}" when unset.
	Custom    json.RawMessage
	UpdatedAt *time.Time
}
