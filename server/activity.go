package server

import (
	"context"
	"sync"
	"time"
)

// userCacheTTL is how long a user's deletion (or its absence) read from the
// store is trusted: a deletion through this instance is seen at once
// (forget), through another within this long, as tenantCacheTTL does for
// keys.
const userCacheTTL = tenantCacheTTL

// userCacheSweepAt is the size at which an insert first drops expired
// entries.
const userCacheSweepAt = 4096

type tenantUser struct{ tenantID, userID string }

// deletedUsers caches when users were deleted (zero: never), so that a
// request with a user token costs no store read for it most of the time.
type deletedUsers struct {
	now  func() time.Time
	read func(ctx context.Context, tenantID, userID string) (time.Time, bool, error)

	mu      sync.Mutex
	entries map[tenantUser]deletedEntry
	// gen counts forgets: a read that began before one must not store what
	// it read.
	gen uint64
}

type deletedEntry struct {
	at      time.Time
	expires time.Time
}

func newDeletedUsers(now func() time.Time, read func(ctx context.Context, tenantID, userID string) (time.Time, bool, error)) *deletedUsers {
	return &deletedUsers{now: now, read: read, entries: make(map[tenantUser]deletedEntry)}
}

// deletedAt is when the user was last deleted; zero when never.
func (d *deletedUsers) deletedAt(ctx context.Context, tenantID, userID string) (time.Time, error) {
	k := tenantUser{tenantID, userID}
	d.mu.Lock()
	e, ok := d.entries[k]
	now := d.now()
	gen := d.gen
	d.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.at, nil
	}
	at, _, err := d.read(ctx, tenantID, userID)
	if err != nil {
		return time.Time{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if gen == d.gen {
		if len(d.entries) >= userCacheSweepAt {
			for k, e := range d.entries {
				if !now.Before(e.expires) {
					delete(d.entries, k)
				}
			}
		}
		d.entries[k] = deletedEntry{at: at, expires: now.Add(userCacheTTL)}
	}
	return at, nil
}

// forget drops what is known of a user and fails the reads in flight.
func (d *deletedUsers) forget(tenantID, userID string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.gen++
	delete(d.entries, tenantUser{tenantID, userID})
}

// activity records which users are active each UTC day (for the daily and
// monthly active users of GET /admin/tenants/{tenant_id}/usage): the first
// request or connection of a user on a day writes one row; the rest of the
// day's are answered from memory. The memory holds the day's active users
// of this instance and is dropped when the day changes.
type activity struct {
	now    func() time.Time
	record func(ctx context.Context, tenantID, userID string, at time.Time) error

	mu   sync.Mutex
	day  string
	seen map[tenantUser]struct{}
}

func newActivity(now func() time.Time, record func(ctx context.Context, tenantID, userID string, at time.Time) error) *activity {
	return &activity{now: now, record: record, seen: make(map[tenantUser]struct{})}
}

// note records that the user acted now; a failed write is forgotten, so
// that a later request tries again.
func (a *activity) note(ctx context.Context, tenantID, userID string) error {
	now := a.now()
	day := now.UTC().Format(time.DateOnly)
	k := tenantUser{tenantID, userID}
	a.mu.Lock()
	if day != a.day {
		a.day, a.seen = day, make(map[tenantUser]struct{})
	}
	_, ok := a.seen[k]
	if !ok {
		a.seen[k] = struct{}{}
	}
	a.mu.Unlock()
	if ok {
		return nil
	}
	if err := a.record(ctx, tenantID, userID, now); err != nil {
		a.mu.Lock()
		delete(a.seen, k)
		a.mu.Unlock()
		return err
	}
	return nil
}
