package server

import (
	"context"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/store"
)

// ListRoomEvents pages a room's event log.
func (s *Server) ListRoomEvents(ctx context.Context, req chatapi.ListRoomEventsRequestObject) (chatapi.ListRoomEventsResponseObject, error) {
	p := principalFrom(ctx)
	events, err := s.store.ListRoomEvents(ctx, p.tenant.ID, p.userID, req.RoomId, req.Params.After, valueOr(req.Params.Limit, store.DefaultEventsLimit))
	if err != nil {
		return nil, err
	}
	return eventPage{events: events}, nil
}

// Sync pages the caller's changes across their rooms since a cursor.
func (s *Server) Sync(ctx context.Context, req chatapi.SyncRequestObject) (chatapi.SyncResponseObject, error) {
	p := principalFrom(ctx)
	var cursor *store.SyncCursor
	if req.Params.Cursor != nil {
		c, err := store.ParseSyncCursor(*req.Params.Cursor)
		if err != nil {
			return nil, err
		}
		cursor = &c
	}
	page, err := s.store.Sync(ctx, p.tenant.ID, p.userID, cursor, valueOr(req.Params.Limit, store.DefaultEventsLimit))
	if err != nil {
		return nil, err
	}
	return syncPage{page: page}, nil
}
