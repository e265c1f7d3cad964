package server

import (
	"context"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/store"
)

// CreateRoom creates a room with the caller in it.
func (s *Server) CreateRoom(ctx context.Context, req chatapi.CreateRoomRequestObject) (chatapi.CreateRoomResponseObject, error) {
	p := principalFrom(ctx)
	meta, err := encodeObject("metadata", req.Body.Metadata)
	if err != nil {
		return nil, err
	}
	nr := store.NewRoom{Type: store.RoomType(req.Body.Type), Name: req.Body.Name, Metadata: meta}
	if req.Body.Members != nil {
		nr.Members = *req.Body.Members
	}
	room, err := s.store.CreateRoom(ctx, p.tenant.ID, p.userID, nr)
	if err != nil {
		return nil, err
	}
	return chatapi.CreateRoom201JSONResponse{Success: true, Data: roomOut(room)}, nil
}

// ListRooms lists the caller's rooms, newest activity first.
func (s *Server) ListRooms(ctx context.Context, req chatapi.ListRoomsRequestObject) (chatapi.ListRoomsResponseObject, error) {
	p := principalFrom(ctx)
	f := store.RoomFilter{Limit: valueOr(req.Params.Limit, defaultLimit), Offset: valueOr(req.Params.Offset, 0)}
	if req.Params.Archived != nil {
		f.Archived = *req.Params.Archived
	}
	if req.Params.Type != nil {
		t := store.RoomType(*req.Params.Type)
		f.Type = &t
	}
	rooms, err := s.store.ListRooms(ctx, p.tenant.ID, p.userID, f)
	if err != nil {
		return nil, err
	}
	out := make([]chatapi.RoomSummary, len(rooms))
	for i, r := range rooms {
		out[i] = roomSummaryOut(r)
	}
	return chatapi.ListRooms200JSONResponse{Success: true, Data: out}, nil
}

// GetRoom returns a room the caller may see.
func (s *Server) GetRoom(ctx context.Context, req chatapi.GetRoomRequestObject) (chatapi.GetRoomResponseObject, error) {
	p := principalFrom(ctx)
	room, err := s.store.GetRoom(ctx, p.tenant.ID, p.userID, req.RoomId)
	if err != nil {
		return nil, err
	}
	return chatapi.GetRoom200JSONResponse{Success: true, Data: roomOut(room)}, nil
}

// UpdateRoom changes a room's name or metadata and tells its members.
func (s *Server) UpdateRoom(ctx context.Context, req chatapi.UpdateRoomRequestObject) (chatapi.UpdateRoomResponseObject, error) {
	p := principalFrom(ctx)
	meta, err := encodeObject("metadata", req.Body.Metadata)
	if err != nil {
		return nil, err
	}
	u := store.RoomUpdate{Metadata: meta, SlowModeSeconds: req.Body.SlowModeSeconds, Frozen: req.Body.Frozen}
	if req.Body.Name != nil {
		u.SetName = true
		if *req.Body.Name != "" {
			u.Name = req.Body.Name
		}
	}
	room, err := s.chat.UpdateRoom(ctx, p.tenant.ID, p.userID, req.RoomId, u)
	if err != nil {
		return nil, err
	}
	return chatapi.UpdateRoom200JSONResponse{Success: true, Data: roomOut(room)}, nil
}

const defaultLimit = 50

// valueOr is *v, or def when the optional parameter v is absent.
func valueOr[T any](v *T, def T) T {
	if v == nil {
		return def
	}
	return *v
}
