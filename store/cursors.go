package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// A member has two cursors per room: last_ack, what their user read
// (unread counts, read receipts), and last_delivered, what their clients
// received (redelivery, delivery receipts). Reading implies receipt, so the
// delivered cursor reported is max(last_delivered, last_ack).
//
// Clients move both often (the SDKs confirm what arrived every ~200 ms), so
// cursor moves are checked and written in batches: whatever queued while
// the previous batch ran shares one read of the members' cursors on the
// readers, which answers refusals and moves that change nothing, and one
// row of an UPDATE per move that changes something (see cursorWriter).

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

// moveCursor checks a move of col and writes it, if it moves anything,
// through the cursor writer. For the read cursor the Cursor is last_ack's;
// for the delivered one, the effective delivered cursor's.
func (s *Store) moveCursor(ctx context.Context, col cursorColumn, tenantID, userID, roomID string, seq int64) (Cursor, error) {
	if seq < 0 {
		return Cursor{}, &InvalidError{Field: "seq", Message: "must not be negative"}
	}
	return s.cursors.write(ctx, cursorMove{col: col, tenantID: tenantID, roomID: roomID, userID: userID, seq: seq})
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

// cursorRequest is a move and where its outcome goes. A move once handed
// over is written even if its caller gives up waiting.
type cursorRequest struct {
	move cursorMove
	done chan cursorResult
}

type cursorResult struct {
	cur Cursor
	err error
}

// maxCursorBatch bounds the moves one batch of the cursor writer holds;
// cursorRowsPerStatement the rows of one read or UPDATE (four parameters
// each at most, far below both databases' limits).
const (
	maxCursorBatch         = 1024
	cursorRowsPerStatement = 200
)

// cursorLinger is how long a batch of the cursor writer waits for more
// moves while they stream in (the previous batch held more than one); a
// move that finds the writer idle runs at once. Without it a batch was
// what queued during the previous one, 5–9 moves while 1,000 receivers
// confirmed every 200 ms: 500–1,000 transactions a second, each with its
// read, BEGIN and COMMIT, and each taking SQLite's one writer connection
// from the sends.
const cursorLinger = 5 * time.Millisecond

// cursorWriter checks and writes cursor moves the way the group committer
// writes sends: whatever queued while the previous batch ran shares the
// next one. A batch is one read of its members' cursors and their rooms'
// last_seq on the readers, which refuses what the rules refuse and answers
// moves that change nothing, and, when something moves, one transaction
// with a row per member and cursor in one UPDATE … FROM (VALUES …), never
// backwards. A lone move runs at once. A thousand clients confirming every
// 200 ms cost a few reads and transactions a second, not five thousand of
// each: the read per move, on the caller's goroutine, was 14–21 % of the
// server's CPU in 1,000-member fan-out profiles.
type cursorWriter struct {
	s    *Store
	reqs chan *cursorRequest
	stop chan struct{}
	done chan struct{}
	// stmts holds the updates prepared on the writer, by cursor and row
	// count, as the group committer's statements (groupCommitter.stmts): a
	// statement runs unprepared the first time it is met and is prepared
	// after that transaction. reads holds the reads prepared on the
	// readers, by row count. Only run's goroutine touches them.
	stmts map[cursorStmt]*batchStmtState
	reads map[int]*sqlx.Stmt
}

// cursorStmt names an update of the cursor writer: its cursor and rows.
type cursorStmt struct {
	col  cursorColumn
	rows int
}

func newCursorWriter(s *Store) *cursorWriter {
	w := &cursorWriter{s: s, reqs: make(chan *cursorRequest), stop: make(chan struct{}), done: make(chan struct{}),
		stmts: make(map[cursorStmt]*batchStmtState), reads: make(map[int]*sqlx.Stmt)}
	go w.run()
	return w
}

// write hands m to the writer and waits for its outcome: checked, and
// committed if it moved the cursor.
func (w *cursorWriter) write(ctx context.Context, m cursorMove) (Cursor, error) {
	r := &cursorRequest{move: m, done: make(chan cursorResult, 1)}
	select {
	case w.reqs <- r:
	case <-w.stop:
		return Cursor{}, errStoreClosed
	case <-ctx.Done():
		return Cursor{}, ctx.Err()
	}
	res := <-r.done
	return res.cur, res.err
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
	for _, st := range w.reads {
		errs = append(errs, st.Close())
	}
	return errors.Join(errs...)
}

func (w *cursorWriter) run() {
	defer close(w.done)
	// The previous batch held more than one move: moves are streaming in,
	// so the next batch lingers for more.
	linger := func(prev int, _ []*cursorRequest) time.Duration {
		if prev > 1 {
			return cursorLinger
		}
		return 0
	}
	commitBatches(w.reqs, w.stop, maxCursorBatch, linger, func(batch []*cursorRequest) {
		for i, res := range w.commit(batch) {
			batch[i].done <- res
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

// memberCursors is what a move is checked against: its room's last_seq and
// the member's cursors, as read and then as the batch's moves left them.
type memberCursors struct {
	member                          bool
	lastSeq, lastAck, lastDelivered int64
}

// apply checks m against c and moves c's cursor, returning the move's
// outcome, as each move of a batch would find it if they ran one by one.
// A nil c is a room that is not found.
func (c *memberCursors) apply(m cursorMove) (Cursor, error) {
	switch {
	case c == nil:
		return Cursor{}, fmt.Errorf("room %s: %w", m.roomID, ErrNotFound)
	case !c.member:
		return Cursor{}, &ForbiddenError{Message: "not a member of this room"}
	case m.seq > c.lastSeq:
		return Cursor{}, &ConflictError{Field: "seq",
			Message: fmt.Sprintf("seq %d is beyond the room's last_seq (%d)", m.seq, c.lastSeq)}
	}
	from := c.lastAck
	if m.col == colLastDelivered {
		from = max(from, c.lastDelivered)
	}
	if m.seq <= from {
		return Cursor{From: from, To: from}, nil
	}
	if m.col == colLastDelivered {
		c.lastDelivered = m.seq
	} else {
		c.lastAck = m.seq
	}
	return Cursor{From: from, To: m.seq}, nil
}

// commit checks batch against one read of its members' cursors and writes
// the moves that move something in one transaction: the highest seq per
// member and cursor, in one UPDATE … FROM (VALUES …) per cursor and chunk.
// The batch belongs to no single caller, so no caller's end cancels it.
func (w *cursorWriter) commit(batch []*cursorRequest) []cursorResult {
	results := make([]cursorResult, len(batch))
	cursors, err := w.read(batch)
	if err != nil {
		for i := range results {
			results[i].err = err
		}
		return results
	}
	highest := make(map[cursorKey]int64, len(batch))
	for i, r := range batch {
		m := r.move
		cur, err := cursors[memberKey{m.tenantID, m.roomID, m.userID}].apply(m)
		results[i] = cursorResult{cur: cur, err: err}
		if err == nil && cur.Moved() {
			k := cursorKey{m.col, m.tenantID, m.roomID, m.userID}
			highest[k] = max(highest[k], m.seq)
		}
	}
	if len(highest) == 0 {
		return results
	}
	if err := w.update(highest); err != nil {
		for i := range results {
			if results[i].err == nil && results[i].cur.Moved() {
				results[i] = cursorResult{err: err}
			}
		}
	}
	return results
}

// read returns the cursors of the batch's members, and their rooms'
// last_seq, by member; a room that is not found has none.
func (w *cursorWriter) read(batch []*cursorRequest) (map[memberKey]*memberCursors, error) {
	out := make(map[memberKey]*memberCursors, len(batch))
	var args []any
	for _, r := range batch {
		k := memberKey{r.move.tenantID, r.move.roomID, r.move.userID}
		if _, ok := out[k]; !ok {
			out[k] = nil
			args = append(args, k.tenantID, k.roomID, k.sender)
		}
	}
	for start := 0; start < len(args); start += 3 * cursorRowsPerStatement {
		chunk := args[start:min(len(args), start+3*cursorRowsPerStatement)]
		st, err := w.readStmt(len(chunk) / 3)
		if err != nil {
			return nil, fmt.Errorf("read cursors: %w", err)
		}
		rows, err := st.Queryx(chunk...)
		if err != nil {
			return nil, fmt.Errorf("read cursors: %w", err)
		}
		for rows.Next() {
			var (
				k                      memberKey
				c                      memberCursors
				lastAck, lastDelivered sql.NullInt64
				role                   sql.NullString
			)
			if err := rows.Scan(&k.tenantID, &k.roomID, &k.sender, &c.lastSeq, &lastAck, &lastDelivered, &role); err != nil {
				_ = rows.Close()
				return nil, fmt.Errorf("read cursors: %w", err)
			}
			c.member, c.lastAck, c.lastDelivered = role.Valid, lastAck.Int64, lastDelivered.Int64
			out[k] = &c
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, fmt.Errorf("read cursors: %w", err)
		}
	}
	return out, nil
}

// readStmt returns the read of n members' cursors, prepared on the readers.
func (w *cursorWriter) readStmt(n int) (*sqlx.Stmt, error) {
	if st, ok := w.reads[n]; ok {
		return st, nil
	}
	st, err := w.s.r.Preparex(w.s.r.Rebind(cursorReadSQL(n)))
	if err != nil {
		return nil, err
	}
	w.reads[n] = st
	return st, nil
}

// cursorReadSQL reads n members' cursors and their rooms' last_seq, a row
// per member whose room is found (the member columns NULL for one who is
// not a member), each row naming its member.
func cursorReadSQL(n int) string {
	var b strings.Builder
	b.WriteString(`SELECT v.column1, v.column2, v.column3, r.last_seq, m.last_ack, m.last_delivered, m.role FROM (VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?)")
	}
	b.WriteString(`) AS v
		JOIN rooms r ON r.tenant_id = v.column1 AND r.id = v.column2
		LEFT JOIN room_members m ON m.room_id = v.column2 AND m.user_id = v.column3`)
	return b.String()
}

// update writes the highest seq per member and cursor in one transaction.
func (w *cursorWriter) update(highest map[cursorKey]int64) error {
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
