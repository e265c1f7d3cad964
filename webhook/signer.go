// Package webhook delivers a tenant's events to its HTTP endpoints the
// Standard Webhooks way (https://www.standardwebhooks.com): signed, retried
// with backoff over a window, from a queue kept in the database. Its Signer
// also signs the before-send hook's requests.
package webhook

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// The Standard Webhooks headers of a signed request.
const (
	HeaderID        = standardwebhooks.HeaderWebhookID
	HeaderTimestamp = standardwebhooks.HeaderWebhookTimestamp
	HeaderSignature = standardwebhooks.HeaderWebhookSignature
)

// SecretPrefix starts every signing secret.
const SecretPrefix = "whsec_"

// secretBytes is the length of a secret's key: 256 bits, HMAC-SHA256's
// block-independent strength.
const secretBytes = 32

// NewSecret returns a fresh signing secret: SecretPrefix and the base64 of
// secretBytes random bytes, the form every Standard Webhooks library reads.
func NewSecret() string {
	var key [secretBytes]byte
	_, _ = rand.Read(key[:]) // never fails since Go 1.24
	return SecretPrefix + base64.StdEncoding.EncodeToString(key[:])
}

// Signer signs requests with one secret, or two while a rotated-out secret
// still signs (a rotation's overlap): each gives one "v1,<base64>" entry of
// webhook-signature, so a receiver holding either verifies.
type Signer struct {
	keys []*standardwebhooks.Webhook
}

// NewSigner returns a Signer of secrets (each "whsec_<base64>"); at least
// one is needed.
func NewSigner(secrets ...string) (*Signer, error) {
	if len(secrets) == 0 {
		return nil, errors.New("webhook signer: no secret")
	}
	s := &Signer{keys: make([]*standardwebhooks.Webhook, 0, len(secrets))}
	for _, secret := range secrets {
		if !strings.HasPrefix(secret, SecretPrefix) {
			return nil, fmt.Errorf("webhook signer: a secret must start with %s", SecretPrefix)
		}
		k, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			return nil, fmt.Errorf("webhook signer: %w", err)
		}
		s.keys = append(s.keys, k)
	}
	return s, nil
}

// Sign returns the value of webhook-signature for the message msgID sent
// at ts with body payload: "v1,<sig>" per secret, separated by spaces.
func (s *Signer) Sign(msgID string, ts time.Time, payload []byte) (string, error) {
	sigs := make([]string, 0, len(s.keys))
	for _, k := range s.keys {
		sig, err := k.Sign(msgID, ts, payload)
		if err != nil {
			return "", fmt.Errorf("webhook sign: %w", err)
		}
		sigs = append(sigs, sig)
	}
	return strings.Join(sigs, " "), nil
}

// SetHeaders signs payload as the message msgID sent at ts and sets the
// three Standard Webhooks headers on h.
func (s *Signer) SetHeaders(h http.Header, msgID string, ts time.Time, payload []byte) error {
	sig, err := s.Sign(msgID, ts, payload)
	if err != nil {
		return err
	}
	h.Set(HeaderID, msgID)
	h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderSignature, sig)
	return nil
}
