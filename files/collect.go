package files

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/chatapi/chatapi/store"
)

// Defaults of the collector.
const (
	// DefaultAbandonAfter is how long an upload may stay unattached to any
	// message before it is deleted (SPEC: 24 h).
	DefaultAbandonAfter = 24 * time.Hour
	// DefaultCollectInterval is how often RunCollection sweeps.
	DefaultCollectInterval = time.Hour
)

// collectBatch is how many uploads one claim takes.
const collectBatch = 100

// CollectAbandoned deletes the uploads never attached to a message (or
// taken off one) created more than olderThan ago: their bytes and
// thumbnail first, then their record, so that a collector stopped halfway
// leaves records to try again, never bytes nobody knows of. It returns how
// many it deleted.
func (s *Service) CollectAbandoned(ctx context.Context, olderThan time.Duration) (int, error) {
	before := s.cfg.Now().Add(-olderThan)
	var n int
	for {
		refs, err := s.store.ClaimAbandonedUploads(ctx, before, collectBatch)
		if err != nil {
			return n, err
		}
		var failed error
		for _, r := range refs {
			err := errors.Join(
				s.backend.Delete(ctx, store.UploadKey(r.TenantID, r.ID)),
				s.backend.Delete(ctx, store.UploadPutKey(r.TenantID, r.ID)),
				s.backend.Delete(ctx, store.ThumbnailKey(r.TenantID, r.ID)))
			if err == nil {
				err = s.store.ForgetUpload(ctx, r.TenantID, r.ID)
			}
			if err != nil {
				failed = errors.Join(failed, fmt.Errorf("upload %s: %w", r.ID, err))
				continue
			}
			n++
		}
		if failed != nil {
			// Left deleting, taken again by the next sweep.
			return n, failed
		}
		if len(refs) < collectBatch {
			return n, nil
		}
	}
}

// RunCollection runs CollectAbandoned for uploads older than olderThan at
// start and then every interval, until ctx ends. Instances sharing a
// database may all run it: a claim marks what it takes.
func (s *Service) RunCollection(ctx context.Context, interval, olderThan time.Duration) error {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		n, err := s.CollectAbandoned(ctx, olderThan)
		switch {
		case err != nil && ctx.Err() == nil:
			s.cfg.Logger.Warn("files: delete abandoned uploads", "error", err.Error(), "deleted", n)
		case n > 0:
			s.cfg.Logger.Info("files: deleted abandoned uploads", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}
