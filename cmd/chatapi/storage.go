package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/chatapi/chatapi/storage"
)

// defaultStorageURL keeps uploads beside the default SQLite database, so
// that `make run` needs nothing.
const defaultStorageURL = "file://./data/files"

// storageURLForms is what STORAGE_URL may be, for error messages and
// --help.
const storageURLForms = "file://DIR, or s3://BUCKET?endpoint=scheme://host[:port]&region=REGION&path_style=true"

// s3Credentials are the credentials of an s3:// STORAGE_URL, from the
// environment as every AWS tool reads them (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), never from the URL: a URL is
// printed, logged and put in process lists.
type s3Credentials struct {
	accessKeyID, secretAccessKey, sessionToken string
}

// storageCheckTimeout bounds the start-up check that an S3 bucket is
// reachable.
const storageCheckTimeout = 15 * time.Second

// openStorage opens the backend STORAGE_URL names:
//   - file://DIR, a local directory whose signed URLs this process serves
//     (returned as the handler to mount at storage.LocalPrefix); secret
//     signs those URLs, publicURL is how clients reach this process.
//   - s3://BUCKET?endpoint=…&region=…&path_style=true, a bucket of an
//     S3-compatible service, signed with creds; clients reach the service
//     itself (no handler). The bucket is checked before the service starts.
func openStorage(ctx context.Context, storageURL string, secret []byte, publicURL string, now func() time.Time, creds s3Credentials) (storage.Backend, http.Handler, error) {
	u, err := url.Parse(storageURL)
	if err != nil {
		// url.Error repeats the whole URL: say only what is wrong with it.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, nil, fmt.Errorf("STORAGE_URL: not a URL: %w", err)
	}
	switch u.Scheme {
	case "file":
		dir := u.Host + u.Path // file://./data/files: host ".", path "/data/files"
		if u.Host == "" {
			dir = u.Path
		}
		l, err := storage.NewLocal(dir, secret, publicURL, now)
		if err != nil {
			return nil, nil, fmt.Errorf("STORAGE_URL: %w", err)
		}
		return l, l, nil
	case "s3":
		cfg, err := parseS3URL(u)
		if err != nil {
			return nil, nil, fmt.Errorf("STORAGE_URL: %w", err)
		}
		cfg.AccessKeyID, cfg.SecretAccessKey, cfg.SessionToken = creds.accessKeyID, creds.secretAccessKey, creds.sessionToken
		b, err := storage.NewS3(cfg)
		if err != nil {
			return nil, nil, fmt.Errorf("STORAGE_URL: %w", err)
		}
		ctx, cancel := context.WithTimeout(ctx, storageCheckTimeout)
		defer cancel()
		if err := b.Check(ctx); err != nil {
			return nil, nil, fmt.Errorf("STORAGE_URL: %w", err)
		}
		return b, nil, nil
	}
	return nil, nil, fmt.Errorf("STORAGE_URL: unsupported scheme %q (%s)", u.Scheme, storageURLForms)
}

// parseS3URL reads s3://BUCKET?endpoint=…&region=…&path_style=…; an
// unknown parameter is refused, so that a typo is not silently ignored.
func parseS3URL(u *url.URL) (storage.S3Config, error) {
	if u.User != nil {
		return storage.S3Config{}, errors.New("s3:// takes no credentials in the URL: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	if u.Host == "" || (u.Path != "" && u.Path != "/") {
		return storage.S3Config{}, errors.New("s3://BUCKET names a bucket and no path")
	}
	cfg := storage.S3Config{Bucket: u.Host, Endpoint: "https://s3.amazonaws.com"}
	for name, vals := range u.Query() {
		v := vals[len(vals)-1]
		switch name {
		case "endpoint":
			cfg.Endpoint = v
		case "region":
			cfg.Region = v
		case "path_style":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return storage.S3Config{}, fmt.Errorf("path_style: %q is not true or false", v)
			}
			cfg.PathStyle = b
		default:
			return storage.S3Config{}, fmt.Errorf("s3:// has no parameter %q (endpoint, region, path_style)", name)
		}
	}
	return cfg, nil
}

// secretOr is the configured secret, or else one derived from the master
// key under label (as user tokens' is), so that instances sharing a master
// key agree on it, and keep agreeing across restarts: STORAGE_SECRET signs
// storage URLs, WEBHOOK_SECRET_KEY seals signing secrets in the database.
func secretOr(configured, masterKey, label string) []byte {
	if configured != "" {
		return []byte(configured)
	}
	mac := hmac.New(sha256.New, []byte(masterKey))
	mac.Write([]byte(label))
	return mac.Sum(nil)
}

// defaultPublicURL is where a client on this machine reaches the listen
// address: http://localhost:PORT.
func defaultPublicURL(addr string) string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		port = "8080"
	}
	return "http://localhost:" + strings.TrimPrefix(port, ":")
}
