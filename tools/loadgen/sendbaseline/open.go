package sendbaseline

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	_ "github.com/lib/pq"  // postgres driver
	_ "modernc.org/sqlite" // sqlite driver
)

// sqlitePragmas are store/sqlite.go's: the baseline runs under the same
// journal, sync and locking settings as the server.
const sqlitePragmas = "_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"

// postgresPool is store/postgres.go's pool size.
const postgresPool = 20

// Open connects to databaseURL as the store would for writing: a
// postgres:// URL with the store's pool size, or a SQLite file (a path,
// sqlite:PATH or file:PATH) with the store's pragmas and its single writer
// connection. postgres reports which.
func Open(ctx context.Context, databaseURL string) (db *sql.DB, postgres bool, err error) {
	if strings.HasPrefix(databaseURL, "postgres://") || strings.HasPrefix(databaseURL, "postgresql://") {
		db, err = sql.Open("postgres", databaseURL)
		if err != nil {
			return nil, false, err
		}
		db.SetMaxOpenConns(postgresPool)
		db.SetMaxIdleConns(postgresPool)
		return db, true, ping(ctx, db)
	}
	path := databaseURL
	for _, p := range []string{"sqlite:", "file:"} {
		path = strings.TrimPrefix(path, p)
	}
	path = strings.TrimPrefix(path, "//")
	path, _, _ = strings.Cut(path, "?")
	if path == "" {
		return nil, false, errors.New("sendbaseline: a SQLite file path or a postgres:// URL is needed")
	}
	db, err = sql.Open("sqlite", path+"?"+sqlitePragmas)
	if err != nil {
		return nil, false, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	return db, false, ping(ctx, db)
}

func ping(ctx context.Context, db *sql.DB) error {
	if err := db.PingContext(ctx); err != nil {
		return errors.Join(err, db.Close())
	}
	return nil
}
