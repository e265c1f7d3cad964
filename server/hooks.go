package server

import (
	"context"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/store"
)

// defaultHookTimeoutMS is a before-send hook's timeout_ms when not given.
const defaultHookTimeoutMS = 1000

// GetBeforeSendHook answers the tenant's before-send hook, without its secret.
func (s *Server) GetBeforeSendHook(ctx context.Context, _ chatapi.GetBeforeSendHookRequestObject) (chatapi.GetBeforeSendHookResponseObject, error) {
	p := principalFrom(ctx)
	cr, err := s.store.ContentRules(ctx, p.tenant.ID)
	if err != nil {
		return nil, err
	}
	if cr.Hook == nil {
		return nil, store.ErrNotFound
	}
	return chatapi.GetBeforeSendHook200JSONResponse{Success: true, Data: beforeSendHookOut(*cr.Hook, nil)}, nil
}

// SetBeforeSendHook sets the tenant's before-send hook; its secret is
// shown when the hook is created.
func (s *Server) SetBeforeSendHook(ctx context.Context, req chatapi.SetBeforeSendHookRequestObject) (chatapi.SetBeforeSendHookResponseObject, error) {
	p := principalFrom(ctx)
	h, secret, created, err := s.content.SetHook(ctx, p.tenant.ID, store.BeforeSendHook{
		URL: req.Body.Url, TimeoutMS: valueOr(req.Body.TimeoutMs, defaultHookTimeoutMS),
		OnError: string(valueOr(req.Body.OnError, chatapi.BeforeSendOnErrorAllow)),
	})
	if err != nil {
		return nil, err
	}
	if created {
		return chatapi.SetBeforeSendHook201JSONResponse{Success: true, Data: beforeSendHookOut(h, &secret)}, nil
	}
	return chatapi.SetBeforeSendHook200JSONResponse{Success: true, Data: beforeSendHookOut(h, nil)}, nil
}

// DeleteBeforeSendHook removes the tenant's before-send hook.
func (s *Server) DeleteBeforeSendHook(ctx context.Context, _ chatapi.DeleteBeforeSendHookRequestObject) (chatapi.DeleteBeforeSendHookResponseObject, error) {
	p := principalFrom(ctx)
	if err := s.store.DeleteBeforeSendHook(ctx, p.tenant.ID); err != nil {
		return nil, err
	}
	s.content.Forget(p.tenant.ID)
	return chatapi.DeleteBeforeSendHook200JSONResponse{Success: true, Data: chatapi.BeforeSendHookDeleted{Deleted: true}}, nil
}
