package storage_test

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatapi/chatapi/storage"
	"github.com/chatapi/chatapi/storage/storagetest"
)

func TestLocal(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) (storage.Backend, func(time.Duration)) {
		var skew atomic.Int64
		now := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
		// The base URL is known once the server listens; the handler is
		// set after.
		var l *storage.Local
		srv := httptest.NewServer(httpHandler(func() *storage.Local { return l }))
		t.Cleanup(srv.Close)
		var err error
		l, err = storage.NewLocal(t.TempDir(), []byte("0123456789abcdef0123"), srv.URL, now)
		if err != nil {
			t.Fatal(err)
		}
		return l, func(d time.Duration) { skew.Add(int64(d)) }
	})
}

func TestValidKey(t *testing.T) {
	tests := []struct {
		key  string
		want bool
	}{
		{"ten_1/up_2", true},
		{"ten_1/up_2/thumb.png", true},
		{"", false},
		{"../etc/passwd", false},
		{"a//b", false},
		{"/a", false},
		{"a/", false},
		{"a/./b", false},
		{"a b", false},
		{"a%2fb", false},
	}
	for _, tc := range tests {
		if got := storage.ValidKey(tc.key); got != tc.want {
			t.Errorf("ValidKey(%q) = %v, want %v", tc.key, got, tc.want)
		}
	}
}

// Move renames: dst gets src's bytes (replacing its own), src is gone
// after, and a src without an object is ErrNotFound.
func TestLocalMove(t *testing.T) {
	ctx := t.Context()
	l, err := storage.NewLocal(t.TempDir(), []byte("0123456789abcdef0123"), "http://localhost", time.Now)
	if err != nil {
		t.Fatal(err)
	}
	put := func(key, body string) {
		t.Helper()
		if err := l.Put(ctx, key, strings.NewReader(body), int64(len(body)), "text/plain"); err != nil {
			t.Fatal(err)
		}
	}
	put("ten_1/a.put", "new bytes")
	put("ten_1/b/c", "old")
	tests := []struct {
		name     string
		src, dst string
		want     string // dst's bytes after; "" for ErrNotFound
	}{
		{"into a new key, its folder made", "ten_1/a.put", "ten_1/x/a", "new bytes"},
		{"over an existing object", "ten_1/x/a", "ten_1/b/c", "new bytes"},
		{"from nothing", "ten_1/none", "ten_1/b/c", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := l.Move(ctx, tc.src, tc.dst)
			if tc.want == "" {
				if !errors.Is(err, storage.ErrNotFound) {
					t.Fatalf("Move = %v, want ErrNotFound", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			rc, err := l.Get(ctx, tc.dst)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(rc)
			rc.Close()
			if string(got) != tc.want {
				t.Errorf("dst holds %q, want %q", got, tc.want)
			}
			if _, err := l.Stat(ctx, tc.src); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("src after the move: %v, want ErrNotFound", err)
			}
		})
	}
}
