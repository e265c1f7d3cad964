package server

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/chatapi/chatapi/gen/chatapi"
)

// User tokens let a browser open /ws without holding the tenant key. A token
// is "v2.<payload>.<mac>", both parts base64url without padding; the payload
// names the tenant, the user, the expiry and the tenant's key generation
// when it was issued, the MAC is HMAC-SHA256 over "v2.<payload>" with the
// server's token secret. A rotation of the tenant's key moves the
// generation on, which ends every token issued before it (v1 tokens, which
// had no generation, are refused).

const (
	defaultTokenTTL = time.Hour
	maxTokenTTL     = 24 * time.Hour
	tokenVersion    = "v2"
)

// tokenEncoding is base64url without padding, strict: a part whose last
// character carries set bits that encode nothing is refused, so that only
// the exact string issued verifies, not its variants.
var tokenEncoding = base64.RawURLEncoding.Strict()

type tokenClaims struct {
	Tenant string `json:"t"`
	User   string `json:"u"`
	Expiry int64  `json:"e"`
	// KeyGeneration is the tenant's store.Tenant.KeyGeneration at issue.
	KeyGeneration int64 `json:"g"`
	// IssuedAt is when the token was issued, in unix milliseconds: a
	// deletion of its user since refuses it. 0 in tokens issued before it
	// was kept, which any deletion refuses.
	IssuedAt int64 `json:"i,omitempty"`
}

var errBadToken = errors.New("invalid or expired token")

// tokenSecret derives the signing secret: the configured one, or one derived
// from the master key, so that every instance sharing a master key accepts
// the others' tokens.
func tokenSecret(cfg Config) []byte {
	if len(cfg.TokenSecret) > 0 {
		return cfg.TokenSecret
	}
	mac := hmac.New(sha256.New, []byte(cfg.MasterKey))
	mac.Write([]byte("chatapi user tokens v1"))
	return mac.Sum(nil)
}

func (s *Server) signToken(c tokenClaims) string {
	payload, _ := json.Marshal(c) // a struct of strings and an int cannot fail
	signed := tokenVersion + "." + tokenEncoding.EncodeToString(payload)
	return signed + "." + tokenEncoding.EncodeToString(s.tokenMAC(signed))
}

func (s *Server) tokenMAC(signed string) []byte {
	mac := hmac.New(sha256.New, s.secret)
	mac.Write([]byte(signed))
	return mac.Sum(nil)
}

// verifyToken returns the claims of a genuine, unexpired token.
func (s *Server) verifyToken(tok string) (tokenClaims, error) {
	i := strings.LastIndexByte(tok, '.')
	if i < 0 || !strings.HasPrefix(tok, tokenVersion+".") {
		return tokenClaims{}, errBadToken
	}
	signed, sig := tok[:i], tok[i+1:]
	got, err := tokenEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.tokenMAC(signed)) {
		return tokenClaims{}, errBadToken
	}
	payload, err := tokenEncoding.DecodeString(strings.TrimPrefix(signed, tokenVersion+"."))
	if err != nil {
		return tokenClaims{}, errBadToken
	}
	var c tokenClaims
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil || c.Tenant == "" || !ValidUserID(c.User) || c.KeyGeneration < 1 {
		return tokenClaims{}, errBadToken
	}
	if !s.cfg.Now().Before(time.Unix(c.Expiry, 0)) {
		return tokenClaims{}, errBadToken
	}
	return c, nil
}

// CreateToken issues a user token for the caller.
func (s *Server) CreateToken(ctx context.Context, req chatapi.CreateTokenRequestObject) (chatapi.CreateTokenResponseObject, error) {
	p := principalFrom(ctx)
	ttl := defaultTokenTTL
	if req.Body != nil && req.Body.TtlSeconds != nil {
		ttl = time.Duration(*req.Body.TtlSeconds) * time.Second
	}
	if ttl <= 0 || ttl > maxTokenTTL {
		return nil, invalid("ttl_seconds", "must be 1 to %d", int(maxTokenTTL/time.Second))
	}
	exp := s.cfg.Now().Add(ttl).Truncate(time.Second)
	tok := s.signToken(tokenClaims{Tenant: p.tenant.ID, User: p.userID, Expiry: exp.Unix(), KeyGeneration: p.tenant.KeyGeneration,
		IssuedAt: s.cfg.Now().UnixMilli()})
	return chatapi.CreateToken201JSONResponse{Success: true, Data: chatapi.Token{Token: tok, ExpiresAt: exp.UTC()}}, nil
}
