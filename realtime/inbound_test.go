package realtime_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

// want is one frame a case expects: its type and, for errors, code, field
// and the echoed request id.
type want struct {
	typ, code, field, requestID string
}

func TestClientEvents(t *testing.T) {
	// Receipts are flushed on a timer; none falls into these subtests.
	e := newEnv(t, realtime.Config{ReceiptsInterval: time.Hour})
	group := e.room(store.RoomGroup, "alice", "bob")
	channel := e.room(store.RoomChannel, "bob")
	foreign := e.room(store.RoomGroup, "bob", "carol")

	text := func(v string) []byte { return []byte(v) }
	obj := func(kv ...any) []byte {
		var b strings.Builder
		b.WriteString("{")
		for i := 0; i < len(kv); i += 2 {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "%q:%v", kv[i], kv[i+1])
		}
		b.WriteString("}")
		return []byte(b.String())
	}
	q := func(s string) string { return fmt.Sprintf("%q", s) }

	tests := []struct {
		name   string
		binary bool
		frame  []byte
		want   []want
	}{
		{name: "ping", frame: obj("type", q("ping"), "request_id", q("r1")), want: []want{{typ: "pong", requestID: "r1"}}},
		{name: "send_message", frame: obj("type", q("send_message"), "request_id", q("r2"), "room_id", q(group), "content", q("hi"), "meta", `{"type":"text"}`, "client_msg_id", q("c-1")),
			want: []want{{typ: "message.sent", requestID: "r2"}, {typ: "message"}}},
		{name: "ack", frame: obj("type", q("ack"), "room_id", q(group), "seq", 0), want: []want{{typ: "ack.received"}}},
		{name: "delivered", frame: obj("type", q("delivered"), "room_id", q(group), "seq", 0)},
		{name: "typing.start in own room", frame: obj("type", q("typing.start"), "room_id", q(group))},
		{name: "typing.stop in own room", frame: obj("type", q("typing.stop"), "room_id", q(group))},
		{name: "subscribe to a channel", frame: obj("type", q("subscribe"), "room_id", q(channel))},
		{name: "unsubscribe", frame: obj("type", q("unsubscribe"), "room_id", q(channel))},

		{name: "send_message to a room not joined", frame: obj("type", q("send_message"), "request_id", q("r5"), "room_id", q(foreign), "content", q("hi")),
			want: []want{{typ: "error", code: "AUTHORIZATION_ERROR", requestID: "r5"}}},
		// Valid events refused by the state of the room they name: CONFLICT.
		{name: "ack beyond the last seq", frame: obj("type", q("ack"), "room_id", q(group), "seq", 99),
			want: []want{{typ: "error", code: "CONFLICT", field: "seq"}}},
		{name: "delivered beyond the last seq", frame: obj("type", q("delivered"), "request_id", q("r9"), "room_id", q(group), "seq", 99),
			want: []want{{typ: "error", code: "CONFLICT", field: "seq", requestID: "r9"}}},
		{name: "delivered in a room not joined", frame: obj("type", q("delivered"), "room_id", q(foreign), "seq", 0),
			want: []want{{typ: "error", code: "AUTHORIZATION_ERROR"}}},
		{name: "typing in a room not joined", frame: obj("type", q("typing.start"), "room_id", q(foreign)),
			want: []want{{typ: "error", code: "AUTHORIZATION_ERROR"}}},
		{name: "typing in a missing room", frame: obj("type", q("typing.start"), "request_id", q("r9"), "room_id", q("room_missing")),
			want: []want{{typ: "error", code: "NOT_FOUND", requestID: "r9"}}},
		{name: "subscribe to a group", frame: obj("type", q("subscribe"), "room_id", q(group)),
			want: []want{{typ: "error", code: "CONFLICT", field: "room_id"}}},
		{name: "subscribe to a group not joined", frame: obj("type", q("subscribe"), "room_id", q(foreign)),
			want: []want{{typ: "error", code: "AUTHORIZATION_ERROR"}}},
		{name: "subscribe to a missing room", frame: obj("type", q("subscribe"), "room_id", q("room_missing")),
			want: []want{{typ: "error", code: "NOT_FOUND"}}},
		{name: "notification.ack of an unknown notification", frame: obj("type", q("notification.ack"), "request_id", q("r6"), "notification_id", q("ntf_missing")),
			want: []want{{typ: "error", code: "NOT_FOUND", requestID: "r6"}}},

		{name: "not JSON", frame: text(`{"type":`), want: []want{{typ: "error", code: "VALIDATION_ERROR"}}},
		{name: "binary frame", binary: true, frame: text(`{"type":"ping"}`), want: []want{{typ: "error", code: "VALIDATION_ERROR"}}},
		{name: "not an object", frame: text(`["ping"]`), want: []want{{typ: "error", code: "VALIDATION_ERROR"}}},
		{name: "no type", frame: text(`{"request_id":"r7"}`), want: []want{{typ: "error", code: "VALIDATION_ERROR", field: "type", requestID: "r7"}}},
		{name: "unknown type", frame: obj("type", q("dance"), "request_id", q("r3")), want: []want{{typ: "error", code: "VALIDATION_ERROR", field: "type", requestID: "r3"}}},
		{name: "missing field", frame: obj("type", q("send_message"), "request_id", q("r4"), "room_id", q(group)),
			want: []want{{typ: "error", code: "VALIDATION_ERROR", field: "content", requestID: "r4"}}},
		{name: "wrong type", frame: obj("type", q("ack"), "room_id", q(group), "seq", q("one")),
			want: []want{{typ: "error", code: "VALIDATION_ERROR", field: "seq"}}},
		{name: "negative seq", frame: obj("type", q("ack"), "room_id", q(group), "seq", -1),
			want: []want{{typ: "error", code: "VALIDATION_ERROR", field: "seq"}}},
		{name: "extra field", frame: obj("type", q("ping"), "extra", 1), want: []want{{typ: "error", code: "VALIDATION_ERROR", field: "extra"}}},
		{name: "content too long", frame: obj("type", q("send_message"), "room_id", q(group), "content", q(strings.Repeat("x", 4001))),
			want: []want{{typ: "error", code: "VALIDATION_ERROR", field: "content"}}},
		{name: "meta not an object", frame: obj("type", q("send_message"), "room_id", q(group), "content", q("hi"), "meta", "null"),
			want: []want{{typ: "error", code: "VALIDATION_ERROR", field: "meta"}}},
		{name: "NUL in content", frame: obj("type", q("send_message"), "request_id", q("r8"), "room_id", q(group), "content", `"a\u0000b"`),
			want: []want{{typ: "error", code: "VALIDATION_ERROR", field: "content", requestID: "r8"}}},
		{name: "escape character in content", frame: obj("type", q("send_message"), "room_id", q(group), "content", `"\u001b[31mred"`),
			want: []want{{typ: "error", code: "VALIDATION_ERROR", field: "content"}}},
		{name: "NUL in client_msg_id", frame: obj("type", q("send_message"), "room_id", q(group), "content", q("hi"), "client_msg_id", `"c\u0000"`),
			want: []want{{typ: "error", code: "VALIDATION_ERROR", field: "client_msg_id"}}},
		{name: "NUL in room_id", frame: obj("type", q("ack"), "room_id", `"room_\u0000"`, "seq", 0),
			want: []want{{typ: "error", code: "VALIDATION_ERROR", field: "room_id"}}},
		{name: "NUL in notification_id", frame: obj("type", q("notification.ack"), "notification_id", `"ntf_\u0000"`),
			want: []want{{typ: "error", code: "VALIDATION_ERROR", field: "notification_id"}}},
		{name: "text after the event", frame: text(`{"type":"ping"} xyz`), want: []want{{typ: "error", code: "VALIDATION_ERROR"}}},
		{name: "two events in one frame", frame: text(`{"type":"ping"}{"type":"ping"}`), want: []want{{typ: "error", code: "VALIDATION_ERROR"}}},
		{name: "request_id too long is not echoed", frame: obj("type", q("dance"), "request_id", q(strings.Repeat("r", 65))),
			want: []want{{typ: "error", code: "VALIDATION_ERROR", field: "type"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, _ := e.connect("alice")
			typ := websocket.MessageText
			if tt.binary {
				typ = websocket.MessageBinary
			}
			c.sendRaw(typ, tt.frame)
			got := c.until()
			if len(got) != len(tt.want) {
				t.Fatalf("got frames %v, want %d: %v", types(got), len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				f := got[i]
				if f.Type != w.typ || f.str("code") != w.code || f.str("field") != w.field || f.str("request_id") != w.requestID {
					t.Errorf("frame %d: got %s, want %+v", i, f.Raw, w)
				}
			}
			// The connection stays open after any refusal.
			if got := c.until(); len(got) != 0 {
				t.Errorf("after the case: got %v, want nothing", types(got))
			}
		})
	}
}

func TestOversizedFrameCloses1009(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	c, _, _ := e.connect("alice")
	c.sendRaw(websocket.MessageText, []byte(`{"type":"ping","request_id":"`+strings.Repeat("x", 65<<10)+`"}`))
	c.expectClose(websocket.StatusMessageTooBig)
}

// A text frame that is not UTF-8 fails the WebSocket connection with 1007
// (RFC 6455, 8.1) instead of being read with U+FFFD in place of its bytes.
func TestInvalidUTF8Closes1007(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	group := e.room(store.RoomGroup, "alice", "bob")
	c, _, _ := e.connect("alice")
	c.sendRaw(websocket.MessageText, []byte("{\"type\":\"send_message\",\"room_id\":\""+group+"\",\"content\":\"a\xffb\"}"))
	if got := c.expectClose(websocket.StatusInvalidFramePayloadData); len(got) != 0 {
		t.Errorf("got frames %v before the close, want none", types(got))
	}
	msgs, err := e.st.ListMessages(t.Context(), e.tenant, "alice", group, store.MessagePage{})
	if err != nil || len(msgs) != 0 {
		t.Errorf("the frame was stored: %v %+v", err, msgs)
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, realtime.Config{})
	c, _, _ := e.connect("alice")
	const n = 60
	for i := range n {
		c.send(map[string]any{"type": "ping", "request_id": fmt.Sprintf("p%d", i)})
	}
	var pongs, limited int
	for range n {
		f := c.next()
		switch {
		case f.Type == "pong":
			pongs++
		case f.Type == "error" && f.str("code") == "RATE_LIMIT_EXCEEDED" && strings.HasPrefix(f.str("request_id"), "p"):
			limited++
		default:
			t.Fatalf("unexpected frame %s", f.Raw)
		}
	}
	// 40 burst plus whatever refilled at 20/s while the frames were read.
	if pongs < 40 || limited == 0 {
		t.Errorf("got %d pongs and %d rate-limit errors, want at least 40 and 1", pongs, limited)
	}
}

// FuzzDecodeFrame feeds arbitrary frames to the inbound decoder: it must not
// panic, must accept only known types, and every refusal must make an error
// event that its asyncapi.yaml schema accepts.
func FuzzDecodeFrame(f *testing.F) {
	decode, err := realtime.NewFrameDecoder()
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		`{"type":"ping","request_id":"r1"}`,
		`{"type":"send_message","room_id":"room_1","content":"hi","meta":{"a":1},"client_msg_id":"c"}`,
		`{"type":"ack","room_id":"room_1","seq":3}`,
		`{"type":"ack","room_id":"room_1","seq":1e400}`,
		`{"type":"typing.start","room_id":"r"}`,
		`{"type":"subscribe","room_id":""}`,
		`{"type":"notification.ack","notification_id":"ntf_1","x":null}`,
		`{"type":7}`, `[]`, `null`, `"ping"`, `{"type":"ping"`, "\xff\xfe", ``,
	} {
		f.Add(false, []byte(seed))
	}
	f.Add(true, []byte(`{"type":"ping"}`))
	known := []string{"send_message", "ack", "typing.start", "typing.stop", "subscribe", "unsubscribe", "notification.ack", "ping"}
	f.Fuzz(func(t *testing.T, binary bool, data []byte) {
		got := decode(binary, data)
		if len(got.RequestID) > 64 {
			t.Fatalf("request id of %d bytes would be echoed", len(got.RequestID))
		}
		if got.ErrCode == "" {
			if binary || !slices.Contains(known, got.Type) {
				t.Fatalf("accepted %q (binary %v) as %q", data, binary, got.Type)
			}
			return
		}
		if utf8.Valid(data) == (got.Close == int(websocket.StatusInvalidFramePayloadData)) && !binary {
			t.Fatalf("text frame %q: close %d; want 1007 exactly for invalid UTF-8", data, got.Close)
		}
		ev := map[string]any{"type": "error", "code": got.ErrCode, "message": got.ErrMsg}
		if got.ErrField != "" {
			ev["field"] = got.ErrField
		}
		if got.RequestID != "" {
			ev["request_id"] = got.RequestID
		}
		b, err := jsonMarshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := checkFrame(b); err != nil {
			t.Fatal(err)
		}
	})
}
