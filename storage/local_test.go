package storage_test

import (
	"net/http/httptest"
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
