package storage_test

import (
	"context"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/chatapi/chatapi/storage"
	"github.com/chatapi/chatapi/storage/s3test"
	"github.com/chatapi/chatapi/storage/storagetest"
)

// moto is the S3-compatible server of this package's tests, started by the
// first test that needs it and stopped by TestMain.
var moto struct {
	once sync.Once
	srv  *s3test.Server
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if moto.srv != nil {
		moto.srv.Close()
	}
	os.Exit(code)
}

func motoServer(t *testing.T) *s3test.Server {
	t.Helper()
	moto.once.Do(func() { moto.srv, moto.err = s3test.Start() })
	if moto.err != nil {
		s3test.Unavailable(t, moto.err)
	}
	return moto.srv
}

// newS3 is a backend on a fresh bucket of the test server.
func newS3(t *testing.T) *storage.S3 {
	t.Helper()
	srv := motoServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	bucket, err := srv.NewBucket(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := storage.NewS3(storage.S3Config{
		Endpoint: srv.Endpoint, Region: s3test.Region, Bucket: bucket, PathStyle: true,
		AccessKeyID: s3test.AccessKeyID, SecretAccessKey: s3test.SecretAccessKey,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Check(ctx); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestS3(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) (storage.Backend, func(time.Duration)) {
		// S3 signs with the real clock: expiry is tested by waiting.
		return newS3(t), nil
	})
}

// A presigned URL's validity is whole seconds, rounded up so that it lasts
// until the expiry asked for, and within S3's bounds.
func TestS3URLValidity(t *testing.T) {
	b := newS3(t)
	ctx := context.Background()
	tests := []struct {
		name string
		in   time.Duration
		want string // X-Amz-Expires, "" for a refusal
	}{
		{"an hour and a half", 90*time.Minute + 300*time.Millisecond, "5401"},
		{"under a second", 200 * time.Millisecond, "1"},
		{"a second under seven days", 7*24*time.Hour - time.Second, "604799"},
		{"over seven days", 7*24*time.Hour + 2*time.Second, ""},
		{"already past", -time.Second, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, sign := range []func() (string, error){
				func() (string, error) { return b.GetURL(ctx, "ten_1/up_1", time.Now().Add(tc.in)) },
				func() (string, error) { return b.PutURL(ctx, "ten_1/up_1", 10, time.Now().Add(tc.in)) },
			} {
				raw, err := sign()
				if tc.want == "" {
					if err == nil {
						t.Fatalf("signed %s, want a refusal", raw)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				u, err := url.Parse(raw)
				if err != nil {
					t.Fatal(err)
				}
				if got := u.Query().Get("X-Amz-Expires"); got != tc.want {
					t.Fatalf("X-Amz-Expires = %s, want %s", got, tc.want)
				}
			}
		})
	}
}
