package server

import (
	"context"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/store"
)

// GetBlocklist answers the tenant's word blocklist.
func (s *Server) GetBlocklist(ctx context.Context, _ chatapi.GetBlocklistRequestObject) (chatapi.GetBlocklistResponseObject, error) {
	p := principalFrom(ctx)
	cr, err := s.store.ContentRules(ctx, p.tenant.ID)
	if err != nil {
		return nil, err
	}
	return chatapi.GetBlocklist200JSONResponse{Success: true, Data: blocklistOut(cr.Blocklist)}, nil
}

// SetBlocklist replaces the tenant's word blocklist; this instance's
// filter forgets the old one at once.
func (s *Server) SetBlocklist(ctx context.Context, req chatapi.SetBlocklistRequestObject) (chatapi.SetBlocklistResponseObject, error) {
	p := principalFrom(ctx)
	b, err := s.store.SetBlocklist(ctx, p.tenant.ID, store.Blocklist{
		Words:  req.Body.Words,
		Match:  string(valueOr(req.Body.Match, chatapi.BlocklistMatchWord)),
		Action: string(valueOr(req.Body.Action, chatapi.BlocklistActionBlock)),
	})
	if err != nil {
		return nil, err
	}
	s.content.Forget(p.tenant.ID)
	return chatapi.SetBlocklist200JSONResponse{Success: true, Data: blocklistOut(b)}, nil
}
