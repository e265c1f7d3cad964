package server_test

import (
	"strconv"
	"testing"
)

// BenchmarkCreateRoomIdempotency measures what an Idempotency-Key costs a
// POST /rooms on SQLite, one request at a time over loopback: without a
// key, with a fresh key each time (claim, run, record), and a repeat of
// one key (claim refused, answer replayed, no room created).
//
//	go test -run '^$' -bench CreateRoomIdempotency -benchtime 2000x ./server/
func BenchmarkCreateRoomIdempotency(b *testing.B) {
	for _, mode := range []string{"no key", "fresh key", "replay"} {
		b.Run(mode, func(b *testing.B) {
			e := newEnv(b)
			tn := e.newTenant("acme", 100_000)
			h := map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice", "Content-Type": "application/json"}
			if mode == "replay" {
				h["Idempotency-Key"] = "k-replay"
			}
			b.ResetTimer()
			for i := range b.N {
				if mode == "fresh key" {
					h["Idempotency-Key"] = "k-" + strconv.Itoa(i)
				}
				if status, _, body := e.raw("POST", "/rooms", h, `{"type":"group","members":["bob"]}`); status != 201 {
					b.Fatalf("%d %s", status, body)
				}
			}
		})
	}
}
