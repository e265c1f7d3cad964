package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
)

// A member has two cursors per room: last_ack, what their user read
// (unread counts, read receipts), and last_delivered, what their clients
// received (redelivery, delivery receipts). Reading implies receipt, so the
// delivered cursor reported is max(last_delivered, last_ack).
//
// Clients move both often (the SDKs confirm what arrived every ~200 ms), so
// a cursor move is one read on the readers, which answers refusals and
// moves that change nothing without touching the writer, and one row of an
// UPDATE that the moves queued meanwhile share (see cursorWriter).

// Cursor says where a member's cursor was and is after a move; From == To
// when the move changed nothing.
type Cursor struct {
	From, To int64
}

// Moved reports whether the cursor advanced.
func (c Cursor) Moved() bool { return c.To > c.From }

// cursorColumn names a member cursor; only these two are ever interpolated
// into SQL.
type cursorColumn string

const (
	colLastAck       cursorColumn = "last_ack"
	colLastDelivered cursorColumn = "last_delivered"
)

// Ack moves userID's read cursor in the room to seq, never backwards, and
// returns the cursor. A seq beyond the room's last message is a
// ConflictError on seq: the room's state refuses it, not the request.
func (s *Store) Ack(ctx context.Context, tenantID, userID, roomID string, seq int64) (lastAck int64, err error) {
	c, err := s.moveCursor(ctx, colLastAck, tenantID, userID, roomID, seq)
	if err != nil {
		return 0, err
	}
	return c.To, nil
}

// Delivered moves userID's delivered cursor in the room to seq, never
// backwards, with Ack's rules (a member's room; seq at most its last_seq,
// else a ConflictError on seq). The Cursor is the effective delivered
// cursor, max(last_delivered, last_ack), before and after: a seq the read
// cursor already covers moves nothing.
func (s *Store) Delivered(ctx context.Context, tenantID, userID, roomID string, seq int64) (Cursor, error) {
	return s.moveCursor(ctx, colLastDelivered, tenantID, userID, roomID, seq)
}

// moveCursor checks a move of col on the readers and writes it, if it moves
// anything, through the cursor writer. For the read cursor the Cursor is
// last_ack's; for the delivered one, the effective delivered cursor's.
func (s *Store) moveCursor(ctx context.Context, col cursorColumn, tenantID, userID, roomID string, seq int64) (Cursor, error) {
	if seq < 0 {
		return Cursor{}, &InvalidError{Field: "seq", Message: "must not be negative"}
	}
	var row struct {
		LastSeq       int64          `db:"last_seq"`
		LastAck       sql.NullInt64  `db:"last_ack"`
		LastDelivered sql.NullInt64  `db:"last_delivered"`
		Role          sql.NullString `db:"role"`
	}
	st, err := s.reads.get(ctx, s.r.Rebind(`
		SELECT r.last_seq, m.last_ack, m.last_delivered, m.role
		FROM rooms r
		LEFT JOIN room_members m ON m.room_id = r.id AND m.user_id = ?
		WHERE r.tenant_id = ? AND r.id = ?`))
	if err == nil {
		err = st.GetContext(ctx, &row, userID, tenantID, roomID)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Cursor{}, fmt.Errorf("room %s: %w", roomID, ErrNotFound)
	}
	if err != nil {
		return Cursor{}, fmt.Errorf("read cursor: %w", err)
	}
	if !row.Role.Valid {
		return Cursor{}, &ForbiddenError{Message: "not a member of this room"}
	}
	if seq > row.LastSeq {
		return Cursor{}, &ConflictError{Field: "seq",
			Message: fmt.Sprintf("seq %d is beyond the room's last_seq (%d)", seq, row.LastSeq)}
	}
	from := row.LastAck.Int64
	if col == colLastDelivered {
		from = max(from, row.LastDelivered.Int64)
	}
	if seq <= from {
		return Cursor{From: from, To: from}, nil
	}
	if err := s.cursors.write(ctx, cursorMove{col: col, tenantID: tenantID, roomID: roomID, userID: userID, seq: seq}); err != nil {
		return Cursor{}, err
	}
	return Cursor{From: from, To: seq}, nil
}

// cursorMove is one cursor write waiting for the cursor writer.
type cursorMove struct {
	col                      cursorColumn
	tenantID, roomID, userID string
	seq                      int64
}

type cursorKey struct {
	col                      cursorColumn
	tenantID, roomID, userID string
}

// cursorRequest is a move and where its commit's outcome goes. A move
// once handed over is written even if its caller gives up waiting.
type cursorRequest struct {
	move cursorMove
	done chan error
}

// maxCursorBatch bounds the moves one transaction of the cursor writer
// holds; cursorRowsPerStatement the rows of one UPDATE (four parameters
// each, far below both databases' limits).
const (
	maxCursorBatch         = 1024
	cursorRowsPerStatement = 200
)

// cursorWriter writes cursor moves the way the group committer writes
// sends: whatever queued while the previous transaction ran shares the
// next one, a move per row of one UPDATE per cursor, never backwards. A
// lone move commits at once. A thousand clients confirming every 200 ms
// cost a few transactions a second, not five thousand.
type cursorWriter struct {
	s    *Store
	reqs chan *cursorRequest
	stop chan struct{}
	done chan struct{}
	// stmts holds the updates prepared on the writer, by cursor and row
	// count, as the group committer's statements (groupCommitter.stmts): a
	// statement runs unprepared the first time it is met and is prepared
	// after that transaction. Only run's goroutine touches it.
	stmts map[cursorStmt]*batchStmtState
}

// cursorStmt names an update of the cursor writer: its cursor and rows.
type cursorStmt struct {
	col  cursorColumn
	rows int
}

func newCursorWriter(s *Store) *cursorWriter {
	w := &cursorWriter{s: s, reqs: make(chan *cursorRequest), stop: make(chan struct{}), done: make(chan struct{}),
		stmts: make(map[cursorStmt]*batchStmtState)}
	go w.run()
	return w
}

// write hands m to the writer and waits until it is committed.
func (w *cursorWriter) write(ctx context.Context, m cursorMove) error {
	r := &cursorRequest{move: m, done: make(chan error, 1)}
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
// statements.
func (w *cursorWriter) close() error {
	close(w.stop)
	<-w.done
	var errs []error
	for _, st := range w.stmts {
		if st.st != nil {
			errs = append(errs, st.st.Close())
		}
	}
	return errors.Join(errs...)
}

func (w *cursorWriter) run() {
	defer close(w.done)
	commitBatches(w.reqs, w.stop, maxCursorBatch, func(batch []*cursorRequest) {
		err := w.commit(batch)
		for _, r := range batch {
			r.done <- err
		}
		// After the transaction, which on SQLite holds the writer's only
		// connection.
		for _, st := range w.stmts {
			if st.st == nil {
				st.st, _ = w.s.w.Preparex(st.query) // one that fails runs unprepared
			}
		}
	})
}

// commit writes batch in one transaction: the highest seq per member and
// cursor, in one UPDATE … FROM (VALUES …) per cursor and chunk. The
// transaction belongs to no single caller, so no caller's end cancels it.
func (w *cursorWriter) commit(batch []*cursorRequest) error {
	highest := make(map[cursorKey]int64, len(batch))
	for _, r := range batch {
		m := r.move
		k := cursorKey{m.col, m.tenantID, m.roomID, m.userID}
		if seq, ok := highest[k]; !ok || m.seq > seq {
			highest[k] = m.seq
		}
	}
	keys := slices.Collect(maps.Keys(highest))
	// In the order every multi-row cursor update locks its rows (see
	// compareMembers).
	slices.SortFunc(keys, func(a, b cursorKey) int {
		return compareMembers(memberKey{a.tenantID, a.roomID, a.userID}, memberKey{b.tenantID, b.roomID, b.userID})
	})
	byCol := map[cursorColumn][]any{}
	for _, k := range keys {
		byCol[k.col] = append(byCol[k.col], k.tenantID, k.roomID, k.userID, highest[k])
	}
	return w.s.withTx(context.Background(), func(tx *sqlx.Tx) error {
		for col, args := range byCol {
			for start := 0; start < len(args); start += 4 * cursorRowsPerStatement {
				chunk := args[start:min(len(args), start+4*cursorRowsPerStatement)]
				if _, err := w.exec(tx, cursorStmt{col, len(chunk) / 4}, chunk); err != nil {
					return fmt.Errorf("move %s: %w", col, err)
				}
			}
		}
		return nil
	})
}

// exec runs the update s in tx, prepared when it was met before.
func (w *cursorWriter) exec(tx *sqlx.Tx, s cursorStmt, args []any) (sql.Result, error) {
	st, ok := w.stmts[s]
	if !ok {
		st = &batchStmtState{query: w.s.w.Rebind(cursorUpdateSQL(s.col, s.rows))}
		w.stmts[s] = st
	}
	if st.st != nil {
		return tx.Stmtx(st.st).Exec(args...)
	}
	return tx.Exec(st.query, args...)
}

// cursorUpdateSQL moves col of n members, never backwards. Both databases
// name a VALUES list's columns column1, column2…; the CAST types the seq
// for PostgreSQL, which would otherwise take an untyped parameter for text.
func cursorUpdateSQL(col cursorColumn, n int) string {
	var b strings.Builder
	b.WriteString(`UPDATE room_members SET ` + string(col) + ` = v.column4 FROM (VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, CAST(? AS BIGINT))")
	}
	b.WriteString(`) AS v WHERE room_members.room_id = v.column2 AND room_members.user_id = v.column3
		AND room_members.tenant_id = v.column1 AND room_members.` + string(col) + ` < v.column4`)
	return b.String()
}
