package server

import (
	"context"
	"time"

	"github.com/labstack/echo/v4"
)

// defaultRequestTimeout bounds a REST request when Config.RequestTimeout
// is unset.
const defaultRequestTimeout = 30 * time.Second

// boundRequests gives every request but the WebSocket upgrade a deadline:
// a database that hangs (rather than refusing connections, which fails at
// once) ends the request with a 500 envelope after d instead of holding it,
// and its goroutine, for as long as the client waits. /ws is left alone:
// its request context is the connection's lifetime.
func boundRequests(d time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if c.Request().URL.Path == "/ws" {
				return next(c)
			}
			ctx, cancel := context.WithTimeout(c.Request().Context(), d)
			defer cancel()
			c.SetRequest(c.Request().WithContext(ctx))
			return next(c)
		}
	}
}
