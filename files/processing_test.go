package files_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"path/filepath"
	"testing"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/files"
	"github.com/chatapi/chatapi/storage"
	"github.com/chatapi/chatapi/store"
)

// fixture is a Service over a fresh SQLite store and a local directory,
// with a tenant and a room of alice's.
type fixture struct {
	st      *store.Store
	backend *storage.Local
	tenant  string
	room    string
}

func newFixture(t testing.TB) fixture {
	t.Helper()
	ctx := t.Context()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "chatapi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	b, err := storage.NewLocal(t.TempDir(), []byte("test storage secret 0123456789"), "http://files.test", nil)
	if err != nil {
		t.Fatal(err)
	}
	tn, err := st.CreateTenant(ctx, "acme", 100, "0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	room, err := st.CreateRoom(ctx, tn.ID, "alice", store.NewRoom{Type: store.RoomGroup, Name: ptr("r")})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{st: st, backend: b, tenant: tn.ID, room: room.ID}
}

func ptr[T any](v T) *T { return &v }

// discard is a publisher that forgets what it is given.
type discard struct{}

func (discard) Publish(context.Context, event.Event) {}

// complete uploads data as alice and completes it through svc.
func (f fixture) complete(t testing.TB, svc *files.Service, ctype string, data []byte) store.Upload {
	t.Helper()
	ctx := t.Context()
	sum := sha256.Sum256(data)
	tk, err := svc.Create(ctx, f.tenant, "alice", store.NewUpload{RoomID: f.room, Filename: "f", ContentType: ctype, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.backend.Put(ctx, store.UploadPutKey(f.tenant, tk.Upload.ID), bytes.NewReader(data), int64(len(data)), ctype); err != nil {
		t.Fatal(err)
	}
	up, err := svc.Complete(ctx, f.tenant, "alice", tk.Upload.ID)
	if err != nil {
		t.Fatalf("complete: %v", err)
	}
	return up
}

func encoded(t testing.TB, format string, w, h int, alpha bool) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			a := uint8(255)
			if alpha && x < w/2 {
				a = 0
			}
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), 90, a})
		}
	}
	var b bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&b, img)
	case "jpeg":
		err = jpeg.Encode(&b, img, nil)
	case "gif":
		err = gif.Encode(&b, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngClaiming is a PNG of a few hundred bytes whose header claims w×h.
func pngClaiming(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		c := crc32.NewIEEE()
		c.Write([]byte(typ))
		c.Write(data)
		b.WriteString(typ)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, c.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6
	chunk("IHDR", ihdr)
	chunk("IDAT", bytes.Repeat([]byte{0x78, 0x9c, 0xed, 0xc1, 0x01, 0x0d}, 50))
	chunk("IEND", nil)
	return b.Bytes()
}

// Process makes thumbnails of at most 320 pixels on the long side, aspect
// kept, as a JPEG for an opaque image and a PNG for one with transparency;
// an image that cannot be decoded within the bounds is processed without
// one, its bytes never decoded.
func TestProcess(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name      string
		cfg       files.Config
		ctype     string
		data      []byte
		replaced  []byte // the object's bytes changed after completion (empty: deleted)
		wantW     int    // 0: no thumbnail
		wantH     int
		wantThumb string
	}{
		{"wide png", files.Config{}, "image/png", encoded(t, "png", 1000, 500, false), nil, 320, 160, "jpeg"},
		{"tall jpeg", files.Config{}, "image/jpeg", encoded(t, "jpeg", 300, 1200, false), nil, 80, 320, "jpeg"},
		{"transparent png", files.Config{}, "image/png", encoded(t, "png", 640, 640, true), nil, 320, 320, "png"},
		{"opaque gif", files.Config{}, "image/gif", encoded(t, "gif", 400, 100, false), nil, 320, 80, "jpeg"},
		{"small image keeps its size", files.Config{}, "image/png", encoded(t, "png", 90, 40, false), nil, 90, 40, "jpeg"},
		{"one pixel high", files.Config{}, "image/png", encoded(t, "png", 2000, 1, false), nil, 320, 1, "jpeg"},
		{"over the memory bound", files.Config{MaxDecodeBytes: 1 << 20}, "image/png", encoded(t, "png", 1000, 1000, false), nil, 0, 0, ""},
		{"bomb put after completion", files.Config{}, "image/png", encoded(t, "png", 10, 10, false), pngClaiming(40000, 40000), 0, 0, ""},
		{"bytes gone after completion", files.Config{}, "image/png", encoded(t, "png", 10, 10, false), []byte{}, 0, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			svc := files.New(f.st, f.backend, tc.cfg)
			up := f.complete(t, svc, tc.ctype, tc.data)
			key := store.UploadKey(f.tenant, up.ID)
			if tc.replaced != nil && len(tc.replaced) == 0 {
				if err := f.backend.Delete(ctx, key); err != nil {
					t.Fatal(err)
				}
			} else if tc.replaced != nil {
				if err := f.backend.Put(ctx, key, bytes.NewReader(tc.replaced), int64(len(tc.replaced)), tc.ctype); err != nil {
					t.Fatal(err)
				}
				up.Size = int64(len(tc.replaced))
			}
			rec := &event.Recorder{}
			if err := svc.Process(ctx, rec, f.tenant, up); err != nil {
				t.Fatalf("Process: %v", err)
			}
			got, err := svc.Get(ctx, f.tenant, "alice", up.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ProcessedAt == nil {
				t.Fatalf("upload not processed: %+v", got)
			}
			evs := rec.Events()
			if len(evs) != 1 || evs[0].Type != event.AttachmentProcessed || evs[0].EventSeq != 0 || len(evs[0].Recipients) != 1 || evs[0].Recipients[0] != "alice" {
				t.Fatalf("announced %+v, want one attachment.processed for alice", evs)
			}
			var frame struct {
				Attachment struct {
					ThumbnailURL *string `json:"thumbnail_url"`
				} `json:"attachment"`
			}
			if err := json.Unmarshal(evs[0].Frame, &frame); err != nil {
				t.Fatal(err)
			}
			if tc.wantW == 0 {
				if got.ThumbWidth != nil || frame.Attachment.ThumbnailURL != nil {
					t.Fatalf("thumbnail of %+v, want none", got)
				}
				if _, err := f.backend.Stat(ctx, store.ThumbnailKey(f.tenant, up.ID)); err != storage.ErrNotFound {
					t.Fatalf("thumbnail object: %v, want none", err)
				}
				return
			}
			if got.ThumbWidth == nil || *got.ThumbWidth != tc.wantW || *got.ThumbHeight != tc.wantH || frame.Attachment.ThumbnailURL == nil {
				t.Fatalf("processed = %+v (thumbnail url %v), want %d×%d", got, frame.Attachment.ThumbnailURL, tc.wantW, tc.wantH)
			}
			rc, err := f.backend.Get(ctx, store.ThumbnailKey(f.tenant, up.ID))
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, _ := io.ReadAll(rc)
			img, format, err := image.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if format != tc.wantThumb || img.Bounds().Dx() != tc.wantW || img.Bounds().Dy() != tc.wantH {
				t.Fatalf("thumbnail is a %d×%d %s, want a %d×%d %s", img.Bounds().Dx(), img.Bounds().Dy(), format, tc.wantW, tc.wantH, tc.wantThumb)
			}
		})
	}
}

// SignFrame gives the attachments of frames from a room's log, which the
// log keeps without URLs, their signed URLs: a message's list, and
// attachment.processed's one.
func TestSignFrame(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	svc := files.New(f.st, f.backend, files.Config{})
	up := f.complete(t, svc, "image/png", encoded(t, "png", 400, 200, false))
	if _, _, err := f.st.SendMessage(ctx, f.tenant, "alice", f.room, store.NewMessage{Content: "x", Attachments: []string{up.ID}}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Process(ctx, discard{}, f.tenant, up); err != nil {
		t.Fatal(err)
	}
	log, err := f.st.ListRoomEvents(ctx, f.tenant, "alice", f.room, nil, 100)
	if err != nil || len(log) < 2 {
		t.Fatalf("log: %v %v", log, err)
	}
	for _, e := range log[len(log)-2:] {
		t.Run(string(e.Type), func(t *testing.T) {
			signed, err := svc.SignFrame(ctx, f.tenant, e.Frame)
			if err != nil {
				t.Fatal(err)
			}
			var fr struct {
				Attachments []struct {
					URL          string  `json:"url"`
					ThumbnailURL *string `json:"thumbnail_url"`
				} `json:"attachments"`
				Attachment *struct {
					URL          string  `json:"url"`
					ThumbnailURL *string `json:"thumbnail_url"`
				} `json:"attachment"`
			}
			if err := json.Unmarshal(signed, &fr); err != nil {
				t.Fatal(err)
			}
			if fr.Attachment != nil {
				fr.Attachments = append(fr.Attachments, *fr.Attachment)
			}
			if len(fr.Attachments) != 1 || fr.Attachments[0].URL == "" || fr.Attachments[0].ThumbnailURL == nil {
				t.Fatalf("signed frame %s, want the attachment's url and thumbnail_url", signed)
			}
		})
	}
}
