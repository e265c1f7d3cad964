// Package storagetest is the one behaviour suite of storage.Backend, run
// against every implementation (the local directory and S3-compatible
// storage) through the interface and real HTTP requests to its signed URLs.
package storagetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chatapi/chatapi/storage"
)

// Factory returns a fresh, empty backend that lives until t ends, its
// signed URLs reachable over HTTP, and a function that moves its clock
// forward (nil when the backend reads the real time: expiry is then tested
// with a short-lived URL and a wait).
type Factory func(t *testing.T) (b storage.Backend, advance func(time.Duration))

// Run runs the whole suite.
func Run(t *testing.T, f Factory) {
	tests := []struct {
		name string
		run  func(t *testing.T, f Factory)
	}{
		{"PutGetStatDelete", testPutGetStatDelete},
		{"SignedPut", testSignedPut},
		{"SignedGet", testSignedGet},
		{"RefusedURLs", testRefusedURLs},
		{"Expiry", testExpiry},
		{"Missing", testMissing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, f) })
	}
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func key(t *testing.T, name string) string {
	return fmt.Sprintf("ten_%d/%s", time.Now().UnixNano(), name)
}

func do(t *testing.T, method, u string, body []byte) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.ContentLength = int64(len(body))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func read(t *testing.T, b storage.Backend, k string) []byte {
	t.Helper()
	rc, err := b.Get(context.Background(), k)
	if err != nil {
		t.Fatalf("Get(%s): %v", k, err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func testPutGetStatDelete(t *testing.T, f Factory) {
	b, _ := f(t)
	ctx := context.Background()
	for _, n := range []int{0, 1, 100 << 10} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			k := key(t, fmt.Sprintf("obj-%d.bin", n))
			data := randomBytes(t, n)
			if err := b.Put(ctx, k, bytes.NewReader(data), int64(n), "application/octet-stream"); err != nil {
				t.Fatalf("Put: %v", err)
			}
			if got := read(t, b, k); !bytes.Equal(got, data) {
				t.Fatalf("Get: %d bytes, want the %d put", len(got), n)
			}
			o, err := b.Stat(ctx, k)
			if err != nil || o.Size != int64(n) {
				t.Fatalf("Stat: %+v, %v; want size %d", o, err, n)
			}
			if err := b.Delete(ctx, k); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if _, err := b.Stat(ctx, k); !errors.Is(err, storage.ErrNotFound) {
				t.Fatalf("Stat after Delete: %v, want ErrNotFound", err)
			}
			if err := b.Delete(ctx, k); err != nil {
				t.Fatalf("second Delete: %v, want nil", err)
			}
		})
	}
}

func testSignedPut(t *testing.T, f Factory) {
	b, _ := f(t)
	ctx := context.Background()
	data := randomBytes(t, 4096)
	k := key(t, "upload.bin")
	u, err := b.PutURL(ctx, k, int64(len(data)), time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		body []byte
		ok   bool
	}{
		{"shorter than signed", data[:100], false},
		{"longer than signed", append(append([]byte{}, data...), 1), false},
		{"exactly signed", data, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := do(t, http.MethodPut, u, tc.body)
			if ok := code/100 == 2; ok != tc.ok {
				t.Fatalf("PUT %d bytes: %d %s, want success %v", len(tc.body), code, body, tc.ok)
			}
			if !tc.ok {
				if o, err := b.Stat(ctx, k); err == nil && o.Size == int64(len(tc.body)) {
					t.Fatalf("refused PUT stored %d bytes", o.Size)
				}
			}
		})
	}
	if got := read(t, b, k); !bytes.Equal(got, data) {
		t.Fatalf("stored %d bytes, want the %d put", len(got), len(data))
	}
}

func testSignedGet(t *testing.T, f Factory) {
	b, _ := f(t)
	ctx := context.Background()
	data := randomBytes(t, 2048)
	k := key(t, "img.png")
	if err := b.Put(ctx, k, bytes.NewReader(data), int64(len(data)), "image/png"); err != nil {
		t.Fatal(err)
	}
	u, err := b.GetURL(ctx, k, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	code, got := do(t, http.MethodGet, u, nil)
	if code != http.StatusOK || !bytes.Equal(got, data) {
		t.Fatalf("GET signed URL: %d, %d bytes; want 200 and the %d put", code, len(got), len(data))
	}
}

// testRefusedURLs: a URL changed in any part, or used for another method, or
// naming another key, is refused and changes nothing.
func testRefusedURLs(t *testing.T, f Factory) {
	b, _ := f(t)
	ctx := context.Background()
	data := randomBytes(t, 64)
	k := key(t, "secret.txt")
	other := key(t, "other.txt")
	if err := b.Put(ctx, k, bytes.NewReader(data), 64, "text/plain"); err != nil {
		t.Fatal(err)
	}
	get, err := b.GetURL(ctx, k, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	put, err := b.PutURL(ctx, other, 64, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		method string
		url    string
		body   []byte
	}{
		{"signature changed", http.MethodGet, tamperQuery(t, get, true), nil},
		{"expiry moved", http.MethodGet, tamperQuery(t, get, false), nil},
		{"no signature", http.MethodGet, strings.SplitN(get, "?", 2)[0], nil},
		{"another key", http.MethodGet, strings.Replace(get, "secret.txt", "other.txt", 1), nil},
		{"GET URL used to PUT", http.MethodPut, get, randomBytes(t, 64)},
		{"PUT URL used to GET", http.MethodGet, put, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := do(t, tc.method, tc.url, tc.body)
			if code != http.StatusForbidden && code != http.StatusNotFound && code != http.StatusBadRequest {
				t.Fatalf("%s: %d %.200s, want 403 (or 400/404)", tc.method, code, body)
			}
		})
	}
	if got := read(t, b, k); !bytes.Equal(got, data) {
		t.Fatal("a refused request changed the object")
	}
	if _, err := b.Stat(ctx, other); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("Stat(other) = %v, want ErrNotFound", err)
	}
}

// tamperQuery flips a character of the signature, or moves the expiry a day
// later, in whichever query parameters the backend uses.
func tamperQuery(t *testing.T, raw string, signature bool) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	switch {
	case signature && q.Has("sig"):
		q.Set("sig", flip(q.Get("sig")))
	case signature && q.Has("X-Amz-Signature"):
		q.Set("X-Amz-Signature", flip(q.Get("X-Amz-Signature")))
	case q.Has("exp"):
		q.Set("exp", fmt.Sprint(time.Now().Add(48*time.Hour).Unix()))
	case q.Has("X-Amz-Expires"):
		q.Set("X-Amz-Expires", "604800")
	default:
		t.Fatalf("no signature or expiry in %s", raw)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func flip(s string) string {
	if s == "" {
		return "x"
	}
	c := byte('a')
	if s[0] == 'a' {
		c = 'b'
	}
	return string(c) + s[1:]
}

func testExpiry(t *testing.T, f Factory) {
	b, advance := f(t)
	ctx := context.Background()
	data := randomBytes(t, 32)
	k := key(t, "soon.bin")
	if err := b.Put(ctx, k, bytes.NewReader(data), 32, "application/octet-stream"); err != nil {
		t.Fatal(err)
	}
	life := time.Minute
	if advance == nil {
		life = 2 * time.Second
	}
	u, err := b.GetURL(ctx, k, time.Now().Add(life))
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := do(t, http.MethodGet, u, nil); code != http.StatusOK {
		t.Fatalf("GET before expiry: %d, want 200", code)
	}
	if advance != nil {
		advance(life + time.Second)
	} else {
		time.Sleep(life + 1500*time.Millisecond)
	}
	if code, _ := do(t, http.MethodGet, u, nil); code != http.StatusForbidden {
		t.Fatalf("GET after expiry: %d, want 403", code)
	}
}

func testMissing(t *testing.T, f Factory) {
	b, _ := f(t)
	ctx := context.Background()
	k := key(t, "never.bin")
	if _, err := b.Get(ctx, k); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("Get: %v, want ErrNotFound", err)
	}
	if _, err := b.Stat(ctx, k); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("Stat: %v, want ErrNotFound", err)
	}
	u, err := b.GetURL(ctx, k, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := do(t, http.MethodGet, u, nil); code != http.StatusNotFound && code != http.StatusForbidden {
		t.Fatalf("GET of a missing object: %d, want 404 (or 403)", code)
	}
}
