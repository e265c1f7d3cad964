-- 0013_message_search: full-text search over messages (SPEC Part 2,
-- "Search") with an FTS5 index kept in step by triggers, so that every
-- write path (the batched sends of the group committer, edits, deletes, a
-- room's or tenant's removal) changes the index in the transaction that
-- changes the message, without a statement of its own in Go.
--
-- messages is WITHOUT ROWID, and FTS5 keys its rows by an integer rowid:
-- message_search gives each searchable message one (id), in the order the
-- messages were stored, which is the order of search results (newest
-- first, id descending; FTS5 reads its rowids in either direction). A row
-- exists exactly while the message is indexed: from its send to its
-- delete. An edit re-indexes the message under the same id.
--
-- message_search_fts is contentless (content=''): the text lives once, in
-- messages; the 'delete' command names the old text, which the triggers
-- have as old.content. unicode61 with remove_diacritics 2 folds case and
-- Latin accents (café = cafe); a run of letters without spaces (CJK text)
-- is one token, as in PostgreSQL's parser.

CREATE TABLE message_search (
    id      INTEGER PRIMARY KEY,
    room_id TEXT   NOT NULL,
    seq     BIGINT NOT NULL,
    UNIQUE (room_id, seq)
);

CREATE VIRTUAL TABLE message_search_fts USING fts5 (
    content,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO message_search (room_id, seq)
SELECT room_id, seq FROM messages
WHERE deleted_at IS NULL AND content <> ''
ORDER BY created_at, room_id, seq;

INSERT INTO message_search_fts (rowid, content)
SELECT s.id, m.content FROM message_search s JOIN messages m ON m.room_id = s.room_id AND m.seq = s.seq;

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
