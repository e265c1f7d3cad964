package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	_ "image/jpeg" // the thumbnails of opaque images
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/chatapi/chatapi/gen/chatclient"
	"github.com/chatapi/chatapi/realtime"
)

// processedFrame is attachment.processed as a client reads it.
type processedFrame struct {
	Type       string                `json:"type"`
	RoomID     string                `json:"room_id"`
	MessageID  *string               `json:"message_id"`
	UploadID   string                `json:"upload_id"`
	EventSeq   int64                 `json:"event_seq"`
	Seq        int64                 `json:"seq"`
	Attachment chatclient.Attachment `json:"attachment"`
}

// wsReader reads a connection's frames until one of a type.
type wsReader struct {
	t    *testing.T
	ctx  context.Context
	conn *websocket.Conn
}

func (tn tenant) dialWS(t *testing.T, ctx context.Context, user string) wsReader {
	t.Helper()
	wsURL := "ws" + strings.TrimPrefix(tn.e.url, "http") + "/ws?token=" + url.QueryEscape(tn.token(user))
	conn, _, err := websocket.Dial(ctx, wsURL, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	r := wsReader{t, ctx, conn}
	r.until("sync.complete")
	return r
}

// until returns the raw frame of the first event of typ, skipping others.
func (r wsReader) until(typ string) []byte {
	r.t.Helper()
	for {
		_, raw, err := r.conn.Read(r.ctx)
		if err != nil {
			r.t.Fatalf("read waiting for %s: %v", typ, err)
		}
		var f struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(raw, &f); err != nil {
			r.t.Fatalf("frame %q: %v", raw, err)
		}
		if f.Type == typ {
			return raw
		}
	}
}

// checkThumbnail fetches a thumbnail URL without any header and checks it
// is an image of the size announced, at most 320 pixels on its long side,
// with the aspect of a w×h image.
func checkThumbnail(t *testing.T, where string, a chatclient.Attachment, w, h int) {
	t.Helper()
	if a.ThumbnailUrl == nil || a.ThumbnailWidth == nil || a.ThumbnailHeight == nil {
		t.Fatalf("%s: attachment = %+v, want a thumbnail", where, a)
	}
	code, body := fetch(t, *a.ThumbnailUrl)
	if code != http.StatusOK {
		t.Fatalf("%s: GET thumbnail_url without headers: %d", where, code)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: thumbnail does not decode: %v", where, err)
	}
	if cfg.Width != *a.ThumbnailWidth || cfg.Height != *a.ThumbnailHeight {
		t.Fatalf("%s: thumbnail is %d×%d (%s), announced %d×%d", where, cfg.Width, cfg.Height, format, *a.ThumbnailWidth, *a.ThumbnailHeight)
	}
	if max(cfg.Width, cfg.Height) > 320 {
		t.Fatalf("%s: thumbnail is %d×%d, long side over 320", where, cfg.Width, cfg.Height)
	}
	// The aspect kept within a pixel's rounding.
	if got, want := cfg.Width*h, cfg.Height*w; abs(got-want) > max(w, h) {
		t.Fatalf("%s: thumbnail %d×%d has not the aspect of %d×%d", where, cfg.Width, cfg.Height, w, h)
	}
}

func abs(n int) int { return max(n, -n) }

// An image attached before its thumbnail is made: the room gets
// attachment.processed as an event of its log, whose thumbnail URL works
// without headers; the message shows the thumbnail from then on. The
// processing starts after the upload was completed, as after a restart:
// what was owed is found in the store.
func TestThumbnailOfAttachedImage(t *testing.T) {
	thumbnailOfAttachedImage(t, newEnvWith(t, envOptions{hub: realHub(t, realtime.Config{})}))
}

// The same with the bytes, and the thumbnails, in an S3-compatible bucket.
func TestThumbnailOfAttachedImageS3(t *testing.T) {
	thumbnailOfAttachedImage(t, newEnvWith(t, envOptions{s3: s3Server(t), hub: realHub(t, realtime.Config{})}))
}

func thumbnailOfAttachedImage(t *testing.T, e *env) {
	tn := e.newTenant("acme", 1000)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")

	tests := []struct {
		name string
		w, h int
	}{
		{"wide", 1000, 500},
		{"tall", 300, 1200},
		{"small", 200, 100},
	}
	bob := tn.dialWS(t, ctx, "bob")
	for _, tc := range tests {
		up := tn.upload(t, "alice", room.RoomId, tc.name+".png", "image/png", pngOf(t, tc.w, tc.h))
		atts := []string{up.UploadId}
		r, err := tn.as("alice").SendMessageWithResponse(ctx, room.RoomId, chatclient.SendMessageRequest{Content: tc.name, Attachments: &atts})
		if err != nil || r.JSON201 == nil {
			t.Fatalf("send: %v %s", err, bodyOf(r))
		}
		if a := (*r.JSON201.Data.Attachments)[0]; a.ThumbnailUrl != nil {
			t.Fatalf("%s: thumbnail before processing: %+v", tc.name, a)
		}
	}
	e.startProcessing()

	// In the order the store lists them, which is not the order sent.
	got := map[string]processedFrame{}
	for range tests {
		raw := bob.until("attachment.processed")
		var f processedFrame
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatal(err)
		}
		if f.RoomID != room.RoomId || f.MessageID == nil || f.EventSeq == 0 || f.Seq == 0 || f.UploadID != f.Attachment.UploadId {
			t.Fatalf("attachment.processed = %s", raw)
		}
		got[f.Attachment.Filename] = f
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, ok := got[tc.name+".png"]
			if !ok {
				t.Fatalf("no attachment.processed of %s.png", tc.name)
			}
			checkThumbnail(t, "WebSocket event", f.Attachment, tc.w, tc.h)
		})
	}

	l, err := tn.as("bob").ListMessagesWithResponse(ctx, room.RoomId, nil)
	if err != nil || l.JSON200 == nil || len(l.JSON200.Data) != len(tests) {
		t.Fatalf("list: %v %s", err, bodyOf(l))
	}
	for i, tc := range tests {
		checkThumbnail(t, "message list "+tc.name, (*l.JSON200.Data[i].Attachments)[0], tc.w, tc.h)
	}
	code, events, body := tn.roomEvents("bob", room.RoomId, nil, nil)
	if code != http.StatusOK {
		t.Fatalf("room events: %d %s", code, body)
	}
	var processed int
	for _, ev := range events {
		if ev.Type == "attachment.processed" {
			processed++
		}
	}
	if processed != len(tests) {
		t.Fatalf("room log holds %d attachment.processed, want %d: %v", processed, len(tests), strs(events))
	}
}

// An image processed before it is attached: its uploader alone is told,
// without a place in any log, and the message it is then attached to
// carries the thumbnail from the start.
func TestThumbnailBeforeAttaching(t *testing.T) {
	e := newEnvWith(t, envOptions{hub: realHub(t, realtime.Config{})})
	e.startProcessing()
	tn := e.newTenant("acme", 1000)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	alice := tn.dialWS(t, ctx, "alice")

	up := tn.upload(t, "alice", room.RoomId, "photo.png", "image/png", pngOf(t, 640, 480))
	var f processedFrame
	if err := json.Unmarshal(alice.until("attachment.processed"), &f); err != nil {
		t.Fatal(err)
	}
	if f.MessageID != nil || f.EventSeq != 0 || f.UploadID != up.UploadId {
		t.Fatalf("attachment.processed before attaching = %+v", f)
	}
	checkThumbnail(t, "uploader's event", f.Attachment, 640, 480)
	g, err := tn.as("alice").GetUploadWithResponse(ctx, up.UploadId)
	if err != nil || g.JSON200 == nil || g.JSON200.Data.ThumbnailUrl == nil {
		t.Fatalf("upload after processing: %v %s", err, bodyOf(g))
	}

	atts := []string{up.UploadId}
	r, err := tn.as("alice").SendMessageWithResponse(ctx, room.RoomId, chatclient.SendMessageRequest{Content: "look", Attachments: &atts})
	if err != nil || r.JSON201 == nil {
		t.Fatalf("send: %v %s", err, bodyOf(r))
	}
	checkThumbnail(t, "send answer", (*r.JSON201.Data.Attachments)[0], 640, 480)
	code, events, body := tn.roomEvents("bob", room.RoomId, nil, nil)
	if code != http.StatusOK {
		t.Fatalf("room events: %d %s", code, body)
	}
	for _, ev := range events {
		if ev.Type == "attachment.processed" {
			t.Fatalf("room log has attachment.processed of an upload processed before it was attached: %v", strs(events))
		}
	}
}
