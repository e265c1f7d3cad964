// Package sendbaseline runs the transaction Store.SendMessage runs (take
// the room's next seq and event_seq and mark its activity, check the
// sender's membership, insert the message, which is its own event in the
// room's log, move the sender's read cursor) directly with database/sql,
// from concurrent goroutines. It is the load generator's ceiling for the
// REST send path: what the database alone allows for the same work, with no
// HTTP, JSON, validation or store layer in between.
//
// The statements are its own, written after store/sendshape.go's;
// TestBaselineWritesWhatTheStoreWrites sends the same messages through both
// into two fresh databases and compares every table, so a send that stores
// something more (a new column, another row) fails it until the baseline
// does the same work.
package sendbaseline

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Target is a room with a member who sends to it.
type Target struct {
	TenantID, RoomID, Sender string
}

// Result is what Run measured.
type Result struct {
	Sent    int64
	Errors  int64
	Elapsed time.Duration
	// FirstError is the first failure, for the report.
	FirstError error
}

// PerSecond is committed transactions per second.
func (r Result) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Sent) / r.Elapsed.Seconds()
}

// Run commits send transactions against db from c goroutines for d;
// goroutine i sends to targets[i mod len(targets)]. postgres selects $n
// placeholders; otherwise ? (SQLite). The caller sizes db's pool as the
// store does (one connection for SQLite's writer).
func Run(ctx context.Context, db *sql.DB, postgres bool, targets []Target, c int, d time.Duration) Result {
	if len(targets) == 0 || c < 1 {
		return Result{FirstError: errors.New("sendbaseline: no targets or senders")}
	}
	q := NewSender(db, postgres)
	var sent, failed atomic.Int64
	var firstErr error
	var once sync.Once
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for i := range c {
		t := targets[i%len(targets)]
		wg.Go(func() {
			for n := 0; time.Now().Before(deadline) && ctx.Err() == nil; n++ {
				if err := q.Send(ctx, t, fmt.Sprintf("baseline %d", n)); err != nil {
					failed.Add(1)
					once.Do(func() { firstErr = err })
					continue
				}
				sent.Add(1)
			}
		})
	}
	wg.Wait()
	return Result{Sent: sent.Load(), Errors: failed.Load(), Elapsed: time.Since(start), FirstError: firstErr}
}

// Sender commits one send transaction at a time on its database; it is
// safe for concurrent use.
type Sender struct {
	db  *sql.DB
	q   queries
	now func() time.Time
}

// Option configures NewSender.
type Option func(*Sender)

// WithClock makes the sender stamp messages with now instead of time.Now,
// as store.WithClock does for the store.
func WithClock(now func() time.Time) Option {
	return func(s *Sender) { s.now = now }
}

// NewSender prepares the statements for db; postgres selects $n
// placeholders, otherwise ? (SQLite).
func NewSender(db *sql.DB, postgres bool, opts ...Option) *Sender {
	s := &Sender{db: db, q: statements(postgres), now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s
}

type queries struct{ allocate, member, insert, advance string }

func statements(postgres bool) queries {
	q := queries{
		allocate: `UPDATE rooms SET last_seq = last_seq + 1, last_event_seq = last_event_seq + 1, last_activity_at = ?
			WHERE tenant_id = ? AND id = ?
			RETURNING last_seq, last_event_seq`,
		member: `SELECT r.id, r.tenant_id, r.type, r.name, r.unique_key, r.metadata,
			r.last_seq, r.member_count, r.created_at, r.updated_at, m.role AS actor_role
			FROM rooms r
			LEFT JOIN room_members m ON m.room_id = r.id AND m.user_id = ?
			WHERE r.tenant_id = ? AND r.id = ?`,
		insert: `INSERT INTO messages (id, tenant_id, room_id, sender_id, content, meta, client_msg_id, created_at, seq, event_seq)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		advance: `UPDATE room_members SET last_ack = ?
			WHERE tenant_id = ? AND room_id = ? AND user_id = ? AND last_ack < ?`,
	}
	if postgres {
		q.allocate, q.member, q.insert, q.advance = dollar(q.allocate), dollar(q.member), dollar(q.insert), dollar(q.advance)
	}
	return q
}

// dollar rewrites ? placeholders as $1, $2…
func dollar(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Send commits one message from t.Sender to t.RoomID in SendMessage's
// transaction shape.
func (s *Sender) Send(ctx context.Context, t Target, content string) error {
	q := s.q
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	now := s.now().UnixMilli()
	var seq, eventSeq int64
	if err := tx.QueryRowContext(ctx, q.allocate, now, t.TenantID, t.RoomID).Scan(&seq, &eventSeq); err != nil {
		return fmt.Errorf("allocate seq: %w", err)
	}
	var (
		id, tenant, typ, lastSeq, members, created, updated any
		name, uniqueKey, metadata, role                     any
	)
	if err := tx.QueryRowContext(ctx, q.member, t.Sender, t.TenantID, t.RoomID).
		Scan(&id, &tenant, &typ, &name, &uniqueKey, &metadata, &lastSeq, &members, &created, &updated, &role); err != nil {
		return fmt.Errorf("read room: %w", err)
	}
	if role == nil {
		return fmt.Errorf("%s is not a member of %s", t.Sender, t.RoomID)
	}
	if _, err := tx.ExecContext(ctx, q.insert, "msg_"+rand.Text(), t.TenantID, t.RoomID, t.Sender,
		content, nil, nil, now, seq, eventSeq); err != nil {
		return fmt.Errorf("insert message: %w", err)
	}
	if _, err := tx.ExecContext(ctx, q.advance, seq, t.TenantID, t.RoomID, t.Sender, seq); err != nil {
		return fmt.Errorf("advance ack: %w", err)
	}
	return tx.Commit()
}
