package store

import "sync"

// writerCache is a bounded cache of answers read from SQLite that only
// this Store's single writer can change: the writer forgets a key once a
// transaction that may have changed its answer has ended. A read that
// began before a forget must not store what it read, which may predate the
// change, so every fill carries the generation read at its miss.
type writerCache[K comparable, V any] struct {
	mu  sync.Mutex
	m   map[K]V
	max int
	// gen counts forgets.
	gen uint64
}

func newWriterCache[K comparable, V any](max int) *writerCache[K, V] {
	return &writerCache[K, V]{m: make(map[K]V), max: max}
}

// get returns the cached answer of k and, on a miss, the generation to
// hand to put.
func (c *writerCache[K, V]) get(k K) (V, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok, c.gen
}

// put caches v for k unless a forget happened since gen was read; past max
// keys an arbitrary one is dropped.
func (c *writerCache[K, V]) put(k K, v V, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(c.m) >= c.max {
		for old := range c.m {
			delete(c.m, old)
			break
		}
	}
	c.m[k] = v
}

// forget drops k's answer and fails the fills in flight.
func (c *writerCache[K, V]) forget(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.m, k)
}

// load returns k's cached answer, or the one read reads, which it caches
// (see put).
func (c *writerCache[K, V]) load(k K, read func() (V, error)) (V, error) {
	v, ok, gen := c.get(k)
	if ok {
		return v, nil
	}
	v, err := read()
	if err != nil {
		return v, err
	}
	c.put(k, v, gen)
	return v, nil
}
