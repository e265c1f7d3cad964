-- 0001_init: every table SPEC needs. Timestamps are unix milliseconds (BIGINT),
-- JSON documents are TEXT. Kept semantically identical to
-- migrations/sqlite/0001_init.sql.

CREATE TABLE tenants (
    id             TEXT    PRIMARY KEY,
    name           TEXT    NOT NULL,
    api_key_hash   TEXT    NOT NULL UNIQUE,
    rate_limit_rps INTEGER NOT NULL,
    created_at     BIGINT  NOT NULL
);

CREATE TABLE rooms (
    id               TEXT    PRIMARY KEY,
    tenant_id        TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    type             TEXT    NOT NULL CHECK (type IN ('dm', 'group', 'channel')),
    name             TEXT,
    -- dm:<a>:<b> for dm rooms, NULL otherwise (NULLs never collide).
    unique_key       TEXT,
    metadata         TEXT    NOT NULL DEFAULT '{}',
    last_seq         BIGINT  NOT NULL DEFAULT 0,
    member_count     INTEGER NOT NULL DEFAULT 0,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    last_activity_at BIGINT  NOT NULL,
    UNIQUE (tenant_id, unique_key)
);

CREATE INDEX rooms_tenant_type ON rooms (tenant_id, type, last_activity_at);

CREATE TABLE room_members (
    tenant_id TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    room_id   TEXT   NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id   TEXT   NOT NULL,
    role      TEXT   NOT NULL CHECK (role IN ('admin', 'member')),
    joined_at BIGINT NOT NULL,
    -- The member's read and delivery cursor: every message with a higher seq
    -- is owed to them (SPEC "Delivery": a cursor, not a row per message).
    last_ack  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (room_id, user_id)
);

CREATE INDEX room_members_tenant_user ON room_members (tenant_id, user_id);

CREATE TABLE messages (
    id            TEXT   NOT NULL UNIQUE,
    tenant_id     TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    room_id       TEXT   NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    seq           BIGINT NOT NULL,
    sender_id     TEXT   NOT NULL,
    content       TEXT   NOT NULL,
    meta          TEXT,
    client_msg_id TEXT,
    created_at    BIGINT NOT NULL,
    edited_at     BIGINT,
    deleted_at    BIGINT,
    PRIMARY KEY (room_id, seq),
    -- Idempotent sends; rows without a client_msg_id (NULL) never collide.
    UNIQUE (room_id, sender_id, client_msg_id)
);

CREATE TABLE notifications (
    id         TEXT   PRIMARY KEY,
    tenant_id  TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    sender_id  TEXT   NOT NULL,
    topic      TEXT   NOT NULL,
    payload    TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX notifications_expires ON notifications (expires_at);

CREATE TABLE notification_recipients (
    notification_id TEXT    NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    tenant_id       TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id         TEXT    NOT NULL,
    -- No CHECK on state: later delivery work may add states without a table
    -- rebuild (SQLite cannot alter a CHECK).
    state           TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_attempt_at BIGINT,
    acked_at        BIGINT,
    PRIMARY KEY (notification_id, user_id)
);

CREATE INDEX notification_recipients_user ON notification_recipients (tenant_id, user_id, state);

CREATE TABLE subscriptions (
    tenant_id  TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id    TEXT   NOT NULL,
    topic      TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, topic)
);

CREATE INDEX subscriptions_topic ON subscriptions (tenant_id, topic);

-- Dead letters are a record of failures: they keep no foreign key to the
-- message or notification, so they outlive what they describe.
CREATE TABLE dead_letter_messages (
    id              TEXT    PRIMARY KEY,
    tenant_id       TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    message_id      TEXT    NOT NULL,
    user_id         TEXT    NOT NULL,
    room_id         TEXT    NOT NULL,
    attempts        INTEGER NOT NULL,
    last_attempt_at BIGINT  NOT NULL,
    error           TEXT    NOT NULL
);

CREATE INDEX dead_letter_messages_tenant ON dead_letter_messages (tenant_id, last_attempt_at);

CREATE TABLE dead_letter_notifications (
    id              TEXT    PRIMARY KEY,
    tenant_id       TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    notification_id TEXT    NOT NULL,
    user_id         TEXT    NOT NULL,
    attempts        INTEGER NOT NULL,
    last_attempt_at BIGINT  NOT NULL,
    error           TEXT    NOT NULL
);

CREATE INDEX dead_letter_notifications_tenant ON dead_letter_notifications (tenant_id, last_attempt_at);

-- One row, rewritten by the health check to prove the database takes writes.
CREATE TABLE health_probe (
    id         INTEGER PRIMARY KEY,
    checked_at BIGINT  NOT NULL
);
