package server

import (
	"context"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/store"
)

// SendMessage stores a message and, when it is new, announces it.
func (s *Server) SendMessage(ctx context.Context, req chatapi.SendMessageRequestObject) (chatapi.SendMessageResponseObject, error) {
	p := principalFrom(ctx)
	meta, err := encodeObject("meta", req.Body.Meta)
	if err != nil {
		return nil, err
	}
	msg, created, err := s.chat.SendMessage(ctx, p.tenant.ID, p.userID, req.RoomId, store.NewMessage{
		Content: req.Body.Content, Meta: meta, ClientMsgID: req.Body.ClientMsgId,
		ParentID: req.Body.ParentId, QuotedID: req.Body.QuotedId, Mentions: valueOr(req.Body.Mentions, nil),
		Attachments: valueOr(req.Body.Attachments, nil),
	}, nil)
	if err != nil {
		return nil, err
	}
	body := chatapi.MessageResponse{Success: true, Data: messageOut(msg)}
	if !created {
		return chatapi.SendMessage200JSONResponse(body), nil
	}
	return chatapi.SendMessage201JSONResponse(body), nil
}

// ListMessages pages a room's messages in ascending seq order.
func (s *Server) ListMessages(ctx context.Context, req chatapi.ListMessagesRequestObject) (chatapi.ListMessagesResponseObject, error) {
	p := principalFrom(ctx)
	msgs, err := s.store.ListMessages(ctx, p.tenant.ID, p.userID, req.RoomId, store.MessagePage{
		AfterSeq: req.Params.AfterSeq, BeforeSeq: req.Params.BeforeSeq, Limit: valueOr(req.Params.Limit, defaultLimit),
		TopLevel: valueOr(req.Params.TopLevel, false),
	})
	if err == nil {
		msgs, err = s.store.WithShadow(ctx, p.tenant.ID, p.userID, req.RoomId, store.MessagePage{AfterSeq: req.Params.AfterSeq, BeforeSeq: req.Params.BeforeSeq}, msgs)
	}
	if err != nil {
		return nil, err
	}
	if err := s.signAttachments(ctx, p.tenant.ID, msgs); err != nil {
		return nil, err
	}
	return messagePage{msgs: msgs, bufs: &s.pageBufs}, nil
}

// ListReplies pages a thread's replies in ascending seq order.
func (s *Server) ListReplies(ctx context.Context, req chatapi.ListRepliesRequestObject) (chatapi.ListRepliesResponseObject, error) {
	p := principalFrom(ctx)
	msgs, err := s.store.ListReplies(ctx, p.tenant.ID, p.userID, req.RoomId, req.MessageId, store.MessagePage{
		AfterSeq: req.Params.AfterSeq, BeforeSeq: req.Params.BeforeSeq, Limit: valueOr(req.Params.Limit, defaultLimit),
	})
	if err != nil {
		return nil, err
	}
	if err := s.signAttachments(ctx, p.tenant.ID, msgs); err != nil {
		return nil, err
	}
	return messagePage{msgs: msgs, bufs: &s.pageBufs}, nil
}

// GetUnread sums the caller's unread messages and mentions.
func (s *Server) GetUnread(ctx context.Context, _ chatapi.GetUnreadRequestObject) (chatapi.GetUnreadResponseObject, error) {
	p := principalFrom(ctx)
	t, err := s.store.Unread(ctx, p.tenant.ID, p.userID)
	if err != nil {
		return nil, err
	}
	return chatapi.GetUnread200JSONResponse{Success: true, Data: chatapi.UnreadTotals{
		TotalUnread: t.TotalUnread, TotalUnreadMentions: t.TotalUnreadMentions, RoomsWithUnread: t.RoomsWithUnread,
	}}, nil
}

// UpdateMessage edits the caller's own message and announces the edit.
func (s *Server) UpdateMessage(ctx context.Context, req chatapi.UpdateMessageRequestObject) (chatapi.UpdateMessageResponseObject, error) {
	p := principalFrom(ctx)
	meta, err := encodeObject("meta", req.Body.Meta)
	if err != nil {
		return nil, err
	}
	msg, err := s.chat.EditMessage(ctx, p.tenant.ID, p.userID, req.RoomId, req.MessageId, store.MessageUpdate{Content: req.Body.Content, Meta: meta, Attachments: req.Body.Attachments})
	if err != nil {
		return nil, err
	}
	return chatapi.UpdateMessage200JSONResponse{Success: true, Data: messageOut(msg)}, nil
}

// DeleteMessage soft-deletes a message and announces it.
func (s *Server) DeleteMessage(ctx context.Context, req chatapi.DeleteMessageRequestObject) (chatapi.DeleteMessageResponseObject, error) {
	p := principalFrom(ctx)
	msg, err := s.chat.DeleteMessage(ctx, p.tenant.ID, p.userID, req.RoomId, req.MessageId)
	if err != nil {
		return nil, err
	}
	return chatapi.DeleteMessage200JSONResponse{Success: true, Data: messageOut(msg)}, nil
}

// AckMessages moves the caller's read cursor and announces the receipt.
func (s *Server) AckMessages(ctx context.Context, req chatapi.AckMessagesRequestObject) (chatapi.AckMessagesResponseObject, error) {
	p := principalFrom(ctx)
	last, err := s.chat.Ack(ctx, p.tenant.ID, p.userID, req.Body.RoomId, req.Body.Seq)
	if err != nil {
		return nil, err
	}
	return chatapi.AckMessages200JSONResponse{Success: true, Data: chatapi.AckResult{RoomId: req.Body.RoomId, LastAck: last}}, nil
}
