package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chatapi/chatapi/storage"
	"github.com/chatapi/chatapi/storage/s3test"
)

// STORAGE_URL: each form opens its backend; a malformed s3:// URL, a
// missing bucket or missing credentials stop the start with a message that
// never repeats a secret.
func TestOpenStorage(t *testing.T) {
	srv, err := s3test.Start()
	if err != nil {
		s3test.Unavailable(t, err)
	}
	t.Cleanup(srv.Close)
	ctx := context.Background()
	bucket, err := srv.NewBucket(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const secret = "s3cr3t-never-printed"
	creds := s3Credentials{accessKeyID: s3test.AccessKeyID, secretAccessKey: s3test.SecretAccessKey}
	s3URL := "s3://" + bucket + "?endpoint=" + srv.Endpoint + "&region=" + s3test.Region + "&path_style=true"
	dir := t.TempDir()

	for _, tc := range []struct {
		name    string
		url     string
		creds   s3Credentials
		want    string // "local", "s3", or a part of the refusal
		handler bool
	}{
		{name: "local directory", url: "file://" + dir, want: "local", handler: true},
		{name: "s3 bucket", url: s3URL, creds: creds, want: "s3"},
		{name: "missing bucket", url: strings.Replace(s3URL, bucket, "no-such-bucket", 1), creds: creds, want: "bucket no-such-bucket"},
		{name: "no credentials", url: s3URL, want: "AWS_ACCESS_KEY_ID"},
		{name: "credentials in the URL", url: "s3://AKIAX:" + secret + "@" + bucket + "?endpoint=" + srv.Endpoint, creds: creds, want: "no credentials in the URL"},
		{name: "credentials in a malformed URL", url: "s3://AKIAX:" + secret + "%zz@b", creds: creds, want: "not a URL"},
		{name: "unknown parameter", url: s3URL + "&pathstyle=true", creds: creds, want: `no parameter "pathstyle"`},
		{name: "path_style not a boolean", url: "s3://" + bucket + "?path_style=yes", creds: creds, want: "path_style"},
		{name: "a path after the bucket", url: "s3://" + bucket + "/prefix", creds: creds, want: "no path"},
		{name: "endpoint without scheme", url: "s3://" + bucket + "?endpoint=127.0.0.1:9000", creds: creds, want: "endpoint"},
		{name: "wrong secret key", url: s3URL, creds: s3Credentials{accessKeyID: s3test.AccessKeyID, secretAccessKey: secret}, want: "Access Denied"},
		{name: "unknown scheme", url: "gs://" + bucket, want: "unsupported scheme"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, h, err := openStorage(ctx, tc.url, []byte("0123456789abcdef"), "http://localhost:8080", nil, tc.creds)
			switch tc.want {
			case "local", "s3":
				if err != nil {
					t.Fatalf("openStorage: %v", err)
				}
				_, isLocal := b.(*storage.Local)
				_, isS3 := b.(*storage.S3)
				if (tc.want == "local") != isLocal || (tc.want == "s3") != isS3 || (h != nil) != tc.handler {
					t.Fatalf("got %T and handler %v, want %s and handler %v", b, h != nil, tc.want, tc.handler)
				}
			default:
				if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "STORAGE_URL: ") {
					t.Fatalf("got %v, want a STORAGE_URL refusal containing %q", err, tc.want)
				}
			}
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Fatalf("the refusal repeats the secret: %v", err)
			}
		})
	}
}
