package realtime

import (
	"context"
	"sync"
)

// tasks tracks the work timers start (presence expiry, typing expiry), so
// that Shutdown can refuse new work and wait for the running work. A task
// enters before it runs; after stop, none enters.
type tasks struct {
	mu      sync.Mutex
	stopped bool
	wg      sync.WaitGroup
}

// enter reports whether the task may run; if so, it must call leave.
func (t *tasks) enter() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return false
	}
	t.wg.Add(1)
	return true
}

func (t *tasks) leave() { t.wg.Done() }

// stop refuses new tasks and waits for the running ones, or for ctx.
func (t *tasks) stop(ctx context.Context) error {
	t.mu.Lock()
	t.stopped = true
	t.mu.Unlock()
	return waitCtx(ctx, &t.wg)
}

// waitCtx waits for wg, or for ctx to end.
func waitCtx(ctx context.Context, wg *sync.WaitGroup) error {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
