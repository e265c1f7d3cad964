//go:build unix

package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// Bad input gets one answer whichever database holds the data, over REST and
// WebSocket: a NUL character or another control character in text or an id
// is refused with 400 (an error event) naming the field, never a 500 from
// PostgreSQL nor a row on SQLite; a free-form JSON object is the client's
// and comes back as written, an escaped NUL and numbers beyond float64
// included.
func TestBadInputSameOnBothDatabases(t *testing.T) {
	for _, db := range []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "x.db") }},
		{"postgres", func(t *testing.T) string { _, url := newPostgres(t); return url }},
	} {
		t.Run(db.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			p := startServer(t, db.url(t))
			a := newAPI(t, p)
			tn := a.newTenant(t, ctx, "acme", 100000)
			room, err := tn.createRoom(ctx, "alice", "group", []string{"bob"})
			if err != nil {
				t.Fatal(err)
			}
			checkRESTRefusals(t, ctx, a, tn, room)
			checkObjectsKept(t, ctx, p, a, tn, room)
			checkWSRefusal(t, ctx, p, tn, room)
			msgs, err := tn.allMessages(ctx, "alice", room)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range msgs {
				if strings.ContainsRune(m.Content, 0) {
					t.Errorf("a refused message was stored: %+v", m)
				}
			}
		})
	}
}

// rawCall sends body as it is and returns the status and the error's field.
func rawCall(t *testing.T, ctx context.Context, a *api, method, path string, headers map[string]string, body string) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Error *struct {
			Field string `json:"field"`
		} `json:"error"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatalf("%s %s: %d, not JSON: %q", method, path, resp.StatusCode, raw)
	}
	field := ""
	if env.Error != nil {
		field = env.Error.Field
	}
	return resp.StatusCode, field, raw
}

func checkRESTRefusals(t *testing.T, ctx context.Context, a *api, tn tenant, room string) {
	alice := tn.headers("alice")
	admin := map[string]string{"X-Master-Key": masterKey}
	for _, tc := range []struct {
		name, method, path string
		headers            map[string]string
		body, field        string
	}{
		{"NUL in content", "POST", "/rooms/" + room + "/messages", alice, `{"content":"a\u0000b"}`, "content"},
		{"escape in content", "POST", "/rooms/" + room + "/messages", alice, `{"content":"\u001b[2J"}`, "content"},
		{"NUL in client_msg_id", "POST", "/rooms/" + room + "/messages", alice, `{"content":"a","client_msg_id":"\u0000"}`, "client_msg_id"},
		{"NUL in a room name", "POST", "/rooms", alice, `{"type":"group","name":"a\u0000"}`, "name"},
		{"NUL in a tenant name", "POST", "/admin/tenants", admin, `{"name":"a\u0000"}`, "name"},
		{"NUL in a room id", "GET", "/rooms/room_%00", alice, "", "room_id"},
		{"NUL in an ack's room id", "POST", "/acks", alice, `{"room_id":"room_\u0000","seq":0}`, "room_id"},
		{"invalid UTF-8", "POST", "/rooms/" + room + "/messages", alice, "{\"content\":\"a\xffb\"}", "body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, field, raw := rawCall(t, ctx, a, tc.method, tc.path, tc.headers, tc.body)
			if status != 400 || field != tc.field {
				t.Errorf("got %d field %q, want 400 field %q: %s", status, field, tc.field, raw)
			}
		})
	}
}

// bigObject holds what float64 and PostgreSQL's jsonb would change.
const bigObject = `{"big":9007199254740993,"huge":1e400,"nul":"a\u0000b"}`

var bigObjectParts = []string{`"big":9007199254740993`, `"huge":1e400`, `"nul":"a\u0000b"`}

func containsAll(raw []byte, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(string(raw), p) {
			return false
		}
	}
	return true
}

func checkObjectsKept(t *testing.T, ctx context.Context, p *proc, a *api, tn tenant, room string) {
	bob, err := dialWS(ctx, p, tn, "bob", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bob.CloseNow()
	if err := awaitSync(ctx, bob, 100); err != nil {
		t.Fatal(err)
	}
	status, _, raw := rawCall(t, ctx, a, "POST", "/rooms/"+room+"/messages", tn.headers("alice"), `{"content":"x","meta":`+bigObject+`}`)
	if status != 201 || !containsAll(raw, bigObjectParts) {
		t.Errorf("send with meta: %d %s", status, raw)
	}
	if _, _, raw = rawCall(t, ctx, a, "GET", "/rooms/"+room+"/messages", tn.headers("alice"), ""); !containsAll(raw, bigObjectParts) {
		t.Errorf("message page: %s", raw)
	}
	if status, _, raw = rawCall(t, ctx, a, "PATCH", "/rooms/"+room, tn.headers("alice"), `{"metadata":`+bigObject+`}`); status != 200 || !containsAll(raw, bigObjectParts) {
		t.Errorf("room metadata: %d %s", status, raw)
	}
	// bob receives the message as stored.
	if raw, err := nextFrame(ctx, bob, "message"); err != nil || !containsAll(raw, bigObjectParts) {
		t.Errorf("message event: %v %s", err, raw)
	}
}

func checkWSRefusal(t *testing.T, ctx context.Context, p *proc, tn tenant, room string) {
	alice, err := dialWS(ctx, p, tn, "alice", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer alice.CloseNow()
	if err := awaitSync(ctx, alice, 100); err != nil {
		t.Fatal(err)
	}
	frame := fmt.Sprintf(`{"type":"send_message","request_id":"r1","room_id":%q,"content":"a\u0000b"}`, room)
	if err := alice.Write(ctx, websocket.MessageText, []byte(frame)); err != nil {
		t.Fatal(err)
	}
	raw, err := nextFrame(ctx, alice, "error")
	var ev struct{ Code, Field string }
	if err == nil {
		err = json.Unmarshal(raw, &ev)
	}
	if err != nil || ev.Code != "VALIDATION_ERROR" || ev.Field != "content" {
		t.Errorf("send_message with a NUL: %v %s, want a VALIDATION_ERROR on content", err, raw)
	}
}

// nextFrame reads frames until one of type typ, for at most 10 seconds.
func nextFrame(ctx context.Context, c *websocket.Conn, typ string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		ev, raw, err := readEvent(ctx, c)
		if err != nil {
			return raw, err
		}
		if ev.Type == typ {
			return raw, nil
		}
	}
}
