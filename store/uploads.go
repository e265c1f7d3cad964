package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Upload defaults, for tenants created without limits of their own (SPEC
// Part 2, "Attachments").
const (
	DefaultUploadMaxBytes   int64 = 25 << 20
	DefaultUploadQuotaBytes int64 = 1 << 30
	// MaxAttachments is how many uploads one message may carry.
	MaxAttachments = 10
)

// DefaultUploadTypes is the MIME allow-list of tenants created without one:
// images, PDF, plain text, and common audio and video types.
var DefaultUploadTypes = []string{
	"image/png", "image/jpeg", "image/gif", "image/webp",
	"application/pdf", "text/plain",
	"audio/mpeg", "audio/ogg", "audio/wav", "audio/webm", "audio/mp4", "audio/aac",
	"video/mp4", "video/webm", "video/quicktime",
}

// Upload statuses.
const (
	UploadPending = "pending"
	UploadReady   = "ready"
)

// Upload is a file declared for a room: pending until its bytes are put and
// checked, then ready to attach to one message.
type Upload struct {
	ID          string
	RoomID      string
	UploaderID  string
	Filename    string
	ContentType string
	Size        int64
	SHA256      string
	Status      string
	// Width and Height are an image's, known once it is ready.
	Width, Height *int
	// MessageID is the message it is attached to.
	MessageID *string
	// ProcessedAt is when it needed no more processing: at completion for
	// a file that is not an image, once its thumbnail was stored (or found
	// impossible to make) for an image. ThumbWidth/ThumbHeight are the
	// thumbnail's size; nil when there is none.
	ProcessedAt             *time.Time
	ThumbWidth, ThumbHeight *int
	CreatedAt               time.Time
}

// Key is where the upload's bytes are kept in the storage backend: under
// its tenant, so that a URL signed for the key is the tenant's alone.
func UploadKey(tenantID, uploadID string) string { return tenantID + "/" + uploadID }

// UploadPutKey is where the client puts an upload's bytes (its signed PUT
// URL's key). Completing copies them to UploadKey and checks the copy, so
// bytes put again after the checks change nothing anybody downloads.
func UploadPutKey(tenantID, uploadID string) string { return tenantID + "/" + uploadID + ".put" }

// ThumbnailKey is where an image upload's thumbnail is kept.
func ThumbnailKey(tenantID, uploadID string) string { return tenantID + "/" + uploadID + ".thumb" }

// NewUpload declares a file.
type NewUpload struct {
	RoomID      string
	Filename    string
	ContentType string
	Size        int64
	SHA256      string
}

// UploadLimits are a tenant's limits on uploads.
type UploadLimits struct {
	MaxBytes   int64
	QuotaBytes int64
	Types      []string
}

type uploadRow struct {
	ID          string  `db:"id"`
	RoomID      string  `db:"room_id"`
	UploaderID  string  `db:"uploader_id"`
	Filename    string  `db:"filename"`
	ContentType string  `db:"content_type"`
	Size        int64   `db:"size"`
	SHA256      string  `db:"sha256"`
	Status      string  `db:"status"`
	Width       *int    `db:"width"`
	Height      *int    `db:"height"`
	MessageID   *string `db:"message_id"`
	ProcessedAt *int64  `db:"processed_at"`
	ThumbWidth  *int    `db:"thumb_width"`
	ThumbHeight *int    `db:"thumb_height"`
	CreatedAt   int64   `db:"created_at"`
}

const uploadColumns = `id, room_id, uploader_id, filename, content_type, size, sha256, status, width, height,
	message_id, processed_at, thumb_width, thumb_height, created_at`

func (r uploadRow) upload() Upload {
	return Upload{
		ID: r.ID, RoomID: r.RoomID, UploaderID: r.UploaderID, Filename: r.Filename,
		ContentType: r.ContentType, Size: r.Size, SHA256: r.SHA256, Status: r.Status,
		Width: r.Width, Height: r.Height, MessageID: r.MessageID,
		ProcessedAt: fromNullMillis(r.ProcessedAt), ThumbWidth: r.ThumbWidth, ThumbHeight: r.ThumbHeight,
		CreatedAt: fromMillis(r.CreatedAt),
	}
}

// TenantUploadLimits returns the tenant's upload limits, the defaults where
// it has none of its own.
func (s *Store) TenantUploadLimits(ctx context.Context, tenantID string) (UploadLimits, error) {
	return s.uploadLimits(ctx, s.r, tenantID)
}

// uploadLimitsRow is a tenant's own upload limits as its row keeps them;
// NULL is the default.
type uploadLimitsRow struct {
	MaxBytes   *int64  `db:"upload_max_bytes"`
	QuotaBytes *int64  `db:"upload_quota_bytes"`
	Types      *string `db:"upload_types"`
}

// limits are the limits of the row, the defaults where it has none.
func (r uploadLimitsRow) limits() UploadLimits {
	l := UploadLimits{MaxBytes: DefaultUploadMaxBytes, QuotaBytes: DefaultUploadQuotaBytes, Types: DefaultUploadTypes}
	if r.MaxBytes != nil {
		l.MaxBytes = *r.MaxBytes
	}
	if r.QuotaBytes != nil {
		l.QuotaBytes = *r.QuotaBytes
	}
	if r.Types != nil {
		l.Types = strings.Split(*r.Types, ",")
	}
	return l
}

// ownLimits is the row of a tenant's own limits l (a zero or empty part
// keeps the default), refusing negative sizes and types that are not a
// lower-case type/subtype.
func ownLimits(l UploadLimits) (uploadLimitsRow, error) {
	var r uploadLimitsRow
	switch {
	case l.MaxBytes < 0:
		return r, &InvalidError{Field: "upload_limits.max_file_bytes", Message: "must be positive"}
	case l.QuotaBytes < 0:
		return r, &InvalidError{Field: "upload_limits.quota_bytes", Message: "must be positive"}
	}
	if l.MaxBytes > 0 {
		r.MaxBytes = &l.MaxBytes
	}
	if l.QuotaBytes > 0 {
		r.QuotaBytes = &l.QuotaBytes
	}
	for i, t := range l.Types {
		typ, sub, ok := strings.Cut(t, "/")
		if !ok || typ == "" || sub == "" || strings.ContainsAny(t, ", ;") || strings.ToLower(t) != t || slices.Contains(l.Types[:i], t) {
			return r, &InvalidError{Field: "upload_limits.allowed_types", Message: fmt.Sprintf("%q is not a lower-case MIME type named once", t)}
		}
	}
	if len(l.Types) > 0 {
		t := strings.Join(l.Types, ",")
		r.Types = &t
	}
	return r, nil
}

func (s *Store) uploadLimits(ctx context.Context, q sqlx.QueryerContext, tenantID string) (UploadLimits, error) {
	var row uploadLimitsRow
	err := sqlx.GetContext(ctx, q, &row, s.w.Rebind(`SELECT upload_max_bytes, upload_quota_bytes, upload_types FROM tenants WHERE id = ?`), tenantID)
	if errors.Is(err, sql.ErrNoRows) {
		return UploadLimits{}, fmt.Errorf("tenant %s: %w", tenantID, ErrNotFound)
	}
	if err != nil {
		return UploadLimits{}, fmt.Errorf("read upload limits: %w", err)
	}
	return row.limits(), nil
}

// SetUploadLimits sets a tenant's upload limits; a zero or nil part keeps
// the default.
func (s *Store) SetUploadLimits(ctx context.Context, tenantID string, l UploadLimits) error {
	own, err := ownLimits(l)
	if err != nil {
		return err
	}
	res, err := s.w.ExecContext(ctx, s.w.Rebind(`UPDATE tenants SET upload_max_bytes = ?, upload_quota_bytes = ?, upload_types = ? WHERE id = ?`),
		own.MaxBytes, own.QuotaBytes, own.Types, tenantID)
	if err != nil {
		return fmt.Errorf("set upload limits: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("tenant %s: %w", tenantID, ErrNotFound)
	}
	return nil
}

// CreateUpload declares a file for a room actor is a member of, within the
// tenant's limits: a size over the file limit or a type outside the
// allow-list is an InvalidError; a size that would take the tenant's
// uploads over its quota is a ConflictError on size (the quota is the
// state that refuses it). A room of another tenant is ErrNotFound, one
// actor is not a member of a ForbiddenError.
func (s *Store) CreateUpload(ctx context.Context, tenantID, actor string, u NewUpload) (Upload, error) {
	now := s.nowMillis()
	row := uploadRow{
		ID: newID("up_"), RoomID: u.RoomID, UploaderID: actor, Filename: u.Filename,
		ContentType: u.ContentType, Size: u.Size, SHA256: u.SHA256, Status: UploadPending, CreatedAt: now,
	}
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		room, err := s.roomForActor(ctx, tx, tenantID, u.RoomID, actor)
		if err != nil {
			return err
		}
		if room.ActorRole == nil {
			return &ForbiddenError{Message: "not a member of this room"}
		}
		lim, err := s.uploadLimits(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		if u.Size > lim.MaxBytes {
			return &InvalidError{Field: "size", Reason: "too_large", Message: fmt.Sprintf("files are limited to %d bytes", lim.MaxBytes)}
		}
		allowed := false
		for _, t := range lim.Types {
			allowed = allowed || t == u.ContentType
		}
		if !allowed {
			return &InvalidError{Field: "content_type", Reason: "type_not_allowed", Message: "this type is not in the tenant's allow-list: " + strings.Join(lim.Types, ", ")}
		}
		var used int64
		if err := tx.GetContext(ctx, &used, tx.Rebind(`SELECT COALESCE(SUM(size), 0) FROM uploads WHERE tenant_id = ?`), tenantID); err != nil {
			return fmt.Errorf("read storage used: %w", err)
		}
		if used+u.Size > lim.QuotaBytes {
			return &ConflictError{Field: "size", Message: fmt.Sprintf("the tenant's storage quota (%d bytes) would be exceeded: %d in use", lim.QuotaBytes, used)}
		}
		_, err = tx.ExecContext(ctx, tx.Rebind(`INSERT INTO uploads (tenant_id, id, room_id, uploader_id, filename, content_type, size, sha256, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			tenantID, row.ID, row.RoomID, row.UploaderID, row.Filename, row.ContentType, row.Size, row.SHA256, row.Status, row.CreatedAt)
		if err != nil {
			return fmt.Errorf("store upload: %w", err)
		}
		return nil
	})
	if err != nil {
		return Upload{}, err
	}
	return row.upload(), nil
}

// GetUpload returns actor's own upload; anyone else's, or another
// tenant's, is ErrNotFound.
func (s *Store) GetUpload(ctx context.Context, tenantID, actor, uploadID string) (Upload, error) {
	u, err := s.upload(ctx, s.r, tenantID, uploadID)
	if err != nil {
		return Upload{}, err
	}
	if u.UploaderID != actor || u.Status == UploadDeleting {
		return Upload{}, fmt.Errorf("upload %s: %w", uploadID, ErrNotFound)
	}
	return u, nil
}

func (s *Store) upload(ctx context.Context, q sqlx.QueryerContext, tenantID, uploadID string) (Upload, error) {
	var row uploadRow
	err := sqlx.GetContext(ctx, q, &row, s.w.Rebind(`SELECT `+uploadColumns+` FROM uploads WHERE tenant_id = ? AND id = ?`), tenantID, uploadID)
	if errors.Is(err, sql.ErrNoRows) {
		return Upload{}, fmt.Errorf("upload %s: %w", uploadID, ErrNotFound)
	}
	if err != nil {
		return Upload{}, fmt.Errorf("read upload: %w", err)
	}
	return row.upload(), nil
}

// CompleteUpload marks actor's pending upload ready, with an image's width
// and height (nil for other files). An image is then owed its processing
// (UnprocessedUploads, MarkUploadProcessed); another file needs none. A
// ready upload is returned as it is.
func (s *Store) CompleteUpload(ctx context.Context, tenantID, actor, uploadID string, width, height *int) (Upload, error) {
	var processed *int64
	if width == nil {
		now := s.nowMillis()
		processed = &now
	}
	_, err := s.w.ExecContext(ctx, s.w.Rebind(`UPDATE uploads SET status = ?, width = ?, height = ?, processed_at = ?
		WHERE tenant_id = ? AND id = ? AND uploader_id = ? AND status = ?`),
		UploadReady, width, height, processed, tenantID, uploadID, actor, UploadPending)
	if err != nil {
		return Upload{}, fmt.Errorf("complete upload: %w", err)
	}
	return s.GetUpload(ctx, tenantID, actor, uploadID)
}

// DeleteUpload forgets an upload that is attached to no message (a refused
// one, or one never attached); its bytes are the caller's to delete.
// Deleting a missing or attached upload changes nothing.
func (s *Store) DeleteUpload(ctx context.Context, tenantID, uploadID string) error {
	_, err := s.w.ExecContext(ctx, s.w.Rebind(`DELETE FROM uploads WHERE tenant_id = ? AND id = ? AND message_id IS NULL`), tenantID, uploadID)
	if err != nil {
		return fmt.Errorf("delete upload: %w", err)
	}
	return nil
}

// Attachment is an upload as a message carries it: a snapshot taken when it
// was attached. URL and ThumbnailURL are signed by the edge that shows it
// (they expire; the store keeps none).
type Attachment struct {
	UploadID      string
	Filename      string
	ContentType   string
	Size          int64
	Width, Height *int
	// ThumbWidth and ThumbHeight are the thumbnail's size, once made.
	ThumbWidth, ThumbHeight *int
	URL                     string
	ThumbnailURL            *string
}

// attachmentV1 is an attachment's snapshot as messages.attachments keeps it
// (a JSON list), and as the room's log shows it.
type attachmentV1 struct {
	UploadID    string `json:"upload_id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Width       *int   `json:"width"`
	Height      *int   `json:"height"`
	// The thumbnail's size, once made (MarkUploadProcessed).
	ThumbnailWidth  *int `json:"thumbnail_width,omitempty"`
	ThumbnailHeight *int `json:"thumbnail_height,omitempty"`
}

// decodeAttachments reads messages.attachments; stored by this package, it
// always decodes, and a value that does not is left out rather than
// failing the read.
func decodeAttachments(b []byte) []Attachment {
	var vs []attachmentV1
	if err := json.Unmarshal(b, &vs); err != nil {
		return nil
	}
	out := make([]Attachment, len(vs))
	for i, v := range vs {
		out[i] = Attachment{UploadID: v.UploadID, Filename: v.Filename, ContentType: v.ContentType, Size: v.Size, Width: v.Width, Height: v.Height,
			ThumbWidth: v.ThumbnailWidth, ThumbHeight: v.ThumbnailHeight}
	}
	return out
}

// checkAttachments refuses, by itself, a list of attachments that is too
// long, names an upload twice or an empty id.
func checkAttachments(ids []string) error {
	if len(ids) > MaxAttachments {
		return &InvalidError{Field: "attachments", Message: fmt.Sprintf("at most %d attachments", MaxAttachments)}
	}
	for i, id := range ids {
		if id == "" {
			return &InvalidError{Field: "attachments", Message: "upload ids must not be empty"}
		}
		if slices.Contains(ids[:i], id) {
			return &InvalidError{Field: "attachments", Message: "upload " + id + " is named twice"}
		}
	}
	return nil
}

// claimAttachments attaches, in tx, each fresh send's uploads to its
// message and fills the row's snapshot; a send whose uploads cannot all be
// claimed is refused (refused, by index in sends): an upload that is not
// the sender's in the tenant is ErrNotFound, one of another room, not yet
// complete or already attached a ConflictError on attachments. A refused
// send's claims are undone with its transaction (a refusal reruns the
// batch without it), and a claim is an UPDATE of an unattached row, so two
// sends never both take an upload, in one batch or in two transactions.
func claimAttachments(ctx context.Context, tx *sqlx.Tx, sends []refSend, refused map[int]error) error {
	for i, sd := range sends {
		ids := sd.m.Attachments
		if len(ids) == 0 || refused[i] != nil {
			continue
		}
		in, idArgs := inList(ids)
		args := append([]any{sd.row.ID, sd.tenantID, sd.row.RoomID, sd.row.SenderID, UploadReady}, idArgs...)
		var got []attachmentRow
		if err := sqlx.SelectContext(ctx, tx, &got, tx.Rebind(`UPDATE uploads SET message_id = ?
			WHERE tenant_id = ? AND room_id = ? AND uploader_id = ? AND status = ? AND message_id IS NULL AND id IN (`+in+`)
			RETURNING id, filename, content_type, size, width, height, thumb_width, thumb_height`), args...); err != nil {
			return fmt.Errorf("attach uploads: %w", err)
		}
		if len(got) != len(ids) {
			why, err := whyNotClaimed(ctx, tx, sd, got)
			if err != nil {
				return err
			}
			refused[i] = why
			continue
		}
		list, err := attachmentsSnapshot(ids, got)
		if err != nil {
			return err
		}
		sd.row.Attachments = &list
	}
	return nil
}

// attachmentsSnapshot is the JSON a message keeps of its attachments: the
// uploads got, in the order of ids.
func attachmentsSnapshot(ids []string, got []attachmentRow) (string, error) {
	byID := make(map[string]attachmentRow, len(got))
	for _, r := range got {
		byID[r.ID] = r
	}
	snap := make([]attachmentV1, len(ids))
	for k, id := range ids {
		r := byID[id]
		snap[k] = attachmentV1{UploadID: r.ID, Filename: r.Filename, ContentType: r.ContentType, Size: r.Size, Width: r.Width, Height: r.Height,
			ThumbnailWidth: r.ThumbWidth, ThumbnailHeight: r.ThumbHeight}
	}
	b, err := json.Marshal(snap)
	if err != nil {
		return "", fmt.Errorf("encode attachments: %w", err)
	}
	return string(b), nil
}

// inList is the placeholders of an IN list of ids, and ids as its
// arguments.
func inList(ids []string) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}

type attachmentRow struct {
	ID          string `db:"id"`
	Filename    string `db:"filename"`
	ContentType string `db:"content_type"`
	Size        int64  `db:"size"`
	Width       *int   `db:"width"`
	Height      *int   `db:"height"`
	ThumbWidth  *int   `db:"thumb_width"`
	ThumbHeight *int   `db:"thumb_height"`
}

// whyNotClaimed explains why the send's uploads not in claimed could not
// be attached.
func whyNotClaimed(ctx context.Context, tx *sqlx.Tx, sd refSend, claimed []attachmentRow) (error, error) {
	for _, id := range sd.m.Attachments {
		if slices.ContainsFunc(claimed, func(r attachmentRow) bool { return r.ID == id }) {
			continue
		}
		var r uploadRow
		err := sqlx.GetContext(ctx, tx, &r, tx.Rebind(`SELECT `+uploadColumns+` FROM uploads WHERE tenant_id = ? AND id = ?`), sd.tenantID, id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("upload %s: %w", id, ErrNotFound), nil
		case err != nil:
			return nil, fmt.Errorf("read upload: %w", err)
		case r.UploaderID != sd.row.SenderID:
			return fmt.Errorf("upload %s: %w", id, ErrNotFound), nil
		case r.RoomID != sd.row.RoomID:
			return &ConflictError{Field: "attachments", Message: "upload " + id + " was made for another room"}, nil
		case r.Status != UploadReady:
			return &ConflictError{Field: "attachments", Message: "upload " + id + " is not complete: POST /uploads/{upload_id}/complete first"}, nil
		default:
			return &ConflictError{Field: "attachments", Message: "upload " + id + " is attached to another message"}, nil
		}
	}
	return &ConflictError{Field: "attachments", Message: "an upload could not be attached"}, nil
}

// replaceAttachments makes ids the uploads of the message row in tx, by
// the rules of a send (see claimAttachments), and returns its new snapshot
// (nil for none), which it stores. The message's uploads not in ids are
// unattached again. An upload that is not the sender's in the tenant is
// ErrNotFound; one of another room, not complete or attached to another
// message a ConflictError on attachments. The caller holds the room's
// lock (nextEventSeq), as a send does when it claims.
func replaceAttachments(ctx context.Context, tx *sqlx.Tx, tenantID string, row messageRow, ids []string) (*string, error) {
	in, idArgs := inList(ids)
	detach := `UPDATE uploads SET message_id = NULL WHERE tenant_id = ? AND message_id = ?`
	if len(ids) > 0 {
		detach += ` AND id NOT IN (` + in + `)`
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(detach), append([]any{tenantID, row.ID}, idArgs...)...); err != nil {
		return nil, fmt.Errorf("detach uploads: %w", err)
	}
	var list *string
	if len(ids) > 0 {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE uploads SET message_id = ?
			WHERE tenant_id = ? AND room_id = ? AND uploader_id = ? AND status = ? AND message_id IS NULL AND id IN (`+in+`)`),
			append([]any{row.ID, tenantID, row.RoomID, row.SenderID, UploadReady}, idArgs...)...); err != nil {
			return nil, fmt.Errorf("attach uploads: %w", err)
		}
		var got []attachmentRow
		if err := sqlx.SelectContext(ctx, tx, &got, tx.Rebind(`SELECT id, filename, content_type, size, width, height, thumb_width, thumb_height
			FROM uploads WHERE tenant_id = ? AND message_id = ?`), tenantID, row.ID); err != nil {
			return nil, fmt.Errorf("read attached uploads: %w", err)
		}
		if len(got) != len(ids) {
			why, err := whyNotClaimed(ctx, tx, refSend{tenantID: tenantID, m: NewMessage{Attachments: ids}, row: &row}, got)
			if err != nil {
				return nil, err
			}
			return nil, why
		}
		l, err := attachmentsSnapshot(ids, got)
		if err != nil {
			return nil, err
		}
		list = &l
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE messages SET attachments = ? WHERE tenant_id = ? AND room_id = ? AND id = ?`),
		list, tenantID, row.RoomID, row.ID); err != nil {
		return nil, fmt.Errorf("update attachments: %w", err)
	}
	return list, nil
}

// UploadDeleting is the status of an upload the collector is deleting:
// no send attaches it, and its record goes once its bytes have.
const UploadDeleting = "deleting"

// UploadRef names an upload of a tenant.
type UploadRef struct {
	TenantID string `db:"tenant_id"`
	ID       string `db:"id"`
}

// ClaimAbandonedUploads takes, across tenants, up to limit uploads that
// were never attached to a message (or were taken off one) and were
// created before before, oldest first, and marks them deleting: from then
// on no send or edit can attach them, so that their bytes may be deleted
// before their record (ForgetUpload). Uploads left deleting by a collector
// that stopped halfway are taken again.
func (s *Store) ClaimAbandonedUploads(ctx context.Context, before time.Time, limit int) ([]UploadRef, error) {
	if limit <= 0 {
		limit = 100
	}
	var out []UploadRef
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		out = out[:0]
		var found []UploadRef
		if err := tx.SelectContext(ctx, &found, tx.Rebind(`SELECT tenant_id, id FROM uploads
			WHERE message_id IS NULL AND created_at < ? ORDER BY created_at LIMIT ?`), before.UnixMilli(), limit); err != nil {
			return fmt.Errorf("find abandoned uploads: %w", err)
		}
		for _, r := range found {
			// message_id IS NULL again: a send may have attached it since.
			res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE uploads SET status = ? WHERE tenant_id = ? AND id = ? AND message_id IS NULL`),
				UploadDeleting, r.TenantID, r.ID)
			if err != nil {
				return fmt.Errorf("claim abandoned upload: %w", err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return fmt.Errorf("claim abandoned upload: %w", err)
			} else if n > 0 {
				out = append(out, r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ForgetUpload deletes the record of an upload ClaimAbandonedUploads took,
// once its bytes are gone; its size no longer counts against the quota.
func (s *Store) ForgetUpload(ctx context.Context, tenantID, uploadID string) error {
	if _, err := s.w.ExecContext(ctx, s.w.Rebind(`DELETE FROM uploads WHERE tenant_id = ? AND id = ? AND status = ?`),
		tenantID, uploadID, UploadDeleting); err != nil {
		return fmt.Errorf("forget upload: %w", err)
	}
	return nil
}
