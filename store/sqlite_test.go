package store_test

import (
	"path/filepath"
	"testing"

	"github.com/chatapi/chatapi/store/storetest"
)

func TestSQLite(t *testing.T) {
	storetest.Run(t, storetest.Backend{
		Driver: "sqlite",
		NewURL: func(t *testing.T) string {
			return filepath.Join(t.TempDir(), "chatapi.db")
		},
	})
}
