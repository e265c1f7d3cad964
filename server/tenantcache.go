package server

import (
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
	*ttlCache[string, store.Tenant]
}

func newTenantCache(now func() time.Time) *tenantCache {
	return &tenantCache{newTTLCache[string, store.Tenant](now, tenantCacheTTL, tenantCacheSweepAt)}
}

// forget drops every entry of tenantID and fails the lookups in flight,
// which may have read the key just rotated away.
func (c *tenantCache) forget(tenantID string) {
	c.forgetWhere(func(_ string, t store.Tenant) bool { return t.ID == tenantID })
}
