package store

import "crypto/rand"

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// idLength random base62 characters carry about 119 bits: ids are
// unguessable and never collide in practice.
const idLength = 20

// newID returns prefix followed by idLength random base62 characters from
// crypto/rand.
func newID(prefix string) string {
	out := make([]byte, 0, len(prefix)+idLength)
	out = append(out, prefix...)
	var buf [2 * idLength]byte
	for len(out) < cap(out) {
		_, _ = rand.Read(buf[:]) // never fails since Go 1.24
		for _, b := range buf {
			// 248 = 4*62: rejecting the bytes above keeps every character
			// equally likely.
			if b >= 248 {
				continue
			}
			out = append(out, base62[b%62])
			if len(out) == cap(out) {
				break
			}
		}
	}
	return string(out)
}

// messageIDTimeLength base62 characters hold a message id's creation time
// in milliseconds (62^8 ms is some 6,900 years).
const messageIDTimeLength = 8

// newMessageID returns the id of a message created at nowMillis: msg_, the
// time (base62, fixed width) and idLength random characters, as newID's.
// Ids that sort by time are added at the end of the messages id index,
// where a batch of sends changes one page of it; random ones changed a
// page per message, and a commit copies every page it changed into the
// WAL (SQLite) or the WAL's full-page images (PostgreSQL).
func newMessageID(nowMillis int64) string { return newTimedID("msg_", nowMillis) }

// newTimedID is newMessageID's form under another prefix: ids that sort by
// creation time (webhook deliveries are listed newest first by id).
func newTimedID(prefix string, nowMillis int64) string {
	var t [messageIDTimeLength]byte
	for i := len(t) - 1; i >= 0; i-- {
		t[i] = base62[nowMillis%62]
		nowMillis /= 62
	}
	return newID(prefix + string(t[:]))
}
