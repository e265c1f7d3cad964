package chatapi

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// IdempotentOperations are the operations of openapi.yaml that take an
// Idempotency-Key: the creating POSTs. A test checks the list against the
// contract.
var IdempotentOperations = []string{
	"POST /tokens",
	"POST /admin/tenants",
	"POST /rooms",
	"POST /rooms/{room_id}/members",
	"POST /notify",
	"POST /uploads",
	"POST /reports",
	"POST /webhooks",
	"POST /webhooks/{webhook_id}/rotate-secret",
	"POST /webhooks/{webhook_id}/replay",
}

var idempotentPatterns = func() []*regexp.Regexp {
	param := regexp.MustCompile(`\\\{[^}/]+\\\}`)
	out := make([]*regexp.Regexp, len(IdempotentOperations))
	for i, op := range IdempotentOperations {
		out[i] = regexp.MustCompile("^" + param.ReplaceAllString(regexp.QuoteMeta(op), "[^/]+") + "$")
	}
	return out
}()

// WithBearerToken authenticates every request with a user token from POST
// /tokens (Authorization: Bearer), in place of X-API-Key and X-User-Id:
// what an app that acts for one signed-in user holds. token is called per
// request, so it may refresh. Tenant-level operations refuse it with 403.
func WithBearerToken(token func(ctx context.Context) (string, error)) ClientOption {
	return WithRequestEditorFn(func(ctx context.Context, req *http.Request) error {
		t, err := token(ctx)
		if err != nil {
			return fmt.Errorf("chatapi: user token: %w", err)
		}
		req.Header.Set("Authorization", "Bearer "+t)
		return nil
	})
}

// RetryingDoer sends requests through Doer and tries failed ones again.
// Every creating POST (IdempotentOperations) gets an Idempotency-Key
// unless it has one, and keeps it across its tries, so that a try after a
// lost answer gets the first answer instead of creating twice. Network
// errors and 502/503/504 are tried again for requests safe to repeat (GET,
// HEAD, PUT, DELETE and the creating POSTs); 429 for any request, after
// its Retry-After.
type RetryingDoer struct {
	// Doer sends each try [http.DefaultClient].
	Doer HttpRequestDoer
	// Retries is how many times a request is tried again [2 when zero;
	// negative: never].
	Retries int
	// Backoff is the first pause's upper bound, doubled per try, with
	// jitter [250ms].
	Backoff time.Duration
	// MaxBackoff caps the pauses [5s].
	MaxBackoff time.Duration
}

// WithRetries sends the client's requests through a RetryingDoer over its
// HTTP client (give WithHTTPClient first to choose that client).
func WithRetries(retries int) ClientOption {
	return func(c *Client) error {
		c.Client = &RetryingDoer{Doer: c.Client, Retries: retries}
		return nil
	}
}

// Do sends req, trying again as the type's comment says.
func (d *RetryingDoer) Do(req *http.Request) (*http.Response, error) {
	doer := d.Doer
	if doer == nil {
		doer = http.DefaultClient
	}
	retries := d.Retries
	switch {
	case retries == 0:
		retries = 2
	case retries < 0:
		retries = 0
	}
	pause, maxPause := d.Backoff, d.MaxBackoff
	if pause <= 0 {
		pause = 250 * time.Millisecond
	}
	if maxPause <= 0 {
		maxPause = 5 * time.Second
	}
	creating := isIdempotent(req.Method, req.URL.Path)
	if creating && req.Header.Get("Idempotency-Key") == "" {
		req.Header.Set("Idempotency-Key", rand.Text())
	}
	repeatable := creating || req.Method == http.MethodGet || req.Method == http.MethodHead ||
		req.Method == http.MethodPut || req.Method == http.MethodDelete
	for attempt := 0; ; attempt++ {
		try := req
		if attempt > 0 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			try = req.Clone(req.Context())
			try.Body = body
		}
		resp, err := doer.Do(try)
		last := attempt >= retries || (req.Body != nil && req.GetBody == nil)
		if last {
			return resp, err
		}
		wait := min(maxPause, pause<<attempt)
		wait = wait/2 + mrand.N(wait/2+1)
		switch {
		case err != nil && repeatable:
		case err != nil:
			return resp, err
		case resp.StatusCode == http.StatusTooManyRequests:
			if s, perr := strconv.Atoi(resp.Header.Get("Retry-After")); perr == nil {
				wait = max(wait, time.Duration(s)*time.Second)
			}
			drain(resp)
		case repeatable && (resp.StatusCode == http.StatusBadGateway || resp.StatusCode == http.StatusServiceUnavailable ||
			resp.StatusCode == http.StatusGatewayTimeout):
			drain(resp)
		default:
			return resp, nil
		}
		t := time.NewTimer(wait)
		select {
		case <-req.Context().Done():
			t.Stop()
			return nil, req.Context().Err()
		case <-t.C:
		}
	}
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// isIdempotent reports whether method and path name an operation of
// IdempotentOperations. path may carry a prefix (a server behind a path).
func isIdempotent(method, path string) bool {
	for i, re := range idempotentPatterns {
		if !strings.HasPrefix(IdempotentOperations[i], method+" ") {
			continue
		}
		for p := path; ; {
			if re.MatchString(method + " " + p) {
				return true
			}
			j := strings.IndexByte(p[1:], '/')
			if j < 0 {
				break
			}
			p = p[j+1:]
		}
	}
	return false
}
