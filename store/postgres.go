package store

import (
	"context"
	"errors"
	"fmt"
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

// postgresMigrationLock serializes the migrations of instances that start
// together. The key is per schema, so databases in different schemas
// (tests, several deployments) do not wait for each other.
const postgresMigrationLock = `SELECT pg_advisory_xact_lock(hashtext('chatapi.schema_migrations.' || current_schema()))`

// openPostgres opens one pool for reads and writes: PostgreSQL runs
// concurrent writers itself.
func openPostgres(ctx context.Context, databaseURL string) (*Store, error) {
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
	}}, nil
}

func postgresUniqueViolation(err error) bool {
	return pq.As(err, pqerror.UniqueViolation) != nil
}
