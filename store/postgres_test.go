package store_test

import (
	"testing"

	"github.com/chatapi/chatapi/store"
	"github.com/chatapi/chatapi/store/pgtest"
	"github.com/chatapi/chatapi/store/storetest"
)

func TestPostgres(t *testing.T) {
	pgURL, err := store.SharedPostgres()
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	storetest.Run(t, storetest.Backend{
		Driver: "postgres",
		NewURL: func(t *testing.T) string {
			url, drop, err := pgtest.NewSchema(t.Context(), pgURL, "")
			if err != nil {
				t.Fatalf("NewSchema: %v", err)
			}
			t.Cleanup(drop)
			return url
		},
	})
}
