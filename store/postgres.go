package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
)

// Pool size for PostgreSQL. A chat server is many short queries; a bounded
// pool keeps several instances under the server's max_connections, and as
// many idle connections as open ones avoids reconnecting under load.
const (
	postgresMaxOpenConns    = 20
	postgresConnMaxIdleTime = 5 * time.Minute
)

// postgresSendShards is how many group committers store sends at once on
// PostgreSQL, each a room's sends in their own transactions: a single one
// would leave the database waiting on one connection's round trips and
// WAL flush at a time. Each holds a pooled connection only while it
// commits.
const postgresSendShards = 4

// postgresMigrationLock serializes the migrations of instances that start
// together. The key is per schema, so databases in different schemas
// (tests, several deployments) do not wait for each other.
const postgresMigrationLock = `SELECT pg_advisory_xact_lock(hashtext('chatapi.schema_migrations.' || current_schema()))`

// openPostgres opens one pool for reads and writes: PostgreSQL runs
// concurrent writers itself.
func openPostgres(ctx context.Context, databaseURL string) (*Store, error) {
	databaseURL, err := PostgresURL(databaseURL)
	if err != nil {
		return nil, err
	}
	db, err := sqlx.Open("postgres", databaseURL)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(postgresMaxOpenConns)
	db.SetMaxIdleConns(postgresMaxOpenConns)
	db.SetConnMaxIdleTime(postgresConnMaxIdleTime)
	if err := db.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("connect postgres: %w", err), db.Close())
	}
	return &Store{w: db, r: db, dialect: dialect{
		name:              "postgres",
		migrationLock:     postgresMigrationLock,
		isUniqueViolation: postgresUniqueViolation,
		sendShards:        postgresSendShards,
		eventsInOrder:     postgresEventsInOrder,
		searchMatch:       postgresSearchMatch,
		lockSkipLocked:    " FOR UPDATE SKIP LOCKED",
	}}, nil
}

// postgresEventsInOrder limits each side to limit rows in its index's
// order, then orders and limits the two runs together. PostgreSQL plans
// the compound of the two bare sides (as SQLite takes it) as a sort of
// every row of the room's log after the place: it does not merge them.
func postgresEventsInOrder(changes, sent string, side []any, limit int) (string, []any) {
	args := append(append(append(append(slices.Clone(side), limit), side...), limit), limit)
	return `
		SELECT * FROM (` + changes + `
			ORDER BY event_seq LIMIT ?) changes
		UNION ALL
		SELECT * FROM (` + sent + `
			ORDER BY event_seq LIMIT ?) sent
		ORDER BY event_seq LIMIT ?`, args
}

// postgresConnectTimeout bounds every connection attempt (seconds) unless
// the URL sets connect_timeout itself: while the server is down, a request
// fails within it instead of hanging on a dial.
const postgresConnectTimeout = "5"

// PostgresURL is databaseURL with the defaults the store relies on
// (connect_timeout), for the store's pool and for LISTEN connections.
func PostgresURL(databaseURL string) (string, error) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "", errors.New("postgres url: cannot be parsed") // the error would quote the password
	}
	q := u.Query()
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", postgresConnectTimeout)
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

func postgresUniqueViolation(err error) bool {
	return pq.As(err, pqerror.UniqueViolation) != nil
}

// maxNotifyPayload is what fits a NOTIFY payload (8000 bytes) with room for
// the envelope; a larger event travels by reference (PutEventPayload).
const maxNotifyPayload = 7900

// ErrNotifyUnsupported is returned by Notify on a database without
// LISTEN/NOTIFY (SQLite: one instance only).
var ErrNotifyUnsupported = errors.New("notify needs PostgreSQL")

// EventChannel is the LISTEN/NOTIFY channel of this database schema, so that
// deployments (or tests) sharing a server in different schemas do not hear
// each other.
func (s *Store) EventChannel(ctx context.Context) (string, error) {
	if s.dialect.name != "postgres" {
		return "", ErrNotifyUnsupported
	}
	var ch string
	if err := s.r.GetContext(ctx, &ch, `SELECT 'chatapi_' || substr(md5(current_schema()), 1, 16)`); err != nil {
		return "", fmt.Errorf("event channel: %w", err)
	}
	return ch, nil
}

// MaxNotifyPayload is the largest payload Notify sends; larger ones must go
// by reference through PutEventPayload.
func (s *Store) MaxNotifyPayload() int { return maxNotifyPayload }

// Notify sends payload (at most MaxNotifyPayload bytes) on channel to every
// listener of the database.
func (s *Store) Notify(ctx context.Context, channel, payload string) error {
	if s.dialect.name != "postgres" {
		return ErrNotifyUnsupported
	}
	if len(payload) > maxNotifyPayload {
		return fmt.Errorf("notify: payload of %d bytes over %d", len(payload), maxNotifyPayload)
	}
	if _, err := s.w.ExecContext(ctx, `SELECT pg_notify($1, $2)`, channel, payload); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}

// postgresSearchMatch reads the GIN index of message_search.doc. Each word
// is a quoted tsquery lexeme ('word', its characters letters, digits and
// marks only, so never an operator or a quote), a prefix 'word':*, a
// phrase its words joined by <->; terms are joined by &.
func postgresSearchMatch(terms []searchTerm) searchMatch {
	parts := make([]string, len(terms))
	for i, t := range terms {
		words := make([]string, len(t.words))
		for j, w := range t.words {
			words[j] = `'` + w + `'`
			if t.prefix[j] {
				words[j] += ":*"
			}
		}
		parts[i] = "(" + strings.Join(words, " <-> ") + ")"
	}
	return searchMatch{
		from:  `message_search s`,
		where: `s.doc @@ to_tsquery('simple', ?)`,
		order: `s.id`,
		arg:   strings.Join(parts, " & "),
	}
}
