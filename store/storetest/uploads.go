package storetest

import (
	"errors"
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
