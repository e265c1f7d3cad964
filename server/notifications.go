package server

import (
	"context"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/store"
)

// SendNotification stores a notification for its resolved recipients and
// announces it for delivery.
func (s *Server) SendNotification(ctx context.Context, req chatapi.SendNotificationRequestObject) (chatapi.SendNotificationResponseObject, error) {
	p := principalFrom(ctx)
	payload, err := encodeObject("payload", &req.Body.Payload)
	if err != nil {
		return nil, err
	}
	n := store.NewNotification{Topic: req.Body.Topic, Payload: payload, RoomID: req.Body.Targets.RoomId}
	if t := req.Body.Targets; t.UserIds != nil {
		n.UserIDs = *t.UserIds
	}
	if t := req.Body.Targets; t.TopicSubscribers != nil {
		n.TopicSubscribers = *t.TopicSubscribers
	}
	stored, recipients, err := s.chat.SendNotification(ctx, p.tenant.ID, p.userID, n)
	if err != nil {
		return nil, err
	}
	return chatapi.SendNotification202JSONResponse{Success: true, Data: chatapi.NotifyResult{
		NotificationId: stored.ID, CreatedAt: stored.CreatedAt.UTC(), Recipients: len(recipients),
	}}, nil
}

// ListNotifications lists the caller's pending notifications.
func (s *Server) ListNotifications(ctx context.Context, req chatapi.ListNotificationsRequestObject) (chatapi.ListNotificationsResponseObject, error) {
	p := principalFrom(ctx)
	ns, err := s.store.ListNotifications(ctx, p.tenant.ID, p.userID, valueOr(req.Params.Limit, defaultLimit))
	if err != nil {
		return nil, err
	}
	out := make([]chatapi.Notification, len(ns))
	for i, n := range ns {
		out[i] = notificationOut(n)
	}
	return chatapi.ListNotifications200JSONResponse{Success: true, Data: out}, nil
}

// AckNotification confirms one of the caller's notifications.
func (s *Server) AckNotification(ctx context.Context, req chatapi.AckNotificationRequestObject) (chatapi.AckNotificationResponseObject, error) {
	p := principalFrom(ctx)
	at, err := s.chat.AckNotification(ctx, p.tenant.ID, p.userID, req.NotificationId)
	if err != nil {
		return nil, err
	}
	return chatapi.AckNotification200JSONResponse{Success: true, Data: chatapi.NotificationAck{NotificationId: req.NotificationId, AckedAt: at.UTC()}}, nil
}

// CreateSubscription subscribes the caller to a topic; 200 if it already was.
func (s *Server) CreateSubscription(ctx context.Context, req chatapi.CreateSubscriptionRequestObject) (chatapi.CreateSubscriptionResponseObject, error) {
	p := principalFrom(ctx)
	sub, created, err := s.store.Subscribe(ctx, p.tenant.ID, p.userID, req.Body.Topic)
	if err != nil {
		return nil, err
	}
	body := chatapi.SubscriptionResponse{Success: true, Data: subscriptionOut(sub)}
	if !created {
		return chatapi.CreateSubscription200JSONResponse(body), nil
	}
	return chatapi.CreateSubscription201JSONResponse(body), nil
}

// ListSubscriptions lists the caller's topics.
func (s *Server) ListSubscriptions(ctx context.Context, _ chatapi.ListSubscriptionsRequestObject) (chatapi.ListSubscriptionsResponseObject, error) {
	p := principalFrom(ctx)
	subs, err := s.store.ListSubscriptions(ctx, p.tenant.ID, p.userID)
	if err != nil {
		return nil, err
	}
	out := make([]chatapi.Subscription, len(subs))
	for i, sub := range subs {
		out[i] = subscriptionOut(sub)
	}
	return chatapi.ListSubscriptions200JSONResponse{Success: true, Data: out}, nil
}

// DeleteSubscription unsubscribes the caller from a topic.
func (s *Server) DeleteSubscription(ctx context.Context, req chatapi.DeleteSubscriptionRequestObject) (chatapi.DeleteSubscriptionResponseObject, error) {
	p := principalFrom(ctx)
	if err := s.store.Unsubscribe(ctx, p.tenant.ID, p.userID, req.Topic); err != nil {
		return nil, err
	}
	return chatapi.DeleteSubscription200JSONResponse{Success: true, Data: chatapi.Unsubscribed{Topic: req.Topic}}, nil
}

// ListDeadLetters lists failed deliveries (admin).
func (s *Server) ListDeadLetters(ctx context.Context, req chatapi.ListDeadLettersRequestObject) (chatapi.ListDeadLettersResponseObject, error) {
	var tenantID string
	if req.Params.TenantId != nil {
		tenantID = *req.Params.TenantId
	}
	d, err := s.store.ListDeadLetters(ctx, tenantID, valueOr(req.Params.Limit, defaultLimit))
	if err != nil {
		return nil, err
	}
	return chatapi.ListDeadLetters200JSONResponse{Success: true, Data: deadLettersOut(d)}, nil
}
