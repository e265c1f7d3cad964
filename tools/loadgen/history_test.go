package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestPageSeqs(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		want []int64 // nil: an error
	}{
		{"empty page", `{"data":[],"error":null,"success":true}` + "\n", []int64{}},
		{"as the server writes it", `{"data":[{"client_msg_id":null,"content":"history 1","created_at":"2026-12-06T04:00:00.001Z","deleted_at":null,"edited_at":null,"message_id":"msg_a","meta":null,"room_id":"room_a","sender_id":"writer","seq":1},` +
			`{"client_msg_id":"c","content":"x","created_at":"2026-12-06T04:00:00Z","deleted_at":null,"edited_at":null,"message_id":"msg_b","meta":{"seq":99,"a":[1,{"seq":98}]},"room_id":"room_a","sender_id":"writer","seq":2}],"error":null,"success":true}` + "\n",
			[]int64{1, 2}},
		{"seq-like text in strings", `{"data":[{"content":"\"seq\":7, {\"seq\":8}\\","sender_id":"a\\\"b","seq":12}],"error":null,"success":true}`, []int64{12}},
		{"spaces", ` { "data" : [ { "seq" : 3 } , { "seq" : 4 } ] , "success" : true } `, []int64{3, 4}},
		{"not a success", `{"data":[{"seq":1}],"error":null,"success":false}`, nil},
		{"no success member", `{"data":[{"seq":1}]}`, nil},
		{"a message without seq", `{"data":[{"seq":1},{"content":"x"}],"success":true}`, nil},
		{"a message with two seqs", `{"data":[{"seq":1,"seq":2}],"success":true}`, nil},
		{"seq as a string", `{"data":[{"seq":"1"}],"success":true}`, nil},
		{"seq as a fraction", `{"data":[{"seq":1.5}],"success":true}`, nil},
		{"seq null", `{"data":[{"seq":null}],"success":true}`, nil},
		{"cut short", `{"data":[{"seq":1},{"seq":2`, nil},
		{"unterminated string", `{"data":[{"content":"abc`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := pageSeqs([]byte(tc.body), nil)
			if tc.want == nil {
				if err == nil {
					t.Fatalf("got %v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if !slices.Equal(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// FuzzPageSeqs holds pageSeqs to what decoding the body says, for bodies
// encoding/json writes from messages with arbitrary content and meta.
func FuzzPageSeqs(f *testing.F) {
	f.Add("history 1", `{"seq":5}`, int64(1))
	f.Add(`a"seq":3\`, `{"x":{"seq":[1,2]}}`, int64(-4))
	f.Fuzz(func(t *testing.T, content, meta string, seq int64) {
		type message struct {
			Content string          `json:"content"`
			Meta    json.RawMessage `json:"meta"`
			Seq     int64           `json:"seq"`
		}
		var metaValue json.RawMessage
		if json.Valid([]byte(meta)) && strings.HasPrefix(strings.TrimSpace(meta), "{") {
			metaValue = json.RawMessage(meta)
		}
		body, err := json.Marshal(map[string]any{
			"data":    []message{{content, metaValue, seq}, {meta, nil, seq + 1}},
			"error":   nil,
			"success": true,
		})
		if err != nil {
			t.Skip()
		}
		got, err := pageSeqs(body, nil)
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if want := []int64{seq, seq + 1}; !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", body, got, want)
		}
	})
}

// BenchmarkPageCheck compares the history reader's check of a page of 100
// (pageSeqs) with decoding it as api.do does (the envelope, then its data).
//
//	go test -run '^$' -bench PageCheck ./tools/loadgen/
func BenchmarkPageCheck(b *testing.B) {
	type message struct {
		ClientMsgID *string         `json:"client_msg_id"`
		Content     string          `json:"content"`
		CreatedAt   string          `json:"created_at"`
		DeletedAt   *string         `json:"deleted_at"`
		EditedAt    *string         `json:"edited_at"`
		MessageID   string          `json:"message_id"`
		Meta        json.RawMessage `json:"meta"`
		RoomID      string          `json:"room_id"`
		SenderID    string          `json:"sender_id"`
		Seq         int64           `json:"seq"`
	}
	msgs := make([]message, 100)
	for i := range msgs {
		msgs[i] = message{Content: "history " + strings.Repeat("x", 100), CreatedAt: "2026-12-06T04:00:00.123Z",
			MessageID: "msg_0123456789abcdef0123", RoomID: "room_0123456789abcdef0123", SenderID: "writer", Seq: int64(i + 1)}
	}
	body, err := json.Marshal(map[string]any{"data": msgs, "error": nil, "success": true})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var env envelope
			if err := json.Unmarshal(body, &env); err != nil {
				b.Fatal(err)
			}
			var out []storedMessage
			if err := json.Unmarshal(env.Data, &out); err != nil || len(out) != 100 {
				b.Fatal(err)
			}
		}
	})
	b.Run("pageSeqs", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		var seqs []int64
		for b.Loop() {
			if seqs, err = pageSeqs(body, seqs[:0]); err != nil || len(seqs) != 100 {
				b.Fatal(err)
			}
		}
	})
}
