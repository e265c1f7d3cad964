-- 0014_uploads: files attached to messages (SPEC Part 2, "Attachments").
-- An upload is declared (pending), its bytes put to the storage backend
-- under "<tenant_id>/<upload_id>", checked and completed (ready), then
-- attached to one message (message_id). size counts against the tenant's
-- quota from its declaration on. width/height: an image's, read from its
-- header at completion. processed_at: when its thumbnail was stored (under
-- "<tenant_id>/<upload_id>.thumb"), thumb_width/thumb_height its size.
-- The partial index finds the uploads never attached, which are deleted
-- after 24 hours. Kept semantically identical in both dialects.

CREATE TABLE uploads (
    tenant_id    TEXT    NOT NULL,
    id           TEXT    NOT NULL,
    room_id      TEXT    NOT NULL,
    uploader_id  TEXT    NOT NULL,
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         BIGINT  NOT NULL,
    sha256       TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    width        INTEGER,
    height       INTEGER,
    message_id   TEXT,
    processed_at BIGINT,
    thumb_width  INTEGER,
    thumb_height INTEGER,
    created_at   BIGINT  NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE INDEX uploads_unattached ON uploads (created_at) WHERE message_id IS NULL;
CREATE INDEX uploads_message ON uploads (tenant_id, message_id) WHERE message_id IS NOT NULL;

-- A tenant's upload limits; NULL is the service's default.
ALTER TABLE tenants ADD COLUMN upload_max_bytes   BIGINT;
ALTER TABLE tenants ADD COLUMN upload_quota_bytes BIGINT;
ALTER TABLE tenants ADD COLUMN upload_types       TEXT;

-- A message's attachments: the JSON list of their snapshots taken when
-- attached ({upload_id, filename, content_type, size, width, height}).
ALTER TABLE messages ADD COLUMN attachments TEXT;
