package store

import (
	"cmp"
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

// maxSendBatch bounds how many sends one group commit holds, so that a burst
// cannot hold the writer (and the readers' view of new messages) for long.
const maxSendBatch = 64

// sendLinger is how long a batch of fewer than sendLingerBatch sends waits
// for more on SQLite while sends stream in (the previous batch held more
// than one); a send that finds the committer idle after a lone one
// commits at once. Without it a batch was whatever queued during the
// previous commit, about five sends from 32 senders: the batch's pages
// (each room's leaf of the messages, of its indexes and of the search
// index, a segment of the full-text index) were written to the WAL for
// five messages instead of twelve, and the commit's statements and locks
// paid as often. With it batches hold about twelve, and the server sent
// 13 % more (BENCHMARKS.md, "Send on SQLite: the collector and the
// batches"). PostgreSQL's committers do not linger: there the same
// linger sent 12 % less.
const (
	sendLinger      = 200 * time.Microsecond
	sendLingerBatch = 12
)

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
// transactions, on both databases. Profiles of the REST send path showed
// the writer as the bottleneck, each message paying a BEGIN, a COMMIT (WAL
// frame writes on SQLite, a WAL flush on PostgreSQL) and its statements;
// sharing one transaction among the sends that queued up while the
// previous one ran spreads the first two, and a batch's statements do the
// work of all its sends at once: the room's counters are taken once per
// room (its sends get consecutive seqs), the senders' read cursors are
// moved in one UPDATE that also tells which senders are members, and the
// messages are stored in one INSERT. A batch costs a few statements, not
// three or four per send.
//
// A batch is whatever queued up while the writer was busy, and on SQLite,
// while sends stream in, what comes within sendLinger more; a send that
// follows a lone one commits at once. Each send still gets its own seq,
// created flag and error. A send the rules refuse (no room, not a member)
// is answered with its refusal and the batch runs again without it, so
// that the others' seqs stay gapless; a replayed client_msg_id is answered
// with the stored message. Any other failure rolls the whole batch back
// and every send of it is retried in a transaction of its own, exactly as
// without group commit.
//
// On PostgreSQL, where several instances may send to one room, the rooms
// of a batch are locked in one order (by tenant and room id), so that two
// instances' batches cannot deadlock on each other.
type groupCommitter struct {
	s    *Store
	reqs chan *sendRequest
	stop chan struct{}
	done chan struct{}
	// stmts holds the batch statements prepared on the writer. Their row
	// counts vary with the batch, so a statement runs unprepared the first
	// time it is met and is prepared after that transaction (on SQLite the
	// transaction holds the writer's only connection). Only run's
	// goroutine touches it.
	stmts map[batchStmt]*batchStmtState
}

// batchStmt names a statement of a batch: what it does and for how many
// rows.
type batchStmt struct {
	kind batchStmtKind
	rows int
}

type batchStmtKind int

const (
	stmtClientID      batchStmtKind = iota // messageByClientIDSQL
	stmtAllocate                           // allocateRoomsSQL
	stmtAllocateRules                      // allocateRoomsRulesSQL
	stmtMembers                            // membersOfSQL
	stmtInsert                             // insertMessagesSQL
	stmtCursors                            // sendCursorsSQL
)

type batchStmtState struct {
	query string // rebound for the database
	st    *sqlx.Stmt
}

// sql is the statement's text, in SQLite's placeholders.
func (b batchStmt) sql() string {
	switch b.kind {
	case stmtClientID:
		return messageByClientIDSQL
	case stmtAllocate:
		return allocateRoomsSQL(b.rows)
	case stmtAllocateRules:
		return allocateRoomsRulesSQL(b.rows)
	case stmtMembers:
		return membersOfSQL(b.rows)
	case stmtInsert:
		return insertMessagesSQL(b.rows)
	case stmtCursors:
		return sendCursorsSQL(b.rows)
	}
	panic(fmt.Sprintf("store: batch statement kind %d", b.kind))
}

// newGroupCommitter starts the committer; close stops it.
func newGroupCommitter(s *Store) *groupCommitter {
	g := &groupCommitter{
		s: s, reqs: make(chan *sendRequest), stop: make(chan struct{}), done: make(chan struct{}),
		stmts: make(map[batchStmt]*batchStmtState),
	}
	go g.run()
	return g
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
	var errs []error
	for _, s := range g.stmts {
		if s.st != nil {
			errs = append(errs, s.st.Close())
		}
	}
	return errors.Join(errs...)
}

func (g *groupCommitter) run() {
	defer close(g.done)
	linger := func(prev int, batch []*sendRequest) time.Duration {
		return sendLingerFor(g.s.dialect.sendLinger, prev > 1, len(batch))
	}
	commitBatches(g.reqs, g.stop, maxSendBatch, linger, g.commit)
}

// sendLingerFor is how long a batch of n sends waits for more, given the
// database's linger (see sendLinger).
func sendLingerFor(linger time.Duration, streaming bool, n int) time.Duration {
	if streaming && n < sendLingerBatch {
		return linger
	}
	return 0
}

// commitBatches is the loop of a writer that batches: it waits for a
// request, gathers whatever else queued meanwhile (up to max), hands the
// batch to commit, and starts over, until stop is closed. What queues while
// one batch commits shares the next one; a lone request commits at once,
// unless linger (nil for none) says, of the batch gathered so far and the
// size of the previous batch (0 before the first), how long to wait for
// more before committing it (0: no wait).
func commitBatches[R any](reqs <-chan R, stop <-chan struct{}, max int, linger func(prev int, batch []R) time.Duration, commit func([]R)) {
	batch := make([]R, 0, max)
	prev := 0
	var timer *time.Timer
	for {
		select {
		case r := <-reqs:
			batch = append(batch, r)
		case <-stop:
			return
		}
		lingering := false
	gather:
		for len(batch) < max {
			select {
			case r := <-reqs:
				batch = append(batch, r)
				continue
			default:
			}
			if linger == nil {
				break
			}
			d := linger(prev, batch)
			if d <= 0 {
				break
			}
			if !lingering {
				lingering = true
				if timer == nil {
					timer = time.NewTimer(d)
				} else {
					timer.Reset(d)
				}
			}
			select {
			case r := <-reqs:
				batch = append(batch, r)
			case <-timer.C:
				lingering = false
				break gather
			case <-stop:
				break gather
			}
		}
		if lingering {
			timer.Stop()
		}
		commit(batch)
		prev = len(batch)
		clear(batch)
		batch = batch[:0]
	}
}

// errSendsRefused rolls back a batch in which the rules refused sends that
// had taken seqs; it runs again without them.
var errSendsRefused = errors.New("sends refused")

// commit stores batch in one transaction, falling back to one transaction
// per send when the shared one fails.
func (g *groupCommitter) commit(batch []*sendRequest) {
	results := make([]sendResult, len(batch))
	var live []int
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i].err = err
			continue
		}
		live = append(live, i)
	}
	for len(live) > 0 {
		b := &sendBatch{g: g, batch: batch, live: live, results: results}
		ctx, cancel := b.context()
		err := g.s.withTx(ctx, func(tx *sqlx.Tx) error {
			b.tx, b.ctx = tx, ctx
			return b.store()
		})
		cancel()
		g.prepareMet()
		if errors.Is(err, errSendsRefused) {
			// Answered already; the others run again.
			live = slices.DeleteFunc(live, func(i int) bool { return results[i].err != nil })
			continue
		}
		if err != nil {
			for _, i := range live {
				r := batch[i]
				if ctxErr := r.ctx.Err(); ctxErr != nil {
					results[i] = sendResult{err: ctxErr}
					continue
				}
				row, created, err := g.s.sendOne(r.ctx, r.tenantID, r.sender, r.roomID, r.m, r.meta)
				results[i] = sendResult{row: row, created: created, err: err}
			}
		}
		break
	}
	// A send that mentions someone may have stored a mention notification;
	// the cache forgets its tenant before the caller publishes it.
	for _, r := range batch {
		if len(r.m.Mentions) > 0 {
			g.s.notificationsChanged(r.tenantID)
		}
	}
	for i, r := range batch {
		r.done <- results[i]
	}
}

// prepareMet prepares, on the writer, the statements the last batch ran
// unprepared. One that fails to prepare keeps running unprepared.
func (g *groupCommitter) prepareMet() {
	for _, s := range g.stmts {
		if s.st == nil {
			s.st, _ = g.s.w.Preparex(s.query)
		}
	}
}

// sendBatch is the work of one transaction of the committer.
type sendBatch struct {
	g       *groupCommitter
	tx      *sqlx.Tx
	ctx     context.Context
	batch   []*sendRequest
	live    []int        // the sends of batch this transaction stores, in arrival order
	results []sendResult // by index in batch
}

// context bounds the shared transaction: it belongs to no single caller, so
// one that gives up must not roll back the others' messages, but once every
// caller has given up nobody waits for it.
func (b *sendBatch) context() (context.Context, context.CancelFunc) {
	var last time.Time
	for _, i := range b.live {
		d, ok := b.batch[i].ctx.Deadline()
		if !ok {
			return context.WithCancel(context.Background())
		}
		if d.After(last) {
			last = d
		}
	}
	return context.WithDeadline(context.Background(), last)
}

// clientKey is what makes a client_msg_id a replay.
type clientKey struct{ tenantID, roomID, sender, clientMsgID string }

// memberKey is a sender in a room.
type memberKey struct{ tenantID, roomID, sender string }

// store writes the batch's live sends in b.tx and fills their results, or
// answers the ones the rules refuse and returns errSendsRefused when any
// of them had taken seqs. Any other error means b.tx is spoiled.
func (b *sendBatch) store() error {
	// The sends that store a message, and the replays: of a send earlier in
	// the batch (by its index in batch), or of a message stored before.
	var (
		fresh    []int
		replayOf = map[int]int{}
		stored   = map[int]messageRow{}
		firstOf  = map[clientKey]int{}
	)
	for _, i := range b.live {
		r := b.batch[i]
		if r.m.ClientMsgID == nil {
			fresh = append(fresh, i)
			continue
		}
		k := clientKey{r.tenantID, r.roomID, r.sender, *r.m.ClientMsgID}
		if j, ok := firstOf[k]; ok {
			replayOf[i] = j
			continue
		}
		firstOf[k] = i
		existing, found, err := b.messageByClientID(r)
		if err != nil {
			return err
		}
		if found {
			stored[i] = existing
			continue
		}
		fresh = append(fresh, i)
	}

	rows, refused, err := b.allocate(fresh)
	if err != nil {
		return err
	}
	// Members only: a fresh send from anyone else has taken seqs it must
	// give back, a replay is refused as a first send would be. Moving the
	// fresh senders' read cursors tells which of them are members (on
	// PostgreSQL the room's row is locked by now, so this sees every
	// membership change committed before); a replay of a stored message is
	// checked by a query of its own.
	var moved, replays []int
	for _, i := range b.live {
		if _, ok := replayOf[i]; ok || b.results[i].err != nil {
			continue
		}
		if _, ok := stored[i]; ok {
			replays = append(replays, i)
		} else {
			moved = append(moved, i)
		}
	}
	outsiders, err := b.moveCursors(moved, rows)
	if err != nil {
		return err
	}
	if len(outsiders) > 0 {
		refused = true
	}
	others, err := b.outsiders(replays)
	if err != nil {
		return err
	}
	for _, i := range append(outsiders, others...) {
		if err := b.refuse(i); err != nil {
			return err
		}
	}
	// Parents, quotes and mentions, checked once the room is locked.
	refSends, refIndex, refs, err := b.resolveRefs(fresh, rows)
	if err != nil {
		return err
	}
	if refs == nil {
		refused = true
	}
	for i, j := range replayOf {
		if err := b.results[j].err; err != nil {
			b.results[i].err = err
		}
	}
	if refused {
		return errSendsRefused
	}

	if err := b.insert(fresh, rows); err != nil {
		return err
	}
	if len(refSends) > 0 {
		effects, err := recordRefs(b.ctx, b.tx, refSends, refs, b.g.s.nowMillis())
		if err != nil {
			return err
		}
		for k, i := range refIndex {
			row := rows[i]
			row.Effects = effects[k]
			rows[i] = row
		}
	}
	for _, i := range fresh {
		b.results[i] = sendResult{row: rows[i], created: true}
	}
	for i, row := range stored {
		if b.results[i].err == nil {
			b.results[i] = sendResult{row: row}
		}
	}
	for i, j := range replayOf {
		if b.results[i].err == nil {
			b.results[i] = sendResult{row: rows[j]}
			if row, ok := stored[j]; ok {
				b.results[i].row = row
			}
		}
	}
	return nil
}

// messageByClientID finds the message r's client_msg_id stored before.
func (b *sendBatch) messageByClientID(r *sendRequest) (messageRow, bool, error) {
	var row messageRow
	err := b.queryRow(batchStmt{kind: stmtClientID}, r.tenantID, r.roomID, r.sender, *r.m.ClientMsgID).StructScan(&row)
	if errors.Is(err, sql.ErrNoRows) {
		return messageRow{}, false, nil
	}
	if err != nil {
		return messageRow{}, false, fmt.Errorf("find message by client_msg_id: %w", err)
	}
	return row, true, nil
}

// allocate takes the seqs of the fresh sends, for all their rooms in one
// statement that lists the rooms in one order (see groupCommitter), and
// returns their rows by index in batch. A room that is not there refuses
// its sends (refused).
func (b *sendBatch) allocate(fresh []int) (rows map[int]messageRow, refused bool, err error) {
	if len(fresh) == 0 {
		return nil, false, nil
	}
	byRoom := map[roomRef][]int{}
	kind := stmtAllocate
	for _, i := range fresh {
		r := b.batch[i]
		k := roomRef{r.tenantID, r.roomID}
		byRoom[k] = append(byRoom[k], i)
		if r.m.RulesDeferred && b.g.s.unmoderated != nil {
			kind = stmtAllocateRules
		}
	}
	rooms := slices.SortedFunc(maps.Keys(byRoom), func(a, b roomRef) int {
		return cmp.Or(strings.Compare(a.tenantID, b.tenantID), strings.Compare(a.roomID, b.roomID))
	})
	now := b.g.s.nowMillis()
	args := make([]any, 0, 1+4*len(rooms))
	args = append(args, now)
	events := make(map[roomRef]int64, len(rooms))
	for _, room := range rooms {
		for _, i := range byRoom[room] {
			events[room] += sendEvents(b.batch[i].m)
		}
		args = append(args, room.tenantID, room.roomID, len(byRoom[room]), events[room])
	}
	res, err := b.query(batchStmt{kind: kind, rows: len(rooms)}, args...)
	if err != nil {
		return nil, false, fmt.Errorf("allocate seqs: %w", err)
	}
	type seqs struct {
		last, lastEvent int64
		moderated       bool
	}
	taken := make(map[roomRef]seqs, len(rooms))
	for res.Next() {
		var room roomRef
		var s seqs
		dest := []any{&room.tenantID, &room.roomID, &s.last, &s.lastEvent}
		if kind == stmtAllocateRules {
			dest = append(dest, &s.moderated)
		}
		if err := res.Scan(dest...); err != nil {
			res.Close()
			return nil, false, fmt.Errorf("allocate seqs: %w", err)
		}
		taken[room] = s
	}
	if err := errors.Join(res.Err(), res.Close()); err != nil {
		return nil, false, fmt.Errorf("allocate seqs: %w", err)
	}
	rows = make(map[int]messageRow, len(fresh))
	for _, room := range rooms {
		sends := byRoom[room]
		s, ok := taken[room]
		if !ok {
			for _, i := range sends {
				if err := b.refuse(i); err != nil {
					return nil, false, err
				}
			}
			refused = true
			continue
		}
		if s.moderated && b.refuseDeferred(room.tenantID, sends) {
			refused = true
			continue
		}
		n := int64(len(sends))
		// A reply's thread.updated takes the event_seq after its message's.
		eventSeq := s.lastEvent - events[room] + 1
		for k, i := range sends {
			r := b.batch[i]
			row := newMessageRow(r.sender, r.roomID, r.m, r.meta, now)
			row.Seq = s.last - n + 1 + int64(k)
			row.EventSeq = eventSeq
			eventSeq += sendEvents(r.m)
			rows[i] = row
		}
	}
	return rows, refused, nil
}

// refuseDeferred answers ErrRulesChanged to those of a room's sends whose
// rules CheckSend deferred, now that the batch found their tenant
// moderated, and reports whether there were any: the batch must then run
// again without them, since they took seqs. The store forgets the tenant
// as unmoderated, so the senders' next CheckSend reads the rules.
func (b *sendBatch) refuseDeferred(tenantID string, sends []int) bool {
	found := false
	for _, i := range sends {
		if b.batch[i].m.RulesDeferred {
			b.results[i].err = ErrRulesChanged
			found = true
		}
	}
	if found {
		b.g.s.unmoderated.forget(tenantID)
	}
	return found
}

// resolveRefs runs resolveRefs (threads.go) on the fresh sends that have a
// parent, a quote or mentions, filling their rows, and answers those it
// refuses. refs is nil when it refused any: the batch must run again
// without them, since they took seqs. rows gets the filled rows; index
// gives each send's index in batch.
func (b *sendBatch) resolveRefs(fresh []int, rows map[int]messageRow) (sends []refSend, index []int, refs *sendRefs, err error) {
	for _, i := range fresh {
		r := b.batch[i]
		row, ok := rows[i]
		if !ok || b.results[i].err != nil {
			continue
		}
		sd := refSend{tenantID: r.tenantID, m: r.m, row: &row}
		if sd.hasRefs() {
			sends = append(sends, sd)
			index = append(index, i)
		}
	}
	if len(sends) == 0 {
		return nil, nil, &sendRefs{}, nil
	}
	refs, refused, err := resolveRefs(b.ctx, b.tx, sends, b.g.s.nowMillis())
	if err != nil {
		return nil, nil, nil, err
	}
	for k, i := range index {
		rows[i] = *sends[k].row
		if err := refused[k]; err != nil {
			b.results[i].err = err
		}
	}
	if len(refused) > 0 {
		return nil, nil, nil, nil
	}
	return sends, index, refs, nil
}

// membersOfSQL returns the indexes of the n (index, tenant, room, user)
// rows given whose user is a member of the room.
func membersOfSQL(n int) string {
	return `SELECT v.column1 FROM (VALUES ` +
		strings.TrimSuffix(strings.Repeat("(CAST(? AS INTEGER), ?, ?, ?), ", n), ", ") + `) AS v
		JOIN room_members m ON m.room_id = v.column3 AND m.user_id = v.column4 AND m.tenant_id = v.column2`
}

// outsiders returns those of sends whose sender is not a member of the room.
func (b *sendBatch) outsiders(sends []int) ([]int, error) {
	if len(sends) == 0 {
		return nil, nil
	}
	args := make([]any, 0, 4*len(sends))
	for _, i := range sends {
		r := b.batch[i]
		args = append(args, i, r.tenantID, r.roomID, r.sender)
	}
	rows, err := b.query(batchStmt{kind: stmtMembers, rows: len(sends)}, args...)
	if err != nil {
		return nil, fmt.Errorf("check membership: %w", err)
	}
	defer rows.Close()
	members := make(map[int]bool, len(sends))
	for rows.Next() {
		var i int
		if err := rows.Scan(&i); err != nil {
			return nil, fmt.Errorf("check membership: %w", err)
		}
		members[i] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("check membership: %w", err)
	}
	var out []int
	for _, i := range sends {
		if !members[i] {
			out = append(out, i)
		}
	}
	return out, nil
}

// refuse answers send i with why its sender may not send to the room, as
// memberRoom (the rule of every send path) tells it: ErrNotFound for a
// room that is not the tenant's, a ForbiddenError for a non-member. It
// runs only when a send is refused, so it is not prepared.
func (b *sendBatch) refuse(i int) error {
	r := b.batch[i]
	_, err := b.g.s.memberRoom(b.ctx, b.tx, r.tenantID, r.roomID, r.sender)
	var forbidden *ForbiddenError
	if errors.Is(err, ErrNotFound) || errors.As(err, &forbidden) {
		b.results[i].err = err
		return nil
	}
	if err == nil {
		err = errors.New("a send refused to a member of an existing room")
	}
	return err
}

// insert stores the rows of the fresh sends in one statement.
func (b *sendBatch) insert(fresh []int, rows map[int]messageRow) error {
	if len(fresh) == 0 {
		return nil
	}
	args := make([]any, 0, len(sendColumns)*len(fresh))
	for _, i := range fresh {
		row := rows[i]
		args = sendValues(args, b.batch[i].tenantID, &row)
	}
	if _, err := b.exec(batchStmt{kind: stmtInsert, rows: len(fresh)}, args...); err != nil {
		return fmt.Errorf("insert messages: %w", err)
	}
	return nil
}

// moveCursors marks each sender of sends read up to their last message of
// the batch, in one statement, and returns those of sends whose sender is
// not a member of the room (whose cursor it found no row for).
func (b *sendBatch) moveCursors(sends []int, rows map[int]messageRow) ([]int, error) {
	highest := map[memberKey]int64{}
	var order []memberKey
	for _, i := range sends {
		r := b.batch[i]
		k := memberKey{r.tenantID, r.roomID, r.sender}
		if _, ok := highest[k]; !ok {
			order = append(order, k)
		}
		highest[k] = max(highest[k], rows[i].Seq)
	}
	if len(order) == 0 {
		return nil, nil
	}
	slices.SortFunc(order, compareMembers)
	args := make([]any, 0, 4*len(order))
	for _, k := range order {
		args = append(args, k.tenantID, k.roomID, k.sender, highest[k])
	}
	res, err := b.query(batchStmt{kind: stmtCursors, rows: len(order)}, args...)
	if err != nil {
		return nil, fmt.Errorf("advance ack: %w", err)
	}
	defer res.Close()
	members := make(map[memberKey]bool, len(order))
	for res.Next() {
		var k memberKey
		if err := res.Scan(&k.tenantID, &k.roomID, &k.sender); err != nil {
			return nil, fmt.Errorf("advance ack: %w", err)
		}
		members[k] = true
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("advance ack: %w", err)
	}
	var out []int
	for _, i := range sends {
		r := b.batch[i]
		if !members[memberKey{r.tenantID, r.roomID, r.sender}] {
			out = append(out, i)
		}
	}
	return out, nil
}

// stmt is s's state, its text rebound for the database on first use.
func (b *sendBatch) stmt(s batchStmt) *batchStmtState {
	st, ok := b.g.stmts[s]
	if !ok {
		st = &batchStmtState{query: b.g.s.w.Rebind(s.sql())}
		b.g.stmts[s] = st
	}
	return st
}

func (b *sendBatch) queryRow(s batchStmt, args ...any) *sqlx.Row {
	if st := b.stmt(s); st.st != nil {
		return b.tx.StmtxContext(b.ctx, st.st).QueryRowxContext(b.ctx, args...)
	}
	return b.tx.QueryRowxContext(b.ctx, b.stmt(s).query, args...)
}

func (b *sendBatch) query(s batchStmt, args ...any) (*sqlx.Rows, error) {
	if st := b.stmt(s); st.st != nil {
		return b.tx.StmtxContext(b.ctx, st.st).QueryxContext(b.ctx, args...)
	}
	return b.tx.QueryxContext(b.ctx, b.stmt(s).query, args...)
}

func (b *sendBatch) exec(s batchStmt, args ...any) (sql.Result, error) {
	if st := b.stmt(s); st.st != nil {
		return b.tx.StmtxContext(b.ctx, st.st).ExecContext(b.ctx, args...)
	}
	return b.tx.ExecContext(b.ctx, b.stmt(s).query, args...)
}

// compareMembers orders member keys by tenant, room and user: the one
// order in which every multi-row cursor update (the group committer's, the
// cursor writer's) lists its rows, which PostgreSQL reads in that order
// against the primary key and locks one by one (TestQueryPlans holds the
// plan), so that two of them, in two instances or in one, cannot deadlock.
func compareMembers(a, b memberKey) int {
	return cmp.Or(strings.Compare(a.tenantID, b.tenantID), strings.Compare(a.roomID, b.roomID), strings.Compare(a.sender, b.sender))
}
