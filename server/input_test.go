package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chatapi/chatapi/gen/chatclient"
	"github.com/chatapi/chatapi/store"
)

// goErrorText are fragments of Go and library error strings that must never
// reach a client's message.
var goErrorText = []string{"json", "Unmarshal", "int64", "float64", "strconv", "reading failed", "Invalid format", "syntax"}

// checkNoGoText fails t when a refusal's message carries Go error text.
func checkNoGoText(t *testing.T, raw []byte) {
	t.Helper()
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil || env.Error == nil {
		t.Fatalf("not an error envelope: %s", raw)
	}
	for _, frag := range goErrorText {
		if strings.Contains(env.Error.Message, frag) {
			t.Errorf("message leaks %q: %s", frag, raw)
		}
	}
}

// Text no database stores alike (a NUL character, other control characters)
// is refused with 400 and the field, wherever it comes in: a body's string,
// a path id, a query id. Content may hold tab, line feed and carriage return.
func TestControlCharactersRefused(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	msg := tn.send("alice", room.RoomId, "first")
	auth := map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice", "Content-Type": "application/json"}
	admin := map[string]string{"X-Master-Key": testMasterKey, "Content-Type": "application/json"}
	messages := "/rooms/" + room.RoomId + "/messages"

	for _, tc := range []struct {
		name, method, path string
		headers            map[string]string
		body, field        string
	}{
		{"NUL in content", "POST", messages, auth, `{"content":"a\u0000b"}`, "content"},
		{"escape in content", "POST", messages, auth, `{"content":"a\u001b[31m"}`, "content"},
		{"form feed in content", "POST", messages, auth, `{"content":"a\fb"}`, "content"},
		{"NUL in an edit", "PATCH", messages + "/" + msg.MessageId, auth, `{"content":"\u0000"}`, "content"},
		{"NUL in client_msg_id", "POST", messages, auth, `{"content":"a","client_msg_id":"c\u0000"}`, "client_msg_id"},
		{"line feed in client_msg_id", "POST", messages, auth, `{"content":"a","client_msg_id":"c\n"}`, "client_msg_id"},
		{"NUL in a room name", "POST", "/rooms", auth, `{"type":"group","name":"a\u0000"}`, "name"},
		{"line feed in a room name", "POST", "/rooms", auth, `{"type":"group","name":"a\nb"}`, "name"},
		{"NUL in a room rename", "PATCH", "/rooms/" + room.RoomId, auth, `{"name":"\u0000"}`, "name"},
		{"NUL in a tenant name", "POST", "/admin/tenants", admin, `{"name":"acme\u0000"}`, "name"},
		{"NUL in a room id path", "GET", "/rooms/room_%00x", auth, "", "room_id"},
		{"NUL in a message id path", "DELETE", messages + "/msg_%00", auth, "", "message_id"},
		{"NUL in a room id body", "POST", "/acks", auth, `{"room_id":"room_\u0000","seq":0}`, "room_id"},
		{"NUL in a notification id path", "POST", "/notifications/ntf_%00/ack", auth, "", "notification_id"},
		{"NUL in a tenant id path", "POST", "/admin/tenants/tn_%00/rotate-key", admin, "", "tenant_id"},
		{"NUL in a tenant id query", "GET", "/admin/dead-letters?tenant_id=tn_%00", admin, "", "tenant_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, raw := e.raw(tc.method, tc.path, tc.headers, tc.body)
			checkRefusal(t, status, raw, refusal{400, "VALIDATION_ERROR", tc.field})
		})
	}
	msgs, err := e.store.ListMessages(context.Background(), tn.id, "alice", room.RoomId, store.MessagePage{})
	if err != nil || len(msgs) != 1 {
		t.Errorf("refused sends were stored: %v %+v", err, msgs)
	}

	t.Run("tab, line feed and carriage return in content", func(t *testing.T) {
		content := "one\r\n\ttwo"
		if got := tn.send("alice", room.RoomId, content); got.Content != content {
			t.Errorf("content = %q, want %q", got.Content, content)
		}
	})
}

// A JSON body is one JSON value in UTF-8: invalid UTF-8 is refused, not
// replaced with U+FFFD, and so is anything after the value.
func TestMalformedBodiesRefused(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	auth := map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice", "Content-Type": "application/json"}
	messages := "/rooms/" + room.RoomId + "/messages"
	for _, tc := range []struct{ name, body string }{
		{"invalid UTF-8 in a string", "{\"content\":\"a\xffb\"}"},
		{"truncated UTF-8 sequence", "{\"content\":\"a\xc3\"}"},
		{"invalid UTF-8 in meta", "{\"content\":\"a\",\"meta\":{\"k\":\"\xed\xa0\x80\"}}"},
		{"text after the value", `{"content":"a"} xyz`},
		{"two values", `{"content":"a"}{"content":"b"}`},
		{"a value after whitespace", "{\"content\":\"a\"}\n\n[]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, raw := e.raw("POST", messages, auth, tc.body)
			checkRefusal(t, status, raw, refusal{400, "VALIDATION_ERROR", "body"})
			checkNoGoText(t, raw)
		})
	}
	t.Run("whitespace after the value", func(t *testing.T) {
		status, _, raw := e.raw("POST", messages, auth, "{\"content\":\"a\"} \r\n\t")
		if status != 201 {
			t.Errorf("status = %d, want 201: %s", status, raw)
		}
	})
	msgs, err := e.store.ListMessages(context.Background(), tn.id, "alice", room.RoomId, store.MessagePage{})
	if err != nil || len(msgs) != 1 {
		t.Errorf("want only the last send stored: %v %+v", err, msgs)
	}
}

// A body over the limit is 413 whether or not its length was declared.
func TestChunkedBodyOverLimit(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	body := `{"type":"group","name":"` + strings.Repeat("x", 70<<10) + `"}`
	// A reader of unknown length makes the client send the body chunked.
	req, err := http.NewRequest("POST", e.url+"/rooms", io.MultiReader(strings.NewReader(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-API-Key", tn.key)
	req.Header.Set("X-User-Id", "alice")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw := readAll(t, resp)
	checkRefusal(t, resp.StatusCode, raw, refusal{413, "VALIDATION_ERROR", "body"})
}
