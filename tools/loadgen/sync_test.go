package main

import (
	"encoding/json"
	"testing"
)

func TestResumeCheck(t *testing.T) {
	msg := func(room string, eventSeq, seq int64) resumeEvent {
		return resumeEvent{Type: "message", RoomID: room, EventSeq: eventSeq, Seq: seq}
	}
	for _, tc := range []struct {
		name                             string
		events                           []resumeEvent
		received, outOfOrder, duplicates int64
	}{
		{"in order, rooms interleaved", []resumeEvent{msg("a", 3, 1), msg("b", 7, 1), msg("a", 4, 2), msg("b", 8, 2)}, 4, 0, 0},
		{"other events keep the event_seqs going", []resumeEvent{msg("a", 3, 1), {Type: "member.joined", RoomID: "a", EventSeq: 4}, msg("a", 5, 2)}, 2, 0, 0},
		{"a message missing", []resumeEvent{msg("a", 3, 1), msg("a", 5, 3)}, 2, 2, 0},
		{"a message twice", []resumeEvent{msg("a", 3, 1), msg("a", 4, 2), msg("a", 4, 2)}, 2, 1, 1},
		{"swapped", []resumeEvent{msg("a", 4, 2), msg("a", 3, 1)}, 1, 2, 1},
		{"a room not the scenario's", []resumeEvent{msg("z", 1, 1)}, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newResumeCheck([]string{"a", "b"})
			for _, e := range tc.events {
				c.event(e)
			}
			if c.received != tc.received || c.outOfOrder != tc.outOfOrder || c.duplicates != tc.duplicates {
				t.Errorf("received %d, out of order %d, duplicates %d; want %d, %d, %d (notes %q)",
					c.received, c.outOfOrder, c.duplicates, tc.received, tc.outOfOrder, tc.duplicates, c.notes)
			}
		})
	}
}

func TestParseResumeEvent(t *testing.T) {
	for _, tc := range []struct {
		name  string
		frame string
		want  resumeEvent
		bad   bool
	}{
		{"message", `{"type":"message","room_id":"room_a","event_seq":12,"occurred_at":"2026-12-06T04:00:00Z","seq":7,"message_id":"msg_1","sender_id":"w","content":"x \"seq\":9 \\","meta":{"seq":8,"a":[1,{"b":"}"}]},"client_msg_id":null,"created_at":"2026-12-06T04:00:00Z","edited_at":null,"deleted_at":null}`,
			resumeEvent{Type: "message", RoomID: "room_a", EventSeq: 12, Seq: 7}, false},
		{"member joined, with its room", `{"type":"member.joined","room_id":"room_a","event_seq":2,"occurred_at":"x","user_id":"u","role":"member","room":{"room_id":"room_a","last_seq":0}}`,
			resumeEvent{Type: "member.joined", RoomID: "room_a", EventSeq: 2}, false},
		{"sync.complete", ` { "type" : "sync.complete" , "rooms" : [ ] , "cursor" : "v1.t1.1-a" } `,
			resumeEvent{Type: "sync.complete", Cursor: "v1.t1.1-a"}, false},
		{"seq not a number", `{"type":"message","seq":"7"}`, resumeEvent{}, true},
		{"cut short", `{"type":"message","room_id":"room_a","event_seq":12,"meta":{"a":[1}`, resumeEvent{}, true},
		{"not an object", `["type","message"]`, resumeEvent{}, true},
		{"trailing bytes", `{"type":"message"} x`, resumeEvent{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseResumeEvent([]byte(tc.frame))
			if tc.bad {
				if err == nil {
					t.Fatalf("got %+v, want an error", got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

// FuzzParseResumeEvent holds parseResumeEvent to encoding/json's reading
// of frames encoding/json wrote, whatever their content and meta.
func FuzzParseResumeEvent(f *testing.F) {
	f.Add("hello", `{"seq":1}`, int64(3), int64(4))
	f.Add(`"seq":1,\`, `{"a":["}",{"event_seq":2}]}`, int64(-1), int64(1<<40))
	f.Fuzz(func(t *testing.T, content, meta string, eventSeq, seq int64) {
		var metaValue json.RawMessage
		if json.Valid([]byte(meta)) {
			metaValue = json.RawMessage(meta)
		}
		frame, err := json.Marshal(map[string]any{"type": "message", "room_id": "room_a", "event_seq": eventSeq,
			"seq": seq, "content": content, "meta": metaValue})
		if err != nil {
			t.Skip()
		}
		got, err := parseResumeEvent(frame)
		if err != nil {
			t.Fatalf("%s: %v", frame, err)
		}
		if want := (resumeEvent{Type: "message", RoomID: "room_a", EventSeq: eventSeq, Seq: seq}); got != want {
			t.Errorf("%s: got %+v, want %+v", frame, got, want)
		}
	})
}

func TestReadSyncPage(t *testing.T) {
	body := `{"data":{"events":[{"type":"message","room_id":"a","event_seq":4,"seq":1},{"type":"message","room_id":"a","event_seq":5,"seq":2}],"has_more":true,"next_cursor":"v1.1-5"},"error":null,"success":true}` + "\n"
	c := newResumeCheck([]string{"a"})
	p, err := readSyncPage([]byte(body), c)
	if err != nil || p != (syncPage{events: 2, hasMore: true, next: "v1.1-5"}) || c.received != 2 {
		t.Errorf("got %+v, %v, %d received; want 2 events, has_more, cursor v1.1-5", p, err, c.received)
	}
	if _, err := readSyncPage([]byte(`{"data":null,"error":{"code":"x"},"success":false}`), c); err == nil {
		t.Error("a failure read as a page")
	}
}
