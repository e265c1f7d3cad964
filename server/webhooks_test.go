package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/chatapi/chatapi/gen/chatclient"
	"github.com/chatapi/chatapi/webhook"
)

// The /webhooks endpoints over HTTP: tenant-level (a user token is 403),
// tenant-isolated (another tenant's endpoint is 404), the secret shown at
// creation and rotation only, private targets refused, and the contract's
// refusals.
func TestWebhookEndpoints(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tn, other := e.newTenant("acme", 0), e.newTenant("globex", 0)
	api := tn.as("ops")
	created, err := api.CreateWebhookWithResponse(ctx, nil, chatclient.CreateWebhookRequest{
		Url: "https://hooks.example.com/chat", Events: chatclient.WebhookEvents{"message", "member.joined"}})
	if err != nil || created.JSON201 == nil {
		t.Fatalf("create: %v %s", err, bodyOf(created))
	}
	w := created.JSON201.Data
	if !strings.HasPrefix(w.Secret, "whsec_") || !w.Active || len(w.Events) != 2 {
		t.Fatalf("created %+v", w)
	}
	if _, err := standardwebhooks.NewWebhook(w.Secret); err != nil {
		t.Errorf("the secret is not a Standard Webhooks secret: %v", err)
	}
	id := w.WebhookId

	t.Run("refusals", func(t *testing.T) {
		bearer := e.bearer(tn.token("ops"))
		tests := []struct {
			name string
			call func() (response, error)
			want refusal
		}{
			{"user token creates", func() (response, error) {
				return bearer.CreateWebhookWithResponse(ctx, nil, chatclient.CreateWebhookRequest{Url: "https://a.example.com/", Events: chatclient.WebhookEvents{"*"}})
			}, refusal{403, "AUTHORIZATION_ERROR", ""}},
			{"user token lists", func() (response, error) { return bearer.ListWebhooksWithResponse(ctx, nil) }, refusal{403, "AUTHORIZATION_ERROR", ""}},
			{"user token reads deliveries", func() (response, error) {
				return bearer.ListWebhookDeliveriesWithResponse(ctx, id, nil)
			}, refusal{403, "AUTHORIZATION_ERROR", ""}},
			{"loopback target", func() (response, error) {
				return api.CreateWebhookWithResponse(ctx, nil, chatclient.CreateWebhookRequest{Url: "http://127.0.0.1:9000/hook", Events: chatclient.WebhookEvents{"*"}})
			}, refusal{400, "VALIDATION_ERROR", "url"}},
			{"metadata service target", func() (response, error) {
				return api.CreateWebhookWithResponse(ctx, nil, chatclient.CreateWebhookRequest{Url: "http://169.254.169.254/latest", Events: chatclient.WebhookEvents{"*"}})
			}, refusal{400, "VALIDATION_ERROR", "url"}},
			{"private target by PATCH", func() (response, error) {
				u := "http://10.0.0.7/hook"
				return api.UpdateWebhookWithResponse(ctx, id, chatclient.UpdateWebhookRequest{Url: &u})
			}, refusal{400, "VALIDATION_ERROR", "url"}},
			{"unknown event type", func() (response, error) {
				return api.CreateWebhookWithResponse(ctx, nil, chatclient.CreateWebhookRequest{Url: "https://a.example.com/", Events: chatclient.WebhookEvents{"message.exploded"}})
			}, refusal{400, "VALIDATION_ERROR", ""}},
			{"no events", func() (response, error) {
				return api.CreateWebhookWithResponse(ctx, nil, chatclient.CreateWebhookRequest{Url: "https://a.example.com/", Events: chatclient.WebhookEvents{}})
			}, refusal{400, "VALIDATION_ERROR", "events"}},
			{"empty PATCH", func() (response, error) {
				return api.UpdateWebhookWithResponse(ctx, id, chatclient.UpdateWebhookRequest{})
			}, refusal{400, "VALIDATION_ERROR", ""}},
			{"other tenant reads", func() (response, error) { return other.as("ops").GetWebhookWithResponse(ctx, id) }, refusal{404, "NOT_FOUND", ""}},
			{"other tenant deletes", func() (response, error) { return other.as("ops").DeleteWebhookWithResponse(ctx, id) }, refusal{404, "NOT_FOUND", ""}},
			{"other tenant rotates", func() (response, error) { return other.as("ops").RotateWebhookSecretWithResponse(ctx, id, nil) }, refusal{404, "NOT_FOUND", ""}},
			{"other tenant replays", func() (response, error) {
				return other.as("ops").ReplayWebhookWithResponse(ctx, id, nil, chatclient.ReplayWebhookRequest{Since: "2026-01-01T00:00:00Z"})
			}, refusal{404, "NOT_FOUND", ""}},
			{"unknown delivery", func() (response, error) {
				return api.RetryWebhookDeliveryWithResponse(ctx, id, "whd_0000000000000000000000000000")
			}, refusal{404, "NOT_FOUND", ""}},
			{"replay since nonsense", func() (response, error) {
				return api.ReplayWebhookWithResponse(ctx, id, nil, chatclient.ReplayWebhookRequest{Since: "last tuesday"})
			}, refusal{400, "VALIDATION_ERROR", "since"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r, err := tt.call()
				refused(t, r, err, tt.want)
			})
		}
	})

	t.Run("read, list, change, rotate, delete", func(t *testing.T) {
		got, err := api.GetWebhookWithResponse(ctx, id)
		if err != nil || got.JSON200 == nil || got.JSON200.Data.Url != w.Url {
			t.Fatalf("get: %v %s", err, bodyOf(got))
		}
		if strings.Contains(string(got.Body), "whsec_") {
			t.Error("GET shows the secret")
		}
		second, err := api.CreateWebhookWithResponse(ctx, nil, chatclient.CreateWebhookRequest{Url: "https://b.example.com/", Events: chatclient.WebhookEvents{"*"}})
		if err != nil || second.JSON201 == nil {
			t.Fatalf("create: %v %s", err, bodyOf(second))
		}
		one := 1
		page, err := api.ListWebhooksWithResponse(ctx, &chatclient.ListWebhooksParams{Limit: &one})
		if err != nil || page.JSON200 == nil || len(page.JSON200.Data.Webhooks) != 1 || !page.JSON200.Data.HasMore || page.JSON200.Data.NextAfter == nil {
			t.Fatalf("first page: %v %s", err, bodyOf(page))
		}
		rest, err := api.ListWebhooksWithResponse(ctx, &chatclient.ListWebhooksParams{After: page.JSON200.Data.NextAfter})
		if err != nil || rest.JSON200 == nil || len(rest.JSON200.Data.Webhooks) != 1 || rest.JSON200.Data.HasMore {
			t.Fatalf("second page: %v %s", err, bodyOf(rest))
		}
		if others, _ := other.as("ops").ListWebhooksWithResponse(ctx, nil); others.JSON200 == nil || len(others.JSON200.Data.Webhooks) != 0 {
			t.Errorf("the other tenant lists: %s", bodyOf(others))
		}
		off, all := false, chatclient.WebhookEvents{"*"}
		changed, err := api.UpdateWebhookWithResponse(ctx, id, chatclient.UpdateWebhookRequest{Active: &off, Events: &all})
		if err != nil || changed.JSON200 == nil || changed.JSON200.Data.Active || len(changed.JSON200.Data.Events) != 1 {
			t.Fatalf("patch: %v %s", err, bodyOf(changed))
		}
		rotated, err := api.RotateWebhookSecretWithResponse(ctx, id, nil)
		if err != nil || rotated.JSON200 == nil {
			t.Fatalf("rotate: %v %s", err, bodyOf(rotated))
		}
		if d := rotated.JSON200.Data; d.Secret == w.Secret || !strings.HasPrefix(d.Secret, "whsec_") || d.PreviousSecretUntil == nil ||
			d.PreviousSecretUntil.Sub(e.now()) < 23*time.Hour {
			t.Errorf("rotated: %+v", d)
		}
		del, err := api.DeleteWebhookWithResponse(ctx, id)
		if err != nil || del.JSON200 == nil || !del.JSON200.Data.Deleted {
			t.Fatalf("delete: %v %s", err, bodyOf(del))
		}
		again, err := api.GetWebhookWithResponse(ctx, id)
		refused(t, again, err, refusal{404, "NOT_FOUND", ""})
	})
}

// A message sent over HTTP reaches a receiver on loopback, signed; the
// delivery log shows it; a retry sends it again; a replay sends the span.
func TestWebhookDeliveryOverHTTP(t *testing.T) {
	e := newEnvWith(t, envOptions{webhooks: &webhook.Config{AllowPrivate: true, PollInterval: 20 * time.Millisecond}})
	ctx := context.Background()
	tn := e.newTenant("acme", 0)
	api := tn.as("ops")

	var mu sync.Mutex
	var secret string
	var bodies []string
	got := make(chan struct{}, 16)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		v, err := standardwebhooks.NewWebhook(secret)
		if err == nil {
			err = v.Verify(body, r.Header)
		}
		if err != nil {
			mu.Unlock()
			t.Errorf("delivery does not verify: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		bodies = append(bodies, string(body))
		mu.Unlock()
		got <- struct{}{}
	}))
	defer rcv.Close()
	created, err := api.CreateWebhookWithResponse(ctx, nil, chatclient.CreateWebhookRequest{Url: rcv.URL + "/hook", Events: chatclient.WebhookEvents{"message"}})
	if err != nil || created.JSON201 == nil {
		t.Fatalf("create: %v %s", err, bodyOf(created))
	}
	mu.Lock()
	secret = created.JSON201.Data.Secret
	mu.Unlock()
	id := created.JSON201.Data.WebhookId
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	if r, err := tn.as("alice").SendMessageWithResponse(ctx, room.RoomId, chatclient.SendMessageRequest{Content: "hello hooks"}); err != nil || r.JSON201 == nil {
		t.Fatalf("send: %v %s", err, bodyOf(r))
	}
	wait := func(n int) {
		t.Helper()
		for range n {
			select {
			case <-got:
			case <-time.After(10 * time.Second):
				t.Fatal("no delivery")
			}
		}
	}
	wait(1)
	mu.Lock()
	if len(bodies) != 1 || !strings.Contains(bodies[0], `"type":"message"`) || !strings.Contains(bodies[0], "hello hooks") ||
		!strings.Contains(bodies[0], room.RoomId) {
		t.Errorf("delivered %v", bodies)
	}
	mu.Unlock()

	var log *chatclient.ListWebhookDeliveriesResponse
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		log, err = api.ListWebhookDeliveriesWithResponse(ctx, id, nil)
		if err != nil || log.JSON200 == nil {
			t.Fatalf("deliveries: %v %s", err, bodyOf(log))
		}
		if ds := log.JSON200.Data.Deliveries; len(ds) == 1 && ds[0].Status == chatclient.WebhookDeliveryStatusSucceeded {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery log: %s", log.Body)
		}
	}
	d := log.JSON200.Data.Deliveries[0]
	if d.Attempts != 1 || len(d.AttemptLog) != 1 || d.ResponseStatus == nil || *d.ResponseStatus != 200 || d.RoomId == nil || *d.RoomId != room.RoomId {
		t.Errorf("delivery %+v", d)
	}
	retried, err := api.RetryWebhookDeliveryWithResponse(ctx, id, d.DeliveryId)
	if err != nil || retried.JSON202 == nil || retried.JSON202.Data.Status != chatclient.WebhookDeliveryStatusPending {
		t.Fatalf("retry: %v %s", err, bodyOf(retried))
	}
	wait(1)
	replayed, err := api.ReplayWebhookWithResponse(ctx, id, nil, chatclient.ReplayWebhookRequest{Since: "2000-01-01T00:00:00Z"})
	if err != nil || replayed.JSON202 == nil || replayed.JSON202.Data.Queued != 1 {
		t.Fatalf("replay: %v %s", err, bodyOf(replayed))
	}
	wait(1)
}
