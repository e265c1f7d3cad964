-- 0024_message_search_fold_ascii: nothing to do on SQLite, whose unicode61
-- tokenizer folds and splits the text itself. The PostgreSQL migration of
-- the same number gives message_search_fold a short path for ASCII text;
-- the number is kept in step on both databases.

SELECT 1;
