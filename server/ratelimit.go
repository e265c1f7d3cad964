package server

import (
	"math"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/chatapi/chatapi/store"
)

// rateLimiter holds one token bucket per tenant, in this process.
type rateLimiter struct {
	now     func() time.Time
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

func newRateLimiter(now func() time.Time) *rateLimiter {
	return &rateLimiter{now: now, buckets: make(map[string]*rate.Limiter)}
}

func (r *rateLimiter) bucket(t store.Tenant) *rate.Limiter {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.buckets[t.ID]
	if !ok || b.Burst() != t.RateLimitRPS {
		b = rate.NewLimiter(rate.Limit(t.RateLimitRPS), t.RateLimitRPS)
		r.buckets[t.ID] = b
	}
	return b
}

// allow takes a token for the tenant and sets the SPEC's rate-limit headers;
// it refuses with 429 and Retry-After when the bucket is empty.
func (r *rateLimiter) allow(h http.Header, t store.Tenant) error {
	b := r.bucket(t)
	now := r.now()
	ok := b.AllowN(now, 1)
	tokens := b.TokensAt(now)
	remaining := int64(math.Max(0, math.Floor(tokens)))
	missing := float64(b.Burst()) - tokens
	resetIn := time.Duration(missing / float64(b.Limit()) * float64(time.Second))
	setIntHeader(h, "X-RateLimit-Limit", int64(t.RateLimitRPS))
	setIntHeader(h, "X-RateLimit-Remaining", remaining)
	setIntHeader(h, "X-RateLimit-Reset", now.Add(resetIn).Add(time.Second-1).Unix())
	if ok {
		return nil
	}
	retry := int64(math.Ceil((1 - tokens) / float64(b.Limit())))
	if retry < 1 {
		retry = 1
	}
	setIntHeader(h, "Retry-After", retry)
	return &apiError{status: http.StatusTooManyRequests, code: codeRateLimit, message: "rate limit exceeded, retry later"}
}
