-- 0011_threads_quotes_mentions: threads, quotes and mentions (SPEC Part 2,
-- "Reactions, threads, quotes, mentions, pins").
--
-- parent_id: the top-level message of the same room a reply answers, NULL
-- for a top-level message. A parent keeps its thread's summary itself
-- (reply_count, last_reply_at in unix ms, reply_participants: a JSON array
-- of at most 10 user ids, most recent first), updated in the transaction
-- of each reply under the room's lock, so that a page of history reads it
-- with the message and the count stays exact under concurrent replies.
-- quoted: the JSON snapshot of the quoted message taken at send
-- ({message_id, sender_id, content, deleted}). mentions: the JSON array of
-- the user ids the message mentions.
-- message_mentions: one row per mentioned user (not the sender) and
-- message, read by the unread_mentions counts (mentions after the member's
-- last_ack) through its primary key.
-- Kept semantically identical in both dialects.

ALTER TABLE messages ADD COLUMN parent_id TEXT;
ALTER TABLE messages ADD COLUMN quoted TEXT;
ALTER TABLE messages ADD COLUMN mentions TEXT;
ALTER TABLE messages ADD COLUMN reply_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN last_reply_at BIGINT;
ALTER TABLE messages ADD COLUMN reply_participants TEXT;

CREATE INDEX messages_replies ON messages (room_id, parent_id, seq) WHERE parent_id IS NOT NULL;

CREATE TABLE message_mentions (
    tenant_id TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    room_id   TEXT   NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id   TEXT   NOT NULL,
    seq       BIGINT NOT NULL,
    PRIMARY KEY (room_id, user_id, seq)
) WITHOUT ROWID;
