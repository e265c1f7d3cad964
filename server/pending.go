package server

import (
	"context"

	"github.com/chatapi/chatapi/gen/chatapi"
)

// Operations whose feature lands with a later part (messaging, realtime,
// notifications). Until then they answer 501 in the envelope, after the
// same authentication and validation as any other operation.

// GetPresence is part of realtime.
func (s *Server) GetPresence(context.Context, chatapi.GetPresenceRequestObject) (chatapi.GetPresenceResponseObject, error) {
	return nil, notImplemented()
}
