package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// maxSendBatch bounds how many sends one group commit holds, so that a burst
// cannot hold the writer (and the readers' view of new messages) for long.
const maxSendBatch = 64

// errStoreClosed answers sends that arrive after Close.
var errStoreClosed = errors.New("store is closed")

// sendRequest is one SendMessage waiting for the group committer. meta is
// already normalized; done receives exactly one result.
type sendRequest struct {
	ctx                      context.Context
	tenantID, sender, roomID string
	m                        NewMessage
	meta                     *string
	done                     chan sendResult
}

type sendResult struct {
	row     messageRow
	created bool
	err     error
}

// groupCommitter stores the sends of concurrent callers in shared
// transactions on SQLite's single writer connection. Profiles of the REST
// send path showed the writer as the bottleneck, each message paying a
// BEGIN, a COMMIT (WAL frame writes) and the parsing of every statement;
// sharing one transaction among the sends that queued up while the previous
// one ran spreads the first two, and prepared statements remove the third.
//
// It adds no waiting: a batch is whatever queued up while the writer was
// busy, so a lone send commits at once. Each send still gets its own seq,
// created flag and error: the checks that can refuse a send (room, membership,
// client_msg_id replay) run before it writes anything, or in the statement
// that would write, so a refused send leaves the shared transaction as it
// found it. Any other failure rolls the whole batch back and every send of
// it is retried in a transaction of its own, exactly as without group
// commit.
type groupCommitter struct {
	s    *Store
	reqs chan *sendRequest
	stop chan struct{}
	done chan struct{}
	// stmts holds the statements of a send prepared on the writer, by SQL;
	// written only before run starts.
	stmts map[string]*sqlx.Stmt
}

// newGroupCommitter prepares the statements of a send on the writer and
// starts the committer; close stops it. The writer has a single connection,
// so each statement is compiled once for the store's life and database/sql
// reuses it inside every transaction on that connection.
func newGroupCommitter(ctx context.Context, s *Store) (*groupCommitter, error) {
	g := &groupCommitter{
		s: s, reqs: make(chan *sendRequest), stop: make(chan struct{}), done: make(chan struct{}),
		stmts: make(map[string]*sqlx.Stmt),
	}
	for _, query := range []string{messageByClientIDSQL, allocateIfMemberSQL, insertMessageSQL, advanceAckSQL} {
		st, err := s.w.PreparexContext(ctx, query)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("prepare send statements: %w", err), g.closeStmts())
		}
		g.stmts[query] = st
	}
	go g.run()
	return g, nil
}

// send hands r to the committer and waits for its result. Once accepted a
// send is always answered: the batch it joins is bounded.
func (g *groupCommitter) send(r *sendRequest) sendResult {
	r.done = make(chan sendResult, 1)
	select {
	case g.reqs <- r:
	case <-g.stop:
		return sendResult{err: errStoreClosed}
	case <-r.ctx.Done():
		return sendResult{err: r.ctx.Err()}
	}
	return <-r.done
}

// close stops the committer after the batch in hand and releases its
// statements; sends arriving later fail with errStoreClosed.
func (g *groupCommitter) close() error {
	close(g.stop)
	<-g.done
	return g.closeStmts()
}

func (g *groupCommitter) closeStmts() error {
	var errs []error
	for _, st := range g.stmts {
		errs = append(errs, st.Close())
	}
	return errors.Join(errs...)
}

func (g *groupCommitter) run() {
	defer close(g.done)
	commitBatches(g.reqs, g.stop, maxSendBatch, g.commit)
}

// commitBatches is the loop of a writer that batches: it waits for a
// request, gathers whatever else queued meanwhile (up to max), hands the
// batch to commit, and starts over, until stop is closed. What queues while
// one batch commits shares the next one; a lone request commits at once.
func commitBatches[R any](reqs <-chan R, stop <-chan struct{}, max int, commit func([]R)) {
	batch := make([]R, 0, max)
	for {
		select {
		case r := <-reqs:
			batch = append(batch, r)
		case <-stop:
			return
		}
	gather:
		for len(batch) < max {
			select {
			case r := <-reqs:
				batch = append(batch, r)
			default:
				break gather
			}
		}
		commit(batch)
		clear(batch)
		batch = batch[:0]
	}
}

// commit stores batch in one transaction, falling back to one transaction
// per send when the shared one fails.
func (g *groupCommitter) commit(batch []*sendRequest) {
	results := make([]sendResult, len(batch))
	live := 0
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i].err = err
			continue
		}
		live++
	}
	if live > 0 {
		// The shared transaction belongs to no single caller: a caller that
		// gives up must not roll back the others' messages.
		err := g.s.withTx(context.Background(), func(tx *sqlx.Tx) error {
			for i, r := range batch {
				if results[i].err != nil {
					continue
				}
				res, err := g.sendInTx(tx, r)
				if err != nil {
					return err
				}
				results[i] = res
			}
			return nil
		})
		if err != nil {
			for i, r := range batch {
				if ctxErr := r.ctx.Err(); ctxErr != nil {
					results[i] = sendResult{err: ctxErr}
					continue
				}
				row, created, err := g.s.sendOne(r.ctx, r.tenantID, r.sender, r.roomID, r.m, r.meta)
				results[i] = sendResult{row: row, created: created, err: err}
			}
		}
	}
	for i, r := range batch {
		r.done <- results[i]
	}
}

// sendInTx stores one send of a batch in tx. A send the rules refuse comes
// back as its result, with nothing written; an error means tx is spoiled.
// The usual send runs three statements (four with a client_msg_id).
func (g *groupCommitter) sendInTx(tx *sqlx.Tx, r *sendRequest) (sendResult, error) {
	q := func(query string) *sqlx.Stmt { return tx.Stmtx(g.stmts[query]) }
	if r.m.ClientMsgID != nil {
		var existing messageRow
		err := q(messageByClientIDSQL).QueryRowx(r.tenantID, r.roomID, r.sender, *r.m.ClientMsgID).StructScan(&existing)
		if err == nil {
			// A replay, answered only to a member, as a first send would be.
			if res, err := g.refusal(tx, r); res.err != nil || err != nil {
				return res, err
			}
			return sendResult{row: existing}, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return sendResult{}, fmt.Errorf("find message by client_msg_id: %w", err)
		}
	}
	// The seqs are taken only if the sender is a member: membership is
	// checked and the seqs allocated in one statement; no row means no room
	// or no membership, which refusal tells apart.
	row := newMessageRow(r.sender, r.roomID, r.m, r.meta, g.s.nowMillis())
	err := q(allocateIfMemberSQL).QueryRowx(sendArgs(r.tenantID, &row, allocateParams, memberParams)...).Scan(&row.Seq, &row.EventSeq)
	if errors.Is(err, sql.ErrNoRows) {
		res, err := g.refusal(tx, r)
		if err == nil && res.err == nil {
			err = errors.New("allocate seq: no row for a member of an existing room")
		}
		return res, err
	}
	if err != nil {
		return sendResult{}, fmt.Errorf("allocate seq: %w", err)
	}
	if _, err := q(insertMessageSQL).Exec(sendValues(r.tenantID, &row)...); err != nil {
		return sendResult{}, fmt.Errorf("insert message: %w", err)
	}
	if _, err := q(advanceAckSQL).Exec(row.Seq, r.tenantID, r.roomID, r.sender, row.Seq); err != nil {
		return sendResult{}, fmt.Errorf("advance ack: %w", err)
	}
	return sendResult{row: row, created: true}, nil
}

// refusal reports why the sender may not send to the room, if they may not,
// as memberRoom (the rule of every send path) tells it: ErrNotFound for a
// room that is not the tenant's, a ForbiddenError for a non-member. It
// writes nothing, and runs only when a send is refused or replayed, so it is
// not prepared.
func (g *groupCommitter) refusal(tx *sqlx.Tx, r *sendRequest) (sendResult, error) {
	_, err := g.s.memberRoom(context.Background(), tx, r.tenantID, r.roomID, r.sender)
	var forbidden *ForbiddenError
	if errors.Is(err, ErrNotFound) || errors.As(err, &forbidden) {
		return sendResult{err: err}, nil
	}
	return sendResult{}, err
}
