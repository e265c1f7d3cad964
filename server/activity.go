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
	read  func(ctx context.Context, tenantID, userID string) (time.Time, bool, error)
	cache *ttlCache[tenantUser, time.Time]
}

func newDeletedUsers(now func() time.Time, read func(ctx context.Context, tenantID, userID string) (time.Time, bool, error)) *deletedUsers {
	return &deletedUsers{read: read, cache: newTTLCache[tenantUser, time.Time](now, userCacheTTL, userCacheSweepAt)}
}

// deletedAt is when the user was last deleted; zero when never.
func (d *deletedUsers) deletedAt(ctx context.Context, tenantID, userID string) (time.Time, error) {
	k := tenantUser{tenantID, userID}
	at, ok, gen := d.cache.get(k)
	if ok {
		return at, nil
	}
	at, _, err := d.read(ctx, tenantID, userID)
	if err != nil {
		return time.Time{}, err
	}
	d.cache.put(k, at, gen)
	return at, nil
}

// forget drops what is known of a user and fails the reads in flight.
func (d *deletedUsers) forget(tenantID, userID string) {
	k := tenantUser{tenantID, userID}
	d.cache.forgetWhere(func(key tenantUser, _ time.Time) bool { return key == k })
}

// activity records which users are active each UTC day (for the daily and
// monthly active users of GET /admin/tenants/{tenant_id}/usage): the first
// request or connection of a user on a day writes one row; the rest of the
// day's are answered from memory. The memory holds the day's active users
// of this instance and is dropped when the day changes.
type activity struct {
	now    func() time.Time
	record func(ctx context.Context, tenantID, userID string, at time.Time) error
	// recordLater is record without the wait: failed is called if the row
	// is not written.
	recordLater func(tenantID, userID string, at time.Time, failed func(error))

	mu   sync.Mutex
	day  string
	seen map[tenantUser]struct{}
}

func newActivity(now func() time.Time, record func(ctx context.Context, tenantID, userID string, at time.Time) error,
	recordLater func(tenantID, userID string, at time.Time, failed func(error))) *activity {
	return &activity{now: now, record: record, recordLater: recordLater, seen: make(map[tenantUser]struct{})}
}

// note records that the user acted now; a failed write is forgotten, so
// that a later request tries again.
func (a *activity) note(ctx context.Context, tenantID, userID string) error {
	k, now, first := a.first(tenantID, userID)
	if !first {
		return nil
	}
	if err := a.record(ctx, tenantID, userID, now); err != nil {
		a.forget(k)
		return err
	}
	return nil
}

// noteLater is note without waiting for the write; failed is called, from
// another goroutine and after the write is forgotten, if it fails. It must
// not block.
func (a *activity) noteLater(tenantID, userID string, failed func(error)) {
	k, now, first := a.first(tenantID, userID)
	if !first {
		return
	}
	a.recordLater(tenantID, userID, now, func(err error) {
		a.forget(k)
		failed(err)
	})
}

// first remembers that the user acted now, and reports whether that is new
// today.
func (a *activity) first(tenantID, userID string) (tenantUser, time.Time, bool) {
	now := a.now()
	day := now.UTC().Format(time.DateOnly)
	k := tenantUser{tenantID, userID}
	a.mu.Lock()
	defer a.mu.Unlock()
	if day != a.day {
		a.day, a.seen = day, make(map[tenantUser]struct{})
	}
	if _, ok := a.seen[k]; ok {
		return k, now, false
	}
	a.seen[k] = struct{}{}
	return k, now, true
}

// forget drops the user from today's memory, so that their next request
// tries the write again.
func (a *activity) forget(k tenantUser) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.seen, k)
}
