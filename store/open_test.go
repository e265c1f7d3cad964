package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/chatapi/chatapi/store"
	"github.com/chatapi/chatapi/store/pgtest"
)

func TestOpenSQLiteURLs(t *testing.T) {
	tests := []struct {
		name     string
		url      func(dir string) string
		wantFile string // relative to dir
	}{
		{"plain path", func(dir string) string { return filepath.Join(dir, "a.db") }, "a.db"},
		{"sqlite:PATH", func(dir string) string { return "sqlite:" + filepath.Join(dir, "b.db") }, "b.db"},
		{"sqlite://PATH", func(dir string) string { return "sqlite://" + filepath.Join(dir, "c.db") }, "c.db"},
		{"file:PATH", func(dir string) string { return "file:" + filepath.Join(dir, "d.db") }, "d.db"},
		{"missing directories are created", func(dir string) string { return filepath.Join(dir, "x", "y", "e.db") }, "x/y/e.db"},
		{"empty is the default path", func(string) string { return "" }, store.DefaultSQLitePath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir) // the default path is relative to the working directory
			s, err := store.Open(t.Context(), tt.url(dir))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			if got := s.Dialect(); got != "sqlite" {
				t.Errorf("got dialect %q, want sqlite", got)
			}
			if err := s.CheckWritable(t.Context()); err != nil {
				t.Errorf("CheckWritable: %v", err)
			}
			if _, err := os.Stat(filepath.Join(dir, tt.wantFile)); err != nil {
				t.Errorf("database file: %v", err)
			}
		})
	}
}

func TestOpenRefusedURLs(t *testing.T) {
	for _, url := range []string{"mysql://user@host/db", ":memory:", "sqlite:"} {
		t.Run(url, func(t *testing.T) {
			s, err := store.Open(t.Context(), url)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, store.ErrUnknownDriver) {
				t.Errorf("got %v, want ErrUnknownDriver", err)
			}
		})
	}
}

func TestOpenPostgresDialect(t *testing.T) {
	pgURL, err := store.SharedPostgres()
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	url, drop, err := pgtest.NewSchema(t.Context(), pgURL, "")
	if err != nil {
		t.Fatalf("NewSchema: %v", err)
	}
	defer drop()
	s, err := store.Open(t.Context(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	if got := s.Dialect(); got != "postgres" {
		t.Errorf("got dialect %q, want postgres", got)
	}
}
