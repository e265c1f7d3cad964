package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/chatapi/chatapi/gen/chatclient"
	"github.com/chatapi/chatapi/purge"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/storage"
	"github.com/chatapi/chatapi/store"
)

// fastChecks is a hub whose credential checks (and so its flushes of
// connection peaks and its closes of deleted users) run every 50 ms.
var fastChecks = realtime.Config{CredentialCheckInterval: 50 * time.Millisecond}

// purgeNow runs the background purge to the end, as cmd/chatapi's runner
// does after a deletion.
func (e *env) purgeNow(t *testing.T) {
	t.Helper()
	if err := purge.New(e.store, e.files, e.pub, purge.Config{}).RunOnce(context.Background()); err != nil {
		t.Fatalf("purge: %v", err)
	}
}

// wsByToken opens a WebSocket with a user token.
func (e *env) wsByToken(t *testing.T, ctx context.Context, token string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.url, "http")+"/ws?token="+url.QueryEscape(token), nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = c.CloseNow() })
	return c
}

// closedWith reads c until it is closed and returns the close code.
func closedWith(ctx context.Context, c *websocket.Conn) websocket.StatusCode {
	for {
		if _, _, err := c.Read(ctx); err != nil {
			return websocket.CloseStatus(err)
		}
	}
}

func TestTenantAdministration(t *testing.T) {
	e := newEnvWith(t, envOptions{hub: realHub(t, fastChecks)})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tn, other := e.newTenant("acme", 1000), e.newTenant("other", 1000)
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	tn.send("alice", room.RoomId, "one")
	tn.send("bob", room.RoomId, "two")
	up := tn.upload(t, "alice", room.RoomId, "a.txt", "text/plain", []byte("hello file"))
	otherRoom := other.createRoom("carol", chatclient.RoomTypeGroup)
	otherUp := other.upload(t, "carol", otherRoom.RoomId, "b.txt", "text/plain", []byte("other file"))
	token := tn.token("alice")
	conn := e.wsByToken(t, ctx, token)

	// The hub records the connection's peak at its next check.
	var usage chatclient.TenantUsage
	// From the store's clock's start (its messages) to the server's today
	// (its activity and the hub's peaks).
	span := &chatclient.GetTenantUsageParams{From: &openapi_types.Date{Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		To: &openapi_types.Date{Time: e.now().UTC()}}
	for deadline := time.Now().Add(5 * time.Second); ; {
		r, err := e.admin().GetTenantUsageWithResponse(ctx, tn.id, span)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("usage: %v %s", err, bodyOf(r))
		}
		usage = r.JSON200.Data
		if usage.PeakConnections >= 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	today := e.now().UTC().Format(time.DateOnly)
	if usage.Messages != 2 || usage.StorageBytes != int64(len("hello file")) || usage.PeakConnections != 1 ||
		len(usage.DailyActiveUsers) != 1 || usage.DailyActiveUsers[0].Count != 2 || usage.DailyActiveUsers[0].Date.Format(time.DateOnly) != today ||
		len(usage.MonthlyActiveUsers) != 1 || usage.MonthlyActiveUsers[0].Count != 2 || usage.WebhookDeliveries != 0 {
		t.Errorf("usage: got %+v, want 2 messages, %d bytes, 1 connection, 2 active users today", usage, len("hello file"))
	}

	refusals := []struct {
		name         string
		method, path string
		headers      map[string]string
		status       int
		code, field  string
	}{
		{"detail without the master key", "GET", "/admin/tenants/" + tn.id, nil, 401, "AUTHENTICATION_ERROR", ""},
		{"detail with a tenant key", "GET", "/admin/tenants/" + tn.id, map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice"}, 401, "AUTHENTICATION_ERROR", ""},
		{"unknown tenant", "GET", "/admin/tenants/tn_missing", master, 404, "NOT_FOUND", ""},
		{"usage of an unknown tenant", "GET", "/admin/tenants/tn_missing/usage", master, 404, "NOT_FOUND", ""},
		{"usage with a bad date", "GET", "/admin/tenants/" + tn.id + "/usage?from=yesterday", master, 400, "VALIDATION_ERROR", "from"},
		{"delete without the master key", "DELETE", "/admin/tenants/" + tn.id, nil, 401, "AUTHENTICATION_ERROR", ""},
		{"delete an unknown tenant", "DELETE", "/admin/tenants/tn_missing", master, 404, "NOT_FOUND", ""},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := e.raw(tt.method, tt.path, tt.headers, "")
			checkRefusal(t, status, body, refusal{tt.status, tt.code, tt.field})
		})
	}
	if status, _, body := e.raw("GET", "/admin/tenants/"+tn.id+"/usage?from=2026-02-02&to=2026-02-01", master, ""); status != 200 || !strings.Contains(string(body), `"messages":0`) {
		t.Errorf("usage of a span with from after to: %d %s, want 200 and nothing", status, body)
	}
	if r, err := e.admin().GetTenantWithResponse(ctx, tn.id); err != nil || r.JSON200 == nil || r.JSON200.Data.Name != "acme" {
		t.Fatalf("GET tenant: %v %s", err, bodyOf(r))
	}

	before, err := e.store.TenantRows(ctx, other.id)
	if err != nil {
		t.Fatalf("TenantRows: %v", err)
	}
	del, err := e.admin().DeleteTenantWithResponse(ctx, tn.id)
	if err != nil || del.JSON202 == nil || del.JSON202.Data.Status != chatclient.TenantDeletionStatusPurging {
		t.Fatalf("DELETE tenant: %v %s", err, bodyOf(del))
	}
	// Refused at once, before the purge ran.
	if code := closedWith(ctx, conn); code != websocket.StatusPolicyViolation {
		t.Errorf("the tenant's WebSocket closed with %d, want 1008", code)
	}
	after := []struct {
		name    string
		method  string
		path    string
		headers map[string]string
		status  int
	}{
		{"its key", "GET", "/rooms", map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice"}, 401},
		{"its token", "GET", "/rooms", map[string]string{"Authorization": "Bearer " + token}, 401},
		{"its detail", "GET", "/admin/tenants/" + tn.id, master, 404},
		{"its usage", "GET", "/admin/tenants/" + tn.id + "/usage", master, 404},
		{"a WebSocket", "GET", "/ws?token=" + url.QueryEscape(token), nil, 401},
		{"deleting it again while it is purged", "DELETE", "/admin/tenants/" + tn.id, master, 202},
		{"another tenant", "GET", "/rooms", map[string]string{"X-API-Key": other.key, "X-User-Id": "carol"}, 200},
	}
	for _, tt := range after {
		t.Run("after the deletion/"+tt.name, func(t *testing.T) {
			if status, _, body := e.raw(tt.method, tt.path, tt.headers, ""); status != tt.status {
				t.Errorf("%s %s: got %d %s, want %d", tt.method, tt.path, status, body, tt.status)
			}
		})
	}
	if r, _ := e.admin().ListTenantsWithResponse(ctx); r.JSON200 == nil || len(r.JSON200.Data) != 1 || r.JSON200.Data[0].TenantId != other.id {
		t.Errorf("tenants listed after the deletion: %s", bodyOf(r))
	}

	e.purgeNow(t)
	left, err := e.store.TenantRows(ctx, tn.id)
	if err != nil {
		t.Fatalf("TenantRows: %v", err)
	}
	if len(left) != 0 {
		t.Errorf("rows of the deleted tenant after the purge: %v", left)
	}
	for _, key := range []string{store.UploadKey(tn.id, up.UploadId), store.UploadPutKey(tn.id, up.UploadId)} {
		if _, err := e.files.Stat(ctx, key); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("the deleted tenant's file %s: got %v, want gone", key, err)
		}
	}
	if _, err := e.files.Stat(ctx, store.UploadKey(other.id, otherUp.UploadId)); err != nil {
		t.Errorf("the other tenant's file: %v", err)
	}
	got, err := e.store.TenantRows(ctx, other.id)
	if err != nil {
		t.Fatalf("TenantRows: %v", err)
	}
	for table, n := range before {
		if got[table] < n {
			t.Errorf("the other tenant's rows in %s: got %d, want at least %d", table, got[table], n)
		}
	}
	if status, _, body := e.raw("DELETE", "/admin/tenants/"+tn.id, master, ""); status != 404 {
		t.Errorf("DELETE once purged: got %d %s, want 404", status, body)
	}
}

// master are the headers of the admin operations.
var master = map[string]string{"X-Master-Key": testMasterKey}

// userContent seeds a room where alice wrote "secret" in every way the API
// keeps words (a message with a file, an edited one, a thread reply, a
// quote of hers, a pin, a reaction) and returns the room and the ids of
// her first message and of the parent of the thread.
func userContent(t *testing.T, tn tenant) (room chatclient.Room, first, parent string, up chatclient.Upload) {
	t.Helper()
	ctx := context.Background()
	room = tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	up = tn.upload(t, "alice", room.RoomId, "secret.txt", "text/plain", []byte("secret file"))
	r, err := tn.as("alice").SendMessageWithResponse(ctx, room.RoomId, chatclient.SendMessageRequest{Content: "secret one", Attachments: &[]string{up.UploadId}})
	if err != nil || r.JSON201 == nil {
		t.Fatalf("send: %v %s", err, bodyOf(r))
	}
	first = r.JSON201.Data.MessageId
	edited := tn.send("alice", room.RoomId, "secret two")
	content := "secret edited"
	if r, err := tn.as("alice").UpdateMessageWithResponse(ctx, room.RoomId, edited.MessageId, chatclient.UpdateMessageRequest{Content: &content}); err != nil || r.JSON200 == nil {
		t.Fatalf("edit: %v %s", err, bodyOf(r))
	}
	p := tn.send("bob", room.RoomId, "a thread")
	parent = p.MessageId
	if r, err := tn.as("alice").SendMessageWithResponse(ctx, room.RoomId, chatclient.SendMessageRequest{Content: "secret reply", ParentId: &parent}); err != nil || r.JSON201 == nil {
		t.Fatalf("reply: %v %s", err, bodyOf(r))
	}
	if r, err := tn.as("bob").SendMessageWithResponse(ctx, room.RoomId, chatclient.SendMessageRequest{Content: "quoting", QuotedId: &first}); err != nil || r.JSON201 == nil {
		t.Fatalf("quote: %v %s", err, bodyOf(r))
	}
	if r, err := tn.as("alice").AddPinWithResponse(ctx, room.RoomId, first); err != nil || r.StatusCode() >= 300 {
		t.Fatalf("pin: %v %s", err, bodyOf(r))
	}
	if r, err := tn.as("alice").AddReactionWithResponse(ctx, room.RoomId, parent, "like"); err != nil || r.StatusCode() >= 300 {
		t.Fatalf("react: %v %s", err, bodyOf(r))
	}
	return room, first, parent, up
}

func TestDeleteUser(t *testing.T) {
	tests := []struct {
		mode chatclient.DeleteUserParamsMessages
		// secretLeft: alice's words are still readable (under whom).
		secretLeft bool
		sender     string
	}{
		{chatclient.DeleteUserParamsMessagesKeep, true, "alice"},
		{chatclient.DeleteUserParamsMessagesAnonymize, true, store.DeletedUserID},
		{chatclient.DeleteUserParamsMessagesDelete, false, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			e := newEnvWith(t, envOptions{hub: realHub(t, fastChecks)})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			tn := e.newTenant("acme", 1000)
			room, first, parent, up := userContent(t, tn)
			token := tn.token("alice")
			conn := e.wsByToken(t, ctx, token)

			refusals := []struct {
				name    string
				path    string
				headers map[string]string
				want    refusal
			}{
				{"by a user token", "/users/alice?messages=delete", map[string]string{"Authorization": "Bearer " + token}, refusal{403, "AUTHORIZATION_ERROR", "Authorization"}},
				{"without messages", "/users/alice", map[string]string{"X-API-Key": tn.key, "X-User-Id": "backend"}, refusal{400, "VALIDATION_ERROR", "messages"}},
				{"with another option", "/users/alice?messages=shred", map[string]string{"X-API-Key": tn.key, "X-User-Id": "backend"}, refusal{400, "VALIDATION_ERROR", "messages"}},
			}
			for _, r := range refusals {
				t.Run(r.name, func(t *testing.T) {
					status, _, body := e.raw("DELETE", r.path, r.headers, "")
					checkRefusal(t, status, body, r.want)
				})
			}

			d, err := tn.as("backend").DeleteUserWithResponse(ctx, "alice", &chatclient.DeleteUserParams{Messages: tt.mode})
			if err != nil || d.JSON202 == nil || d.JSON202.Data.Messages != chatclient.UserDeletionMessages(tt.mode) {
				t.Fatalf("DELETE user: %v %s", err, bodyOf(d))
			}
			// At once: her token and her WebSocket.
			if status, _, body := e.raw("GET", "/rooms", map[string]string{"Authorization": "Bearer " + token}, ""); status != 401 {
				t.Errorf("her token after the deletion: got %d %s, want 401", status, body)
			}
			if code := closedWith(ctx, conn); code != websocket.StatusPolicyViolation {
				t.Errorf("her WebSocket closed with %d, want 1008", code)
			}

			e.purgeNow(t)
			bob := map[string]string{"X-API-Key": tn.key, "X-User-Id": "bob"}
			reads := []string{
				"/rooms/" + room.RoomId + "/messages",
				"/rooms/" + room.RoomId + "/events",
				"/sync",
				"/search/messages?q=secret",
				"/rooms/" + room.RoomId + "/messages/" + parent + "/replies",
				"/rooms/" + room.RoomId + "/pins",
				"/rooms/" + room.RoomId + "/members",
				"/users/alice/export",
			}
			for _, path := range reads {
				status, _, body := e.raw("GET", path, bob, "")
				if status != 200 {
					t.Errorf("GET %s: %d %s", path, status, body)
					continue
				}
				if !tt.secretLeft && strings.Contains(string(body), "secret") {
					t.Errorf("GET %s still shows alice's words: %s", path, body)
				}
				if tt.mode != chatclient.DeleteUserParamsMessagesKeep && strings.Contains(string(body), `"sender_id":"alice"`) {
					t.Errorf("GET %s still names alice as a sender: %s", path, body)
				}
			}
			status, _, body := e.raw("GET", "/rooms/"+room.RoomId+"/messages", bob, "")
			if tt.secretLeft && (status != 200 || !strings.Contains(string(body), `"content":"secret one"`) || !strings.Contains(string(body), `"sender_id":"`+tt.sender+`"`) || strings.Contains(string(body), "secret.txt")) {
				t.Errorf("alice's message under %s: %s", tt.sender, body)
			}
			if status, _, body := e.raw("GET", "/rooms/"+room.RoomId+"/members", bob, ""); status != 200 || strings.Contains(string(body), `"alice"`) {
				t.Errorf("members after the deletion: %d %s", status, body)
			}
			if _, err := e.files.Stat(ctx, store.UploadKey(tn.id, up.UploadId)); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("her file: got %v, want gone", err)
			}
			var export struct {
				Data chatclient.UserExport `json:"data"`
			}
			_, _, body = e.raw("GET", "/users/alice/export", bob, "")
			if err := json.Unmarshal(body, &export); err != nil {
				t.Fatalf("export: %v %s", err, body)
			}
			wantMessages := 0
			if tt.mode == chatclient.DeleteUserParamsMessagesKeep {
				wantMessages = 3
			}
			if ex := export.Data; len(ex.Memberships)+len(ex.Reactions)+len(ex.Uploads) != 0 || len(ex.Messages) != wantMessages {
				t.Errorf("what is left of alice: %s", body)
			}
			_ = first
			// The id is free again: a new alice is a new user.
			tn.send("bob", room.RoomId, "still here")
			if status, _, body := e.raw("GET", "/rooms", map[string]string{"Authorization": "Bearer " + tn.token("alice")}, ""); status != 200 {
				t.Errorf("a token issued after the deletion: %d %s", status, body)
			}
		})
	}
}

func TestExportUser(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tn := e.newTenant("acme", 100000)
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	up := tn.upload(t, "alice", room.RoomId, "a.txt", "text/plain", []byte("hello file"))
	name := "Alice"
	if r, err := tn.as("alice").PatchUserWithResponse(ctx, "alice", chatclient.UserProfileRequest{DisplayName: &name}); err != nil || r.JSON200 == nil {
		t.Fatalf("profile: %v %s", err, bodyOf(r))
	}
	const many = 3000
	// Stored directly: through the API this many sends would take the
	// test's time for nothing the export does not read the same way.
	for i := range many {
		if _, _, err := e.store.SendMessage(ctx, tn.id, "alice", room.RoomId, store.NewMessage{Content: strings.Repeat("x", 200) + " " + string(rune('a'+i%26))}); err != nil {
			t.Fatalf("send: %v", err)
		}
	}
	bobs := tn.send("bob", room.RoomId, "bob's")
	if r, err := tn.as("alice").AddReactionWithResponse(ctx, room.RoomId, bobs.MessageId, "like"); err != nil || r.StatusCode() >= 300 {
		t.Fatalf("react: %v %s", err, bodyOf(r))
	}
	if r, err := tn.as("alice").CreateSubscriptionWithResponse(ctx, chatclient.SubscriptionRequest{Topic: "orders"}); err != nil || r.StatusCode() >= 300 {
		t.Fatalf("subscribe: %v %s", err, bodyOf(r))
	}

	req, _ := http.NewRequest("GET", e.url+"/users/alice/export", nil)
	req.Header.Set("X-API-Key", tn.key)
	req.Header.Set("X-User-Id", "backend")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	defer resp.Body.Close()
	// Streamed: no length known in advance.
	if resp.StatusCode != 200 || resp.ContentLength != -1 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("export: %d, length %d, %s", resp.StatusCode, resp.ContentLength, resp.Header.Get("Content-Type"))
	}
	var got chatclient.UserExportResponse
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatalf("decode export: %v", err)
	}
	ex := got.Data
	checks := []struct {
		name string
		ok   bool
	}{
		{"envelope", got.Success && got.Error == nil},
		{"user", ex.UserId == "alice"},
		{"profile", ex.Profile.DisplayName == "Alice"},
		{"memberships", len(ex.Memberships) == 1 && ex.Memberships[0].RoomId == room.RoomId && ex.Memberships[0].Role == chatclient.ExportMembershipRoleAdmin},
		{"messages", len(ex.Messages) == many && ex.Messages[0].Seq == 1 && ex.Messages[many-1].Seq == many},
		{"reactions", len(ex.Reactions) == 1 && ex.Reactions[0].MessageId == bobs.MessageId && ex.Reactions[0].Type == "like"},
		{"subscriptions", len(ex.Subscriptions) == 1 && ex.Subscriptions[0].Topic == "orders"},
		{"uploads with links", len(ex.Uploads) == 1 && ex.Uploads[0].UploadId == up.UploadId && ex.Uploads[0].Url != nil},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("export %s: got %+v", c.name, ex)
		}
	}
	if ex.Uploads != nil && len(ex.Uploads) == 1 {
		if code, body := fetch(t, *ex.Uploads[0].Url); code != 200 || string(body) != "hello file" {
			t.Errorf("the export's upload link: %d %q", code, body)
		}
	}
	// A user never seen has an empty export, not 404.
	r, err := tn.as("backend").ExportUserWithResponse(ctx, "nobody")
	if err != nil || r.JSON200 == nil || len(r.JSON200.Data.Messages) != 0 || r.JSON200.Data.Profile.UserId != "nobody" {
		t.Errorf("export of a user never seen: %v %s", err, bodyOf(r))
	}
	if status, _, body := e.raw("GET", "/users/alice/export", map[string]string{"Authorization": "Bearer " + tn.token("alice")}, ""); status != 403 {
		t.Errorf("export by a user token: %d %s, want 403", status, body)
	}
}

// A deletion through one instance closes the connections of another on
// the same database, at its next credential check.
func TestDeletionsCloseOtherInstancesConnections(t *testing.T) {
	db := filepath.Join(t.TempDir(), "shared.db")
	e1 := newEnvWith(t, envOptions{hub: realHub(t, fastChecks), databaseURL: db})
	e2 := newEnvWith(t, envOptions{hub: realHub(t, fastChecks), databaseURL: db})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tn := e1.newTenant("acme", 1000)
	tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	alice := e2.wsByToken(t, ctx, tn.token("alice"))
	bob := e2.wsByToken(t, ctx, tn.token("bob"))

	steps := []struct {
		name   string
		delete func() int
		closed *websocket.Conn
	}{
		{"user", func() int {
			r, err := tn.as("backend").DeleteUserWithResponse(ctx, "alice", &chatclient.DeleteUserParams{Messages: chatclient.DeleteUserParamsMessagesKeep})
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode()
		}, alice},
		{"tenant", func() int {
			r, err := e1.admin().DeleteTenantWithResponse(ctx, tn.id)
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode()
		}, bob},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if code := s.delete(); code != http.StatusAccepted {
				t.Fatalf("DELETE: %d, want 202", code)
			}
			start := time.Now()
			if code := closedWith(ctx, s.closed); code != websocket.StatusPolicyViolation {
				t.Errorf("the other instance's connection closed with %d, want 1008", code)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("closed after %v", d)
			}
		})
	}
}
