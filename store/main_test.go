package store

import (
	"os"
	"testing"

	"github.com/chatapi/chatapi/store/pgtest"
)

// testPostgres is the test binary's one PostgreSQL server, shared by the
// tests of package store and of store_test through a schema each; err says
// why there is none.
var testPostgres struct {
	url string
	err error
}

// TestMain lives in package store, not store_test, so that the internal
// tests (plan_test.go) and the external ones share one server.
func TestMain(m *testing.M) {
	url, stop, err := pgtest.Start()
	testPostgres.url, testPostgres.err = url, err
	code := m.Run()
	if stop != nil {
		stop()
	}
	os.Exit(code)
}

// SharedPostgres returns the URL of the test binary's PostgreSQL server, or
// why there is none (for pgtest.Unavailable). Being in a _test.go file, it
// exists for the external tests only, never in a build of the package.
func SharedPostgres() (url string, err error) {
	return testPostgres.url, testPostgres.err
}
