package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/chatapi/chatapi/store"
)

// Batches of one look at the queue.
const (
	fanOutRooms  = 200
	dueEndpoints = 1000
)

// Run delivers until ctx ends, then waits for the attempts in flight. Every
// instance on a database runs one: the store's leases give each attempt
// to exactly one of them. An endpoint has at most Config.PerEndpoint
// attempts in flight here, each in a goroutine of its own, so a slow
// endpoint holds its own slots and nothing else: another endpoint's
// deliveries are claimed and sent beside it.
func (s *Service) Run(ctx context.Context) error {
	var (
		mu       sync.Mutex
		inFlight = make(map[string]int)
		wg       sync.WaitGroup
	)
	defer wg.Wait()
	tick := time.NewTicker(s.cfg.PollInterval)
	defer tick.Stop()
	lease := 2*s.cfg.Timeout + 5*time.Second
	var pruned time.Time
	ticked := true
	for {
		if ticked {
			ticked = false
			if err := s.readHooked(ctx); err != nil && ctx.Err() == nil {
				s.cfg.Logger.Warn("webhook endpoints", "error", err.Error())
			}
		}
		if now := s.cfg.Now(); now.Sub(pruned) >= pruneEvery {
			pruned = now
			if n, err := s.store.PruneWebhookDeliveries(ctx, now.Add(-s.cfg.KeepFinished), 0); err != nil && ctx.Err() == nil {
				s.cfg.Logger.Warn("prune webhook deliveries", "error", err.Error())
			} else if n > 0 {
				s.cfg.Logger.Info("pruned webhook deliveries", "deleted", n)
			}
		}
		if _, err := s.store.FanOutWebhookEvents(ctx, fanOutRooms); err != nil && ctx.Err() == nil {
			s.cfg.Logger.Warn("webhook fan-out", "error", err.Error())
		}
		ids, err := s.store.DueWebhookEndpoints(ctx, dueEndpoints)
		if err != nil && ctx.Err() == nil {
			s.cfg.Logger.Warn("webhook queue", "error", err.Error())
		}
		for _, id := range ids {
			mu.Lock()
			free := s.cfg.PerEndpoint - inFlight[id]
			mu.Unlock()
			if free <= 0 {
				continue
			}
			attempts, err := s.store.ClaimWebhookDeliveries(ctx, id, free, lease, s.cfg.RetryWindow)
			if err != nil {
				if ctx.Err() == nil {
					s.cfg.Logger.Warn("webhook claim", "webhook_id", id, "error", err.Error())
				}
				continue
			}
			mu.Lock()
			inFlight[id] += len(attempts)
			mu.Unlock()
			for _, a := range attempts {
				wg.Go(func() {
					s.attempt(ctx, a)
					mu.Lock()
					if inFlight[id]--; inFlight[id] == 0 {
						delete(inFlight, id)
					}
					mu.Unlock()
					// The room's next delivery may be claimed now.
					s.Notify()
				})
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			ticked = true
		case <-s.wake:
		}
	}
}

// attempt sends one claimed delivery and records the outcome. An attempt
// cut short by ctx (shutdown) is not recorded: its lease runs out and
// another attempt follows.
func (s *Service) attempt(ctx context.Context, a store.WebhookAttempt) {
	d := a.Delivery
	started := s.cfg.Now()
	res := store.WebhookResult{TenantID: d.TenantID, DeliveryID: d.ID, Lease: a.Lease, Attempt: d.Attempts, StartedAt: started}
	status, err := s.send(ctx, a, started)
	res.Latency = s.cfg.Now().Sub(started)
	if ctx.Err() != nil {
		return
	}
	if status != 0 {
		res.ResponseStatus = &status
	}
	switch {
	case err != nil:
		res.Error = err.Error()
	case status < 200 || status > 299:
		res.Error = fmt.Sprintf("answered %d", status)
	default:
		res.Succeeded = true
	}
	if !res.Succeeded {
		now := s.cfg.Now()
		if now.Before(a.WindowEnd) {
			res.RetryAt = now.Add(backoff(d.Attempts, s.cfg.RetryWindow))
			if res.RetryAt.After(a.WindowEnd) {
				// The last attempt is at the window's end.
				res.RetryAt = a.WindowEnd
			}
		} else {
			res.DisabledEvent = func(w store.Webhook) (json.RawMessage, error) {
				return json.Marshal(disabledData{WebhookID: w.ID, URL: w.URL, DisabledAt: now.UTC()})
			}
		}
	}
	// Recorded even while shutting down, within a bound.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	held, err := s.store.FinishWebhookAttempt(rctx, res)
	switch {
	case err != nil:
		s.cfg.Logger.Warn("webhook attempt not recorded", "delivery_id", d.ID, "error", err.Error())
	case !held:
		s.cfg.Logger.Warn("webhook attempt outlived its lease", "delivery_id", d.ID)
	case res.DisabledEvent != nil:
		s.cfg.Logger.Warn("webhook deactivated: its retry window ran out", "webhook_id", a.Endpoint.ID, "tenant_id", d.TenantID)
	}
}

// send POSTs the delivery, signed, and returns the answer's status (0 for
// none).
func (s *Service) send(ctx context.Context, a store.WebhookAttempt, now time.Time) (int, error) {
	d := a.Delivery
	body, err := json.Marshal(envelope{Type: d.EventType, Timestamp: d.CreatedAt, Data: d.Payload})
	if err != nil {
		return 0, fmt.Errorf("encode: %w", err)
	}
	signer, err := s.signer(a.Endpoint, now)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.Endpoint.URL, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "ChatAPI-Webhooks/1")
	if err := signer.SetHeaders(req.Header, d.ID, now, body); err != nil {
		return 0, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseRead))
	return resp.StatusCode, nil
}

// backoff is the pause after a delivery's attempt-th failed attempt:
// doubling from a base (1 s, less for a window under 10 s) up to an hour (a
// quarter of a short window), with ±50 % jitter so that the retries of
// many deliveries that failed together spread out.
func backoff(attempt int, window time.Duration) time.Duration {
	base := min(time.Second, window/10)
	ceiling := min(maxRetryDelay, window/4)
	d := base
	for i := 1; i < attempt && d < ceiling; i++ {
		d *= 2
	}
	d = min(d, ceiling)
	return d/2 + rand.N(d+1)
}
