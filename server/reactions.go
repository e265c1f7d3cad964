package server

import (
	"context"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/store"
)

// AddReaction adds the caller's reaction to a message: 201 when new, 200
// when it was there.
func (s *Server) AddReaction(ctx context.Context, req chatapi.AddReactionRequestObject) (chatapi.AddReactionResponseObject, error) {
	p := principalFrom(ctx)
	ch, err := s.chat.AddReaction(ctx, p.tenant.ID, p.userID, req.RoomId, req.MessageId, req.Type)
	if err != nil {
		return nil, err
	}
	body := chatapi.ReactionResultResponse{Success: true, Data: reactionResultOut(ch)}
	if !ch.Changed {
		return chatapi.AddReaction200JSONResponse(body), nil
	}
	return chatapi.AddReaction201JSONResponse(body), nil
}

// RemoveReaction takes the caller's reaction back, if there was one.
func (s *Server) RemoveReaction(ctx context.Context, req chatapi.RemoveReactionRequestObject) (chatapi.RemoveReactionResponseObject, error) {
	p := principalFrom(ctx)
	ch, err := s.chat.RemoveReaction(ctx, p.tenant.ID, p.userID, req.RoomId, req.MessageId, req.Type)
	if err != nil {
		return nil, err
	}
	return chatapi.RemoveReaction200JSONResponse{Success: true, Data: reactionResultOut(ch)}, nil
}

// ListReactions lists who reacted to a message, oldest first.
func (s *Server) ListReactions(ctx context.Context, req chatapi.ListReactionsRequestObject) (chatapi.ListReactionsResponseObject, error) {
	p := principalFrom(ctx)
	rs, err := s.store.ListReactions(ctx, p.tenant.ID, p.userID, req.RoomId, req.MessageId, store.ReactionPage{
		Type: valueOr(req.Params.Type, ""), After: valueOr(req.Params.After, 0), Limit: valueOr(req.Params.Limit, defaultLimit),
	})
	if err != nil {
		return nil, err
	}
	return chatapi.ListReactions200JSONResponse{Success: true, Data: reactionsListOut(rs)}, nil
}

// AddPin pins a message: 201 when pinned now, 200 when it was.
func (s *Server) AddPin(ctx context.Context, req chatapi.AddPinRequestObject) (chatapi.AddPinResponseObject, error) {
	p := principalFrom(ctx)
	ch, err := s.chat.AddPin(ctx, p.tenant.ID, p.userID, req.RoomId, req.MessageId)
	if err != nil {
		return nil, err
	}
	body := chatapi.PinResultResponse{Success: true, Data: chatapi.PinResult{RoomId: ch.RoomID, MessageId: ch.MessageID, Pinned: true}}
	if !ch.Changed {
		return chatapi.AddPin200JSONResponse(body), nil
	}
	return chatapi.AddPin201JSONResponse(body), nil
}

// RemovePin unpins a message, if it was pinned.
func (s *Server) RemovePin(ctx context.Context, req chatapi.RemovePinRequestObject) (chatapi.RemovePinResponseObject, error) {
	p := principalFrom(ctx)
	ch, err := s.chat.RemovePin(ctx, p.tenant.ID, p.userID, req.RoomId, req.MessageId)
	if err != nil {
		return nil, err
	}
	return chatapi.RemovePin200JSONResponse{Success: true, Data: chatapi.PinResult{RoomId: ch.RoomID, MessageId: ch.MessageID, Pinned: false}}, nil
}

// ListPins lists a room's pinned messages, newest first.
func (s *Server) ListPins(ctx context.Context, req chatapi.ListPinsRequestObject) (chatapi.ListPinsResponseObject, error) {
	p := principalFrom(ctx)
	pins, err := s.store.ListPins(ctx, p.tenant.ID, p.userID, req.RoomId)
	if err != nil {
		return nil, err
	}
	return chatapi.ListPins200JSONResponse{Success: true, Data: pinsOut(pins)}, nil
}
