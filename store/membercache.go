package store

import (
	"slices"
	"sync"
)

// maxCachedRooms bounds memberCache; past it an arbitrary room is dropped.
const maxCachedRooms = 4096

// memberCache keeps RoomMemberIDs answers on SQLite, where every membership
// change goes through this Store's single writer, which drops the room's
// entry once the change has committed. The hub asks for a room's members on
// every event it fans out; profiles of the send path gave that read an
// eighth of the CPU, and a 1,000-member room reads 1,000 rows per event.
//
// PostgreSQL serves several instances, where a member can be added or removed
// by another one: caching there needs that instance to tell the others (the
// LISTEN/NOTIFY bus), so the PostgreSQL store reads every time.
type memberCache struct {
	mu    sync.Mutex
	rooms map[roomRef][]string
	// gen counts invalidations: a read that began before one must not
	// store what it read, which may predate the change.
	gen uint64
}

type roomRef struct{ tenantID, roomID string }

func newMemberCache() *memberCache {
	return &memberCache{rooms: make(map[roomRef][]string)}
}

// get returns a copy of the cached members of the room and, on a miss, the
// generation to hand to put.
func (c *memberCache) get(tenantID, roomID string) ([]string, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ids, ok := c.rooms[roomRef{tenantID, roomID}]
	if ok {
		return slices.Clone(ids), true, c.gen
	}
	return nil, false, c.gen
}

// put caches ids unless an invalidation happened since gen was read.
func (c *memberCache) put(tenantID, roomID string, ids []string, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(c.rooms) >= maxCachedRooms {
		for k := range c.rooms {
			delete(c.rooms, k)
			break
		}
	}
	c.rooms[roomRef{tenantID, roomID}] = slices.Clone(ids)
}

// forget drops the room's entry and fails the reads in flight. Called after
// every transaction that may have changed the room's members, committed or
// not.
func (c *memberCache) forget(tenantID, roomID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.rooms, roomRef{tenantID, roomID})
}
