package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
)

// maxActivityBatch bounds the rows one transaction of the activity writer
// holds.
const maxActivityBatch = 1024

const recordActivitySQL = `
	INSERT INTO user_activity (tenant_id, day, user_id) VALUES (?, ?, ?)
	ON CONFLICT (tenant_id, day, user_id) DO NOTHING`

// RecordActivity notes that userID of tenantID was active on the UTC day
// of at. It returns once the row is committed.
func (s *Store) RecordActivity(ctx context.Context, tenantID, userID string, at time.Time) error {
	if err := s.activity.write(ctx, activityRow{tenantID: tenantID, day: day(at), userID: userID}); err != nil {
		return fmt.Errorf("record activity: %w", err)
	}
	return nil
}

// activityRow is one row of user_activity.
type activityRow struct{ tenantID, day, userID string }

func compareActivity(a, b activityRow) int {
	return cmp.Or(cmp.Compare(a.tenantID, b.tenantID), cmp.Compare(a.day, b.day), cmp.Compare(a.userID, b.userID))
}

// activityRequest is a row and where its commit's outcome goes. A row once
// handed over is written even if its caller gives up waiting.
type activityRequest struct {
	row  activityRow
	done chan error
}

// activityWriter records activity the way the cursor writer moves cursors:
// whatever queued while the previous transaction ran shares the next one;
// a lone row commits at once. The server writes a user's first request or
// connection of a day (it remembers the rest), so a restart or a crowd
// arriving is a row per user: 10,000 clients connecting, each one's row
// its own transaction on the writer, spent a third of the server's CPU on
// those commits (see BENCHMARKS.md, issue 13, connect time).
type activityWriter struct {
	s    *Store
	reqs chan *activityRequest
	stop chan struct{}
	done chan struct{}
	// insert is the statement, prepared on the writer after the first
	// transaction (on SQLite a transaction holds the writer's only
	// connection); nil until then, or when preparing failed. Only run's
	// goroutine touches it.
	insert *sqlx.Stmt
}

func newActivityWriter(s *Store) *activityWriter {
	w := &activityWriter{s: s, reqs: make(chan *activityRequest), stop: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	return w
}

// write hands row to the writer and waits until it is committed.
func (w *activityWriter) write(ctx context.Context, row activityRow) error {
	r := &activityRequest{row: row, done: make(chan error, 1)}
	select {
	case w.reqs <- r:
	case <-w.stop:
		return errStoreClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-r.done
}

// close stops the writer after the batch in hand and releases its
// statement.
func (w *activityWriter) close() error {
	close(w.stop)
	<-w.done
	if w.insert != nil {
		return w.insert.Close()
	}
	return nil
}

func (w *activityWriter) run() {
	defer close(w.done)
	query := w.s.w.Rebind(recordActivitySQL)
	commitBatches(w.reqs, w.stop, maxActivityBatch, func(batch []*activityRequest) {
		err := w.commit(query, batch)
		for _, r := range batch {
			r.done <- err
		}
		if w.insert == nil {
			w.insert, _ = w.s.w.Preparex(query) // one that fails runs unprepared
		}
	})
}

// commit writes batch in one transaction, which belongs to no single
// caller, so no caller's end cancels it. The rows go in one order, so that
// two instances' batches on PostgreSQL cannot deadlock on each other.
func (w *activityWriter) commit(query string, batch []*activityRequest) error {
	rows := make([]activityRow, len(batch))
	for i, r := range batch {
		rows[i] = r.row
	}
	slices.SortFunc(rows, compareActivity)
	rows = slices.Compact(rows)
	return w.s.withTx(context.Background(), func(tx *sqlx.Tx) error {
		for _, r := range rows {
			var err error
			if w.insert != nil {
				_, err = tx.Stmtx(w.insert).Exec(r.tenantID, r.day, r.userID)
			} else {
				_, err = tx.Exec(query, r.tenantID, r.day, r.userID)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}
