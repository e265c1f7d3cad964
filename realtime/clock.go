package realtime

import "time"

// Clock is the time of the hub's delivery timers: redelivery and the
// receipts flush. Tests inject a fake one to move minutes in no time.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has passed.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a Clock's pending call, as *time.Timer.
type Timer interface {
	Stop() bool
	Reset(d time.Duration) bool
}

// wallClock is the real time.
type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
