package storage_test

import (
	"net/http"

	"github.com/chatapi/chatapi/storage"
)

// httpHandler serves the Local that get returns at request time.
type httpHandler func() *storage.Local

func (h httpHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h().ServeHTTP(w, r) }
