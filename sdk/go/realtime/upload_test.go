package realtime_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	chatapi "github.com/chatapi/chatapi/sdk/go"
	"github.com/chatapi/chatapi/sdk/go/realtime"
)

// TestUploadFile uploads a PNG with a user's token through UploadFile,
// sends a message that carries it, and sees the message arrive over the
// WebSocket with a URL that serves the same bytes without headers; then
// refusals come back as *UploadError with the server's code and field.
// Needs the chatapi binary (CHATAPI_BIN), as TestRestart.
func TestUploadFile(t *testing.T) {
	bin := os.Getenv("CHATAPI_BIN")
	if bin == "" {
		t.Skip("CHATAPI_BIN is not set: e2e's TestGoRealtimeSDK runs this test against the chatapi binary")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	// The local storage signs URLs of PUBLIC_URL; its files go to a
	// temporary directory.
	srv := startServer(t, bin, filepath.Join(t.TempDir(), "chat.db"), addr,
		"PUBLIC_URL=http://"+addr, "STORAGE_URL=file://"+t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	key := createTenant(ctx, t, srv.base)
	room := createRoom(ctx, t, srv.base, key, []string{"alice", "bob"})
	token, err := userToken(ctx, srv.base, key, "alice")
	if err != nil {
		t.Fatal(err)
	}
	rest, err := chatapi.NewClientWithResponses(srv.base,
		chatapi.WithBearerToken(func(context.Context) (string, error) { return token, nil }), chatapi.WithRetries(2))
	if err != nil {
		t.Fatal(err)
	}
	bob, err := realtime.Connect(ctx, realtime.Options{
		BaseURL: srv.base,
		Token:   func(ctx context.Context) (string, error) { return userToken(ctx, srv.base, key, "bob") },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer bob.Close()

	img := image.NewGray(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.Gray{Y: 200})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	pngBytes := buf.Bytes()

	up, err := realtime.UploadFile(ctx, rest, realtime.File{RoomID: room, Filename: "dot.png", ContentType: "image/png", Data: pngBytes})
	if err != nil {
		t.Fatalf("UploadFile: %v", err)
	}
	if up.Status != chatapi.UploadStatusReady || up.Size != int64(len(pngBytes)) || up.Width == nil || *up.Width != 3 || up.Height == nil || *up.Height != 2 || up.Url == nil {
		t.Fatalf("upload: %+v, want ready, %d bytes, 3×2, with a url", up, len(pngBytes))
	}
	attachments := []chatapi.UploadId{up.UploadId}
	sent, err := rest.SendMessageWithResponse(ctx, room, chatapi.SendMessageRequest{Content: "a dot", Attachments: &attachments})
	if err != nil || sent.JSON201 == nil {
		t.Fatalf("send with the attachment: %v %s", err, body(sent))
	}
	var live *realtime.Message
	for live == nil {
		select {
		case ev := <-bob.Events():
			if m, ok := ev.(realtime.Message); ok && m.MessageID == sent.JSON201.Data.MessageId {
				live = &m
			}
		case <-ctx.Done():
			t.Fatal("bob did not receive the message")
		}
	}
	if len(live.Attachments) != 1 || live.Attachments[0].UploadID != up.UploadId || live.Attachments[0].URL == nil {
		t.Fatalf("live message's attachments: %+v, want the upload with a url", live.Attachments)
	}
	for _, url := range []string{*up.Url, *live.Attachments[0].URL} {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || !bytes.Equal(got, pngBytes) {
			t.Fatalf("GET %s: status %d, %d bytes (%v), want 200 and the %d bytes put", url, resp.StatusCode, len(got), err, len(pngBytes))
		}
	}

	for _, tc := range []struct {
		name              string
		file              realtime.File
		step, code, field string
	}{
		{"not a PNG", realtime.File{RoomID: room, Filename: "x.png", ContentType: "image/png", Data: []byte("not an image")}, "complete", "VALIDATION_ERROR", "content_type"},
		{"outside the allow-list", realtime.File{RoomID: room, Filename: "x.exe", ContentType: "application/x-msdownload", Data: pngBytes}, "create", "VALIDATION_ERROR", "content_type"},
		{"no such room", realtime.File{RoomID: "room_00000000000000000000", Filename: "x.png", ContentType: "image/png", Data: pngBytes}, "create", "NOT_FOUND", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := realtime.UploadFile(ctx, rest, tc.file)
			var ue *realtime.UploadError
			if !errors.As(err, &ue) {
				t.Fatalf("UploadFile: %v, want an *UploadError", err)
			}
			if ue.Step != tc.step || ue.Code != tc.code || ue.Field != tc.field {
				t.Fatalf("UploadFile: %v, want step %s, code %s, field %q", ue, tc.step, tc.code, tc.field)
			}
		})
	}
}
