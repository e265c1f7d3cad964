package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
)

// testIdempotencyKeys claims, answers, releases and prunes idempotency
// keys: one claim per key and tenant, concurrent claimers included; an
// answer is replayed until it expires; an abandoned claim is taken over.
func testIdempotencyKeys(t *testing.T, b Backend) {
	s, clk := newStoreClock(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	other := newTenant(t, s)
	claim := store.IdempotencyClaim{TTL: 24 * time.Hour, AbandonAfter: time.Minute}
	mustClaim := func(t *testing.T, tenantID, key, fp string, want bool) store.IdempotencyRecord {
		t.Helper()
		rec, claimed, err := s.ClaimIdempotencyKey(ctx, tenantID, key, fp, claim)
		if err != nil {
			t.Fatalf("ClaimIdempotencyKey: %v", err)
		}
		if claimed != want {
			t.Fatalf("claimed = %v, want %v (record %+v)", claimed, want, rec)
		}
		return rec
	}

	t.Run("claim, pending, answer, replay", func(t *testing.T) {
		mustClaim(t, tenant, "k1", "fp-a", true)
		if rec := mustClaim(t, tenant, "k1", "fp-a", false); !rec.Pending() || rec.Fingerprint != "fp-a" {
			t.Errorf("while running: %+v, want pending fp-a", rec)
		}
		if err := s.CompleteIdempotencyKey(ctx, tenant, "k1", 201, []byte(`{"a":1}`)); err != nil {
			t.Fatalf("CompleteIdempotencyKey: %v", err)
		}
		rec := mustClaim(t, tenant, "k1", "fp-b", false)
		if rec.Pending() || rec.Status != 201 || string(rec.Body) != `{"a":1}` || rec.Fingerprint != "fp-a" {
			t.Errorf("answered: %+v", rec)
		}
		// Completed once: a second completion finds no claim.
		if err := s.CompleteIdempotencyKey(ctx, tenant, "k1", 500, nil); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second completion: %v, want ErrNotFound", err)
		}
	})
	t.Run("keys are per tenant", func(t *testing.T) {
		mustClaim(t, other, "k1", "fp-x", true)
	})
	t.Run("a released claim is claimed again", func(t *testing.T) {
		mustClaim(t, tenant, "k2", "fp", true)
		if err := s.ReleaseIdempotencyKey(ctx, tenant, "k2"); err != nil {
			t.Fatalf("ReleaseIdempotencyKey: %v", err)
		}
		mustClaim(t, tenant, "k2", "fp", true)
		// Releasing an answered key keeps the answer.
		if err := s.CompleteIdempotencyKey(ctx, tenant, "k2", 200, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
		if err := s.ReleaseIdempotencyKey(ctx, tenant, "k2"); err != nil {
			t.Fatal(err)
		}
		if rec := mustClaim(t, tenant, "k2", "fp", false); rec.Status != 200 {
			t.Errorf("after a release of the answer: %+v", rec)
		}
	})
	t.Run("concurrent claims: exactly one", func(t *testing.T) {
		const n = 20
		var wg sync.WaitGroup
		results := make([]bool, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() { _, results[i], errs[i] = s.ClaimIdempotencyKey(ctx, tenant, "race", "fp", claim) })
		}
		wg.Wait()
		claimed := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("claim %d: %v", i, errs[i])
			}
			if results[i] {
				claimed++
			}
		}
		if claimed != 1 {
			t.Errorf("%d of %d concurrent claims succeeded, want 1", claimed, n)
		}
	})
	t.Run("abandoned claim, expired answer, prune", func(t *testing.T) {
		mustClaim(t, tenant, "k3", "fp", true)
		clk.Advance(2 * time.Minute)
		mustClaim(t, tenant, "k3", "fp-new", true)
		if err := s.CompleteIdempotencyKey(ctx, tenant, "k3", 201, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
		clk.Advance(23 * time.Hour)
		mustClaim(t, tenant, "k3", "fp-other", false)
		clk.Advance(time.Hour)
		n, err := s.PruneIdempotencyKeys(ctx)
		if err != nil {
			t.Fatalf("PruneIdempotencyKeys: %v", err)
		}
		// Every key of the earlier subtests is over 24 h old by now.
		if n < 5 {
			t.Errorf("pruned %d keys, want every one (at least 5)", n)
		}
		mustClaim(t, tenant, "k3", "fp-other", true)
	})
}
