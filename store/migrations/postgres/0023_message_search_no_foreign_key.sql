-- 0023_message_search_no_foreign_key: message_search loses its foreign key
-- to messages; a statement trigger deletes a deleted message's search row
-- instead, as SQLite's messages_search_delete does.
--
-- The key made PostgreSQL check every search row the insert trigger
-- writes: a lookup of the message just inserted and a FOR KEY SHARE lock
-- on its tuple, for every message sent. Only
-- messages_search_insert writes message_search, from the messages it is
-- given, so the key guarded nothing the trigger does not; its ON DELETE
-- CASCADE is what the new trigger does. Measured: a send load (loadgen
-- -scenario send -c 32 -g 8 -d 10s, fsync on) sent 20-47 % more without it,
-- in two sets of alternated runs (BENCHMARKS.md, "PostgreSQL send: the
-- search row's foreign key").
-- TestSearchRowFollowsItsMessage holds the delete on both databases.

ALTER TABLE message_search DROP CONSTRAINT message_search_room_id_seq_fkey;

CREATE FUNCTION messages_search_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM message_search s
    USING deleted d
    WHERE s.room_id = d.room_id AND s.seq = d.seq;
    RETURN NULL;
END
$$;

CREATE TRIGGER messages_search_delete AFTER DELETE ON messages
REFERENCING OLD TABLE AS deleted
FOR EACH STATEMENT EXECUTE FUNCTION messages_search_delete();
