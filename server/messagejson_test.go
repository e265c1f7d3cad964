package server

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/store"
)

// generatedPage is what the generated ListMessages200JSONResponse writes for
// msgs: the bytes messagePage must reproduce.
func generatedPage(t testing.TB, msgs []store.Message) []byte {
	t.Helper()
	out := make([]chatapi.Message, len(msgs))
	for i, m := range msgs {
		out[i] = messageOut(m)
	}
	rec := httptest.NewRecorder()
	if err := (chatapi.ListMessages200JSONResponse{Success: true, Data: out}).VisitListMessagesResponse(rec); err != nil {
		t.Fatalf("generated response: %v", err)
	}
	return rec.Body.Bytes()
}

func ourPage(t testing.TB, pool *sync.Pool, msgs []store.Message) ([]byte, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	page := messagePage{msgs: msgs, bufs: pool}
	if err := page.VisitListMessagesResponse(rec); err != nil {
		t.Fatalf("messagePage: %v", err)
	}
	if rec.Code != 200 {
		t.Errorf("status %d, want 200", rec.Code)
	}
	if got, want := rec.Header().Get("Content-Length"), strconv.Itoa(rec.Body.Len()); got != want {
		t.Errorf("Content-Length %s, want %s", got, want)
	}
	return rec.Body.Bytes(), rec.Header().Get("Content-Type")
}

func TestMessagePageJSON(t *testing.T) {
	at := time.Date(2026, 11, 24, 20, 10, 0, 123_000_000, time.UTC)
	later := at.Add(90 * time.Minute)
	local := time.UnixMilli(1_800_000_000_000).In(time.FixedZone("x", 3600))
	id := "3f1c2a9e-local-1"
	odd := "a<b>&\"c\\\u2028\x01\xff"
	full := store.Message{
		ID: "msg_1", RoomID: "room_1", SenderID: "alice", Seq: 7, Content: "hi",
		Meta: json.RawMessage(`{"z":1,"a":[1.5,"<x>"],"big":12345678901234567890,"n":null}`), ClientMsgID: &id,
		CreatedAt: at, EditedAt: &later, DeletedAt: &later,
	}
	parent := "msg_p"
	threaded := store.Message{
		ID: "msg_t", RoomID: "room_1", SenderID: "bob", Seq: 9, Content: "reply", CreatedAt: at, ParentID: &parent,
		Thread:   &store.Thread{ReplyCount: 3, LastReplyAt: local, ParticipantIDs: []string{"carol", odd}},
		Quoted:   &store.Quote{MessageID: "msg_q", SenderID: odd, Content: odd, Deleted: true},
		Mentions: []string{"alice", odd},
	}
	var pool sync.Pool
	for _, tc := range []struct {
		name string
		msgs []store.Message
	}{
		{"empty", []store.Message{}},
		{"nil", nil},
		{"plain", []store.Message{{ID: "msg_a", RoomID: "room_a", SenderID: "bob", Seq: 1, Content: "hello", CreatedAt: at}}},
		{"every field", []store.Message{full}},
		{"escapes", []store.Message{{ID: "msg_b", RoomID: "room_b", SenderID: odd, Seq: 2, Content: odd, ClientMsgID: &odd, CreatedAt: at}}},
		{"unicode", []store.Message{{ID: "msg_c", RoomID: "room_c", SenderID: "é", Seq: 3, Content: "héllo 👋 \t\n", CreatedAt: at}}},
		{"not UTC", []store.Message{{ID: "msg_d", RoomID: "room_d", SenderID: "u", Seq: 4, Content: "x", CreatedAt: local, EditedAt: &local}}},
		{"unreadable meta", []store.Message{{ID: "msg_e", RoomID: "room_e", SenderID: "u", Seq: 5, Content: "x", Meta: json.RawMessage(`{`), CreatedAt: at}}},
		{"thread, quote and mentions", []store.Message{threaded}},
		{"empty thread participants", []store.Message{{ID: "msg_g", RoomID: "room_1", SenderID: "u", Seq: 10, Content: "x", CreatedAt: at,
			Thread: &store.Thread{ReplyCount: 1, LastReplyAt: at}, Mentions: []string{}}}},
		{"several", []store.Message{threaded, full, {ID: "msg_f", RoomID: "room_1", SenderID: "u", Seq: 8, Content: "", CreatedAt: at, DeletedAt: &at}, full}},
		{"reactions", []store.Message{{ID: "msg_g", RoomID: "room_g", SenderID: "u", Seq: 9, Content: "x", CreatedAt: at,
			Reactions: store.Reactions{Counts: reactionCounts(t, map[string]int64{"👍": 3, "<b>": 1, ":tada:": 20}), Own: []string{":tada:", "<b>", "👍"}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := generatedPage(t, tc.msgs)
			// Twice: the second page is encoded into a buffer the pool
			// got back from an earlier case.
			got, ctype := ourPage(t, &pool, tc.msgs)
			if again, _ := ourPage(t, &pool, tc.msgs); !bytes.Equal(again, got) {
				t.Errorf("second body\n got %s\nwant %s", again, got)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("body\n got %s\nwant %s", got, want)
			}
			if ctype != "application/json" {
				t.Errorf("Content-Type %q, want application/json", ctype)
			}
		})
	}
}

func FuzzMessagePageJSON(f *testing.F) {
	f.Add("hello", "alice", `{"a":1}`, int64(1_800_000_000_123))
	f.Add("<&>\"\\\u2028\x00\xff", "é", `{"x":"<y>","n":1e400}`, int64(-62_135_596_800_001))
	f.Fuzz(func(t *testing.T, content, sender, meta string, ms int64) {
		at := time.UnixMilli(ms).UTC()
		msgs := []store.Message{{ID: "msg_x", RoomID: "room_x", SenderID: sender, Seq: ms, Content: content,
			Meta: json.RawMessage(meta), ClientMsgID: &content, CreatedAt: at, EditedAt: &at}}
		out := make([]chatapi.Message, len(msgs))
		for i, m := range msgs {
			out[i] = messageOut(m)
		}
		rec := httptest.NewRecorder()
		wantErr := (chatapi.ListMessages200JSONResponse{Success: true, Data: out}).VisitListMessagesResponse(rec)
		_, gotErr := messagePage{msgs: msgs}.appendJSON(nil)
		if (gotErr != nil) != (wantErr != nil) {
			t.Fatalf("error %v, generated response's %v", gotErr, wantErr)
		}
		if wantErr != nil {
			return
		}
		if got, _ := ourPage(t, nil, msgs); !bytes.Equal(got, rec.Body.Bytes()) {
			t.Errorf("body\n got %s\nwant %s", got, rec.Body.Bytes())
		}
	})
}

// reactionCounts stores counts as the store does.
func reactionCounts(t *testing.T, counts map[string]int64) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(counts)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
