package server_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/chatapi/chatapi/server"
	"github.com/chatapi/chatapi/store"
)

// hangingRooms is a store whose room listing hangs until its context ends,
// as a database that stopped answering would.
type hangingRooms struct{ *store.Store }

func (hangingRooms) ListRooms(ctx context.Context, _, _ string, _ store.RoomFilter) ([]store.RoomSummary, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// A request waiting on a hung database ends at the request timeout with a
// 500 envelope, not when the client gives up.
func TestRequestTimeout(t *testing.T) {
	const timeout = 300 * time.Millisecond
	e := newEnvWith(t, envOptions{
		wrap:           func(st *store.Store) server.Store { return hangingRooms{st} },
		requestTimeout: timeout,
	})
	tn := e.newTenant("acme", 0)
	// The client's own limit only keeps a server that ignores the timeout
	// from hanging the test.
	ctx, cancel := context.WithTimeout(context.Background(), 20*timeout)
	defer cancel()
	start := time.Now()
	r, err := tn.as("alice").ListRoomsWithResponse(ctx, nil)
	took := time.Since(start)
	if took < timeout || took > 10*timeout {
		t.Errorf("answered after %v, want about %v", took, timeout)
	}
	refused(t, r, err, refusal{http.StatusInternalServerError, "INTERNAL_ERROR", ""})
}
