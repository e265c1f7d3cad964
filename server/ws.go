package server

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

// serveWS authenticates a WebSocket handshake and hands it to the realtime
// hub. Credentials come from a user token (?token=), the REST headers, or
// their query fallback (?api_key=&user_id=). A refused handshake is an HTTP
// answer in the envelope; no socket is opened.
func (s *Server) serveWS(c echo.Context) error {
	p, expires, err := s.wsPrincipal(c)
	if err != nil {
		return err
	}
	if err := s.refuseBanned(c.Request().Context(), p); err != nil {
		return err
	}
	if err := s.admit(c, p); err != nil {
		return err
	}
	resume, err := wsResumeCursor(c)
	if err != nil {
		return err
	}
	if s.cfg.WS == nil {
		return notImplemented()
	}
	w := &handshakeWriter{ResponseWriter: c.Response()}
	err = s.cfg.WS.ServeWS(w, c.Request(), realtime.Session{
		TenantID: p.tenant.ID, UserID: p.userID,
		KeyGeneration: p.tenant.KeyGeneration, Expires: expires,
		Resume: resume,
	})
	var tooMany *realtime.TooManyConnectionsError
	if errors.As(err, &tooMany) {
		return &apiError{status: http.StatusTooManyRequests, code: codeRateLimit,
			message: fmt.Sprintf("this user already holds %d WebSocket connections, the most allowed: close one first", tooMany.Limit),
			details: map[string]any{"limit": tooMany.Limit}}
	}
	if err != nil {
		return err
	}
	if w.refused != 0 {
		return handshakeRefusal(w.refused)
	}
	// Upgraded. The hub writes the 101 itself, with the connection's first
	// frames, so Echo never saw it: its status is the request log's and the
	// metrics'.
	c.Response().Status, c.Response().Committed = http.StatusSwitchingProtocols, true
	return nil
}

// wsResumeCursor is the handshake's ?cursor=, nil without one. A cursor
// that is not one (from sync.complete or GET /sync) refuses the handshake
// with 400 on field cursor: resuming from a guess could skip events.
func wsResumeCursor(c echo.Context) (*store.SyncCursor, error) {
	q := c.Request().URL.Query()
	if !q.Has("cursor") {
		return nil, nil
	}
	if len(q["cursor"]) > 1 {
		return nil, &store.InvalidError{Field: "cursor", Message: "give one cursor"}
	}
	cur, err := store.ParseSyncCursor(q.Get("cursor"))
	if err != nil {
		return nil, err
	}
	return &cur, nil
}

// handshakeWriter is the ResponseWriter the WebSocket handler answers on.
// A refused handshake (no upgrade, a foreign origin, a shutdown) is written
// by the WebSocket library as plain text; handshakeWriter keeps its status
// and headers (Upgrade on a 426, Retry-After on a 503) and drops its text,
// so that serveWS answers in the envelope instead.
type handshakeWriter struct {
	http.ResponseWriter
	refused int
}

func (w *handshakeWriter) WriteHeader(status int) {
	if status >= http.StatusBadRequest {
		w.refused = status
		w.Header().Del("Content-Type") // the library's text/plain
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *handshakeWriter) Write(b []byte) (int, error) {
	if w.refused != 0 {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets the WebSocket library hijack the connection underneath.
func (w *handshakeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// handshakeRefusal is the envelope of a handshake the WebSocket handler
// refused with status, in our words rather than the library's.
func handshakeRefusal(status int) *apiError {
	switch {
	case status == http.StatusUpgradeRequired:
		return &apiError{status: status, code: codeValidation,
			message: "GET /ws takes a WebSocket handshake (Connection: Upgrade, Upgrade: websocket)"}
	case status == http.StatusForbidden:
		return &apiError{status: status, code: codeAuthorization,
			message: "WebSocket connections from this origin are not allowed"}
	case status == http.StatusServiceUnavailable:
		return &apiError{status: status, code: codeInternal, message: "the server is shutting down; reconnect shortly"}
	case status < http.StatusInternalServerError:
		return &apiError{status: status, code: codeValidation, message: "not a valid WebSocket handshake (RFC 6455, version 13)"}
	}
	return &apiError{status: http.StatusInternalServerError, code: codeInternal, message: "internal error"}
}

// wsPrincipal authenticates the handshake and says when its credentials
// expire (zero for a tenant key). A token is good only while its tenant's
// key is the one it was issued under.
func (s *Server) wsPrincipal(c echo.Context) (principal, time.Time, error) {
	q := c.Request().URL.Query()
	ctx := c.Request().Context()
	if tok := q.Get("token"); tok != "" {
		return s.tokenPrincipal(ctx, tok)
	}
	key, user := c.Request().Header.Get("X-API-Key"), c.Request().Header.Get("X-User-Id")
	if key == "" {
		key = q.Get("api_key")
	}
	if user == "" {
		user = q.Get("user_id")
	}
	p, err := s.keyPrincipal(ctx, key, user)
	return p, time.Time{}, err
}
