package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// corsMaxAge is how long, in seconds, a browser may keep a preflight's
// answer.
const corsMaxAge = 600

// cors lets browsers on the configured origins call the API. An origin is
// granted only if it is one of origins exactly (scheme, host and port, as a
// browser sends it); "*" alone grants every origin, and then without
// credentials, so that no page can act with a visitor's cookies. Nothing
// here uses cookies: a browser authenticates with a user token in
// Authorization, which needs no credentials mode, but an explicit list
// allows credentials for apps that put the API behind their own session.
func cors(origins []string) echo.MiddlewareFunc {
	any := len(origins) == 1 && origins[0] == "*"
	allowed := make(map[string]bool, len(origins))
	for _, o := range origins {
		allowed[strings.ToLower(o)] = true
	}
	cfg := middleware.CORSConfig{
		AllowMethods: []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete},
		AllowHeaders: []string{echo.HeaderAuthorization, echo.HeaderContentType, "Idempotency-Key", "X-API-Key", "X-User-Id", echo.HeaderXRequestID},
		ExposeHeaders: []string{echo.HeaderXRequestID, "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
			echo.HeaderRetryAfter, idempotentReplayedHeader},
		AllowCredentials: !any,
		MaxAge:           corsMaxAge,
	}
	if any {
		cfg.AllowOrigins = []string{"*"}
	} else {
		cfg.AllowOriginFunc = func(origin string) (bool, error) { return allowed[strings.ToLower(origin)], nil }
	}
	return middleware.CORSWithConfig(cfg)
}
