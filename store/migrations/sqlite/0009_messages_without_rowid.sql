-- 0009_messages_without_rowid: messages are stored in their primary key's
-- order, (room_id, seq), as room_events already are. With a rowid, a page
-- of history read the primary key's index over (room_id, seq) and then
-- looked up each message's row by its rowid: two b-tree searches a
-- message. WITHOUT ROWID the page is one range of the table itself, and a
-- send writes one b-tree less. SQLite's storage, no difference in meaning:
-- PostgreSQL's 0009 changes nothing.
--
-- SQLite cannot change a table to WITHOUT ROWID in place: the table is
-- copied, so this migration takes time in proportion to the messages
-- stored, and its indexes are made again. No table references messages.

CREATE TABLE messages_without_rowid (
    id            TEXT   NOT NULL UNIQUE,
    tenant_id     TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    room_id       TEXT   NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    seq           BIGINT NOT NULL,
    sender_id     TEXT   NOT NULL,
    content       TEXT   NOT NULL,
    meta          TEXT,
    client_msg_id TEXT,
    created_at    BIGINT NOT NULL,
    edited_at     BIGINT,
    deleted_at    BIGINT,
    -- NULL for the messages sent before the room event log.
    event_seq     BIGINT,
    PRIMARY KEY (room_id, seq),
    -- Idempotent sends; rows without a client_msg_id (NULL) never collide.
    UNIQUE (room_id, sender_id, client_msg_id)
) WITHOUT ROWID;

INSERT INTO messages_without_rowid
    (id, tenant_id, room_id, seq, sender_id, content, meta, client_msg_id, created_at, edited_at, deleted_at, event_seq)
SELECT id, tenant_id, room_id, seq, sender_id, content, meta, client_msg_id, created_at, edited_at, deleted_at, event_seq
FROM messages;

DROP TABLE messages;
ALTER TABLE messages_without_rowid RENAME TO messages;

CREATE INDEX messages_room_event ON messages (room_id, event_seq);
