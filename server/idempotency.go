package server

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/chatapi/chatapi/store"
)

// Idempotency-Key (SPEC Part 2, "Clients"). The operations whose contract
// declares the header run at most once per key: the first request claims
// the key in the store and records its answer; a repeat with the same
// operation and body replays that answer, marked Idempotent-Replayed; a
// repeat with anything else is 409 CONFLICT on field Idempotency-Key. A
// repeat that arrives while the first still runs waits for its answer, up
// to Config.IdempotencyWait (10 s), then gets 409 as well: concurrent identical requests
// all get the one answer, and a client whose first try is stuck is told so
// rather than left hanging. 5xx answers are not kept (nothing may have been
// done): the claim is released and the next retry runs afresh.

const (
	idempotencyHeader        = "Idempotency-Key"
	idempotentReplayedHeader = "Idempotent-Replayed"
	// idempotencyTTL is how long an answer is replayed (SPEC: 24 h).
	idempotencyTTL = 24 * time.Hour
	// defaultIdempotencyWait is how long a repeat waits for the first
	// request (Config.IdempotencyWait).
	defaultIdempotencyWait = 10 * time.Second
	// idempotencyPollMin and idempotencyPollMax bound the pause between
	// two looks at a pending claim.
	idempotencyPollMin = 5 * time.Millisecond
	idempotencyPollMax = 100 * time.Millisecond
)

// IdempotencyStore keeps the claims and answers of idempotency keys.
type IdempotencyStore interface {
	ClaimIdempotencyKey(ctx context.Context, tenantID, keyHash, fingerprint string, c store.IdempotencyClaim) (store.IdempotencyRecord, bool, error)
	CompleteIdempotencyKey(ctx context.Context, tenantID, keyHash string, status int, body []byte) error
	ReleaseIdempotencyKey(ctx context.Context, tenantID, keyHash string) error
}

var (
	errKeyReused = &apiError{status: http.StatusConflict, code: codeConflict, field: idempotencyHeader,
		message: "this Idempotency-Key was used with another request (another operation or body); use a fresh key for a new request"}
	errKeyInFlight = &apiError{status: http.StatusConflict, code: codeConflict, field: idempotencyHeader,
		message: "the first request with this Idempotency-Key is still running; retry later with the same key"}
)

// idempotent runs an operation that takes an Idempotency-Key at most once
// per key. It sits after authentication and validation: a request refused
// by those claims nothing.
func (s *Server) idempotent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := c.Request().Header.Get(idempotencyHeader)
		if key == "" {
			return next(c)
		}
		ctx := c.Request().Context()
		p := principalFrom(ctx)
		keyHash := s.idempotencyKeyHash(p, key)
		fingerprint, err := requestFingerprint(c)
		if err != nil {
			return err
		}
		claim := store.IdempotencyClaim{TTL: idempotencyTTL, AbandonAfter: max(2*s.cfg.RequestTimeout, time.Minute)}
		deadline := time.Now().Add(s.cfg.IdempotencyWait)
		pause := idempotencyPollMin
		for {
			rec, claimed, err := s.store.ClaimIdempotencyKey(ctx, p.tenant.ID, keyHash, fingerprint, claim)
			if err != nil {
				return err
			}
			if claimed {
				return s.runClaimed(c, next, p.tenant.ID, keyHash, key)
			}
			if rec.Fingerprint != fingerprint {
				return errKeyReused
			}
			if !rec.Pending() {
				body, err := s.openAnswer(key, p, rec.Body)
				if err != nil {
					return err
				}
				c.Response().Header().Set(idempotentReplayedHeader, "true")
				return c.JSONBlob(rec.Status, body)
			}
			// The whole wait, then a last look before giving up.
			left := time.Until(deadline)
			if left <= 0 {
				return errKeyInFlight
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(min(pause, left)):
			}
			pause = min(2*pause, idempotencyPollMax)
		}
	}
}

// runClaimed runs the request that claimed the key and records its answer,
// or releases the claim when there is nothing to replay (a 5xx, a panic).
func (s *Server) runClaimed(c echo.Context, next echo.HandlerFunc, tenantID, keyHash, key string) error {
	// The claim is settled whatever becomes of the request (a client gone
	// away must not leave it pending until it is taken for abandoned).
	ctx := context.WithoutCancel(c.Request().Context())
	settled := false
	defer func() {
		if !settled {
			if err := s.store.ReleaseIdempotencyKey(ctx, tenantID, keyHash); err != nil {
				s.cfg.Logger.Warn("release idempotency key", "request_id", requestID(c), "error", err.Error())
			}
		}
	}()
	res := c.Response()
	tee := &teeWriter{ResponseWriter: res.Writer}
	res.Writer = tee
	err := next(c)
	if err != nil {
		// Written here, not by the error handler on the way out, so that
		// the refusal is the answer recorded.
		c.Error(err)
	}
	res.Writer = tee.ResponseWriter
	if res.Status >= http.StatusInternalServerError || !res.Committed {
		return nil
	}
	sealed, serr := s.sealAnswer(key, principalFrom(c.Request().Context()), tee.buf.Bytes())
	if serr == nil {
		serr = s.store.CompleteIdempotencyKey(ctx, tenantID, keyHash, res.Status, sealed)
	}
	if serr != nil {
		s.cfg.Logger.Warn("record idempotent answer", "request_id", requestID(c), "error", serr.Error())
		return nil
	}
	settled = true
	return nil
}

// teeWriter keeps a copy of the answer it writes.
type teeWriter struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (w *teeWriter) Write(b []byte) (int, error) {
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *teeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// idempotencyKeyHash names a key in the store: an HMAC of the caller (the
// tenant's user, or the master key's scope) and the key, so that keys are
// per caller and the store holds nothing a client sent as it is.
func (s *Server) idempotencyKeyHash(p principal, key string) string {
	mac := hmac.New(sha256.New, s.secret)
	fmt.Fprintf(mac, "idempotency key\x00%s\x00%s\x00%s", p.tenant.ID, p.userID, key)
	return hex.EncodeToString(mac.Sum(nil))
}

// requestFingerprint hashes what must be the same for a repeat: the
// operation (method and route), the path's values and the body as sent.
func requestFingerprint(c echo.Context) (string, error) {
	req := c.Request()
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00", req.Method, c.Path(), req.URL.EscapedPath(), req.URL.RawQuery)
	if req.GetBody != nil { // requireJSON kept the body in memory
		body, err := req.GetBody()
		if err != nil {
			return "", fmt.Errorf("read body again: %w", err)
		}
		defer body.Close()
		if _, err := io.Copy(h, body); err != nil {
			return "", fmt.Errorf("read body again: %w", err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// An answer is kept sealed (AES-256-GCM) under a key derived from the
// server's secret and the client's Idempotency-Key, which the store holds
// only as an HMAC: the answer of POST /admin/tenants carries the new
// tenant's API key, which is otherwise stored only as a hash, and that of
// POST /tokens a user token. Neither can be read from the database alone.
func (s *Server) answerCipher(key string, p principal) (cipher.AEAD, error) {
	mac := hmac.New(sha256.New, s.secret)
	fmt.Fprintf(mac, "idempotent answer\x00%s\x00%s\x00%s", p.tenant.ID, p.userID, key)
	block, err := aes.NewCipher(mac.Sum(nil))
	if err != nil {
		return nil, fmt.Errorf("answer cipher: %w", err)
	}
	return cipher.NewGCM(block)
}

func (s *Server) sealAnswer(key string, p principal, body []byte) ([]byte, error) {
	aead, err := s.answerCipher(key, p)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(body)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal answer: %w", err)
	}
	return aead.Seal(nonce, nonce, body, nil), nil
}

func (s *Server) openAnswer(key string, p principal, sealed []byte) ([]byte, error) {
	aead, err := s.answerCipher(key, p)
	if err != nil {
		return nil, err
	}
	if len(sealed) < aead.NonceSize() {
		return nil, errors.New("open idempotent answer: too short")
	}
	body, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], nil)
	if err != nil {
		return nil, fmt.Errorf("open idempotent answer: %w", err)
	}
	return body, nil
}
