package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"

	"github.com/chatapi/chatapi/chat"
	"github.com/chatapi/chatapi/gen/chatapi"
)

// Error codes of SPEC for the refusals the server decides on itself; the
// store's refusals take theirs from chat.Classify.
const (
	codeValidation     = chatapi.ErrorCodeVALIDATIONERROR
	codeAuthentication = chatapi.ErrorCodeAUTHENTICATIONERROR
	codeAuthorization  = chatapi.ErrorCodeAUTHORIZATIONERROR
	codeNotFound       = chatapi.ErrorCodeNOTFOUND
	codeConflict       = chatapi.ErrorCodeCONFLICT
	codeRateLimit      = chatapi.ErrorCodeRATELIMITEXCEEDED
	codeInternal       = chatapi.ErrorCodeINTERNALERROR
	// codeNotImplemented marks operations whose feature has not landed; it
	// is reported as INTERNAL_ERROR with status 501.
	codeNotImplemented = chatapi.ErrorCodeINTERNALERROR
)

// apiError is a refusal the server decided on itself.
type apiError struct {
	status  int
	code    chatapi.ErrorCode
	message string
	field   string
	details map[string]any
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message) }

func invalid(field, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: codeValidation, field: field, message: fmt.Sprintf(format, args...)}
}

// handleError is Echo's single error handler: every refusal, whatever raised
// it (a handler, the validator, the router, a panic), leaves in the envelope.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	ae := s.toAPIError(err, c)
	setRetryAfter(c, err)
	body := chatapi.ErrorResponse{
		Success: false,
		Error:   chatapi.Error{Code: ae.code, Message: ae.message},
	}
	if ae.field != "" {
		body.Error.Field = &ae.field
	}
	if len(ae.details) > 0 {
		body.Error.Details = &ae.details
	}
	var werr error
	if c.Request().Method == http.MethodHead {
		werr = c.NoContent(ae.status)
	} else {
		werr = c.JSON(ae.status, body)
	}
	if werr != nil {
		s.cfg.Logger.Warn("write error response", "request_id", requestID(c), "error", werr.Error())
	}
}

func (s *Server) toAPIError(err error, c echo.Context) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	if r, ok := chat.Classify(err); ok {
		return &apiError{status: r.Status, code: chatapi.ErrorCode(r.Code), message: r.Message, field: r.Field, details: r.Details}
	}
	var reqErr *openapi3filter.RequestError
	if errors.As(err, &reqErr) {
		return fromRequestError(reqErr)
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return fromHTTPError(he)
	}
	s.cfg.Logger.Error("internal error", "request_id", requestID(c), "route", c.Path(), "error", err.Error())
	return internalError(c)
}

func internalError(c echo.Context) *apiError {
	return &apiError{status: http.StatusInternalServerError, code: codeInternal,
		message: "internal error (request id " + requestID(c) + ")"}
}

// fromRequestError turns a contract violation found by the validator into a
// 400 naming the field at fault.
func fromRequestError(e *openapi3filter.RequestError) *apiError {
	if e.Parameter != nil {
		name, msg := e.Parameter.Name, e.Reason
		var se *openapi3.SchemaError
		var pe *openapi3filter.ParseError
		switch {
		case errors.As(e.Err, &se) && isOutOfRange(se):
			msg = name + " is out of range"
		case errors.As(e.Err, &se):
			msg = se.Reason
		case errors.As(e.Err, &pe) && pe.Reason != "":
			// The parse error's own text ends in strconv's ("invalid
			// syntax"); its reason ("an invalid integer") says it all.
			msg = name + " is " + pe.Reason
		case e.Err != nil && msg == "":
			msg = e.Err.Error()
		}
		if msg == "" {
			msg = "invalid value"
		}
		return invalid(name, "%s", firstLine(msg))
	}
	var se *openapi3.SchemaError
	if errors.As(e.Err, &se) {
		if ae := fromNotRule(se); ae != nil {
			return ae
		}
		field := strings.Join(se.JSONPointer(), ".")
		if field == "" {
			field = "body"
		}
		if isOutOfRange(se) {
			return invalid(field, "%s is out of range", field)
		}
		return invalid(field, "%s", firstLine(se.Reason))
	}
	var pe *openapi3filter.ParseError
	if errors.As(e.Err, &pe) {
		return invalid("body", "request body is not valid JSON")
	}
	if e.Err != nil && strings.Contains(e.Err.Error(), "value is required but missing") {
		return invalid("body", "request body is required")
	}
	msg := e.Reason
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	return invalid("body", "%s", firstLine(msg))
}

// isOutOfRange reports whether the validator refused a number it could not
// hold (beyond float64, such as 1e400) or one outside its integer format;
// its own words for those name Go types.
func isOutOfRange(se *openapi3.SchemaError) bool {
	var ne *strconv.NumError
	return errors.As(se.Origin, &ne) && errors.Is(ne.Err, strconv.ErrRange) ||
		se.SchemaField == "format" && se.Schema != nil && se.Schema.Type.Is("integer")
}

// fromNotRule explains a breach of a rule the contract states as a `not`
// schema (kin-openapi reports those without a reason): the rule's
// description is the message and its x-error-field the field.
func fromNotRule(se *openapi3.SchemaError) *apiError {
	if se.SchemaField != "not" || se.Schema == nil || se.Schema.Not == nil || se.Schema.Not.Value == nil {
		return nil
	}
	rule := se.Schema.Not.Value
	if rule.Description == "" {
		return nil
	}
	field, _ := rule.Extensions["x-error-field"].(string)
	if field == "" {
		field = "body"
	}
	return invalid(field, "%s", rule.Description)
}

// fromHTTPError maps Echo's own refusals (routing, body limit, binding).
func fromHTTPError(he *echo.HTTPError) *apiError {
	msg := http.StatusText(he.Code)
	if m, ok := he.Message.(string); ok && m != "" {
		msg = firstLine(m)
	}
	switch he.Code {
	case http.StatusNotFound:
		return &apiError{status: he.Code, code: codeNotFound, message: "no such route"}
	case http.StatusMethodNotAllowed:
		return &apiError{status: he.Code, code: codeValidation, message: "method not allowed on this route"}
	case http.StatusRequestEntityTooLarge:
		return &apiError{status: he.Code, code: codeValidation, field: "body", message: "request body too large"}
	case http.StatusUnsupportedMediaType:
		return &apiError{status: he.Code, code: codeValidation, field: "body", message: "request body must be application/json"}
	case http.StatusUnauthorized:
		return &apiError{status: he.Code, code: codeAuthentication, message: msg}
	case http.StatusForbidden:
		return &apiError{status: he.Code, code: codeAuthorization, message: msg}
	case http.StatusTooManyRequests:
		return &apiError{status: he.Code, code: codeRateLimit, message: msg}
	}
	if he.Code >= 400 && he.Code < 500 {
		return &apiError{status: http.StatusBadRequest, code: codeValidation, message: msg}
	}
	return &apiError{status: http.StatusInternalServerError, code: codeInternal, message: "internal error"}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
