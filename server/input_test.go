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

// Numbers in free-form objects (meta, metadata, payload) come back as the
// client wrote them, never rounded through float64; a NUL in one of their
// strings is the client's data and is kept.
func TestFreeFormObjectsKeepTheirValues(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	auth := map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice", "Content-Type": "application/json"}
	const obj = `{"big":9007199254740993,"huge":1e400,"neg":-12345678901234567890,"frac":0.10000000000000000001,"nul":"a\u0000b"}`
	wants := []string{`"big":9007199254740993`, `"huge":1e400`, `"neg":-12345678901234567890`, `"frac":0.10000000000000000001`, `"nul":"a\u0000b"`}
	check := func(t *testing.T, what string, raw []byte) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(string(raw), w) {
				t.Errorf("%s lacks %s: %s", what, w, raw)
			}
		}
	}

	status, _, raw := e.raw("POST", "/rooms", auth, `{"type":"group","members":["bob"],"metadata":`+obj+`}`)
	if status != 201 {
		t.Fatalf("create room: %d %s", status, raw)
	}
	check(t, "created room", raw)
	var created struct {
		Data struct {
			RoomID string `json:"room_id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &created); err != nil {
		t.Fatal(err)
	}
	room := created.Data.RoomID
	_, _, raw = e.raw("GET", "/rooms/"+room, auth, "")
	check(t, "room", raw)
	_, _, raw = e.raw("PATCH", "/rooms/"+room, auth, `{"metadata":`+obj+`}`)
	check(t, "updated room", raw)

	status, _, raw = e.raw("POST", "/rooms/"+room+"/messages", auth, `{"content":"x","meta":`+obj+`}`)
	if status != 201 {
		t.Fatalf("send: %d %s", status, raw)
	}
	check(t, "sent message", raw)
	_, _, raw = e.raw("GET", "/rooms/"+room+"/messages", auth, "")
	check(t, "message page", raw)
	_, _, raw = e.raw("GET", "/rooms", auth, "")
	check(t, "room list", raw)

	status, _, raw = e.raw("POST", "/notify", auth, `{"topic":"t","payload":`+obj+`,"targets":{"user_ids":["bob"]}}`)
	if status != 202 {
		t.Fatalf("notify: %d %s", status, raw)
	}
	_, _, raw = e.raw("GET", "/notifications", map[string]string{"X-API-Key": tn.key, "X-User-Id": "bob"}, "")
	check(t, "notifications", raw)
}

// Values that do not fit their field, and repeated parameters, are refused
// with the field named and a message of our own, without Go's error text.
func TestOutOfRangeAndRepeatedInputRefused(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	auth := map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice", "Content-Type": "application/json"}
	admin := map[string]string{"X-Master-Key": testMasterKey, "Content-Type": "application/json"}
	for _, tc := range []struct {
		name, method, path string
		headers            map[string]string
		body, field        string
	}{
		{"seq over int64", "POST", "/acks", auth, `{"room_id":"` + room.RoomId + `","seq":9223372036854775808}`, "seq"},
		{"seq far over int64", "POST", "/acks", auth, `{"room_id":"` + room.RoomId + `","seq":1e19}`, "seq"},
		{"seq beyond float64", "POST", "/acks", auth, `{"room_id":"` + room.RoomId + `","seq":1e400}`, "seq"},
		{"ttl over int", "POST", "/tokens", auth, `{"ttl_seconds":99999999999999999999}`, "ttl_seconds"},
		{"rate limit beyond float64", "POST", "/admin/tenants", admin, `{"name":"x","rate_limit_rps":-1e400}`, "rate_limit_rps"},
		{"repeated limit", "GET", "/rooms?limit=1&limit=2000", auth, "", "limit"},
		{"repeated after_seq", "GET", "/rooms/" + room.RoomId + "/messages?after_seq=1&after_seq=2", auth, "", "after_seq"},
		{"repeated user_ids are one list, still checked", "GET", "/presence?user_ids=a&user_ids=b!", auth, "", "user_ids"},
		{"limit not an integer", "GET", "/rooms?limit=ten", auth, "", "limit"},
		{"offset beyond float64", "GET", "/rooms?offset=1e400", auth, "", "offset"},
		{"after_seq over int64", "GET", "/rooms/" + room.RoomId + "/messages?after_seq=99999999999999999999", auth, "", "after_seq"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, raw := e.raw(tc.method, tc.path, tc.headers, tc.body)
			checkRefusal(t, status, raw, refusal{400, "VALIDATION_ERROR", tc.field})
			checkNoGoText(t, raw)
		})
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

// Media types are case-insensitive and may carry parameters.
func TestJSONMediaTypeSpellings(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	for _, ct := range []string{
		"Application/JSON",
		"application/json; charset=utf-8",
		`APPLICATION/JSON;Charset="UTF-8"`,
	} {
		t.Run(ct, func(t *testing.T) {
			status, _, raw := e.raw("POST", "/rooms/"+room.RoomId+"/messages",
				map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice", "Content-Type": ct}, `{"content":"hi"}`)
			if status != 201 {
				t.Errorf("status = %d, want 201: %s", status, raw)
			}
		})
	}
	t.Run("another charset", func(t *testing.T) {
		status, _, raw := e.raw("POST", "/rooms/"+room.RoomId+"/messages",
			map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice", "Content-Type": "application/json; charset=latin1"}, `{"content":"hi"}`)
		checkRefusal(t, status, raw, refusal{415, "VALIDATION_ERROR", "body"})
	})
}
