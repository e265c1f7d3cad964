package store

import (
	"bytes"
	"encoding/json"
	"testing"
)

// referenceMessageFrame is the message event's frame as the log is
// defined: the JSON of messageBody(msg) through encoding/json, spliced by
// eventFrame. messageEventFrame must write these bytes.
func referenceMessageFrame(e RoomEvent, msg messageRow) (json.RawMessage, error) {
	payload, err := json.Marshal(messageBody(msg))
	if err != nil {
		return nil, err
	}
	return eventFrame(e, &msg.Seq, payload)
}

func checkMessageFrame(t *testing.T, e RoomEvent, msg messageRow) {
	t.Helper()
	want, wantErr := referenceMessageFrame(e, msg)
	got, err := messageEventFrame(e, msg)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("error %v, encoding/json's %v", err, wantErr)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("frame\n got %s\nwant %s", got, want)
	}
}

func TestMessageEventFrame(t *testing.T) {
	const at = int64(1_796_400_000_123)
	later := at + 90_000
	odd := "a<b>&\"c\\\u2028\x01\xff"
	id := "client-1"
	meta := `{"z": 1, "a":[1.5,"<x>"],"big":12345678901234567890}`
	badMeta := `{`
	tooLate := int64(253_402_300_800_000) // year 10000
	for _, tc := range []struct {
		name string
		msg  messageRow
	}{
		{"plain", messageRow{ID: "msg_a", RoomID: "room_a", SenderID: "bob", Seq: 1, Content: "hello", CreatedAt: at}},
		{"every field", messageRow{ID: "msg_b", RoomID: "room_a", SenderID: "bob", Seq: 2, Content: "hi", Meta: &meta,
			ClientMsgID: &id, CreatedAt: at, EditedAt: &later, DeletedAt: &later}},
		{"escapes", messageRow{ID: odd, RoomID: odd, SenderID: odd, Seq: 3, Content: odd, ClientMsgID: &odd, CreatedAt: at}},
		{"unicode", messageRow{ID: "msg_c", RoomID: "room_é", SenderID: "é", Seq: 4, Content: "héllo 👋 \t\n", CreatedAt: at}},
		{"whole second", messageRow{ID: "msg_d", RoomID: "room_a", SenderID: "u", Seq: 5, Content: "", CreatedAt: 1_796_400_000_000}},
		{"before 1970", messageRow{ID: "msg_e", RoomID: "room_a", SenderID: "u", Seq: 6, Content: "x", CreatedAt: -1}},
		{"unreadable meta", messageRow{ID: "msg_f", RoomID: "room_a", SenderID: "u", Seq: 7, Content: "x", Meta: &badMeta, CreatedAt: at}},
		{"reply, quote, mentions", messageRow{ID: "msg_h", RoomID: "room_a", SenderID: "u", Seq: 9, Content: "x", CreatedAt: at,
			ParentID: &odd, Quoted: ptrTo(`{"message_id":"msg_a","sender_id":"<b>","content":"é\u2028","deleted":false}`), Mentions: ptrTo(`["a","<b>"]`)}},
		{"year 10000", messageRow{ID: "msg_g", RoomID: "room_a", SenderID: "u", Seq: 8, Content: "x", CreatedAt: at, EditedAt: &tooLate}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := RoomEvent{RoomID: tc.msg.RoomID, EventSeq: 40 + tc.msg.Seq, Type: EventMessage,
				UserID: tc.msg.SenderID, CreatedAt: fromMillis(tc.msg.CreatedAt), MessageSeq: tc.msg.Seq}
			checkMessageFrame(t, e, tc.msg)
		})
	}
}

func FuzzMessageEventFrame(f *testing.F) {
	f.Add("hello", "alice", `{"a":1}`, int64(1_796_400_000_123), int64(7))
	f.Add("<&>\"\\\u2028\x00\xff", "é", `{"x":"<y>","n":1e400}`, int64(-62_135_596_800_001), int64(-1))
	f.Fuzz(func(t *testing.T, content, sender, meta string, ms, seq int64) {
		msg := messageRow{ID: "msg_" + sender, RoomID: "room_" + content, SenderID: sender, Seq: seq, Content: content,
			Meta: &meta, ClientMsgID: &content, CreatedAt: ms, EditedAt: &ms}
		e := RoomEvent{RoomID: msg.RoomID, EventSeq: seq, Type: EventMessage, UserID: sender, CreatedAt: fromMillis(ms), MessageSeq: seq}
		checkMessageFrame(t, e, msg)
		msg.Meta, msg.ClientMsgID, msg.EditedAt, msg.DeletedAt = nil, nil, nil, &ms
		checkMessageFrame(t, e, msg)
	})
}

func ptrTo[T any](v T) *T { return &v }
