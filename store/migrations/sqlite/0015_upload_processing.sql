-- 0015_upload_processing: the thumbnails of images, made in the background
-- after an upload is completed (SPEC Part 2, "Attachments"). processed_at
-- is set once an upload needs no more processing: at completion for a file
-- that is not an image, when its thumbnail is stored (or found impossible
-- to make) for an image. The partial index finds, at start and after each
-- completion, the uploads still owed their processing, so that a crash
-- between completion and thumbnail loses nothing. Kept semantically
-- identical in both dialects.

UPDATE uploads SET processed_at = created_at
WHERE status = 'ready' AND processed_at IS NULL AND content_type NOT LIKE 'image/%';

CREATE INDEX uploads_unprocessed ON uploads (tenant_id, id)
WHERE status = 'ready' AND processed_at IS NULL;
