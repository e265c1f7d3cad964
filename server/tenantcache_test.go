package server

import (
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
)

func TestTenantCache(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	acme := store.Tenant{ID: "tn_acme"}

	tests := []struct {
		name string
		run  func(c *tenantCache) bool // reports whether "h" is cached
	}{
		{"a stored lookup is served", func(c *tenantCache) bool {
			_, _, gen := c.get("h")
			c.put("h", acme, gen)
			return true
		}},
		{"entries expire after the TTL", func(c *tenantCache) bool {
			_, _, gen := c.get("h")
			c.put("h", acme, gen)
			now = now.Add(tenantCacheTTL)
			return false
		}},
		{"forget drops the tenant's keys", func(c *tenantCache) bool {
			_, _, gen := c.get("h")
			c.put("h", acme, gen)
			c.forget(acme.ID)
			return false
		}},
		{"a lookup begun before a forget is not stored", func(c *tenantCache) bool {
			_, _, gen := c.get("h") // reads the old key's tenant from the store…
			c.forget(acme.ID)       // …while the key is rotated
			c.put("h", acme, gen)
			return false
		}},
		{"another tenant's rotation keeps the entry", func(c *tenantCache) bool {
			_, _, gen := c.get("h")
			c.put("h", acme, gen)
			c.forget("tn_other")
			return true
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTenantCache(clock)
			want := tt.run(c)
			got, ok, _ := c.get("h")
			if ok != want || (ok && got.ID != acme.ID) {
				t.Errorf("got %+v, cached %v; want cached %v", got, ok, want)
			}
		})
	}
}
