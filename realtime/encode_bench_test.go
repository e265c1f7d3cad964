package realtime

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/store"
)

// BenchmarkEncodeMessageEvent builds the event of a created message and
// encodes it to the frame every recipient gets: the per-broadcast cost that
// is paid once, whatever the room's size.
func BenchmarkEncodeMessageEvent(b *testing.B) {
	cmid := "c-123"
	m := store.Message{
		ID: "msg_0123456789ABCDEFGHIJ", RoomID: "room_0123456789ABCDEFGHIJ", SenderID: "alice",
		Seq: 12345, Content: "t=1764021234567890123 a message of ordinary length, about a line of chat",
		Meta: json.RawMessage(`{"type":"text","mentions":["bob"]}`), ClientMsgID: &cmid,
		CreatedAt: time.Date(2026, 11, 24, 20, 0, 0, 0, time.UTC),
	}
	b.ReportAllocs()
	for b.Loop() {
		e := event.ForMessage(event.MessageCreated, "tn_0123456789ABCDEFGHIJ", m)
		frame, err := encodeEvent(e)
		if err != nil || len(frame) == 0 {
			b.Fatal(err)
		}
	}
}
