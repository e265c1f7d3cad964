package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Report statuses.
const (
	ReportOpen      = "open"
	ReportResolved  = "resolved"
	ReportDismissed = "dismissed"
)

// Report is a user's or the system's report of a message or of a user.
type Report struct {
	ID string
	// ReporterID is who reported; nil for the system (a blocklist flag).
	ReporterID *string
	// TargetUserID is the reported user: a reported message's sender.
	TargetUserID string
	// RoomID and MessageID are set for a report of a message.
	RoomID, MessageID *string
	Reason            string
	Note              *string
	Status            string
	CreatedAt         time.Time
	ResolvedAt        *time.Time
	ResolvedBy        *string
}

// NewReport is a report to open: of MessageID or, without one, of UserID.
type NewReport struct {
	MessageID string
	UserID    string
	Reason    string
	Note      *string
}

// ReportFilter pages a report queue, oldest first.
type ReportFilter struct {
	// Status keeps the reports in it; "" keeps all.
	Status string
	// After is the id of the last report of the previous page.
	After string
	Limit int
}

// ReportScope is whose reports a caller may see and change.
type ReportScope struct {
	// All is the tenant key's scope: every report of the tenant.
	All bool
	// Admin, without All, sees the reports of messages in the rooms it is
	// an admin of.
	Admin string
}

type reportRow struct {
	ID           string  `db:"id"`
	ReporterID   *string `db:"user_id"`
	TargetUserID string  `db:"target_user_id"`
	RoomID       *string `db:"room_id"`
	MessageID    *string `db:"message_id"`
	Reason       string  `db:"reason"`
	Note         *string `db:"note"`
	Status       string  `db:"status"`
	CreatedAt    int64   `db:"created_at"`
	ResolvedAt   *int64  `db:"resolved_at"`
	ResolvedBy   *string `db:"resolved_by"`
}

func (r reportRow) report() Report {
	return Report{
		ID: r.ID, ReporterID: r.ReporterID, TargetUserID: r.TargetUserID, RoomID: r.RoomID, MessageID: r.MessageID,
		Reason: r.Reason, Note: r.Note, Status: r.Status, CreatedAt: fromMillis(r.CreatedAt),
		ResolvedAt: fromNullMillis(r.ResolvedAt), ResolvedBy: r.ResolvedBy,
	}
}

const reportColumns = `id, user_id, target_user_id, room_id, message_id, reason, note, status, created_at, resolved_at, resolved_by`

// CreateReport opens a report by reporter ("" for the system) of a message
// the reporter can read (ErrNotFound otherwise, as for a message of another
// tenant) or of a user other than the reporter.
func (s *Store) CreateReport(ctx context.Context, tenantID, reporter string, n NewReport) (Report, error) {
	row := reportRow{ID: newID("rep_"), Reason: n.Reason, Note: n.Note, Status: ReportOpen, CreatedAt: s.nowMillis()}
	if reporter != "" {
		row.ReporterID = &reporter
	}
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		switch {
		case n.MessageID != "":
			var m struct {
				RoomID   string `db:"room_id"`
				SenderID string `db:"sender_id"`
				Type     string `db:"type"`
				Member   bool   `db:"member"`
			}
			err := tx.GetContext(ctx, &m, tx.Rebind(`
				SELECT m.room_id, m.sender_id, r.type,
					EXISTS (SELECT 1 FROM room_members rm WHERE rm.room_id = m.room_id AND rm.user_id = ?) AS member
				FROM messages m JOIN rooms r ON r.id = m.room_id
				WHERE m.tenant_id = ? AND m.id = ?`), reporter, tenantID, n.MessageID)
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			if err != nil {
				return fmt.Errorf("find reported message: %w", err)
			}
			if reporter != "" && !m.Member && RoomType(m.Type) != RoomChannel {
				return ErrNotFound
			}
			row.RoomID, row.MessageID, row.TargetUserID = &m.RoomID, &n.MessageID, m.SenderID
		case n.UserID == reporter:
			return &InvalidError{Field: "user_id", Message: "a user cannot report themself"}
		default:
			row.TargetUserID = n.UserID
		}
		_, err := tx.NamedExecContext(ctx, `
			INSERT INTO reports (tenant_id, id, user_id, target_user_id, room_id, message_id, reason, note, status, created_at)
			VALUES (:tenant_id, :id, :user_id, :target_user_id, :room_id, :message_id, :reason, :note, :status, :created_at)`,
			map[string]any{
				"tenant_id": tenantID, "id": row.ID, "user_id": row.ReporterID, "target_user_id": row.TargetUserID,
				"room_id": row.RoomID, "message_id": row.MessageID, "reason": row.Reason, "note": row.Note,
				"status": row.Status, "created_at": row.CreatedAt,
			})
		if err != nil {
			return fmt.Errorf("create report: %w", err)
		}
		return nil
	})
	if err != nil {
		return Report{}, err
	}
	return row.report(), nil
}

// scopeClause limits a query of reports to what scope may see.
func scopeClause(tenantID string, scope ReportScope) (string, []any) {
	if scope.All {
		return `tenant_id = ?`, []any{tenantID}
	}
	return `tenant_id = ? AND room_id IN (
		SELECT room_id FROM room_members WHERE tenant_id = ? AND user_id = ? AND role = 'admin')`,
		[]any{tenantID, tenantID, scope.Admin}
}

// ListReports pages the reports scope may see, oldest first; more tells
// whether another page follows.
func (s *Store) ListReports(ctx context.Context, tenantID string, scope ReportScope, f ReportFilter) (reports []Report, more bool, err error) {
	where, args := scopeClause(tenantID, scope)
	q := `SELECT ` + reportColumns + ` FROM reports WHERE ` + where
	if f.Status != "" {
		q += ` AND status = ?`
		args = append(args, f.Status)
	}
	if f.After != "" {
		q += ` AND (created_at, id) > (SELECT created_at, id FROM reports WHERE tenant_id = ? AND id = ?)`
		args = append(args, tenantID, f.After)
	}
	q += ` ORDER BY created_at, id LIMIT ?`
	args = append(args, f.Limit+1)
	var rows []reportRow
	if err := s.r.SelectContext(ctx, &rows, s.r.Rebind(q), args...); err != nil {
		return nil, false, fmt.Errorf("list reports: %w", err)
	}
	if len(rows) > f.Limit {
		rows, more = rows[:f.Limit], true
	}
	reports = make([]Report, len(rows))
	for i, r := range rows {
		reports[i] = r.report()
	}
	return reports, more, nil
}

// CloseReport sets a report's status to resolved or dismissed, by actor; a
// report outside scope is ErrNotFound.
func (s *Store) CloseReport(ctx context.Context, tenantID, actor string, scope ReportScope, id, status string) (Report, error) {
	where, args := scopeClause(tenantID, scope)
	var row reportRow
	q := `UPDATE reports SET status = ?, resolved_at = ?, resolved_by = ? WHERE id = ? AND ` + where + ` RETURNING ` + reportColumns
	err := s.w.GetContext(ctx, &row, s.w.Rebind(q), append([]any{status, s.nowMillis(), actor, id}, args...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return Report{}, ErrNotFound
	}
	if err != nil {
		return Report{}, fmt.Errorf("close report: %w", err)
	}
	return row.report(), nil
}
