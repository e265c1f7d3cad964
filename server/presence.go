package server

import (
	"context"

	"github.com/chatapi/chatapi/gen/chatapi"
)

// GetPresence tells whether each named user of the tenant is online.
func (s *Server) GetPresence(ctx context.Context, req chatapi.GetPresenceRequestObject) (chatapi.GetPresenceResponseObject, error) {
	if s.cfg.Presence == nil {
		return nil, notImplemented()
	}
	p := principalFrom(ctx)
	infos, err := s.cfg.Presence.PresenceOf(ctx, p.tenant.ID, req.Params.UserIds)
	if err != nil {
		return nil, err
	}
	out := make([]chatapi.Presence, len(infos))
	for i, in := range infos {
		out[i] = presenceOut(in)
	}
	return chatapi.GetPresence200JSONResponse{Success: true, Data: out}, nil
}
