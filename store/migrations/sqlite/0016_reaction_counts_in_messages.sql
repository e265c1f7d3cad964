-- 0016_reaction_counts_in_messages: a message's reaction counts move into
-- its row (messages.reaction_counts, the JSON object {type: n}; NULL for
-- none), kept in the transaction of every reaction change, so that a page
-- of history reads them with the message instead of by a lookup a message.
-- A reaction now locks the message's row after the room's (the event_seq),
-- the order every change of a message takes (an edit, a delete, a reply to
-- it, its upload's processing). reactions_user is the caller's own
-- reactions by message, read as one range for a page. The counts already
-- stored are copied over and reaction_counts goes. Kept semantically
-- identical to migrations/postgres/0016_reaction_counts_in_messages.sql.

ALTER TABLE messages ADD COLUMN reaction_counts TEXT;

UPDATE messages SET reaction_counts = (
    SELECT c.counts FROM reaction_counts c
    WHERE c.room_id = messages.room_id AND c.message_seq = messages.seq)
WHERE EXISTS (
    SELECT 1 FROM reaction_counts c
    WHERE c.room_id = messages.room_id AND c.message_seq = messages.seq);

DROP TABLE reaction_counts;

CREATE INDEX reactions_user ON reactions (room_id, user_id, message_seq, type);
