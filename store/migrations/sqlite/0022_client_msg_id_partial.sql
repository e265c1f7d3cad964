-- 0022_client_msg_id_partial: the uniqueness of a client_msg_id is kept by
-- an index of the messages that have one, not by one of every message.
--
-- UNIQUE (room_id, sender_id, client_msg_id) indexed every message, those
-- without a client_msg_id too (NULLs never collide, but they are entries),
-- under its room and sender: a group commit of sends from N senders wrote
-- N pages of that index, one per sender, for messages that no replay can
-- ever find. A batch of 24 sends from 24 senders over 8 rooms changed ~97
-- pages in all, ~70 with the partial index; every changed page is a WAL
-- frame the commit writes and a checkpoint copies back. A replay's lookup
-- (client_msg_id = ?) implies client_msg_id IS NOT NULL, so it still reads
-- the index; the meaning is unchanged: no two messages of one sender in one
-- room share a client_msg_id.
--
-- SQLite cannot drop a table's UNIQUE constraint in place: messages is
-- copied (as 0009 did), which takes time in proportion to the messages
-- stored, and its indexes and triggers are made again as they were. Its
-- message_search rows are kept as they are (they name messages by room_id
-- and seq, which the copy keeps), and so is the FTS5 index. No table
-- references messages.

CREATE TABLE messages_new (
    id                 TEXT   NOT NULL UNIQUE,
    tenant_id          TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    room_id            TEXT   NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    seq                BIGINT NOT NULL,
    sender_id          TEXT   NOT NULL,
    content            TEXT   NOT NULL,
    meta               TEXT,
    client_msg_id      TEXT,
    created_at         BIGINT NOT NULL,
    edited_at          BIGINT,
    deleted_at         BIGINT,
    -- NULL for the messages sent before the room event log.
    event_seq          BIGINT,
    parent_id          TEXT,
    quoted             TEXT,
    mentions           TEXT,
    reply_count        BIGINT NOT NULL DEFAULT 0,
    last_reply_at      BIGINT,
    reply_participants TEXT,
    attachments        TEXT,
    reaction_counts    TEXT,
    PRIMARY KEY (room_id, seq)
) WITHOUT ROWID;

INSERT INTO messages_new
    (id, tenant_id, room_id, seq, sender_id, content, meta, client_msg_id, created_at, edited_at, deleted_at,
     event_seq, parent_id, quoted, mentions, reply_count, last_reply_at, reply_participants, attachments, reaction_counts)
SELECT id, tenant_id, room_id, seq, sender_id, content, meta, client_msg_id, created_at, edited_at, deleted_at,
     event_seq, parent_id, quoted, mentions, reply_count, last_reply_at, reply_participants, attachments, reaction_counts
FROM messages;

-- The triggers go with the table; a DROP TABLE fires none of them.
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;

CREATE INDEX messages_room_event ON messages (room_id, event_seq);
CREATE INDEX messages_replies ON messages (room_id, parent_id, seq) WHERE parent_id IS NOT NULL;
-- Idempotent sends: rows without a client_msg_id are not in it.
CREATE UNIQUE INDEX messages_client_msg_id ON messages (room_id, sender_id, client_msg_id)
    WHERE client_msg_id IS NOT NULL;

-- 0013's triggers, as they were.
CREATE TRIGGER messages_search_insert AFTER INSERT ON messages
WHEN new.deleted_at IS NULL AND new.content <> ''
BEGIN
    INSERT INTO message_search (room_id, seq) VALUES (new.room_id, new.seq);
    INSERT INTO message_search_fts (rowid, content) VALUES (last_insert_rowid(), new.content);
END;

CREATE TRIGGER messages_search_update AFTER UPDATE OF content, deleted_at ON messages
WHEN old.content IS NOT new.content OR old.deleted_at IS NOT new.deleted_at
BEGIN
    INSERT INTO message_search_fts (message_search_fts, rowid, content)
    SELECT 'delete', id, old.content FROM message_search WHERE room_id = old.room_id AND seq = old.seq;
    DELETE FROM message_search
    WHERE room_id = old.room_id AND seq = old.seq AND (new.deleted_at IS NOT NULL OR new.content = '');
    INSERT INTO message_search_fts (rowid, content)
    SELECT id, new.content FROM message_search WHERE room_id = new.room_id AND seq = new.seq;
END;

CREATE TRIGGER messages_search_delete AFTER DELETE ON messages
BEGIN
    INSERT INTO message_search_fts (message_search_fts, rowid, content)
    SELECT 'delete', id, old.content FROM message_search WHERE room_id = old.room_id AND seq = old.seq;
    DELETE FROM message_search WHERE room_id = old.room_id AND seq = old.seq;
END;
