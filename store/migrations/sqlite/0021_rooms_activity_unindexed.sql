-- 0021_rooms_activity_unindexed: rooms_tenant_type goes. It indexed
-- (tenant_id, type, last_activity_at), and every send writes its room's
-- last_activity_at (with last_seq and last_event_seq), so every send
-- rewrote an entry of it; no query reads it (room lists go through
-- room_members_tenant_user, tenant-wide reads through rooms_tenant_num).
-- With no index over a column a send writes, PostgreSQL updates the room's
-- row in place (a heap-only tuple: no index entry, less WAL, a shorter hold
-- of the row lock every send to the room waits on), and SQLite writes one
-- index page less per batch. TestSendWritesNoIndexedRoomColumn holds it.
-- Kept semantically identical to migrations/postgres/0021_rooms_activity_unindexed.sql.

DROP INDEX IF EXISTS rooms_tenant_type;
