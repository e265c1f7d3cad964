-- 0005_room_events: the room event log (SPEC Part 2, "Room event log, resume
-- and sync"). Every change to a room takes the room's next event_seq, from
-- rooms.last_event_seq in the transaction of the change. A new message's
-- event is its row of messages (messages.event_seq): a second row per send
-- cost a quarter of the send throughput. Every other change is a row of
-- room_events. Rooms get a number per tenant (rooms.num, from
-- tenants.last_room_num) so that a sync cursor names a room in a few
-- characters; pruning deletes a prefix of each room's log and records its end
-- in rooms.pruned_event_seq; room_members.joined_event_seq is the member.joined
-- event where a member's view of the room starts. Existing rooms start with an
-- empty log. Kept semantically identical to migrations/sqlite/0005_room_events.sql.

ALTER TABLE tenants ADD COLUMN last_room_num BIGINT NOT NULL DEFAULT 0;

ALTER TABLE rooms ADD COLUMN num BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rooms ADD COLUMN last_event_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rooms ADD COLUMN pruned_event_seq BIGINT NOT NULL DEFAULT 0;

ALTER TABLE room_members ADD COLUMN joined_event_seq BIGINT NOT NULL DEFAULT 0;

-- NULL for the messages sent before the log.
ALTER TABLE messages ADD COLUMN event_seq BIGINT;
CREATE INDEX messages_room_event ON messages (room_id, event_seq);

-- Number the existing rooms of each tenant in the order they were created.
UPDATE rooms SET num = numbered.n
FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY tenant_id ORDER BY created_at, id) AS n FROM rooms) AS numbered
WHERE rooms.id = numbered.id;

UPDATE tenants SET last_room_num = (SELECT COALESCE(MAX(num), 0) FROM rooms WHERE rooms.tenant_id = tenants.id);

CREATE UNIQUE INDEX rooms_tenant_num ON rooms (tenant_id, num);

CREATE TABLE room_events (
    tenant_id       TEXT    NOT NULL,
    room_id         TEXT    NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    event_seq       BIGINT  NOT NULL,
    type            TEXT    NOT NULL,
    -- The member who joined or left; for the other events, who acted.
    user_id         TEXT    NOT NULL,
    -- The seq of the message a message.updated or message.deleted is about,
    -- NULL for others.
    message_seq     BIGINT,
    -- The event's body as JSON, in the version payload_version, without the
    -- fields the row holds (type, room_id, event_seq, created_at, the
    -- message's seq). Never a new message: its event is its messages row.
    payload_version INTEGER NOT NULL,
    payload         TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    PRIMARY KEY (room_id, event_seq)
);

-- Pruning takes the oldest events first.
CREATE INDEX room_events_created ON room_events (created_at);

-- Sync looks up where a user left rooms.
CREATE INDEX room_events_member_left ON room_events (tenant_id, user_id, room_id, event_seq)
    WHERE type = 'member.left';
