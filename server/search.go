package server

import (
	"context"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/store"
)

// SearchMessages answers a page of the messages the caller may read that
// match the query, newest first, with their highlights.
func (s *Server) SearchMessages(ctx context.Context, req chatapi.SearchMessagesRequestObject) (chatapi.SearchMessagesResponseObject, error) {
	p := principalFrom(ctx)
	q := req.Params
	page, err := s.store.SearchMessages(ctx, p.tenant.ID, p.userID, store.SearchQuery{
		Q:        q.Q,
		RoomID:   valueOr(q.RoomId, ""),
		SenderID: valueOr(q.SenderId, ""),
		After:    q.After,
		Before:   q.Before,
		Limit:    valueOr(q.Limit, 0),
		Cursor:   valueOr(q.Cursor, ""),
	})
	if err != nil {
		return nil, err
	}
	return chatapi.SearchMessages200JSONResponse{Success: true, Data: searchPageOut(page)}, nil
}
