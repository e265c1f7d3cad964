-- 0024_message_search_fold_ascii: message_search_fold takes a short path
-- for text that is all ASCII, the common case.
--
-- translate() compares each character of its input with each character of
-- its from-list in turn, and 0013's list holds 671 characters: folding a
-- message of 60 characters cost ~100 µs of PostgreSQL's CPU, a fifth of
-- what PostgreSQL spent per message sent (BENCHMARKS.md, "PostgreSQL send:
-- the search row's fold"). In ASCII text the table changes only the 32
-- ASCII punctuation characters, each to a space; regexp_replace does that
-- in under a microsecond. Text with any other character goes through the
-- whole table as before, now under the name message_search_fold_all. The
-- result is the same for every text: the trigger functions and the
-- backfill call message_search_fold by name, so they take the short path
-- from now on, and nothing indexed needs rebuilding.

ALTER FUNCTION message_search_fold(TEXT) RENAME TO message_search_fold_all;

CREATE FUNCTION message_search_fold(t TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT CASE WHEN t ~ '[^\x01-\x7f]' THEN message_search_fold_all(t)
ELSE regexp_replace(t, '[!-/:-@[-`{-~]', ' ', 'g') END $$;
