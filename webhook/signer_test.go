package webhook_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/chatapi/chatapi/webhook"
)

// The Standard Webhooks specification's test vector (its reference
// libraries test the same one).
const (
	vectorSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorMsgID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTimestamp = 1614265330
	vectorPayload   = `{"test": 2432232314}`
	vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignerSpecVector(t *testing.T) {
	other := webhook.NewSecret()
	otherSigner, err := webhook.NewSigner(other)
	if err != nil {
		t.Fatal(err)
	}
	otherSig, err := otherSigner.Sign(vectorMsgID, time.Unix(vectorTimestamp, 0), []byte(vectorPayload))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		secrets []string
		want    string
	}{
		{"one secret", []string{vectorSecret}, vectorSignature},
		{"rotation overlap: new then old", []string{other, vectorSecret}, otherSig + " " + vectorSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := webhook.NewSigner(tt.secrets...)
			if err != nil {
				t.Fatal(err)
			}
			h := http.Header{}
			if err := s.SetHeaders(h, vectorMsgID, time.Unix(vectorTimestamp, 0), []byte(vectorPayload)); err != nil {
				t.Fatal(err)
			}
			if got := h.Get(webhook.HeaderSignature); got != tt.want {
				t.Errorf("webhook-signature = %q, want %q", got, tt.want)
			}
			if got := h.Get(webhook.HeaderTimestamp); got != "1614265330" {
				t.Errorf("webhook-timestamp = %q", got)
			}
			if got := h.Get(webhook.HeaderID); got != vectorMsgID {
				t.Errorf("webhook-id = %q", got)
			}
			// A receiver holding any one of the secrets verifies.
			for _, secret := range tt.secrets {
				v, err := standardwebhooks.NewWebhook(secret)
				if err != nil {
					t.Fatal(err)
				}
				if err := v.VerifyIgnoringTimestamp([]byte(vectorPayload), h); err != nil {
					t.Errorf("verify with one of the secrets: %v", err)
				}
			}
		})
	}
}

func TestNewSecret(t *testing.T) {
	a, b := webhook.NewSecret(), webhook.NewSecret()
	if a == b || !strings.HasPrefix(a, "whsec_") {
		t.Fatalf("secrets %q, %q", a, b)
	}
	if _, err := standardwebhooks.NewWebhook(a); err != nil {
		t.Fatalf("the libraries cannot read %q: %v", a, err)
	}
	for _, bad := range [][]string{nil, {"nope"}, {"whsec_!!"}} {
		if _, err := webhook.NewSigner(bad...); err == nil {
			t.Errorf("NewSigner(%q) = nil error", bad)
		}
	}
}
