package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/chatapi/chatapi/storage"
)

// defaultStorageURL keeps uploads beside the default SQLite database, so
// that `make run` needs nothing.
const defaultStorageURL = "file://./data/files"

// openStorage opens the backend STORAGE_URL names: file://DIR, a local
// directory whose signed URLs this process serves (returned as the
// handler to mount at storage.LocalPrefix). secret signs those URLs;
// publicURL is how clients reach this process.
func openStorage(storageURL string, secret []byte, publicURL string, now func() time.Time) (storage.Backend, http.Handler, error) {
	u, err := url.Parse(storageURL)
	if err != nil {
		return nil, nil, fmt.Errorf("STORAGE_URL: %w", err)
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
	}
	return nil, nil, fmt.Errorf("STORAGE_URL: unsupported scheme %q (file://DIR)", u.Scheme)
}

// storageSecret is STORAGE_SECRET, or else a key derived from the master
// key (as user tokens' is), so that instances sharing a master key accept
// each other's URLs.
func storageSecret(configured, masterKey string) []byte {
	if configured != "" {
		return []byte(configured)
	}
	mac := hmac.New(sha256.New, []byte(masterKey))
	mac.Write([]byte("chatapi storage urls v1"))
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
