// Package contentfilter checks the content of every send and edit against
// the tenant's rules before it is stored: the word blocklist (block, flag or
// mask) and the before-send hook. It implements chat.ContentFilter.
//
// A tenant's rules are read once and kept with the matcher built from
// them; the cache asks the store for the rules' version at most once per
// Recheck, and rebuilds only when it moved. A change made through this
// instance is seen at once (Forget); one made through another instance
// within Recheck.
package contentfilter

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/chatapi/chatapi/blocklist"
	"github.com/chatapi/chatapi/chat"
	"github.com/chatapi/chatapi/store"
	"github.com/chatapi/chatapi/webhook"
)

// Store is what the filter reads its rules from and opens reports in.
type Store interface {
	ContentRules(ctx context.Context, tenantID string) (store.ContentRules, error)
	ContentRulesVersion(ctx context.Context, tenantID string) (int64, error)
	CreateReport(ctx context.Context, tenantID, reporter string, n store.NewReport) (store.Report, error)
	SetBeforeSendHook(ctx context.Context, tenantID string, h store.BeforeSendHook) (store.BeforeSendHook, bool, error)
	// CanType refuses a user who is not a member of the room, as a send
	// is refused (it is the typing rule, and the sending one).
	CanType(ctx context.Context, tenantID, roomID, userID string) error
}

// Config configures New.
type Config struct {
	// Recheck is how long a tenant's cached rules are used before their
	// version is read again [1s].
	Recheck time.Duration
	// Now is the clock [time.Now].
	Now func() time.Time
	// Logger receives the failures that do not fail a send (a flag's
	// report that could not be stored) [discard].
	Logger *slog.Logger
	// AllowPrivate lets hooks call loopback and private addresses
	// (WEBHOOK_ALLOW_PRIVATE, for development and tests).
	AllowPrivate bool
	// SealKey seals the hooks' signing secrets in the database: the key
	// webhook secrets are sealed with (webhook.NewSealer). Empty: a random
	// key, so that hooks set through this filter sign only until the
	// process ends (tests and benchmarks).
	SealKey []byte
}

// Filter is a chat.ContentFilter over a store. Safe for concurrent use.
type Filter struct {
	store  Store
	cfg    Config
	client *http.Client
	seal   *webhook.Sealer

	mu      sync.Mutex
	tenants map[string]*rules
	// gen counts Forgets: rules read before one must not be cached after
	// it, since they may be the ones just changed.
	gen uint64
}

var _ chat.ContentFilter = (*Filter)(nil)

// rules is a tenant's cached rules.
type rules struct {
	version int64
	checked time.Time
	// matcher is nil without a blocklist.
	matcher *blocklist.Matcher
	action  string
	// hook is nil without a before-send hook.
	hook *hook
}

// New returns a filter reading the rules from st.
func New(st Store, cfg Config) *Filter {
	if cfg.Recheck <= 0 {
		cfg.Recheck = time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if len(cfg.SealKey) == 0 {
		cfg.SealKey = []byte(rand.Text())
	}
	seal, err := webhook.NewSealer(cfg.SealKey)
	if err != nil {
		panic(err) // only for an empty key, replaced above
	}
	return &Filter{store: st, cfg: cfg, client: newHookClient(cfg.AllowPrivate), seal: seal, tenants: make(map[string]*rules)}
}

// SealSecret is a hook's signing secret as the store keeps it: sealed,
// bound to its tenant, in base64.
func (f *Filter) SealSecret(tenantID, secret string) string {
	return base64.StdEncoding.EncodeToString(f.seal.Seal(tenantID, secret))
}

// openSecret opens what SealSecret made.
func (f *Filter) openSecret(tenantID, stored string) (string, error) {
	sealed, err := base64.StdEncoding.DecodeString(stored)
	if err != nil {
		return "", fmt.Errorf("hook secret: %w", err)
	}
	return f.seal.Open(tenantID, sealed)
}

// newHook opens a tenant's hook's secret and makes its signer, once per
// load of the rules rather than at every call.
func (f *Filter) newHook(tenantID string, h *store.BeforeSendHook) *hook {
	secret, err := f.openSecret(tenantID, h.Secret)
	if err != nil {
		return &hook{BeforeSendHook: h, err: err}
	}
	signer, err := webhook.NewSigner(secret)
	return &hook{BeforeSendHook: h, signer: signer, err: err}
}

// Forget drops what the filter cached of a tenant, whose rules this
// instance just changed.
func (f *Filter) Forget(tenantID string) {
	f.mu.Lock()
	delete(f.tenants, tenantID)
	f.gen++
	f.mu.Unlock()
}

// rulesOf returns a tenant's current rules, from the cache when they are
// known current.
func (f *Filter) rulesOf(ctx context.Context, tenantID string) (*rules, error) {
	now := f.cfg.Now()
	f.mu.Lock()
	r, gen := f.tenants[tenantID], f.gen
	f.mu.Unlock()
	if r != nil && now.Sub(r.checked) < f.cfg.Recheck {
		return r, nil
	}
	version, err := f.store.ContentRulesVersion(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	if r != nil && r.version == version {
		fresh := *r
		fresh.checked = now
		f.put(tenantID, &fresh, gen)
		return &fresh, nil
	}
	cr, err := f.store.ContentRules(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	r = &rules{version: cr.Version, checked: now, action: cr.Blocklist.Action}
	if cr.Hook != nil {
		r.hook = f.newHook(tenantID, cr.Hook)
	}
	if len(cr.Blocklist.Words) > 0 {
		mode := blocklist.Word
		if cr.Blocklist.Match == "substring" {
			mode = blocklist.Substring
		}
		r.matcher = blocklist.New(cr.Blocklist.Words, mode)
	}
	f.put(tenantID, r, gen)
	return r, nil
}

// put caches r unless a Forget happened since gen was read, or a newer
// version is cached already.
func (f *Filter) put(tenantID string, r *rules, gen uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if gen != f.gen {
		return
	}
	if old := f.tenants[tenantID]; old != nil && old.version > r.version {
		return
	}
	f.tenants[tenantID] = r
}

// Check applies the tenant's blocklist, then its before-send hook (which
// sees the content masked, and whose replacement is stored as it is). A
// tenant without either costs one cached lookup, and a blocklist that lets
// the content through one scan of it. Before the blocklist refuses a draft
// and before the hook is called, a sender who is not a member of the room
// is refused as the store would refuse them: neither the blocklist nor the
// hook answers for rooms the sender cannot write to. (A masked or flagged
// draft needs no such check: the store refuses it then.)
func (f *Filter) Check(ctx context.Context, d chat.Draft) (chat.Verdict, error) {
	v := chat.Verdict{Content: d.Content}
	r, err := f.rulesOf(ctx, d.TenantID)
	if err != nil {
		return chat.Verdict{}, fmt.Errorf("content rules: %w", err)
	}
	if r.matcher != nil {
		switch r.action {
		case "block":
			if r.matcher.Matches(d.Content) {
				if err := f.store.CanType(ctx, d.TenantID, d.RoomID, d.SenderID); err != nil {
					return chat.Verdict{}, err
				}
				return chat.Verdict{}, &store.InvalidError{Field: "content", Reason: "blocklist",
					Message: "content contains a word the tenant's blocklist refuses"}
			}
		case "mask":
			v.Content = r.matcher.Mask(d.Content)
		case "flag":
			if words := r.matcher.Words(d.Content); len(words) > 0 {
				v.Flag = "matched: " + strings.Join(words, ", ")
			}
		}
	}
	if r.hook != nil {
		if err := f.store.CanType(ctx, d.TenantID, d.RoomID, d.SenderID); err != nil {
			return chat.Verdict{}, err
		}
		if v.Content, err = f.callHook(ctx, r.hook, d, v.Content); err != nil {
			return chat.Verdict{}, err
		}
	}
	return v, nil
}

// Flagged opens the system's report of a message the blocklist flagged.
// The message is stored by then: a report that cannot be opened is logged,
// not the send's failure.
func (f *Filter) Flagged(ctx context.Context, tenantID string, msg store.Message, v chat.Verdict) {
	note := v.Flag
	if len(note) > 1000 {
		note = strings.ToValidUTF8(note[:1000], "")
	}
	_, err := f.store.CreateReport(ctx, tenantID, "", store.NewReport{MessageID: msg.ID, Reason: "blocklist", Note: &note})
	if err != nil {
		f.cfg.Logger.Error("open the report of a flagged message", "tenant_id", tenantID, "message_id", msg.ID, "error", err.Error())
	}
}
