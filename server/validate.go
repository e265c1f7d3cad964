package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

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
	once, lists := singleQueryParams(item, op)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			joinRepeatedLists(c.Request(), lists)
			if err := checkRepeatedParams(c.Request(), once); err != nil {
				return err
			}
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

// singleQueryParams names the query parameters of an operation that must
// appear at most once: all but exploded arrays (?a=1&a=2). The validator
// and the generated binding would otherwise see only the first of several
// values, or refuse them with a message of their own. lists are the arrays
// the contract writes comma-separated (?a=1,2), which joinRepeatedLists
// also takes repeated.
func singleQueryParams(item *openapi3.PathItem, op *openapi3.Operation) (once, lists []string) {
	for _, params := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, ref := range params {
			p := ref.Value
			if p == nil || p.In != openapi3.ParameterInQuery {
				continue
			}
			sm, err := p.SerializationMethod()
			array := err == nil && p.Schema != nil && p.Schema.Value != nil && p.Schema.Value.Type.Is("array")
			switch {
			case array && !sm.Explode:
				lists = append(lists, p.Name)
			case !array:
				once = append(once, p.Name)
			}
		}
	}
	return once, lists
}

// joinRepeatedLists turns ?a=1&a=2 into ?a=1,2 for the comma-separated
// arrays lists names: some generated clients (openapi-python-client) send
// every array repeated whatever the contract's style, and the two forms
// mean the same list.
func joinRepeatedLists(req *http.Request, lists []string) {
	if len(lists) == 0 || req.URL.RawQuery == "" {
		return
	}
	q := req.URL.Query()
	changed := false
	for _, name := range lists {
		if vs := q[name]; len(vs) > 1 {
			q[name] = []string{strings.Join(vs, ",")}
			changed = true
		}
	}
	if changed {
		req.URL.RawQuery = q.Encode()
	}
}

// checkRepeatedParams refuses a request that repeats one of the query
// parameters once names.
func checkRepeatedParams(req *http.Request, once []string) error {
	if len(once) == 0 || req.URL.RawQuery == "" {
		return nil
	}
	q := req.URL.Query()
	for _, name := range once {
		if len(q[name]) > 1 {
			return invalid(name, "%s must be given at most once", name)
		}
	}
	return nil
}

// requireJSON makes sure that the body of an operation that takes one is
// one JSON value in UTF-8 before the validator reads it: 415 for another
// media type (compared case-insensitively, with at most a UTF-8 charset), 413
// beyond the body limit whether or not the length was declared, 400 for
// invalid UTF-8 (which encoding/json would replace with U+FFFD) and for
// anything after the value (which it would ignore). The body is read once
// here and handed on from memory.
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
			if !isJSONMediaType(req.Header.Get("Content-Type")) {
				return echo.NewHTTPError(http.StatusUnsupportedMediaType)
			}
			body, err := io.ReadAll(req.Body)
			if err != nil {
				var he *echo.HTTPError
				if errors.As(err, &he) { // the body limit's 413
					return he
				}
				return invalid("body", "request body could not be read")
			}
			if err := checkJSONText(body); err != nil {
				return err
			}
			req.Body.Close()
			req.ContentLength = int64(len(body))
			req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
			req.Body, _ = req.GetBody()
			return next(c)
		}
	}
}

// isJSONMediaType reports whether a Content-Type names application/json,
// in any case, with no parameter but a UTF-8 charset (JSON exchanged
// between systems is UTF-8, RFC 8259).
func isJSONMediaType(contentType string) bool {
	mt, params, err := mime.ParseMediaType(contentType) // lowercases mt and the parameter names
	if err != nil || mt != echo.MIMEApplicationJSON {
		return false
	}
	for name, v := range params {
		if name != "charset" || !strings.EqualFold(v, "utf-8") {
			return false
		}
	}
	return true
}

// checkJSONText refuses a non-empty body that is not exactly one JSON value
// in UTF-8; surrounding whitespace is fine.
func checkJSONText(body []byte) error {
	if len(body) == 0 {
		return nil // the validator knows whether the operation needs one
	}
	if !utf8.Valid(body) {
		return invalid("body", "request body is not valid UTF-8")
	}
	// json.Valid holds exactly the bodies the decoder below accepts, without
	// its allocations (every request with a body comes here); the decoder
	// only tells which refusal a bad one gets.
	if json.Valid(body) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		return invalid("body", "request body is not valid JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return invalid("body", "request body must be one JSON value with nothing after it")
	}
	return nil
}

// bodyBinder binds the request bodies of the generated handlers, which call
// it in place of Echo's binder. Numbers are decoded as written
// (json.Number), so the free-form objects (meta, metadata, payload) keep
// every digit a client sent instead of rounding through float64, and a
// number that does not fit its field is refused without Go's error text.
// requireJSON and the validator have checked the body before.
type bodyBinder struct{}

func (bodyBinder) Bind(v any, c echo.Context) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.UseNumber()
	err := dec.Decode(v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field == "" {
		te.Field = "body"
	}
	switch {
	case err == nil, errors.Is(err, io.EOF): // no body: as Echo's binder, leave v empty
		return nil
	case te != nil && strings.HasPrefix(te.Value, "number"):
		return invalid(te.Field, "%s is out of range", te.Field)
	case te != nil:
		return invalid(te.Field, "%s has the wrong type", te.Field)
	}
	return invalid("body", "request body does not match the operation")
}

// limitBody refuses bodies over n bytes with 413, whether or not the client
// declared the length.
func limitBody(n int64) echo.MiddlewareFunc {
	return middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: fmt.Sprintf("%dB", n)})
}
