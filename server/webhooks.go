package server

import (
	"context"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/store"
)

// The /webhooks operations translate into calls of the webhook.Service
// (Config.Webhooks); without one they answer 501.

// CreateWebhook creates an endpoint and answers it with its secret.
func (s *Server) CreateWebhook(ctx context.Context, req chatapi.CreateWebhookRequestObject) (chatapi.CreateWebhookResponseObject, error) {
	if s.cfg.Webhooks == nil {
		return nil, notImplemented()
	}
	active := req.Body.Active == nil || *req.Body.Active
	w, secret, err := s.cfg.Webhooks.Create(ctx, principalFrom(ctx).tenant.ID, req.Body.Url, webhookEventsIn(req.Body.Events), active)
	if err != nil {
		return nil, err
	}
	return chatapi.CreateWebhook201JSONResponse{Success: true, Data: webhookWithSecretOut(w, secret)}, nil
}

// ListWebhooks answers a page of the tenant's endpoints.
func (s *Server) ListWebhooks(ctx context.Context, req chatapi.ListWebhooksRequestObject) (chatapi.ListWebhooksResponseObject, error) {
	if s.cfg.Webhooks == nil {
		return nil, notImplemented()
	}
	ws, more, err := s.cfg.Webhooks.List(ctx, principalFrom(ctx).tenant.ID, valueOr(req.Params.After, ""), valueOr(req.Params.Limit, 0))
	if err != nil {
		return nil, err
	}
	out := chatapi.WebhookList{Webhooks: make([]chatapi.Webhook, 0, len(ws)), HasMore: more}
	for _, w := range ws {
		out.Webhooks = append(out.Webhooks, webhookOut(w))
	}
	if more {
		out.NextAfter = &ws[len(ws)-1].ID
	}
	return chatapi.ListWebhooks200JSONResponse{Success: true, Data: out}, nil
}

// GetWebhook answers an endpoint.
func (s *Server) GetWebhook(ctx context.Context, req chatapi.GetWebhookRequestObject) (chatapi.GetWebhookResponseObject, error) {
	if s.cfg.Webhooks == nil {
		return nil, notImplemented()
	}
	w, err := s.cfg.Webhooks.Get(ctx, principalFrom(ctx).tenant.ID, req.WebhookId)
	if err != nil {
		return nil, err
	}
	return chatapi.GetWebhook200JSONResponse{Success: true, Data: webhookOut(w)}, nil
}

// UpdateWebhook changes an endpoint.
func (s *Server) UpdateWebhook(ctx context.Context, req chatapi.UpdateWebhookRequestObject) (chatapi.UpdateWebhookResponseObject, error) {
	if s.cfg.Webhooks == nil {
		return nil, notImplemented()
	}
	c := store.WebhookChange{URL: req.Body.Url, Active: req.Body.Active}
	if req.Body.Events != nil {
		c.Events = webhookEventsIn(*req.Body.Events)
	}
	w, err := s.cfg.Webhooks.Update(ctx, principalFrom(ctx).tenant.ID, req.WebhookId, c)
	if err != nil {
		return nil, err
	}
	return chatapi.UpdateWebhook200JSONResponse{Success: true, Data: webhookOut(w)}, nil
}

// DeleteWebhook deletes an endpoint.
func (s *Server) DeleteWebhook(ctx context.Context, req chatapi.DeleteWebhookRequestObject) (chatapi.DeleteWebhookResponseObject, error) {
	if s.cfg.Webhooks == nil {
		return nil, notImplemented()
	}
	if err := s.cfg.Webhooks.Delete(ctx, principalFrom(ctx).tenant.ID, req.WebhookId); err != nil {
		return nil, err
	}
	return chatapi.DeleteWebhook200JSONResponse{Success: true, Data: chatapi.WebhookDeleted{WebhookId: req.WebhookId, Deleted: true}}, nil
}

// RotateWebhookSecret answers the endpoint with its new secret.
func (s *Server) RotateWebhookSecret(ctx context.Context, req chatapi.RotateWebhookSecretRequestObject) (chatapi.RotateWebhookSecretResponseObject, error) {
	if s.cfg.Webhooks == nil {
		return nil, notImplemented()
	}
	w, secret, err := s.cfg.Webhooks.RotateSecret(ctx, principalFrom(ctx).tenant.ID, req.WebhookId)
	if err != nil {
		return nil, err
	}
	return chatapi.RotateWebhookSecret200JSONResponse{Success: true, Data: webhookWithSecretOut(w, secret)}, nil
}

// ListWebhookDeliveries answers a page of an endpoint's delivery log.
func (s *Server) ListWebhookDeliveries(ctx context.Context, req chatapi.ListWebhookDeliveriesRequestObject) (chatapi.ListWebhookDeliveriesResponseObject, error) {
	if s.cfg.Webhooks == nil {
		return nil, notImplemented()
	}
	ds, more, err := s.cfg.Webhooks.Deliveries(ctx, principalFrom(ctx).tenant.ID, req.WebhookId, valueOr(req.Params.Before, ""), valueOr(req.Params.Limit, 0))
	if err != nil {
		return nil, err
	}
	out := chatapi.WebhookDeliveryPage{Deliveries: make([]chatapi.WebhookDelivery, 0, len(ds)), HasMore: more}
	for _, d := range ds {
		out.Deliveries = append(out.Deliveries, webhookDeliveryOut(d))
	}
	if more {
		out.NextBefore = &ds[len(ds)-1].ID
	}
	return chatapi.ListWebhookDeliveries200JSONResponse{Success: true, Data: out}, nil
}

// RetryWebhookDelivery queues a finished delivery again.
func (s *Server) RetryWebhookDelivery(ctx context.Context, req chatapi.RetryWebhookDeliveryRequestObject) (chatapi.RetryWebhookDeliveryResponseObject, error) {
	if s.cfg.Webhooks == nil {
		return nil, notImplemented()
	}
	d, err := s.cfg.Webhooks.Retry(ctx, principalFrom(ctx).tenant.ID, req.WebhookId, req.DeliveryId)
	if err != nil {
		return nil, err
	}
	return chatapi.RetryWebhookDelivery202JSONResponse{Success: true, Data: webhookDeliveryOut(d)}, nil
}

// ReplayWebhook queues the events since a time or a sync cursor again.
func (s *Server) ReplayWebhook(ctx context.Context, req chatapi.ReplayWebhookRequestObject) (chatapi.ReplayWebhookResponseObject, error) {
	if s.cfg.Webhooks == nil {
		return nil, notImplemented()
	}
	n, err := s.cfg.Webhooks.Replay(ctx, principalFrom(ctx).tenant.ID, req.WebhookId, req.Body.Since)
	if err != nil {
		return nil, err
	}
	return chatapi.ReplayWebhook202JSONResponse{Success: true, Data: chatapi.WebhookReplay{WebhookId: req.WebhookId, Queued: n}}, nil
}
