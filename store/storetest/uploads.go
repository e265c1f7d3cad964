package storetest

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

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

// testTenantUploadLimits creates tenants with their own upload limits,
// shown on the tenant and applied to its uploads; a malformed limit
// creates nothing.
func testTenantUploadLimits(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	own := store.UploadLimits{MaxBytes: 10, QuotaBytes: 15, Types: []string{"text/plain"}}
	tn, err := s.CreateTenantWithLimits(ctx, "limited", 0, "hash-limited", own)
	if err != nil {
		t.Fatal(err)
	}
	if l := tn.Uploads; l.MaxBytes != 10 || l.QuotaBytes != 15 || !slices.Equal(l.Types, own.Types) {
		t.Fatalf("created tenant's limits = %+v", l)
	}
	read, err := s.TenantByKeyHash(ctx, "hash-limited")
	if err != nil || !slices.Equal(read.Uploads.Types, own.Types) || read.Uploads.MaxBytes != 10 {
		t.Fatalf("tenant read back = %+v, %v", read, err)
	}
	partial, err := s.CreateTenantWithLimits(ctx, "partial", 0, "hash-partial", store.UploadLimits{MaxBytes: 5})
	if err != nil {
		t.Fatal(err)
	}
	if l := partial.Uploads; l.MaxBytes != 5 || l.QuotaBytes != store.DefaultUploadQuotaBytes || !slices.Equal(l.Types, store.DefaultUploadTypes) {
		t.Fatalf("limits of a tenant with a file size only = %+v, want the other defaults", l)
	}
	room := newRoom(t, s, tn.ID, "alice", store.RoomGroup)
	if _, err := s.CreateUpload(ctx, tn.ID, "alice", store.NewUpload{RoomID: room.ID, Filename: "f", ContentType: "text/plain", Size: 11, SHA256: "00"}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("upload over the tenant's size: %v, want ErrInvalid", err)
	}
	for _, bad := range []store.UploadLimits{
		{MaxBytes: -1}, {QuotaBytes: -5}, {Types: []string{"text"}}, {Types: []string{"Text/Plain"}},
		{Types: []string{"text/plain,image/png"}}, {Types: []string{"image/png", "image/png"}},
	} {
		if _, err := s.CreateTenantWithLimits(ctx, "bad", 0, "hash-bad", bad); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("CreateTenantWithLimits(%+v): %v, want ErrInvalid", bad, err)
		}
	}
	if _, err := s.TenantByKeyHash(ctx, "hash-bad"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a refused tenant was stored: %v", err)
	}
}

// testEditAttachments replaces a message's uploads by the rules of a send:
// one it keeps, one it takes off (free to attach again), one it adds; a
// refused edit changes nothing.
func testEditAttachments(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
	room2 := newRoom(t, s, tenant, "alice", store.RoomGroup)
	ready := func(user, roomID string) string {
		t.Helper()
		up, err := s.CreateUpload(ctx, tenant, user, store.NewUpload{RoomID: roomID, Filename: "f-" + user, ContentType: "text/plain", Size: 1, SHA256: "00"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CompleteUpload(ctx, tenant, user, up.ID, nil, nil); err != nil {
			t.Fatal(err)
		}
		return up.ID
	}
	kept, removed, added := ready("alice", room.ID), ready("alice", room.ID), ready("alice", room.ID)
	ofRoom2, bobs := ready("alice", room2.ID), ready("bob", room.ID)
	msg, _, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{Content: "files", Attachments: []string{kept, removed}})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(m store.Message) []string {
		var out []string
		for _, a := range m.Attachments {
			out = append(out, a.UploadID)
		}
		return out
	}
	refusals := []struct {
		name string
		ids  []string
		want error
	}{
		{"another room's upload", []string{kept, ofRoom2}, store.ErrConflict},
		{"another member's upload", []string{bobs}, store.ErrNotFound},
		{"an unknown upload", []string{"up_nothing"}, store.ErrNotFound},
		{"an upload twice", []string{kept, kept}, store.ErrInvalid},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.EditMessage(ctx, tenant, "alice", room.ID, msg.ID, store.MessageUpdate{Attachments: &tc.ids}); !errors.Is(err, tc.want) {
				t.Fatalf("EditMessage: %v, want %v", err, tc.want)
			}
		})
	}
	if up, err := s.GetUpload(ctx, tenant, "alice", removed); err != nil || up.MessageID == nil || *up.MessageID != msg.ID {
		t.Fatalf("after the refusals, %s = %+v, %v; want it still attached", removed, up, err)
	}

	edited, err := s.EditMessage(ctx, tenant, "alice", room.ID, msg.ID, store.MessageUpdate{Attachments: &[]string{added, kept}})
	if err != nil {
		t.Fatalf("EditMessage: %v", err)
	}
	if got := ids(edited); !slices.Equal(got, []string{added, kept}) || edited.EditedAt == nil {
		t.Fatalf("edited attachments = %v, want [%s %s]", got, added, kept)
	}
	if up, err := s.GetUpload(ctx, tenant, "alice", removed); err != nil || up.MessageID != nil {
		t.Fatalf("the upload taken off = %+v, %v; want it unattached", up, err)
	}
	if _, _, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{Content: "again", Attachments: []string{removed}}); err != nil {
		t.Fatalf("attaching the upload taken off: %v", err)
	}
	msgs, err := s.ListMessages(ctx, tenant, "bob", room.ID, store.MessagePage{})
	if err != nil || !slices.Equal(ids(msgs[0]), []string{added, kept}) {
		t.Fatalf("message listed after the edit: %v %v", msgs, err)
	}
	cleared, err := s.EditMessage(ctx, tenant, "alice", room.ID, msg.ID, store.MessageUpdate{Attachments: &[]string{}})
	if err != nil || len(cleared.Attachments) != 0 {
		t.Fatalf("edit removing every attachment = %+v, %v", cleared.Attachments, err)
	}
	if up, err := s.GetUpload(ctx, tenant, "alice", kept); err != nil || up.MessageID != nil {
		t.Fatalf("an upload of a cleared message = %+v, %v; want it unattached", up, err)
	}
}

// testAbandonedUploads claims, for deletion, the uploads not attached to a
// message created before a time, across tenants, and no other: a claimed
// upload cannot be attached, and is gone once forgotten.
func testAbandonedUploads(t *testing.T, b Backend) {
	s, clk := newStoreClock(t, b)
	ctx := t.Context()
	tenant, other := newTenant(t, s), newTenant(t, s)
	room := newRoom(t, s, tenant, "alice", store.RoomGroup)
	otherRoom := newRoom(t, s, other, "alice", store.RoomGroup)
	declare := func(tn, roomID string, complete bool) string {
		t.Helper()
		up, err := s.CreateUpload(ctx, tn, "alice", store.NewUpload{RoomID: roomID, Filename: "f", ContentType: "text/plain", Size: 1, SHA256: "00"})
		if err != nil {
			t.Fatal(err)
		}
		if complete {
			if _, err := s.CompleteUpload(ctx, tn, "alice", up.ID, nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		return up.ID
	}
	attached, ready, pending, others := declare(tenant, room.ID, true), declare(tenant, room.ID, true), declare(tenant, room.ID, false), declare(other, otherRoom.ID, true)
	if _, _, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{Content: "x", Attachments: []string{attached}}); err != nil {
		t.Fatal(err)
	}
	if refs, err := s.ClaimAbandonedUploads(ctx, clk.Now().Add(-time.Hour), 10); err != nil || len(refs) != 0 {
		t.Fatalf("claim of uploads older than an hour = %v, %v; want none", refs, err)
	}
	refs, err := s.ClaimAbandonedUploads(ctx, clk.Now().Add(time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range refs {
		got = append(got, r.ID)
	}
	slices.Sort(got)
	want := []string{ready, pending, others}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("claimed %v, want %v", got, want)
	}
	if _, _, err := s.SendMessage(ctx, tenant, "alice", room.ID, store.NewMessage{Content: "late", Attachments: []string{ready}}); err == nil {
		t.Fatal("a claimed upload was attached")
	}
	if _, err := s.GetUpload(ctx, tenant, "alice", ready); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetUpload of a claimed upload: %v, want ErrNotFound", err)
	}
	for _, r := range refs {
		if err := s.ForgetUpload(ctx, r.TenantID, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	if refs, err := s.ClaimAbandonedUploads(ctx, clk.Now().Add(time.Hour), 10); err != nil || len(refs) != 0 {
		t.Fatalf("claim after forgetting = %v, %v; want none", refs, err)
	}
	if up, err := s.GetUpload(ctx, tenant, "alice", attached); err != nil || up.MessageID == nil {
		t.Fatalf("the attached upload = %+v, %v; want it kept", up, err)
	}
}
