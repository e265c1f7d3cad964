package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/gen/chatclient"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

func TestNotifyTargets(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	ctx := context.Background()
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob", "carol")
	tn.createRoom("eve", chatclient.RoomTypeGroup) // alice is not in eve's rooms
	for _, u := range []string{"dave", "erin", "alice"} {
		if r, err := tn.as(u).CreateSubscriptionWithResponse(ctx, chatclient.SubscriptionRequest{Topic: "orders.shipped"}); err != nil || r.StatusCode() != 201 {
			t.Fatalf("subscribe %s: %v %s", u, err, bodyOf(r))
		}
	}
	yes := true
	for _, tc := range []struct {
		name    string
		targets chatclient.NotifyTargets
		want    []string
	}{
		{"user ids", chatclient.NotifyTargets{UserIds: &[]string{"zoe", "yan"}}, []string{"yan", "zoe"}},
		{"room members, not the sender", chatclient.NotifyTargets{RoomId: &room.RoomId}, []string{"bob", "carol"}},
		{"topic subscribers, not the sender", chatclient.NotifyTargets{TopicSubscribers: &yes}, []string{"dave", "erin"}},
		{"all, deduplicated", chatclient.NotifyTargets{UserIds: &[]string{"bob", "dave", "alice"}, RoomId: &room.RoomId, TopicSubscribers: &yes},
			[]string{"alice", "bob", "carol", "dave", "erin"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(e.events.Events())
			r, err := tn.as("alice").SendNotificationWithResponse(ctx, nil, chatclient.NotifyRequest{
				Topic: "orders.shipped", Payload: chatclient.NotificationPayload{"order": tc.name}, Targets: tc.targets,
			})
			if err != nil || r.JSON202 == nil {
				t.Fatalf("notify: %v %s", err, bodyOf(r))
			}
			if r.JSON202.Data.Recipients != len(tc.want) || !strings.HasPrefix(r.JSON202.Data.NotificationId, "ntf_") {
				t.Errorf("result = %+v, want %d recipients", r.JSON202.Data, len(tc.want))
			}
			evs := e.events.Events()[before:]
			if len(evs) != 1 || evs[0].Type != event.Notification || fmt.Sprint(evs[0].Recipients) != fmt.Sprint(tc.want) ||
				evs[0].Notification == nil || evs[0].Notification.ID != r.JSON202.Data.NotificationId {
				t.Errorf("events = %+v, want one notification for %v", evs, tc.want)
			}
			// Each recipient has it pending.
			for _, u := range tc.want {
				if !pendingHas(t, tn, u, r.JSON202.Data.NotificationId) {
					t.Errorf("%s does not have it pending", u)
				}
			}
		})
	}

	bad := e.newTenant("other", 100000)
	badRoom := bad.createRoom("alice", chatclient.RoomTypeGroup)
	eveRoom := tn.createRoom("eve", chatclient.RoomTypeGroup)
	auth := map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice", "Content-Type": "application/json"}
	for _, tc := range []struct {
		name string
		body string
		want refusal
	}{
		{"no targets", `{"topic":"t","payload":{},"targets":{}}`, refusal{400, "VALIDATION_ERROR", "targets"}},
		{"only topic_subscribers false", `{"topic":"t","payload":{},"targets":{"topic_subscribers":false}}`, refusal{400, "VALIDATION_ERROR", "targets"}},
		{"bad topic", `{"topic":"Bad Topic","payload":{},"targets":{"user_ids":["bob"]}}`, refusal{400, "VALIDATION_ERROR", "topic"}},
		{"payload not an object", `{"topic":"t","payload":[1],"targets":{"user_ids":["bob"]}}`, refusal{400, "VALIDATION_ERROR", "payload"}},
		{"payload over 16 KB", `{"topic":"t","payload":{"k":"` + strings.Repeat("p", 17<<10) + `"},"targets":{"user_ids":["bob"]}}`, refusal{400, "VALIDATION_ERROR", "payload"}},
		{"bad user id", `{"topic":"t","payload":{},"targets":{"user_ids":["a b"]}}`, refusal{400, "VALIDATION_ERROR", "targets.user_ids.0"}},
		{"room of another tenant", `{"topic":"t","payload":{},"targets":{"room_id":"` + badRoom.RoomId + `"}}`, refusal{404, "NOT_FOUND", ""}},
		{"room the sender is not in", `{"topic":"t","payload":{},"targets":{"room_id":"` + eveRoom.RoomId + `"}}`, refusal{403, "AUTHORIZATION_ERROR", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := e.raw("POST", "/notify", auth, tc.body)
			checkRefusal(t, status, body, tc.want)
		})
	}
}

// A user is handed, on connect, the first notification of a tenant whose
// earlier connects found none (which the SQLite store caches): POST /notify
// and a mention must both make the next connect read it.
func TestFirstNotificationOnConnect(t *testing.T) {
	e := newEnvWith(t, envOptions{hub: realHub(t, realtime.Config{})})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, tc := range []struct {
		name  string
		topic string
		// store stores the tenant's first notification, owed to bob.
		store func(t *testing.T, tn tenant, roomID string)
	}{
		{"POST /notify", "orders.shipped", func(t *testing.T, tn tenant, _ string) {
			r, err := tn.as("alice").SendNotificationWithResponse(ctx, nil, chatclient.NotifyRequest{
				Topic: "orders.shipped", Payload: chatclient.NotificationPayload{}, Targets: chatclient.NotifyTargets{UserIds: &[]string{"bob"}},
			})
			if err != nil || r.JSON202 == nil {
				t.Fatalf("notify: %v %s", err, bodyOf(r))
			}
		}},
		{"a mention", "mention", func(t *testing.T, tn tenant, roomID string) {
			r, err := tn.as("alice").SendMessageWithResponse(ctx, roomID, chatclient.SendMessageRequest{Content: "@bob", Mentions: &[]string{"bob"}})
			if err != nil || r.JSON201 == nil {
				t.Fatalf("send: %v %s", err, bodyOf(r))
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tn := e.newTenant("acme", 100000)
			room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
			// Twice: the second connect may find the answer cached.
			for range 2 {
				ws := tn.dial(t, ctx, "bob", "")
				ws.next("sync.complete")
				_ = ws.conn.Close(websocket.StatusNormalClosure, "")
			}
			tc.store(t, tn, room.RoomId)
			ws := tn.dial(t, ctx, "bob", "")
			ev := ws.next("notification", "sync.complete")
			if ev["type"] != "notification" || ev["topic"] != tc.topic {
				t.Errorf("got %v, want the notification on %s before sync.complete", ev, tc.topic)
			}
		})
	}
}

func pendingHas(t *testing.T, tn tenant, user, id string) bool {
	t.Helper()
	r, err := tn.as(user).ListNotificationsWithResponse(context.Background(), nil)
	if err != nil || r.JSON200 == nil {
		t.Fatalf("list notifications: %v %s", err, bodyOf(r))
	}
	for _, n := range r.JSON200.Data {
		if n.NotificationId == id {
			return true
		}
	}
	return false
}

func TestNotificationAck(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	other := e.newTenant("other", 100000)
	ctx := context.Background()
	r, err := tn.as("alice").SendNotificationWithResponse(ctx, nil, chatclient.NotifyRequest{
		Topic: "t", Payload: chatclient.NotificationPayload{"n": 1.0}, Targets: chatclient.NotifyTargets{UserIds: &[]string{"bob"}},
	})
	if err != nil || r.JSON202 == nil {
		t.Fatalf("notify: %v %s", err, bodyOf(r))
	}
	id := r.JSON202.Data.NotificationId
	list, _ := tn.as("bob").ListNotificationsWithResponse(ctx, nil)
	if list == nil || list.JSON200 == nil || len(list.JSON200.Data) != 1 || list.JSON200.Data[0].Payload["n"] != 1.0 ||
		!list.JSON200.Data[0].ExpiresAt.After(list.JSON200.Data[0].CreatedAt.Add(6*24*time.Hour)) {
		t.Fatalf("bob's pending = %s", bodyOf(list))
	}
	for _, tc := range []struct {
		name string
		c    *chatclient.ClientWithResponses
		want refusal
	}{
		{"not a recipient", tn.as("carol"), refusal{404, "NOT_FOUND", ""}},
		{"another tenant", other.as("bob"), refusal{404, "NOT_FOUND", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tc.c.AckNotificationWithResponse(ctx, id)
			refused(t, r, err, tc.want)
		})
	}
	first, err := tn.as("bob").AckNotificationWithResponse(ctx, id)
	if err != nil || first.JSON200 == nil {
		t.Fatalf("ack: %v %s", err, bodyOf(first))
	}
	again, err := tn.as("bob").AckNotificationWithResponse(ctx, id)
	if err != nil || again.JSON200 == nil || !again.JSON200.Data.AckedAt.Equal(first.JSON200.Data.AckedAt) {
		t.Errorf("second ack: %v %s", err, bodyOf(again))
	}
	if pendingHas(t, tn, "bob", id) {
		t.Error("acked notification is still pending")
	}
}

func TestSubscriptions(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	other := e.newTenant("other", 100000)
	ctx := context.Background()
	c := tn.as("alice")
	for _, tc := range []struct {
		topic string
		want  int
	}{{"orders.shipped", 201}, {"alerts", 201}, {"orders.shipped", 200}} {
		r, err := c.CreateSubscriptionWithResponse(ctx, chatclient.SubscriptionRequest{Topic: tc.topic})
		if err != nil || r.StatusCode() != tc.want {
			t.Errorf("subscribe %s: %v %s, want %d", tc.topic, err, bodyOf(r), tc.want)
		}
	}
	status, _, body := e.raw("POST", "/subscriptions", map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice", "Content-Type": "application/json"}, `{"topic":"UPPER"}`)
	checkRefusal(t, status, body, refusal{400, "VALIDATION_ERROR", "topic"})

	topics := func(c *chatclient.ClientWithResponses) string {
		r, err := c.ListSubscriptionsWithResponse(ctx)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("list: %v %s", err, bodyOf(r))
		}
		var out []string
		for _, s := range r.JSON200.Data {
			out = append(out, s.Topic)
		}
		return strings.Join(out, ",")
	}
	if got := topics(c); got != "alerts,orders.shipped" {
		t.Errorf("topics = %q", got)
	}
	if got := topics(other.as("alice")); got != "" {
		t.Errorf("other tenant sees topics %q", got)
	}
	if r, err := c.DeleteSubscriptionWithResponse(ctx, "alerts"); err != nil || r.JSON200 == nil || r.JSON200.Data.Topic != "alerts" {
		t.Errorf("unsubscribe: %v %s", err, bodyOf(r))
	}
	r, err := c.DeleteSubscriptionWithResponse(ctx, "alerts")
	refused(t, r, err, refusal{404, "NOT_FOUND", ""})
	if got := topics(c); got != "orders.shipped" {
		t.Errorf("topics after unsubscribe = %q", got)
	}
}

func TestDeadLetters(t *testing.T) {
	e := newEnv(t)
	a := e.newTenant("a", 100000)
	b := e.newTenant("b", 100000)
	ctx := context.Background()
	at := time.Date(2026, 11, 24, 20, 0, 0, 0, time.UTC)
	for i, tn := range []tenant{a, b} {
		if err := e.store.RecordFailedMessage(ctx, store.FailedMessage{TenantID: tn.id, MessageID: fmt.Sprintf("msg_%d", i), RoomID: "room_x",
			UserID: "bob", Attempts: 5, LastAttemptAt: at, Error: "not acknowledged after 5 attempts"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.store.RecordFailedNotification(ctx, store.FailedNotification{TenantID: a.id, NotificationID: "ntf_1", UserID: "bob",
		Attempts: 5, LastAttemptAt: at, Error: "not acknowledged"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name          string
		params        *chatclient.ListDeadLettersParams
		msgs, notifss int
	}{
		{"all tenants", nil, 2, 1},
		{"one tenant", &chatclient.ListDeadLettersParams{TenantId: &a.id}, 1, 1},
		{"other tenant", &chatclient.ListDeadLettersParams{TenantId: &b.id}, 1, 0},
		{"limit", &chatclient.ListDeadLettersParams{Limit: ptr(1)}, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := e.admin().ListDeadLettersWithResponse(ctx, tc.params)
			if err != nil || r.JSON200 == nil {
				t.Fatalf("list: %v %s", err, bodyOf(r))
			}
			d := r.JSON200.Data
			if len(d.FailedMessages) != tc.msgs || len(d.FailedNotifications) != tc.notifss {
				t.Errorf("got %d messages, %d notifications: %s", len(d.FailedMessages), len(d.FailedNotifications), r.Body)
			}
			for _, f := range d.FailedMessages {
				if f.Attempts != 5 || !f.LastAttemptAt.Equal(at) || f.UserId != "bob" || f.Error == "" {
					t.Errorf("failed message = %+v", f)
				}
			}
		})
	}
	r, err := a.as("bob").ListRoomsWithResponse(ctx, nil)
	if err != nil || r.StatusCode() != 200 {
		t.Fatal(err)
	}
	dl, err := e.client(map[string]string{"X-API-Key": a.key, "X-User-Id": "bob"}).ListDeadLettersWithResponse(ctx, nil)
	refused(t, dl, err, refusal{401, "AUTHENTICATION_ERROR", ""})
}
