package server

import (
	"sync"
	"time"
)

// ttlCache remembers answers read from the store for a while, so that busy
// callers skip the read. An answer changed through this instance is
// forgotten at once; one changed through another instance sharing the
// database holds at most ttl later. A read that began before a forget must
// not store what it read, which may predate the change, so every fill
// carries the generation read at its miss. Past sweepAt entries, an insert
// first drops the expired ones.
type ttlCache[K comparable, V any] struct {
	now     func() time.Time
	ttl     time.Duration
	sweepAt int

	mu      sync.Mutex
	entries map[K]ttlEntry[V]
	// gen counts forgets.
	gen uint64
}

type ttlEntry[V any] struct {
	v       V
	expires time.Time
}

func newTTLCache[K comparable, V any](now func() time.Time, ttl time.Duration, sweepAt int) *ttlCache[K, V] {
	return &ttlCache[K, V]{now: now, ttl: ttl, sweepAt: sweepAt, entries: make(map[K]ttlEntry[V])}
}

// get returns the cached answer of k and, on a miss, the generation to
// hand to put with what the store returns.
func (c *ttlCache[K, V]) get(k K) (V, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if ok && c.now().Before(e.expires) {
		return e.v, true, c.gen
	}
	if ok {
		delete(c.entries, k)
	}
	var zero V
	return zero, false, c.gen
}

// put caches v for k unless a forget happened since gen was read.
func (c *ttlCache[K, V]) put(k K, v V, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	now := c.now()
	if len(c.entries) >= c.sweepAt {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
	}
	c.entries[k] = ttlEntry[V]{v: v, expires: now.Add(c.ttl)}
}

// forgetWhere drops the entries drop picks and fails the reads in flight.
func (c *ttlCache[K, V]) forgetWhere(drop func(K, V) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k, e := range c.entries {
		if drop(k, e.v) {
			delete(c.entries, k)
		}
	}
}
