package server

import (
	"context"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/store"
)

// Tenant administration (SPEC Part 2, "Tenant administration and privacy").

// defaultUsageDays is the span of GET …/usage without from. A span with
// from after to is empty, not refused: both are valid dates, and what
// they hold depends on nothing stored.
const defaultUsageDays = 30

// GetTenant returns a tenant without its key.
func (s *Server) GetTenant(ctx context.Context, req chatapi.GetTenantRequestObject) (chatapi.GetTenantResponseObject, error) {
	t, err := s.store.TenantByID(ctx, req.TenantId)
	if err != nil {
		return nil, err
	}
	return chatapi.GetTenant200JSONResponse{Success: true, Data: tenantOut(t)}, nil
}

// DeleteTenant refuses the tenant from now on, closes its connections
// here (the other instances' close at their next credential check) and
// wakes the purge.
func (s *Server) DeleteTenant(ctx context.Context, req chatapi.DeleteTenantRequestObject) (chatapi.DeleteTenantResponseObject, error) {
	if err := s.store.DeleteTenant(ctx, req.TenantId); err != nil {
		return nil, err
	}
	s.tenants.forget(req.TenantId)
	if s.cfg.Closer != nil {
		s.cfg.Closer.CloseTenant(req.TenantId)
	}
	if s.cfg.Purge != nil {
		s.cfg.Purge.Wake()
	}
	return chatapi.DeleteTenant202JSONResponse{Success: true,
		Data: chatapi.TenantDeletion{TenantId: req.TenantId, Status: chatapi.TenantDeletionStatusPurging}}, nil
}

// GetTenantUsage reports a tenant's usage over a span of UTC days.
func (s *Server) GetTenantUsage(ctx context.Context, req chatapi.GetTenantUsageRequestObject) (chatapi.GetTenantUsageResponseObject, error) {
	to := s.cfg.Now().UTC().Truncate(24 * time.Hour)
	if req.Params.To != nil {
		to = req.Params.To.Time
	}
	from := to.AddDate(0, 0, -(defaultUsageDays - 1))
	if req.Params.From != nil {
		from = req.Params.From.Time
	}
	u, err := s.store.TenantUsage(ctx, req.TenantId, from, to)
	if err != nil {
		return nil, err
	}
	return chatapi.GetTenantUsage200JSONResponse{Success: true, Data: usageOut(req.TenantId, from, to, u)}, nil
}

func usageOut(tenantID string, from, to time.Time, u store.Usage) chatapi.TenantUsage {
	days := func(cs []store.DayCount) []chatapi.DayCount {
		out := make([]chatapi.DayCount, 0, len(cs))
		for _, c := range cs {
			d, err := time.Parse(time.DateOnly, c.Period)
			if err != nil {
				continue
			}
			out = append(out, chatapi.DayCount{Date: openapi_types.Date{Time: d}, Count: c.Count})
		}
		return out
	}
	months := make([]chatapi.MonthCount, len(u.MonthlyActiveUsers))
	for i, c := range u.MonthlyActiveUsers {
		months[i] = chatapi.MonthCount{Month: c.Period, Count: c.Count}
	}
	return chatapi.TenantUsage{
		TenantId: tenantID, From: openapi_types.Date{Time: from}, To: openapi_types.Date{Time: to},
		Messages: u.Messages, DailyActiveUsers: days(u.DailyActiveUsers), MonthlyActiveUsers: months,
		PeakConnections: u.PeakConnections, DailyPeakConnections: days(u.DailyPeakConnections),
		StorageBytes: u.StorageBytes, WebhookDeliveries: u.WebhookDeliveries,
	}
}
