package realtime_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"path/filepath"
	"testing"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/files"
	"github.com/chatapi/chatapi/storage"
	"github.com/chatapi/chatapi/store"
)

// attachment.processed as files announces it, to the uploader before the
// upload is attached and to the room after, and as the room's log serves
// it, matches its asyncapi.yaml schema.
func TestAttachmentProcessedFrames(t *testing.T) {
	ctx := t.Context()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "chat.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	backend, err := storage.NewLocal(t.TempDir(), []byte("test storage secret 0123456789"), "http://files.test", nil)
	if err != nil {
		t.Fatal(err)
	}
	tn, err := st.CreateTenant(ctx, "acme", 0, "hash-acme")
	if err != nil {
		t.Fatal(err)
	}
	room, err := st.CreateRoom(ctx, tn.ID, "alice", store.NewRoom{Type: store.RoomGroup, Members: []string{"bob"}})
	if err != nil {
		t.Fatal(err)
	}
	svc := files.New(st, backend, files.Config{})
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	img.Set(0, 0, color.RGBA{1, 2, 3, 255})
	var data bytes.Buffer
	if err := png.Encode(&data, img); err != nil {
		t.Fatal(err)
	}
	completed := func() store.Upload {
		t.Helper()
		sum := sha256.Sum256(data.Bytes())
		tk, err := svc.Create(ctx, tn.ID, "alice", store.NewUpload{RoomID: room.ID, Filename: "a.png", ContentType: "image/png", Size: int64(data.Len()), SHA256: hex.EncodeToString(sum[:])})
		if err != nil {
			t.Fatal(err)
		}
		if err := backend.Put(ctx, store.UploadPutKey(tn.ID, tk.Upload.ID), bytes.NewReader(data.Bytes()), int64(data.Len()), "image/png"); err != nil {
			t.Fatal(err)
		}
		up, err := svc.Complete(ctx, tn.ID, "alice", tk.Upload.ID)
		if err != nil {
			t.Fatal(err)
		}
		return up
	}
	unattached, attached := completed(), completed()
	if _, _, err := st.SendMessage(ctx, tn.ID, "alice", room.ID, store.NewMessage{Content: "x", Attachments: []string{attached.ID}}); err != nil {
		t.Fatal(err)
	}
	rec := &event.Recorder{}
	for _, up := range []store.Upload{unattached, attached} {
		if err := svc.Process(ctx, rec, tn.ID, up); err != nil {
			t.Fatal(err)
		}
	}
	evs := rec.Events()
	if len(evs) != 2 {
		t.Fatalf("announced %d events, want 2", len(evs))
	}
	log, err := st.ListRoomEvents(ctx, tn.ID, "bob", room.ID, nil, 100)
	if err != nil {
		t.Fatal(err)
	}
	frames := map[string][]byte{"to the uploader": evs[0].Frame, "to the room": evs[1].Frame, "from the log": log[len(log)-1].Frame}
	for name, frame := range frames {
		t.Run(name, func(t *testing.T) {
			f, err := checkFrame(frame)
			if err != nil {
				t.Fatal(err)
			}
			if f.Type != "attachment.processed" {
				t.Fatalf("frame = %s", frame)
			}
		})
	}
}
