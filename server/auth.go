package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/chatapi/chatapi/store"
)

// authKind is what an operation's security requirement asks of a request.
type authKind int

const (
	authNone   authKind = iota
	authMaster          // X-Master-Key
	// authTenant is a tenant-level operation: X-API-Key + X-User-Id only; a
	// user token is refused with 403.
	authTenant
	// authUser is a user-level operation: X-API-Key + X-User-Id, or a user
	// token (Authorization: Bearer).
	authUser
)

// operation is what the middleware needs to know of one operation of the spec.
type operation struct {
	auth    authKind
	hasBody bool
	// idempotent: the operation takes an Idempotency-Key (see idempotent).
	idempotent bool
	// validate checks a request against this operation of the contract.
	validate echo.MiddlewareFunc
	// bodyLimit, when above the service's, is the operation's own bound
	// on request bodies (x-body-limit in the contract).
	bodyLimit int64
	// bansChecked: the operation's own rules refuse a user banned from the
	// tenant, so authentication does not read the ban first (see
	// rulesReadBans).
	bansChecked bool
}

// rulesReadBans are the operations (keyed as operationsOf keys them) whose
// rules read the caller's tenant ban themselves. A send's rules
// (chat.Service.SendMessage, CheckSend) refuse a banned sender with the
// same 403 as authentication does, or, on PostgreSQL for a tenant without
// moderation state, check it in the send's transaction; reading it at
// authentication as well was a second query per message (BENCHMARKS.md,
// "PostgreSQL send: the rules read once per tenant").
var rulesReadBans = map[string]bool{"POST /rooms/{room_id}/messages": true}

// operationsOf reads every operation's security requirement from the spec,
// so that who may call what is decided by the contract itself. The map is
// keyed by "METHOD /path/{param}".
func operationsOf(spec *openapi3.T) (map[string]operation, error) {
	ops := make(map[string]operation)
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			sec := spec.Security
			if op.Security != nil {
				sec = *op.Security
			}
			kind, err := authKindOf(sec)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", method, path, err)
			}
			ops[method+" "+path] = operation{
				auth:        kind,
				hasBody:     op.RequestBody != nil,
				idempotent:  takesIdempotencyKey(item, op),
				validate:    validateRequests(spec, path, item, method, op),
				bodyLimit:   bodyLimitOf(op),
				bansChecked: rulesReadBans[method+" "+path],
			}
		}
	}
	return ops, nil
}

// bodyLimitOf reads an operation's x-body-limit, in bytes (0: none).
func bodyLimitOf(op *openapi3.Operation) int64 {
	if n, ok := op.Extensions["x-body-limit"].(float64); ok {
		return int64(n)
	}
	return 0
}

// takesIdempotencyKey reports whether an operation declares the
// Idempotency-Key header, which decides whether it runs at most once per key.
func takesIdempotencyKey(item *openapi3.PathItem, op *openapi3.Operation) bool {
	for _, params := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, ref := range params {
			if p := ref.Value; p != nil && p.In == openapi3.ParameterInHeader && p.Name == idempotencyHeader {
				return true
			}
		}
	}
	return false
}

// authKindOf reads one operation's security requirements: none, the master
// key, the tenant key and user id, or those with a user token as the
// alternative.
func authKindOf(sec openapi3.SecurityRequirements) (authKind, error) {
	kinds := make([]authKind, 0, len(sec))
	for _, req := range sec {
		_, master := req["MasterKeyAuth"]
		_, key := req["ApiKeyAuth"]
		_, user := req["UserIdAuth"]
		_, bearer := req["BearerAuth"]
		switch {
		case master && len(req) == 1:
			kinds = append(kinds, authMaster)
		case key && user && len(req) == 2:
			kinds = append(kinds, authTenant)
		case bearer && len(req) == 1:
			kinds = append(kinds, authUser)
		case len(req) == 0:
			kinds = append(kinds, authNone)
		default:
			return 0, fmt.Errorf("unsupported security requirement %v", req)
		}
	}
	switch {
	case len(kinds) == 0:
		return authNone, nil
	case len(kinds) == 1 && kinds[0] != authUser:
		return kinds[0], nil
	case len(kinds) == 2 && kinds[0] == authTenant && kinds[1] == authUser:
		return authUser, nil
	}
	return 0, fmt.Errorf("unsupported security requirements %v: alternatives must be the tenant key and user id, then BearerAuth", sec)
}

// principal is who a tenant request acts as.
type principal struct {
	tenant store.Tenant
	userID string
	// byKey: the request carried the tenant key, not a user token.
	byKey bool
}

type principalKey struct{}

func principalFrom(ctx context.Context) principal {
	p, _ := ctx.Value(principalKey{}).(principal)
	return p
}

var userIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:@-]{1,128}$`)

// ValidUserID reports whether id is a well-formed user id.
func ValidUserID(id string) bool { return userIDPattern.MatchString(id) }

// HashAPIKey is how tenant keys are kept at rest.
func HashAPIKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// newAPIKey returns a fresh tenant key: sk_ and 32 random bytes in hex.
func newAPIKey() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generate api key: %w", err)
	}
	return "sk_" + hex.EncodeToString(b[:]), nil
}

// masterKeyMatches compares in constant time; hashing first makes the time
// independent of the lengths too.
func (s *Server) masterKeyMatches(given string) bool {
	if s.cfg.MasterKey == "" || given == "" {
		return false
	}
	a := sha256.Sum256([]byte(given))
	b := sha256.Sum256([]byte(s.cfg.MasterKey))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

var (
	errInvalidToken = &apiError{status: http.StatusUnauthorized, code: codeAuthentication, message: "invalid or expired token"}
	errTenantLevel  = &apiError{status: http.StatusForbidden, code: codeAuthorization, field: "Authorization",
		message: "this operation takes the tenant key (X-API-Key and X-User-Id); a user token may not call it"}
	errBadMasterKey = &apiError{status: http.StatusUnauthorized, code: codeAuthentication, message: "missing or invalid master key"}
	errBadAPIKey    = &apiError{status: http.StatusUnauthorized, code: codeAuthentication, message: "missing or invalid API key"}
	errBadUserID    = &apiError{status: http.StatusBadRequest, code: codeValidation, field: "X-User-Id",
		message: "X-User-Id must be 1 to 128 characters of A-Z a-z 0-9 . _ : @ -"}
)

// authenticate checks the credentials an operation asks for and, for tenant
// operations, refuses a user banned from the tenant (unless bansChecked:
// the operation does), applies the tenant's rate limit and records the
// principal.
func (s *Server) authenticate(kind authKind, bansChecked bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		switch kind {
		case authMaster:
			return func(c echo.Context) error {
				if !s.masterKeyMatches(c.Request().Header.Get("X-Master-Key")) {
					return errBadMasterKey
				}
				return next(c)
			}
		case authTenant, authUser:
			return func(c echo.Context) error {
				p, err := s.restPrincipal(c, kind)
				if err != nil {
					return err
				}
				if !bansChecked {
					if err := s.refuseBanned(c.Request().Context(), p); err != nil {
						return err
					}
				}
				if err := s.admit(c, p); err != nil {
					return err
				}
				ctx := context.WithValue(c.Request().Context(), principalKey{}, p)
				c.SetRequest(c.Request().WithContext(ctx))
				return next(c)
			}
		}
		return next
	}
}

// admit applies the tenant's rate limit to an authenticated request, names
// the principal for the request's log line and records the user's
// activity.
func (s *Server) admit(c echo.Context, p principal) error {
	if err := s.allow(c, p); err != nil {
		return err
	}
	if err := s.activity.note(c.Request().Context(), p.tenant.ID, p.userID); err != nil {
		// Usage is not worth refusing a request for.
		s.cfg.Logger.Warn("record activity", "request_id", requestID(c), "error", err.Error())
	}
	return nil
}

// allow applies the tenant's rate limit to an authenticated request and
// names the principal for the request's log line.
func (s *Server) allow(c echo.Context, p principal) error {
	if err := s.limits.allow(c.Response().Header(), p.tenant); err != nil {
		return err
	}
	c.Set(logTenantKey, p.tenant.ID)
	c.Set(logUserKey, p.userID)
	return nil
}

// restPrincipal authenticates a REST request. The tenant key, when sent,
// decides; otherwise a user token in Authorization does, on user-level
// operations. A genuine token on a tenant-level operation is 403, so that
// the caller learns the token is fine but the operation is not for it.
func (s *Server) restPrincipal(c echo.Context, kind authKind) (principal, error) {
	h := c.Request().Header
	ctx := c.Request().Context()
	key := h.Get("X-API-Key")
	if key == "" {
		if tok, ok := bearerToken(h.Get(echo.HeaderAuthorization)); ok {
			p, _, err := s.tokenPrincipal(ctx, tok)
			if err != nil {
				c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer error="invalid_token"`)
				return principal{}, err
			}
			if kind != authUser {
				return principal{}, errTenantLevel
			}
			return p, nil
		}
	}
	return s.keyPrincipal(ctx, key, h.Get("X-User-Id"))
}

// bearerToken is the token of an Authorization header of the Bearer scheme
// (RFC 6750: the scheme name in any case, one space).
func bearerToken(auth string) (string, bool) {
	const scheme = "bearer "
	if len(auth) <= len(scheme) || !strings.EqualFold(auth[:len(scheme)], scheme) {
		return "", false
	}
	return strings.TrimSpace(auth[len(scheme):]), true
}

// tokenPrincipal is who a user token names, and when it expires: 401 for a
// forged or expired token, or one issued under a tenant key since rotated
// (or a tenant gone). The tenant is read through the tenant cache, by id.
func (s *Server) tokenPrincipal(ctx context.Context, tok string) (principal, time.Time, error) {
	claims, err := s.verifyToken(tok)
	if err != nil {
		return principal{}, time.Time{}, errInvalidToken
	}
	t, err := s.tenantByID(ctx, claims.Tenant)
	if errors.Is(err, store.ErrNotFound) {
		return principal{}, time.Time{}, errInvalidToken
	}
	if err != nil {
		return principal{}, time.Time{}, fmt.Errorf("look up tenant: %w", err)
	}
	if t.KeyGeneration != claims.KeyGeneration {
		return principal{}, time.Time{}, errInvalidToken
	}
	// A token issued before its user's deletion died with the user; one
	// issued since is a new user's of the same id.
	deleted, err := s.deletedUsers.deletedAt(ctx, t.ID, claims.User)
	if err != nil {
		return principal{}, time.Time{}, fmt.Errorf("look up user deletion: %w", err)
	}
	if !deleted.IsZero() && deleted.UnixMilli() >= claims.IssuedAt {
		return principal{}, time.Time{}, errInvalidToken
	}
	return principal{tenant: t, userID: claims.User}, time.Unix(claims.Expiry, 0), nil
}

// tenantByID reads a tenant through the tenant cache, under an entry of its
// own ("id:" and the id, which no key hash can be), which RotateTenantKey's
// forget drops like the others.
func (s *Server) tenantByID(ctx context.Context, id string) (store.Tenant, error) {
	k := "id:" + id
	t, ok, gen := s.tenants.get(k)
	if ok {
		return t, nil
	}
	t, err := s.store.TenantByID(ctx, id)
	if err != nil {
		return store.Tenant{}, err
	}
	s.tenants.put(k, t, gen)
	return t, nil
}

// keyPrincipal is who a tenant key and a user id name, however the request
// carried them: errBadAPIKey for an unknown key, errBadUserID for a
// malformed id.
func (s *Server) keyPrincipal(ctx context.Context, key, user string) (principal, error) {
	t, err := s.tenantByKey(ctx, key)
	if err != nil {
		return principal{}, err
	}
	if !ValidUserID(user) {
		return principal{}, errBadUserID
	}
	return principal{tenant: t, userID: user, byKey: true}, nil
}

// tenantByKey finds the tenant whose key this is, through the tenant cache
// (see tenantCacheTTL); an empty or unknown key is errBadAPIKey.
func (s *Server) tenantByKey(ctx context.Context, key string) (store.Tenant, error) {
	if key == "" {
		return store.Tenant{}, errBadAPIKey
	}
	hash := HashAPIKey(key)
	t, ok, gen := s.tenants.get(hash)
	if ok {
		return t, nil
	}
	t, err := s.store.TenantByKeyHash(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return store.Tenant{}, errBadAPIKey
	}
	if err != nil {
		return store.Tenant{}, fmt.Errorf("look up tenant: %w", err)
	}
	s.tenants.put(hash, t, gen)
	return t, nil
}

func setIntHeader(h http.Header, name string, v int64) { h.Set(name, strconv.FormatInt(v, 10)) }
