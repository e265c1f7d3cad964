package storetest

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/chatapi/chatapi/store"
)

// testUploads declares, completes and forgets uploads within a tenant's
// limits, and keeps them to their uploader and tenant.
func testUploads(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	other := newTenant(t, s)
	room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	closed := newRoom(t, s, tenant, "carol", store.RoomGroup)
	if err := s.SetUploadLimits(ctx, other, store.UploadLimits{MaxBytes: 100, QuotaBytes: 150, Types: []string{"text/plain"}}); err != nil {
		t.Fatalf("SetUploadLimits: %v", err)
	}
	otherRoom := newRoom(t, s, other, "alice", store.RoomGroup)
	file := func(roomID, ctype string, size int64) store.NewUpload {
		return store.NewUpload{RoomID: roomID, Filename: "f", ContentType: ctype, Size: size, SHA256: "00"}
	}

	up, err := s.CreateUpload(ctx, tenant, "alice", file(room.ID, "image/png", 1000))
	if err != nil {
		t.Fatalf("CreateUpload: %v", err)
	}
	if up.Status != store.UploadPending || up.UploaderID != "alice" || up.RoomID != room.ID {
		t.Fatalf("created upload = %+v", up)
	}

	refusals := []struct {
		name    string
		tenant  string
		actor   string
		u       store.NewUpload
		wantErr error
	}{
		{"room of another tenant", tenant, "alice", file(otherRoom.ID, "image/png", 1), store.ErrNotFound},
		{"room the actor is not in", tenant, "alice", file(closed.ID, "image/png", 1), store.ErrForbidden},
		{"over the default size limit", tenant, "alice", file(room.ID, "image/png", store.DefaultUploadMaxBytes+1), store.ErrInvalid},
		{"type outside the default allow-list", tenant, "alice", file(room.ID, "text/html", 1), store.ErrInvalid},
		{"over the tenant's own size limit", other, "alice", file(otherRoom.ID, "text/plain", 101), store.ErrInvalid},
		{"type outside the tenant's own allow-list", other, "alice", file(otherRoom.ID, "image/png", 1), store.ErrInvalid},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.CreateUpload(ctx, tc.tenant, tc.actor, tc.u); !errors.Is(err, tc.wantErr) {
				t.Fatalf("CreateUpload: %v, want %v", err, tc.wantErr)
			}
		})
	}
	t.Run("quota", func(t *testing.T) {
		if _, err := s.CreateUpload(ctx, other, "alice", file(otherRoom.ID, "text/plain", 100)); err != nil {
			t.Fatalf("first upload: %v", err)
		}
		_, err := s.CreateUpload(ctx, other, "alice", file(otherRoom.ID, "text/plain", 51))
		var conflict *store.ConflictError
		if !errors.As(err, &conflict) || conflict.Field != "size" {
			t.Fatalf("upload over the quota: %v, want a ConflictError on size", err)
		}
	})
	t.Run("isolation", func(t *testing.T) {
		for _, who := range []struct{ tenant, actor string }{{tenant, "bob"}, {other, "alice"}} {
			if _, err := s.GetUpload(ctx, who.tenant, who.actor, up.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("GetUpload as %s of %s: %v, want ErrNotFound", who.actor, who.tenant, err)
			}
			if _, err := s.CompleteUpload(ctx, who.tenant, who.actor, up.ID, nil, nil); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("CompleteUpload as %s of %s: %v, want ErrNotFound", who.actor, who.tenant, err)
			}
		}
		if err := s.DeleteUpload(ctx, other, up.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetUpload(ctx, tenant, "alice", up.ID); err != nil {
			t.Fatalf("another tenant's delete removed the upload: %v", err)
		}
	})
	t.Run("complete", func(t *testing.T) {
		w, h := 64, 48
		got, err := s.CompleteUpload(ctx, tenant, "alice", up.ID, &w, &h)
		if err != nil {
			t.Fatalf("CompleteUpload: %v", err)
		}
		if got.Status != store.UploadReady || got.Width == nil || *got.Width != 64 || *got.Height != 48 {
			t.Fatalf("completed = %+v, want ready 64×48", got)
		}
		again, err := s.CompleteUpload(ctx, tenant, "alice", up.ID, nil, nil)
		if err != nil || again.Width == nil || *again.Width != 64 {
			t.Fatalf("second CompleteUpload = %+v, %v; want it unchanged", again, err)
		}
	})
	t.Run("delete", func(t *testing.T) {
		if err := s.DeleteUpload(ctx, tenant, up.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetUpload(ctx, tenant, "alice", up.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("GetUpload after delete: %v, want ErrNotFound", err)
		}
	})
}

// testUploadProcessing finds the images owed their thumbnail and records
// it: on the message and in the room's log when the upload is attached by
// then, on the upload alone (for the message that attaches it later)
// when not; once, however often it is recorded.
func testUploadProcessing(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	complete := func(ctype string, w, h *int) store.Upload {
		t.Helper()
		up, err := s.CreateUpload(ctx, tenant, "alice", store.NewUpload{RoomID: room.ID, Filename: "f", ContentType: ctype, Size: 10, SHA256: "00"})
		if err != nil {
			t.Fatal(err)
		}
		if up, err = s.CompleteUpload(ctx, tenant, "alice", up.ID, w, h); err != nil {
			t.Fatal(err)
		}
		return up
	}
	w, h := 640, 480
	attachedFirst := complete("image/png", &w, &h)
	processedFirst := complete("image/png", &w, &h)
	text := complete("text/plain", nil, nil)
	gone := complete("image/png", &w, &h)

	owed, err := s.UnprocessedUploads(ctx, "", "", 100)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, u := range owed {
		if u.TenantID != tenant {
			t.Fatalf("owed upload of tenant %s, want %s", u.TenantID, tenant)
		}
		ids = append(ids, u.Upload.ID)
	}
	if len(ids) != 3 || slices.Contains(ids, text.ID) {
		t.Fatalf("owed uploads = %v; want the three images, not the text file %s", ids, text.ID)
	}
	if page, err := s.UnprocessedUploads(ctx, owed[0].TenantID, owed[0].Upload.ID, 100); err != nil || len(page) != 2 {
		t.Fatalf("owed uploads after the first = %d, %v; want 2", len(page), err)
	}

	send := func(id string) store.Message {
		t.Helper()
		msg, _, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{Content: "see", Attachments: []string{id}})
		if err != nil {
			t.Fatalf("send: %v", err)
		}
		return msg
	}
	thumb := &store.Thumbnail{Width: 320, Height: 240}

	t.Run("attached first", func(t *testing.T) {
		msg := send(attachedFirst.ID)
		if a := msg.Attachments[0]; a.ThumbWidth != nil {
			t.Fatalf("attachment before processing = %+v", a)
		}
		got, err := s.MarkUploadProcessed(ctx, tenant, attachedFirst.ID, thumb)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Changed || got.Event == nil || got.Event.Type != store.EventAttachmentProcessed || got.Event.MessageSeq != msg.Seq {
			t.Fatalf("processed = %+v, want a room event about message %d", got, msg.Seq)
		}
		var frame struct {
			MessageID  string `json:"message_id"`
			UploadID   string `json:"upload_id"`
			Attachment struct {
				ThumbnailWidth int `json:"thumbnail_width"`
			} `json:"attachment"`
		}
		if err := json.Unmarshal(got.Event.Frame, &frame); err != nil || frame.MessageID != msg.ID || frame.UploadID != attachedFirst.ID || frame.Attachment.ThumbnailWidth != 320 {
			t.Fatalf("frame = %s (%v)", got.Event.Frame, err)
		}
		events, err := s.ListRoomEvents(ctx, tenant, "bob", room.ID, &got.Event.EventSeq, 10)
		if err != nil || len(events) != 0 {
			t.Fatalf("events after attachment.processed: %v %v", events, err)
		}
		after := got.Event.EventSeq - 1
		if events, err = s.ListRoomEvents(ctx, tenant, "bob", room.ID, &after, 10); err != nil || len(events) != 1 || events[0].Type != store.EventAttachmentProcessed {
			t.Fatalf("the log's last event: %v %v", events, err)
		}
		msgs, err := s.ListMessages(ctx, tenant, "bob", room.ID, store.MessagePage{})
		if err != nil {
			t.Fatal(err)
		}
		if a := msgs[len(msgs)-1].Attachments[0]; a.ThumbWidth == nil || *a.ThumbWidth != 320 || *a.ThumbHeight != 240 {
			t.Fatalf("message's attachment after processing = %+v", a)
		}
		if again, err := s.MarkUploadProcessed(ctx, tenant, attachedFirst.ID, thumb); err != nil || again.Changed || again.Event != nil {
			t.Fatalf("second MarkUploadProcessed = %+v, %v; want no change", again, err)
		}
	})
	t.Run("processed first", func(t *testing.T) {
		got, err := s.MarkUploadProcessed(ctx, tenant, processedFirst.ID, thumb)
		if err != nil || !got.Changed || got.Event != nil {
			t.Fatalf("processed = %+v, %v; want a change and no room event", got, err)
		}
		msg := send(processedFirst.ID)
		if a := msg.Attachments[0]; a.ThumbWidth == nil || *a.ThumbWidth != 320 {
			t.Fatalf("attachment of a processed upload = %+v, want its thumbnail", a)
		}
	})
	t.Run("gone", func(t *testing.T) {
		if err := s.DeleteUpload(ctx, tenant, gone.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MarkUploadProcessed(ctx, tenant, gone.ID, nil); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("MarkUploadProcessed of a deleted upload: %v, want ErrNotFound", err)
		}
	})
	if owed, err := s.UnprocessedUploads(ctx, "", "", 100); err != nil || len(owed) != 0 {
		t.Fatalf("owed uploads at the end = %v, %v; want none", owed, err)
	}
}
