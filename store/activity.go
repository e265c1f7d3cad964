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
// holds; activityLinger is how long a batch of rows nobody waits for
// (NoteActivity) waits for more.
const (
	maxActivityBatch = 1024
	activityLinger   = 20 * time.Millisecond
)

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

// NoteActivity is RecordActivity without the wait: the row is committed
// with those queued before it (a RecordActivity that returns has committed
// every row noted before it was called), and failed, when the write fails
// (or the store is closed), is called with the error from the writer's
// goroutine; it must not block. It blocks only while the writer's queue is
// full.
func (s *Store) NoteActivity(tenantID, userID string, at time.Time, failed func(error)) {
	s.activity.note(activityRow{tenantID: tenantID, day: day(at), userID: userID}, failed)
}

// activityRow is one row of user_activity.
type activityRow struct{ tenantID, day, userID string }

func compareActivity(a, b activityRow) int {
	return cmp.Or(cmp.Compare(a.tenantID, b.tenantID), cmp.Compare(a.day, b.day), cmp.Compare(a.userID, b.userID))
}

// activityRequest is a row and where its commit's outcome goes: done for
// a caller that waits (RecordActivity), failed for one that does not
// (NoteActivity). A row once handed over is written even if its caller
// gives up waiting.
type activityRequest struct {
	row    activityRow
	done   chan error
	failed func(error)
}

// answer hands r its commit's outcome.
func (r *activityRequest) answer(err error) {
	switch {
	case r.done != nil:
		r.done <- err
	case err != nil:
		r.failed(fmt.Errorf("record activity: %w", err))
	}
}

// activityWriter records activity the way the cursor writer moves cursors:
// whatever queued while the previous transaction ran shares the next one;
// a lone row commits at once. The server writes a user's first request or
// connection of a day (it remembers the rest), so a restart or a crowd
// arriving is a row per user: 10,000 clients connecting, each one's row
// its own transaction on the writer, spent a third of the server's CPU on
// those commits (see BENCHMARKS.md, issue 13, connect time). The queue
// holds a batch, so that rows noted without a wait (NoteActivity) pile up
// while a transaction runs rather than each waiting for its turn.
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
	w := &activityWriter{s: s, reqs: make(chan *activityRequest, maxActivityBatch), stop: make(chan struct{}), done: make(chan struct{})}
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
	select {
	case err := <-r.done:
		return err
	case <-w.done:
		// Closed with r in the queue, or answered just before: the
		// answers come before w.done closes.
		select {
		case err := <-r.done:
			return err
		default:
			return errStoreClosed
		}
	}
}

// note hands row to the writer; failed is called if it is not committed.
// A note that races Close may be dropped without a call.
func (w *activityWriter) note(row activityRow, failed func(error)) {
	r := &activityRequest{row: row, failed: failed}
	select {
	case w.reqs <- r:
	case <-w.stop:
		r.answer(errStoreClosed)
	}
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
	defer func() {
		for {
			select {
			case r := <-w.reqs: // queued when Close came
				r.answer(errStoreClosed)
			default:
				return
			}
		}
	}()
	query := w.s.w.Rebind(recordActivitySQL)
	commitBatches(w.reqs, w.stop, maxActivityBatch, lingerUnawaited, func(batch []*activityRequest) {
		err := w.commit(query, batch)
		for _, r := range batch {
			r.answer(err)
		}
		if w.insert == nil {
			w.insert, _ = w.s.w.Preparex(query) // one that fails runs unprepared
		}
	})
}

// lingerUnawaited is how long a batch waits for more rows: activityLinger
// while no caller of it waits (its rows were noted: NoteActivity), else
// not at all. Without the linger a batch was what arrived during the
// previous transaction, about two rows while 10,000 clients connected:
// thousands of transactions, still a tenth of the server's CPU.
func lingerUnawaited(_ int, batch []*activityRequest) time.Duration {
	if slices.ContainsFunc(batch, func(r *activityRequest) bool { return r.done != nil }) {
		return 0
	}
	return activityLinger
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
