package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Tenant administration (SPEC Part 2, "Tenant administration and privacy"):
// deletion and its background purge, usage.

// DeleteTenant marks a tenant deleted: from then on no lookup finds it
// (its key, its tokens and its WebSockets are refused) and PurgeTenant may
// remove its data. Deleting a tenant already deleted changes nothing; an
// unknown tenant is ErrNotFound.
func (s *Store) DeleteTenant(ctx context.Context, tenantID string) error {
	res, err := s.w.ExecContext(ctx, s.w.Rebind(`UPDATE tenants SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL`),
		s.nowMillis(), tenantID)
	if err != nil {
		return fmt.Errorf("delete tenant: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("delete tenant: %w", err)
	} else if n > 0 {
		return nil
	}
	var one int
	err = s.w.GetContext(ctx, &one, s.w.Rebind(`SELECT 1 FROM tenants WHERE id = ?`), tenantID)
	if err != nil {
		return fmt.Errorf("tenant %s: %w", tenantID, ErrNotFound)
	}
	return nil
}

// DeletedTenants returns the tenants deleted and not yet purged, oldest
// deletion first.
func (s *Store) DeletedTenants(ctx context.Context) ([]string, error) {
	var ids []string
	if err := s.w.SelectContext(ctx, &ids, `SELECT id FROM tenants WHERE deleted_at IS NOT NULL ORDER BY deleted_at, id`); err != nil {
		return nil, fmt.Errorf("deleted tenants: %w", err)
	}
	return ids, nil
}

// TenantUploads returns up to limit uploads of a tenant, of every status,
// for a purge to delete their files before their records.
func (s *Store) TenantUploads(ctx context.Context, tenantID string, limit int) ([]UploadRef, error) {
	var out []UploadRef
	if err := s.w.SelectContext(ctx, &out, s.w.Rebind(`SELECT tenant_id, id FROM uploads WHERE tenant_id = ? ORDER BY id LIMIT ?`),
		tenantID, limit); err != nil {
		return nil, fmt.Errorf("tenant uploads: %w", err)
	}
	return out, nil
}

// DropUploads deletes the records of uploads whose files are gone.
func (s *Store) DropUploads(ctx context.Context, tenantID string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	q, args, err := sqlx.In(`DELETE FROM uploads WHERE tenant_id = ? AND id IN (?)`, tenantID, ids)
	if err != nil {
		return fmt.Errorf("drop uploads: %w", err)
	}
	if _, err := s.w.ExecContext(ctx, s.w.Rebind(q), args...); err != nil {
		return fmt.Errorf("drop uploads: %w", err)
	}
	return nil
}

// tenantTable is a table with a tenant_id column, and what a batched
// delete of its rows needs.
type tenantTable struct {
	name string
	// hasRoom: the table has a room_id column too.
	hasRoom bool
	// hasUser: the table has a user_id column too.
	hasUser bool
	// key selects a row: its primary key columns, rowid (SQLite) or ctid
	// (PostgreSQL).
	key string
}

// TenantTables names every table with a tenant_id column, found in the
// database's own catalogue, so that tables added later are covered too.
func (s *Store) TenantTables(ctx context.Context) ([]string, error) {
	ts, err := s.tenantTables(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.name
	}
	return names, nil
}

func (s *Store) tenantTables(ctx context.Context) ([]tenantTable, error) {
	type col struct {
		Table string `db:"table_name"`
		Col   string `db:"column_name"`
		PK    int    `db:"pk"`
	}
	var cols []col
	var q string
	if s.dialect.name == "sqlite" {
		q = `SELECT m.name AS table_name, p.name AS column_name, p.pk AS pk
			FROM sqlite_master AS m, pragma_table_info(m.name) AS p
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%'
			ORDER BY m.name, p.pk`
	} else {
		q = `SELECT c.table_name, c.column_name, 0 AS pk
			FROM information_schema.columns AS c JOIN information_schema.tables AS t
			  ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
			WHERE c.table_schema = current_schema() ORDER BY c.table_name, c.ordinal_position`
	}
	if err := s.w.SelectContext(ctx, &cols, q); err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	byName := map[string]*tenantTable{}
	var order []string
	withTenant := map[string]bool{}
	pks := map[string][]string{}
	for _, c := range cols {
		t, ok := byName[c.Table]
		if !ok {
			t = &tenantTable{name: c.Table}
			byName[c.Table] = t
			order = append(order, c.Table)
		}
		switch c.Col {
		case "tenant_id":
			withTenant[c.Table] = true
		case "room_id":
			t.hasRoom = true
		case "user_id":
			t.hasUser = true
		}
		if c.PK > 0 {
			pks[c.Table] = append(pks[c.Table], c.Col)
		}
	}
	var out []tenantTable
	for _, name := range order {
		if !withTenant[name] || name == "tenants" {
			continue
		}
		t := byName[name]
		switch {
		case s.dialect.name != "sqlite":
			t.key = "ctid"
		case len(pks[name]) > 0:
			t.key = "(" + strings.Join(pks[name], ", ") + ")"
		default:
			t.key = "rowid"
		}
		out = append(out, *t)
	}
	return out, nil
}

// purgeBatch bounds the rows one statement of a purge deletes, so that a
// large tenant never holds SQLite's one writer for long.
const purgeBatch = 500

// PurgeTenant deletes every row of a deleted tenant, table by table in
// batches (the rooms' tables room by room), and the tenant's own row last;
// its uploads' files must be gone first (TenantUploads, DropUploads). It
// may be stopped anywhere and run again. A tenant not deleted is
// ErrConflict: a purge never touches a live tenant.
func (s *Store) PurgeTenant(ctx context.Context, tenantID string) error {
	var deletedAt *int64
	if err := s.w.GetContext(ctx, &deletedAt, s.w.Rebind(`SELECT deleted_at FROM tenants WHERE id = ?`), tenantID); err != nil {
		return fmt.Errorf("tenant %s: %w", tenantID, ErrNotFound)
	}
	if deletedAt == nil {
		return &ConflictError{Message: "the tenant is not deleted"}
	}
	tables, err := s.tenantTables(ctx)
	if err != nil {
		return err
	}
	// Room by room first: room_id leads the keys of the large tables
	// (messages, events, reactions), tenant_id does not.
	for {
		var rooms []string
		if err := s.w.SelectContext(ctx, &rooms, s.w.Rebind(`SELECT id FROM rooms WHERE tenant_id = ? LIMIT 100`), tenantID); err != nil {
			return fmt.Errorf("purge tenant rooms: %w", err)
		}
		for _, room := range rooms {
			for _, t := range tables {
				if !t.hasRoom || t.name == "rooms" {
					continue
				}
				if err := s.deleteBatches(ctx, t, `tenant_id = ? AND room_id = ?`, tenantID, room); err != nil {
					return err
				}
			}
			if _, err := s.w.ExecContext(ctx, s.w.Rebind(`DELETE FROM rooms WHERE tenant_id = ? AND id = ?`), tenantID, room); err != nil {
				return fmt.Errorf("purge room: %w", err)
			}
			s.membersChanged(tenantID, room)
		}
		if len(rooms) < 100 {
			break
		}
	}
	// Then whatever is left, in passes: a table whose rows another
	// table's still refer to (a foreign key without a cascade) is emptied
	// by a later pass.
	var last error
	for range 5 {
		last = nil
		for _, t := range tables {
			if err := s.deleteBatches(ctx, t, `tenant_id = ?`, tenantID); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				last = err
			}
		}
		if last == nil {
			break
		}
	}
	if last != nil {
		return last
	}
	if _, err := s.w.ExecContext(ctx, s.w.Rebind(`DELETE FROM tenants WHERE id = ? AND deleted_at IS NOT NULL`), tenantID); err != nil {
		return fmt.Errorf("purge tenant row: %w", err)
	}
	return nil
}

// deleteBatches deletes the rows of t where cond holds, purgeBatch at a
// time.
func (s *Store) deleteBatches(ctx context.Context, t tenantTable, cond string, args ...any) error {
	q := s.w.Rebind(`DELETE FROM ` + t.name + ` WHERE ` + t.key + ` IN (SELECT ` + strings.Trim(t.key, "()") +
		` FROM ` + t.name + ` WHERE ` + cond + ` LIMIT ` + fmt.Sprint(purgeBatch) + `)`)
	for {
		res, err := s.w.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("purge %s: %w", t.name, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("purge %s: %w", t.name, err)
		}
		if n < purgeBatch {
			return nil
		}
	}
}

// day is the UTC day of t as the usage tables keep it.
func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// RecordConnectionPeaks keeps, for each tenant of peaks, the most
// connections this instance had open at once on the UTC day of at: the
// stored peak only grows.
func (s *Store) RecordConnectionPeaks(ctx context.Context, instanceID string, at time.Time, peaks map[string]int) error {
	if len(peaks) == 0 {
		return nil
	}
	d := day(at)
	return s.withTx(ctx, func(tx *sqlx.Tx) error {
		for tenantID, n := range peaks {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`
				INSERT INTO connection_peaks (tenant_id, day, instance_id, peak) VALUES (?, ?, ?, ?)
				ON CONFLICT (tenant_id, day, instance_id) DO UPDATE
				SET peak = CASE WHEN excluded.peak > connection_peaks.peak THEN excluded.peak ELSE connection_peaks.peak END`),
				tenantID, d, instanceID, n); err != nil {
				return fmt.Errorf("record connection peak: %w", err)
			}
		}
		return nil
	})
}

// DayCount is a count of one UTC day (YYYY-MM-DD) or month (YYYY-MM).
type DayCount struct {
	Period string `db:"period"`
	Count  int64  `db:"n"`
}

// Usage is what a tenant used over a span of days.
type Usage struct {
	// Messages is how many messages were sent in the span.
	Messages int64
	// DailyActiveUsers counts each day's distinct active users, days
	// without any left out; MonthlyActiveUsers each calendar month's
	// (within the span).
	DailyActiveUsers   []DayCount
	MonthlyActiveUsers []DayCount
	// DailyPeakConnections is each day's peak of WebSocket connections:
	// the sum of the instances' own peaks of the day.
	DailyPeakConnections []DayCount
	// PeakConnections is the highest of DailyPeakConnections.
	PeakConnections int64
	// StorageBytes is the size of the tenant's uploads now.
	StorageBytes int64
	// WebhookDeliveries counts the webhook delivery attempts in the span.
	WebhookDeliveries int64
}

// TenantUsage reports a tenant's usage over the UTC days from..to, both
// included. An unknown (or deleted) tenant is ErrNotFound.
func (s *Store) TenantUsage(ctx context.Context, tenantID string, from, to time.Time) (Usage, error) {
	if _, err := s.TenantByID(ctx, tenantID); err != nil {
		return Usage{}, err
	}
	fromDay, toDay := day(from), day(to)
	start := from.UTC().Truncate(24 * time.Hour).UnixMilli()
	end := to.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour).UnixMilli()
	var u Usage
	if err := s.r.GetContext(ctx, &u.Messages, s.r.Rebind(`
		SELECT COUNT(*) FROM messages WHERE tenant_id = ? AND created_at >= ? AND created_at < ?`), tenantID, start, end); err != nil {
		return Usage{}, fmt.Errorf("count messages: %w", err)
	}
	if err := s.r.SelectContext(ctx, &u.DailyActiveUsers, s.r.Rebind(`
		SELECT day AS period, COUNT(*) AS n FROM user_activity
		WHERE tenant_id = ? AND day >= ? AND day <= ? GROUP BY day ORDER BY day`), tenantID, fromDay, toDay); err != nil {
		return Usage{}, fmt.Errorf("daily active users: %w", err)
	}
	if err := s.r.SelectContext(ctx, &u.MonthlyActiveUsers, s.r.Rebind(`
		SELECT SUBSTR(day, 1, 7) AS period, COUNT(DISTINCT user_id) AS n FROM user_activity
		WHERE tenant_id = ? AND day >= ? AND day <= ? GROUP BY SUBSTR(day, 1, 7) ORDER BY SUBSTR(day, 1, 7)`), tenantID, fromDay, toDay); err != nil {
		return Usage{}, fmt.Errorf("monthly active users: %w", err)
	}
	if err := s.r.SelectContext(ctx, &u.DailyPeakConnections, s.r.Rebind(`
		SELECT day AS period, SUM(peak) AS n FROM connection_peaks
		WHERE tenant_id = ? AND day >= ? AND day <= ? GROUP BY day ORDER BY day`), tenantID, fromDay, toDay); err != nil {
		return Usage{}, fmt.Errorf("peak connections: %w", err)
	}
	for _, d := range u.DailyPeakConnections {
		u.PeakConnections = max(u.PeakConnections, d.Count)
	}
	if err := s.r.GetContext(ctx, &u.StorageBytes, s.r.Rebind(`
		SELECT COALESCE(SUM(size), 0) FROM uploads WHERE tenant_id = ?`), tenantID); err != nil {
		return Usage{}, fmt.Errorf("storage bytes: %w", err)
	}
	if err := s.r.GetContext(ctx, &u.WebhookDeliveries, s.r.Rebind(`
		SELECT COUNT(*) FROM webhook_attempts WHERE tenant_id = ? AND started_at >= ? AND started_at < ?`), tenantID, start, end); err != nil {
		return Usage{}, fmt.Errorf("webhook deliveries: %w", err)
	}
	if u.DailyActiveUsers == nil {
		u.DailyActiveUsers = []DayCount{}
	}
	if u.MonthlyActiveUsers == nil {
		u.MonthlyActiveUsers = []DayCount{}
	}
	if u.DailyPeakConnections == nil {
		u.DailyPeakConnections = []DayCount{}
	}
	return u, nil
}

// TenantRows counts the rows of a tenant in every table with a tenant_id
// column (the tenant's own row in tenants included), by table; tables
// without any are left out. A purge is complete when it is empty.
func (s *Store) TenantRows(ctx context.Context, tenantID string) (map[string]int64, error) {
	tables, err := s.tenantTables(ctx)
	if err != nil {
		return nil, err
	}
	tables = append(tables, tenantTable{name: "tenants"})
	out := map[string]int64{}
	for _, t := range tables {
		col := "tenant_id"
		if t.name == "tenants" {
			col = "id"
		}
		var n int64
		if err := s.r.GetContext(ctx, &n, s.r.Rebind(`SELECT COUNT(*) FROM `+t.name+` WHERE `+col+` = ?`), tenantID); err != nil {
			return nil, fmt.Errorf("count %s: %w", t.name, err)
		}
		if n > 0 {
			out[t.name] = n
		}
	}
	return out, nil
}
