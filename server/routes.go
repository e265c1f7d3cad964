package server

import (
	"fmt"
	"net/http"
	"regexp"

	"github.com/labstack/echo/v4"
)

// specRouter registers the generated routes on Echo, giving each the
// middleware its operation in the spec asks for. It satisfies the generated
// EchoRouter interface.
type specRouter struct {
	e   *echo.Echo
	ops map[string]operation
	mw  func(operation) []echo.MiddlewareFunc
	// err is the first route that has no operation in the spec.
	err error
}

var echoParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

func (r *specRouter) add(method, path string, h echo.HandlerFunc, m []echo.MiddlewareFunc) *echo.Route {
	key := method + " " + echoParam.ReplaceAllString(path, "{$1}")
	op, ok := r.ops[key]
	if !ok && r.err == nil {
		r.err = fmt.Errorf("route %s has no operation in the spec", key)
	}
	return r.e.Add(method, path, h, append(r.mw(op), m...)...)
}

func (r *specRouter) CONNECT(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodConnect, p, h, m)
}

func (r *specRouter) DELETE(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodDelete, p, h, m)
}

func (r *specRouter) GET(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodGet, p, h, m)
}

func (r *specRouter) HEAD(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodHead, p, h, m)
}

func (r *specRouter) OPTIONS(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodOptions, p, h, m)
}

func (r *specRouter) PATCH(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodPatch, p, h, m)
}

func (r *specRouter) POST(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodPost, p, h, m)
}

func (r *specRouter) PUT(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodPut, p, h, m)
}

func (r *specRouter) TRACE(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodTrace, p, h, m)
}
