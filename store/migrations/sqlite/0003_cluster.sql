-- 0003_cluster: several instances on one database. Each instance heartbeats
-- a row of instances; presence_connections says which instance holds
-- connections of which user (a user is online while a live instance does);
-- presence_last_seen keeps when a user was last connected anywhere;
-- event_payloads carries the events too large for a NOTIFY payload.
-- Kept semantically identical in both dialects.

CREATE TABLE instances (
    id           TEXT   PRIMARY KEY,
    started_at   BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL
);

CREATE TABLE presence_connections (
    tenant_id   TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id     TEXT   NOT NULL,
    instance_id TEXT   NOT NULL,
    since       BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, instance_id)
);

CREATE INDEX presence_connections_instance ON presence_connections (instance_id);

CREATE TABLE presence_last_seen (
    tenant_id TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id   TEXT   NOT NULL,
    last_seen BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);

CREATE TABLE event_payloads (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    body       TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX event_payloads_created ON event_payloads (created_at);
