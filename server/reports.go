package server

import (
	"context"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/store"
)

// reportScope is whose reports the caller sees: the tenant key's, every
// one; a user token's, those of the rooms it administers.
func reportScope(p principal) store.ReportScope {
	return store.ReportScope{All: p.byKey, Admin: p.userID}
}

// CreateReport opens the caller's report of a message or a user.
func (s *Server) CreateReport(ctx context.Context, req chatapi.CreateReportRequestObject) (chatapi.CreateReportResponseObject, error) {
	p := principalFrom(ctx)
	r, err := s.store.CreateReport(ctx, p.tenant.ID, p.userID, store.NewReport{
		MessageID: valueOr(req.Body.MessageId, ""), UserID: valueOr(req.Body.UserId, ""),
		Reason: req.Body.Reason, Note: req.Body.Note,
	})
	if err != nil {
		return nil, err
	}
	return chatapi.CreateReport201JSONResponse{Success: true, Data: reportOut(r)}, nil
}

// ListReports pages the report queue the caller may see.
func (s *Server) ListReports(ctx context.Context, req chatapi.ListReportsRequestObject) (chatapi.ListReportsResponseObject, error) {
	p := principalFrom(ctx)
	reports, more, err := s.store.ListReports(ctx, p.tenant.ID, reportScope(p), store.ReportFilter{
		Status: string(valueOr(req.Params.Status, "")), After: valueOr(req.Params.After, ""),
		Limit: valueOr(req.Params.Limit, defaultLimit),
	})
	if err != nil {
		return nil, err
	}
	return chatapi.ListReports200JSONResponse{Success: true, Data: reportPageOut(reports, more)}, nil
}

// UpdateReport resolves or dismisses a report the caller may see.
func (s *Server) UpdateReport(ctx context.Context, req chatapi.UpdateReportRequestObject) (chatapi.UpdateReportResponseObject, error) {
	p := principalFrom(ctx)
	r, err := s.store.CloseReport(ctx, p.tenant.ID, p.userID, reportScope(p), req.ReportId, string(req.Body.Status))
	if err != nil {
		return nil, err
	}
	return chatapi.UpdateReport200JSONResponse{Success: true, Data: reportOut(r)}, nil
}
