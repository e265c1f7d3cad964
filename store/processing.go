package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// EventAttachmentProcessed is an attached image's thumbnail made (or found
// impossible to make): the room learns its thumbnail's size.
const EventAttachmentProcessed EventType = "attachment.processed"

// Thumbnail is the size of an image's thumbnail.
type Thumbnail struct{ Width, Height int }

// UploadToProcess is an upload still owed its processing, with its tenant.
type UploadToProcess struct {
	TenantID string
	Upload   Upload
}

// UnprocessedUploads returns, across tenants, up to limit completed uploads
// whose processing has not finished (images without their thumbnail yet),
// in (tenant, id) order after the upload (afterTenant, afterID); empty
// strings start from the first.
func (s *Store) UnprocessedUploads(ctx context.Context, afterTenant, afterID string, limit int) ([]UploadToProcess, error) {
	if limit <= 0 {
		limit = 100
	}
	var rows []struct {
		TenantID string `db:"tenant_id"`
		uploadRow
	}
	err := sqlx.SelectContext(ctx, s.r, &rows, s.r.Rebind(`SELECT tenant_id, `+uploadColumns+` FROM uploads
		WHERE status = ? AND processed_at IS NULL AND (tenant_id > ? OR (tenant_id = ? AND id > ?))
		ORDER BY tenant_id, id LIMIT ?`), UploadReady, afterTenant, afterTenant, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("list unprocessed uploads: %w", err)
	}
	out := make([]UploadToProcess, len(rows))
	for i, r := range rows {
		out[i] = UploadToProcess{TenantID: r.TenantID, Upload: r.uploadRow.upload()}
	}
	return out, nil
}

// Processed is what MarkUploadProcessed did.
type Processed struct {
	// Upload is the upload after the change.
	Upload Upload
	// Attachment is the upload as a message shows it, thumbnail included.
	Attachment Attachment
	// Changed is false when the upload was processed already (by another
	// instance): nothing was stored and nothing is to be announced.
	Changed bool
	// Event is the attachment.processed appended to the room's log when
	// the upload was attached to a message (not deleted) by then; nil
	// otherwise: only its uploader has anything to learn.
	Event *RoomEvent
}

// attachmentProcessedBodyV1 is the body of attachment.processed: the
// message, and the attachment as the message now carries it.
type attachmentProcessedBodyV1 struct {
	MessageID  string       `json:"message_id"`
	UploadID   string       `json:"upload_id"`
	Attachment attachmentV1 `json:"attachment"`
}

// errAttachedMeanwhile makes MarkUploadProcessed read the upload again: a
// send attached it (or an edit took it off) between the read and the
// change.
var errAttachedMeanwhile = errors.New("upload attached meanwhile")

// MarkUploadProcessed records that a completed upload's processing is done,
// with its thumbnail's size (nil: none could be made). When the upload is
// attached to a message, the message's snapshot of it gets the thumbnail
// and, unless the message is deleted, attachment.processed is appended to
// the room's log in the same transaction. A send that attaches the upload
// and this change are ordered by the room's lock, which both take before
// the upload's: whichever comes second sees the other, so the thumbnail reaches either
// the message's snapshot at the claim or the message here. An upload that
// is gone (deleted meanwhile) is ErrNotFound.
func (s *Store) MarkUploadProcessed(ctx context.Context, tenantID, uploadID string, thumb *Thumbnail) (Processed, error) {
	var tw, th *int
	if thumb != nil {
		tw, th = &thumb.Width, &thumb.Height
	}
	for range 5 {
		up, err := s.upload(ctx, s.w, tenantID, uploadID)
		if err != nil {
			return Processed{}, err
		}
		if up.Status != UploadReady {
			// Being deleted by the collector: its thumbnail must go too.
			return Processed{}, fmt.Errorf("upload %s: %w", uploadID, ErrNotFound)
		}
		if up.ProcessedAt != nil {
			return Processed{Upload: up, Attachment: attachmentOf(up)}, nil
		}
		now := s.nowMillis()
		var ev *RoomEvent
		err = s.withTx(ctx, func(tx *sqlx.Tx) error {
			ev = nil
			if up.MessageID == nil {
				return markProcessed(ctx, tx, tenantID, uploadID, `message_id IS NULL`, nil, now, tw, th)
			}
			// Locks in the order every change of a message takes them (the
			// room, the message: see 0016), then the upload, as a send
			// that claims it does after the room.
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE rooms SET last_event_seq = last_event_seq WHERE tenant_id = ? AND id = ?`),
				tenantID, up.RoomID); err != nil {
				return fmt.Errorf("lock room: %w", err)
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE messages SET attachments = attachments WHERE tenant_id = ? AND room_id = ? AND id = ?`),
				tenantID, up.RoomID, *up.MessageID); err != nil {
				return fmt.Errorf("lock message: %w", err)
			}
			if err := markProcessed(ctx, tx, tenantID, uploadID, `message_id = ?`, up.MessageID, now, tw, th); err != nil {
				return err
			}
			var msg struct {
				Seq         int64   `db:"seq"`
				Attachments *string `db:"attachments"`
				DeletedAt   *int64  `db:"deleted_at"`
			}
			if err := tx.GetContext(ctx, &msg, tx.Rebind(`SELECT seq, attachments, deleted_at FROM messages WHERE tenant_id = ? AND room_id = ? AND id = ?`),
				tenantID, up.RoomID, *up.MessageID); err != nil {
				return fmt.Errorf("read message of upload: %w", err)
			}
			var snap []attachmentV1
			if msg.Attachments != nil {
				if err := json.Unmarshal([]byte(*msg.Attachments), &snap); err != nil {
					return fmt.Errorf("decode attachments: %w", err)
				}
			}
			var att *attachmentV1
			for i := range snap {
				if snap[i].UploadID == uploadID {
					snap[i].ThumbnailWidth, snap[i].ThumbnailHeight = tw, th
					att = &snap[i]
				}
			}
			if att == nil {
				return nil // not in the message's list: nothing to show
			}
			b, err := json.Marshal(snap)
			if err != nil {
				return fmt.Errorf("encode attachments: %w", err)
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE messages SET attachments = ? WHERE tenant_id = ? AND room_id = ? AND id = ?`),
				string(b), tenantID, up.RoomID, *up.MessageID); err != nil {
				return fmt.Errorf("update attachments: %w", err)
			}
			if msg.DeletedAt != nil {
				return nil // a deleted message shows no attachments
			}
			e, err := newEvent(EventAttachmentProcessed, up.UploaderID, attachmentProcessedBodyV1{
				MessageID: *up.MessageID, UploadID: uploadID, Attachment: *att,
			}, now)
			if err != nil {
				return err
			}
			if e.EventSeq, err = nextEventSeq(ctx, tx, tenantID, up.RoomID); err != nil {
				return err
			}
			e.MessageSeq = &msg.Seq
			if err := insertEvents(ctx, tx, tenantID, up.RoomID, []eventRow{e}); err != nil {
				return err
			}
			re, err := roomEventOf(up.RoomID, e)
			if err != nil {
				return err
			}
			ev = &re
			return nil
		})
		if errors.Is(err, errAttachedMeanwhile) {
			continue
		}
		if err != nil {
			return Processed{}, err
		}
		p := fromMillis(now)
		up.ProcessedAt, up.ThumbWidth, up.ThumbHeight = &p, tw, th
		return Processed{Upload: up, Attachment: attachmentOf(up), Changed: true, Event: ev}, nil
	}
	return Processed{}, fmt.Errorf("upload %s: attached and detached while being processed", uploadID)
}

// markProcessed sets the upload's processing done where it is still owed
// and cond (on message_id, with arg when not nil) holds; when it does not,
// errAttachedMeanwhile.
func markProcessed(ctx context.Context, tx *sqlx.Tx, tenantID, uploadID, cond string, arg *string, now int64, tw, th *int) error {
	args := []any{now, tw, th, tenantID, uploadID}
	if arg != nil {
		args = append(args, *arg)
	}
	res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE uploads SET processed_at = ?, thumb_width = ?, thumb_height = ?
		WHERE tenant_id = ? AND id = ? AND processed_at IS NULL AND status = '`+UploadReady+`' AND `+cond), args...)
	if err != nil {
		return fmt.Errorf("mark upload processed: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("mark upload processed: %w", err)
	} else if n == 0 {
		return errAttachedMeanwhile
	}
	return nil
}

// attachmentOf is an upload as a message carries it.
func attachmentOf(up Upload) Attachment {
	return Attachment{UploadID: up.ID, Filename: up.Filename, ContentType: up.ContentType, Size: up.Size,
		Width: up.Width, Height: up.Height, ThumbWidth: up.ThumbWidth, ThumbHeight: up.ThumbHeight}
}
