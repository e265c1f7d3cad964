package webhook_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/chatapi/chatapi/webhook"
)

// README:begin receiver
// chatEvents verifies ChatAPI's deliveries with the secret POST /webhooks
// answered (whsec_…) and hands each event to handle.
func chatEvents(secret string, handle func(typ string, data json.RawMessage)) (http.Handler, error) {
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		return nil, err
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil || wh.Verify(body, r.Header) != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var ev struct {
			Type string          `json:"type"`
			Data json.RawMessage `json:"data"`
		}
		if json.Unmarshal(body, &ev) != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		handle(ev.Type, ev.Data) // r.Header.Get("webhook-id") is the same on every retry: dedupe on it
		w.WriteHeader(http.StatusNoContent)
	}), nil
}

// README:end receiver

// The README's Go receiver verifies a delivery signed as ChatAPI signs.
func Example_receiver() {
	secret := webhook.NewSecret()
	h, err := chatEvents(secret, func(typ string, data json.RawMessage) { fmt.Println(typ, string(data)) })
	if err != nil {
		panic(err)
	}
	body := []byte(`{"type":"message","timestamp":"2026-11-24T20:00:00Z","data":{"room_id":"room_1","event_seq":7}}`)
	signer, _ := webhook.NewSigner(secret)
	for _, tamper := range []bool{false, true} {
		req := httptest.NewRequest(http.MethodPost, "/chat-events", strings.NewReader(string(body)))
		_ = signer.SetHeaders(req.Header, "whd_example", time.Now(), body)
		if tamper {
			req = httptest.NewRequest(http.MethodPost, "/chat-events", strings.NewReader(strings.Replace(string(body), "7", "8", 1)))
			_ = signer.SetHeaders(req.Header, "whd_example", time.Now(), body)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Println(rec.Code)
	}
	// Output:
	// message {"room_id":"room_1","event_seq":7}
	// 204
	// 401
}

// The README shows the receiver above as it is here.
func TestREADMEReceiverIsTested(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "// README:begin receiver\n", "// README:end receiver\n"
	s := string(src)
	code := strings.TrimSpace(s[strings.Index(s, begin)+len(begin) : strings.Index(s, end)])
	if !strings.Contains(string(readme), code) {
		t.Errorf("README.md does not show the tested receiver; put this in its Go example:\n%s", code)
	}
}
