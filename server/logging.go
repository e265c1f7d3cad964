package server

import (
	"github.com/labstack/echo/v4"
)

const (
	logTenantKey = "log.tenant"
	logUserKey   = "log.user"
)

func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

// logRequests writes one structured line per request. It names the route
// template, never the URL, so query strings holding keys or tokens are not
// logged; headers are never logged.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := s.cfg.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		s.metrics.observe(c, s.cfg.Now().Sub(start))
		tenant, _ := c.Get(logTenantKey).(string)
		user, _ := c.Get(logUserKey).(string)
		s.cfg.Logger.Info("request",
			"request_id", requestID(c),
			"method", c.Request().Method,
			"route", c.Path(),
			"status", c.Response().Status,
			"latency_ms", float64(s.cfg.Now().Sub(start).Microseconds())/1000,
			"tenant", tenant,
			"user", user,
		)
		return nil
	}
}
