package store

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Store is ChatAPI's persistence, over SQLite or PostgreSQL. It is safe for
// concurrent use; Close releases it.
type Store struct {
	// w runs every write and every transaction: SQLite's single writer
	// connection, or PostgreSQL's pool.
	w *sqlx.DB
	// r runs plain reads: a separate SQLite pool that never waits behind the
	// writer (WAL), or the same PostgreSQL pool as w.
	r       *sqlx.DB
	dialect dialect
	now     func() time.Time
	// sends batches SendMessage (see groupCommitter), a room's sends
	// always in the same one (sendsFor).
	sends []*groupCommitter
	// reads holds hot reads prepared on r.
	reads *readStmts
	// members caches RoomMemberIDs on SQLite (see memberCache); nil on
	// PostgreSQL.
	members *memberCache
	// mods caches which tenants have no moderation state on SQLite (see
	// moderationFree); nil on PostgreSQL.
	mods *writerCache[string, bool]
	// unmoderated caches, on PostgreSQL, which tenants had no moderation
	// state (tenants.moderated) when this instance last looked, for
	// CheckSend; nil on SQLite.
	unmoderated *writerCache[string, bool]
	// notes caches which tenants have no notification recipients on
	// SQLite (see notificationFree); nil on PostgreSQL.
	notes *writerCache[string, bool]
	// shardSeed spreads rooms over sends.
	shardSeed maphash.Seed
	// cursors writes the moves of members' read and delivered cursors.
	cursors *cursorWriter
	// activity writes RecordActivity's rows (see activityWriter).
	activity *activityWriter
}

// dialect is what differs between the databases beyond SQL both accept.
type dialect struct {
	name string
	// migrationLock runs first in every migration transaction, so that
	// instances starting together apply each migration once ("" for none).
	migrationLock string
	// isUniqueViolation reports whether err is the driver's UNIQUE or
	// PRIMARY KEY constraint violation.
	isUniqueViolation func(err error) bool
	// sendShards is how many group committers store sends side by side.
	sendShards int
	// sendLinger is how long a group commit that streams waits for more
	// sends (see sendLinger); 0 for none.
	sendLinger time.Duration
	// eventsInOrder puts the two sides of a read of a room's log together
	// (see readEventsQuery): the first limit of their rows, by event_seq.
	// Each side is a SELECT that takes the arguments side and reads in
	// event_seq order; the two planners need the query written
	// differently to read no more than the page.
	eventsInOrder func(changes, sent string, side []any, limit int) (string, []any)
	// searchMatch is the dialect's full-text part of SearchMessages.
	searchMatch func(terms []searchTerm) searchMatch
	// lockSkipLocked ends the subquery of a claim of queued work (webhook
	// deliveries): rows another transaction holds are skipped, not waited
	// for ("" where one process is the only writer).
	lockSkipLocked string
}

// Option configures Open.
type Option func(*options)

type options struct {
	now func() time.Time
}

// WithClock makes the store read the time from now instead of time.Now, so
// tests control timestamps and ordering.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// DefaultSQLitePath is the database Open uses for an empty URL.
const DefaultSQLitePath = "./data/chatapi.db"

// Open connects to the database named by databaseURL and applies the
// migrations it lacks. postgres:// and postgresql:// URLs select PostgreSQL;
// anything else is a SQLite file: a plain path, sqlite:PATH or file:PATH, and
// "" for DefaultSQLitePath. A URL with another scheme fails with
// ErrUnknownDriver; a database migrated by a newer binary fails with
// ErrSchemaTooNew.
func Open(ctx context.Context, databaseURL string, opts ...Option) (*Store, error) {
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}

	var s *Store
	var err error
	switch {
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		s, err = openPostgres(ctx, databaseURL)
	default:
		path, perr := sqlitePath(databaseURL)
		if perr != nil {
			return nil, perr
		}
		s, err = openSQLite(ctx, path)
	}
	if err != nil {
		return nil, err
	}
	s.now = o.now
	s.shardSeed = maphash.MakeSeed()
	s.reads = newReadStmts(s.r)
	s.cursors = newCursorWriter(s)
	s.activity = newActivityWriter(s)

	if err := s.migrate(ctx); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	if s.dialect.name == "sqlite" {
		s.members = newMemberCache()
		s.mods = newWriterCache[string, bool](maxCachedTenants)
		s.notes = newWriterCache[string, bool](maxCachedTenants)
	} else {
		s.unmoderated = newWriterCache[string, bool](maxCachedTenants)
	}
	for range s.dialect.sendShards {
		s.sends = append(s.sends, newGroupCommitter(s))
	}
	return s, nil
}

// Close releases the database connections.
func (s *Store) Close() error {
	var errs []error
	if s.cursors != nil {
		errs = append(errs, s.cursors.close())
	}
	if s.activity != nil {
		errs = append(errs, s.activity.close())
	}
	for _, g := range s.sends {
		errs = append(errs, g.close())
	}
	if s.reads != nil {
		errs = append(errs, s.reads.close())
	}
	if s.r == s.w {
		return errors.Join(append(errs, s.w.Close())...)
	}
	return errors.Join(append(errs, s.r.Close(), s.w.Close())...)
}

// membersChanged tells the member cache, if any, that a transaction that
// may have changed the room's members has ended.
func (s *Store) membersChanged(tenantID, roomID string) {
	if s.members != nil {
		s.members.forget(tenantID, roomID)
	}
}

// sendsFor is the group committer of the room's sends: always the same
// one, so that they commit in the order they came, and two committers
// never take the same room's row.
func (s *Store) sendsFor(tenantID, roomID string) *groupCommitter {
	if len(s.sends) == 1 {
		return s.sends[0]
	}
	var h maphash.Hash
	h.SetSeed(s.shardSeed)
	h.WriteString(tenantID)
	h.WriteByte(0)
	h.WriteString(roomID)
	return s.sends[h.Sum64()%uint64(len(s.sends))]
}

// Dialect names the database in use: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect.name }

// withTx runs fn in a transaction on the writer and commits when fn returns
// nil. fn must use only tx: on SQLite the writer has a single connection, which
// tx holds.
func (s *Store) withTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.w.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	// A no-op after Commit; after an error or a panic it frees the writer.
	defer func() { _ = tx.Rollback() }()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// pageLimit resolves a listing's limit: 0 is def, 1 to maxLimit is taken as
// it is, anything else is an InvalidError on limit.
func pageLimit(limit, def, maxLimit int) (int, error) {
	switch {
	case limit == 0:
		return def, nil
	case limit < 0 || limit > maxLimit:
		return 0, &InvalidError{Field: "limit", Message: fmt.Sprintf("must be 1 to %d", maxLimit)}
	}
	return limit, nil
}

// nowMillis is the store's clock in the unit the schema keeps.
func (s *Store) nowMillis() int64 { return s.now().UnixMilli() }

// fromMillis turns a stored timestamp into a UTC time.
func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// fromNullMillis is fromMillis for a nullable column.
func fromNullMillis(ms *int64) *time.Time {
	if ms == nil {
		return nil
	}
	t := fromMillis(*ms)
	return &t
}
