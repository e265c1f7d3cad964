package files_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chatapi/chatapi/files"
	"github.com/chatapi/chatapi/storage"
	"github.com/chatapi/chatapi/store"
)

// CollectAbandoned deletes, record and bytes (thumbnail included), the
// uploads not attached to a message once older than the age given, pending
// or complete, and leaves attached and younger ones alone.
func TestCollectAbandoned(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	now := time.Now()
	svc := files.New(f.st, f.backend, files.Config{Now: func() time.Time { return now }})
	attached := f.complete(t, svc, "image/png", encoded(t, "png", 400, 300, false))
	abandoned := f.complete(t, svc, "image/png", encoded(t, "png", 400, 300, false))
	for _, up := range []store.Upload{attached, abandoned} {
		if err := svc.Process(ctx, discard{}, f.tenant, up); err != nil {
			t.Fatal(err)
		}
	}
	pending, err := svc.Create(ctx, f.tenant, "alice", store.NewUpload{RoomID: f.room, Filename: "p", ContentType: "text/plain", Size: 3, SHA256: "00"})
	if err != nil {
		t.Fatal(err)
	}
	// Its bytes put, never completed.
	if err := f.backend.Put(ctx, store.UploadPutKey(f.tenant, pending.Upload.ID), strings.NewReader("abc"), 3, "text/plain"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.st.SendMessage(ctx, f.tenant, "alice", f.room, store.NewMessage{Content: "kept", Attachments: []string{attached.ID}}); err != nil {
		t.Fatal(err)
	}

	if n, err := svc.CollectAbandoned(ctx, 24*time.Hour); err != nil || n != 0 {
		t.Fatalf("collecting uploads younger than a day: %d, %v; want none deleted", n, err)
	}
	now = now.Add(24*time.Hour + time.Minute)
	if n, err := svc.CollectAbandoned(ctx, 24*time.Hour); err != nil || n != 2 {
		t.Fatalf("collecting a day later: %d, %v; want 2 deleted", n, err)
	}
	tests := []struct {
		name string
		id   string
		gone bool
	}{
		{"attached", attached.ID, false},
		{"complete, never attached", abandoned.ID, true},
		{"pending", pending.Upload.ID, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.Get(ctx, f.tenant, "alice", tc.id)
			if gone := errors.Is(err, store.ErrNotFound); gone != tc.gone {
				t.Fatalf("record: %v, want gone %v", err, tc.gone)
			}
			for _, key := range []string{store.UploadKey(f.tenant, tc.id), store.ThumbnailKey(f.tenant, tc.id), store.UploadPutKey(f.tenant, tc.id)} {
				if key == store.UploadPutKey(f.tenant, tc.id) && !tc.gone {
					continue // gone once completed, kept while pending
				}
				_, err := f.backend.Stat(ctx, key)
				if tc.gone && !errors.Is(err, storage.ErrNotFound) {
					t.Errorf("%s: %v, want deleted", key, err)
				}
				if !tc.gone && tc.id != pending.Upload.ID && err != nil {
					t.Errorf("%s: %v, want kept", key, err)
				}
			}
		})
	}
	if _, _, err := f.st.SendMessage(ctx, f.tenant, "alice", f.room, store.NewMessage{Content: "late", Attachments: []string{abandoned.ID}}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("attaching a deleted upload: %v, want ErrNotFound", err)
	}
}
