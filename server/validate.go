package server

import (
	"context"
	"fmt"
	"mime"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	echomw "github.com/oapi-codegen/echo-middleware"
)

// newRequestValidator checks every request against the embedded contract
// before any handler runs. Credentials are checked by authenticate, so the
// validator's own security check is switched off.
func newRequestValidator(spec *openapi3.T) echo.MiddlewareFunc {
	return echomw.OapiRequestValidatorWithOptions(spec, &echomw.Options{
		DoNotValidateServers: true,
		Options: openapi3filter.Options{
			// Filling defaults would replace an explicit null with the
			// default before checking it, accepting null for fields that are
			// not nullable. Handlers apply defaults themselves.
			SkipSettingDefaults: true,
			AuthenticationFunc:  func(context.Context, *openapi3filter.AuthenticationInput) error { return nil },
		},
	})
}

// requireJSON refuses a body that is not JSON with 415 before the validator
// reads it, for operations that take a body.
func requireJSON(takesBody bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if !takesBody {
				return next(c)
			}
			if req.ContentLength == 0 && req.Header.Get("Content-Type") == "" {
				return next(c)
			}
			mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
			if err != nil || mt != echo.MIMEApplicationJSON {
				return echo.NewHTTPError(http.StatusUnsupportedMediaType)
			}
			return next(c)
		}
	}
}

// limitBody refuses bodies over n bytes with 413, whether or not the client
// declared the length.
func limitBody(n int64) echo.MiddlewareFunc {
	return middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: fmt.Sprintf("%dB", n)})
}
