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

var errBadWSToken = &apiError{status: http.StatusUnauthorized, code: codeAuthentication, message: "invalid or expired token"}

// serveWS authenticates a WebSocket handshake and hands it to the realtime
// hub. Credentials come from a user token (?token=), the REST headers, or
// their query fallback (?api_key=&user_id=). A refused handshake is an HTTP
// answer in the envelope; no socket is opened.
func (s *Server) serveWS(c echo.Context) error {
	p, expires, err := s.wsPrincipal(c)
	if err != nil {
		return err
	}
	if err := s.admit(c, p); err != nil {
		return err
	}
	if s.cfg.WS == nil {
		return notImplemented()
	}
	err = s.cfg.WS.ServeWS(c.Response(), c.Request(), realtime.Session{
		TenantID: p.tenant.ID, UserID: p.userID,
		KeyGeneration: p.tenant.KeyGeneration, Expires: expires,
	})
	var tooMany *realtime.TooManyConnectionsError
	if errors.As(err, &tooMany) {
		return &apiError{status: http.StatusTooManyRequests, code: codeRateLimit,
			message: fmt.Sprintf("this user already holds %d WebSocket connections, the most allowed: close one first", tooMany.Limit),
			details: map[string]any{"limit": tooMany.Limit}}
	}
	return err
}

// wsPrincipal authenticates the handshake and says when its credentials
// expire (zero for a tenant key). A token is good only while its tenant's
// key is the one it was issued under.
func (s *Server) wsPrincipal(c echo.Context) (principal, time.Time, error) {
	q := c.Request().URL.Query()
	ctx := c.Request().Context()
	if tok := q.Get("token"); tok != "" {
		claims, err := s.verifyToken(tok)
		if err != nil {
			return principal{}, time.Time{}, errBadWSToken
		}
		t, err := s.store.TenantByID(ctx, claims.Tenant)
		if errors.Is(err, store.ErrNotFound) {
			return principal{}, time.Time{}, errBadWSToken
		}
		if err != nil {
			return principal{}, time.Time{}, fmt.Errorf("look up tenant: %w", err)
		}
		if t.KeyGeneration != claims.KeyGeneration {
			return principal{}, time.Time{}, errBadWSToken
		}
		return principal{tenant: t, userID: claims.User}, time.Unix(claims.Expiry, 0), nil
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
