package server

import (
	"context"

	"github.com/chatapi/chatapi/gen/chatapi"
)

// Operations whose feature lands with a later part (messaging, realtime,
// notifications). Until then they answer 501 in the envelope, after the
// same authentication and validation as any other operation.

// CreateToken is part of realtime.
func (s *Server) CreateToken(context.Context, chatapi.CreateTokenRequestObject) (chatapi.CreateTokenResponseObject, error) {
	return nil, notImplemented()
}

// ListDeadLetters is part of messaging.
func (s *Server) ListDeadLetters(context.Context, chatapi.ListDeadLettersRequestObject) (chatapi.ListDeadLettersResponseObject, error) {
	return nil, notImplemented()
}

// SendNotification is part of messaging.
func (s *Server) SendNotification(context.Context, chatapi.SendNotificationRequestObject) (chatapi.SendNotificationResponseObject, error) {
	return nil, notImplemented()
}

// ListNotifications is part of messaging.
func (s *Server) ListNotifications(context.Context, chatapi.ListNotificationsRequestObject) (chatapi.ListNotificationsResponseObject, error) {
	return nil, notImplemented()
}

// AckNotification is part of messaging.
func (s *Server) AckNotification(context.Context, chatapi.AckNotificationRequestObject) (chatapi.AckNotificationResponseObject, error) {
	return nil, notImplemented()
}

// CreateSubscription is part of messaging.
func (s *Server) CreateSubscription(context.Context, chatapi.CreateSubscriptionRequestObject) (chatapi.CreateSubscriptionResponseObject, error) {
	return nil, notImplemented()
}

// ListSubscriptions is part of messaging.
func (s *Server) ListSubscriptions(context.Context, chatapi.ListSubscriptionsRequestObject) (chatapi.ListSubscriptionsResponseObject, error) {
	return nil, notImplemented()
}

// DeleteSubscription is part of messaging.
func (s *Server) DeleteSubscription(context.Context, chatapi.DeleteSubscriptionRequestObject) (chatapi.DeleteSubscriptionResponseObject, error) {
	return nil, notImplemented()
}

// GetPresence is part of realtime.
func (s *Server) GetPresence(context.Context, chatapi.GetPresenceRequestObject) (chatapi.GetPresenceResponseObject, error) {
	return nil, notImplemented()
}
