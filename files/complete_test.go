package files_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/chatapi/chatapi/files"
	"github.com/chatapi/chatapi/store"
)

// Completing moves the bytes put on the local disk; a try that moved them
// and stopped before the upload was recorded ready is completed by the
// next, and with nothing put anywhere the answer is still "no bytes yet".
func TestCompleteAfterAnInterruptedMove(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	svc := files.New(f.st, f.backend, files.Config{})
	data := encoded(t, "png", 40, 30, false)
	sum := sha256.Sum256(data)
	declare := func() store.Upload {
		tk, err := svc.Create(ctx, f.tenant, "alice", store.NewUpload{RoomID: f.room, Filename: "f", ContentType: "image/png", Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])})
		if err != nil {
			t.Fatal(err)
		}
		return tk.Upload
	}
	tests := []struct {
		name  string
		where func(id string) string // where the bytes are before Complete; nil for nowhere
		ready bool
	}{
		{"put, not moved", func(id string) string { return store.UploadPutKey(f.tenant, id) }, true},
		{"moved by an interrupted try", func(id string) string { return store.UploadKey(f.tenant, id) }, true},
		{"nothing put", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			up := declare()
			if tc.where != nil {
				if err := f.backend.Put(ctx, tc.where(up.ID), bytes.NewReader(data), int64(len(data)), "image/png"); err != nil {
					t.Fatal(err)
				}
			}
			got, err := svc.Complete(ctx, f.tenant, "alice", up.ID)
			if !tc.ready {
				var conflict *store.ConflictError
				if !errors.As(err, &conflict) {
					t.Fatalf("Complete = %+v, %v; want a ConflictError", got, err)
				}
				return
			}
			if err != nil || got.Status != store.UploadReady {
				t.Fatalf("Complete = %+v, %v; want ready", got, err)
			}
			if _, err := f.backend.Stat(ctx, store.UploadPutKey(f.tenant, up.ID)); err == nil {
				t.Error("the bytes put are still under the upload URL's key")
			}
		})
	}
}
