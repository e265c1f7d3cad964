package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chatapi/chatapi/gen/chatclient"
	"github.com/chatapi/chatapi/storage"
	"github.com/chatapi/chatapi/store"
)

// pngOf encodes a w×h PNG.
func pngOf(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngBomb is a PNG of a few hundred bytes whose header claims w×h pixels:
// decoding it would take w*h*4 bytes of memory.
func pngBomb(w, h uint32) []byte {
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
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk("IHDR", ihdr)
	chunk("IDAT", bytes.Repeat([]byte{0x78, 0x9c, 0xed, 0xc1, 0x01, 0x0d}, 50))
	chunk("IEND", nil)
	return b.Bytes()
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// startUpload declares data as a file of the room and returns its ticket.
func (tn tenant) startUpload(t *testing.T, user, roomID, name, ctype string, data []byte) chatclient.UploadTicket {
	t.Helper()
	r, err := tn.as(user).CreateUploadWithResponse(context.Background(), nil, chatclient.CreateUploadRequest{
		RoomId: roomID, Filename: name, ContentType: ctype, Size: int64(len(data)), Sha256: sha256Hex(data),
	})
	if err != nil || r.JSON201 == nil {
		t.Fatalf("create upload: %v %s", err, bodyOf(r))
	}
	return r.JSON201.Data
}

// putBytes PUTs body to a signed upload URL, without any header of the API.
func putBytes(t *testing.T, url string, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// fetch GETs a signed URL without headers, as an <img src> would.
func fetch(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// upload runs the three steps for data and returns the completed upload.
func (tn tenant) upload(t *testing.T, user, roomID, name, ctype string, data []byte) chatclient.Upload {
	t.Helper()
	tk := tn.startUpload(t, user, roomID, name, ctype, data)
	if code := putBytes(t, tk.UploadUrl, data); code != http.StatusOK {
		t.Fatalf("PUT upload: %d", code)
	}
	r, err := tn.as(user).CompleteUploadWithResponse(context.Background(), tk.UploadId)
	if err != nil || r.JSON200 == nil {
		t.Fatalf("complete upload: %v %s", err, bodyOf(r))
	}
	return r.JSON200.Data
}

func TestUploadFlow(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 0)
	other := e.newTenant("other", 0)
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	data := pngOf(t, 800, 600)

	up := tn.upload(t, "alice", room.RoomId, "diagram.png", "image/png", data)
	if up.Status != chatclient.UploadStatusReady || up.Width == nil || *up.Width != 800 || up.Height == nil || *up.Height != 600 {
		t.Fatalf("completed upload = %+v, want ready 800×600", up)
	}
	if up.Url == nil {
		t.Fatal("completed upload has no url")
	}
	code, got := fetch(t, *up.Url)
	if code != http.StatusOK || !bytes.Equal(got, data) {
		t.Fatalf("GET url without headers: %d, %d bytes; want 200 and the %d uploaded", code, len(got), len(data))
	}

	// Completing again answers the upload again.
	r, err := tn.as("alice").CompleteUploadWithResponse(context.Background(), up.UploadId)
	answered(t, r, err, http.StatusOK, "")

	// Only its uploader sees it, and only in its tenant.
	for name, c := range map[string]*chatclient.ClientWithResponses{
		"another member":       tn.as("bob"),
		"another tenant":       other.as("alice"),
		"another tenant's key": other.as("bob"),
	} {
		t.Run(name, func(t *testing.T) {
			r, err := c.GetUploadWithResponse(context.Background(), up.UploadId)
			refused(t, r, err, refusal{http.StatusNotFound, "NOT_FOUND", ""})
			rc, err := c.CompleteUploadWithResponse(context.Background(), up.UploadId)
			refused(t, rc, err, refusal{http.StatusNotFound, "NOT_FOUND", ""})
		})
	}

	// A URL tampered with or past its expiry is refused.
	t.Run("tampered url", func(t *testing.T) {
		tampered := strings.Replace(*up.Url, up.UploadId, anotherUploadID(up.UploadId), 1)
		if code, _ := fetch(t, tampered); code != http.StatusForbidden {
			t.Fatalf("tampered url: %d, want 403", code)
		}
		if code, _ := fetch(t, strings.Replace(*up.Url, tn.id, other.id, 1)); code != http.StatusForbidden {
			t.Fatalf("url moved to another tenant: %d, want 403", code)
		}
	})
	t.Run("expired url", func(t *testing.T) {
		e.advance(2 * time.Hour)
		if code, _ := fetch(t, *up.Url); code != http.StatusForbidden {
			t.Fatalf("expired url: %d, want 403", code)
		}
		e.advance(-2 * time.Hour)
	})
}

func TestUploadRefusals(t *testing.T) { uploadRefusals(t, newEnv(t)) }

// uploadRefusals runs the refusals on e's storage backend (see also
// TestUploadRefusalsS3).
func uploadRefusals(t *testing.T, e *env) {
	tn := e.newTenant("acme", 0)
	other := e.newTenant("other", 0)
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	otherRoom := other.createRoom("alice", chatclient.RoomTypeGroup)
	notMine := tn.createRoom("carol", chatclient.RoomTypeGroup)
	png := pngOf(t, 20, 10)
	ctx := context.Background()

	// Refused at declaration: nothing is created.
	declared := []struct {
		name string
		req  chatclient.CreateUploadRequest
		want refusal
	}{
		{"over the size limit", chatclient.CreateUploadRequest{RoomId: room.RoomId, Filename: "big.png", ContentType: "image/png", Size: store.DefaultUploadMaxBytes + 1, Sha256: sha256Hex(png)},
			refusal{http.StatusBadRequest, "VALIDATION_ERROR", "size"}},
		{"type outside the allow-list", chatclient.CreateUploadRequest{RoomId: room.RoomId, Filename: "setup.exe", ContentType: "application/x-msdownload", Size: 10, Sha256: sha256Hex(png)},
			refusal{http.StatusBadRequest, "VALIDATION_ERROR", "content_type"}},
		{"room of another tenant", chatclient.CreateUploadRequest{RoomId: otherRoom.RoomId, Filename: "a.png", ContentType: "image/png", Size: 10, Sha256: sha256Hex(png)},
			refusal{http.StatusNotFound, "NOT_FOUND", ""}},
		{"room the caller is not in", chatclient.CreateUploadRequest{RoomId: notMine.RoomId, Filename: "a.png", ContentType: "image/png", Size: 10, Sha256: sha256Hex(png)},
			refusal{http.StatusForbidden, "AUTHORIZATION_ERROR", ""}},
		{"slash in the name", chatclient.CreateUploadRequest{RoomId: room.RoomId, Filename: "../a.png", ContentType: "image/png", Size: 10, Sha256: sha256Hex(png)},
			refusal{http.StatusBadRequest, "VALIDATION_ERROR", "filename"}},
	}
	for _, tc := range declared {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tn.as("alice").CreateUploadWithResponse(ctx, nil, tc.req)
			refused(t, r, err, tc.want)
		})
	}

	// Refused at completion: the file and its upload are gone.
	completed := []struct {
		name     string
		declared string
		data     []byte
		sha      string
		reason   string
		field    string
	}{
		{"PNG declared, text put", "image/png", []byte("this is not a picture, just some text"), "", "content_mismatch", "content_type"},
		{"PNG declared, JPEG-less bytes as text", "text/plain", png, "", "content_mismatch", "content_type"},
		{"wrong sha256", "image/png", png, sha256Hex([]byte("something else")), "sha256_mismatch", "sha256"},
		{"40,000 × 40,000 PNG of a few hundred bytes", "image/png", pngBomb(40000, 40000), "", "image_too_large", "content_type"},
		{"PNG with a broken header", "image/png", append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 40)...), "", "image_unreadable", "content_type"},
	}
	for _, tc := range completed {
		t.Run(tc.name, func(t *testing.T) {
			sha := tc.sha
			if sha == "" {
				sha = sha256Hex(tc.data)
			}
			r, err := tn.as("alice").CreateUploadWithResponse(ctx, nil, chatclient.CreateUploadRequest{
				RoomId: room.RoomId, Filename: "f", ContentType: tc.declared, Size: int64(len(tc.data)), Sha256: sha})
			if err != nil || r.JSON201 == nil {
				t.Fatalf("create upload: %v %s", err, bodyOf(r))
			}
			tk := r.JSON201.Data
			if code := putBytes(t, tk.UploadUrl, tc.data); code != http.StatusOK {
				t.Fatalf("PUT: %d", code)
			}
			rc, err := tn.as("alice").CompleteUploadWithResponse(ctx, tk.UploadId)
			refused(t, rc, err, refusal{http.StatusBadRequest, "VALIDATION_ERROR", tc.field})
			var body struct {
				Error struct {
					Details map[string]any `json:"details"`
				} `json:"error"`
			}
			_ = json.Unmarshal(rc.Body, &body)
			if body.Error.Details["reason"] != tc.reason {
				t.Errorf("details.reason = %v, want %s", body.Error.Details["reason"], tc.reason)
			}
			// Nothing stored: neither the upload nor its bytes.
			g, err := tn.as("alice").GetUploadWithResponse(ctx, tk.UploadId)
			refused(t, g, err, refusal{http.StatusNotFound, "NOT_FOUND", ""})
			for _, key := range []string{store.UploadKey(tn.id, tk.UploadId), store.UploadPutKey(tn.id, tk.UploadId)} {
				if _, err := e.files.Stat(ctx, key); !errors.Is(err, storage.ErrNotFound) {
					t.Errorf("the refused file's bytes are still stored under %s (%v)", key, err)
				}
			}
		})
	}

	t.Run("complete before the bytes are put", func(t *testing.T) {
		tk := tn.startUpload(t, "alice", room.RoomId, "a.png", "image/png", png)
		r, err := tn.as("alice").CompleteUploadWithResponse(ctx, tk.UploadId)
		refused(t, r, err, refusal{http.StatusConflict, "CONFLICT", ""})
	})
	t.Run("PUT of another size than declared", func(t *testing.T) {
		tk := tn.startUpload(t, "alice", room.RoomId, "a.png", "image/png", png)
		// The local backend answers 400; S3 refuses the signature, whose
		// Content-Length is another, with 403.
		want := http.StatusBadRequest
		if _, local := e.files.(*storage.Local); !local {
			want = http.StatusForbidden
		}
		if code := putBytes(t, tk.UploadUrl, append(png, 0)); code != want {
			t.Fatalf("PUT one byte more: %d, want %d", code, want)
		}
		if _, err := e.files.Stat(ctx, store.UploadPutKey(tn.id, tk.UploadId)); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("a refused PUT stored bytes (%v)", err)
		}
	})
	t.Run("over the tenant's quota", func(t *testing.T) {
		small := e.newTenant("small", 0)
		if err := e.store.SetUploadLimits(ctx, small.id, store.UploadLimits{QuotaBytes: int64(len(png)) * 3 / 2}); err != nil {
			t.Fatal(err)
		}
		sroom := small.createRoom("alice", chatclient.RoomTypeGroup)
		small.upload(t, "alice", sroom.RoomId, "a.png", "image/png", png)
		r, err := small.as("alice").CreateUploadWithResponse(ctx, nil, chatclient.CreateUploadRequest{
			RoomId: sroom.RoomId, Filename: "b.png", ContentType: "image/png", Size: int64(len(png)), Sha256: sha256Hex(png)})
		refused(t, r, err, refusal{http.StatusConflict, "CONFLICT", "size"})
	})
}

// What completion checked is what is served: bytes put to the upload URL
// again afterwards (it stays valid until it expires), of the same size or
// not, change nothing a download gets, on either backend.
func TestUploadBytesFixedAtCompletion(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  func(t *testing.T) *env
	}{
		{"local", func(t *testing.T) *env { return newEnv(t) }},
		{"s3", func(t *testing.T) *env { return newEnvWith(t, envOptions{s3: s3Server(t)}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.env(t)
			tn := e.newTenant("acme", 0)
			room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
			data := pngOf(t, 40, 30)
			tk := tn.startUpload(t, "alice", room.RoomId, "a.png", "image/png", data)
			if code := putBytes(t, tk.UploadUrl, data); code != http.StatusOK {
				t.Fatalf("PUT upload: %d", code)
			}
			r, err := tn.as("alice").CompleteUploadWithResponse(context.Background(), tk.UploadId)
			if err != nil || r.JSON200 == nil || r.JSON200.Data.Url == nil {
				t.Fatalf("complete upload: %v %s", err, bodyOf(r))
			}
			swapped := bytes.Repeat([]byte("<html>"), len(data)/6+1)[:len(data)]
			if code := putBytes(t, tk.UploadUrl, swapped); code != http.StatusOK {
				t.Fatalf("PUT again after completion: %d, want 200 (the URL is still valid)", code)
			}
			code, got := fetch(t, *r.JSON200.Data.Url)
			if code != http.StatusOK || !bytes.Equal(got, data) {
				t.Fatalf("download after a second PUT: %d, %d bytes, equal %v; want 200 and the bytes checked", code, len(got), bytes.Equal(got, data))
			}
		})
	}
}

// anotherUploadID is id with its last character changed: a well-formed id
// of another upload.
func anotherUploadID(id string) string {
	last := "X"
	if strings.HasSuffix(id, last) {
		last = "Y"
	}
	return id[:len(id)-1] + last
}
