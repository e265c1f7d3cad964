package storetest

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chatapi/chatapi/store"
)

func testMigrations(t *testing.T, b Backend) {
	ctx := t.Context()

	t.Run("reopen keeps data and migrates nothing twice", func(t *testing.T) {
		url := b.NewURL(t)
		s, err := store.Open(ctx, url)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		tn, err := s.CreateTenant(ctx, "kept", 3, "kept-hash")
		if err != nil {
			t.Fatalf("CreateTenant: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		before := schemaVersions(t, b, url)

		for i := range 2 {
			s := open(t, url)
			got, err := s.TenantByKeyHash(ctx, "kept-hash")
			if err != nil || got.ID != tn.ID {
				t.Fatalf("reopen #%d: got %+v, %v; want tenant %s", i+1, got, err, tn.ID)
			}
		}
		if after := schemaVersions(t, b, url); !slices.Equal(after, before) {
			t.Errorf("reopening changed schema_migrations: got %v, want %v", after, before)
		}
		if len(before) == 0 {
			t.Error("schema_migrations is empty after Open")
		}
	})

	t.Run("schema too new", func(t *testing.T) {
		url := b.NewURL(t)
		s, err := store.Open(ctx, url)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		versions := schemaVersions(t, b, url)
		known := versions[len(versions)-1]
		future := known + 1000
		// Pretend a newer binary migrated the database.
		exec(t, b, url, fmt.Sprintf(`INSERT INTO schema_migrations (version, applied_at) VALUES (%d, 0)`, future))

		s, err = store.Open(ctx, url)
		if err == nil {
			s.Close()
			t.Fatal("Open of a database newer than the binary succeeded")
		}
		if !errors.Is(err, store.ErrSchemaTooNew) {
			t.Fatalf("got %v, want ErrSchemaTooNew", err)
		}
		for _, v := range []int64{future, known} {
			if !strings.Contains(err.Error(), strconv.FormatInt(v, 10)) {
				t.Errorf("error %q does not name version %d", err, v)
			}
		}
	})
}

// schemaVersions reads schema_migrations behind the store's back.
func schemaVersions(t *testing.T, b Backend, url string) []int64 {
	t.Helper()
	db := rawDB(t, b, url)
	rows, err := db.QueryContext(t.Context(), `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	defer rows.Close()
	var versions []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			t.Fatalf("scan schema_migrations: %v", err)
		}
		versions = append(versions, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	return versions
}

func exec(t *testing.T, b Backend, url, query string) {
	t.Helper()
	if _, err := rawDB(t, b, url).ExecContext(t.Context(), query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// rawDB opens url with database/sql directly, closed when t ends.
func rawDB(t *testing.T, b Backend, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open(b.Driver, url)
	if err != nil {
		t.Fatalf("sql.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
