-- 0002_dead_letters_by_time: the admin's dead-letter listing across all
-- tenants reads the newest first; without these indexes it sorts whole
-- tables. (The per-tenant listing has 0001's (tenant_id, last_attempt_at).)
-- The same in both dialects.

CREATE INDEX dead_letter_messages_time ON dead_letter_messages (last_attempt_at, id);

CREATE INDEX dead_letter_notifications_time ON dead_letter_notifications (last_attempt_at, id);
