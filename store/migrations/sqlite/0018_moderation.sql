-- 0018_moderation: bans, mutes, blocks, slow mode and frozen rooms (SPEC
-- Part 2, "Moderation"). Expiry is a time (unix milliseconds, NULL for
-- never): a row past its expires_at is read as absent, so nothing has to
-- wake up to lift it. Every table carries tenant_id, and user_id names the
-- user a row is about (the banned, the muted, the blocker, the sender).
-- Kept semantically identical to migrations/postgres/0018_moderation.sql.

-- rooms: slow_mode_seconds (0: off) and frozen (1: every send and edit
-- refused), set by PATCH /rooms/{room_id}.
ALTER TABLE rooms ADD COLUMN slow_mode_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rooms ADD COLUMN frozen INTEGER NOT NULL DEFAULT 0;

-- room_bans: who may not rejoin or send in a room until expires_at.
-- shadow = 1 keeps the user in the room; their sends go to shadow_messages.
CREATE TABLE room_bans (
    tenant_id  TEXT    NOT NULL,
    room_id    TEXT    NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id    TEXT    NOT NULL,
    banned_by  TEXT    NOT NULL,
    reason     TEXT,
    shadow     INTEGER NOT NULL DEFAULT 0,
    expires_at BIGINT,
    created_at BIGINT  NOT NULL,
    PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;

-- tenant_bans: users refused everywhere in the tenant until expires_at.
CREATE TABLE tenant_bans (
    tenant_id  TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id    TEXT   NOT NULL,
    banned_by  TEXT   NOT NULL,
    reason     TEXT,
    expires_at BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
) WITHOUT ROWID;

-- room_mutes: members who may read but not send until expires_at.
CREATE TABLE room_mutes (
    tenant_id  TEXT   NOT NULL,
    room_id    TEXT   NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id    TEXT   NOT NULL,
    muted_by   TEXT   NOT NULL,
    expires_at BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;

-- user_blocks: user_id (the blocker) blocked blocked_id.
CREATE TABLE user_blocks (
    tenant_id  TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id    TEXT   NOT NULL,
    blocked_id TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, blocked_id)
) WITHOUT ROWID;

CREATE INDEX user_blocks_blocked ON user_blocks (tenant_id, blocked_id);

-- slow_mode_sends: a member's last send in a slow-mode room (user_id).
-- Written only while the room has slow mode on.
CREATE TABLE slow_mode_sends (
    tenant_id    TEXT   NOT NULL,
    room_id      TEXT   NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id      TEXT   NOT NULL,
    last_sent_at BIGINT NOT NULL,
    PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;

-- shadow_messages: what a shadow-banned user (user_id) sent: shown to them
-- alone, never part of the room's messages, seqs or log. seq is the seq
-- the message was shown under (the room's next when it was sent).
CREATE TABLE shadow_messages (
    tenant_id     TEXT   NOT NULL,
    room_id       TEXT   NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    id            TEXT   NOT NULL,
    user_id       TEXT   NOT NULL,
    seq           BIGINT NOT NULL,
    content       TEXT   NOT NULL,
    meta          TEXT,
    client_msg_id TEXT,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (room_id, id)
) WITHOUT ROWID;

CREATE INDEX shadow_messages_sender ON shadow_messages (room_id, user_id, seq);
