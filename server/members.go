package server

import (
	"context"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/store"
)

// ListMembers lists a room's members with their read cursors.
func (s *Server) ListMembers(ctx context.Context, req chatapi.ListMembersRequestObject) (chatapi.ListMembersResponseObject, error) {
	p := principalFrom(ctx)
	members, err := s.store.ListMembers(ctx, p.tenant.ID, p.userID, req.RoomId)
	if err != nil {
		return nil, err
	}
	out := make([]chatapi.Member, len(members))
	for i, m := range members {
		out[i] = memberOut(m)
	}
	return chatapi.ListMembers200JSONResponse{Success: true, Data: out}, nil
}

// AddMember adds a user to a room and tells its members.
func (s *Server) AddMember(ctx context.Context, req chatapi.AddMemberRequestObject) (chatapi.AddMemberResponseObject, error) {
	p := principalFrom(ctx)
	var role store.Role
	if req.Body.Role != nil {
		role = store.Role(*req.Body.Role)
	}
	m, err := s.chat.AddMember(ctx, p.tenant.ID, p.userID, req.RoomId, req.Body.UserId, role)
	if err != nil {
		return nil, err
	}
	return chatapi.AddMember201JSONResponse{Success: true, Data: memberOut(m)}, nil
}

// RemoveMember removes a member, or lets the caller leave, and tells the room.
func (s *Server) RemoveMember(ctx context.Context, req chatapi.RemoveMemberRequestObject) (chatapi.RemoveMemberResponseObject, error) {
	p := principalFrom(ctx)
	if err := s.chat.RemoveMember(ctx, p.tenant.ID, p.userID, req.RoomId, req.UserId); err != nil {
		return nil, err
	}
	return chatapi.RemoveMember200JSONResponse{Success: true, Data: chatapi.RemovedMember{RoomId: req.RoomId, UserId: req.UserId}}, nil
}

// UpdateMemberSettings changes the caller's own settings of a room; "me"
// names the caller.
func (s *Server) UpdateMemberSettings(ctx context.Context, req chatapi.UpdateMemberSettingsRequestObject) (chatapi.UpdateMemberSettingsResponseObject, error) {
	p := principalFrom(ctx)
	userID := req.UserId
	if userID == "me" {
		userID = p.userID
	}
	ms, err := s.store.UpdateMemberSettings(ctx, p.tenant.ID, p.userID, req.RoomId, userID, settingsChange(req.Body))
	if err != nil {
		return nil, err
	}
	return chatapi.UpdateMemberSettings200JSONResponse{Success: true, Data: settingsOut(ms)}, nil
}
