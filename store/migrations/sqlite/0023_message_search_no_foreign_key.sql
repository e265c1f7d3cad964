-- 0023_message_search_no_foreign_key: nothing to do on SQLite, whose
-- message_search never had a foreign key to messages (its
-- messages_search_delete trigger deletes a deleted message's search row).
-- The PostgreSQL migration of the same number drops that key there and
-- adds the same trigger; the number is kept in step on both databases.

SELECT 1;
