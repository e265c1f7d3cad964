package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// maxPresign is the longest validity S3's signature version 4 allows a
// presigned URL.
const maxPresign = 7 * 24 * time.Hour

// S3Config says where an S3 backend's bucket is and how to sign for it.
type S3Config struct {
	// Endpoint is scheme://host[:port] of the S3-compatible service, e.g.
	// https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000. Clients
	// reach the signed URLs there too.
	Endpoint string
	// Region signs the requests (us-east-1 when empty).
	Region string
	// Bucket holds the objects; it must exist.
	Bucket string
	// PathStyle puts the bucket in the path (endpoint/bucket/key), as most
	// self-hosted S3-compatible services need; otherwise it is in the host
	// name (bucket.endpoint/key).
	PathStyle bool
	// AccessKeyID, SecretAccessKey and SessionToken (may be empty) are the
	// credentials.
	AccessKeyID, SecretAccessKey, SessionToken string
	// Transport carries the requests (nil: http.DefaultTransport).
	Transport http.RoundTripper
}

// S3 keeps objects in a bucket of an S3-compatible service (minio-go, which
// speaks to AWS S3 and the S3-compatible services alike). Clients move the
// bytes straight to and from the service with presigned URLs; the service's
// own reads and writes use the same credentials.
type S3 struct {
	c      *minio.Client
	bucket string
}

var _ Backend = (*S3)(nil)

// NewS3 returns the backend cfg describes. It makes no request: call Check
// to find out whether the bucket is reachable.
func NewS3(cfg S3Config) (*S3, error) {
	if cfg.Bucket == "" {
		return nil, errors.New("storage: s3: no bucket")
	}
	if cfg.AccessKeyID == "" || cfg.SecretAccessKey == "" {
		// Presigned URLs need credentials: anonymous access could not sign them.
		return nil, errors.New("storage: s3: no credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
	}
	ep, err := url.Parse(cfg.Endpoint)
	if err != nil || ep.Host == "" || (ep.Scheme != "http" && ep.Scheme != "https") || (ep.Path != "" && ep.Path != "/") || ep.RawQuery != "" {
		return nil, fmt.Errorf("storage: s3: endpoint %q is not scheme://host[:port]", cfg.Endpoint)
	}
	region := cfg.Region
	if region == "" {
		region = "us-east-1"
	}
	lookup := minio.BucketLookupDNS
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	c, err := minio.New(ep.Host, &minio.Options{
		Creds:     credentials.NewStaticV4(cfg.AccessKeyID, cfg.SecretAccessKey, cfg.SessionToken),
		Secure:    ep.Scheme == "https",
		Transport: cfg.Transport,
		// Set, so that the client never asks the service for the bucket's
		// location (a request per new bucket name, and one more permission).
		Region:       region,
		BucketLookup: lookup,
	})
	if err != nil {
		return nil, fmt.Errorf("storage: s3: %w", err)
	}
	return &S3{c: c, bucket: cfg.Bucket}, nil
}

// Check reports whether the bucket exists and the credentials may see it.
func (s *S3) Check(ctx context.Context) error {
	ok, err := s.c.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("storage: s3: bucket %s: %w", s.bucket, err)
	}
	if !ok {
		return fmt.Errorf("storage: s3: bucket %s does not exist", s.bucket)
	}
	return nil
}

// validity is how long a URL that expires at exp is valid from now, in
// whole seconds rounded up. S3 counts them from the signing time truncated
// to the second, so the URL dies at exp when exp is a whole second (as the
// service's are), and otherwise within the second after it.
func validity(exp time.Time) (time.Duration, error) {
	d := time.Until(exp)
	if d <= 0 {
		return 0, fmt.Errorf("storage: s3: URL expiring at %s is already expired", exp.UTC().Format(time.RFC3339))
	}
	d = (d + time.Second - 1).Truncate(time.Second) // at least S3's least, one second
	if d > maxPresign {
		return 0, fmt.Errorf("storage: s3: URL valid for %s, longer than S3's %s", d, maxPresign)
	}
	return d, nil
}

// PutURL implements Backend. The Content-Length header is signed, so the
// service refuses a body of any other size before storing it.
func (s *S3) PutURL(ctx context.Context, key string, size int64, expires time.Time) (string, error) {
	if !ValidKey(key) {
		return "", fmt.Errorf("storage: invalid key %q", key)
	}
	d, err := validity(expires)
	if err != nil {
		return "", err
	}
	h := http.Header{}
	h.Set("Content-Length", strconv.FormatInt(size, 10))
	u, err := s.c.PresignHeader(ctx, http.MethodPut, s.bucket, key, d, nil, h)
	if err != nil {
		return "", fmt.Errorf("storage: s3: presign PUT %s: %w", key, err)
	}
	return u.String(), nil
}

// GetURL implements Backend: only the host is signed, so a browser's plain
// GET (an <img src>) is accepted.
func (s *S3) GetURL(ctx context.Context, key string, expires time.Time) (string, error) {
	if !ValidKey(key) {
		return "", fmt.Errorf("storage: invalid key %q", key)
	}
	d, err := validity(expires)
	if err != nil {
		return "", err
	}
	u, err := s.c.PresignedGetObject(ctx, s.bucket, key, d, nil)
	if err != nil {
		return "", fmt.Errorf("storage: s3: presign GET %s: %w", key, err)
	}
	return u.String(), nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Put implements Backend. The object appears whole or not at all (S3
// writes are atomic); a body that is not exactly size bytes is a
// *SizeError and leaves nothing stored.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if !ValidKey(key) {
		return fmt.Errorf("storage: invalid key %q", key)
	}
	cr := &countingReader{r: r}
	_, err := s.c.PutObject(ctx, s.bucket, key, cr, size, minio.PutObjectOptions{ContentType: contentType})
	if err != nil {
		if cr.n < size {
			return &SizeError{Want: size, Got: cr.n}
		}
		return fmt.Errorf("storage: s3: put %s: %w", key, err)
	}
	// minio-go reads exactly size bytes: one more means the body was longer
	// than declared, and the stored object is cut short.
	var one [1]byte
	if n, _ := io.ReadFull(r, one[:]); n > 0 {
		_ = s.Delete(ctx, key)
		return &SizeError{Want: size, Got: size + 1}
	}
	return nil
}

// notFound reports whether err is S3's answer for a missing object.
func notFound(err error) bool {
	resp := minio.ToErrorResponse(err)
	return resp.StatusCode == http.StatusNotFound || resp.Code == minio.NoSuchKey
}

// Get implements Backend.
func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if !ValidKey(key) {
		return nil, fmt.Errorf("storage: invalid key %q", key)
	}
	obj, err := s.c.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("storage: s3: get %s: %w", key, err)
	}
	// GetObject is lazy: Stat sends the request, so a missing object is
	// known here rather than at the first Read.
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		if notFound(err) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("storage: s3: get %s: %w", key, err)
	}
	return obj, nil
}

// Stat implements Backend.
func (s *S3) Stat(ctx context.Context, key string) (Object, error) {
	if !ValidKey(key) {
		return Object{}, fmt.Errorf("storage: invalid key %q", key)
	}
	info, err := s.c.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		if notFound(err) {
			return Object{}, ErrNotFound
		}
		return Object{}, fmt.Errorf("storage: s3: stat %s: %w", key, err)
	}
	return Object{Size: info.Size}, nil
}

// Delete implements Backend (S3 deletes a missing object without error).
func (s *S3) Delete(ctx context.Context, key string) error {
	if !ValidKey(key) {
		return fmt.Errorf("storage: invalid key %q", key)
	}
	if err := s.c.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil && !notFound(err) {
		return fmt.Errorf("storage: s3: delete %s: %w", key, err)
	}
	return nil
}
