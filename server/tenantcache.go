package server

import (
	"sync"
	"time"

	"github.com/chatapi/chatapi/store"
)

// tenantCacheTTL is how long a key found in the store is trusted without
// asking again. A key rotated through this instance is refused at once
// (RotateTenantKey forgets the tenant's entries); another instance sharing
// the database refuses it at most this long after the rotation committed.
// Short enough that "refused from then on" holds to within a fraction of a
// second, long enough that a busy tenant's requests skip the key lookup,
// which profiles of the send path showed as a tenth of its CPU.
const tenantCacheTTL = 500 * time.Millisecond

// tenantCacheSweepAt is the size at which an insert first drops expired
// entries, so keys rotated on other instances do not pile up.
const tenantCacheSweepAt = 1024

// tenantCache remembers recent successful key lookups, by key hash. Unknown
// keys are never cached: a refused key costs a lookup every time, and a new
// key works at once.
type tenantCache struct {
	now func() time.Time

	mu      sync.Mutex
	entries map[string]tenantCacheEntry
	// gen counts invalidations: a lookup that began before one must not
	// store what it read, which may be the key just rotated away.
	gen uint64
}

type tenantCacheEntry struct {
	tenant  store.Tenant
	expires time.Time
}

func newTenantCache(now func() time.Time) *tenantCache {
	return &tenantCache{now: now, entries: make(map[string]tenantCacheEntry)}
}

// get returns the cached tenant of hash and, on a miss, the generation to
// hand to put with what the store returns.
func (c *tenantCache) get(hash string) (store.Tenant, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if ok && c.now().Before(e.expires) {
		return e.tenant, true, c.gen
	}
	if ok {
		delete(c.entries, hash)
	}
	return store.Tenant{}, false, c.gen
}

// put caches t for hash unless an invalidation happened since gen was read.
func (c *tenantCache) put(hash string, t store.Tenant, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	now := c.now()
	if len(c.entries) >= tenantCacheSweepAt {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
	}
	c.entries[hash] = tenantCacheEntry{tenant: t, expires: now.Add(tenantCacheTTL)}
}

// forget drops every entry of tenantID and fails the lookups in flight.
func (c *tenantCache) forget(tenantID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k, e := range c.entries {
		if e.tenant.ID == tenantID {
			delete(c.entries, k)
		}
	}
}
