package store

import "slices"

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
	c *writerCache[roomRef, []string]
}

type roomRef struct{ tenantID, roomID string }

func newMemberCache() *memberCache {
	return &memberCache{newWriterCache[roomRef, []string](maxCachedRooms)}
}

// get returns a copy of the cached members of the room and, on a miss, the
// generation to hand to put.
func (m *memberCache) get(tenantID, roomID string) ([]string, bool, uint64) {
	ids, ok, gen := m.c.get(roomRef{tenantID, roomID})
	return slices.Clone(ids), ok, gen
}

// put caches ids unless an invalidation happened since gen was read.
func (m *memberCache) put(tenantID, roomID string, ids []string, gen uint64) {
	m.c.put(roomRef{tenantID, roomID}, slices.Clone(ids), gen)
}

// forget drops the room's entry and fails the reads in flight. Called after
// every transaction that may have changed the room's members, committed or
// not.
func (m *memberCache) forget(tenantID, roomID string) { m.c.forget(roomRef{tenantID, roomID}) }
