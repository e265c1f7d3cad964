// Package files is where an upload's rules live between the store, which
// keeps its record, and a storage.Backend, which keeps its bytes: declaring
// it and signing where to put them, checking the bytes put (size, sha256,
// content sniffed against the declared type, an image's header bounded
// before anything is decoded), and signing the expiring download URLs of
// attachments. The REST handlers translate into calls of Service.
package files

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // image.DecodeConfig of GIF uploads
	_ "image/jpeg" // … of JPEG
	_ "image/png"  // … of PNG
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	_ "golang.org/x/image/webp" // … of WebP

	"github.com/chatapi/chatapi/storage"
	"github.com/chatapi/chatapi/store"
)

// Store is what Service needs of the store.
type Store interface {
	CreateUpload(ctx context.Context, tenantID, actor string, u store.NewUpload) (store.Upload, error)
	GetUpload(ctx context.Context, tenantID, actor, uploadID string) (store.Upload, error)
	CompleteUpload(ctx context.Context, tenantID, actor, uploadID string, width, height *int) (store.Upload, error)
	DeleteUpload(ctx context.Context, tenantID, uploadID string) error
	UnprocessedUploads(ctx context.Context, afterTenant, afterID string, limit int) ([]store.UploadToProcess, error)
	MarkUploadProcessed(ctx context.Context, tenantID, uploadID string, thumb *store.Thumbnail) (store.Processed, error)
	ClaimAbandonedUploads(ctx context.Context, before time.Time, limit int) ([]store.UploadRef, error)
	ForgetUpload(ctx context.Context, tenantID, uploadID string) error
}

// Defaults of Config.
const (
	DefaultPutTTL    = time.Hour
	DefaultURLTTL    = time.Hour
	DefaultMaxPixels = 50_000_000
)

// Config tunes a Service; zero fields take the defaults.
type Config struct {
	// PutTTL is how long an upload URL is accepted.
	PutTTL time.Duration
	// URLTTL is how long a download URL works (SPEC: 1 h by default).
	URLTTL time.Duration
	// MaxPixels bounds an image's width × height, read from its header
	// before anything is decoded: a decompression bomb is refused unread.
	MaxPixels int64
	// MaxDecodeBytes bounds the memory an image's decoding and scaling to
	// a thumbnail may take, estimated from its header before decoding; an
	// image over it gets no thumbnail.
	MaxDecodeBytes int64
	// ProcessRetry is how often RunProcessing tries again the images whose
	// processing failed.
	ProcessRetry time.Duration
	// Logger receives what background processing could not do; nil
	// discards it.
	Logger *slog.Logger
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Service runs uploads over a store and a storage backend. It is safe for
// concurrent use; its only state is the signal by which a completion
// wakes RunProcessing.
type Service struct {
	store   Store
	backend storage.Backend
	cfg     Config
	kick    chan struct{}
}

// New returns a Service.
func New(st Store, b storage.Backend, cfg Config) *Service {
	if cfg.PutTTL <= 0 {
		cfg.PutTTL = DefaultPutTTL
	}
	if cfg.URLTTL <= 0 {
		cfg.URLTTL = DefaultURLTTL
	}
	if cfg.MaxPixels <= 0 {
		cfg.MaxPixels = DefaultMaxPixels
	}
	if cfg.MaxDecodeBytes <= 0 {
		cfg.MaxDecodeBytes = DefaultMaxDecodeBytes
	}
	if cfg.ProcessRetry <= 0 {
		cfg.ProcessRetry = DefaultProcessRetry
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{store: st, backend: b, cfg: cfg, kick: make(chan struct{}, 1)}
}

// Ticket is where to put a declared upload's bytes, until when.
type Ticket struct {
	Upload    store.Upload
	URL       string
	ExpiresAt time.Time
}

// Create declares an upload (the store checks the room and the tenant's
// limits) and signs the URL its bytes go to.
func (s *Service) Create(ctx context.Context, tenantID, actor string, u store.NewUpload) (Ticket, error) {
	up, err := s.store.CreateUpload(ctx, tenantID, actor, u)
	if err != nil {
		return Ticket{}, err
	}
	exp := s.cfg.Now().Add(s.cfg.PutTTL).Truncate(time.Second)
	url, err := s.backend.PutURL(ctx, store.UploadPutKey(tenantID, up.ID), up.Size, exp)
	if err != nil {
		return Ticket{}, fmt.Errorf("sign upload url: %w", err)
	}
	return Ticket{Upload: up, URL: url, ExpiresAt: exp}, nil
}

// Get returns actor's own upload.
func (s *Service) Get(ctx context.Context, tenantID, actor, uploadID string) (store.Upload, error) {
	return s.store.GetUpload(ctx, tenantID, actor, uploadID)
}

// Complete checks the bytes put for actor's upload and marks it ready. A
// file that fails a check is deleted with its upload and refused with an
// InvalidError (Reason says which check); no bytes yet is a ConflictError.
//
// The bytes put are copied first, and the copy is what is checked and
// served: the upload URL stays valid until it expires, and whatever is put
// to it after this changes nothing. The copy is stored with the declared
// content type (which the check then holds the bytes to), never the one
// the client sent with its PUT.
func (s *Service) Complete(ctx context.Context, tenantID, actor, uploadID string) (store.Upload, error) {
	up, err := s.store.GetUpload(ctx, tenantID, actor, uploadID)
	if err != nil || up.Status == store.UploadReady {
		return up, err
	}
	put, key := store.UploadPutKey(tenantID, up.ID), store.UploadKey(tenantID, up.ID)
	var w, h *int
	err = s.copyPut(ctx, put, key, up)
	if err == nil {
		w, h, err = s.check(ctx, key, up)
	}
	var inv *store.InvalidError
	if errors.As(err, &inv) {
		// Nothing of a refused file stays.
		if derr := errors.Join(s.backend.Delete(ctx, key), s.backend.Delete(ctx, put), s.store.DeleteUpload(ctx, tenantID, up.ID)); derr != nil {
			return store.Upload{}, errors.Join(err, derr)
		}
		return store.Upload{}, err
	}
	if err != nil {
		return store.Upload{}, err
	}
	if err := s.backend.Delete(ctx, put); err != nil {
		return store.Upload{}, fmt.Errorf("delete the bytes put: %w", err)
	}
	up, err = s.store.CompleteUpload(ctx, tenantID, actor, up.ID, w, h)
	if err == nil && up.ProcessedAt == nil {
		s.kickProcessing()
	}
	return up, err
}

// copyPut puts the bytes put under put at key, exactly up.Size of them:
// moved where the backend can (a rename), copied otherwise. None yet is a
// ConflictError, another size an InvalidError.
func (s *Service) copyPut(ctx context.Context, put, key string, up store.Upload) error {
	sizeErr := func(n int64) error {
		return &store.InvalidError{Field: "size", Reason: "size_mismatch", Message: fmt.Sprintf("%d bytes were put, %d declared", n, up.Size)}
	}
	if m, ok := s.backend.(storage.Mover); ok {
		// No bytes copied: moved whole. Nothing at put may mean an earlier
		// try moved them and stopped before the upload was recorded ready.
		if err := m.Move(ctx, put, key); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("move upload: %w", err)
		}
		obj, err := s.backend.Stat(ctx, key)
		if errors.Is(err, storage.ErrNotFound) {
			return &store.ConflictError{Message: "no bytes have been put to the upload's url yet"}
		}
		if err != nil {
			return fmt.Errorf("stat upload: %w", err)
		}
		if obj.Size != up.Size {
			return sizeErr(obj.Size)
		}
		return nil
	}
	obj, err := s.backend.Stat(ctx, put)
	if errors.Is(err, storage.ErrNotFound) {
		return &store.ConflictError{Message: "no bytes have been put to the upload's url yet"}
	}
	if err != nil {
		return fmt.Errorf("stat upload: %w", err)
	}
	if obj.Size != up.Size {
		return sizeErr(obj.Size)
	}
	rc, err := s.backend.Get(ctx, put)
	if errors.Is(err, storage.ErrNotFound) {
		return &store.ConflictError{Message: "no bytes have been put to the upload's url yet"}
	}
	if err != nil {
		return fmt.Errorf("read upload: %w", err)
	}
	defer rc.Close()
	err = s.backend.Put(ctx, key, rc, up.Size, up.ContentType)
	// Put again between the Stat and the Get, with another size.
	if se := (*storage.SizeError)(nil); errors.As(err, &se) {
		return sizeErr(se.Got)
	}
	if err != nil {
		return fmt.Errorf("copy upload: %w", err)
	}
	return nil
}

// sniffLen is what http.DetectContentType looks at.
const sniffLen = 512

// check reads the object once: its sha256 over every byte, its type sniffed
// from the first ones and, for an image, its header; only the header of an
// image is decoded, and only after its pixel count is known to be within
// bounds would anything else be (thumbnails, later).
func (s *Service) check(ctx context.Context, key string, up store.Upload) (w, h *int, err error) {
	rc, err := s.backend.Get(ctx, key)
	if err != nil {
		return nil, nil, fmt.Errorf("read upload: %w", err)
	}
	defer rc.Close()
	sum := sha256.New()
	r := io.TeeReader(rc, sum)
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, nil, fmt.Errorf("read upload: %w", err)
	}
	head = head[:n]
	if err := matchType(up.ContentType, http.DetectContentType(head)); err != nil {
		return nil, nil, err
	}
	if strings.HasPrefix(up.ContentType, "image/") {
		cfg, _, err := image.DecodeConfig(bufio.NewReader(io.MultiReader(bytes.NewReader(head), r)))
		if err != nil {
			return nil, nil, &store.InvalidError{Field: "content_type", Reason: "image_unreadable", Message: "the image's header cannot be read"}
		}
		if int64(cfg.Width)*int64(cfg.Height) > s.cfg.MaxPixels {
			return nil, nil, &store.InvalidError{Field: "content_type", Reason: "image_too_large",
				Message: fmt.Sprintf("the image is %d×%d pixels; at most %d pixels are accepted", cfg.Width, cfg.Height, s.cfg.MaxPixels)}
		}
		w, h = &cfg.Width, &cfg.Height
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		return nil, nil, fmt.Errorf("read upload: %w", err)
	}
	if got := hex.EncodeToString(sum.Sum(nil)); got != up.SHA256 {
		return nil, nil, &store.InvalidError{Field: "sha256", Reason: "sha256_mismatch", Message: "the bytes put do not have the declared sha256"}
	}
	return w, h, nil
}

// matchType refuses content whose sniffed type contradicts the declared
// one. Images, PDF and plain text must sniff as what they claim; for the
// other types, whose signatures the sniffer does not all know, a sniffed
// "application/octet-stream" is accepted, but a recognised other type (a
// page, an image, a PDF declared as audio) is not.
func matchType(declared, sniffed string) error {
	base, _, err := mime.ParseMediaType(sniffed)
	if err != nil {
		base = sniffed
	}
	refuse := &store.InvalidError{Field: "content_type", Reason: "content_mismatch",
		Message: fmt.Sprintf("the content is %s, not the declared %s", base, declared)}
	switch {
	case base == declared:
		return nil
	case declared == "audio/wav" && base == "audio/wave", declared == "audio/mp4" && base == "video/mp4":
		return nil
	case strings.HasPrefix(declared, "image/"), declared == "application/pdf", declared == "text/plain":
		return refuse
	case base == "application/octet-stream":
		return nil
	}
	return refuse
}

// URLs are an upload's signed download URLs: of the file, and of its
// thumbnail once processed (nil before, and for files that are not
// images).
func (s *Service) URLs(ctx context.Context, tenantID string, up store.Upload) (url string, thumb *string, err error) {
	return s.urls(ctx, tenantID, up.ID, up.ThumbWidth != nil, s.urlExpiry())
}

// Sign fills the attachments' signed download URLs, in place.
func (s *Service) Sign(ctx context.Context, tenantID string, as []store.Attachment) error {
	exp := s.urlExpiry()
	for i := range as {
		var err error
		if as[i].URL, as[i].ThumbnailURL, err = s.urls(ctx, tenantID, as[i].UploadID, as[i].ThumbWidth != nil, exp); err != nil {
			return err
		}
	}
	return nil
}

// urlExpiry is when the URLs signed now expire.
func (s *Service) urlExpiry() time.Time { return s.cfg.Now().Add(s.cfg.URLTTL).Truncate(time.Second) }

// urls signs an upload's download URL until exp, and its thumbnail's when
// it has one.
func (s *Service) urls(ctx context.Context, tenantID, uploadID string, hasThumb bool, exp time.Time) (url string, thumb *string, err error) {
	url, err = s.backend.GetURL(ctx, store.UploadKey(tenantID, uploadID), exp)
	if err != nil {
		return "", nil, fmt.Errorf("sign download url: %w", err)
	}
	if hasThumb {
		t, err := s.backend.GetURL(ctx, store.ThumbnailKey(tenantID, uploadID), exp)
		if err != nil {
			return "", nil, fmt.Errorf("sign thumbnail url: %w", err)
		}
		thumb = &t
	}
	return url, thumb, nil
}
