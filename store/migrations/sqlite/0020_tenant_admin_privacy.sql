-- 0020_tenant_admin_privacy: tenant administration and privacy (SPEC Part 2,
-- "Tenant administration and privacy").
--
-- tenants.deleted_at: set by DELETE /admin/tenants/{tenant_id}. From then
-- on the tenant is refused (its key, its tokens, its WebSockets) and its
-- rows and files are purged in the background; the tenant's own row goes
-- last, so that a purge stopped halfway (a crash) is found and resumed.
--
-- user_deletions: one row per user deletion (DELETE /users/{user_id}).
-- user_id names the user. requested_at refuses the user tokens issued
-- before it and closes the user's WebSockets; messages is what happens to
-- the user's messages; done_at is set once the erasure has run to the end,
-- so that an unfinished one is resumed after a restart. The row stays (a
-- token of the deleted user lives up to 24 h) until the tenant goes.
--
-- connection_peaks: the most WebSocket connections of a tenant open at once
-- on one instance (instance_id) during one UTC day (day: YYYY-MM-DD).
--
-- user_activity: the users of a tenant active on a UTC day (a request or a
-- WebSocket connection acting as them), for daily and monthly active users.
-- user_id names the user.
--
-- Kept semantically identical in both dialects.

ALTER TABLE tenants ADD COLUMN deleted_at BIGINT;

CREATE TABLE user_deletions (
    tenant_id    TEXT   NOT NULL,
    user_id      TEXT   NOT NULL,
    messages     TEXT   NOT NULL CHECK (messages IN ('keep', 'anonymize', 'delete')),
    requested_at BIGINT NOT NULL,
    done_at      BIGINT,
    PRIMARY KEY (tenant_id, user_id)
);

CREATE INDEX user_deletions_requested ON user_deletions (requested_at);

CREATE TABLE connection_peaks (
    tenant_id   TEXT   NOT NULL,
    day         TEXT   NOT NULL,
    instance_id TEXT   NOT NULL,
    peak        BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, day, instance_id)
);

CREATE TABLE user_activity (
    tenant_id TEXT NOT NULL,
    day       TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, day, user_id)
);

CREATE INDEX user_activity_user ON user_activity (tenant_id, user_id);
