package server

import (
	"context"

	"github.com/chatapi/chatapi/gen/chatapi"
)

// ListUsers answers the profiles of the users asked for, or a page of the
// tenant's user directory. ids takes precedence: q, after and limit are the
// directory's (one endpoint, as SPEC names it; a parameter dependency the
// contract could not state would be refused data its schema allows).
func (s *Server) ListUsers(ctx context.Context, req chatapi.ListUsersRequestObject) (chatapi.ListUsersResponseObject, error) {
	p := principalFrom(ctx)
	q := req.Params
	if q.Ids != nil {
		ps, err := s.store.GetProfiles(ctx, p.tenant.ID, *q.Ids)
		if err != nil {
			return nil, err
		}
		return chatapi.ListUsers200JSONResponse{Success: true, Data: userPageOut(ps, false)}, nil
	}
	ps, more, err := s.store.SearchUsers(ctx, p.tenant.ID, valueOr(q.Q, ""), valueOr(q.After, ""), valueOr(q.Limit, 0))
	if err != nil {
		return nil, err
	}
	return chatapi.ListUsers200JSONResponse{Success: true, Data: userPageOut(ps, more)}, nil
}

// GetUser answers a user's profile, empty for a user who never set one.
func (s *Server) GetUser(ctx context.Context, req chatapi.GetUserRequestObject) (chatapi.GetUserResponseObject, error) {
	p := principalFrom(ctx)
	ps, err := s.store.GetProfiles(ctx, p.tenant.ID, []string{req.UserId})
	if err != nil {
		return nil, err
	}
	return chatapi.GetUser200JSONResponse{Success: true, Data: userOut(ps[0])}, nil
}

// PutUser replaces the caller's profile (absent fields become empty) and
// tells the users who share a room with them.
func (s *Server) PutUser(ctx context.Context, req chatapi.PutUserRequestObject) (chatapi.PutUserResponseObject, error) {
	ch, err := profileChange(req.Body, true)
	if err != nil {
		return nil, err
	}
	p := principalFrom(ctx)
	prof, err := s.chat.UpdateProfile(ctx, p.tenant.ID, p.userID, req.UserId, ch)
	if err != nil {
		return nil, err
	}
	return chatapi.PutUser200JSONResponse{Success: true, Data: userOut(prof)}, nil
}

// PatchUser changes the fields of the caller's profile the body names, and
// tells the users who share a room with them.
func (s *Server) PatchUser(ctx context.Context, req chatapi.PatchUserRequestObject) (chatapi.PatchUserResponseObject, error) {
	ch, err := profileChange(req.Body, false)
	if err != nil {
		return nil, err
	}
	p := principalFrom(ctx)
	prof, err := s.chat.UpdateProfile(ctx, p.tenant.ID, p.userID, req.UserId, ch)
	if err != nil {
		return nil, err
	}
	return chatapi.PatchUser200JSONResponse{Success: true, Data: userOut(prof)}, nil
}
