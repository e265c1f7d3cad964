package server

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// validatorOptions are the kin-openapi options every request is checked with.
var validatorOptions = openapi3filter.Options{
	// Filling defaults would replace an explicit null with the default before
	// checking it, accepting null for fields that are not nullable. Handlers
	// apply defaults themselves.
	SkipSettingDefaults: true,
}

// validateRequests checks every request of one operation against the
// embedded contract before its handler runs.
//
// It is installed per route, so the operation is known when the route is
// registered: asking kin-openapi's router to find it again for every request
// (gorilla/mux regular expressions, as oapi-codegen's echo-middleware does)
// would cost more than the validation itself. Path parameters are the ones
// Echo matched, unescaped as that middleware did; an empty one is no match.
//
// The operation's security requirements are left out of what kin-openapi
// checks: authenticate has decided them from the same spec (operationsOf),
// and kin-openapi's check, with an authentication function that accepts
// everything, only read the whole body into memory once more.
func validateRequests(spec *openapi3.T, path string, item *openapi3.PathItem, method string, op *openapi3.Operation) echo.MiddlewareFunc {
	withoutSecurity := *op
	withoutSecurity.Security = &openapi3.SecurityRequirements{}
	route := &routers.Route{Spec: spec, Path: path, PathItem: item, Method: method, Operation: &withoutSecurity}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			names, values := c.ParamNames(), c.ParamValues()
			var params map[string]string
			if len(names) > 0 {
				params = make(map[string]string, len(names))
				for i, name := range names {
					v := values[i]
					if v == "" {
						// The contract's templates match one or more
						// characters; Echo's match none too.
						return echo.NewHTTPError(http.StatusNotFound, routers.ErrPathNotFound.Error())
					}
					if unescaped, err := url.PathUnescape(v); err == nil {
						v = unescaped
					}
					params[name] = v
				}
			}
			in := &openapi3filter.RequestValidationInput{
				Request:    c.Request(),
				PathParams: params,
				Route:      route,
				Options:    &validatorOptions,
			}
			// A RequestError goes to handleError as it is, which names the
			// field at fault (fromRequestError).
			if err := openapi3filter.ValidateRequest(c.Request().Context(), in); err != nil {
				return err
			}
			return next(c)
		}
	}
}

// requireJSON refuses a body that is not JSON with 415 before the validator
// reads it, for operations that take a body.
func requireJSON(takesBody bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if !takesBody {
			return next
		}
		return func(c echo.Context) error {
			req := c.Request()
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
