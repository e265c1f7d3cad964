package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// MaxBlocklistWords is how many words a tenant's blocklist holds at most.
const MaxBlocklistWords = 10000

// Blocklist is a tenant's word list and what a match does.
type Blocklist struct {
	Words []string
	// Match is "word" or "substring"; Action "block", "flag" or "mask".
	Match, Action string
	UpdatedAt     time.Time
}

// BeforeSendHook is a tenant's before-send hook.
type BeforeSendHook struct {
	URL       string
	TimeoutMS int
	// OnError is "allow" or "reject": what a send gets when the hook
	// fails or times out.
	OnError string
	// Secret signs the hook's requests, sealed (contentfilter.SealSecret):
	// the store never holds it in the clear.
	Secret    string
	UpdatedAt time.Time
}

// ContentRules is what a tenant checks its messages' content with: the
// blocklist (no words: none) and the hook (nil: none), at Version.
type ContentRules struct {
	Blocklist Blocklist
	Hook      *BeforeSendHook
	// Version moves at every change of either (0: never set).
	Version int64
}

type contentRulesRow struct {
	Words         string  `db:"words"`
	Match         string  `db:"match_mode"`
	Action        string  `db:"action"`
	HookURL       *string `db:"hook_url"`
	HookTimeoutMS *int    `db:"hook_timeout_ms"`
	HookOnError   *string `db:"hook_on_error"`
	HookSecret    *string `db:"hook_secret"`
	Version       int64   `db:"version"`
	UpdatedAt     int64   `db:"updated_at"`
}

// defaultBlocklist is the blocklist of a tenant that never set one.
var defaultBlocklist = Blocklist{Words: []string{}, Match: "word", Action: "block"}

// ContentRules reads a tenant's blocklist and before-send hook.
func (s *Store) ContentRules(ctx context.Context, tenantID string) (ContentRules, error) {
	var row contentRulesRow
	err := s.r.GetContext(ctx, &row, s.r.Rebind(`
		SELECT words, match_mode, action, hook_url, hook_timeout_ms, hook_on_error, hook_secret, version, updated_at
		FROM content_rules WHERE tenant_id = ?`), tenantID)
	if errors.Is(err, sql.ErrNoRows) {
		return ContentRules{Blocklist: defaultBlocklist}, nil
	}
	if err != nil {
		return ContentRules{}, fmt.Errorf("read content rules: %w", err)
	}
	out := ContentRules{Version: row.Version, Blocklist: Blocklist{Match: row.Match, Action: row.Action, UpdatedAt: fromMillis(row.UpdatedAt)}}
	if err := json.Unmarshal([]byte(row.Words), &out.Blocklist.Words); err != nil {
		return ContentRules{}, fmt.Errorf("read blocklist: %w", err)
	}
	if row.HookURL != nil {
		out.Hook = &BeforeSendHook{URL: *row.HookURL, UpdatedAt: fromMillis(row.UpdatedAt)}
		if row.HookTimeoutMS != nil {
			out.Hook.TimeoutMS = *row.HookTimeoutMS
		}
		if row.HookOnError != nil {
			out.Hook.OnError = *row.HookOnError
		}
		if row.HookSecret != nil {
			out.Hook.Secret = *row.HookSecret
		}
	}
	return out, nil
}

// ContentRulesVersion is the Version ContentRules would report: one
// indexed read, for caches to tell whether what they built is current.
func (s *Store) ContentRulesVersion(ctx context.Context, tenantID string) (int64, error) {
	st, err := s.reads.get(ctx, s.r.Rebind(`SELECT version FROM content_rules WHERE tenant_id = ?`))
	if err != nil {
		return 0, err
	}
	var v int64
	err = st.GetContext(ctx, &v, tenantID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read content rules version: %w", err)
	}
	return v, nil
}

// SetBlocklist replaces a tenant's blocklist; no words removes it.
func (s *Store) SetBlocklist(ctx context.Context, tenantID string, b Blocklist) (Blocklist, error) {
	if len(b.Words) > MaxBlocklistWords {
		return Blocklist{}, &InvalidError{Field: "words", Message: fmt.Sprintf("a blocklist holds at most %d words", MaxBlocklistWords)}
	}
	if b.Words == nil {
		b.Words = []string{}
	}
	words, err := json.Marshal(b.Words)
	if err != nil {
		return Blocklist{}, fmt.Errorf("encode blocklist: %w", err)
	}
	now := s.nowMillis()
	_, err = s.w.ExecContext(ctx, s.w.Rebind(`
		INSERT INTO content_rules (tenant_id, words, match_mode, action, version, updated_at)
		VALUES (?, ?, ?, ?, 1, ?)
		ON CONFLICT (tenant_id) DO UPDATE SET words = excluded.words, match_mode = excluded.match_mode,
			action = excluded.action, version = content_rules.version + 1, updated_at = excluded.updated_at`),
		tenantID, string(words), b.Match, b.Action, now)
	if err != nil {
		return Blocklist{}, fmt.Errorf("set blocklist: %w", err)
	}
	b.UpdatedAt = fromMillis(now)
	return b, nil
}

// SetBeforeSendHook sets a tenant's hook. Its secret is kept when the
// tenant had a hook already, and is h.Secret otherwise; created tells which.
func (s *Store) SetBeforeSendHook(ctx context.Context, tenantID string, h BeforeSendHook) (out BeforeSendHook, created bool, err error) {
	now := s.nowMillis()
	err = s.withTx(ctx, func(tx *sqlx.Tx) error {
		var old *string
		err := tx.GetContext(ctx, &old, tx.Rebind(`SELECT hook_secret FROM content_rules WHERE tenant_id = ?`), tenantID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read hook: %w", err)
		}
		created = old == nil
		if !created {
			h.Secret = *old
		}
		_, err = tx.ExecContext(ctx, tx.Rebind(`
			INSERT INTO content_rules (tenant_id, words, match_mode, action, hook_url, hook_timeout_ms, hook_on_error, hook_secret, version, updated_at)
			VALUES (?, '[]', 'word', 'block', ?, ?, ?, ?, 1, ?)
			ON CONFLICT (tenant_id) DO UPDATE SET hook_url = excluded.hook_url, hook_timeout_ms = excluded.hook_timeout_ms,
				hook_on_error = excluded.hook_on_error, hook_secret = excluded.hook_secret,
				version = content_rules.version + 1, updated_at = excluded.updated_at`),
			tenantID, h.URL, h.TimeoutMS, h.OnError, h.Secret, now)
		if err != nil {
			return fmt.Errorf("set hook: %w", err)
		}
		return nil
	})
	if err != nil {
		return BeforeSendHook{}, false, err
	}
	h.UpdatedAt = fromMillis(now)
	return h, created, nil
}

// DeleteBeforeSendHook removes a tenant's hook: ErrNotFound without one.
func (s *Store) DeleteBeforeSendHook(ctx context.Context, tenantID string) error {
	res, err := s.w.ExecContext(ctx, s.w.Rebind(`
		UPDATE content_rules SET hook_url = NULL, hook_timeout_ms = NULL, hook_on_error = NULL, hook_secret = NULL,
			version = version + 1, updated_at = ?
		WHERE tenant_id = ? AND hook_url IS NOT NULL`), s.nowMillis(), tenantID)
	if err != nil {
		return fmt.Errorf("delete hook: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("delete hook: %w", err)
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}
