-- 0009_messages_without_rowid: on SQLite, messages become a WITHOUT ROWID
-- table, stored in primary key order (room_id, seq), so that a page of
-- history is one range of one b-tree. PostgreSQL has no such storage
-- choice (a heap and its primary key index either way), and the meaning of
-- the table does not change: nothing to do here. The number is kept so
-- that both dialects stay at the same schema version.
SELECT 1;
