// Package storage keeps the bytes of uploaded files behind one small
// interface, Backend, with a local-directory implementation (Local, the
// default) and an S3-compatible one. Clients move the bytes themselves
// through signed, expiring URLs, so a file never passes through a JSON
// request; the service reads an object back only to check it (size, sha256,
// content sniffing, image header).
package storage

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrNotFound means no object is stored under the key.
var ErrNotFound = errors.New("storage: object not found")

// Object describes a stored object.
type Object struct {
	Size int64
}

// Backend stores objects under keys. Keys are slash-separated paths of
// [A-Za-z0-9._-] segments; the service puts the tenant id first, and a URL
// is signed over its key, so a signed URL is bound to one tenant's object.
type Backend interface {
	// PutURL is a URL a client PUTs exactly size bytes to, until expires.
	PutURL(ctx context.Context, key string, size int64, expires time.Time) (string, error)
	// GetURL is a URL that GETs the object without headers until expires
	// (an <img src>).
	GetURL(ctx context.Context, key string, expires time.Time) (string, error)
	// Put stores the object directly (the service's own writes:
	// thumbnails).
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Get opens the object; ErrNotFound when there is none.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// Stat describes the object; ErrNotFound when there is none.
	Stat(ctx context.Context, key string) (Object, error)
	// Delete removes the object; deleting a missing object is no error.
	Delete(ctx context.Context, key string) error
}

// Mover is a Backend that moves an object from one key to another without
// reading its bytes (a rename on the local disk): Move replaces dst, and
// is ErrNotFound when src has no object.
type Mover interface {
	Move(ctx context.Context, src, dst string) error
}

// ValidKey reports whether key is a key a Backend accepts: 1 to 512
// characters, segments of [A-Za-z0-9._-] that are not "." or "..".
func ValidKey(key string) bool {
	if key == "" || len(key) > 512 {
		return false
	}
	seg := 0
	for i := 0; i <= len(key); i++ {
		if i == len(key) || key[i] == '/' {
			s := key[seg:i]
			if s == "" || s == "." || s == ".." {
				return false
			}
			seg = i + 1
			continue
		}
		c := key[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
