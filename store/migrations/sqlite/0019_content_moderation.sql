-- 0019_content_moderation: reports, the word blocklist and the before-send
-- hook (SPEC Part 2, "Moderation" and "Webhooks"). Kept semantically
-- identical in both dialects.
--
-- content_rules: one row per tenant that set a blocklist or a hook. words
-- is the list as a JSON array of strings (empty: no blocklist); the hook_*
-- columns are NULL without a hook. hook_secret signs the hook's requests
-- (Standard Webhooks, whsec_…). version moves at every change: instances
-- compare it to the one their cached matcher was built from.
CREATE TABLE content_rules (
    tenant_id       TEXT    NOT NULL PRIMARY KEY,
    words           TEXT    NOT NULL,
    match_mode      TEXT    NOT NULL,
    action          TEXT    NOT NULL,
    hook_url        TEXT,
    hook_timeout_ms INTEGER,
    hook_on_error   TEXT,
    hook_secret     TEXT,
    version         BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);

-- reports: a user's (user_id, the reporter) or the system's (user_id NULL:
-- a message the blocklist flagged) report of a message or of a user.
-- target_user_id names the reported user (a message's sender); room_id and
-- message_id are set for a report of a message. Room admins see their
-- rooms' reports; the tenant key sees all.
CREATE TABLE reports (
    tenant_id      TEXT    NOT NULL,
    id             TEXT    NOT NULL PRIMARY KEY,
    user_id        TEXT,
    target_user_id TEXT    NOT NULL,
    room_id        TEXT,
    message_id     TEXT,
    reason         TEXT    NOT NULL,
    note           TEXT,
    status         TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL,
    resolved_at    BIGINT,
    resolved_by    TEXT
);

CREATE INDEX reports_queue ON reports (tenant_id, status, created_at, id);
CREATE INDEX reports_room ON reports (tenant_id, room_id, status, created_at, id);
