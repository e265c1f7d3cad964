package storage

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// LocalPrefix is the path under which the service serves a Local backend's
// signed URLs (Local.ServeHTTP).
const LocalPrefix = "/files/"

// Local keeps objects as files under a directory, and serves its own signed
// URLs: mount it at LocalPrefix.
type Local struct {
	dir    string
	secret []byte
	// base is prepended to the URLs (scheme://host); empty gives
	// host-relative URLs, which the service completes per request.
	base string
	now  func() time.Time
}

// NewLocal keeps objects under dir (created if missing). secret signs the
// URLs; baseURL (may be empty) prefixes them; now is the clock (nil:
// time.Now).
func NewLocal(dir string, secret []byte, baseURL string, now func() time.Time) (*Local, error) {
	if len(secret) < 16 {
		return nil, errors.New("storage: local secret shorter than 16 bytes")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("storage: create %s: %w", dir, err)
	}
	if now == nil {
		now = time.Now
	}
	return &Local{dir: dir, secret: secret, base: strings.TrimSuffix(baseURL, "/"), now: now}, nil
}

var _ Backend = (*Local)(nil)

func (l *Local) path(key string) (string, error) {
	if !ValidKey(key) {
		return "", fmt.Errorf("storage: invalid key %q", key)
	}
	return filepath.Join(l.dir, filepath.FromSlash(key)), nil
}

// sign is the MAC of one signed request: the method, the key, the expiry
// and, for a PUT, the size the body must have.
func (l *Local) sign(method, key string, exp, size int64) string {
	m := hmac.New(sha256.New, l.secret)
	fmt.Fprintf(m, "%s\n%s\n%d\n%d", method, key, exp, size)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (l *Local) signedURL(method, key string, exp time.Time, size int64) (string, error) {
	if _, err := l.path(key); err != nil {
		return "", err
	}
	q := url.Values{}
	q.Set("exp", strconv.FormatInt(exp.Unix(), 10))
	if method == http.MethodPut {
		q.Set("size", strconv.FormatInt(size, 10))
	}
	q.Set("sig", l.sign(method, key, exp.Unix(), size))
	return l.base + LocalPrefix + key + "?" + q.Encode(), nil
}

// PutURL implements Backend.
func (l *Local) PutURL(_ context.Context, key string, size int64, expires time.Time) (string, error) {
	return l.signedURL(http.MethodPut, key, expires, size)
}

// GetURL implements Backend.
func (l *Local) GetURL(_ context.Context, key string, expires time.Time) (string, error) {
	return l.signedURL(http.MethodGet, key, expires, 0)
}

// Put implements Backend: the bytes go to a temporary file renamed into
// place, so a reader never sees half an object.
func (l *Local) Put(_ context.Context, key string, r io.Reader, size int64, _ string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".put-*")
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	n, err := io.Copy(tmp, io.LimitReader(r, size+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("storage: write %s: %w", key, err)
	}
	if n != size {
		return &SizeError{Want: size, Got: n}
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	return nil
}

// Move implements Mover: a rename, atomic on one file system, so dst holds
// the bytes src held at one instant, whatever is put to src meanwhile.
func (l *Local) Move(_ context.Context, src, dst string) error {
	from, err := l.path(src)
	if err != nil {
		return err
	}
	to, err := l.path(dst)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o750); err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	if err := os.Rename(from, to); errors.Is(err, fs.ErrNotExist) {
		return ErrNotFound
	} else if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	return nil
}

// SizeError means a body was not of the size declared for it.
type SizeError struct{ Want, Got int64 }

func (e *SizeError) Error() string {
	return fmt.Sprintf("storage: body of %d bytes or more, %d declared", e.Got, e.Want)
}

// Get implements Backend.
func (l *Local) Get(_ context.Context, key string) (io.ReadCloser, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	return f, nil
}

// Stat implements Backend.
func (l *Local) Stat(_ context.Context, key string) (Object, error) {
	p, err := l.path(key)
	if err != nil {
		return Object{}, err
	}
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return Object{}, ErrNotFound
	}
	if err != nil {
		return Object{}, fmt.Errorf("storage: %w", err)
	}
	return Object{Size: fi.Size()}, nil
}

// Delete implements Backend.
func (l *Local) Delete(_ context.Context, key string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("storage: %w", err)
	}
	return nil
}

// ServeHTTP answers the signed URLs: GET (and HEAD) of an object, PUT of
// exactly the signed size. A missing, tampered or expired signature is 403;
// the body of a refusal is the text of its status, since the caller is a
// browser or an upload tool, not the JSON API.
func (l *Local) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key, ok := strings.CutPrefix(r.URL.Path, LocalPrefix)
	if !ok || !ValidKey(key) {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	if method != http.MethodGet && method != http.MethodPut {
		w.Header().Set("Allow", "GET, HEAD, PUT")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	exp, err1 := strconv.ParseInt(q.Get("exp"), 10, 64)
	var size int64
	var err2 error
	if method == http.MethodPut {
		size, err2 = strconv.ParseInt(q.Get("size"), 10, 64)
	}
	want := l.sign(method, key, exp, size)
	if err1 != nil || err2 != nil || !hmac.Equal([]byte(want), []byte(q.Get("sig"))) || l.now().Unix() > exp {
		http.Error(w, "forbidden: invalid or expired signature", http.StatusForbidden)
		return
	}
	if method == http.MethodPut {
		if r.ContentLength >= 0 && r.ContentLength != size {
			http.Error(w, fmt.Sprintf("body must be exactly %d bytes", size), http.StatusBadRequest)
			return
		}
		err := l.Put(r.Context(), key, r.Body, size, r.Header.Get("Content-Type"))
		var se *SizeError
		if errors.As(err, &se) {
			http.Error(w, fmt.Sprintf("body must be exactly %d bytes", size), http.StatusBadRequest)
			return
		}
		if err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	p, _ := l.path(key)
	f, err := os.Open(p)
	if err != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	// The content type was checked at upload; serve it as sniffed again
	// here but never let a browser run it as a page of ours.
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Header().Set("Cache-Control", "private, max-age=300")
	http.ServeContent(w, r, "", fi.ModTime(), f)
}

// NewSecret returns 32 random bytes for a Local backend's signatures, for
// a process that was given none (its URLs then die with it).
func NewSecret() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return b
}
