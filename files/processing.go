package files

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"time"

	"golang.org/x/image/draw"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/storage"
	"github.com/chatapi/chatapi/store"
)

// Publisher announces attachment.processed to realtime delivery; it must
// not block on slow receivers.
type Publisher interface {
	Publish(ctx context.Context, e event.Event)
}

// Defaults of the processing part of Config.
const (
	// ThumbnailSize bounds a thumbnail's long side, in pixels (SPEC).
	ThumbnailSize = 320
	// DefaultMaxDecodeBytes bounds the memory one image's decoding and
	// scaling may take: a 50-megapixel 8-bit RGBA image fits, one of
	// 16-bit channels does not and gets no thumbnail.
	DefaultMaxDecodeBytes = 256 << 20
	// DefaultProcessRetry is how often uploads whose processing failed
	// (the storage or the database was unavailable) are tried again.
	DefaultProcessRetry = 5 * time.Minute
)

// processBatch is how many owed uploads one read of the store returns.
const processBatch = 50

// RunProcessing makes the thumbnails of completed images, one at a time,
// and announces each to pub, until ctx ends: first those owed from before
// (a crash between completion and thumbnail loses nothing: the store is
// the queue), then after every completion of an image, and every
// ProcessRetry for those that failed. One runner per process; runners of
// several instances on one database may process one upload twice, but the
// store records and announces it once.
func (s *Service) RunProcessing(ctx context.Context, pub Publisher) error {
	tick := time.NewTicker(s.cfg.ProcessRetry)
	defer tick.Stop()
	for {
		s.processOwed(ctx, pub)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.kick:
		case <-tick.C:
		}
	}
}

// kickProcessing tells RunProcessing there is an image to process; a kick
// already pending covers this one.
func (s *Service) kickProcessing() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// processOwed processes every upload owed its processing, once each.
func (s *Service) processOwed(ctx context.Context, pub Publisher) {
	var afterTenant, afterID string
	for ctx.Err() == nil {
		owed, err := s.store.UnprocessedUploads(ctx, afterTenant, afterID, processBatch)
		if err != nil {
			s.cfg.Logger.Warn("files: list uploads to process", "error", err.Error())
			return
		}
		if len(owed) == 0 {
			return
		}
		for _, u := range owed {
			if ctx.Err() != nil {
				return
			}
			if err := s.Process(ctx, pub, u.TenantID, u.Upload); err != nil {
				s.cfg.Logger.Warn("files: process upload", "tenant_id", u.TenantID, "upload_id", u.Upload.ID, "error", err.Error())
			}
			afterTenant, afterID = u.TenantID, u.Upload.ID
		}
	}
}

// Process makes a completed image's thumbnail, records it and announces
// attachment.processed: to the room (a room log event) when the upload is
// attached to a message by then, else to its uploader only, who alone
// knows of it. An image that cannot be decoded within the bounds gets no
// thumbnail but is processed all the same (thumbnail_url stays null). An
// error leaves the upload owed, for a later try.
func (s *Service) Process(ctx context.Context, pub Publisher, tenantID string, up store.Upload) error {
	key := store.ThumbnailKey(tenantID, up.ID)
	thumb, err := s.thumbnail(ctx, tenantID, up)
	var undecodable *undecodableError
	switch {
	case errors.As(err, &undecodable):
		s.cfg.Logger.Info("files: no thumbnail", "tenant_id", tenantID, "upload_id", up.ID, "reason", undecodable.reason)
		thumb = nil
	case err != nil:
		return err
	}
	var size *store.Thumbnail
	if thumb != nil {
		if err := s.backend.Put(ctx, key, bytes.NewReader(thumb.data), int64(len(thumb.data)), thumb.contentType); err != nil {
			return fmt.Errorf("store thumbnail: %w", err)
		}
		size = &store.Thumbnail{Width: thumb.width, Height: thumb.height}
	}
	done, err := s.store.MarkUploadProcessed(ctx, tenantID, up.ID, size)
	if errors.Is(err, store.ErrNotFound) {
		// Deleted meanwhile: its thumbnail goes too.
		return s.backend.Delete(ctx, key)
	}
	if err != nil || !done.Changed {
		return err
	}
	att := []store.Attachment{done.Attachment}
	if err := s.Sign(ctx, tenantID, att); err != nil {
		return err
	}
	e := event.Event{Type: event.AttachmentProcessed, TenantID: tenantID, RoomID: up.RoomID, UserID: up.UploaderID}
	if ev := done.Event; ev != nil {
		e.Seq, e.EventSeq = ev.MessageSeq, ev.EventSeq
		e.Frame, err = withAttachment(ev.Frame, att[0])
	} else {
		e.Recipients = []string{up.UploaderID}
		e.Frame, err = json.Marshal(uploaderFrame{Type: string(event.AttachmentProcessed), RoomID: up.RoomID,
			UploadID: up.ID, Attachment: attachmentFrameOf(att[0])})
	}
	if err != nil {
		return fmt.Errorf("encode attachment.processed: %w", err)
	}
	pub.Publish(ctx, e)
	return nil
}

// attachmentFrame is an attachment as the WebSocket events carry it (the
// Attachment schema of openapi.yaml).
type attachmentFrame struct {
	UploadID        string  `json:"upload_id"`
	Filename        string  `json:"filename"`
	ContentType     string  `json:"content_type"`
	Size            int64   `json:"size"`
	Width           *int    `json:"width"`
	Height          *int    `json:"height"`
	ThumbnailWidth  *int    `json:"thumbnail_width,omitempty"`
	ThumbnailHeight *int    `json:"thumbnail_height,omitempty"`
	URL             string  `json:"url,omitempty"`
	ThumbnailURL    *string `json:"thumbnail_url"`
}

func attachmentFrameOf(a store.Attachment) attachmentFrame {
	return attachmentFrame{UploadID: a.UploadID, Filename: a.Filename, ContentType: a.ContentType, Size: a.Size,
		Width: a.Width, Height: a.Height, ThumbnailWidth: a.ThumbWidth, ThumbnailHeight: a.ThumbHeight,
		URL: a.URL, ThumbnailURL: a.ThumbnailURL}
}

// uploaderFrame is attachment.processed of an upload not attached yet: no
// message, no place in a room's log.
type uploaderFrame struct {
	Type       string          `json:"type"`
	RoomID     string          `json:"room_id"`
	UploadID   string          `json:"upload_id"`
	MessageID  *string         `json:"message_id"`
	Attachment attachmentFrame `json:"attachment"`
}

// withAttachment is the log's frame of attachment.processed with its
// attachment replaced by a's, which carries the signed URLs the log keeps
// none of.
func withAttachment(frame json.RawMessage, a store.Attachment) (json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(frame, &fields); err != nil {
		return nil, err
	}
	enc, err := json.Marshal(attachmentFrameOf(a))
	if err != nil {
		return nil, err
	}
	fields["attachment"] = enc
	return json.Marshal(fields)
}

// thumb is an encoded thumbnail.
type thumb struct {
	data          []byte
	contentType   string
	width, height int
}

// undecodableError means an image gets no thumbnail: it cannot be decoded,
// or not within the bounds. Trying again would not help.
type undecodableError struct{ reason string }

func (e *undecodableError) Error() string { return "no thumbnail: " + e.reason }

// thumbnail decodes the image and scales it to at most ThumbnailSize
// pixels on its long side, keeping its aspect (a smaller image keeps its
// size). The header is read again first and checked against MaxPixels and
// MaxDecodeBytes before a pixel is decoded: the bytes under the key are
// not trusted to be those checked at completion.
func (s *Service) thumbnail(ctx context.Context, tenantID string, up store.Upload) (*thumb, error) {
	key := store.UploadKey(tenantID, up.ID)
	rc, err := s.backend.Get(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		// Trying again would not bring the bytes back.
		return nil, &undecodableError{"no bytes stored"}
	}
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	defer rc.Close()
	// One read: the header through a buffer that keeps what it consumed,
	// then the whole image from the start of that buffer.
	var head bytes.Buffer
	r := io.LimitReader(rc, up.Size)
	cfg, _, err := image.DecodeConfig(bufio.NewReader(io.TeeReader(r, &head)))
	if err != nil {
		return nil, &undecodableError{"header unreadable"}
	}
	w, h := cfg.Width, cfg.Height
	if w <= 0 || h <= 0 || int64(w)*int64(h) > s.cfg.MaxPixels {
		return nil, &undecodableError{fmt.Sprintf("%d×%d pixels", w, h)}
	}
	tw, th := fit(w, h, ThumbnailSize)
	if need := decodeBytes(cfg, tw); need > s.cfg.MaxDecodeBytes {
		return nil, &undecodableError{fmt.Sprintf("decoding would take %d bytes", need)}
	}
	src, _, err := image.Decode(io.MultiReader(&head, r))
	if err != nil {
		return nil, &undecodableError{"image unreadable: " + err.Error()}
	}
	if b := src.Bounds(); b.Dx() != w || b.Dy() != h {
		return nil, &undecodableError{"image size differs from its header"}
	}
	opaque := isOpaque(src)
	var dst draw.Image
	if opaque {
		dst = image.NewRGBA(image.Rect(0, 0, tw, th))
	} else {
		dst = image.NewNRGBA(image.Rect(0, 0, tw, th))
	}
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	out := &thumb{width: tw, height: th}
	var buf bytes.Buffer
	if opaque {
		out.contentType = "image/jpeg"
		err = jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 85})
	} else {
		out.contentType = "image/png"
		err = png.Encode(&buf, dst)
	}
	if err != nil {
		return nil, fmt.Errorf("encode thumbnail: %w", err)
	}
	out.data = buf.Bytes()
	return out, nil
}

// fit is w×h scaled to at most max on its long side, aspect kept, never
// below one pixel nor above its size.
func fit(w, h, max int) (int, int) {
	if w <= max && h <= max {
		return w, h
	}
	if w >= h {
		return max, clampPx(int((int64(h)*int64(max) + int64(w)/2) / int64(w)))
	}
	return clampPx(int((int64(w)*int64(max) + int64(h)/2) / int64(h))), max
}

func clampPx(n int) int { return max(n, 1) }

// decodeBytes is a bound of the memory decoding an image of cfg and
// scaling it to a thumbnail tw pixels wide takes: its pixels in the
// decoder's model, and the scaler's intermediate rows (tw × source height
// × 32 bytes, x/image/draw's kernel scaler).
func decodeBytes(cfg image.Config, tw int) int64 {
	return int64(cfg.Width)*int64(cfg.Height)*bytesPerPixel(cfg.ColorModel) + int64(tw)*int64(cfg.Height)*32
}

// bytesPerPixel is what the standard decoders keep per pixel of an image
// of model m; an unknown model is counted at the widest (16-bit RGBA).
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model:
		return 2
	case color.YCbCrModel:
		return 3
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel, color.NYCbCrAModel:
		return 4
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 8
}

// isOpaque tells whether img has no transparent pixel; such a thumbnail
// is a JPEG, one with transparency a PNG.
func isOpaque(img image.Image) bool {
	switch img.(type) {
	case *image.YCbCr, *image.Gray, *image.Gray16, *image.CMYK:
		return true
	}
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

// SignFrame signs the URLs of the attachments in a frame of a room's log
// (a message's "attachments", attachment.processed's "attachment"), which
// the log keeps without them: every reader of the log that hands frames to
// clients (a gap in the live stream filled, a resume, GET /rooms/{id}/events,
// GET /sync) passes them through here. A frame without attachments is
// returned as it is, without being decoded.
func (s *Service) SignFrame(ctx context.Context, tenantID string, frame json.RawMessage) (json.RawMessage, error) {
	if !bytes.Contains(frame, []byte(`"attachment`)) {
		return frame, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(frame, &fields); err != nil {
		return nil, err
	}
	changed := false
	for _, key := range [...]string{"attachments", "attachment"} {
		raw, ok := fields[key]
		if !ok {
			continue
		}
		signed, err := s.signRaw(ctx, tenantID, raw, key == "attachment")
		if err != nil {
			return nil, err
		}
		fields[key], changed = signed, true
	}
	if !changed {
		return frame, nil
	}
	return json.Marshal(fields)
}

// signRaw is raw, a list of attachments or one attachment alone, with its
// URLs signed.
func (s *Service) signRaw(ctx context.Context, tenantID string, raw json.RawMessage, one bool) (json.RawMessage, error) {
	var as []attachmentFrame
	var v any = &as
	if one {
		as = make([]attachmentFrame, 1)
		v = &as[0]
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, err
	}
	exp := s.urlExpiry()
	for i := range as {
		var err error
		if as[i].URL, as[i].ThumbnailURL, err = s.urls(ctx, tenantID, as[i].UploadID, as[i].ThumbnailWidth != nil, exp); err != nil {
			return nil, err
		}
	}
	return json.Marshal(v)
}
