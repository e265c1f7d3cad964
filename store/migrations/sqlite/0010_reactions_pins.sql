-- 0010_reactions_pins: reactions and pins (SPEC Part 2, "Reactions,
-- threads, quotes, mentions, pins"). Both name their message by its place
-- in the room, (room_id, message_seq), as the log does.
--
-- reactions: one row per user, message and type. event_seq is the
-- reaction.added event that made it: who reacted is listed oldest first
-- by it, and it is the listing's cursor.
-- reaction_counts: the counts of a message's reactions as a JSON object
-- {type: n}, kept in the transaction of every change (under the room's
-- event_seq lock, so concurrent changes cannot lose one), so that a page
-- of history reads one row per message instead of counting. A separate
-- table, not a column of messages: a reaction must not lock the message's
-- row, which an edit locks before the room's (two orders: a deadlock).
-- No row: no reactions.
-- pins: a room's pinned messages; event_seq is the pin.added, newest first.
-- Kept semantically identical to migrations/postgres/0010_reactions_pins.sql.

CREATE TABLE reactions (
    tenant_id   TEXT   NOT NULL,
    room_id     TEXT   NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    message_seq BIGINT NOT NULL,
    user_id     TEXT   NOT NULL,
    type        TEXT   NOT NULL,
    event_seq   BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (room_id, message_seq, user_id, type)
) WITHOUT ROWID;

CREATE INDEX reactions_order ON reactions (room_id, message_seq, event_seq);

CREATE TABLE reaction_counts (
    room_id     TEXT   NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    message_seq BIGINT NOT NULL,
    counts      TEXT   NOT NULL,
    PRIMARY KEY (room_id, message_seq)
) WITHOUT ROWID;

CREATE TABLE pins (
    tenant_id   TEXT   NOT NULL,
    room_id     TEXT   NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    message_seq BIGINT NOT NULL,
    pinned_by   TEXT   NOT NULL,
    event_seq   BIGINT NOT NULL,
    pinned_at   BIGINT NOT NULL,
    PRIMARY KEY (room_id, message_seq)
) WITHOUT ROWID;

CREATE INDEX pins_order ON pins (room_id, event_seq);
