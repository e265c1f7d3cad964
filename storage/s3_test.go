package storage_test

import (
	"context"
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
