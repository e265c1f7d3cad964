package main

import (
	"encoding/json"
	"testing"
)

func TestParseFrame(t *testing.T) {
	for _, tc := range []struct {
		name  string
		frame string
		want  frame
		bad   bool
	}{
		{"message", `{"type":"message","room_id":"room_a","event_seq":12,"seq":7,"message_id":"msg_1","content":"t=1 #2 via=0","meta":{"seq":8,"content":"no"},"edited_at":null}`,
			frame{Type: "message", RoomID: "room_a", Seq: 7, Content: "t=1 #2 via=0"}, false},
		{"content with escapes", `{"type":"message","room_id":"r","seq":1,"content":"a \"b\" \\u00e9 \u00e9"}`,
			frame{Type: "message", RoomID: "r", Seq: 1, Content: `a "b" \u00e9 é`}, false},
		{"null seq", `{"type":"x","seq":null}`, frame{Type: "x"}, false},
		{"sync.complete", `{"type":"sync.complete","rooms":[{"room_id":"r","last_seq":3}],"cursor":"c"}`, frame{Type: "sync.complete"}, false},
		{"not JSON", `{"type":"message"`, frame{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseFrame([]byte(tc.frame))
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

// FuzzParseFrame holds parseFrame to encoding/json's reading of frames
// encoding/json wrote.
func FuzzParseFrame(f *testing.F) {
	f.Add("hello", `{"seq":1}`, int64(3))
	f.Add(`"seq":1,\`, `{"a":["}",{"content":2}]}`, int64(-1))
	f.Fuzz(func(t *testing.T, content, meta string, seq int64) {
		var metaValue json.RawMessage
		if json.Valid([]byte(meta)) {
			metaValue = json.RawMessage(meta)
		}
		data, err := json.Marshal(map[string]any{"type": "message", "room_id": "room_a", "seq": seq, "content": content, "meta": metaValue})
		if err != nil {
			t.Skip()
		}
		var want frame
		if err := json.Unmarshal(data, &want); err != nil {
			t.Skip()
		}
		got, err := parseFrame(data)
		if err != nil || got != want {
			t.Errorf("%s: got %+v, %v; want %+v", data, got, err, want)
		}
	})
}
