package realtime

import (
	"context"
	"sync"
)

// CursorStore keeps the resume cursor of the last sync.complete, so that a
// reconnect (or, with a durable store, a restarted app) replays only what it
// missed. The cursor is opaque: store it as it is.
type CursorStore interface {
	// Load returns the stored cursor, "" when there is none.
	Load(ctx context.Context) (string, error)
	// Save replaces the stored cursor; "" forgets it.
	Save(ctx context.Context, cursor string) error
}

// MemoryCursorStore is the default CursorStore: the cursor lives as long as
// the process. Its zero value is ready to use.
type MemoryCursorStore struct {
	mu     sync.Mutex
	cursor string
}

// Load returns the cursor last saved.
func (s *MemoryCursorStore) Load(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cursor, nil
}

// Save keeps cursor.
func (s *MemoryCursorStore) Save(_ context.Context, cursor string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cursor = cursor
	return nil
}
