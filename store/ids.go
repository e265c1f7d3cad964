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
