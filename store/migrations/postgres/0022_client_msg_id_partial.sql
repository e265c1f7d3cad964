-- 0022_client_msg_id_partial: the uniqueness of a client_msg_id is kept by
-- an index of the messages that have one, not by one of every message (see
-- SQLite's 0022: every send without a client_msg_id wrote an entry no
-- replay can find, a page per sender of a group commit). A replay's lookup
-- (client_msg_id = $n) implies client_msg_id IS NOT NULL and reads the new
-- index; no two messages of one sender in one room share a client_msg_id,
-- as before. The index is built before the constraint goes, in one
-- transaction.

CREATE UNIQUE INDEX messages_client_msg_id ON messages (room_id, sender_id, client_msg_id)
    WHERE client_msg_id IS NOT NULL;
ALTER TABLE messages DROP CONSTRAINT messages_room_id_sender_id_client_msg_id_key;
