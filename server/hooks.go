package server

import (
	"context"
	"errors"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/store"
	"github.com/chatapi/chatapi/webhook"
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
// made, and shown, when the hook is created.
func (s *Server) SetBeforeSendHook(ctx context.Context, req chatapi.SetBeforeSendHookRequestObject) (chatapi.SetBeforeSendHookResponseObject, error) {
	p := principalFrom(ctx)
	if err := s.content.CheckTarget(ctx, req.Body.Url); err != nil {
		inv := &store.InvalidError{Field: "url", Message: err.Error()}
		if errors.Is(err, webhook.ErrPrivateTarget) {
			inv.Reason = "private_target"
			inv.Message = "the URL's host is a loopback, private or link-local address, which this service does not call"
		}
		return nil, inv
	}
	// The store keeps the secret sealed; it is shown in the clear once.
	secret := webhook.NewSecret()
	h, created, err := s.store.SetBeforeSendHook(ctx, p.tenant.ID, store.BeforeSendHook{
		URL: req.Body.Url, TimeoutMS: valueOr(req.Body.TimeoutMs, defaultHookTimeoutMS),
		OnError: string(valueOr(req.Body.OnError, chatapi.BeforeSendOnErrorAllow)), Secret: s.content.SealSecret(p.tenant.ID, secret),
	})
	if err != nil {
		return nil, err
	}
	s.content.Forget(p.tenant.ID)
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
