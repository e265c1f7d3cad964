package server

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/chatapi/chatapi/store"
)

var errBadWSToken = &apiError{status: http.StatusUnauthorized, code: codeAuthentication, message: "invalid or expired token"}

// serveWS authenticates a WebSocket handshake and hands it to the realtime
// hub. Credentials come from a user token (?token=), the REST headers, or
// their query fallback (?api_key=&user_id=). A refused handshake is an HTTP
// answer in the envelope; no socket is opened.
func (s *Server) serveWS(c echo.Context) error {
	p, err := s.wsPrincipal(c)
	if err != nil {
		return err
	}
	if err := s.admit(c, p); err != nil {
		return err
	}
	if s.cfg.WS == nil {
		return notImplemented()
	}
	s.cfg.WS.ServeWS(c.Response(), c.Request(), p.tenant.ID, p.userID)
	return nil
}

func (s *Server) wsPrincipal(c echo.Context) (principal, error) {
	q := c.Request().URL.Query()
	ctx := c.Request().Context()
	if tok := q.Get("token"); tok != "" {
		claims, err := s.verifyToken(tok)
		if err != nil {
			return principal{}, errBadWSToken
		}
		t, err := s.store.TenantByID(ctx, claims.Tenant)
		if errors.Is(err, store.ErrNotFound) {
			return principal{}, errBadWSToken
		}
		if err != nil {
			return principal{}, fmt.Errorf("look up tenant: %w", err)
		}
		return principal{tenant: t, userID: claims.User}, nil
	}
	key, user := c.Request().Header.Get("X-API-Key"), c.Request().Header.Get("X-User-Id")
	if key == "" {
		key = q.Get("api_key")
	}
	if user == "" {
		user = q.Get("user_id")
	}
	return s.keyPrincipal(ctx, key, user)
}
