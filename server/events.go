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
	if err := s.signFrames(ctx, p.tenant.ID, events); err != nil {
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
	if err := s.signFrames(ctx, p.tenant.ID, page.Events); err != nil {
		return nil, err
	}
	return syncPage{page: page}, nil
}

// signFrames gives the attachments in events' frames the download URLs
// the log keeps them without (files.Service.SignFrame).
func (s *Server) signFrames(ctx context.Context, tenantID string, events []store.RoomEvent) error {
	if s.cfg.Files == nil {
		return nil
	}
	for i := range events {
		f, err := s.cfg.Files.SignFrame(ctx, tenantID, events[i].Frame)
		if err != nil {
			return err
		}
		events[i].Frame = f
	}
	return nil
}
