-- 0008_member_settings: a member's own settings of a room (SPEC Part 2,
-- "Users and per-member settings"). muted_until: the mute's end (unix ms),
-- NULL when not muted. pinned_at: when the member pinned the room, NULL
-- when not pinned. archived_seq: the room's last_seq when the member
-- archived it, NULL when not archived; the room counts as archived while
-- no message came after (rooms.last_seq <= archived_seq), so a new message
-- un-archives it without the send writing the members' rows.
-- Kept semantically identical in both dialects.

ALTER TABLE room_members ADD COLUMN muted_until BIGINT;
ALTER TABLE room_members ADD COLUMN pinned_at BIGINT;
ALTER TABLE room_members ADD COLUMN archived_seq BIGINT;
