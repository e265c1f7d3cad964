-- 0017_webhooks: webhook endpoints and their delivery queue (SPEC Part 2,
-- "Webhooks"). Kept semantically identical to migrations/postgres/0017_webhooks.sql.
-- Times are unix milliseconds. No column names a user: these rows belong
-- to the tenant (tenant_id), never to one of its users.

-- An endpoint. events: a JSON array of event types, or ["*"]. active: 1 or
-- 0; disabled_at is set when the delivery window ran out (not by PATCH).
-- secret: the signing secret sealed by the webhook package (AES-GCM under
-- a key of the server's), never stored in the clear nor hashed, since it
-- must sign; previous_secret signs too until previous_until (a rotation's
-- overlap).
CREATE TABLE webhook_endpoints (
    tenant_id       TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              TEXT    PRIMARY KEY,
    url             TEXT    NOT NULL,
    events          TEXT    NOT NULL,
    active          INTEGER NOT NULL,
    disabled_at     BIGINT,
    secret          BLOB   NOT NULL,
    previous_secret BLOB,
    previous_until  BIGINT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);

CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant_id, id);

-- How far each room's log has been queued for the tenant's endpoints. Set
-- for every room of the tenant when an endpoint is created, so that only
-- later events are delivered; a room created later starts at 0.
CREATE TABLE webhook_room_cursors (
    tenant_id TEXT   NOT NULL,
    room_id   TEXT   PRIMARY KEY REFERENCES rooms (id) ON DELETE CASCADE,
    event_seq BIGINT NOT NULL
);

CREATE INDEX webhook_room_cursors_tenant ON webhook_room_cursors (tenant_id);

-- One event to one endpoint. room_id and event_seq name a room log event
-- ('' and 0 for an event of no room, such as webhook.disabled); a room's
-- deliveries to an endpoint go in (created_at, event_seq, id) order, one at
-- a time. payload: the event's JSON (the data of the body sent). status:
-- pending, succeeded or failed. A sender holds a pending delivery while
-- lease_until is in the future, as lease (its token); attempts counts
-- the attempts begun. window_start: where the retry window is counted
-- from (creation, or a manual retry). The usage report counts deliveries by
-- tenant_id and created_at.
CREATE TABLE webhook_deliveries (
    tenant_id       TEXT    NOT NULL,
    id              TEXT    PRIMARY KEY,
    endpoint_id     TEXT    NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    room_id         TEXT    NOT NULL,
    event_seq       BIGINT  NOT NULL,
    event_type      TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    replay          INTEGER NOT NULL,
    status          TEXT    NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at BIGINT  NOT NULL,
    lease_until     BIGINT  NOT NULL,
    lease           TEXT    NOT NULL,
    window_start    BIGINT  NOT NULL,
    response_status INTEGER,
    latency_ms      BIGINT,
    last_error      TEXT,
    created_at      BIGINT  NOT NULL,
    completed_at    BIGINT
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (endpoint_id, room_id, created_at, event_seq) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_list ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_usage ON webhook_deliveries (tenant_id, created_at);

-- Every attempt of a delivery: its log.
CREATE TABLE webhook_attempts (
    tenant_id       TEXT    NOT NULL,
    delivery_id     TEXT    NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt         INTEGER NOT NULL,
    started_at      BIGINT  NOT NULL,
    response_status INTEGER,
    latency_ms      BIGINT  NOT NULL,
    error           TEXT,
    PRIMARY KEY (delivery_id, attempt)
);

CREATE INDEX webhook_attempts_tenant ON webhook_attempts (tenant_id);
