package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/chatapi/chatapi/gen/chatclient"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/storage"
	"github.com/chatapi/chatapi/storage/s3test"
	"github.com/chatapi/chatapi/store"
)

// s3Server is an S3-compatible server (moto behind s3test's signature
// gate) that lives until t ends.
func s3Server(t *testing.T) *s3test.Server {
	t.Helper()
	srv, err := s3test.Start()
	if err != nil {
		s3test.Unavailable(t, err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// The upload flow with the bytes in an S3-compatible bucket: the client
// PUTs to the service's presigned URL, the server checks the object there
// at completion, a member receives the message over WebSocket with a
// presigned GET that works without any header; a tampered, moved or expired
// URL, or a PUT of another size than declared, is refused by the service,
// and another tenant's upload id is 404.
func TestUploadFlowS3(t *testing.T) {
	srv := s3Server(t)
	e := newEnvWith(t, envOptions{s3: srv, hub: realHub(t, realtime.Config{})})
	tn := e.newTenant("acme", 1000)
	other := e.newTenant("other", 1000)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	data := pngOf(t, 640, 480)

	tk := tn.startUpload(t, "alice", room.RoomId, "photo.png", "image/png", data)
	if !strings.HasPrefix(tk.UploadUrl, srv.Endpoint+"/") {
		t.Fatalf("upload_url %s is not on the S3 endpoint %s", tk.UploadUrl, srv.Endpoint)
	}
	if code := putBytes(t, tk.UploadUrl, data); code != http.StatusOK {
		t.Fatalf("PUT to the presigned URL: %d", code)
	}
	c, err := tn.as("alice").CompleteUploadWithResponse(ctx, tk.UploadId)
	if err != nil || c.JSON200 == nil {
		t.Fatalf("complete: %v %s", err, bodyOf(c))
	}
	up := c.JSON200.Data
	if up.Status != chatclient.UploadStatusReady || up.Width == nil || *up.Width != 640 || up.Height == nil || *up.Height != 480 {
		t.Fatalf("completed upload = %+v, want ready 640×480", up)
	}

	wsURL := "ws" + strings.TrimPrefix(e.url, "http") + "/ws?token=" + url.QueryEscape(tn.token("bob"))
	conn, _, err := websocket.Dial(ctx, wsURL, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.CloseNow()
	type frame struct {
		Type        string                  `json:"type"`
		MessageID   string                  `json:"message_id"`
		Attachments []chatclient.Attachment `json:"attachments"`
	}
	next := func() frame {
		t.Helper()
		_, raw, err := conn.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		var f frame
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatalf("frame %q: %v", raw, err)
		}
		return f
	}
	if f := next(); f.Type != "sync.complete" {
		t.Fatalf("first event = %+v, want sync.complete", f)
	}
	atts := []string{up.UploadId}
	r, err := tn.as("alice").SendMessageWithResponse(ctx, room.RoomId, chatclient.SendMessageRequest{Content: "look", Attachments: &atts})
	if err != nil || r.JSON201 == nil {
		t.Fatalf("send: %v %s", err, bodyOf(r))
	}
	var f frame
	for f = next(); f.Type != "message"; f = next() {
	}
	if f.MessageID != r.JSON201.Data.MessageId || len(f.Attachments) != 1 || f.Attachments[0].Url == nil {
		t.Fatalf("WebSocket message = %+v, want the message with its attachment's url", f)
	}
	download := *f.Attachments[0].Url
	if !strings.HasPrefix(download, srv.Endpoint+"/") {
		t.Fatalf("download url %s is not on the S3 endpoint %s", download, srv.Endpoint)
	}
	if code, got := fetch(t, download); code != http.StatusOK || !bytes.Equal(got, data) {
		t.Fatalf("GET download url without headers: %d, %d bytes; want 200 and the PNG", code, len(got))
	}

	t.Run("another tenant's upload id", func(t *testing.T) {
		g, err := other.as("alice").GetUploadWithResponse(ctx, up.UploadId)
		refused(t, g, err, refusal{http.StatusNotFound, "NOT_FOUND", ""})
	})
	t.Run("tampered url", func(t *testing.T) {
		for name, u := range map[string]string{
			"another upload id":  strings.Replace(download, up.UploadId, anotherUploadID(up.UploadId), 1),
			"another tenant":     strings.Replace(download, tn.id, other.id, 1),
			"signature changed":  strings.Replace(download, "X-Amz-Signature=", "X-Amz-Signature=0", 1),
			"no signature":       strings.SplitN(download, "?", 2)[0],
			"expiry made a week": strings.Replace(download, "X-Amz-Expires=", "X-Amz-Expires=60480", 1),
		} {
			if code, _ := fetch(t, u); code != http.StatusForbidden {
				t.Errorf("%s: %d, want 403", name, code)
			}
		}
	})
	t.Run("expired url", func(t *testing.T) {
		srv.Advance(2 * time.Hour)
		defer srv.Advance(-2 * time.Hour)
		if code, _ := fetch(t, download); code != http.StatusForbidden {
			t.Fatalf("download url two hours later: %d, want 403", code)
		}
	})
	t.Run("PUT of another size than declared", func(t *testing.T) {
		tk := tn.startUpload(t, "alice", room.RoomId, "a.png", "image/png", data)
		for name, body := range map[string][]byte{"one byte more": append(append([]byte{}, data...), 0), "one byte less": data[:len(data)-1]} {
			if code := putBytes(t, tk.UploadUrl, body); code != http.StatusForbidden {
				t.Errorf("PUT %s: %d, want 403", name, code)
			}
		}
		if _, err := e.files.Stat(ctx, store.UploadPutKey(tn.id, tk.UploadId)); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("a refused PUT stored bytes (%v)", err)
		}
		c, err := tn.as("alice").CompleteUploadWithResponse(ctx, tk.UploadId)
		refused(t, c, err, refusal{http.StatusConflict, "CONFLICT", ""})
	})
}

// The refusals of TestUploadRefusals with the bytes in S3: whatever the
// server refuses at completion is deleted from the bucket too.
func TestUploadRefusalsS3(t *testing.T) {
	uploadRefusals(t, newEnvWith(t, envOptions{s3: s3Server(t)}))
}
