package realtime

import (
	"math/rand/v2"
	"time"
)

// backoff is the wait before reconnect attempt n (0 for the first retry):
// exponential from min, capped at max, with equal jitter (half fixed, half
// random) so that clients dropped together do not return together.
func backoff(n int, min, max time.Duration) time.Duration {
	d := min
	for i := 0; i < n && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d/2 + rand.N(d/2+1)
}

// afterShutdown is the wait after server.shutdown: at least what the server
// asked for, plus up to a quarter of it (at most a second) of jitter.
func afterShutdown(asked time.Duration) time.Duration {
	j := asked / 4
	if j > time.Second {
		j = time.Second
	}
	return asked + rand.N(j+1)
}
