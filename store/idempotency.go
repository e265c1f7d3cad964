package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Idempotency keys (SPEC Part 2, "Clients"): the first request sent with a
// key claims it, runs, and records its answer; a repeat finds the answer
// and replays it instead of running. The rule of who may run lives here, in
// one statement, so that of any number of concurrent requests with one key,
// on one instance or several, exactly one claims it.

// IdempotencyRecord is what is kept of a claimed key.
type IdempotencyRecord struct {
	// Fingerprint identifies the request that claimed the key (its
	// operation and body, as the caller hashes them).
	Fingerprint string
	// Status is the answer's HTTP status, 0 while the claiming request
	// still runs.
	Status int
	// Body is the answer as the caller recorded it.
	Body []byte
}

// Pending reports whether the request that claimed the key is still running.
func (r IdempotencyRecord) Pending() bool { return r.Status == 0 }

// IdempotencyClaim is how long a claim holds: a recorded answer for TTL
// from the claim, a claim whose request never recorded one (its process
// died) for AbandonAfter, after which another request may claim the key.
type IdempotencyClaim struct {
	TTL          time.Duration
	AbandonAfter time.Duration
}

// ClaimIdempotencyKey claims keyHash in tenantID for a request of
// fingerprint. claimed is true when the caller is to run the request and
// then CompleteIdempotencyKey or ReleaseIdempotencyKey; otherwise rec is
// the claim that holds the key: pending, or answered. An expired answer or
// an abandoned claim is claimed afresh. tenantID is "" for requests of no
// tenant (the master key's).
func (s *Store) ClaimIdempotencyKey(ctx context.Context, tenantID, keyHash, fingerprint string, c IdempotencyClaim) (rec IdempotencyRecord, claimed bool, err error) {
	now := s.nowMillis()
	err = s.withTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`
			INSERT INTO idempotency_keys (tenant_id, key_hash, fingerprint, status, body, created_at, expires_at)
			VALUES (?, ?, ?, 0, NULL, ?, ?)
			ON CONFLICT (tenant_id, key_hash) DO UPDATE SET
				fingerprint = excluded.fingerprint, status = 0, body = NULL,
				created_at = excluded.created_at, expires_at = excluded.expires_at
			WHERE idempotency_keys.expires_at <= ?
			   OR (idempotency_keys.status = 0 AND idempotency_keys.created_at <= ?)`),
			tenantID, keyHash, fingerprint, now, now+c.TTL.Milliseconds(),
			now, now-c.AbandonAfter.Milliseconds())
		if err != nil {
			return fmt.Errorf("claim idempotency key: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("claim idempotency key: %w", err)
		}
		if n == 1 {
			claimed = true
			return nil
		}
		var row struct {
			Fingerprint string `db:"fingerprint"`
			Status      int    `db:"status"`
			Body        []byte `db:"body"`
		}
		if err := tx.GetContext(ctx, &row, tx.Rebind(`
			SELECT fingerprint, status, body FROM idempotency_keys
			WHERE tenant_id = ? AND key_hash = ?`), tenantID, keyHash); err != nil {
			return fmt.Errorf("read idempotency key: %w", err)
		}
		rec = IdempotencyRecord{Fingerprint: row.Fingerprint, Status: row.Status, Body: row.Body}
		return nil
	})
	return rec, claimed, err
}

// CompleteIdempotencyKey records the answer of the request that claimed
// keyHash; status must be an HTTP status (not 0). ErrNotFound when the
// claim is gone (released, or taken over as abandoned).
func (s *Store) CompleteIdempotencyKey(ctx context.Context, tenantID, keyHash string, status int, body []byte) error {
	if status <= 0 {
		return fmt.Errorf("complete idempotency key: status %d is not an answer", status)
	}
	res, err := s.w.ExecContext(ctx, s.w.Rebind(`
		UPDATE idempotency_keys SET status = ?, body = ?
		WHERE tenant_id = ? AND key_hash = ? AND status = 0`), status, body, tenantID, keyHash)
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("complete idempotency key: %w", errors.Join(ErrNotFound, err))
	}
	return nil
}

// ReleaseIdempotencyKey gives up a pending claim of keyHash (its request
// failed and left nothing to replay), so that a retry runs afresh. A
// recorded answer stays.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, tenantID, keyHash string) error {
	if _, err := s.w.ExecContext(ctx, s.w.Rebind(`
		DELETE FROM idempotency_keys WHERE tenant_id = ? AND key_hash = ? AND status = 0`), tenantID, keyHash); err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

// PruneIdempotencyKeys deletes the keys whose time is over and returns how
// many.
func (s *Store) PruneIdempotencyKeys(ctx context.Context) (int64, error) {
	res, err := s.w.ExecContext(ctx, s.w.Rebind(`DELETE FROM idempotency_keys WHERE expires_at <= ?`), s.nowMillis())
	if err != nil {
		return 0, fmt.Errorf("prune idempotency keys: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune idempotency keys: %w", err)
	}
	return n, nil
}
