package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chatapi/chatapi/gen/chatclient"
)

// FuzzSendMessage throws arbitrary bodies at POST /rooms/{room_id}/messages
// through the real router, validator and store. Whatever comes in, the answer
// is the envelope with a 2xx or 4xx status, never a 5xx. `make test` runs the
// seed corpus; `go test -run XXX -fuzz FuzzSendMessage -fuzzminimizetime 10x ./server`
// explores further (the default minimisation of each new input is slow here,
// as every execution is a real HTTP request and SQLite write).
func FuzzSendMessage(f *testing.F) {
	for _, seed := range []string{
		`{"content":"hello"}`,
		`{"content":"hello","client_msg_id":"c-1"}`,
		`{"content":"hi","meta":{"type":"text","mentions":["bob"]}}`,
		`{"content":""}`,
		`{"content":"` + strings.Repeat("x", 4000) + `"}`,
		`{"content":"` + strings.Repeat("é", 4001) + `"}`,
		`{"content":"\u0000\ud83d\ude00"}`,
		`{"content":"x","meta":{"a":{"b":{"c":[1,2,{"d":null}]}}}}`,
		`{"content":"x","meta":null}`,
		`{"content":null}`,
		`{"content":5}`,
		`{"content":"x","client_msg_id":""}`,
		`{"content":"x","extra":true}`,
		`{"content":"x","meta":"str"}`,
		`[]`,
		`null`,
		`{`,
		``,
		`{"content":"x"}{"content":"y"}`,
		`{"content":"x","content":"y"}`,
		"\xff\xfe",
	} {
		f.Add(seed)
	}
	e := newEnv(f)
	tn := e.newTenant("fuzz", 100000)
	room := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob")
	url := e.url + "/rooms/" + room.RoomId + "/messages"
	f.Fuzz(func(t *testing.T, body string) {
		req, err := http.NewRequest("POST", url, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-API-Key", tn.key)
		req.Header.Set("X-User-Id", "alice")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw := readAll(t, resp)
		var env envelope
		if err := json.Unmarshal(raw, &env); err != nil || env.Success == nil {
			t.Fatalf("status %d, not the envelope: %q", resp.StatusCode, raw)
		}
		switch {
		case resp.StatusCode == 200 || resp.StatusCode == 201:
			if !*env.Success {
				t.Fatalf("status %d with success false: %s", resp.StatusCode, raw)
			}
		case resp.StatusCode == 400 || resp.StatusCode == 413 || resp.StatusCode == 415:
			if *env.Success || env.Error == nil || env.Error.Code != "VALIDATION_ERROR" {
				t.Fatalf("status %d: %s", resp.StatusCode, raw)
			}
		default:
			t.Fatalf("body %q got status %d: %s", body, resp.StatusCode, raw)
		}
	})
}
