package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"
)

type subscriptionRow struct {
	Topic     string `db:"topic"`
	CreatedAt int64  `db:"created_at"`
}

func (r subscriptionRow) subscription() Subscription {
	return Subscription{Topic: r.Topic, CreatedAt: fromMillis(r.CreatedAt)}
}

// Subscribe subscribes userID to topic. It is idempotent: when the
// subscription exists, also because a concurrent call just made it, it is
// returned with created false.
func (s *Store) Subscribe(ctx context.Context, tenantID, userID, topic string) (sub Subscription, created bool, err error) {
	if err := validateTopic(topic); err != nil {
		return Subscription{}, false, err
	}
	var row subscriptionRow
	err = s.withTx(ctx, func(tx *sqlx.Tx) error {
		// ON CONFLICT waits for a concurrent insert of the same row to
		// commit, then does nothing: no unique violation to retry.
		res, err := tx.ExecContext(ctx, tx.Rebind(`
			INSERT INTO subscriptions (tenant_id, user_id, topic, created_at)
			VALUES (?, ?, ?, ?)
			ON CONFLICT (tenant_id, user_id, topic) DO NOTHING`),
			tenantID, userID, topic, s.nowMillis())
		if err != nil {
			return fmt.Errorf("subscribe: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("subscribe: %w", err)
		}
		created = n == 1
		if err := tx.GetContext(ctx, &row, tx.Rebind(`
			SELECT topic, created_at FROM subscriptions
			WHERE tenant_id = ? AND user_id = ? AND topic = ?`), tenantID, userID, topic); err != nil {
			return fmt.Errorf("read subscription: %w", err)
		}
		return nil
	})
	if err != nil {
		return Subscription{}, false, err
	}
	return row.subscription(), created, nil
}

// ListSubscriptions returns userID's subscriptions by topic, in byte order.
func (s *Store) ListSubscriptions(ctx context.Context, tenantID, userID string) ([]Subscription, error) {
	var rows []subscriptionRow
	if err := s.r.SelectContext(ctx, &rows, s.r.Rebind(`
		SELECT topic, created_at FROM subscriptions
		WHERE tenant_id = ? AND user_id = ?`), tenantID, userID); err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	// Sorted here, not by ORDER BY: a PostgreSQL collation other than C
	// ignores '.', '_' and '-' at first, SQLite compares bytes.
	slices.SortFunc(rows, func(a, b subscriptionRow) int { return cmp.Compare(a.Topic, b.Topic) })
	out := make([]Subscription, len(rows))
	for i, r := range rows {
		out[i] = r.subscription()
	}
	return out, nil
}

// Unsubscribe ends userID's subscription to topic; ErrNotFound when there is
// none.
func (s *Store) Unsubscribe(ctx context.Context, tenantID, userID, topic string) error {
	if err := validateTopic(topic); err != nil {
		return err
	}
	res, err := s.w.ExecContext(ctx, s.w.Rebind(`
		DELETE FROM subscriptions
		WHERE tenant_id = ? AND user_id = ? AND topic = ?`), tenantID, userID, topic)
	if err != nil {
		return fmt.Errorf("unsubscribe: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("unsubscribe: %w", err)
	} else if n == 0 {
		return fmt.Errorf("subscription to %s: %w", topic, ErrNotFound)
	}
	return nil
}
