package chat

import (
	"errors"
	"net/http"
	"time"

	"github.com/chatapi/chatapi/store"
)

// Error codes of SPEC, as both transports report them (openapi.yaml's
// ErrorCode, asyncapi.yaml's error event).
const (
	CodeValidation    = "VALIDATION_ERROR"
	CodeAuthorization = "AUTHORIZATION_ERROR"
	CodeNotFound      = "NOT_FOUND"
	CodeConflict      = "CONFLICT"
	CodeSyncReset     = "SYNC_RESET_REQUIRED"
	CodeRateLimit     = "RATE_LIMIT_EXCEEDED"
)

// Refusal is a store error as a client is told it, alike over REST (Status
// and the envelope) and WebSocket (the error event, which has no status).
type Refusal struct {
	// Status is the HTTP status REST answers with.
	Status int
	// Code is SPEC's error code.
	Code string
	// Message says what refused the request, without internals.
	Message string
	// Field names the input at fault, when there is one.
	Field string
	// Details carries what a client needs to act on the refusal (the
	// existing room of a conflict, the cursor to restart a sync from).
	Details map[string]any
	// RetryAfter, for a 429, is how long to wait (REST: Retry-After).
	RetryAfter time.Duration
}

// Classify is the one classification of the store's errors for every
// transport. It reports false for an error that is none of the store's
// refusals: an internal failure, which the caller logs and reports without
// its text.
func Classify(err error) (Refusal, bool) {
	var inv *store.InvalidError
	if errors.As(err, &inv) {
		r := Refusal{Status: http.StatusBadRequest, Code: CodeValidation, Field: inv.Field, Message: inv.Message}
		if inv.Reason != "" {
			r.Details = map[string]any{"reason": inv.Reason}
		}
		return r, true
	}
	var conflict *store.ConflictError
	if errors.As(err, &conflict) {
		r := Refusal{Status: http.StatusConflict, Code: CodeConflict, Field: conflict.Field, Message: conflict.Message}
		if conflict.RoomID != "" {
			r.Details = map[string]any{"room_id": conflict.RoomID}
		}
		return r, true
	}
	if r, ok := classifyModeration(err); ok {
		return r, true
	}
	var gone *store.GoneError
	if errors.As(err, &gone) {
		r := Refusal{Status: http.StatusGone, Code: CodeSyncReset, Message: gone.Message,
			Details: map[string]any{"last_event_seq": gone.LastEventSeq}}
		if gone.Cursor != nil {
			r.Details = map[string]any{"cursor": gone.Cursor.String()}
		}
		return r, true
	}
	var forbidden *store.ForbiddenError
	switch {
	case errors.As(err, &forbidden):
		return Refusal{Status: http.StatusForbidden, Code: CodeAuthorization, Message: forbidden.Message}, true
	case errors.Is(err, store.ErrNotFound):
		return Refusal{Status: http.StatusNotFound, Code: CodeNotFound, Message: "not found"}, true
	case errors.Is(err, store.ErrForbidden):
		return Refusal{Status: http.StatusForbidden, Code: CodeAuthorization, Message: "not allowed"}, true
	case errors.Is(err, store.ErrConflict):
		return Refusal{Status: http.StatusConflict, Code: CodeConflict, Message: "conflict"}, true
	case errors.Is(err, store.ErrInvalid):
		return Refusal{Status: http.StatusBadRequest, Code: CodeValidation, Message: "invalid request"}, true
	case errors.Is(err, store.ErrGone):
		return Refusal{Status: http.StatusGone, Code: CodeSyncReset, Message: "past the event retention"}, true
	}
	return Refusal{}, false
}

// classifyModeration maps the refusals of moderation: a ban or mute in
// force (403, details.until when it ends) and slow mode (429).
func classifyModeration(err error) (Refusal, bool) {
	var restricted *store.RestrictedError
	if errors.As(err, &restricted) {
		r := Refusal{Status: http.StatusForbidden, Code: CodeAuthorization, Message: restricted.Message}
		if restricted.Until != nil {
			r.Details = map[string]any{"until": restricted.Until.UTC().Format(time.RFC3339)}
		}
		return r, true
	}
	var retry *store.RetryError
	if errors.As(err, &retry) {
		secs := int64((retry.RetryAfter + time.Second - 1) / time.Second)
		return Refusal{Status: http.StatusTooManyRequests, Code: CodeRateLimit, Message: retry.Message,
			Details: map[string]any{"retry_after_seconds": secs}, RetryAfter: retry.RetryAfter}, true
	}
	return Refusal{}, false
}
