package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqlitePragmas hold on every connection because they are in the DSN, not
// executed once on a pool. busy_timeout makes a second process wait for the
// write lock instead of failing; _txlock=immediate takes the write lock at
// BEGIN, so a transaction that reads then writes cannot fail to upgrade.
const sqlitePragmas = "_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=temp_store(memory)&_txlock=immediate"

// sqliteReaderMmap is how much of the database file each reader reads
// through a memory map: pages the reader finds in the operating system's
// cache, shared by every connection, with no read call and no copy. With
// SQLite's default page cache (2 MB a connection) a reader paging through
// a room of 10,000 messages with reactions and replies (a 36 MB file) read
// most pages anew on each pass, and its page cost 0.84–0.97 ms (p50)
// against 0.68 ms mapped. The map is read-only: writes go through the
// writer as before.
const sqliteReaderMmap = 256 << 20

// sqlitePath extracts the file path from a SQLite database URL.
func sqlitePath(databaseURL string) (string, error) {
	path := databaseURL
	switch {
	case path == "":
		return DefaultSQLitePath, nil
	case strings.HasPrefix(path, "sqlite:"):
		path = strings.TrimPrefix(path, "sqlite:")
		// sqlite:///abs/path and sqlite://rel/path, as other tools write them.
		path = strings.TrimPrefix(path, "//")
	case strings.HasPrefix(path, "file:"):
		path = strings.TrimPrefix(path, "file:")
		path = strings.TrimPrefix(path, "//")
	case strings.Contains(path, "://"):
		scheme, _, _ := strings.Cut(path, "://")
		return "", fmt.Errorf("%w: scheme %q (use postgres://, sqlite: or a file path)", ErrUnknownDriver, scheme)
	}
	// The store adds its own DSN parameters; a query on the URL is not ours to keep.
	path, _, _ = strings.Cut(path, "?")
	if path == "" || path == ":memory:" {
		// Writer and readers are separate connections: they would each see
		// their own empty in-memory database.
		return "", fmt.Errorf("%w: SQLite needs a file path, got %q", ErrUnknownDriver, databaseURL)
	}
	return path, nil
}

// openSQLite opens one writer connection and a pool of readers on the file.
// SQLite allows one writer at a time: a single writer connection queues
// writers in Go instead of in busy-retry loops, while WAL lets readers run
// beside it.
func openSQLite(ctx context.Context, path string) (*Store, error) {
	sqlx.BindDriver("sqlite", sqlx.QUESTION)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create database directory: %w", err)
	}
	dsn := path + "?" + sqlitePragmas

	w, err := sqlx.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	// The writer connects first: it creates the file and switches it to WAL
	// before any reader opens it.
	if err := w.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("connect sqlite writer: %w", err), w.Close())
	}

	r, err := sqlx.Open("sqlite", dsn+"&_query_only=1&_pragma=mmap_size("+strconv.Itoa(sqliteReaderMmap)+")")
	if err != nil {
		return nil, errors.Join(fmt.Errorf("open sqlite readers: %w", err), w.Close())
	}
	readers := max(4, runtime.NumCPU())
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)

	return &Store{w: w, r: r, dialect: dialect{
		name: "sqlite",
		// BEGIN IMMEDIATE (_txlock) already serializes migrating processes.
		migrationLock:     "",
		isUniqueViolation: sqliteUniqueViolation,
		eventsInOrder:     sqliteEventsInOrder,
		searchMatch:       sqliteSearchMatch,
		// One writer.
		sendShards: 1,
		sendLinger: sendLinger,
	}}, nil
}

// sqliteEventsInOrder is one compound SELECT of the two sides, ordered and
// limited as a whole: SQLite runs each side as a co-routine in its index's
// order and merges them, stopping at limit. A side written as a subquery
// with its own ORDER BY and LIMIT is instead sorted into a temporary
// b-tree, every row of it, before the merge starts: on a resume, that sort
// was a third of the time of reading the log.
func sqliteEventsInOrder(changes, sent string, side []any, limit int) (string, []any) {
	args := append(append(slices.Clone(side), side...), limit)
	return changes + `
		UNION ALL` + sent + `
		ORDER BY event_seq LIMIT ?`, args
}

func sqliteUniqueViolation(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return true
	}
	return false
}

// sqliteSearchMatch reads the FTS5 index in its rowid order, newest first.
// Each word is an FTS5 string ("word", its characters letters, digits and
// marks only, so never an operator), a prefix "word"*, a phrase its
// words joined by +; terms side by side must all match.
func sqliteSearchMatch(terms []searchTerm) searchMatch {
	parts := make([]string, len(terms))
	for i, t := range terms {
		words := make([]string, len(t.words))
		for j, w := range t.words {
			words[j] = `"` + w + `"`
			if t.prefix[j] {
				words[j] += "*"
			}
		}
		parts[i] = strings.Join(words, " + ")
	}
	return searchMatch{
		from:  `message_search_fts f JOIN message_search s ON s.id = f.rowid`,
		where: `message_search_fts MATCH ?`,
		order: `f.rowid`,
		arg:   strings.Join(parts, " "),
	}
}
