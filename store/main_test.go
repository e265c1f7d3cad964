package store_test

import (
	"os"
	"testing"

	"github.com/chatapi/chatapi/store/pgtest"
)

// postgres is the test binary's one PostgreSQL server, shared by every test
// through a schema of its own; err says why there is none.
var postgres struct {
	url string
	err error
}

func TestMain(m *testing.M) {
	url, stop, err := pgtest.Start()
	postgres.url, postgres.err = url, err
	code := m.Run()
	if stop != nil {
		stop()
	}
	os.Exit(code)
}
