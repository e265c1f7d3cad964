package webhook

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// Sealer seals signing secrets for the database (AES-GCM under a key
// derived from the server's seal key), each bound to its tenant, so that
// a row copied to another tenant does not open. Webhook endpoints and the
// before-send hook keep their secrets sealed by it.
type Sealer struct{ aead cipher.AEAD }

// NewSealer returns the Sealer of key (WEBHOOK_SECRET_KEY, or one derived
// from the master key).
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) == 0 {
		return nil, errors.New("webhook: no seal key")
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("chatapi webhook secrets v1"))
	block, err := aes.NewCipher(mac.Sum(nil))
	if err != nil {
		return nil, fmt.Errorf("webhook: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("webhook: %w", err)
	}
	return &Sealer{aead: aead}, nil
}

// Seal seals a tenant's secret.
func (s *Sealer) Seal(tenantID, secret string) []byte {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(secret)+s.aead.Overhead())
	_, _ = rand.Read(nonce) // never fails since Go 1.24
	return s.aead.Seal(nonce, nonce, []byte(secret), []byte(tenantID))
}

// Open opens what Seal sealed for the same tenant.
func (s *Sealer) Open(tenantID string, sealed []byte) (string, error) {
	if len(sealed) < s.aead.NonceSize() {
		return "", errors.New("sealed secret: too short")
	}
	b, err := s.aead.Open(nil, sealed[:s.aead.NonceSize()], sealed[s.aead.NonceSize():], []byte(tenantID))
	if err != nil {
		return "", fmt.Errorf("sealed secret: %w", err)
	}
	return string(b), nil
}
