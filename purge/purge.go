// Package purge carries out deletions in the background (SPEC Part 2,
// "Tenant administration and privacy"): the purge of a deleted tenant's
// data and files, and the erasure of a deleted user. Both are recorded in
// the database before they are answered, so a Runner started after a crash
// finds what was left unfinished and resumes it.
package purge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/storage"
	"github.com/chatapi/chatapi/store"
)

// Store is what the purge needs from persistence.
type Store interface {
	DeletedTenants(ctx context.Context) ([]string, error)
	TenantUploads(ctx context.Context, tenantID string, limit int) ([]store.UploadRef, error)
	DropUploads(ctx context.Context, tenantID string, ids []string) error
	PurgeTenant(ctx context.Context, tenantID string) error
	PendingUserDeletions(ctx context.Context) ([]store.UserDeletion, error)
	UserUploads(ctx context.Context, tenantID, userID string, limit int) ([]store.UploadRef, error)
	EraseUser(ctx context.Context, d store.UserDeletion) (store.Erasure, error)
}

// Publisher announces the room events of an erasure to live clients.
type Publisher interface {
	Publish(ctx context.Context, e event.Event)
}

// Config tunes a Runner; zero fields take the defaults in brackets.
type Config struct {
	// Interval is how often the runner looks for unfinished work besides
	// being woken [1m].
	Interval time.Duration
	// Logger receives failures [discarded].
	Logger *slog.Logger
}

// DefaultInterval is Config.Interval's default.
const DefaultInterval = time.Minute

// uploadBatch is how many uploads' files one round deletes.
const uploadBatch = 100

// Runner purges deleted tenants and erases deleted users.
type Runner struct {
	store   Store
	backend storage.Backend
	pub     Publisher
	cfg     Config
	wake    chan struct{}
}

// New returns a Runner over st, deleting files from backend and announcing
// erasures' room events to pub (nil: to no one).
func New(st Store, backend storage.Backend, pub Publisher, cfg Config) *Runner {
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Runner{store: st, backend: backend, pub: pub, cfg: cfg, wake: make(chan struct{}, 1)}
}

// Wake makes Run look for work now. It never blocks.
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run does the work left unfinished at start, then what it is woken for
// or finds every Interval, until ctx ends. Instances sharing a database
// may all run it: every step is safe to repeat.
func (r *Runner) Run(ctx context.Context) error {
	tick := time.NewTicker(r.cfg.Interval)
	defer tick.Stop()
	for {
		if err := r.RunOnce(ctx); err != nil && ctx.Err() == nil {
			r.cfg.Logger.Warn("purge", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		case <-r.wake:
		}
	}
}

// RunOnce purges every deleted tenant and erases every deleted user not
// yet done.
func (r *Runner) RunOnce(ctx context.Context) error {
	var errs []error
	tenants, err := r.store.DeletedTenants(ctx)
	if err != nil {
		return err
	}
	for _, t := range tenants {
		if err := r.purgeTenant(ctx, t); err != nil {
			errs = append(errs, fmt.Errorf("tenant %s: %w", t, err))
		}
	}
	users, err := r.store.PendingUserDeletions(ctx)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, d := range users {
		if err := r.eraseUser(ctx, d); err != nil {
			errs = append(errs, fmt.Errorf("user %s of tenant %s: %w", d.UserID, d.TenantID, err))
		}
	}
	return errors.Join(errs...)
}

// purgeTenant deletes the tenant's files, then its rows: a purge stopped
// between the two leaves rows to find the rest by, never files nobody
// knows of.
func (r *Runner) purgeTenant(ctx context.Context, tenantID string) error {
	if err := r.dropUploads(ctx, tenantID, func() ([]store.UploadRef, error) {
		return r.store.TenantUploads(ctx, tenantID, uploadBatch)
	}); err != nil {
		return err
	}
	if err := r.store.PurgeTenant(ctx, tenantID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	r.cfg.Logger.Info("purge: tenant purged", "tenant_id", tenantID)
	return nil
}

// eraseUser deletes the user's files, then erases the rest and announces
// what changed in rooms.
func (r *Runner) eraseUser(ctx context.Context, d store.UserDeletion) error {
	if err := r.dropUploads(ctx, d.TenantID, func() ([]store.UploadRef, error) {
		return r.store.UserUploads(ctx, d.TenantID, d.UserID, uploadBatch)
	}); err != nil {
		return err
	}
	er, err := r.store.EraseUser(ctx, d)
	if r.pub != nil {
		// What was done is announced even when a later step failed.
		for _, m := range er.Deleted {
			r.pub.Publish(ctx, event.ForMessage(event.MessageDeleted, d.TenantID, m))
		}
		for _, ch := range er.Reactions {
			r.pub.Publish(ctx, event.ForLogged(d.TenantID, ch.Event))
		}
		for _, l := range er.Left {
			r.pub.Publish(ctx, event.Event{Type: event.MemberLeft, TenantID: d.TenantID, RoomID: l.RoomID, UserID: d.UserID, EventSeq: l.EventSeq})
		}
	}
	return err
}

// dropUploads deletes the files of the uploads next names, then their
// records, until next names none.
func (r *Runner) dropUploads(ctx context.Context, tenantID string, next func() ([]store.UploadRef, error)) error {
	for {
		refs, err := next()
		if err != nil {
			return err
		}
		if len(refs) == 0 {
			return nil
		}
		ids := make([]string, 0, len(refs))
		for _, u := range refs {
			if err := errors.Join(
				r.backend.Delete(ctx, store.UploadKey(tenantID, u.ID)),
				r.backend.Delete(ctx, store.UploadPutKey(tenantID, u.ID)),
				r.backend.Delete(ctx, store.ThumbnailKey(tenantID, u.ID))); err != nil {
				return fmt.Errorf("delete files of upload %s: %w", u.ID, err)
			}
			ids = append(ids, u.ID)
		}
		if err := r.store.DropUploads(ctx, tenantID, ids); err != nil {
			return err
		}
	}
}
